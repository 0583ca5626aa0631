"""When the queue serves a card, daily limits aside: the rule behind `next`'s "next card at" and
`quizzer answer`'s refusal of a card that is not due yet. Light on purpose (the state and the
clock only): answering as a process imports it."""

from __future__ import annotations

from quizzer.clock import Calendar
from quizzer.state import CardPhase, CardState

LEARN_AHEAD_MS = 20 * 60_000
"""A learning card due within this long is served when nothing else is left (Anki's
learn-ahead), if it is due before the study day ends."""


def learn_ahead_until(now: int, day_end: int) -> int:
    """The latest due (UTC ms) of a learning card the queue serves at `now`: `LEARN_AHEAD_MS`
    ahead, but never a card due in the next study day. Anki makes a learning step that crosses
    the day's start a card of the next day, so at 03:55 a card due at 04:05 waits for 04:00 and
    counts for the day it is due in, as the forecast counts it."""
    return min(now + LEARN_AHEAD_MS, day_end - 1)


def served_from(state: CardState, start: int, end: int, calendar: Calendar) -> int | None:
    """The moment (UTC ms) from which the queue serves a card on the study day from `start` to
    `end`, daily limits aside; None when it is suspended or has no due date. A new card is
    served from the start of the day, a learning or relearning card `LEARN_AHEAD_MS` before it
    is due (but not before the study day it is due in starts), a review card from the start of
    the study day it is due in, a buried card not before its burial ends."""
    if state.suspended:
        return None
    due = state.due
    if state.state == CardPhase.NEW:
        at = start
    elif due is None:
        return None
    elif state.state != CardPhase.REVIEW:
        at = due - LEARN_AHEAD_MS
        if due >= end:  # due on a later study day: not before that day starts
            at = max(at, calendar.bounds(due)[0])
    else:
        at = start if due < end else calendar.bounds(due)[0]
    return max(at, state.buried_until) if state.buried_until else at
