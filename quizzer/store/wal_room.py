"""Room in the write-ahead log before a session's answers need it.

SQLite deletes the log file when the last connection closes, so each process starts with an empty
one that every commit lengthens until the first checkpoint (1,000 pages, a hundred answers or so:
most sessions end before it). On a journalling file system a sync that finds the file longer also
commits the file system's journal: on ext4, with `synchronous = FULL`, a commit of nine pages took
about twice the time, and twice the CPU, while the log was growing as it did once the log had its
length.

`make_room` writes the log out to that size once, in a transaction that it rolls back: the pages
of a blob that does not fit the connection's small cache spill into the log and stay there,
uncommitted, so SQLite writes the frames that follow over them and the file keeps its length.
Nothing of the database changes, and all of it goes through SQLite's own locking."""

from __future__ import annotations

import contextlib
import os
import sqlite3
from pathlib import Path

FRAMES = 1_100
"""The log's frames to make room for: SQLite's checkpoint threshold (1,000 pages, the default of
`PRAGMA wal_autocheckpoint`) and the transaction that crosses it."""

_FRAME_HEADER = 24
_LOG_HEADER = 32


def make_room(path: Path, frames: int = FRAMES) -> bool:
    """Lengthen the write-ahead log of the database at `path` to `frames` frames, unless it is that
    long already or another connection is writing (it waits a tenth of a second at most), and sync
    it, so that commits do not wait for the file to grow. Returns whether it wrote. Run it off the
    interface's thread: it writes a few megabytes."""
    log = Path(f"{path}-wal")
    try:  # mode=rw: a database that is not there is not created
        db = sqlite3.connect(
            f"{Path(path).absolute().as_uri()}?mode=rw", uri=True, timeout=0.1, isolation_level=None
        )
    except sqlite3.Error:
        return False
    try:
        if db.execute("PRAGMA journal_mode").fetchone()[0].lower() != "wal":
            return False
        page = int(db.execute("PRAGMA page_size").fetchone()[0])
        try:
            length = log.stat().st_size
        except FileNotFoundError:
            length = 0
        if length >= _LOG_HEADER + frames * (_FRAME_HEADER + page):
            return False
        db.execute("PRAGMA cache_size = 16")  # pages: the rest of the blob spills into the log
        db.execute("BEGIN IMMEDIATE")
        try:
            db.execute("CREATE TABLE quizzer_log_room (b BLOB)")
            db.execute("INSERT INTO quizzer_log_room VALUES (zeroblob(?))", (frames * page,))
        finally:
            db.execute("ROLLBACK")
    except sqlite3.Error:  # busy (another writer): the log grows as the answers commit
        return False
    finally:
        db.close()
    # the spilled pages are written but not synced: the next answer's sync would flush them all
    with contextlib.suppress(OSError):
        fd = os.open(log, os.O_RDONLY)
        try:
            os.fsync(fd)
        finally:
            os.close(fd)
    return True
