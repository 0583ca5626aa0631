"""Caches of validated decks, keyed by each file's contents.

Parsing and validating YAML dominates start-up on a large tree. `DeckCache` maps the hash of a
file's bytes to its validated deck and cards, so an unchanged file is read and hashed but not
parsed; an edited file misses the cache and is validated again, and its old entry is dropped
(the entries of decks a load did not read are kept: they belong to another tree, or another
root). A deck read from the cache builds its models when first used (decks/deferred.py): a
session's first card needs only its own deck's. So one file holds what a start needs of every
deck (its title, question ids and lines, cards and warnings), and each deck's data is in a file
of its own, read when that deck is first used (at 10,000 questions: 0.7 MB read at start
instead of 3.8 MB), a question a line, so that showing one card of a deck (the statistics'
cards to watch) parses one line.

The card index (`read_index` / `write_index`) is smaller still: plain tuples describing every card
of a whole tree, keyed by a fingerprint of all deck files and the settings. Commands that only
count cards (`quizzer due`) answer from it without importing YAML or pydantic at all, and so does
`quizzer answer`, with the answer keys of the auto-graded questions kept in a file beside it.

Both are JSON files, checked when read (decks/stored.py checks a deck against the models): a file
planted in the cache folder can at worst make a start slower, never run code. Anything unreadable
or wrong is ignored and rebuilt.

Deck file discovery lives here, not in the loader, so that computing a fingerprint stays cheap to
import; the loader re-exports `find_deck_files` and `deck_id_for`.
`QUIZZER_NO_CACHE=1` turns both caches off.
"""

from __future__ import annotations

import contextlib
import functools
import hashlib
import json
import os
import shutil
import time
from collections.abc import Callable, Sequence
from pathlib import Path
from typing import TYPE_CHECKING, Any, overload

from quizzer import __version__
from quizzer.decks.files import deck_id_for, find_deck_files
from quizzer.decks.loaded import LoadedDeck, Problem
from quizzer.errors import QuizzerError
from quizzer.files import DECK_LIMIT, read_regular
from quizzer.paths import cache_dir

if TYPE_CHECKING:
    from quizzer.decks.models import Deck

Parse = Callable[[bytes, str, str, Path], "LoadedDeck | list[Problem]"]
"""How a deck file's bytes become a deck or its problems (deck id, shown name, path)."""

_FORMAT = f"decks-{__version__}-6"  # 6: plain scalars that look like numbers stay text
_EARLIER_FORMATS = [f"decks-{__version__}-{n}" for n in range(1, 6)]
"""Earlier layouts of this version's deck cache, removed when the cache is saved."""
_INDEX_FORMAT = f"index-{__version__}-3"
_CACHE_LIMIT = 256 * 1024 * 1024
_DATA_KEPT_S = 24 * 3600
"""How long the data file of a cache entry that is gone stays, for a quizzer still using it."""


def caching_enabled() -> bool:
    """False when `QUIZZER_NO_CACHE` is set."""
    return not os.environ.get("QUIZZER_NO_CACHE")


def _digest(data: bytes) -> str:
    return hashlib.blake2b(data, digest_size=16).hexdigest()


_json = functools.partial(json.dumps, separators=(",", ":"), ensure_ascii=False)
"""Compact JSON, as every cache file is written."""


def _atomic_dump(path: Path, payload: object) -> None:
    """Write JSON next to `path` and move it into place; failures are ignored."""
    with contextlib.suppress(ValueError):
        _atomic_write(path, _json(payload))


def _atomic_write(path: Path, text: str) -> None:
    """Write text next to `path` and move it into place; failures are ignored."""
    try:
        path.parent.mkdir(parents=True, exist_ok=True)
        tmp = path.with_suffix(f".{os.getpid()}.tmp")
        tmp.write_text(text, encoding="utf-8")
        os.replace(tmp, path)
    except OSError:
        pass


def _read_json(path: Path) -> tuple[object, str] | None:
    """The JSON data of a cache file and its text; None when missing, unreadable or not JSON."""
    try:
        text = read_regular(path, _CACHE_LIMIT).decode("utf-8")
        return json.loads(text), text
    except (OSError, ValueError, RecursionError):
        return None


class DeckCache:
    """Validated decks (with their cards) by content hash: one JSON file in the cache folder
    holds each entry's title, question ids, question lines, cards as (id, question index,
    variant, position) and lint warnings as (line, column, message); the deck's data is in a
    file of its own in the folder beside it (`_body_path`)."""

    def __init__(self, path: Path, entries: dict[str, Any]) -> None:
        self.path = path
        self.entries = entries
        self.used: dict[str, Any] = {}
        self.bodies: dict[str, Any] = {}
        """The deck data of the entries made in this load, written by `save`."""
        self.loaded: set[str] = set()
        """The deck ids of this load: their entries that it did not use are out of date."""
        self.dirty = False

    @classmethod
    def open(cls) -> DeckCache | None:
        """The cache, or None when caching is off (`QUIZZER_NO_CACHE`) or impossible."""
        if not caching_enabled():
            return None
        path = cache_dir() / f"{_FORMAT}.json"
        read = _read_json(path)
        if read is None or not isinstance(read[0], dict):
            return cls(path, {})
        from quizzer.decks.stored import has_controls

        return cls(path, {} if has_controls(read[1]) else read[0])

    def load(
        self, path: Path, deck_id: str, shown: str, parse: Parse
    ) -> LoadedDeck | list[Problem]:
        """Load one deck file through the cache; `parse` validates it on a miss (the loader's
        `load_bytes`)."""

        try:
            data = read_regular(path, DECK_LIMIT)
        except OSError as exc:
            return [Problem(shown, 1, 1, f"cannot read file: {exc.strerror or exc}")]
        key = f"{deck_id} {_digest(data)}"  # no NUL: see has_controls
        self.loaded.add(deck_id)
        hit = self.entries.get(key)
        if hit is not None:
            loaded = _from_entry(hit, key, deck_id, path, shown)
            if loaded is not None:
                self.used[key] = hit
                return loaded
        result = parse(data, deck_id, shown, path)
        if isinstance(result, LoadedDeck):
            from quizzer.decks.stored import dump_deck

            deck = result.deck
            where = {id(q): i for i, q in enumerate(deck.questions)}
            self.used[key] = {
                "title": deck.title,
                "ids": [q.id for q in deck.questions],
                "lines": result.lines,
                # expanded once, when the deck was validated (expanding parses every cloze again)
                "cards": [
                    (c.id, where[id(c.question)], c.variant, c.position) for c in result.cards
                ],
                "warnings": [(w.line, w.column, w.message) for w in result.warnings],
            }
            self.bodies[key] = dump_deck(deck)
            self.dirty = True
        return result

    def save(self) -> None:
        """Write the entries of this load, and the data of the new ones, if anything changed;
        an entry of a deck this load read from a changed file goes, and the entries of decks
        it did not read stay (they belong to another tree: `quizzer lint` of a folder must not
        make the next start parse the bundled decks again). The data of entries gone is
        removed once a day old: a quizzer started before the change may still build the deck
        from it. Failures are ignored."""
        kept = {k: v for k, v in self.entries.items() if k.rpartition(" ")[0] not in self.loaded}
        entries = {**kept, **self.used}
        if not self.dirty and len(entries) == len(self.entries):
            return
        for key, body in self.bodies.items():
            with contextlib.suppress(ValueError):
                _atomic_write(_body_path(key), dump_body(body))
        _atomic_dump(self.path, entries)
        keep = {_body_path(key).name for key in entries}
        old_enough = time.time() - _DATA_KEPT_S
        with contextlib.suppress(OSError):
            for old in _body_path("").parent.iterdir():
                if old.suffix == ".jsonl" and old.name not in keep:
                    with contextlib.suppress(OSError):
                        if old.stat().st_mtime < old_enough:
                            old.unlink()
            for earlier in _EARLIER_FORMATS:
                (self.path.parent / f"{earlier}.json").unlink(missing_ok=True)
                shutil.rmtree(self.path.parent / earlier, ignore_errors=True)


def _body_path(key: str) -> Path:
    """The file holding the deck data of the entry `key`."""
    name = hashlib.blake2b(key.encode(), digest_size=16).hexdigest()
    return cache_dir() / _FORMAT / f"{name}.jsonl"


def dump_body(deck: dict[str, Any]) -> str:
    """A deck's stored data as JSON lines: the deck without its questions, then one line a
    question, so that one question is read without the others."""
    head = {k: v for k, v in deck.items() if k != "questions"}
    return "\n".join([_json(head), *map(_json, deck.get("questions", ()))]) + "\n"


def load_body(text: str) -> dict[str, Any] | None:
    """The deck data of `dump_body`'s text, or None when it is not that."""
    return _parse_body(_lines(text))


def _parse_body(lines: list[str]) -> dict[str, Any] | None:
    try:
        head, *questions = map(json.loads, lines)
    except (ValueError, RecursionError):
        return None
    return {**head, "questions": questions} if isinstance(head, dict) else None


def _body_lines(key: str) -> list[str] | None:
    """The lines of the entry `key`'s data file; None when missing, unreadable or not
    quizzer's."""
    from quizzer.decks.stored import has_controls

    try:
        text = read_regular(_body_path(key), _CACHE_LIMIT).decode("utf-8")
    except (OSError, ValueError):
        return None
    return None if has_controls(text) else _lines(text)


def _lines(text: str) -> list[str]:
    """The lines of a data file: split at newlines only (`str.splitlines` would also split at
    the line and paragraph separators U+2028 and U+2029, which JSON leaves in strings)."""
    lines = text.split("\n")
    if lines and not lines[-1]:
        lines.pop()
    return lines


def _read_body(key: str) -> dict[str, Any] | None:
    """The deck data of the entry `key`, or None when missing, unreadable or not quizzer's."""
    lines = _body_lines(key)
    return None if lines is None else _parse_body(lines)


class _StoredQuestions(Sequence[Any]):
    """The stored questions of a data file, each read from its line when asked for."""

    def __init__(self, lines: list[str]) -> None:
        self._lines = lines

    def __len__(self) -> int:
        return len(self._lines)

    @overload
    def __getitem__(self, index: int) -> Any: ...
    @overload
    def __getitem__(self, index: slice) -> Sequence[Any]: ...
    def __getitem__(self, index: int | slice) -> Any:
        if isinstance(index, slice):
            return [json.loads(line) for line in self._lines[index]]
        return json.loads(self._lines[index])


def _from_entry(entry: Any, key: str, deck_id: str, path: Path, shown: str) -> LoadedDeck | None:
    """The deck of a cache entry, or None when the entry is not a valid one. The deck's data is
    read and its models built when first used (decks/deferred.py); what the cards need of it is
    checked now."""
    from quizzer.decks.deferred import DeferredCard, DeferredDeck
    from quizzer.decks.models import ID_PATTERN

    try:
        title, ids, lines, cards, warnings = (
            entry["title"],
            entry["ids"],
            entry["lines"],
            entry["cards"],
            entry["warnings"],
        )
        if not all(type(k) is str and type(v) is int for k, v in lines.items()):
            return None
        if not all(type(i) is str and ID_PATTERN.match(i) for i in ids):
            return None
        loaded = DeferredDeck(
            deck_id,
            path,
            lines,
            lambda: _build(key, ids, deck_id, path, shown),
            title if type(title) is str and title else None,
            lambda: _stored_questions(key),
        )
        loaded.cards = [
            DeferredCard(cid, loaded, q, ids[q], variant, position)
            for cid, q, variant, position in cards
            if type(cid) is str and type(variant) is str and type(position) is int and q >= 0
        ]
        if len(loaded.cards) != len(cards):
            return None
        loaded.warnings = [Problem(shown, line, column, str(m)) for line, column, m in warnings]
    except (KeyError, TypeError, ValueError, IndexError, AttributeError):
        return None
    return loaded


def _stored_questions(key: str) -> Sequence[Any]:
    """The stored questions of the entry `key` (none when its data cannot be read)."""
    lines = _body_lines(key)
    return _StoredQuestions(lines[1:]) if lines else ()


def _build(key: str, ids: list[str], deck_id: str, path: Path, shown: str) -> Deck:
    """The models of a cached deck. A damaged or missing entry (the cache folder is only as
    trustworthy as anything else the user can write) is read from its file again, as a miss
    would have been: the cache file is removed so that the next start rebuilds it, and when the
    file no longer matches the cards already handed out, this start stops with a one-line
    error."""
    from quizzer.decks.stored import StoredError, load_deck

    body = _read_body(key)
    if body is not None:
        try:
            return load_deck(body)
        except StoredError:
            pass
    from quizzer.decks.loader import load_bytes

    with contextlib.suppress(OSError):
        (cache_dir() / f"{_FORMAT}.json").unlink()
    try:
        again = load_bytes(read_regular(path, DECK_LIMIT), deck_id, shown, path)
    except OSError:
        again = []
    if not isinstance(again, LoadedDeck) or [q.id for q in again.deck.questions] != ids:
        raise DeckCacheError(
            f"{shown}: the deck cache held a damaged copy of this deck, and the file has "
            "changed since quizzer started; the cache was removed: start quizzer again"
        )
    return again.deck


class DeckCacheError(QuizzerError):
    """A damaged deck cache entry found after the deck's cards were in use."""


# ---------------------------------------------------------------- card index


def tree_fingerprint(roots: Sequence[Path], *extra: bytes) -> str | None:
    """A hash of every deck file under the roots (names and contents) and of `extra`; None when
    a file cannot be read (the slow path then reports it)."""
    h = hashlib.blake2b(digest_size=16)
    h.update(_INDEX_FORMAT.encode())
    for part in extra:
        h.update(len(part).to_bytes(8, "big"))
        h.update(part)
    for root in roots:
        h.update(f"\0root\0{root}\0".encode())
        for path in find_deck_files(root):
            try:
                data = read_regular(path, DECK_LIMIT)
            except OSError:
                return None
            h.update(deck_id_for(path, root).encode() + b"\0")
            h.update(_digest(data).encode())
    return h.hexdigest()


def _index_path(part: str = "") -> Path:
    return cache_dir() / f"{_INDEX_FORMAT}{'-' + part if part else ''}.json"


def read_index(fingerprint: str, part: str = "") -> Any | None:
    """The payload stored under this fingerprint, or None (missing, stale, damaged, or off);
    the caller checks its shape. `part` names a file kept beside the index, read only by the
    commands that need it (the answer keys)."""
    if not caching_enabled():
        return None
    read = _read_json(_index_path(part))
    stored = read[0] if read is not None else None
    if not isinstance(stored, list) or len(stored) != 2 or stored[0] != fingerprint:
        return None
    return stored[1]


def write_index(fingerprint: str, payload: Any, part: str = "") -> None:
    """Store the payload under this fingerprint (the index holds one tree at a time)."""
    if caching_enabled():
        _atomic_dump(_index_path(part), (fingerprint, payload))
