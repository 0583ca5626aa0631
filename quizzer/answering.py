"""Recording an answer: the one write that `Session.answer` and the light `quizzer answer` path
(which answers from the card index, without loading the decks) share, so that both check, build
and store an answer alike.

Light on purpose: it imports neither pydantic nor the deck models.
"""

from __future__ import annotations

from collections.abc import Collection, Sequence
from typing import TYPE_CHECKING

from quizzer.clock import Calendar, from_ms
from quizzer.errors import QuizzerError
from quizzer.replay import RulesSource, derive, replay_rows
from quizzer.serving import served_from
from quizzer.state import MAX_DURATION_MS, MAX_RESPONSE, CardState, Event, EventKind, Rating

if TYPE_CHECKING:
    from quizzer.decks.grading import AnswerKey, Graded
    from quizzer.decks.models import QuestionBase
    from quizzer.store.db import Derived, Store


class SessionError(QuizzerError, ValueError):
    """A request the session cannot carry out (unknown card, bad response...)."""


def unknown_card(card_id: str, known: Collection[str] = ()) -> SessionError:
    """The error for a card id that no deck has, naming the ids of `known` it was most likely
    meant as: the cards of that question (`asr/ctc:collapse` for `asr/ctc:collapse#c1`), or
    one spelt almost alike."""
    import difflib

    meant = sorted(k for k in known if k.startswith(f"{card_id}#"))
    deck = card_id.partition(":")[0] + ":"
    in_deck = {k.removeprefix(deck): k for k in known if k.startswith(deck)}
    if not meant and in_deck:  # the question misspelt: compared with the deck's own
        close = difflib.get_close_matches(card_id.removeprefix(deck), list(in_deck), 2, 0.75)
        meant = [in_deck[q] for q in close]
    elif not meant:  # the deck misspelt
        meant = difflib.get_close_matches(card_id, list(known), n=2, cutoff=0.8)
    hint = f"; did you mean {' or '.join(meant[:3])}?" if meant else ""
    return SessionError(f"unknown card id {card_id!r}{hint} ('quizzer cards' lists the ids)")


def order_seed(card_id: str, reps: int) -> str:
    """What fixes the order in which a card's options are shown: the same for the command line
    and the TUI until the card is answered again."""
    return f"{card_id}/{reps}"


def grade_response(
    question: QuestionBase | AnswerKey, response: str, shown_order: Sequence[int]
) -> Graded:
    """Grade a text response (numbers of shown options for choice and order questions)."""
    from quizzer.decks.grading import ResponseError, grade_text

    try:
        return grade_text(question, response, shown_order)
    except ResponseError as exc:
        raise SessionError(str(exc)) from None


def record_answer(
    store: Store,
    settings: RulesSource,
    card_id: str,
    rating: Rating,
    now_ms: int,
    *,
    cram: bool = False,
    graded: Graded | None = None,
    response: str | None = None,
    duration_ms: int | None = None,
    uid: str | None = None,
    early: bool = True,
) -> tuple[Event, Derived, CardState]:
    """Append an answer to the log and update the card's state, in one committed transaction
    (what `Store.apply` returns). A review of a suspended or buried card is refused (a cram
    answer changes no state), and when not `early`, one of a card the queue does not serve yet.
    `uid`: the event's id when one was set aside for it (its fuzz was previewed), else a new
    one."""
    kind = EventKind.CRAM if cram else EventKind.REVIEW
    if duration_ms is not None and not 0 <= duration_ms <= MAX_DURATION_MS:
        raise SessionError(f"answer time {duration_ms} ms is not between 0 and a day")

    def make(state: CardState) -> tuple[Event, Derived]:
        if kind == EventKind.REVIEW:
            check_answerable(state, now_ms)
            if not early:
                check_due(state, now_ms, settings.calendar)
        event = Event(
            uid=uid or store.new_uid(),
            device=store.device,
            at=now_ms,
            card_id=card_id,
            kind=kind,
            rating=Rating(rating),
            graded="auto" if graded else "self",
            # graded whole, kept as long as every device's sync takes it
            response=None if response is None else response[:MAX_RESPONSE],
            verdict=str(graded.verdict) if graded else None,
            duration_ms=duration_ms,
        )
        return event, derive(state, event, settings)

    return store.apply(card_id, make, lambda events, start: replay_rows(events, settings, start))


def check_due(state: CardState, now_ms: int, calendar: Calendar) -> None:
    """A card the queue does not serve yet (a learning step not reached, a review due on a later
    study day) is refused: answered now, it would count as an early review."""
    start, end = calendar.bounds(now_ms)
    at = served_from(state, start, end, calendar)
    if at is not None and at > now_ms:
        when = from_ms(at).astimezone(calendar.zone).strftime("%Y-%m-%d %H:%M")
        raise SessionError(
            f"{state.card_id} is not due until {when}; answer it then, or give --early to "
            "answer it now (an early review)"
        )


def check_answerable(state: CardState, now_ms: int) -> None:
    """Suspended and buried cards are out of the queue; answering one would reschedule it."""
    if state.suspended:
        raise SessionError(
            f"{state.card_id} is suspended; 'quizzer unsuspend {state.card_id}' brings it back"
        )
    if state.buried_at(now_ms):
        raise SessionError(
            f"{state.card_id} is buried until the next study day; answer it then (or "
            "'quizzer undo' the bury if it was the last thing done)"
        )
