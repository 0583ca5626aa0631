"""Where quizzer keeps its state, its settings and its decks."""

from __future__ import annotations

import os
from pathlib import Path
from typing import Any

_APP = "quizzer"


def data_dir() -> Path:
    """The folder of the database: `QUIZZER_HOME`, else the user's data directory."""
    home = os.environ.get("QUIZZER_HOME")
    if home:
        return Path(home).expanduser()
    from platformdirs import user_data_dir

    return Path(user_data_dir(_APP, appauthor=False))


def config_path() -> Path:
    """`config.toml`: in `QUIZZER_HOME` when set, else in the user's config directory."""
    home = os.environ.get("QUIZZER_HOME")
    if home:
        return Path(home).expanduser() / "config.toml"
    from platformdirs import user_config_dir

    return Path(user_config_dir(_APP, appauthor=False)) / "config.toml"


def cache_dir() -> Path:
    """Disposable caches: `QUIZZER_HOME/cache` when set, else the user's cache directory."""
    home = os.environ.get("QUIZZER_HOME")
    if home:
        return Path(home).expanduser() / "cache"
    from platformdirs import user_cache_dir

    return Path(user_cache_dir(_APP, appauthor=False))


def bundled_decks() -> Path:
    """The decks shipped with quizzer: inside the installed package, or the checkout's `decks/`."""
    here = Path(__file__).resolve().parent
    packaged = here / "bundled_decks"
    if packaged.is_dir():
        return packaged
    return here.parent / "decks"


def user_decks_dir() -> Path:
    """The learner's own decks, loaded together with the bundled ones: `decks/` in the data
    directory. A deck here with a bundled deck's id replaces it."""
    return data_dir() / "decks"


def decks_override() -> Path | None:
    """The only decks tree to use when `--decks` or `QUIZZER_DECKS` names one; None otherwise.
    A folder that does not exist is an error: a typo must not look like an empty collection."""
    chosen = os.environ.get("QUIZZER_DECKS")
    if not chosen:
        return None
    path = Path(chosen).expanduser()
    if not path.is_dir():
        from quizzer.errors import DecksNotFound

        what = "is not a folder" if path.exists() else "does not exist"
        raise DecksNotFound(f"decks folder {path} {what} (from --decks or QUIZZER_DECKS)")
    return path


def configured_deck_folders() -> list[Path]:
    """More folders of the learner's decks, listed in config.toml as `deck_folders`."""
    _, folders = _deck_folders()
    if not isinstance(folders, list):
        return []
    return [Path(f).expanduser() for f in folders if isinstance(f, str)]


def deck_folder_problems() -> list[tuple[int, str]]:
    """What is wrong with config.toml's `deck_folders`, as (line, message): a folder that does
    not exist (its decks are not studied), or a value that is not a list of folders. Empty when
    config.toml names none, or cannot be read (the commands that read the settings say so)."""
    text, folders = _deck_folders()
    if folders is None:
        return []
    rows = text.splitlines()
    line = next((n for n, row in enumerate(rows, 1) if row.startswith("deck_folders")), 1)
    if not isinstance(folders, list) or not all(isinstance(f, str) for f in folders):
        return [
            (line, f'deck_folders: a list of folders, such as ["~/more-decks"], not {folders!r}')
        ]
    return [
        (line, f"deck_folders: {folder}: no such folder; its decks are not studied")
        for folder in folders
        if not Path(folder).expanduser().is_dir()
    ]


def _deck_folders() -> tuple[str, Any]:
    """config.toml's text and its `deck_folders` as read (None when it names none, or cannot be
    read: `load_settings` reports that)."""
    import tomllib

    try:
        text = config_path().read_text(encoding="utf-8-sig")
        return text, tomllib.loads(text).get("deck_folders")
    except (OSError, UnicodeDecodeError, tomllib.TOMLDecodeError):
        return "", None


def deck_roots() -> list[Path]:
    """Every decks tree in use, in order of precedence (later ones replace earlier decks with
    the same id): only the `--decks` tree when given; else the bundled decks, the user decks
    folder and the folders of `deck_folders`."""
    override = decks_override()
    if override is not None:
        return [override]
    return [bundled_decks(), user_decks_dir(), *configured_deck_folders()]
