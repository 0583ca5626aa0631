"""A cache of validated decks, keyed by each file's contents.

Parsing and validating YAML dominates start-up on a large tree. The cache maps the hash of a file's
bytes to its validated deck, so an unchanged file is read and hashed but not parsed; an edited file
misses the cache and is validated again; entries for files not seen in a load are dropped.
"""

from __future__ import annotations

import hashlib
import os
import pickle
from pathlib import Path

from quizzer import __version__
from quizzer.decks.cards import expand
from quizzer.decks.loader import LoadedDeck, Problem, load_bytes
from quizzer.paths import cache_dir

_FORMAT = f"decks-{__version__}-1"


class DeckCache:
    """Validated decks by content hash, stored in one pickle in the cache directory."""

    def __init__(self, path: Path, entries: dict[str, tuple[object, dict[str, int]]]) -> None:
        self.path = path
        self.entries = entries
        self.used: dict[str, tuple[object, dict[str, int]]] = {}
        self.dirty = False

    @classmethod
    def open(cls) -> DeckCache | None:
        """The cache, or None when caching is off (`QUIZZER_NO_CACHE`) or impossible."""
        if os.environ.get("QUIZZER_NO_CACHE"):
            return None
        path = cache_dir() / f"{_FORMAT}.pickle"
        entries: dict[str, tuple[object, dict[str, int]]] = {}
        try:
            with path.open("rb") as fh:
                entries = pickle.load(fh)
        except FileNotFoundError:
            pass
        except Exception:  # a damaged cache is only a slower start
            entries = {}
        return cls(path, entries)

    def load(self, path: Path, deck_id: str, shown: str) -> LoadedDeck | list[Problem]:
        """Load one deck file through the cache."""
        try:
            data = path.read_bytes()
        except OSError as exc:
            return [Problem(shown, 1, 1, f"cannot read file: {exc.strerror or exc}")]
        key = f"{deck_id}\0{hashlib.blake2b(data, digest_size=16).hexdigest()}"
        hit = self.entries.get(key)
        if hit is not None:
            deck, lines = hit
            self.used[key] = hit
            loaded = LoadedDeck(deck_id, path, deck, lines)  # type: ignore[arg-type]
            loaded.cards = expand(deck_id, loaded.deck.questions)
            return loaded
        result = load_bytes(data, deck_id, shown, path)
        if isinstance(result, LoadedDeck):
            self.used[key] = (result.deck, result.lines)
            self.dirty = True
        return result

    def save(self) -> None:
        """Write the entries used in this load, if anything changed; failures are ignored."""
        if not self.dirty and len(self.used) == len(self.entries):
            return
        try:
            self.path.parent.mkdir(parents=True, exist_ok=True)
            tmp = self.path.with_suffix(f".{os.getpid()}.tmp")
            with tmp.open("wb") as fh:
                pickle.dump(self.used, fh, protocol=pickle.HIGHEST_PROTOCOL)
            os.replace(tmp, self.path)
        except OSError:
            pass
