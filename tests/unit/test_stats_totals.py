"""The statistics totals (quizzer/store/aggregates.py), with the tail of events after their mark,
equal a recomputation from the log after any history: answers in and out of order, cram, undo,
bury, suspend, sync between two devices, day changes in a zone with daylight saving, folds of
the tail, and a change of calendar."""

from __future__ import annotations

import contextlib
import os
import shutil
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from pathlib import Path

import pytest
from hypothesis import HealthCheck, example, given, settings
from hypothesis import strategies as st
from sql_support import add_other_answers, vm_steps

from quizzer import stats
from quizzer.clock import calendar
from quizzer.collection import Collection, open_collection
from quizzer.session import Session, SessionError
from quizzer.state import Rating
from quizzer.store import aggregates
from quizzer.sync import sync

T0 = 1_772_600_000_000  # 2026-03-04, four days before New York's clocks jump
MINUTE, HOUR = 60_000, 3_600_000
DECK = "title: D\nquestions:\n" + "".join(
    f"  - {{id: q{i}, type: basic, prompt: 'P{i}?', answer: A{i}}}\n" for i in range(5)
)

CARDS = [
    *(f"d/deck:q{i}" for i in range(5)),
    *(f"d/other:q{i}" for i in range(2)),
    *(f"e/solo:q{i}" for i in range(2)),
]
"""The cards of the property test: two decks of folder `d`, and one of folder `e`."""
SCOPES = [("d/deck",), ("d",), ("e/solo", "d/other"), ("e",)]
"""Decks and folders whose figures from the per-deck totals are compared with a scan."""
card = st.integers(0, len(CARDS) - 1)
step = st.one_of(
    st.tuples(st.just("answer"), card, st.sampled_from(list(Rating))),
    st.tuples(st.just("cram"), card, st.sampled_from(list(Rating))),
    st.tuples(st.just("undo")),
    st.tuples(st.just("bury"), card),
    st.tuples(st.just("suspend"), card),
    st.tuples(st.just("sync")),
    st.tuples(st.just("later"), st.integers(1, 60)),  # hours
    st.tuples(st.just("earlier")),  # the next answer is dated before the last one
    st.tuples(st.just("other")),  # the other device acts next
)


@contextmanager
def env(**values: str) -> Iterator[None]:
    old = {k: os.environ.get(k) for k in values}
    os.environ.update(values)
    try:
        yield
    finally:
        for k, v in old.items():
            if v is None:
                os.environ.pop(k, None)
            else:
                os.environ[k] = v


def recomputed(col: Collection) -> aggregates.Totals:
    """The totals rebuilt from the log (the incremental ones are put back afterwards)."""
    db = col.store.db
    db.execute("SAVEPOINT check_totals")
    try:
        aggregates.rebuild(db, calendar(col.zone, col.settings.day_starts_at))
        return aggregates.read(db)
    finally:
        db.execute("ROLLBACK TO check_totals")
        db.execute("RELEASE check_totals")


def reopened_from(col: Collection, device: Callable[[str], Collection], version: int) -> Collection:
    """Say the database is at schema `version` (its later migrations forgotten, their changes
    undone by the caller), close it and open it again: the later migrations run."""
    col.store.db.execute("DELETE FROM migrations WHERE version > ?", (version,))
    col.store.db.execute(f"PRAGMA user_version = {version}")
    col.close()
    return device("a")


def check(col: Collection, moments: list[int]) -> None:
    """The totals with their tail equal a recomputation, the store leaves fewer than `FOLD`
    events in the tail, and the figures of each moment (some before the last answers) are the
    same from the totals as from the log."""
    cal = calendar(col.zone, col.settings.day_starts_at)
    db = col.store.db
    upto = aggregates.mark(db, cal)
    assert upto is not None
    assert aggregates.last_seq(db) - upto < aggregates.FOLD
    assert aggregates.read(db, cal) == recomputed(col)
    for now in moments:
        for decks in [(), *SCOPES]:
            scope = stats.Scope(decks=decks, spec=" ".join(decks) or None)
            args = (col.store.path, col.tree, col.settings, col.zone, now, scope)
            fast = stats.compute_at(*args)
            slow = stats.compute_at(*args, totals=False)
            assert fast.to_json() == slow.to_json(), decks


@settings(
    max_examples=50, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)
@given(
    steps=st.lists(step, max_size=40),
    day_start=st.sampled_from([0, 2, 4, 23]),
    back=st.integers(1, 200),
    fold=st.sampled_from([1, 3, 7, aggregates.FOLD]),
)
# an undo after the mark of an answer folded before it; the same across a sync
@example(steps=[("answer", 0, Rating.GOOD), ("undo",)], day_start=4, back=1, fold=1)
@example(
    steps=[("answer", 0, Rating.AGAIN), ("sync",), ("other",), ("sync",), ("other",), ("undo",)],
    day_start=4,
    back=1,
    fold=2,
)
# an answer undone after the tail was folded, and the card answered again: the new answer's
# state before is the one the undo restored
@example(
    steps=[
        ("answer", 0, Rating.AGAIN),
        ("undo",),
        ("answer", 0, Rating.AGAIN),
        ("undo",),
        ("answer", 0, Rating.AGAIN),
    ],
    day_start=0,
    back=1,
    fold=3,
)
# the same with a review card: the failed review folded, undone, and passed in its place
@example(
    steps=[
        ("answer", 0, Rating.GOOD),
        ("later", 30),
        ("answer", 0, Rating.GOOD),
        ("later", 60),
        ("answer", 0, Rating.AGAIN),
        ("undo",),
        ("answer", 0, Rating.GOOD),
    ],
    day_start=0,
    back=1,
    fold=3,
)
def test_totals_equal_a_recomputation(
    tmp_path_factory, steps: list[tuple[object, ...]], day_start: int, back: int, fold: int
) -> None:
    root = tmp_path_factory.mktemp("totals")
    (root / "decks" / "d").mkdir(parents=True)
    (root / "sync").mkdir()
    (root / "decks" / "d" / "deck.yaml").write_text(DECK, encoding="utf-8")
    (root / "decks" / "d" / "other.yaml").write_text(DECK, encoding="utf-8")
    (root / "decks" / "e").mkdir()
    (root / "decks" / "e" / "solo.yaml").write_text(DECK, encoding="utf-8")
    for name in ("a", "b"):
        (root / name).mkdir()
        (root / name / "config.toml").write_text(
            f'timezone = "America/New_York"\nday_starts_at = {day_start}\n', encoding="utf-8"
        )
    cols: dict[str, Collection] = {}
    kept = aggregates.FOLD
    aggregates.FOLD = fold  # folds every few events, or (the default) never in such a history
    with env(QUIZZER_DECKS=str(root / "decks"), QUIZZER_NOW="2026-03-02T09:00:00Z"):
        for name in ("a", "b"):
            with env(QUIZZER_HOME=str(root / name)):
                cols[name] = open_collection()
        try:
            now, back, who = T0, False, "a"
            for s in steps:
                col = cols[who]
                kind = s[0]
                at = now - 3 * HOUR if back else now
                if kind in ("answer", "cram"):
                    session = col.session(cram=kind == "cram")
                    with contextlib.suppress(SessionError):  # a buried or suspended card
                        session.answer(CARDS[s[1]], s[2], at, duration_ms=1000 + at % 7000)
                    back = False
                elif kind == "undo":
                    col.session().undo(now)
                elif kind == "bury":
                    col.session().bury(CARDS[s[1]], now)
                elif kind == "suspend":
                    col.session().suspend(CARDS[s[1]], now)
                elif kind == "sync":
                    sync(col.store, col.settings, col.zone, root / "sync", now)
                elif kind == "later":
                    now += int(s[1]) * HOUR
                elif kind == "earlier":
                    back = True
                else:
                    who = "b" if who == "a" else "a"
                now += MINUTE
            for col in cols.values():
                check(col, [now + HOUR, now - back * HOUR])
        finally:
            aggregates.FOLD = kept
            for col in cols.values():
                col.close()
    shutil.rmtree(root, ignore_errors=True)


def test_a_new_calendar_makes_the_totals_stale_and_statistics_rebuild_them(
    device, isolated: Path
) -> None:
    col = device("a")
    session = col.session()
    for i in range(4):
        session.answer(f"d/deck:q{i}", Rating.GOOD, T0 + i * 5 * HOUR)
    old = calendar(col.zone, col.settings.day_starts_at)
    assert aggregates.current(col.store.db, old)
    new = calendar(col.zone, 18)
    assert not aggregates.current(col.store.db, new)
    aggregates.ensure(col.store.path, new)
    assert aggregates.current(col.store.db, new) and not aggregates.current(col.store.db, old)
    # answers at 00:00, 05:00, 10:00 and 15:00 UTC: study days starting at 18:00 put the first
    # on the day before the others
    days = {k[0] for k in aggregates.read(col.store.db)["agg_answers"]}
    assert len(days) == 2


def test_events_written_by_anyone_land_in_the_tail_and_count(device) -> None:
    """A store without the calendar and a script writing SQL append events; the totals stay
    current, and with the tail they count those events."""
    import sqlite3

    col = device("a")
    col.session().answer("d/deck:q0", Rating.GOOD, T0)
    cal = col.store.calendar
    assert cal is not None
    col.store.calendar = None
    col.session().answer("d/deck:q1", Rating.AGAIN, T0 + MINUTE)
    other = sqlite3.connect(col.store.path, isolation_level=None)
    other.execute(
        "INSERT INTO log (uid, device, at, card_id, kind, rating, state_before) "
        "VALUES ('x1', 'other', ?, 'd/deck:q4', 'review', 4, 0)",
        (T0 + HOUR,),
    )
    other.close()
    assert aggregates.current(col.store.db, cal)
    totals = aggregates.read(col.store.db, cal)
    assert totals == recomputed(col)
    assert sum(v[0] for v in totals["agg_answers"].values()) == 3


def test_the_store_folds_the_tail_once_it_is_long(device, monkeypatch) -> None:
    monkeypatch.setattr(aggregates, "FOLD", 3)
    col = device("a")
    cal = col.store.calendar
    assert cal is not None
    session = col.session()
    marks = []
    for i in range(7):
        session.answer(f"d/deck:q{i % 6}", Rating.GOOD, T0 + i * MINUTE)
        marks.append(aggregates.mark(col.store.db, cal))
    assert marks == [0, 0, 3, 3, 3, 6, 6]
    raw = aggregates.read(col.store.db)
    assert sum(v[0] for v in raw["agg_answers"].values()) == 6  # the seventh is in the tail
    assert aggregates.read(col.store.db, cal) == recomputed(col)


def stale(col: Collection, rating: int) -> None:
    """Four answers through the store, counted by the totals, then the last one's rating
    changed by hand to `rating`, which the log's trigger marks the totals stale for."""
    session = col.session()
    for i in range(4):
        session.answer(f"d/deck:q{i}", Rating.GOOD, T0 + i * MINUTE)
    col.store.rebuild_totals()
    cal = calendar(col.zone, col.settings.day_starts_at)
    assert aggregates.mark(col.store.db, cal) == aggregates.last_seq(col.store.db)
    col.store.db.execute(
        "UPDATE log SET rating = ? WHERE seq = (SELECT max(seq) FROM log)", (rating,)
    )
    assert not aggregates.current(col.store.db, cal)


def test_rebuild_recomputes_stale_totals(device) -> None:
    from quizzer.replay import rebuild

    col = device("a")
    stale(col, 4)
    cal = calendar(col.zone, col.settings.day_starts_at)
    rebuild(col.store, col.settings, col.zone)
    assert aggregates.current(col.store.db, cal)
    totals = aggregates.read(col.store.db)
    assert totals == recomputed(col)
    assert sum(v[0] for v in totals["agg_answers"].values()) == 4


def test_totals_made_stale_between_two_answers_stay_stale(device, monkeypatch) -> None:
    """A store remembers the mark it left, but a counted row changed in between, by another
    connection or by hand on its own, must not be folded into totals called current."""
    import sqlite3

    monkeypatch.setattr(aggregates, "FOLD", 1)  # every answer folds
    col = device("a")
    session = col.session()
    session.answer("d/deck:q0", Rating.GOOD, T0)
    cal = col.store.calendar
    assert cal is not None and aggregates.mark(col.store.db, cal) == 1
    change = "UPDATE log SET rating = 1 WHERE seq = 1"
    other = sqlite3.connect(col.store.path, isolation_level=None)
    other.execute(change)
    other.close()
    session.answer("d/deck:q1", Rating.GOOD, T0 + MINUTE)
    assert not aggregates.current(col.store.db, cal)
    col.store.rebuild_totals()
    session.answer("d/deck:q2", Rating.GOOD, T0 + 2 * MINUTE)
    assert aggregates.mark(col.store.db, cal) == 3
    col.store.db.execute(change.replace("1", "2", 1))
    session.answer("d/deck:q3", Rating.GOOD, T0 + 3 * MINUTE)
    assert not aggregates.current(col.store.db, cal)


def test_statistics_rebuild_stale_totals_before_reading_them(device) -> None:
    col = device("a")
    stale(col, 1)
    cal = calendar(col.zone, col.settings.day_starts_at)
    args = (col.store.path, col.tree, col.settings, col.zone, T0 + 2 * HOUR, stats.Scope())
    fast = stats.compute_at(*args)
    assert aggregates.current(col.store.db, cal)
    assert aggregates.read(col.store.db) == recomputed(col)
    assert fast.today.reviews == 4 and fast.today.again == 1
    assert fast.to_json() == stats.compute_at(*args, totals=False).to_json()


def test_statistics_fold_a_long_tail_left_by_other_writers(device, monkeypatch) -> None:
    monkeypatch.setattr(aggregates, "FOLD", 3)
    col = device("a")
    cal = col.store.calendar
    assert cal is not None
    col.store.calendar = None  # a writer that cannot fold
    session = col.session()
    for i in range(5):
        session.answer(f"d/deck:q{i}", Rating.GOOD, T0 + i * MINUTE)
    assert aggregates.mark(col.store.db, cal) == 0
    args = (col.store.path, col.tree, col.settings, col.zone, T0 + 2 * HOUR, stats.Scope())
    fast = stats.compute_at(*args)
    assert aggregates.mark(col.store.db, cal) == 5
    assert fast.today.reviews == 5
    assert fast.to_json() == stats.compute_at(*args, totals=False).to_json()


def test_a_database_of_the_schema_before_the_per_day_totals_gets_them(device) -> None:
    col = device("a")
    session = col.session()
    for i in range(4):
        session.answer(f"d/deck:q{i}", Rating.GOOD if i else Rating.AGAIN, T0 + i * 30 * HOUR)
    cal = calendar(col.zone, col.settings.day_starts_at)
    expected = aggregates.read(col.store.db, cal)["agg_days"]
    assert sum(v[0] for v in expected.values()) == 4
    # what the previous schema left: current totals, no per-day table
    col.store.db.execute("DROP TABLE agg_days")
    col = reopened_from(col, device, 7)  # migrates, and a small log's totals are rebuilt at once
    assert aggregates.current(col.store.db, cal)
    assert aggregates.read(col.store.db)["agg_days"] == expected
    args = (col.store.path, col.tree, col.settings, col.zone, T0 + 100 * HOUR, stats.Scope())
    assert stats.compute_at(*args).to_json() == stats.compute_at(*args, totals=False).to_json()


def test_totals_kept_by_every_answer_get_a_mark_at_the_last_event(device) -> None:
    """A database of the schema before the tail: totals current through its last event, and
    triggers that fired on every change of the log."""
    col = device("a")
    session = col.session()
    for i in range(4):
        session.answer(f"d/deck:q{i}", Rating.GOOD if i else Rating.AGAIN, T0 + i * HOUR)
    col.store.rebuild_totals()
    db = col.store.db
    db.execute("DELETE FROM meta WHERE key = ?", (aggregates.SEQ_KEY,))
    stale_sql = f"BEGIN DELETE FROM meta WHERE key = '{aggregates.CALENDAR_KEY}'; END"
    for name, event in (("insert", "INSERT"), ("delete", "DELETE"), ("update", "UPDATE")):
        db.execute(f"DROP TRIGGER log_{name}_totals")
        db.execute(f"CREATE TRIGGER log_{name}_totals AFTER {event} ON log {stale_sql}")
    col = reopened_from(col, device, 9)
    cal = calendar(col.zone, col.settings.day_starts_at)
    assert aggregates.mark(col.store.db, cal) == 4
    col.session().answer("d/deck:q5", Rating.HARD, T0 + 5 * HOUR)
    assert aggregates.mark(col.store.db, cal) == 4  # the answer waits in the tail
    assert aggregates.read(col.store.db, cal) == recomputed(col)


def test_a_database_from_before_the_deck_totals_gets_them_at_its_next_statistics(
    device, write_deck
) -> None:
    """Migration 13 adds the per-deck totals and marks the totals stale; the next statistics
    rebuild them, and a deck's figures from them equal a scan of the log."""
    from tests.conftest import basic_deck

    write_deck("e/solo", basic_deck(2))
    col = device("a")
    session = col.session()
    for i, card in enumerate(("d/deck:q0", "e/solo:q1", "d/deck:q2", "e/solo:q0")):
        session.answer(card, Rating.GOOD if i % 3 else Rating.AGAIN, T0 + i * HOUR)
    db = col.store.db
    for table in ("agg_deck_days", "agg_deck_recall"):
        db.execute(f"DROP TABLE {table}")
    col = reopened_from(col, device, 12)
    cal = calendar(col.zone, col.settings.day_starts_at)
    # a collection this small is rebuilt as it opens; a large one at its next statistics
    assert aggregates.read(col.store.db, cal) == recomputed(col)
    assert {k[0] for k in aggregates.read(col.store.db)["agg_deck_days"]} == {"d/deck", "e/solo"}
    for decks in (("e/solo",), ("d",)):
        scope = stats.Scope(decks=decks, spec=decks[0])
        args = (col.store.path, col.tree, col.settings, col.zone, T0 + 5 * HOUR, scope)
        fast = stats.compute_at(*args)
        assert fast.today.reviews == 2
        assert fast.to_json() == stats.compute_at(*args, totals=False).to_json()


@pytest.mark.parametrize("schema", ["new", "from version 11"])
def test_the_log_refuses_rows_it_could_not_read_back(device, schema) -> None:
    import sqlite3

    col = device("a")
    if schema != "new":  # the checks as version 11 wrote them, with IN lists
        db = col.store.db
        old = (
            "typeof(NEW.at) != 'integer' OR NEW.at < 0 OR NEW.at >= 221845392000000 "
            "OR typeof(NEW.ivl_before) NOT IN ('null', 'integer', 'real') "
            "OR typeof(NEW.r_before) NOT IN ('null', 'integer', 'real') "
            "OR typeof(NEW.duration_ms) NOT IN ('null', 'integer')"
        )
        db.execute("DROP TRIGGER log_insert_types")
        db.execute(
            f"CREATE TRIGGER log_insert_types BEFORE INSERT ON log WHEN {old} "
            "BEGIN SELECT RAISE(ABORT, 'log: old check, numbers or NULL'); END"
        )
        col = reopened_from(col, device, 11)
    triggers = col.store.db.execute(
        "SELECT sql FROM sqlite_master WHERE name LIKE 'log_%_types'"
    ).fetchall()
    assert len(triggers) == 2 and not any(" IN (" in sql for (sql,) in triggers)
    other = sqlite3.connect(col.store.path, isolation_level=None)
    row = (
        "INSERT INTO log (uid, device, at, card_id, kind, rating, ivl_before, r_before, "
        "duration_ms) VALUES (?, 's', ?, 'c', 'review', 3, ?, ?, ?)"
    )
    for at in ("soon", 10**17, -5, 1.5):
        with pytest.raises(sqlite3.IntegrityError, match="at must be a time in UTC milliseconds"):
            other.execute(row, (f"x{at}", at, None, None, None))
    for i, bad in enumerate((("long", 0.9, 1), (b"1", 0.9, 1), (1, "x", 1), (1, 0.9, 1.5))):
        with pytest.raises(sqlite3.IntegrityError, match="numbers or NULL"):
            other.execute(row, (f"bad{i}", T0, *bad))
    for i, good in enumerate(((None, None, None), (3, 0.9, 4000), (2.5, 1, 0))):
        other.execute(row, (f"ok{i}", T0, *good))
    with pytest.raises(sqlite3.IntegrityError, match="numbers or NULL"):
        other.execute("UPDATE log SET duration_ms = 'slow' WHERE uid = 'ok0'")
    other.close()


def test_rows_written_before_the_log_refused_them_break_no_answer(device, monkeypatch) -> None:
    """Rows a script wrote before migration 11 (a time out of range, values of the wrong type)
    are left out by the fold, the tail and the rebuild alike; answering and the statistics go
    on."""
    from quizzer.store.migrations import m011_log_types

    monkeypatch.setattr(aggregates, "FOLD", 2)  # the answers below fold the bad rows in
    col = device("a")
    cal = col.store.calendar
    assert cal is not None
    db = col.store.db
    session = col.session()
    session.answer("d/deck:q0", Rating.GOOD, T0)
    db.execute("DROP TRIGGER log_insert_types")
    columns = "uid, device, at, card_id, kind, rating, state_before, ivl_before, r_before"
    for uid, at, card in (
        ("x1", 10**17, "d/deck:q1"),
        ("x2", "soon", "d/deck:q1"),
        ("x3", -5, "d/deck:q2"),
    ):
        db.execute(
            f"INSERT INTO log ({columns}) VALUES (?, 'script', ?, ?, 'review', 3, 0, NULL, NULL)",
            (uid, at, card),
        )
    for i in range(2):
        session.answer(f"d/deck:q{i + 3}", Rating.GOOD, T0 + (i + 2) * HOUR)
    upto = aggregates.mark(db, cal)
    assert upto is not None and upto >= 4  # the three rows (2 to 4) were folded in
    totals = aggregates.read(db, cal)
    assert totals == recomputed(col)
    assert sum(v[0] for v in totals["agg_answers"].values()) == 3  # the store's three answers
    # values of the wrong type: nothing to compare them with, but nothing breaks
    db.execute(
        f"INSERT INTO log ({columns}) "
        "VALUES ('x4', 's', ?, 'd/deck:q2', 'review', 3, 2, 'long', 'x')",
        (T0 + HOUR,),
    )
    db.execute(
        "INSERT INTO log (uid, device, at, card_id, kind, rating, duration_ms) "
        "VALUES ('x5', 's', ?, 'd/deck:q3', 'review', 3, 'slow')",
        (T0 + HOUR,),
    )
    m011_log_types(db)
    for i, card in enumerate(("q5", "q0", "q4")):  # q1's own log has a time it cannot sort
        session.answer(f"d/deck:{card}", Rating.GOOD, T0 + (i + 4) * HOUR)
    # the rebuild in SQL leaves them out as the fold and the tail do
    assert aggregates.read(db, cal) == recomputed(col)
    args = (col.store.path, col.tree, col.settings, col.zone, T0 + 8 * HOUR, stats.Scope())
    assert stats.compute_at(*args).today.reviews == 6
    assert stats.compute_at(*args, totals=False).today.reviews >= 6
    # a replay cannot read them: one line naming the row, not a traceback
    from quizzer.check import check_store
    from quizzer.store.db import StoreError

    with pytest.raises(StoreError, match=r"the log event 'x[12]' cannot be read"):
        session.answer("d/deck:q1", Rating.GOOD, T0 + 9 * HOUR)
    report = check_store(col.store, col.settings, col.zone)
    assert not report.ok and report.unreadable is not None
    assert report.totals == "equal"
    assert "the log event 'x3' cannot be read (time -5 out of range)" in report.unreadable


def twelve_answers(col: Collection, others: int) -> Session:
    """A card answered twelve times, on a log holding `others` answers of other cards before
    them, every answer counted by the totals; the session that answered it."""
    add_other_answers(col.store.db, others, T0 - HOUR)
    session = col.session()
    for i in range(12):
        session.answer("d/deck:q0", Rating.GOOD, T0 + (2 + i) * MINUTE)
    col.store.rebuild_totals()
    return session


def replayed_answer_steps(col: Collection, others: int) -> int:
    """SQLite's work (virtual machine steps, in hundreds) for an answer dated before the twelve
    answers its card already has, on a log holding `others` answers of other cards."""
    session = twelve_answers(col, others)
    db = col.store.db
    steps = vm_steps(db, lambda: session.answer("d/deck:q0", Rating.AGAIN, T0 + MINUTE))
    assert aggregates.read(db, col.store.calendar) == recomputed(col)
    return steps


def test_an_answer_out_of_order_reads_its_card_not_the_whole_log(device) -> None:
    """Replaying the card of an answer dated before its last one corrects the totals for that
    card's answers alone: the work is the same on a log twenty times longer (it once read
    every answer of the log twice)."""
    short = replayed_answer_steps(device("a"), 200)
    long = replayed_answer_steps(device("b"), 4_000)
    assert long < short * 1.5, (short, long)


@pytest.mark.parametrize(("others", "rebuilt"), [(0, True), (200, False)])
def test_a_replayed_card_is_counted_again_unless_a_rebuild_costs_less(
    device, monkeypatch, others: int, rebuilt: bool
) -> None:
    """The answers of a replayed card are taken out of the totals and counted again one by one,
    unless they are many and a good share of the log: then the totals are recomputed."""
    monkeypatch.setattr(aggregates, "BULK", 5)
    rebuilds = []
    real = aggregates.rebuild

    def rebuild(db, cal):
        rebuilds.append(cal)
        return real(db, cal)

    col = device("a")
    db = col.store.db
    session = twelve_answers(col, others)
    monkeypatch.setattr(aggregates, "rebuild", rebuild)
    session.answer("d/deck:q0", Rating.AGAIN, T0 + MINUTE)  # before the card's twelve answers
    assert bool(rebuilds) is rebuilt
    assert aggregates.read(db, col.store.calendar) == recomputed(col)


def late_answer_steps(col: Collection, answers: int, undo: bool = False) -> int:
    """SQLite's work (virtual machine steps, in hundreds) for an answer dated before the last
    three of a card that has `answers` answers a day apart (`undo`: the last one undone); the
    card and every row of its log must then be what a replay of the whole log gives."""
    from quizzer.replay import DeckSettings, replay_rows

    session = col.session()
    for i in range(answers):
        session.answer("d/deck:q0", Rating.GOOD if i % 5 else Rating.AGAIN, T0 + i * 24 * HOUR)
    if undo:
        session.undo(T0 + answers * 24 * HOUR)
    db = col.store.db
    late = T0 + (answers - 3) * 24 * HOUR - HOUR
    steps = vm_steps(db, lambda: session.answer("d/deck:q0", Rating.HARD, late))
    states, derived = replay_rows(col.store.events(), DeckSettings(col.settings, col.zone))
    assert states == col.store.states()
    for uid, before, after in db.execute("SELECT uid, before, after FROM log"):
        assert (derived[uid].before.to_json(), derived[uid].after.to_json()) == (before, after)
    assert aggregates.read(db, col.store.calendar) == recomputed(col)
    return steps


def test_an_answer_out_of_order_replays_the_answers_after_it(device) -> None:
    """Only the answers after it are replayed, from the state the log recorded before them:
    the work is the same for a card with 20 answers and one with 200, and the result is a
    replay of the whole card; with an undo among them, the whole card is replayed."""
    short = late_answer_steps(device("a"), 20)
    long = late_answer_steps(device("b"), 200)
    assert long < short * 1.5, (short, long)
    late_answer_steps(device("c"), 20, undo=True)


def test_two_rewrites_of_counted_rows_in_one_transaction_keep_the_totals(
    device, monkeypatch
) -> None:
    """The first rewrite leaves the totals stale to the log's triggers though it kept them in
    line; the second, in the same transaction, must still take its rows out and put them back
    (a sync rewrites rows more than once: copies from Anki replaced, then cards replayed)."""
    monkeypatch.setattr(aggregates, "FOLD", 1)  # every answer folds: every row is counted
    col = device("a")
    session = col.session()
    for i in range(2):
        session.answer(f"d/deck:q{i}", Rating.GOOD, T0 + i, duration_ms=4_000)
    cal = col.store.calendar
    assert cal is not None and aggregates.mark(col.store.db, cal) == 2
    uids = [e.uid for e in col.store.events()]
    sql = "UPDATE log SET duration_ms = ? WHERE uid = ?"
    with col.store.transaction():
        for uid, ms in zip(uids, (9_000, 30_000), strict=True):
            col.store.rewrite_events(sql, [(ms, uid)], [uid], [uid])
    assert aggregates.current(col.store.db, cal)
    totals = aggregates.read(col.store.db)
    assert totals == recomputed(col)
    assert sum(v[1] for v in totals["agg_answers"].values()) == 39_000
