"""The card-state rows the statistics read, kept in memory between computations: each one reads
again only the cards written since the last (`quizzer.store.card_changes`), inside its own read
transaction, so the rows are always those of its snapshot."""

from __future__ import annotations

import sqlite3
import threading
from collections.abc import Iterable, Mapping
from typing import Any

from quizzer.store import card_changes

CardStateRow = tuple[Any, ...]
"""card_id, then the queue's `StateRow` (state, due, suspended, buried_until, stability,
last_review), then difficulty, reps, lapses, leech."""

COLUMNS = (
    "card_id, state, due, suspended, buried_until, stability, last_review, difficulty, reps, "
    "lapses, leech"
)
"""The columns of a `CardStateRow`."""

_IN_ONE_QUERY = 500
"""Cards read again per query (SQLite's limit on parameters is far above)."""


def deck_of(card_id: str) -> str:
    """The deck a card id names."""
    return card_id.rpartition(":")[0]


class CardRows:
    """Every row of one database's card states, by deck and card id."""

    def __init__(self) -> None:
        self._lock = threading.Lock()
        self._seen: int | None = None
        self._rows: dict[str, dict[str, CardStateRow]] = {}
        self._ordered: dict[str, list[CardStateRow]] = {}

    def read(self, db: sqlite3.Connection) -> Mapping[str, list[CardStateRow]]:
        """Each deck's rows in card id order, as of the read transaction `db` is in (a
        connection to the database these rows are kept for). A deck's list is a new one when
        its rows changed: the lists are the reader's to read, not to change."""
        with self._lock:
            latest, written = card_changes.since(db, self._seen)
            if written is None or len(written) > _IN_ONE_QUERY * 8:
                self._read_all(db)
            elif written:
                self._read_again(db, written)
            self._seen = latest
            return dict(self._ordered)

    def _read_all(self, db: sqlite3.Connection) -> None:
        rows = db.execute(f"SELECT {COLUMNS} FROM cards ORDER BY card_id")
        self._rows = {}
        for row in rows:
            deck = deck_of(row[0])
            by_id = self._rows.get(deck)
            if by_id is None:
                by_id = self._rows[deck] = {}
            by_id[row[0]] = row
        self._ordered = {deck: list(by_id.values()) for deck, by_id in self._rows.items()}

    def _read_again(self, db: sqlite3.Connection, written: Iterable[str]) -> None:
        ids = sorted(written)
        found: dict[str, CardStateRow] = {}
        for i in range(0, len(ids), _IN_ONE_QUERY):
            part = ids[i : i + _IN_ONE_QUERY]
            marks = ", ".join("?" * len(part))
            sql = f"SELECT {COLUMNS} FROM cards WHERE card_id IN ({marks})"
            found.update((row[0], row) for row in db.execute(sql, part))
        touched = set()
        for card_id in ids:
            deck = deck_of(card_id)
            touched.add(deck)
            row = found.get(card_id)
            by_id = self._rows.setdefault(deck, {})
            if row is None:
                by_id.pop(card_id, None)
            else:
                by_id[card_id] = row
        for deck in touched:
            by_id = self._rows[deck]
            if by_id:
                self._ordered[deck] = [by_id[k] for k in sorted(by_id)]
            else:
                del self._rows[deck]
                self._ordered.pop(deck, None)
