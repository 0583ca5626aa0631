"""Caches of validated decks, keyed by each file's contents.

Parsing and validating YAML dominates start-up on a large tree. `DeckCache` maps the hash of a
file's bytes to its validated deck and cards, so an unchanged file is read and hashed but not
parsed; an edited file misses the cache and is validated again; entries for files not seen in a
load are dropped.

The card index (`read_index` / `write_index`) is smaller still: plain tuples describing every card
of a whole tree, keyed by a fingerprint of all deck files and the settings. Commands that only
count cards (`quizzer due`) answer from it without importing YAML or pydantic at all.

Deck file discovery lives here, not in the loader, so that computing a fingerprint stays cheap to
import; the loader re-exports `find_deck_files` and `deck_id_for`.
`QUIZZER_NO_CACHE=1` turns both caches off.
"""

from __future__ import annotations

import hashlib
import os
import pickle
from pathlib import Path
from typing import TYPE_CHECKING, Any

from quizzer import __version__
from quizzer.files import DECK_LIMIT, read_regular
from quizzer.paths import cache_dir

if TYPE_CHECKING:
    from quizzer.decks.loader import LoadedDeck, Problem

DECK_SUFFIX = ".yaml"
_FORMAT = f"decks-{__version__}-3"
_INDEX_FORMAT = f"index-{__version__}-1"


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


def caching_enabled() -> bool:
    """False when `QUIZZER_NO_CACHE` is set."""
    return not os.environ.get("QUIZZER_NO_CACHE")


def _digest(data: bytes) -> str:
    return hashlib.blake2b(data, digest_size=16).hexdigest()


def _atomic_dump(path: Path, payload: object) -> None:
    """Write a pickle next to `path` and move it into place; failures are ignored."""
    try:
        path.parent.mkdir(parents=True, exist_ok=True)
        tmp = path.with_suffix(f".{os.getpid()}.tmp")
        with tmp.open("wb") as fh:
            pickle.dump(payload, fh, protocol=pickle.HIGHEST_PROTOCOL)
        os.replace(tmp, path)
    except OSError:
        pass


class DeckCache:
    """Validated decks (with their cards) by content hash, in one pickle in the cache folder."""

    def __init__(self, path: Path, entries: dict[str, tuple[Any, ...]]) -> None:
        self.path = path
        self.entries = entries
        self.used: dict[str, tuple[Any, ...]] = {}
        self.dirty = False

    @classmethod
    def open(cls) -> DeckCache | None:
        """The cache, or None when caching is off (`QUIZZER_NO_CACHE`) or impossible."""
        if not caching_enabled():
            return None
        path = cache_dir() / f"{_FORMAT}.pickle"
        entries: dict[str, tuple[Any, ...]] = {}
        try:
            with path.open("rb") as fh:
                entries = pickle.load(fh)
        except FileNotFoundError:
            pass
        except Exception:  # a damaged cache is only a slower start
            entries = {}
        if not isinstance(entries, dict):
            entries = {}
        return cls(path, entries)

    def load(self, path: Path, deck_id: str, shown: str) -> LoadedDeck | list[Problem]:
        """Load one deck file through the cache."""
        from quizzer.decks.cards import Card
        from quizzer.decks.loader import LoadedDeck, Problem, load_bytes

        try:
            data = read_regular(path, DECK_LIMIT)
        except OSError as exc:
            return [Problem(shown, 1, 1, f"cannot read file: {exc.strerror or exc}")]
        key = f"{deck_id}\0{_digest(data)}"
        hit = self.entries.get(key)
        if hit is not None and len(hit) == 3:
            deck, lines, cards = hit
            self.used[key] = hit
            loaded = LoadedDeck(deck_id, path, deck, lines)
            # expanded once, when the deck was validated (expanding parses every cloze again);
            # stored as plain tuples, which unpickle far faster than the dataclasses
            questions = deck.questions
            loaded.cards = [
                Card(cid, deck_id, questions[q], variant, position)
                for cid, q, variant, position in cards
            ]
            return loaded
        result = load_bytes(data, deck_id, shown, path)
        if isinstance(result, LoadedDeck):
            where = {id(q): i for i, q in enumerate(result.deck.questions)}
            cards = [(c.id, where[id(c.question)], c.variant, c.position) for c in result.cards]
            self.used[key] = (result.deck, result.lines, cards)
            self.dirty = True
        return result

    def save(self) -> None:
        """Write the entries used in this load, if anything changed; failures are ignored."""
        if not self.dirty and len(self.used) == len(self.entries):
            return
        _atomic_dump(self.path, self.used)


# ---------------------------------------------------------------- card index


def tree_fingerprint(root: Path, *extra: bytes) -> str | None:
    """A hash of every deck file under `root` (names and contents) and of `extra`; None when a
    file cannot be read (the slow path then reports it)."""
    h = hashlib.blake2b(digest_size=16)
    h.update(f"{_INDEX_FORMAT}\0{root}\0".encode())
    for part in extra:
        h.update(len(part).to_bytes(8, "big"))
        h.update(part)
    for path in find_deck_files(root):
        try:
            data = read_regular(path, DECK_LIMIT)
        except OSError:
            return None
        h.update(deck_id_for(path, root).encode() + b"\0")
        h.update(_digest(data).encode())
    return h.hexdigest()


def _index_path() -> Path:
    return cache_dir() / f"{_INDEX_FORMAT}.pickle"


def read_index(fingerprint: str) -> Any | None:
    """The payload stored under this fingerprint, or None (missing, stale, damaged, or off)."""
    if not caching_enabled():
        return None
    try:
        with _index_path().open("rb") as fh:
            stored = pickle.load(fh)
    except Exception:  # missing or damaged: only a slower start
        return None
    if not isinstance(stored, tuple) or len(stored) != 2 or stored[0] != fingerprint:
        return None
    return stored[1]


def write_index(fingerprint: str, payload: Any) -> None:
    """Store the payload under this fingerprint (the index holds one tree at a time)."""
    if caching_enabled():
        _atomic_dump(_index_path(), (fingerprint, payload))
