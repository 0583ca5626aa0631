"""Where quizzer keeps its state, its settings and its decks."""

from __future__ import annotations

import os
from pathlib import Path

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


def decks_dir() -> Path:
    """The decks tree in use: `QUIZZER_DECKS` when set, else the bundled decks."""
    chosen = os.environ.get("QUIZZER_DECKS")
    return Path(chosen).expanduser() if chosen else bundled_decks()


def user_decks_dir() -> Path:
    """The user's own decks, loaded together with the bundled ones."""
    return data_dir() / "decks"
