"""The deck tree: every deck found under one or more roots, loaded through the deck cache.

A start whose deck files are all in the cache reads them from it and never imports the YAML
parser or pydantic's validators; only a file that misses the cache goes through the loader
(decks/loader.py), which validates it and reports its problems.
"""

from __future__ import annotations

from collections.abc import Iterator, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING, Any

from quizzer.decks.cache import DeckCache
from quizzer.decks.files import deck_id_for, find_deck_files
from quizzer.decks.loaded import LoadedDeck, Problem

if TYPE_CHECKING:
    from quizzer.decks.cards import Card


@dataclass(slots=True)
class DeckTree:
    """Every deck found under a root, and the problems of those that failed to load."""

    root: Path
    decks: dict[str, LoadedDeck] = field(default_factory=dict)
    problems: list[Problem] = field(default_factory=list)
    failed: dict[str, Path] = field(default_factory=dict)
    """Decks that exist but did not load, by id."""
    order: list[str] = field(default_factory=list)
    """Every deck id found, loaded or not, in study order (see `_order.txt`)."""
    roots: list[Path] = field(default_factory=list)
    """Every tree the decks came from, in order of precedence (`root` is the first)."""
    origins: dict[str, Path] = field(default_factory=dict)
    """The root each deck id (loaded or failed) came from."""
    _indexed: tuple[tuple[int, ...], dict[str, Card], dict[str, int]] | None = field(
        default=None, init=False, repr=False, compare=False
    )
    derived: dict[str, Any] = field(default_factory=dict, init=False, repr=False, compare=False)
    """What other modules work out from this tree and keep while it lives, each under a key of
    its own (an edit loads a new tree, which starts without)."""

    def __post_init__(self) -> None:
        if not self.roots:
            self.roots = [self.root]

    def root_of(self, deck_id: str) -> Path:
        """The tree a deck came from (its media paths are relative to it)."""
        return self.origins.get(deck_id, self.root)

    def ordered(self) -> list[str]:
        """Ids of the loaded decks in study order."""
        known = [d for d in self.order if d in self.decks]
        return known if len(known) == len(self.decks) else sorted(self.decks)

    def cards(self) -> Iterator[Card]:
        """Every card of every loaded deck, deck by deck in study order."""
        for deck_id in self.ordered():
            yield from self.decks[deck_id].cards

    def card_index(self) -> dict[str, Card]:
        """Cards by id, in study order. Made once per loaded tree (an edit loads a new tree):
        callers must not change it."""
        return self._index()[1]

    def card_positions(self) -> dict[str, int]:
        """Each card's place in study order, by id (made once, as `card_index`)."""
        return self._index()[2]

    def _index(self) -> tuple[tuple[int, ...], dict[str, Card], dict[str, int]]:
        # the key notices decks added, removed or given other cards while a tree is built
        key = (len(self.order), *(len(loaded.cards) for loaded in self.decks.values()))
        found = self._indexed
        if found is None or found[0] != key:
            index = {card.id: card for card in self.cards()}
            found = self._indexed = (key, index, dict(zip(index, range(len(index)), strict=True)))
        return found


def folder_title(name: str) -> str:
    """How a deck folder is named to people: short names upper-cased (`asr` -> `ASR`), others in
    title case with spaces (`speaker-verification` -> `Speaker Verification`)."""
    if len(name) <= 3:
        return name.upper()
    return name.replace("-", " ").replace("_", " ").title()


def load_tree(root: Path, *, display_root: Path | None = None) -> DeckTree:
    """Load every deck under `root`. Decks with problems are reported and skipped."""
    cache = DeckCache.open()
    tree = _load(root, cache, display_root)
    if cache:
        cache.save()
    return tree


def _load(root: Path, cache: DeckCache | None, display_root: Path | None) -> DeckTree:
    """Every deck under `root`, through `cache` (which the caller saves once it has loaded
    everything: a save drops the entries that load did not use)."""
    tree = DeckTree(root)
    unreadable: list[OSError] = []
    for path in find_deck_files(root, unreadable):
        deck_id = deck_id_for(path, root)
        shown = _display(path, display_root)
        result = (
            cache.load(path, deck_id, shown, load_bytes)
            if cache
            else load_file(path, deck_id, shown)
        )
        tree.order.append(deck_id)
        tree.origins[deck_id] = root
        if isinstance(result, LoadedDeck):
            tree.decks[deck_id] = result
        else:
            tree.problems.extend(result)
            tree.failed[deck_id] = path
    for error in unreadable:
        shown = _display(Path(error.filename), display_root)
        reason = f"cannot read folder: {error.strerror or error}; its decks are skipped"
        tree.problems.append(Problem(shown, 1, 1, reason))
    return tree


def load_roots(roots: Sequence[Path], *, show_relative_to: Path | None = None) -> DeckTree:
    """Load several trees as one: a deck of a later tree replaces the deck with the same id of
    an earlier one (in its place in the study order; decks new to the later tree follow). File
    names under `show_relative_to` are shown relative to it in problems."""
    merged = DeckTree(roots[0], roots=list(roots))
    cache = DeckCache.open()  # one for every root: each root saving its own dropped the others'
    for root in roots:
        shown_root = show_relative_to if _is_under(root, show_relative_to) else None
        tree = _load(root, cache, shown_root)
        for deck_id in tree.order:
            if deck_id in merged.origins:
                merged.decks.pop(deck_id, None)
                merged.failed.pop(deck_id, None)
            else:
                merged.order.append(deck_id)
            merged.origins[deck_id] = root
        merged.decks.update(tree.decks)
        merged.failed.update(tree.failed)
        merged.problems.extend(tree.problems)
    if cache:
        cache.save()
    return merged


def _is_under(path: Path, parent: Path | None) -> bool:
    return parent is not None and (path == parent or parent in path.parents)


def _display(path: Path, display_root: Path | None) -> str:
    if display_root is not None:
        try:
            return path.relative_to(display_root).as_posix()
        except ValueError:
            pass
    return str(path)


def load_file(path: Path, deck_id: str, shown: str | None = None) -> LoadedDeck | list[Problem]:
    """Read and validate one deck file (the loader, imported on first use)."""
    from quizzer.decks.loader import load_file

    return load_file(path, deck_id, shown)


def load_bytes(
    data: bytes, deck_id: str, shown: str, path: Path | None = None
) -> LoadedDeck | list[Problem]:
    """Validate the bytes of a deck file that missed the cache (the loader, imported on first
    use)."""
    from quizzer.decks.loader import load_bytes

    return load_bytes(data, deck_id, shown, path)
