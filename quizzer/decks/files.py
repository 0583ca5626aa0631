"""Where deck files are in a decks tree, in study order, and the deck id of each."""

from __future__ import annotations

from pathlib import Path

from quizzer.files import DECK_LIMIT, read_regular

DECK_SUFFIX = ".yaml"


def deck_id_for(path: Path, root: Path) -> str:
    """The deck id of a file: its path under the root, without `.yaml`, with `/` separators."""
    return path.relative_to(root).with_suffix("").as_posix()


ORDER_FILE = "_order.txt"
"""In any folder of a decks tree: the names of its decks and subfolders, one a line, in the order
they are studied. Unlisted ones follow, alphabetically."""


def find_deck_files(root: Path) -> list[Path]:
    """Deck files under `root` in study order, skipping hidden folders and files starting with
    `_`."""
    found = []
    for path in root.rglob(f"*{DECK_SUFFIX}"):
        parts = path.relative_to(root).parts
        if any(p.startswith((".", "_")) for p in parts):
            continue
        found.append(path)
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
