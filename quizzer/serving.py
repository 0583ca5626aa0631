"""When the queue serves a card, daily limits aside: the rule behind `next`'s "next card at" and
`quizzer answer`'s refusal of a card that is not due yet. Light on purpose (the state and the
clock only): answering as a process imports it."""

from __future__ import annotations

from quizzer.clock import Calendar
from quizzer.state import CardPhase, CardState

LEARN_AHEAD_MS = 20 * 60_000
"""A learning card due within this long is served when nothing else is left (Anki's
learn-ahead)."""


def served_from(state: CardState, start: int, end: int, calendar: Calendar) -> int | None:
    """The moment (UTC ms) from which the queue serves a card on the study day from `start` to
    `end`, daily limits aside; None when it is suspended or has no due date. A new card is
    served from the start of the day, a learning or relearning card `LEARN_AHEAD_MS` before it
    is due, a review card from the start of the study day it is due in, a buried card not before
    its burial ends."""
    if state.suspended:
        return None
    due = state.due
    if state.state == CardPhase.NEW:
        at = start
    elif due is None:
        return None
    elif state.state != CardPhase.REVIEW:
        at = due - LEARN_AHEAD_MS
    else:
        at = start if due < end else calendar.bounds(due)[0]
    return max(at, state.buried_until) if state.buried_until else at
