"""Random histories for the property tests that hold something kept between calls (the live
queue, the statistics' kept card states) to a full recomputation: the decks, the operations
as hypothesis draws them, and one step of a history played on a session."""

from __future__ import annotations

from datetime import UTC, datetime

from hypothesis import strategies as st

from quizzer.clock import to_ms
from quizzer.session import Session, SessionError
from quizzer.state import Rating

DECK_A = """\
title: A
questions:
  - {id: capital, type: basic, prompt: Capital of France?, answer: Paris, reverse: true}
  - {id: ctc, type: cloze, text: 'CTC {{c1::merges}} {{c2::repeats}} then {{c3::drops}}.'}
  - {id: q1, type: basic, prompt: One?, answer: '1', reverse: true}
  - {id: q2, type: basic, prompt: Two?, answer: '2'}
  - {id: q3, type: basic, prompt: Three?, answer: '3'}
"""
DECK_B = "title: B\nquestions:\n" + "".join(
    f"  - {{id: b{i}, type: basic, prompt: B{i}?, answer: '{i}'}}\n" for i in range(6)
)
START = to_ms(datetime(2026, 3, 2, 9, 0, tzinfo=UTC))
MINUTE = 60_000

OPS = st.one_of(
    st.tuples(st.just("next"), st.sampled_from(list(Rating))),
    st.tuples(st.just("answer"), st.sampled_from(list(Rating)), st.integers(0, 30)),
    st.tuples(st.sampled_from(["bury", "suspend", "unsuspend"]), st.integers(0, 30)),
    st.tuples(st.just("undo")),
    st.tuples(st.just("other"), st.sampled_from(list(Rating)), st.integers(0, 30)),
    st.tuples(st.just("wait"), st.sampled_from([1, 5, 15, 25, 45, 60, 120, 600, 1440, 4000])),
    st.tuples(st.just("back"), st.sampled_from([1, 30, 600])),
)
"""Answers of every rating (the next card, or any card), bury, suspend, unsuspend, undo,
another connection's answer (what a sync from another device is to this one), time passing and
a clock set back."""


def play(op: tuple[object, ...], session: Session, other: Session, now: int) -> int:
    """Play one operation of `OPS` on `session` (`other`: another connection's session on the
    same database) at `now`; returns the moment after it."""
    ids = [c.id for c in session.cards]
    name = op[0]
    try:
        if name == "next":
            card = session.next(now)
            if card is not None:
                session.answer(card.id, op[1], now, duration_ms=3000)
        elif name == "answer":
            session.answer(ids[op[2] % len(ids)], op[1], now)
        elif name in ("bury", "suspend", "unsuspend"):
            getattr(session, str(name))(ids[op[1] % len(ids)], now)
        elif name == "undo":
            session.undo(now)
        elif name == "other":
            other.answer(ids[op[2] % len(ids)], op[1], now)
    except SessionError:
        pass  # a suspended or buried card refuses an answer
    if name == "wait":
        return now + op[1] * MINUTE
    if name == "back":
        return now - op[1] * MINUTE
    return now + 7_000
