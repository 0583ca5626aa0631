"""The session offers the front ends what they show: the card up next with what is left, and the
same study carried over an edited deck tree."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest

from quizzer.clock import now, to_ms
from quizzer.collection import Collection, open_collection, reload_decks
from quizzer.state import CardPhase, Rating


@pytest.fixture
def col(sample_tree: Path) -> Iterator[Collection]:
    collection = open_collection()
    yield collection
    collection.close()


def test_up_next_gives_the_card_and_todays_counts(col: Collection) -> None:
    session = col.session()
    at = to_ms(now())
    card, counts = session.up_next(at)
    assert card is not None and card == session.next(at)
    assert counts == session.counts(at) and counts.new == 6  # one per question: siblings wait


def test_cramming_counts_the_cards_not_crammed_and_skips_suspended_ones(col: Collection) -> None:
    session = col.session(cram=True)
    at = to_ms(now())
    first, counts = session.up_next(at)
    assert first is not None and counts.review == 9
    session.answer(first.id, Rating.GOOD, at)
    session.suspend("demo/sample:typed-q", at + 1)
    second, counts = session.up_next(at + 2)
    assert second is not None and second.id not in (first.id, "demo/sample:typed-q")
    assert counts.review == 7


def test_cram_answers_count_as_cram_not_as_new_cards_learned(col: Collection) -> None:
    at = to_ms(now())
    cram = col.session(cram=True)
    card, _ = cram.up_next(at)
    assert card is not None and cram.state(card.id).state == CardPhase.NEW
    cram.answer(card.id, Rating.GOOD, at)
    assert (cram.tally.crammed, cram.tally.new_learned) == (1, 0)
    cram.undo(at + 1)
    assert (cram.tally.answered, cram.tally.crammed) == (0, 0)
    study = col.session()
    study.answer(card.id, Rating.GOOD, at + 2)
    assert (study.tally.crammed, study.tally.new_learned) == (0, 1)
    study.undo(at + 3)
    assert (study.tally.answered, study.tally.new_learned) == (0, 0)


def test_a_sessions_own_undo_leaves_what_others_did(col: Collection) -> None:
    at = to_ms(now())
    session, other = col.session(), col.session()
    assert not session.can_undo()
    other.answer("demo/sample:typed-q", Rating.GOOD, at - 1)
    assert session.undo(at, own=True) is None
    session.answer("demo/sample:basic-q", Rating.GOOD, at)
    session.bury("demo/sample:choice-q", at + 1)
    other.answer("demo/sample:order-q", Rating.EASY, at + 2)  # the device's last
    assert session.can_undo()
    undone = [session.undo(at + 3, own=True), session.undo(at + 4, own=True)]
    assert [(u[0].kind, u[0].card_id) for u in undone if u] == [
        ("bury", "demo/sample:choice-q"),
        ("review", "demo/sample:basic-q"),
    ]
    assert not session.can_undo() and session.undo(at + 5, own=True) is None
    assert session.tally.answered == 0
    states = col.store.states()
    assert states["demo/sample:typed-q"].reps == states["demo/sample:order-q"].reps == 1
    assert col.session().undo(at + 6) is not None  # the device's last: the order card
    assert col.store.state("demo/sample:order-q").reps == 0


def test_an_edited_tree_keeps_the_tally_and_the_crammed_cards(
    col: Collection, sample_tree: Path
) -> None:
    session = col.session(cram=True)
    at = to_ms(now())
    first, _ = session.up_next(at)
    assert first is not None
    session.answer(first.id, Rating.GOOD, at)
    sample_tree.write_text(
        sample_tree.read_text().replace("Which are even?", "Pick the even numbers.")
    )
    tree = reload_decks(col.tree)
    edited = session.on_tree(tree)
    assert edited.tally.answered == 1 and first.id in edited.crammed
    assert edited.card("demo/sample:choice-q").question.prompt == "Pick the even numbers."  # type: ignore[attr-defined]
    _, counts = edited.up_next(at + 1)
    assert counts.review == 8


def test_the_intervals_previewed_are_the_ones_an_answer_records(col: Collection) -> None:
    """The fuzz that spreads longer intervals is drawn from the answer's uid: the session sets
    that uid aside when it previews a card, so the label of each rating is what it records."""
    session = col.session()
    card = "demo/sample:basic-q"
    at = to_ms(now())
    for days in (0, 1, 4, 12, 40):  # a review card with an interval of weeks
        session.answer(card, Rating.GOOD, at + days * 86_400_000)
    at += 120 * 86_400_000
    assert col.settings.fuzz
    spread = set()
    for rating in Rating:
        shown = session.preview(session.card(card), at, exact=True)
        answered = session.answer(card, rating, at)
        assert answered.after.due is not None
        assert answered.after.due - at == shown[rating]
        spread.add(shown[Rating.EASY])
        session.undo(at)
    assert len(spread) > 1  # each preview drew its own fuzz: the labels are not a fixed draw
    # not exact (`next`): the same preview every time, whatever the answer then draws
    again = [session.preview(session.card(card), at) for _ in range(3)]
    assert again[0] == again[1] == again[2]


def test_the_next_card_is_served_at_the_moment_next_due_gives(col: Collection) -> None:
    """Studied until nothing is left, a session says when its next card comes: nothing is served
    a millisecond before that moment, and a card is served at it (learning cards come early by
    the learn-ahead, review cards at the start of their study day, new ones the next day)."""
    session = col.session()
    at = to_ms(now())
    ratings = [Rating.GOOD, Rating.AGAIN, Rating.EASY, Rating.HARD, Rating.GOOD]
    kinds, answered = set(), 0
    for round_ in range(12):
        while (card := session.next(at)) is not None:
            kinds.add(session.state(card.id).state)
            session.answer(card.id, ratings[answered % len(ratings)], at)
            answered += 1
            at += 7_000
        due = session.next_due(at)
        assert due is not None and due > at
        assert session.next(due - 1) is None, round_
        assert session.next(due) is not None, round_
        at = due
    assert len(kinds) >= 3  # new, learning and review cards were served
