"""Custom study sessions, as Anki builds them: review ahead (cards due within N days, no daily
limits, answers reschedule) and forgotten cards (rated Again in the last N days, practised
without rescheduling, so no intervals are shown)."""

from __future__ import annotations

from collections.abc import Callable, Iterator
from pathlib import Path

import pytest

from quizzer.collection import Collection, open_collection
from quizzer.custom_study import custom_query
from quizzer.session import Selection
from quizzer.state import CardPhase, EventKind, Rating
from tests.conftest import basic_deck

T0 = 1_772_442_000_000  # 2026-03-02T09:00Z
DAY = 86_400_000


@pytest.fixture
def col(write_deck: Callable[[str, str], Path], isolated: Path) -> Iterator[Collection]:
    write_deck("d/deck", basic_deck(6))
    home = isolated / "home"
    home.mkdir()
    (home / "config.toml").write_text("reviews_per_day = 1\n", encoding="utf-8")
    opened = open_collection()
    yield opened
    opened.close()


def _learn(col: Collection, ratings: dict[str, Rating], at: int) -> None:
    session = col.session()
    for question, rating in ratings.items():
        session.answer(f"d/deck:{question}", rating, at)


def test_review_ahead_serves_cards_not_yet_due_earliest_first_and_reschedules(
    col: Collection,
) -> None:
    _learn(col, {f"q{i}": Rating.EASY for i in range(4)}, T0 - DAY)
    dues = {f"d/deck:q{i}": col.store.state(f"d/deck:q{i}").due for i in range(4)}
    assert all(d is not None and d > T0 + DAY for d in dues.values())
    assert col.session().next(T0) is not None  # new cards, but no review is due
    assert col.session().counts(T0).review == 0
    far = max(d for d in dues.values() if d is not None)
    days = (far - T0) // DAY + 2
    session = col.session(Selection(query=custom_query(None, days, None), ahead=True))
    assert session.left_in_session(T0) == 4
    served = []
    while (card := session.next(T0)) is not None:
        served.append(card.id)
        assert session.preview(card, T0)  # answers reschedule: intervals are shown
        answered = session.answer(card.id, Rating.GOOD, T0)
        assert answered.event.kind == EventKind.REVIEW
        assert answered.after.state == CardPhase.REVIEW
        assert answered.after.due != dues[card.id]
        assert len(served) <= 4
    # every card once, earliest due first, past the one review a day the deck allows
    assert served == sorted(dues, key=lambda c: (dues[c], list(dues).index(c)))
    assert session.left_in_session(T0) == 0


def test_review_ahead_counts_what_is_left_by_phase(col: Collection) -> None:
    _learn(col, {"q0": Rating.EASY, "q1": Rating.EASY}, T0 - DAY)
    _learn(col, {"q2": Rating.GOOD}, T0)  # in learning, due in minutes
    session = col.session(Selection(query=custom_query(None, 30, None), ahead=True))
    card, counts = session.up_next(T0)
    assert card is not None and card.id == "d/deck:q2"
    assert (counts.new, counts.learning, counts.review) == (0, 1, 2)


def test_review_ahead_keeps_to_its_days(col: Collection) -> None:
    _learn(col, {"q0": Rating.EASY}, T0 - DAY)
    due = col.store.state("d/deck:q0").due
    assert due is not None
    within = (due - T0) // DAY  # the day before it falls due
    session = col.session(Selection(query=custom_query(None, int(within) - 1, None), ahead=True))
    assert session.next(T0) is None


def test_forgotten_cards_are_practised_without_rescheduling(col: Collection) -> None:
    _learn(col, {"q0": Rating.AGAIN, "q1": Rating.EASY, "q2": Rating.AGAIN}, T0 - 2 * DAY)
    _learn(col, {"q3": Rating.AGAIN}, T0 - 9 * DAY)  # longer ago than the 3 days asked
    session = col.session(Selection(query=custom_query(None, None, 3)), cram=True)
    assert session.left_in_session(T0) == 2
    served = []
    while (card := session.next(T0)) is not None:
        before = col.store.state(card.id)
        assert session.preview(card, T0) == {}  # no intervals: nothing is rescheduled
        answered = session.answer(card.id, Rating.GOOD, T0)
        assert answered.event.kind == EventKind.CRAM
        assert col.store.state(card.id).due == before.due
        served.append(card.id)
    assert sorted(served) == ["d/deck:q0", "d/deck:q2"]


def test_custom_queries_combine_with_a_search() -> None:
    assert custom_query("tag:x", 7, None) == "prop:due<=7 (tag:x)"
    assert custom_query(None, None, 2) == "rated:2:1"
    assert custom_query("deck:a or deck:b", None, None) == "deck:a or deck:b"
