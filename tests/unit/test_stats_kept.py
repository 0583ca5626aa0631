"""The statistics keep what they read and work out between computations (`stats.kept`: the
card states, each deck's pass over them, what was read of the running totals). At every step of
random histories (answers of every rating, undo, bury, suspend, unsuspend, another connection's
commits, the card states written again whole, time passing, day changes and a clock set back)
what they show equals what a computation that keeps nothing shows."""

from __future__ import annotations

import contextlib
import sqlite3
import tempfile
from datetime import UTC
from pathlib import Path

import pytest
from history_support import DECK_A, DECK_B, OPS, START, play
from hypothesis import HealthCheck, example, given, settings
from hypothesis import strategies as st

from quizzer.clock import calendar
from quizzer.collection import load_decks
from quizzer.config import Settings
from quizzer.decks.tree import DeckTree
from quizzer.session import Session, SessionError
from quizzer.state import Rating
from quizzer.stats import Stats, compute_at, resolve_scope
from quizzer.stats.kept import Kept
from quizzer.store import aggregates, card_changes
from quizzer.store.db import Store

KEPT_OPS = st.one_of(
    OPS,
    st.tuples(st.just("other_bury"), st.integers(0, 30)),
    st.tuples(st.just("rewrite")),
)
"""`OPS`, and: a device whose days start at 10:00 buries a card (it comes back at 10:00, within
this one's study day, from 4:00), every card state written again (as a rebuild does)."""


def _both(path: Path, tree: DeckTree, config: Settings, now: int, scope: str | None) -> None:
    """Statistics with what the tree keeps, then without: the same figures."""
    chosen = resolve_scope(tree, scope)
    kept = compute_at(path, tree, config, UTC, now, chosen, 30)
    saved = dict(tree.derived)
    tree.derived.clear()
    try:
        fresh = compute_at(path, tree, config, UTC, now, chosen, 30)
    finally:
        tree.derived.clear()
        tree.derived.update(saved)
    assert isinstance(kept, Stats)
    assert kept == fresh


@settings(
    max_examples=50, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)
@given(ops=st.lists(KEPT_OPS, min_size=1, max_size=30))
# a card buried by the other device comes back within this one's study day
@example(ops=[("other_bury", 5), ("wait", 45), ("wait", 45)])
# answers folded into the totals, then one dated before them: the replay corrects counted rows
@example(
    ops=[
        ("answer", Rating.GOOD, 0),
        ("answer", Rating.GOOD, 1),
        ("answer", Rating.AGAIN, 0),
        ("answer", Rating.GOOD, 2),
        ("back", 30),
        ("answer", Rating.HARD, 0),
    ]
)
def test_kept_figures_equal_fresh_ones_at_every_step(
    write_deck, decks_dir: Path, monkeypatch: pytest.MonkeyPatch, ops
) -> None:
    # the totals fold every three events: what was read of them is read again after each fold,
    # and after a replay corrects counted rows under the same mark
    monkeypatch.setattr(aggregates, "FOLD", 3)
    write_deck("demo/a", DECK_A)
    write_deck("demo/b", DECK_B)
    tree = load_decks(decks_dir)
    config = Settings(
        new_per_day=4,
        reviews_per_day=5,
        learning_steps=(1.0, 30.0),
        decks={"demo/a": {"bury_siblings": True}},
    )
    with tempfile.TemporaryDirectory() as home:
        path = Path(home) / "quizzer.sqlite3"
        with Store(path) as store, Store(path) as elsewhere:
            for one in (store, elsewhere):  # as a collection does: writes keep the totals
                one.use_calendar(calendar(UTC, config.day_starts_at))
            session = Session(store, tree, config, UTC)
            other = Session(elsewhere, tree, config, UTC)
            # a device whose days start at 10:00: its cards buried today come back at 10:00,
            # within this one's study day (from 4:00)
            late = config.model_copy(update={"day_starts_at": 10})
            later = Session(elsewhere, tree, late, UTC)
            ids = [c.id for c in session.cards]
            now = START
            _both(path, tree, config, now, None)
            for step, op in enumerate(ops):
                if op[0] == "other_bury":
                    with contextlib.suppress(SessionError):  # a card suspended already
                        later.bury(ids[op[1] % len(ids)], now)
                    now += 7_000
                elif op[0] == "rewrite":
                    with elsewhere.transaction():
                        elsewhere.replace_states(elsewhere.states().values(), clear=True)
                    now += 7_000
                else:
                    now = play(op, session, other, now)
                _both(path, tree, config, now, None)
                if step % 4 == 3:
                    _both(path, tree, config, now, "demo/b")


def test_the_journal_names_the_cards_written_and_keeps_its_newest_rows(tmp_path: Path) -> None:
    path = tmp_path / "quizzer.sqlite3"
    Store(path).close()
    db = sqlite3.connect(path, isolation_level=None)
    latest, written = card_changes.since(db, None)
    assert (latest, written) == (0, None)  # nothing seen yet: read every card
    row = "INSERT OR REPLACE INTO cards (card_id, state) VALUES (?, 2)"
    db.execute(row, ("d:a",))
    db.execute(row, ("d:b",))
    seen, _ = card_changes.since(db, latest)
    assert card_changes.since(db, seen) == (seen, set())
    db.execute(row, ("d:a",))
    db.execute("DELETE FROM cards WHERE card_id = 'd:b'")
    db.execute("UPDATE cards SET state = 1 WHERE card_id = 'd:a'")
    assert card_changes.since(db, seen)[1] == {"d:a", "d:b"}
    # many writes later, the journal has been trimmed past `seen`: read every card again
    db.executemany(row, ((f"d:{i % 50}",) for i in range(3 * card_changes.KEEP)))
    newest, written = card_changes.since(db, seen)
    assert written is None
    kept = db.execute("SELECT count(*) FROM card_changes").fetchone()[0]
    assert card_changes.KEEP <= kept <= 2 * card_changes.KEEP
    assert card_changes.since(db, newest - 3) == (
        newest,
        {f"d:{(3 * card_changes.KEEP - k) % 50}" for k in (1, 2, 3)},
    )
    db.close()
    # a database without the journal (not migrated yet): every card is read, every time
    assert card_changes.since(sqlite3.connect(":memory:"), newest) == (0, None)


def test_read_connections_are_kept_open_for_the_same_file_only(tmp_path: Path) -> None:
    def make(path: Path, table: str) -> None:
        with contextlib.closing(sqlite3.connect(path)) as db:
            db.execute(f"CREATE TABLE {table} (x)")
            db.commit()

    path = tmp_path / "quizzer.sqlite3"
    make(path, "first")
    pool = Kept(path)
    with pool.snapshot() as db:
        assert db.in_transaction  # one snapshot for the block
        opened = db
    with pool.snapshot() as db:
        assert db is opened and db.in_transaction
    rows, totals = pool.rows, pool.totals
    # the file replaced by another at the same path (a restored copy): read the new one, and
    # keep nothing of the old one's
    make(tmp_path / "restored.sqlite3", "restored")
    (tmp_path / "restored.sqlite3").replace(path)
    with pool.snapshot() as db:
        assert db is not opened
        assert db.execute("SELECT name FROM sqlite_master").fetchall() == [("restored",)]
        reopened = db
    assert pool.rows is not rows and pool.totals is not totals
    # a block that raises does not hand its connection back
    with pytest.raises(ZeroDivisionError), pool.snapshot() as db:
        assert db is reopened
        _ = 1 / 0
    with pool.snapshot() as db:
        assert db is not reopened
    pool.close()
