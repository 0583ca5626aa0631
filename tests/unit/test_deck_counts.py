"""What is left in one deck, counted without building its queue (`queue.deck_counts`, which the
statistics use for every deck's line), equals the counts of a full `queue.plan` of a session on
that deck, at every step of random histories, with sibling burying on, off and on in one deck
only, and limits that start from the deck or from the top. So do the statistics' "left today"
and every deck's, which come from one pass over the card states (`stats.cards.scan`) instead of
`queue.classify`, and home's counts of every deck, folder and the root, from one classification
of every card."""

from __future__ import annotations

import tempfile
from datetime import UTC, datetime
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from quizzer.clock import to_ms
from quizzer.collection import load_decks
from quizzer.config import Settings
from quizzer.home import deck_counts as home_counts
from quizzer.queue import classify, deck_counts, done_today, node_ids, plan
from quizzer.session import Session, SessionError
from quizzer.state import Rating
from quizzer.stats import compute_at, resolve_scope
from quizzer.store.db import Store

DECK_A = """\
title: A
questions:
  - {id: capital, type: basic, prompt: Capital of France?, answer: Paris, reverse: true}
  - {id: ctc, type: cloze, text: 'CTC {{c1::merges}} {{c2::repeats}} then {{c3::drops}}.'}
  - {id: q1, type: basic, prompt: One?, answer: '1', reverse: true}
  - {id: q2, type: basic, prompt: Two?, answer: '2'}
"""
DECK_B = "title: B\nquestions:\n" + "".join(
    f"  - {{id: b{i}, type: basic, prompt: B{i}?, answer: '{i}', reverse: true}}\n"
    for i in range(4)
)
START = to_ms(datetime(2026, 3, 2, 9, 0, tzinfo=UTC))
MINUTE = 60_000

OPS = st.one_of(
    st.tuples(st.just("next"), st.sampled_from(list(Rating))),
    st.tuples(st.just("answer"), st.sampled_from(list(Rating)), st.integers(0, 30)),
    st.tuples(st.sampled_from(["bury", "suspend"]), st.integers(0, 30)),
    st.tuples(st.just("wait"), st.sampled_from([1, 15, 25, 120, 1440, 4000])),
)

CONFIGS = {
    "burying, deck limits": {},
    "no burying": {"bury_siblings": False},
    "burying in one deck only": {
        "decks": {"demo/b": {"new_per_day": 3, "reviews_per_day": 2, "bury_siblings": False}}
    },
    "limits from the top": {"limits_start_from_top": True, "new_per_day": 4},
}


def _check(session: Session, now: int) -> None:
    day = session.day(now)
    states = session.store.states()
    done = done_today(session.store.db, day)
    figures = compute_at(
        session.store.path,
        session.tree,
        session.settings,
        UTC,
        now,
        resolve_scope(session.tree, None),
    )
    whole = plan(session.cards, states, session.deck_settings, day, done)
    assert figures.today.left == whole.counts
    left = {row.deck: row.left for row in figures.decks}
    for deck in ("demo/a", "demo/b"):
        cards = [c for c in session.cards if c.deck_id == deck]
        full = plan(cards, states, session.deck_settings, day, done, deck)
        found = classify(enumerate(cards), states, session.deck_settings, day)
        found.learning.sort()
        found.review.sort()
        assert deck_counts(found, session.deck_settings, day, done, deck) == full.counts, deck
        assert left[deck] == full.counts, deck
    # home's counts of every node: each deck, the folder and the root, from one classification
    home = home_counts(session, now)
    assert set(home) == {"", "demo", "demo/a", "demo/b"}
    for node, counts in home.items():
        cards = [c for c in session.cards if node in node_ids(c.deck_id)]
        assert counts == plan(cards, states, session.deck_settings, day, done, node).counts, node


@pytest.mark.parametrize("extra", CONFIGS.values(), ids=CONFIGS.keys())
@settings(
    max_examples=25, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)
@given(ops=st.lists(OPS, min_size=1, max_size=30))
def test_a_decks_counts_equal_its_full_plan(write_deck, decks_dir: Path, extra, ops) -> None:
    write_deck("demo/a", DECK_A)
    write_deck("demo/b", DECK_B)
    tree = load_decks(decks_dir)
    config = Settings(
        **{
            "new_per_day": 6,
            "reviews_per_day": 5,
            "learning_steps": (1.0, 30.0),
            "decks": {"demo/b": {"new_per_day": 3, "reviews_per_day": 2}},
        }
        | extra
    )
    with tempfile.TemporaryDirectory() as home, Store(Path(home) / "quizzer.sqlite3") as store:
        session = Session(store, tree, config, UTC)
        ids = [c.id for c in session.cards]
        now = START
        _check(session, now)
        for op in ops:
            try:
                if op[0] == "next":
                    card = session.next(now)
                    if card is not None:
                        session.answer(card.id, op[1], now, duration_ms=3000)
                elif op[0] == "answer":
                    session.answer(ids[op[2] % len(ids)], op[1], now)
                elif op[0] in ("bury", "suspend"):
                    getattr(session, op[0])(ids[op[1] % len(ids)], now)
            except SessionError:
                pass
            now += op[1] * MINUTE if op[0] == "wait" else 7_000
            _check(session, now)
