"""Where a deck file stands in its decks tree, so that `quizzer lint FILE` checks it as linting
the tree would: with the tree's folder as the root its deck id and media paths are relative to,
and saying when the tree would not read the file at all.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path

from quizzer.decks.files import DECK_SUFFIX, SKIPPED
from quizzer.decks.loader import DECK_NAME


@dataclass(frozen=True, slots=True)
class Placement:
    """A deck file in its tree."""

    root: Path
    """The decks folder the file belongs to."""
    deck_id: str
    """Its deck id there (for a file the tree skips: as if its name did not start with `_`)."""
    unread: str | None = None
    """Why a scan of the tree would not read it as a deck, or None when it would."""
    misnamed: bool = False
    """True when `unread` is its extension (an error), False for a skipped name (a warning)."""


def place(path: Path, roots: Sequence[Path]) -> Placement:
    """The tree a deck file belongs to (`tree_root`) and how that tree sees it."""
    where = path.parent.resolve() / path.name  # the file itself may be a link to elsewhere
    root = tree_root(where, roots)
    parts = where.relative_to(root).parts
    skipped = next((part for part in parts if part.startswith(SKIPPED)), None)
    deck_id = Path(*(part.lstrip("._") or part for part in parts)).with_suffix("").as_posix()
    if not where.name.endswith(DECK_SUFFIX):
        stem = where.name.rsplit(".", 1)[0] if "." in where.name[1:] else where.name
        reason = f"deck files end in '{DECK_SUFFIX}'; rename it {stem + DECK_SUFFIX!r}"
        return Placement(root, deck_id, f"not read as a deck: {reason}", misnamed=True)
    if skipped is not None:
        kind = "file" if skipped == parts[-1] else "folder"
        reason = f"the decks folder skips names starting with '_' or '.' ({kind} {skipped!r})"
        return Placement(root, deck_id, f"not read as a deck: {reason}")
    return Placement(root, deck_id)


def tree_root(path: Path, roots: Sequence[Path]) -> Path:
    """The decks folder that the deck file `path` (its folder resolved) belongs to: the
    innermost of `roots` (the decks folders in use) holding it; else the highest folder above
    it reached through folders named as a tree's folders are (`[a-z0-9][a-z0-9_-]*`), below
    the home folder and the top level of the file system. So a tree made with `--decks` is
    found when one of its files is linted without it (`~/my-decks` for
    `~/my-decks/ml/attention.yaml`), and a file in a folder otherwise named is in a tree of its
    own folder."""
    folder = path.parent
    held = [r for r in (root.resolve() for root in roots) if folder.is_relative_to(r)]
    if held:
        return max(held, key=lambda r: len(r.parts))
    try:
        stops = {Path.home().resolve()}
    except RuntimeError:  # no home folder known
        stops = set()
    while (
        folder not in stops
        and folder.parent not in stops
        and folder.parent != folder.parent.parent
        and DECK_NAME.match(folder.name)
    ):
        folder = folder.parent
    return folder
