"""FSRS scheduling: a pure function from a card's state, a rating and a moment to its next state.

The memory update is fsrs-rs's (`fsrs_rs_python`, the code Anki runs), given the elapsed time in
study days (`Calendar.elapsed_days`), so the same history gives the same stability and difficulty
as in Anki. Learning and relearning steps are in minutes, as the `fsrs` package steps them. Fuzz is
drawn from a generator seeded by the review's own uid, so replaying the log later gives the same
dates to the millisecond.
"""

from __future__ import annotations

import hashlib
import math
import random
from datetime import timedelta
from functools import lru_cache
from typing import Protocol

import fsrs_rs_python as rs

from quizzer.clock import DAY_MS, Calendar
from quizzer.state import CardPhase, CardState, Rating, recall_curve

FUZZ_RANGES = ((2.5, 7.0, 0.15), (7.0, 20.0, 0.1), (20.0, math.inf, 0.05))
"""(start, end, factor): an interval of d days is spread by 1 day plus `factor` of its days in
each range (Anki's and the `fsrs` package's fuzz ranges)."""


class Rules(Protocol):
    """The per-deck settings a review reads: a `config.Scheduling`, or the card index's copy
    (`collection.DeckRules`), so that `quizzer answer` schedules without loading pydantic."""

    @property
    def desired_retention(self) -> float: ...
    @property
    def learning_steps(self) -> tuple[float, ...]: ...
    @property
    def relearning_steps(self) -> tuple[float, ...]: ...
    @property
    def maximum_interval(self) -> int: ...
    @property
    def fuzz(self) -> bool: ...
    @property
    def leech_threshold(self) -> int: ...
    @property
    def leech_action(self) -> str: ...


def fsrs_card_id(card_id: str) -> int:
    """A stable positive integer for a card id (fsrs-rs and fsrs-optimizer want integers)."""
    return int.from_bytes(hashlib.blake2b(card_id.encode(), digest_size=6).digest(), "big") + 1


@lru_cache(maxsize=64)
def model(parameters: tuple[float, ...]) -> rs.FSRS:
    """fsrs-rs's FSRS for these parameters (cached)."""
    return rs.FSRS(list(parameters))


def elapsed_days(state: CardState, at_ms: int, calendar: Calendar) -> int:
    """Study days since the card's last review (0 for a card never reviewed)."""
    if state.last_review is None or state.state == CardPhase.NEW:
        return 0
    return calendar.elapsed_days(state.last_review, at_ms)


def _next_step(
    state: CardState, rating: Rating, settings: Rules
) -> tuple[CardPhase, int | None, timedelta | None]:
    """The phase and step after answering, and the wait when it is a (re)learning step (None:
    a review interval in days). A new card starts learning at step 0."""
    if state.state == CardPhase.REVIEW:
        if rating != Rating.AGAIN or not settings.relearning_steps:
            return CardPhase.REVIEW, None, None
        return CardPhase.RELEARNING, 0, timedelta(minutes=settings.relearning_steps[0])
    if state.state == CardPhase.RELEARNING:
        phase, minutes = CardPhase.RELEARNING, settings.relearning_steps
    else:
        phase, minutes = CardPhase.LEARNING, settings.learning_steps
    steps = [timedelta(minutes=m) for m in minutes]
    step = state.step or 0
    if not steps or (step >= len(steps) and rating != Rating.AGAIN):
        return CardPhase.REVIEW, None, None
    if rating == Rating.AGAIN:
        return phase, 0, steps[0]
    if rating == Rating.HARD:
        if step == 0:
            return phase, 0, steps[0] * 1.5 if len(steps) == 1 else (steps[0] + steps[1]) / 2.0
        return phase, step, steps[step]
    if rating == Rating.GOOD and step + 1 < len(steps):
        return phase, step + 1, steps[step + 1]
    return CardPhase.REVIEW, None, None


def review_interval(interval: float, settings: Rules) -> int:
    """Whole days from fsrs-rs's interval, as Anki rounds it (half away from zero), at least 1
    and at most `maximum_interval`."""
    return min(max(math.floor(interval + 0.5), 1), settings.maximum_interval)


def fuzzed(days: int, settings: Rules, seed: str) -> int:
    """An interval spread by fuzz (intervals under 2.5 days are kept), with one draw of a
    generator seeded by `seed`: the `fsrs` package's fuzz, reproducibly."""
    if days < 2.5:
        return days
    low, high = _fuzz_range(days, settings.maximum_interval)
    draw = random.Random(seed).random() * (high - low + 1) + low
    return min(round(draw), settings.maximum_interval)


@lru_cache(maxsize=4096)
def _fuzz_range(days: int, maximum_interval: int) -> tuple[int, int]:
    """The lowest and highest fuzzed interval of `days` (a replay of a long log asks for the
    same few hundred intervals a million times)."""
    delta = 1.0 + sum(
        factor * max(min(float(days), end) - start, 0.0) for start, end, factor in FUZZ_RANGES
    )
    high = min(round(days + delta), maximum_interval)
    return min(max(2, round(days - delta)), high), high


def review(
    state: CardState,
    rating: Rating,
    at_ms: int,
    settings: Rules,
    parameters: tuple[float, ...],
    seed: str,
    calendar: Calendar,
) -> CardState:
    """The state after answering `rating` at `at_ms`. Pure: the same inputs give the same state."""
    memory = (
        None
        if state.stability is None or state.difficulty is None
        else rs.MemoryState(state.stability, state.difficulty)
    )
    states = model(tuple(parameters)).next_states(
        memory, settings.desired_retention, elapsed_days(state, at_ms, calendar)
    )
    after = (states.again, states.hard, states.good, states.easy)[rating - 1]
    phase, step, wait = _next_step(state, rating, settings)
    if wait is not None:
        due = at_ms + wait // timedelta(milliseconds=1)
    else:
        days = review_interval(after.interval, settings)
        due = at_ms + (fuzzed(days, settings, seed) if settings.fuzz else days) * DAY_MS
    lapsed = rating == Rating.AGAIN and state.state == CardPhase.REVIEW
    lapses = state.lapses + lapsed
    leech = state.leech
    suspended = state.suspended
    if lapsed and _is_leech_point(lapses, settings.leech_threshold):
        leech = True
        suspended = suspended or settings.leech_action == "suspend"
    return CardState(
        card_id=state.card_id,
        state=phase,
        step=step,
        stability=after.memory.stability,
        difficulty=after.memory.difficulty,
        due=due,
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
    state: CardState,
    at_ms: int,
    settings: Rules,
    parameters: tuple[float, ...],
    seed: str,
    calendar: Calendar,
) -> dict[Rating, int]:
    """When the card would next be due (UTC ms) for each rating, answered at `at_ms`."""
    return {
        rating: review(state, rating, at_ms, settings, parameters, seed, calendar).due or at_ms
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


def state_retrievability(
    state: CardState, at_ms: int, parameters: tuple[float, ...], calendar: Calendar
) -> float:
    """Predicted recall of a card at `at_ms`, after the study days elapsed since its last review
    (what the memory update of a review at `at_ms` uses)."""
    if state.last_review is None or state.stability is None:
        return 0.0
    return retrievability(
        state.stability, calendar.elapsed_days(state.last_review, at_ms), parameters
    )


def interval_days(state: CardState) -> float:
    """The interval the card was last given, in days (0 for a new card)."""
    if state.due is None or state.last_review is None:
        return 0.0
    return (state.due - state.last_review) / DAY_MS


def describe_interval(ms: int) -> str:
    """A short label like `1m`, `10m`, `3h`, `4d`, `2.5mo`, `1.2y`, as on answer buttons."""
    if ms < 60_000:
        return "<1m"
    # halves round up, as the clock times shown beside these labels do; a unit is used while
    # the rounded figure stays below the next one (59.6 minutes is 1h, not 60m)
    minutes = math.floor(ms / 60_000 + 0.5)
    if minutes < 60:
        return f"{minutes}m"
    hours = math.floor(ms / 3_600_000 + 0.5)
    if hours < 24:
        return f"{hours}h"
    days_whole = math.floor(ms / 86_400_000 + 0.5)
    if days_whole < 30:
        return f"{days_whole}d"
    days = ms / 86_400_000
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
