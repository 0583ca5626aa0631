"""FSRS scheduling: a pure function from a card's state, a rating and a moment to its next state.

The `fsrs` package does the arithmetic. Fuzz is drawn from a generator seeded by the review's own
uid, so replaying the log later gives the same dates to the millisecond.
"""

from __future__ import annotations

import hashlib
import random
import threading
from functools import lru_cache

import fsrs

from quizzer.clock import from_ms, to_ms
from quizzer.config import Scheduling
from quizzer.state import CardPhase, CardState, Rating, recall_curve

DAY_MS = 86_400_000
_random_lock = threading.Lock()


def fsrs_card_id(card_id: str) -> int:
    """A stable positive integer for a card id (fsrs wants integers; a bare Card() sleeps)."""
    return int.from_bytes(hashlib.blake2b(card_id.encode(), digest_size=6).digest(), "big") + 1


@lru_cache(maxsize=64)
def _scheduler(settings: Scheduling, parameters: tuple[float, ...]) -> fsrs.Scheduler:
    return fsrs.Scheduler(
        parameters=parameters,
        desired_retention=settings.desired_retention,
        learning_steps=settings.steps("learning"),
        relearning_steps=settings.steps("relearning"),
        maximum_interval=settings.maximum_interval,
        enable_fuzzing=settings.fuzz,
    )


def scheduler(settings: Scheduling, parameters: tuple[float, ...]) -> fsrs.Scheduler:
    """The fsrs Scheduler for these settings (cached: building one validates parameters)."""
    return _scheduler(settings, tuple(parameters))


def to_fsrs(state: CardState, at_ms: int) -> fsrs.Card:
    """The fsrs Card of a state; a new card starts learning at step 0."""
    if state.state == CardPhase.NEW:
        return fsrs.Card(
            card_id=fsrs_card_id(state.card_id),
            state=fsrs.State.Learning,
            step=0,
            due=from_ms(at_ms),
        )
    return fsrs.Card(
        card_id=fsrs_card_id(state.card_id),
        state=fsrs.State(int(state.state)),
        step=state.step,
        stability=state.stability,
        difficulty=state.difficulty,
        due=from_ms(state.due if state.due is not None else at_ms),
        last_review=from_ms(state.last_review) if state.last_review is not None else None,
    )


def review(
    state: CardState,
    rating: Rating,
    at_ms: int,
    settings: Scheduling,
    parameters: tuple[float, ...],
    seed: str,
) -> CardState:
    """The state after answering `rating` at `at_ms`. Pure: the same inputs give the same state."""
    card = to_fsrs(state, at_ms)
    sched = scheduler(settings, parameters)
    with _random_lock:
        saved = random.getstate()
        random.seed(seed)
        try:
            after, _ = sched.review_card(
                card, fsrs.Rating(int(rating)), review_datetime=from_ms(at_ms)
            )
        finally:
            random.setstate(saved)
    lapsed = rating == Rating.AGAIN and state.state == CardPhase.REVIEW
    lapses = state.lapses + lapsed
    leech = state.leech
    suspended = state.suspended
    if lapsed and _is_leech_point(lapses, settings.leech_threshold):
        leech = True
        suspended = suspended or settings.leech_action == "suspend"
    return CardState(
        card_id=state.card_id,
        state=CardPhase(int(after.state)),
        step=after.step,
        stability=after.stability,
        difficulty=after.difficulty,
        due=to_ms(after.due),
        last_review=at_ms,
        reps=state.reps + 1,
        lapses=lapses,
        suspended=suspended,
        buried_until=state.buried_until,
        introduced=state.introduced if state.introduced is not None else at_ms,
        leech=leech,
    )


def _is_leech_point(lapses: int, threshold: int) -> bool:
    """Anki's rule: a leech at the threshold, then again every half threshold."""
    if lapses < threshold:
        return False
    return (lapses - threshold) % max(1, threshold // 2) == 0


def preview(
    state: CardState, at_ms: int, settings: Scheduling, parameters: tuple[float, ...], seed: str
) -> dict[Rating, int]:
    """When the card would next be due (UTC ms) for each rating, answered at `at_ms`."""
    return {
        rating: review(state, rating, at_ms, settings, parameters, seed).due or at_ms
        for rating in Rating
    }


def retrievability(
    stability: float | None, elapsed_days: float, parameters: tuple[float, ...]
) -> float:
    """Predicted probability of recall after `elapsed_days` at this stability (FSRS-6 curve)."""
    if not stability:
        return 0.0
    decay, factor = recall_curve(parameters)
    return float((1 + factor * max(elapsed_days, 0.0) / stability) ** decay)


def state_retrievability(state: CardState, at_ms: int, parameters: tuple[float, ...]) -> float:
    """Predicted recall of a card now, as the fsrs package computes it (whole elapsed days)."""
    if state.last_review is None or state.stability is None:
        return 0.0
    return retrievability(state.stability, (at_ms - state.last_review) // DAY_MS, parameters)


def interval_days(state: CardState) -> float:
    """The interval the card was last given, in days (0 for a new card)."""
    if state.due is None or state.last_review is None:
        return 0.0
    return (state.due - state.last_review) / DAY_MS


def describe_interval(ms: int) -> str:
    """A short label like `1m`, `10m`, `3h`, `4d`, `2.5mo`, `1.2y`, as on answer buttons."""
    minutes = ms / 60_000
    if minutes < 1:
        return "<1m"
    if minutes < 60:
        return f"{round(minutes)}m"
    hours = minutes / 60
    if hours < 24:
        return f"{round(hours)}h"
    days = hours / 24
    if days < 30:
        return f"{round(days)}d"
    if days < 365:
        return f"{days / 30:.1f}mo".replace(".0mo", "mo")
    return f"{days / 365:.1f}y".replace(".0y", "y")


def describe_duration(ms: int) -> str:
    """A spent time as `45s`, `12m`, `1h 05m`."""
    seconds = round(ms / 1000)
    if seconds < 60:
        return f"{seconds}s"
    minutes = seconds // 60
    if minutes < 60:
        return f"{minutes}m {seconds % 60:02d}s" if minutes < 10 else f"{minutes}m"
    return f"{minutes // 60}h {minutes % 60:02d}m"
