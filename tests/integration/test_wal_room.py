"""Room made in the write-ahead log before a session: later commits do not lengthen the file, the
database is unchanged, answers survive a crash, and a busy database is left alone."""

from __future__ import annotations

import shutil
import sqlite3
import time
from collections.abc import Callable
from pathlib import Path

from quizzer.collection import Collection, open_collection
from quizzer.state import Rating
from quizzer.store.wal_room import FRAMES, make_room
from tests.conftest import basic_deck


def _log(col: Collection) -> Path:
    return Path(f"{col.store.path}-wal")


def _answer(col: Collection, count: int, start: int) -> list[str]:
    session = col.session()
    uids = []
    for i in range(count):
        at = 1_772_442_000_000 + (start + i) * 5_000
        card = session.next(at)
        assert card is not None
        uids.append(session.answer(card.id, Rating(1 + i % 4), at, duration_ms=3_000).event.uid)
    return uids


def test_commits_after_the_room_is_made_keep_the_log_length(
    write_deck: Callable[[str, str], Path],
) -> None:
    write_deck("d/deck", basic_deck(60))
    col = open_collection()
    try:
        first = _answer(col, 3, 0)
        page = col.store.db.execute("PRAGMA page_size").fetchone()[0]
        assert _log(col).stat().st_size < FRAMES * page  # a few frames so far

        assert col.make_room_for_answers()
        made = _log(col).stat().st_size
        assert made >= FRAMES * (page + 24)
        assert not make_room(col.store.path)  # long enough already: nothing written

        later = _answer(col, 40, 3)
        assert _log(col).stat().st_size == made
        logged = {r[0] for r in col.store.db.execute("SELECT uid FROM log")}
        assert logged == {*first, *later}
        tables = {r[0] for r in col.store.db.execute("SELECT name FROM sqlite_master")}
        assert "quizzer_log_room" not in tables
        assert col.store.db.execute("PRAGMA integrity_check").fetchone()[0] == "ok"
    finally:
        col.close()


def test_answers_after_the_room_survive_a_crash(
    write_deck: Callable[[str, str], Path], tmp_path: Path
) -> None:
    write_deck("d/deck", basic_deck(20))
    col = open_collection()
    try:
        _answer(col, 2, 0)
        assert make_room(col.store.path)
        uids = _answer(col, 5, 2)
        # the files as a power cut leaves them: the log holds the answers' frames, then the
        # rolled-back transaction's frames that they did not overwrite
        crashed = tmp_path / "crashed"
        crashed.mkdir()
        for suffix in ("", "-wal"):
            shutil.copyfile(f"{col.store.path}{suffix}", crashed / f"q.sqlite3{suffix}")
    finally:
        col.close()
    db = sqlite3.connect(crashed / "q.sqlite3")
    try:
        assert db.execute("PRAGMA integrity_check").fetchone()[0] == "ok"
        logged = {r[0] for r in db.execute("SELECT uid FROM log")}
        assert set(uids) <= logged and len(logged) == 7
        tables = {r[0] for r in db.execute("SELECT name FROM sqlite_master")}
        assert "quizzer_log_room" not in tables
    finally:
        db.close()


def test_a_missing_database_is_not_created(tmp_path: Path) -> None:
    folder = tmp_path / "empty"
    folder.mkdir()
    assert not make_room(folder / "none.sqlite3")
    assert list(folder.iterdir()) == []


def test_a_database_another_connection_writes_is_left_alone(
    write_deck: Callable[[str, str], Path],
) -> None:
    write_deck("d/deck", basic_deck(5))
    col = open_collection()
    other = sqlite3.connect(col.store.path, isolation_level=None)
    try:
        before = _log(col).stat().st_size
        other.execute("BEGIN IMMEDIATE")
        other.execute("INSERT INTO meta VALUES ('held', 'yes')")
        started = time.monotonic()
        assert not make_room(col.store.path)
        assert time.monotonic() - started < 5  # gave up on the lock, did not wait for it
        assert _log(col).stat().st_size == before
        other.execute("COMMIT")
        assert col.store.db.execute("SELECT value FROM meta WHERE key = 'held'").fetchone() == (
            "yes",
        )
    finally:
        other.close()
        col.close()
