"""Where deck files are in a decks tree, in study order, and the deck id of each."""

from __future__ import annotations

import os
from collections.abc import Collection
from pathlib import Path

from quizzer.files import DECK_LIMIT, read_regular

DECK_SUFFIX = ".yaml"
SKIPPED = (".", "_")
"""A tree scan skips the files and folders whose names start with these (`_order.txt`, drafts,
hidden folders)."""


def deck_id_for(path: Path, root: Path) -> str:
    """The deck id of a file: its path under the root, without `.yaml`, with `/` separators."""
    return path.relative_to(root).with_suffix("").as_posix()


def in_deck(deck_id: str, name: str) -> bool:
    """True when `deck_id` is the deck `name` or a deck of the folder `name` (at any depth)."""
    return deck_id == name or deck_id.startswith(name + "/")


def names_deck(deck_ids: Collection[str], name: str) -> bool:
    """True when `name` (a trailing `/` aside) is one of these decks or a folder of some."""
    name = name.rstrip("/")
    return name in deck_ids or any(in_deck(d, name) for d in deck_ids)


def no_such_deck(deck_ids: Collection[str], name: str) -> str:
    """The message for a deck or folder `name` that names none of these decks, with the deck
    or folder it is spelt most like (`asr/ctcc`: `asr/ctc`)."""
    name = name.rstrip("/")
    close = closest_deck(deck_ids, name)
    meant = f"; did you mean {close!r}?" if close else ""
    return f"no deck or folder {name!r}{meant} ('quizzer decks' lists them)"


def closest_deck(deck_ids: Collection[str], name: str) -> str | None:
    """The deck or folder (of these decks) that `name` is spelt most like, if one is close."""
    import difflib

    known = set(deck_ids) | {
        d.rsplit("/", i)[0] for d in deck_ids for i in range(1, d.count("/") + 1)
    }
    close = difflib.get_close_matches(name.rstrip("/"), sorted(known), n=1, cutoff=0.75)
    return close[0] if close else None


ORDER_FILE = "_order.txt"
"""In any folder of a decks tree: the names of its decks and subfolders, one a line, in the order
they are studied. Unlisted ones follow, alphabetically."""


def find_deck_files(root: Path, unreadable: list[OSError] | None = None) -> list[Path]:
    """Deck files under `root` in study order, skipping hidden folders and files starting with
    `_`. A folder that cannot be listed is skipped; its error is added to `unreadable` when
    given, so the caller can say which decks are missing."""
    found: list[Path] = []

    def skipped(error: OSError) -> None:
        if unreadable is not None and error.filename != str(root):
            unreadable.append(error)

    for folder, subfolders, files in os.walk(root, onerror=skipped):
        rel = Path(folder).relative_to(root)
        if any(p.startswith(SKIPPED) for p in rel.parts):
            subfolders.clear()
            continue
        # A folder named like a deck is kept too: reading it gives a located problem.
        found.extend(
            Path(folder, name)
            for name in [*files, *subfolders]
            if name.endswith(DECK_SUFFIX) and not name.startswith(SKIPPED)
        )
    ranks: dict[Path, dict[str, int]] = {}

    def key(path: Path) -> list[tuple[int, str]]:
        steps = []
        folder = root
        for part in path.relative_to(root).with_suffix("").parts:
            if folder not in ranks:
                ranks[folder] = _read_order(folder / ORDER_FILE)
            rank = ranks[folder]
            steps.append((rank.get(part, len(rank)), part))
            folder = folder / part
        return steps

    return sorted(found, key=key)


def _read_order(path: Path) -> dict[str, int]:
    try:
        lines = read_regular(path, DECK_LIMIT).decode("utf-8").splitlines()
    except (OSError, UnicodeDecodeError):
        return {}
    names = [ln.split("#", 1)[0].strip() for ln in lines]
    return {name: i for i, name in enumerate(n for n in names if n)}
