"""What the statistics keep of one database between computations, while the loaded decks tree
lives: read connections, the card states (`card_rows`), each deck's pass over them
(`deck_scans`) and what was read of the running totals (`totals_reader.Kept`). Each part
checks that what it keeps still holds before it uses it, so a computation shows the same
figures whether it found something kept or not."""

from __future__ import annotations

import os
import sqlite3
import threading
from collections.abc import Iterator
from contextlib import contextmanager, suppress
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

    @contextmanager
    def snapshot(self) -> Iterator[sqlite3.Connection]:
        """A connection in a read transaction of its own, for the caller's block."""
        stat = os.stat(self.path)
        file = (stat.st_dev, stat.st_ino)
        db = None
        with self._lock:
            while self._open and db is None:
                db, known = self._open.pop()
                if known != file:
                    db.close()
                    db = None
        if db is None:
            db = sqlite3.connect(
                self.path, timeout=30, isolation_level=None, check_same_thread=False
            )
        kept = False
        try:
            db.execute("BEGIN")
            yield db
            db.execute("ROLLBACK")  # read only; temporary tables made inside go with it
            with self._lock:
                if len(self._open) < self.idle:
                    self._open.append((db, file))
                    kept = True
        finally:
            if not kept:
                with suppress(sqlite3.Error):
                    db.close()

    def close(self) -> None:
        """Close the connections kept open."""
        with self._lock:
            for db, _ in self._open:
                db.close()
            self._open.clear()


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
