"""An answer back from Anki under another uid is known for the answer it was made from, and
nothing else is taken for one."""

from __future__ import annotations

from quizzer.returned import SAME_ANSWER_MS, returned
from quizzer.state import IMPORTED_DEVICE, Event, EventKind, Rating

T = 1_772_438_400_000


def answer(uid: str, at: int, *, imported: bool, rating: Rating = Rating.GOOD) -> Event:
    device = IMPORTED_DEVICE if imported else "laptop"
    return Event(uid, device, at, "d/deck:q", EventKind.REVIEW, rating=rating)


def test_an_import_matches_the_answer_it_follows_within_the_window() -> None:
    held = [answer("orig", T, imported=False)]
    for delay, expected in ((0, True), (3, True), (SAME_ANSWER_MS, True), (-1, False)):
        incoming = answer("anki-x", T + delay, imported=True)
        assert returned(held, [incoming]) == ({"anki-x": "orig"} if expected else {}), delay
    assert returned(held, [answer("anki-x", T + SAME_ANSWER_MS + 1, imported=True)]) == {}


def test_an_original_arriving_where_its_import_is_held_matches_it() -> None:
    held = [answer("anki-x", T + 2, imported=True)]
    assert returned(held, [answer("orig", T, imported=False)]) == {"orig": "anki-x"}
    assert returned(held, [answer("orig", T + 3, imported=False)]) == {}  # after its copy


def test_two_answers_made_in_quizzer_are_never_taken_for_each_other() -> None:
    held = [answer("one", T, imported=False)]
    assert returned(held, [answer("two", T, imported=False)]) == {}


def test_two_imports_match_either_way_and_other_ratings_or_kinds_never() -> None:
    held = [answer("anki-a", T + 5, imported=True)]
    assert returned(held, [answer("anki-b", T, imported=True)]) == {"anki-b": "anki-a"}
    assert returned(held, [answer("anki-b", T + 5, imported=True, rating=Rating.HARD)]) == {}
    cram = Event("anki-c", IMPORTED_DEVICE, T + 5, "d/deck:q", EventKind.CRAM, rating=Rating.GOOD)
    assert returned(held, [cram]) == {}


def test_each_held_answer_stands_for_one_incoming_an_undone_one_too() -> None:
    """An answer undone after its package was made comes back as that answer, undone."""
    held = [answer("orig", T, imported=False)]
    twice = [answer("anki-1", T + 1, imported=True), answer("anki-2", T + 2, imported=True)]
    assert returned(held, twice) == {"anki-1": "orig"}
    undo = Event("u", "laptop", T + 60_000, "d/deck:q", EventKind.UNDO, target="orig")
    assert returned([*held, undo], twice) == {"anki-1": "orig"}
