"""Personal FSRS parameters fitted to the review log, and advice on the desired retention.

`quizzer optimize` turns the log into the items fsrs-rs trains on (one per review made a day or more
after the card's previous one, carrying the card's whole history up to it), fits the 21 FSRS-6
parameters, and keeps them only when they predict the learner's recalls better than the current
ones. `quizzer retention` runs fsrs-rs's simulator at desired retentions from 0.70 to 0.97 and
recommends the one that costs the least time per card remembered.
"""

from __future__ import annotations

import math
import random
import uuid
from collections import Counter, defaultdict
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import UTC, tzinfo
from statistics import median
from typing import Any, Protocol

import fsrs_rs_python as rs

from quizzer.clock import DAY_MS
from quizzer.collection import Collection
from quizzer.config import DEFAULT_PARAMETERS, Settings
from quizzer.scheduling import retrievability
from quizzer.state import CardPhase, Event, EventKind, Rating
from quizzer.store.db import NOT_UNDONE, Store
from quizzer.training_set import Evaluation, Items, Score, TrainingSet, score

MIN_REVIEWS = 400
"""Fitting needs this many usable reviews (made a day or more after the card's previous review).
fsrs-rs returns the defaults below 8 and fits only the initial stabilities below 64; a few hundred
is where fitted parameters stop being mostly noise."""
SPLITS_MIN_REVIEWS = 1_000
"""Time-series splits train on the first sixth of the items: below this, that is too little."""
SPLITS_MAX_REVIEWS = 200_000
"""Above this many predictable reviews the time-series splits run only when asked (`--splits`):
their five fits take about three times as long as the fit itself, and the whole-history
comparison already rests on that many reviews."""
N_SPLITS = 5
"""As fsrs-rs's `evaluate_with_time_series_splits`: six segments, the last five are predicted."""
DECIMALS = 4
"""config.toml stores parameters with this many decimals; the fit is judged as it will be saved."""
RETENTIONS = tuple(r / 100 for r in range(70, 98))
"""Desired retentions `quizzer retention` simulates."""
NEAR_BEST = 0.05
"""`quizzer retention` also names the highest retention within this share of the best cost."""
SIMULATION_SEED = 42
EPOCHS = 8
"""Passes over the items in each fit. fsrs-rs's own default is 5; Anki's optimizer asks for 8
(rslib's `compute_params` and its time-series splits), and so does this one: on the same reviews,
in the same card order, a fit here gives Anki's parameters."""


# ---------------------------------------------------------------- fitting and judging


@dataclass(slots=True)
class FitReport:
    """What `fit` found."""

    current: list[float]
    fitted: list[float]
    current_all: Evaluation
    """The current parameters on the whole history."""
    fitted_all: Evaluation
    """The fitted parameters on the whole history they were fitted to."""
    current_split: Evaluation | None = None
    """The current parameters on the reviews the time-series splits predict."""
    fitted_split: Evaluation | None = None
    """Parameters fitted on each split's past, predicting its future (fsrs-rs)."""

    @property
    def better(self) -> bool:
        """Anki's rule (lower log loss on the whole history), and, when the time-series splits
        ran, no worse than the current parameters on reviews the fit had not seen."""
        if self.fitted == self.current or self.fitted_all.log_loss >= self.current_all.log_loss:
            return False
        if self.fitted_split is not None and self.current_split is not None:
            return self.fitted_split.log_loss <= self.current_split.log_loss
        return True


def evaluate(data: TrainingSet, parameters: Sequence[float]) -> Evaluation:
    """Log loss and RMSE (bins) of `parameters` on every item of `data`, weighted by recency as
    fsrs-rs's `evaluate` does."""
    whole = Score(data, 0, len(data.item_card))
    score(data, parameters, whole)
    return whole.result()


def compute_parameters(
    items: Items, num_relearning_steps: int = 1, start: Sequence[float] = DEFAULT_PARAMETERS
) -> list[float]:
    """fsrs-rs's fit of `items`, as it comes."""
    return rs.FSRS(list(start)).compute_parameters(
        items,
        card_ids=items.card_ids(),
        enable_short_term=True,
        num_relearning_steps=num_relearning_steps,
        training_config=rs.TrainingConfig(num_epochs=EPOCHS),
    )


def fit_parameters(
    data: TrainingSet, num_relearning_steps: int = 1, start: Sequence[float] = DEFAULT_PARAMETERS
) -> list[float]:
    """The 21 parameters fsrs-rs fits to `data`, rounded as config.toml stores them and kept
    inside the bounds the `fsrs` scheduler accepts."""
    from fsrs.scheduler import LOWER_BOUNDS_PARAMETERS, UPPER_BOUNDS_PARAMETERS

    raw = compute_parameters(data.items, num_relearning_steps, start)
    return [
        min(max(round(float(p), DECIMALS), lo), hi)
        for p, lo, hi in zip(raw, LOWER_BOUNDS_PARAMETERS, UPPER_BOUNDS_PARAMETERS, strict=True)
    ]


def time_series_splits(
    data: TrainingSet, num_relearning_steps: int = 1, progress: Progress | None = None
) -> Evaluation:
    """fsrs-rs's `evaluate_with_time_series_splits`, one fit at a time: the items cut into
    N_SPLITS + 1 segments in time order, parameters fitted on the segments before each of the
    last N_SPLITS predict it, every prediction weighing the same. (fsrs-rs copies every split's
    items before running the fits side by side: four times the items in memory.)"""
    n = len(data.item_card)
    size = n // (N_SPLITS + 1)
    future = Score(data, size, n, recency=False)
    for k in range(1, N_SPLITS + 1):
        if progress:
            progress.step(f"time-series split {k}/{N_SPLITS}: fitting {k * size:,} reviews")
        past = compute_parameters(data.items[: k * size], num_relearning_steps)
        future.start, future.stop = k * size, n if k == N_SPLITS else (k + 1) * size
        score(data, past, future)
    return future.result()


def splits_run(predictable: int, asked: bool = False) -> bool:
    """Whether `fit` runs the time-series splits on this many predictable reviews: from
    SPLITS_MIN_REVIEWS, and above SPLITS_MAX_REVIEWS only when `asked`."""
    return predictable >= SPLITS_MIN_REVIEWS and (asked or predictable <= SPLITS_MAX_REVIEWS)


def fit(
    data: TrainingSet,
    current: Sequence[float],
    num_relearning_steps: int = 1,
    progress: Progress | None = None,
    *,
    splits: bool = False,
) -> FitReport:
    """Fit parameters to `data` and evaluate them and `current`, on the whole history and, when
    `splits_run` (`splits`: however many reviews), with time-series splits."""
    stage = progress.stage if progress else (lambda text: None)
    current = [float(p) for p in current]
    n = len(data.item_card)
    stage(f"fitting parameters to {n:,} reviews")
    fitted = fit_parameters(data, num_relearning_steps, current)
    stage("evaluating both parameter sets")
    report = FitReport(current, fitted, evaluate(data, current), evaluate(data, fitted))
    if splits_run(n, splits):
        stage(f"time-series splits ({N_SPLITS} more fits)")
        report.fitted_split = time_series_splits(data, num_relearning_steps, progress)
        held_out = Score(data, n // (N_SPLITS + 1), n)
        score(data, current, held_out)
        report.current_split = held_out.result()
    return report


# ---------------------------------------------------------------- progress


class Progress(Protocol):
    """Where long work says what it is doing (the command line shows a spinner)."""

    def stage(self, text: str) -> None:
        """A new stage of the work begins."""

    def step(self, text: str) -> None:
        """A finer step of the current stage."""


# ---------------------------------------------------------------- quizzer optimize


def _pct(x: float) -> str:
    return f"{100 * x:.2f}%"


def format_report(report: FitReport) -> list[str]:
    """The comparison table of a fit, as lines."""
    lines = [f"{'':<44}{'log loss':>10}{'RMSE (bins)':>13}"]

    def row(label: str, ev: Evaluation) -> None:
        lines.append(f"{label:<44}{ev.log_loss:>10.4f}{_pct(ev.rmse_bins):>13}")

    row("current parameters, whole history", report.current_all)
    row("fitted parameters, whole history", report.fitted_all)
    if report.current_split and report.fitted_split:
        row(f"current parameters, last {N_SPLITS}/{N_SPLITS + 1} of history", report.current_split)
        row("fitted on the past, predicting the future", report.fitted_split)
    return lines


# ---------------------------------------------------------------- quizzer retention


@dataclass(frozen=True, slots=True)
class SimulatedRetention:
    """One desired retention, simulated."""

    retention: float
    reviews_per_day: float
    minutes_per_day: float
    remembered: float
    """Expected number of cards recalled on the horizon's last day (the sum of their recall
    probabilities)."""
    minutes_per_card: float
    """All the time spent over the horizon per card remembered at its end: the workload per unit
    of knowledge."""


def _rating_habits(
    store: Store,
) -> tuple[list[float] | None, list[float] | None, dict[tuple[int, int], float]]:
    """The learner's first-rating and successful-review rating shares, and median seconds per
    (phase row, rating), from the log (None or absent where there is too little data)."""
    rows = store.db.execute(
        "SELECT state_before, rating, duration_ms FROM log WHERE kind = 'review' "
        "AND rating IS NOT NULL "
        f"AND {NOT_UNDONE}"
    ).fetchall()
    first: Counter[int] = Counter()
    recalled: Counter[int] = Counter()
    times: dict[tuple[int, int], list[float]] = defaultdict(list)
    for state, rating, duration in rows:
        if state == CardPhase.NEW:
            first[rating] += 1
        elif state == CardPhase.REVIEW and rating > Rating.AGAIN:
            recalled[rating] += 1
        # the simulator's cost rows: learning (a new card's first answers), review, relearning
        row = {CardPhase.NEW: 0, CardPhase.LEARNING: 0, CardPhase.REVIEW: 1}.get(state, 2)
        if duration and duration > 0:
            times[(row, rating)].append(duration / 1000)
    first_prob = (
        [first[r] / sum(first.values()) for r in range(1, 5)]
        if sum(first.values()) >= 100
        else None
    )
    review_prob = (
        [recalled[r] / sum(recalled.values()) for r in range(2, 5)]
        if sum(recalled.values()) >= 100
        else None
    )
    costs = {key: float(median(values)) for key, values in times.items() if len(values) >= 20}
    return first_prob, review_prob, costs


def simulator_config(col: Collection, days: int) -> tuple[rs.SimulatorConfig, list[str]]:
    """fsrs-rs's simulator set up like this collection: its cards, its daily limits and steps,
    and the learner's own rating habits and answer times where the log has enough of them
    (listed in the second value)."""
    settings = col.settings
    config = rs.default_simulator_config()
    config.deck_size = max(1, sum(1 for _ in col.tree.cards()) or len(col.store.states()))
    config.learn_span = days
    config.learn_limit = settings.new_per_day
    config.review_limit = settings.reviews_per_day
    config.max_ivl = float(settings.maximum_interval)
    config.max_cost_perday = 1e9  # quizzer caps reviews per day, not minutes
    config.learning_step_count = len(settings.learning_steps)
    config.relearning_step_count = len(settings.relearning_steps)
    first_prob, review_prob, costs = _rating_habits(col.store)
    yours = []
    if first_prob and min(first_prob) > 0:
        config.first_rating_prob = first_prob
        yours.append("first ratings")
    if review_prob and min(review_prob) > 0:
        config.review_rating_prob = review_prob
        yours.append("ratings when recalling")
    if costs:
        table = [list(r) for r in config.state_rating_costs]
        for (row, rating), seconds in costs.items():
            table[row][rating - 1] = seconds
        config.state_rating_costs = table
        yours.append("answer times")
    return config, yours


def simulate_retentions(
    parameters: Sequence[float],
    config: rs.SimulatorConfig,
    retentions: Sequence[float] = RETENTIONS,
    progress: Progress | None = None,
) -> list[SimulatedRetention]:
    """Simulate each desired retention with the same seed (so rows differ by the retention, not
    by luck) and report the daily workload and the knowledge at the horizon."""
    rows = []
    days = config.learn_span
    if progress:
        progress.stage(f"simulating {len(retentions)} desired retentions over {days} days")
    for i, retention in enumerate(retentions, start=1):
        if progress:
            progress.step(
                f"simulating {days} days at retention {retention:.2f} ({i}/{len(retentions)})"
            )
        result = rs.simulate(list(parameters), retention, config, SIMULATION_SEED)
        minutes = sum(result.cost_per_day) / 60
        remembered = float(result.memorized_cnt_per_day[-1])
        rows.append(
            SimulatedRetention(
                retention=retention,
                reviews_per_day=sum(result.review_cnt_per_day) / days,
                minutes_per_day=minutes / days,
                remembered=remembered,
                minutes_per_card=minutes / remembered if remembered > 0 else math.inf,
            )
        )
    return rows


def recommend(rows: Sequence[SimulatedRetention]) -> tuple[SimulatedRetention, SimulatedRetention]:
    """The row with the least time per card remembered, and the highest retention whose time per
    card remembered is within NEAR_BEST of it."""
    best = min(rows, key=lambda r: (r.minutes_per_card, r.retention))
    near = max(
        (r for r in rows if r.minutes_per_card <= best.minutes_per_card * (1 + NEAR_BEST)),
        key=lambda r: r.retention,
    )
    return best, near


# ---------------------------------------------------------------- a synthetic learner


FIRST_RATINGS = (0.2, 0.1, 0.55, 0.15)
"""Shares of Again, Hard, Good, Easy at a synthetic learner's first sight of a card."""
RECALL_RATINGS = (0.15, 0.75, 0.10)
"""Shares of Hard, Good, Easy when a synthetic learner recalls a card."""


EXAMPLE_LEARNER = (
    1.0, 2.5, 6.0, 20.0, 6.0, 0.6, 2.0, 0.02, 1.2, 0.25, 1.2,
    1.2, 0.1, 0.35, 1.8, 0.45, 2.2, 0.6, 0.15, 0.1, 0.4,
)  # fmt: skip
"""FSRS-6 parameters of a made-up learner, unlike the defaults, for tests and benchmarks."""


def simulate_learner(
    parameters: Sequence[float],
    *,
    cards: int,
    days: int,
    seed: int = 0,
    new_per_day: int = 20,
    schedule_with: Sequence[float] = DEFAULT_PARAMETERS,
    desired_retention: float = 0.9,
    start_ms: int = 1_735_689_600_000,
    deck: str = "synthetic/learner",
    device: str = "synthetic",
) -> list[Event]:
    """The review log of a learner whose memory follows FSRS-6 with `parameters`, studying on a
    schedule computed with `schedule_with` (the defaults, as before any optimisation).

    Each day from `start_ms` (UTC midnight) `new_per_day` cards are introduced; a card answered
    Again is seen again ten minutes later; every later review happens when the schedule says
    (give or take 10%), and the learner recalls it with the probability the true model predicts.
    Seeded: the same arguments give the same events, uids included."""
    rng = random.Random(seed)
    truth = rs.FSRS(list(parameters))
    schedule = rs.FSRS(list(schedule_with))
    true_params = tuple(parameters)
    events: list[Event] = []

    def pick(states: Any, rating: int) -> Any:
        return (states.again, states.hard, states.good, states.easy)[rating - 1]

    def add(card_id: str, at: int, rating: int) -> None:
        events.append(
            Event(
                uid=uuid.UUID(int=rng.getrandbits(128), version=4).hex,
                device=device,
                at=at,
                card_id=card_id,
                kind=EventKind.REVIEW,
                rating=Rating(rating),
                graded="self",
                duration_ms=rng.randint(2_000, 15_000),
            )
        )

    for n in range(cards):
        day = n // max(1, new_per_day)
        if day >= days:
            break
        card_id = f"{deck}:q{n:05d}"
        at = start_ms + day * DAY_MS + 8 * 3_600_000 + rng.randrange(12 * 3_600_000)
        rating = rng.choices((1, 2, 3, 4), FIRST_RATINGS)[0]
        add(card_id, at, rating)
        memory = pick(truth.next_states(None, desired_retention, 0), rating).memory
        planned = pick(schedule.next_states(None, desired_retention, 0), rating)
        elapsed = 0
        while True:
            if rating == Rating.AGAIN:  # a learning or relearning step, the same day
                at += 10 * 60_000
                add(card_id, at, Rating.GOOD)
                memory = truth.next_states(memory, desired_retention, 0).good.memory
                planned = schedule.next_states(planned.memory, desired_retention, 0).good
            interval = max(1, round(planned.interval * rng.uniform(0.9, 1.1)))
            day += interval
            if day >= days:
                break
            elapsed = interval
            at = start_ms + day * DAY_MS + 8 * 3_600_000 + rng.randrange(12 * 3_600_000)
            recall = retrievability(memory.stability, elapsed, true_params)
            if rng.random() < recall:
                rating = rng.choices((2, 3, 4), RECALL_RATINGS)[0]
            else:
                rating = Rating.AGAIN
            add(card_id, at, rating)
            memory = pick(truth.next_states(memory, desired_retention, elapsed), rating).memory
            planned = pick(schedule.next_states(planned.memory, desired_retention, elapsed), rating)
    events.sort(key=lambda e: (e.at, e.uid))
    return events


def store_events(
    store: Store, events: Sequence[Event], settings: Settings | None = None, zone: tzinfo = UTC
) -> None:
    """Write events into a store with their derived columns and the card states they lead to
    (what answering them one by one would have written, much faster), study days counted in
    `zone`."""
    from quizzer.replay import DeckSettings, replay_rows

    states, derived = replay_rows(
        events, DeckSettings(settings or Settings.model_validate({}), zone)
    )
    with store.transaction():
        store.insert_events((e, derived[e.uid]) for e in events)
        store.replace_states(states.values())
