"""The session's live queue serves exactly what a full `queue.plan` gives, at every step of random
histories: answers of every rating, undo, bury, suspend, unsuspend, commits of another connection
(what a sync from another device is to this one), time passing, day changes and a clock that
moves back."""

from __future__ import annotations

import tempfile
from datetime import UTC
from pathlib import Path

from history_support import DECK_A, DECK_B, OPS, START, play
from hypothesis import HealthCheck, example, given, settings
from hypothesis import strategies as st

from quizzer.collection import load_decks
from quizzer.config import Settings
from quizzer.queue import done_today, next_card, plan
from quizzer.session import Session
from quizzer.state import Rating
from quizzer.store.db import Store


def _check(session: Session, now: int) -> None:
    """The live queue against a full recomputation from the database."""
    day = session.day(now)
    full = plan(
        session.cards,
        session.store.states(),
        session.deck_settings,
        day,
        done_today(session.store.db, day),
    )
    live = session.plan(now)
    served = session.next(now)
    expected = next_card(full)
    assert (served and served.id) == (expected and expected.id)
    assert live.counts == full.counts
    assert live.per_deck == full.per_deck
    for kind in ("learning", "review", "new", "ahead"):
        assert [c.id for c in getattr(live, kind)] == [c.id for c in getattr(full, kind)], kind


@settings(
    max_examples=60, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)
@given(ops=st.lists(OPS, min_size=1, max_size=40))
# another connection answers a card, the clock goes back, this session answers it earlier: the
# replay makes the other answer no longer the card's first, so it introduces no new card
@example(ops=[("other", Rating.GOOD, 0), ("back", 1), ("answer", Rating.GOOD, 0)])
def test_live_queue_equals_a_full_plan_at_every_step(write_deck, decks_dir: Path, ops) -> None:
    write_deck("demo/a", DECK_A)
    write_deck("demo/b", DECK_B)
    tree = load_decks(decks_dir)
    config = Settings(
        new_per_day=7,
        reviews_per_day=6,
        learning_steps=(1.0, 30.0),
        bury_siblings=False,  # but for the deck with siblings: a deck's own setting governs
        decks={
            "demo/a": {"bury_siblings": True},
            "demo/b": {"new_per_day": 3, "reviews_per_day": 2},
        },
    )
    with tempfile.TemporaryDirectory() as home:
        path = Path(home) / "quizzer.sqlite3"
        with Store(path) as store, Store(path) as elsewhere:
            session = Session(store, tree, config, UTC)
            other = Session(elsewhere, tree, config, UTC)
            now = START
            _check(session, now)
            for op in ops:
                now = play(op, session, other, now)
                _check(session, now)
