"""What the statistics return: frozen values, and the constants that shape them.

Every figure of `quizzer stats` (and of its JSON output and the terminal UI's statistics screen) is
one of these values; docs/statistics.md documents them and their JSON keys.
"""

from __future__ import annotations

import math
from dataclasses import dataclass, fields, is_dataclass
from datetime import date
from typing import Any

from quizzer import queue

JSON_VERSION = 1
"""Bumped when a JSON key changes meaning or disappears (new keys do not bump it)."""

MATURE_DAYS = 21
"""An interval of at least this many days makes a card mature (Anki's threshold)."""
FORECAST_DAYS = 30
HEATMAP_DAYS = 365
TOP_CARDS = 10
MAX_LEECHES = 100
MAX_DAYS = 36_500

PERIODS = ("today", "yesterday", "last_7_days", "last_30_days", "last_365_days", "all_time")
"""Rows of the true-retention table, in order."""
CATEGORIES = ("new", "learning", "relearning", "young", "mature", "cram")
"""What kind of review an answer was, for the reviews-per-day chart."""
BUTTON_GROUPS = ("learning", "young", "mature", "all")
RATINGS = ("again", "hard", "good", "easy")

STABILITY_EDGES: tuple[float, ...] = (0, 1, 2, 3, 7, 14, 21, 30, 60, 90, 180, 365, 730, math.inf)
STABILITY_LABELS = (
    "<1d",
    "1d",
    "2d",
    "3-6d",
    "1-2w",
    "2-3w",
    "3w-1m",
    "1-2m",
    "2-3m",
    "3-6m",
    "6m-1y",
    "1-2y",
    "2y+",
)


@dataclass(frozen=True, slots=True)
class Rate:
    """Passed out of total (anything but Again passes); `rate` is None when total is 0."""

    passed: int
    total: int
    rate: float | None

    @classmethod
    def of(cls, passed: float, total: float) -> Rate:
        """A rate from counts."""
        p, t = round(passed), round(total)
        return cls(p, t, rounded(p / t) if t else None)


@dataclass(frozen=True, slots=True)
class RetentionRow:
    """True retention over one period, for young cards, mature cards and both."""

    young: Rate
    mature: Rate
    all: Rate


@dataclass(frozen=True, slots=True)
class Today:
    """What was studied today."""

    reviews: int
    """Review answers today (cram excluded)."""
    new_learned: int
    """Cards seen for the first time today."""
    again: int
    """Review answers rated Again today."""
    cram: int
    """Cram answers today (they do not change scheduling)."""
    time_ms: int
    """Time spent answering today, reviews and cram."""
    mature: Rate
    """Correct answers on mature cards (interval >= 21 days) today."""
    left: queue.Counts
    """What is left now and later today, exactly as the queue serves it (daily limits and
    buried siblings applied): the same numbers as home, the session and `quizzer due`."""


@dataclass(frozen=True, slots=True)
class ForecastDay:
    """Cards falling due on one study day."""

    date: date
    due: int
    cumulative: int
    """Due on this day and before it, backlog included."""


@dataclass(frozen=True, slots=True)
class Forecast:
    """Due cards over the next days."""

    backlog: int
    """Cards overdue: due before today began."""
    days: list[ForecastDay]
    """Today, then the next 30 days."""
    later: int
    """Cards due after the last day shown."""
    total: int
    """Cards with a due date (not new, not suspended)."""
    average_per_day: float
    """Mean of `due` over the days shown."""


@dataclass(frozen=True, slots=True)
class Heatmap:
    """Answers per study day over the last year (reviews and cram)."""

    start: date
    end: date
    dates: list[date]
    reviews: list[int]
    max: int
    active_days: int


@dataclass(frozen=True, slots=True)
class Streaks:
    """Runs of consecutive study days with at least one answer."""

    current: int
    """Days up to today (or yesterday, while today has no answer yet)."""
    longest: int
    longest_start: date | None
    longest_end: date | None
    days_studied: int
    """Study days with an answer, all time."""


@dataclass(frozen=True, slots=True)
class ReviewsPerDay:
    """Answers per study day over the period, by the card's state, with the time they took."""

    start: date
    end: date
    dates: list[date]
    count: dict[str, list[int]]
    """Per category (`new`, `learning`, `relearning`, `young`, `mature`, `cram`), one number a
    day."""
    time_ms: dict[str, list[int]]
    total: int
    total_time_ms: int
    days_studied: int
    average_per_day: float
    average_per_studied_day: float
    seconds_per_answer: float | None


@dataclass(frozen=True, slots=True)
class ButtonRow:
    """How often each answer button was pressed, for one kind of card."""

    again: int
    hard: int
    good: int
    easy: int
    total: int
    correct: Rate


@dataclass(frozen=True, slots=True)
class Hour:
    """Review answers given in one local hour of the day, over the period."""

    hour: int
    reviews: int
    passed: Rate


@dataclass(frozen=True, slots=True)
class CardCounts:
    """Cards of the scope by what they are now; every card is in exactly one group."""

    new: int
    learning: int
    relearning: int
    young: int
    mature: int
    suspended: int
    buried: int
    total: int


@dataclass(frozen=True, slots=True)
class Bin:
    """One bar of a distribution: cards with a value in [low, high)."""

    label: str
    low: float
    high: float | None
    """None for the last, open-ended bin."""
    cards: int


@dataclass(frozen=True, slots=True)
class Distribution:
    """The distribution of one memory property over the reviewed cards of the scope."""

    cards: int
    mean: float | None
    median: float | None
    bins: list[Bin]
    sum: float | None = None
    """Retrievability only: the sum over cards, i.e. how many cards you would recall right now."""


@dataclass(frozen=True, slots=True)
class DeckRow:
    """One deck of the scope."""

    deck: str
    title: str
    cards: int
    new: int
    """Never reviewed (suspended ones aside)."""
    left: queue.Counts
    """Left today when this deck is studied on its own, as home shows it."""
    retention_30d: Rate
    mean_stability: float | None
    mean_retrievability: float | None


@dataclass(frozen=True, slots=True)
class CardRow:
    """A card worth a look: a leech, or among the hardest."""

    card_id: str
    deck: str
    text: str
    lapses: int
    reps: int
    stability: float | None
    difficulty: float | None
    retrievability: float | None
    suspended: bool
    leech: bool


@dataclass(frozen=True, slots=True)
class Leeches:
    """Cards flagged as leeches (lapses reached the leech threshold)."""

    count: int
    threshold: int | None
    """The `leech_threshold` of the scope's decks; None when they differ (each card is a leech
    by its own deck's threshold)."""
    cards: list[CardRow]
    """The first 100, most lapses first."""


@dataclass(frozen=True, slots=True)
class Hardest:
    """The ten cards with most lapses, and the ten with the lowest predicted recall now."""

    most_lapses: list[CardRow]
    lowest_retrievability: list[CardRow]


@dataclass(frozen=True, slots=True)
class CalibrationBin:
    """Reviews whose predicted recall fell in [low, high)."""

    low: float
    high: float
    reviews: int
    predicted: float | None
    """Mean predicted recall."""
    actual: float | None
    """Share passed."""


@dataclass(frozen=True, slots=True)
class Calibration:
    """How well FSRS's predicted recall (at review time) matched what happened."""

    reviews: int
    predicted: float | None
    actual: float | None
    log_loss: float | None
    rmse_bins: float | None
    bins: list[CalibrationBin]


@dataclass(frozen=True, slots=True)
class Meta:
    """When and how the figures were computed."""

    version: int
    now: str
    study_day: date
    day_starts_at: int
    timezone: str
    period_days: int


@dataclass(frozen=True, slots=True)
class ScopeInfo:
    """Which cards the figures cover."""

    filter: str | None
    decks: list[str]
    """Deck ids of the decks tree in the scope."""
    tag: str | None
    cards: int


@dataclass(frozen=True, slots=True)
class Stats:
    """Every figure of the statistics page."""

    meta: Meta
    scope: ScopeInfo
    today: Today
    true_retention: dict[str, RetentionRow]
    forecast: Forecast
    heatmap: Heatmap
    streaks: Streaks
    reviews: ReviewsPerDay
    answer_buttons: dict[str, ButtonRow]
    hours: list[Hour]
    card_counts: CardCounts
    stability: Distribution
    difficulty: Distribution
    retrievability: Distribution
    decks: list[DeckRow]
    leeches: Leeches
    hardest: Hardest
    calibration: Calibration

    def to_json(self) -> dict[str, Any]:
        """JSON-ready data with stable keys (dates as ISO strings)."""
        data: dict[str, Any] = _jsonable(self)
        return data


def _jsonable(value: Any) -> Any:
    """`value` as plain dicts, lists and scalars: a dataclass as a dict of its fields, in
    order. (`dataclasses.asdict` deep-copies every value on the way: four times slower.)"""
    if isinstance(value, dict):
        return {str(k): _jsonable(v) for k, v in value.items()}
    if isinstance(value, list | tuple):
        return [_jsonable(v) for v in value]
    names = _field_names(type(value))
    if names is not None:
        return {name: _jsonable(getattr(value, name)) for name in names}
    if isinstance(value, date):
        return value.isoformat()
    return value


_FIELD_NAMES: dict[type, tuple[str, ...] | None] = {}


def _field_names(cls: type) -> tuple[str, ...] | None:
    """The names of a dataclass's fields in order (None for another class), worked out once."""
    try:
        return _FIELD_NAMES[cls]
    except KeyError:
        names = tuple(f.name for f in fields(cls)) if is_dataclass(cls) else None
        return _FIELD_NAMES.setdefault(cls, names)


def rounded(x: float, digits: int = 6) -> float:
    """`x` to six decimals, as every real figure is given."""
    return round(x, digits)


def mean(total: float, n: int) -> float | None:
    """`total / n` rounded, or None when there is nothing to average."""
    return rounded(total / n) if n else None
