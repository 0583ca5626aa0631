"""What the statistics keep of one database between computations, while the loaded decks tree
lives: read connections, the card states (`card_rows`), each deck's pass over them
(`deck_scans`) and what was read of the running totals (`totals_reader.Kept`). Each part
checks that what it keeps still holds before it uses it, so a computation shows the same
figures whether it found something kept or not; another file at the database's path (a
restored copy) drops all of it."""

from __future__ import annotations

import os
import sqlite3
import threading
from contextlib import suppress
from pathlib import Path
from typing import Any

from quizzer.stats.card_rows import CardRows
from quizzer.store import totals_reader

IDLE = 2
"""Read connections kept open for the next computations (two: the page's, and calibration's
when it scans the log beside it)."""


class Kept:
    """What the statistics keep of the database at `path` between computations. Its read
    connections are handed out by `snapshot`: opening one costs more than many a computation
    (SQLite reads the schema again), so up to `idle` are kept open for the next."""

    def __init__(self, path: Path, idle: int = IDLE) -> None:
        self.path = path
        self.idle = idle
        self.lock = threading.Lock()
        """Held while `decks` is read or changed, and the connections handed out or back."""
        self._file: tuple[int, int] | None = None
        self._open: list[sqlite3.Connection] = []
        self.rows = CardRows()
        self.totals = totals_reader.Kept()
        self.decks: dict[str, Any] = {}
        """Each deck's last pass over its card states (`deck_scans`)."""

    def snapshot(self) -> Snapshot:
        """A connection in a read transaction of its own, for the caller's `with` block."""
        return Snapshot(self)

    def take(self) -> tuple[sqlite3.Connection, tuple[int, int]]:
        """A connection to the file now at `path` (one kept open, or a new one), with the
        file's identity. Another file there than before drops everything kept."""
        stat = os.stat(self.path)
        file = (stat.st_dev, stat.st_ino)
        with self.lock:
            if file != self._file:
                self._close_open()
                self._file = file
                self.rows, self.totals, self.decks = CardRows(), totals_reader.Kept(), {}
            if self._open:
                return self._open.pop(), file
        db = sqlite3.connect(self.path, timeout=30, isolation_level=None, check_same_thread=False)
        return db, file

    def give_back(self, db: sqlite3.Connection, file: tuple[int, int]) -> None:
        """Keep `db`, a connection to `file`, open for the next computation, or close it when
        enough are kept or the file at `path` is another one now."""
        with self.lock:
            if file == self._file and len(self._open) < self.idle:
                self._open.append(db)
                return
        db.close()

    def close(self) -> None:
        """Close the connections kept open."""
        with self.lock:
            self._close_open()

    def _close_open(self) -> None:
        for db in self._open:
            db.close()
        self._open.clear()


class Snapshot:
    """`Kept.snapshot`: a connection inside a read transaction while the block runs, rolled
    back after it (nothing is written; temporary tables made inside go with it) and handed
    back; closed instead when the block raised."""

    def __init__(self, kept: Kept) -> None:
        self._kept = kept
        self._db: sqlite3.Connection | None = None
        self._file = (0, 0)

    def __enter__(self) -> sqlite3.Connection:
        db, self._file = self._kept.take()
        try:
            db.execute("BEGIN")
        except BaseException:
            db.close()
            raise
        self._db = db
        return db

    def __exit__(self, kind: object, error: object, trace: object) -> None:
        db, self._db = self._db, None
        if db is None:
            return
        if kind is None:
            try:
                db.execute("ROLLBACK")
            except sqlite3.Error:
                db.close()
                raise
            self._kept.give_back(db, self._file)
        else:
            with suppress(sqlite3.Error):
                db.close()


def kept(tree: object, path: Path) -> Kept:
    """What the statistics keep for the database at `path` while `tree` lives (a tree without a
    place for it, such as the statistics index's copy, keeps nothing between computations)."""
    derived: dict[str, Any] | None = getattr(tree, "derived", None)
    if derived is None:
        return Kept(path, idle=0)
    by_file: dict[str, Kept] = derived.setdefault("stats.kept", {})
    found = by_file.get(str(path))
    if found is None:
        found = by_file[str(path)] = Kept(path)
    return found


def release(tree: object) -> None:
    """Close the connections the statistics keep open for `tree` (what else they keep goes
    with the tree)."""
    derived: dict[str, Any] | None = getattr(tree, "derived", None)
    for found in (derived or {}).get("stats.kept", {}).values():
        found.close()
