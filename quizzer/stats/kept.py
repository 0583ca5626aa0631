"""What the statistics keep of one database between computations, while the loaded decks tree
lives: read connections, the card states (`card_rows`), each deck's pass over them
(`deck_scans`) and what was read of the running totals (`totals_reader.Kept`). Each part
checks that what it keeps still holds before it uses it, so a computation shows the same
figures whether it found something kept or not."""

from __future__ import annotations

import os
import sqlite3
import threading
from contextlib import suppress
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from quizzer.stats.card_rows import CardRows
from quizzer.store import totals_reader

IDLE = 2
"""Read connections kept open for the next computations (two: the page's, and calibration's
when it scans the log beside it)."""


class Connections:
    """Read connections to one database file, each handed out inside a read transaction (one
    snapshot for every query) and taken back when it ends. Opening one costs more than many a
    computation (SQLite reads the schema again), so up to `idle` are kept open for the next; one
    opened on a file since replaced (another inode at the path) is closed."""

    def __init__(self, path: Path, idle: int = IDLE) -> None:
        self.path = path
        self.idle = idle
        self._open: list[tuple[sqlite3.Connection, tuple[int, int]]] = []
        self._lock = threading.Lock()

    def snapshot(self) -> Snapshot:
        """A connection in a read transaction of its own, for the caller's `with` block."""
        return Snapshot(self)

    def take(self) -> tuple[sqlite3.Connection, tuple[int, int]]:
        """A connection to the file now at `path` (one kept open, or a new one), with the
        file's identity."""
        stat = os.stat(self.path)
        file = (stat.st_dev, stat.st_ino)
        with self._lock:
            while self._open:
                db, known = self._open.pop()
                if known == file:
                    return db, file
                db.close()
        db = sqlite3.connect(self.path, timeout=30, isolation_level=None, check_same_thread=False)
        return db, file

    def give_back(self, db: sqlite3.Connection, file: tuple[int, int]) -> None:
        """Keep `db` open for the next computation, or close it when enough are kept."""
        with self._lock:
            if len(self._open) < self.idle:
                self._open.append((db, file))
                return
        db.close()

    def close(self) -> None:
        """Close the connections kept open."""
        with self._lock:
            for db, _ in self._open:
                db.close()
            self._open.clear()


class Snapshot:
    """`Connections.snapshot`: a connection inside a read transaction while the block runs,
    rolled back after it (nothing is written; temporary tables made inside go with it) and
    handed back; closed instead when the block raised."""

    def __init__(self, connections: Connections) -> None:
        self._connections = connections
        self._db: sqlite3.Connection | None = None
        self._file = (0, 0)

    def __enter__(self) -> sqlite3.Connection:
        db, self._file = self._connections.take()
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
            self._connections.give_back(db, self._file)
        else:
            with suppress(sqlite3.Error):
                db.close()


@dataclass
class Kept:
    """What the statistics keep of the database at `path` between computations."""

    path: Path
    connections: Connections
    totals: totals_reader.Kept | None = None
    rows: CardRows = field(default_factory=CardRows)
    decks: dict[str, Any] = field(default_factory=dict)
    """Each deck's last pass over its card states (`deck_scans`)."""
    lock: threading.Lock = field(default_factory=threading.Lock)


def kept(tree: object, path: Path) -> Kept:
    """What the statistics keep for the database at `path` while `tree` lives (a tree without a
    place for it, such as the statistics index's copy, keeps nothing between computations)."""
    derived: dict[str, Any] | None = getattr(tree, "derived", None)
    if derived is None:
        return Kept(path, Connections(path, idle=0))
    by_file: dict[str, Kept] = derived.setdefault("stats.kept", {})
    found = by_file.get(str(path))
    if found is None:
        found = by_file[str(path)] = Kept(path, Connections(path), totals_reader.Kept(path))
    return found


def release(tree: object) -> None:
    """Close the connections the statistics keep open for `tree` (what else they keep goes
    with the tree)."""
    derived: dict[str, Any] | None = getattr(tree, "derived", None)
    for found in (derived or {}).get("stats.kept", {}).values():
        found.connections.close()
