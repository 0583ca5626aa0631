"""Retention statistics: pure computations over the review log and the card states.

`compute(collection, now_ms, scope, days)` returns a `Stats` value that the command line, the
JSON output and the terminal UI all show. Nothing here reads the clock or imports a UI toolkit.

Every aggregate over the log runs in SQLite on one of two covering indexes (migration 3), in a
shape that avoids sorting the log:

* per-day figures join a small table of study days (bounds computed in Python with the clock
  helpers, so they are DST-exact) to range seeks on the time index, and group in index order;
* true retention over long periods is range counts on the interval index;
* undone events are not filtered row by row (that costs more than the scan itself): each
  aggregate is computed once over the log and once over a tiny table of the undone events, and
  the second result is subtracted from the first. Every figure is a count or a sum, so this is
  exact.

Figures and their JSON keys are documented in docs/statistics.md.
"""

from __future__ import annotations

import bisect
import functools
import gc
import heapq
import math
import re
import sqlite3
import threading
from collections import Counter
from collections.abc import Callable, Iterable, Mapping, Sequence
from dataclasses import asdict, dataclass
from datetime import date, timedelta, tzinfo
from pathlib import Path
from typing import TYPE_CHECKING, Any, ParamSpec, TypeVar

from quizzer import queue
from quizzer.clock import DAY_MS, calendar, day_start, from_ms, study_day, to_ms
from quizzer.clock import offset_segments as offset_segments
from quizzer.errors import QuizzerError
from quizzer.state import recall_curve
from quizzer.store import aggregates
from quizzer.store.aggregates import CALIBRATION_BINS, calibration_edges, offset_sql
from quizzer.store.aggregates import calibration_bin as calibration_bin

if TYPE_CHECKING:
    from quizzer.collection import Collection
    from quizzer.config import Settings
    from quizzer.decks.cards import Card
    from quizzer.decks.tree import DeckTree
    from quizzer.session import Selection

P = ParamSpec("P")
R = TypeVar("R")

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

_STATE_NAMES = {0: "new", 1: "learning", 3: "relearning"}
_NEVER = -(2**62)
BY_TIME = "log_stats_time"
"""Index (kind, rating, state_before, at, ivl_before, duration_ms, card_id): time ranges."""
BY_CLASS = "log_stats_interval"
"""Index (kind, rating, (ivl_before >= 1) + (ivl_before >= 21), at, ivl_before, card_id): by
interval class (0 under a day, 1 young, 2 mature), then time."""
_CLASS = "(l.ivl_before >= 1) + (l.ivl_before >= 21)"
"""The class index's expression, written exactly as the index has it so SQLite matches it."""
BY_RECALL = "log_stats_recall"
"""Partial index (kind, r_before, rating, at, card_id) where 0 < r_before < 1: predictions."""
BY_AT = "log_at"
"""The store's index on `at` alone: the narrowest way to count every event of a day."""
_CLASSES = "l.rating IN (1, 2, 3, 4) AND l.state_before IN (0, 1, 2, 3)"
"""Equality lists on the index's leading columns: SQLite turns them into range seeks on `at`
and keeps rows in index order, so GROUP BY kind/rating/state needs no sort."""


class StatsError(QuizzerError, ValueError):
    """The deck, folder or tag asked for does not exist."""


# ---------------------------------------------------------------- results


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
        return cls(p, t, _round(p / t) if t else None)


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
    threshold: int
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
        data: dict[str, Any] = _jsonable(asdict(self))
        return data


def _jsonable(value: Any) -> Any:
    if isinstance(value, dict):
        return {str(k): _jsonable(v) for k, v in value.items()}
    if isinstance(value, list | tuple):
        return [_jsonable(v) for v in value]
    if isinstance(value, date):
        return value.isoformat()
    return value


def _round(x: float, digits: int = 6) -> float:
    return round(x, digits)


def _mean(total: float, n: int) -> float | None:
    return _round(total / n) if n else None


# ---------------------------------------------------------------- scope


@dataclass(frozen=True, slots=True)
class Scope:
    """The cards statistics cover: decks or folders (none: all) and optionally a tag."""

    decks: tuple[str, ...] = ()
    tag: str | None = None
    spec: str | None = None
    """What the learner typed (`asr`, `asr/ctc`, `tag:loss`), for display."""
    card_ids: frozenset[str] | None = None
    """When a search query narrows the scope: the cards it matched."""

    def selection(self) -> Selection:
        """The same cards as a session selection."""
        from quizzer.session import Selection

        return Selection(self.decks, self.tag)


def resolve_scope(tree: DeckTree, spec: str | None) -> Scope:
    """Read a deck id, a folder, `tag:NAME` or None (everything); raise StatsError when it names
    nothing in the decks tree."""
    if spec is None or not spec.strip():
        return Scope()
    text = spec.strip()
    if text.startswith("tag:"):
        tag = text[4:].strip()
        if not tag:
            raise StatsError("tag: needs a name, e.g. tag:loss")
        if not any(
            tag in {*d.deck.tags, *c.question.tags} for d in tree.decks.values() for c in d.cards
        ):
            raise StatsError(f"no card is tagged {tag!r}")
        return Scope(tag=tag, spec=text)
    name = text.rstrip("/")
    if name not in tree.decks and not any(k.startswith(name + "/") for k in tree.decks):
        raise StatsError(f"no deck or folder {name!r}; 'quizzer decks' lists them")
    return Scope(decks=(name,), spec=text)


def scope_of(selection: Selection) -> Scope:
    """The scope of a session selection (as the home screen passes it)."""
    spec = ", ".join(selection.decks) or None
    if selection.tag:
        spec = f"{spec + ' ' if spec else ''}tag:{selection.tag}"
    return Scope(tuple(selection.decks), selection.tag, spec)


def card_text(card: Card, limit: int = 100) -> str:
    """A card's question on one line, shortened to `limit` characters."""
    from quizzer.decks.faces import faces

    text = re.sub(r"\s+", " ", faces(card).front).strip()
    return text if len(text) <= limit else text[: limit - 1] + "…"


# ---------------------------------------------------------------- calibration helpers


def calibration_from_bins(
    sums: Mapping[int, tuple[float, float, float, float]],
) -> Calibration:
    """Log loss and RMSE (bins) from per-bin sums: (count, sum of predictions, passes, sum of
    log-likelihoods). RMSE (bins) is the count-weighted root mean square of (mean prediction -
    pass rate) over bins, as fsrs-rs computes it; log loss is the mean negative log-likelihood."""
    n = sum(s[0] for s in sums.values())
    bins = []
    for k, (lo, hi) in enumerate(calibration_edges()):
        count, sum_p, passed, _ = sums.get(k, (0, 0.0, 0, 0.0))
        bins.append(
            CalibrationBin(
                _round(lo),
                _round(hi),
                round(count),
                _round(sum_p / count) if count else None,
                _round(passed / count) if count else None,
            )
        )
    if not n:
        return Calibration(0, None, None, None, None, bins)
    square = sum(c * (sp / c - sy / c) ** 2 for c, sp, sy, _ in sums.values() if c)
    return Calibration(
        round(n),
        _round(sum(s[1] for s in sums.values()) / n),
        _round(sum(s[2] for s in sums.values()) / n),
        _round(-sum(s[3] for s in sums.values()) / n),
        _round(math.sqrt(square / n)),
        bins,
    )


# ---------------------------------------------------------------- time helpers


class StudyDays:
    """Consecutive study days with their UTC bounds (ms), from the clock helpers."""

    def __init__(self, first: date, last: date, zone: tzinfo, day_starts_at: int) -> None:
        self.first = first
        self.last = last
        count = (last - first).days + 1
        self.starts = [
            to_ms(day_start(first + timedelta(days=i), zone, day_starts_at))
            for i in range(count + 1)
        ]

    def start(self, day: date) -> int:
        """UTC ms at which `day` begins."""
        return self.starts[(day - self.first).days]

    def end(self, day: date) -> int:
        """UTC ms at which `day` ends."""
        return self.starts[(day - self.first).days + 1]

    def rows(self, first: date, last: date) -> Iterable[tuple[int, int, int]]:
        """(ordinal, start, end) of each day from `first` to `last`."""
        for i in range((first - self.first).days, (last - self.first).days + 1):
            yield (self.first + timedelta(days=i)).toordinal(), self.starts[i], self.starts[i + 1]


# ---------------------------------------------------------------- the computation


@dataclass(slots=True)
class _CardInfo:
    card: Card
    state: int = 0
    stability: float | None = None
    difficulty: float | None = None
    due: int | None = None
    last_review: int | None = None
    reps: int = 0
    lapses: int = 0
    suspended: bool = False
    buried_until: int | None = None
    leech: bool = False
    r: float | None = None
    interval: float = 0.0


def compute(
    collection: Collection,
    now_ms: int,
    scope: Scope | str | None = None,
    days: int = 30,
    query: str | None = None,
) -> Stats:
    """Every figure of the statistics page for a scope (a `Scope`, or a deck id, folder,
    `tag:NAME` or None for everything), narrowed by a search `query` when given, and a period
    of `days` study days ending today."""
    if not isinstance(scope, Scope):
        scope = resolve_scope(collection.tree, scope)
    if query is not None:
        from dataclasses import replace

        from quizzer.finding import find

        c = collection
        found = find(query, c.tree, c.store, c.settings, c.zone, now_ms)
        spec = f"{scope.spec} {query}" if scope.spec else query
        scope = replace(scope, spec=spec, card_ids=frozenset(card.id for card in found))
    return compute_at(
        collection.store.path,
        collection.tree,
        collection.settings,
        collection.zone,
        now_ms,
        scope,
        days,
    )


def _without_gc(fn: Callable[P, R]) -> Callable[P, R]:
    """Run `fn` with the garbage collector paused: the figures build tens of thousands of objects
    and no reference cycles, and collections triggered by those allocations would walk the whole
    heap (the deck tree) for nothing."""

    @functools.wraps(fn)
    def paused(*args: P.args, **kwargs: P.kwargs) -> R:
        collecting = gc.isenabled()
        gc.disable()
        try:
            return fn(*args, **kwargs)
        finally:
            if collecting:
                gc.enable()

    return paused


@_without_gc
def compute_at(
    db_path: Path,
    tree: DeckTree,
    settings: Settings,
    zone: tzinfo,
    now_ms: int,
    scope: Scope,
    days: int = 30,
    *,
    totals: bool = True,
) -> Stats:
    """`compute` on an explicit database file. It opens its own connection, so a UI may call it
    from a worker thread while the session keeps writing through the store's. The whole
    collection's figures come from the log's running totals when they can (`totals=False`
    scans the log instead, as a scope always does)."""
    if not 1 <= days <= MAX_DAYS:
        raise StatsError(f"the period must be from 1 to {MAX_DAYS} days")

    def connect() -> sqlite3.Connection:
        db = sqlite3.connect(db_path, timeout=30, isolation_level=None, check_same_thread=False)
        db.execute("BEGIN")  # one snapshot for every query of this connection
        return db

    cal = calendar(zone, settings.day_starts_at)
    whole = totals and not scope.decks and scope.tag is None and scope.card_ids is None
    if whole:
        aggregates.ensure(db_path, cal)
    main = connect()
    try:
        if whole and aggregates.current(main, cal):
            reader = aggregates.Reader(main, cal, now_ms + 1)
            return _Computer(main, tree, settings, zone, now_ms, scope, days, reader).run()
    except BaseException:
        main.close()
        raise
    side = connect()
    try:
        # calibration scans the whole log on its own: a second connection runs it in a thread
        # (sqlite3 releases the GIL while a query runs) while this one does the rest
        calibrator = _Computer(side, tree, settings, zone, now_ms, scope, days)
        done: dict[str, Any] = {}

        def calibrate() -> None:
            try:
                calibrator.prepare(days=False)
                done["value"] = calibrator.calibration()
            except BaseException as exc:  # re-raised in the caller's thread
                done["error"] = exc

        worker = threading.Thread(target=calibrate, name="quizzer-stats", daemon=True)
        worker.start()

        def calibration() -> Calibration:
            worker.join()
            if "error" in done:
                raise done["error"]
            result: Calibration = done["value"]
            return result

        try:
            return _Computer(main, tree, settings, zone, now_ms, scope, days).run(calibration)
        finally:
            worker.join()
    finally:
        main.close()
        side.close()


class _Computer:
    def __init__(
        self,
        db: sqlite3.Connection,
        tree: DeckTree,
        settings: Settings,
        zone: tzinfo,
        now_ms: int,
        scope: Scope,
        days: int,
        totals: aggregates.Reader | None = None,
    ) -> None:
        self.db = db
        self.totals = totals
        """Read the figures over the log from the running totals (quizzer/store/aggregates.py):
        only for the whole collection, when they are current."""
        self.tree = tree
        self.settings = settings
        self.zone = zone
        self.now = now_ms
        self.cut = now_ms + 1  # events after the moment asked about are ignored
        self.scope = scope
        self.days = days
        self.params = tuple(settings.parameters)
        self.hour = settings.day_starts_at
        self.today = study_day(from_ms(now_ms), zone, self.hour)
        self._queue_inputs: (
            tuple[Mapping[str, queue.StateRow], Any, queue.Day, queue.DoneToday] | None
        ) = None
        self.elapsed_days = calendar(zone, self.hour).elapsed_days
        self._state_rows: dict[str, queue.StateRow] | None = None

    # ------------------------------------------------------------ set-up

    def run(self, calibration: Callable[[], Calibration] | None = None) -> Stats:
        """Every figure; `calibration`, when given, supplies that one (computed elsewhere)."""
        self.prepare()
        per_day = self._per_day()
        cards = self._cards()
        deck_retention = self._deck_retention()
        return Stats(
            meta=Meta(
                JSON_VERSION,
                from_ms(self.now).isoformat().replace("+00:00", "Z"),
                self.today,
                self.hour,
                str(getattr(self.zone, "key", self.zone)),
                self.days,
            ),
            scope=ScopeInfo(
                self.scope.spec, sorted(self.scope_decks), self.scope.tag, len(self.cards)
            ),
            today=self._today(per_day),
            true_retention=self._retention(),
            forecast=self._forecast(cards),
            heatmap=self._heatmap(),
            streaks=self._streaks(),
            reviews=self._reviews(per_day),
            answer_buttons=self._buttons(per_day),
            hours=self._hours(),
            card_counts=self._counts(cards),
            stability=self._stability(cards),
            difficulty=self._difficulty(cards),
            retrievability=self._retrievability(cards),
            decks=self._decks(cards, deck_retention),
            leeches=self._leeches(cards),
            hardest=self._hardest(cards),
            calibration=calibration() if calibration else self.calibration(),
        )

    def prepare(self, days: bool = True) -> None:
        """Select the scope's cards and create the temporary tables the queries use (the study
        days too, unless `days` is false)."""
        selection = self.scope.selection()
        every = not self.scope.decks and self.scope.tag is None and self.scope.card_ids is None
        self.cards: dict[str, Card] = {
            c.id: c
            for c in self.tree.cards()
            if every
            or (
                selection.matches(c, self.tree.decks[c.deck_id].deck.tags)
                and (self.scope.card_ids is None or c.id in self.scope.card_ids)
            )
        }
        self.scope_decks = {c.deck_id for c in self.cards.values()}
        if self.totals:
            self.first_day = self.today
            self.calendar = StudyDays(
                self.today, self.today + timedelta(days=FORECAST_DAYS + 1), self.zone, self.hour
            )
            return
        self._prepare_log()
        if days:
            self._prepare_days()

    def _prepare_days(self) -> None:
        db = self.db
        first = db.execute("SELECT min(at) FROM log").fetchone()[0]
        first_day = study_day(from_ms(first), self.zone, self.hour) if first is not None else None
        earliest = self.today - timedelta(days=max(HEATMAP_DAYS, self.days) - 1)
        self.first_day = min(first_day, earliest) if first_day else earliest
        self.calendar = StudyDays(
            self.first_day, self.today + timedelta(days=FORECAST_DAYS + 1), self.zone, self.hour
        )
        db.execute("CREATE TEMP TABLE stats_days (i INTEGER PRIMARY KEY, s INTEGER, e INTEGER)")
        db.executemany(
            "INSERT INTO temp.stats_days VALUES (?, ?, ?)",
            self.calendar.rows(self.first_day, self.today),
        )

    def _prepare_log(self) -> None:
        db = self.db
        # what part of the log the scope covers: ranges of card ids (orphans of those decks
        # included: their history is real), or the exact cards when a tag is involved
        self.sql_params: dict[str, Any] = {"cut": self.cut}
        if self.scope.tag is not None or self.scope.card_ids is not None:
            db.execute("CREATE TEMP TABLE stats_scope (card_id TEXT PRIMARY KEY) WITHOUT ROWID")
            db.executemany("INSERT INTO temp.stats_scope VALUES (?)", ((c,) for c in self.cards))
            self.scope_sql = " AND l.card_id IN (SELECT card_id FROM temp.stats_scope)"
        elif self.scope.decks:
            ranges = []
            for n, name in enumerate(self.scope.decks):
                name = name.rstrip("/")
                # deck `a/b` holds ids `a/b:...`; folder `a` holds `a/...` (':' < ';', '/' < '0')
                self.sql_params |= {
                    f"d{n}": name + ":",
                    f"e{n}": name + ";",
                    f"f{n}": name + "/",
                    f"g{n}": name + "0",
                }
                ranges.append(f"(l.card_id >= :d{n} AND l.card_id < :e{n})")
                ranges.append(f"(l.card_id >= :f{n} AND l.card_id < :g{n})")
            self.scope_sql = f" AND ({' OR '.join(ranges)})"
        else:
            self.scope_sql = ""

        indexes = {
            r[0] for r in db.execute("SELECT name FROM main.sqlite_master WHERE type = 'index'")
        }
        self.log_by = {
            name: "main.log AS l" + (f" INDEXED BY {name}" if name in indexes else "")
            for name in (BY_TIME, BY_CLASS, BY_RECALL, BY_AT)
        }
        try:
            db.execute("SELECT ln(2.0)").fetchone()
        except sqlite3.OperationalError:  # SQLite built without its math functions
            db.create_function("ln", 1, math.log, deterministic=True)
        db.execute(
            "CREATE TEMP TABLE stats_undone AS SELECT seq, kind, rating, state_before, at, "
            "ivl_before, r_before, duration_ms, card_id FROM main.log "
            "WHERE uid IN (SELECT target FROM main.log WHERE target IS NOT NULL) "
            "AND +kind IN ('review', 'cram')"  # '+': look undone events up by uid, not by kind
        )
        self.has_undone = bool(db.execute("SELECT count(*) FROM temp.stats_undone").fetchone()[0])

    def _net(
        self, sql: str, keys: int, index: str = BY_TIME, **params: Any
    ) -> dict[tuple[Any, ...], list[float]]:
        """Run an aggregate over the log (through `index`), subtract the same aggregate over the
        undone events, and return the rows by their first `keys` columns (rows whose first value
        became 0 are dropped)."""
        bound = self.sql_params | params
        out: dict[tuple[Any, ...], list[float]] = {}
        text = sql.format(scope=self.scope_sql, classes=_CLASSES, log="{log}")
        for row in self.db.execute(text.format(log=self.log_by[index]), bound):
            out[tuple(row[:keys])] = [v or 0 for v in row[keys:]]
        if self.has_undone:
            for row in self.db.execute(text.format(log="temp.stats_undone AS l"), bound):
                acc = out.get(tuple(row[:keys]))
                if acc is not None:
                    for j, v in enumerate(row[keys:]):
                        acc[j] -= v or 0
            out = {k: v for k, v in out.items() if v and v[0]}
        return out

    # ------------------------------------------------------------ the log

    def _per_day(self) -> dict[tuple[Any, ...], list[float]]:
        """Answers per (day, cram, state before, rating) over the period: count, time, and the
        answers with an interval of 21+ days and their time."""
        first = self.today - timedelta(days=self.days - 1)
        if self.totals:
            return self.totals.per_day(first.toordinal(), self.today.toordinal())
        return self._net(
            "SELECT d.i, l.kind = 'cram', l.state_before, l.rating, count(*), "
            "total(l.duration_ms), sum(l.ivl_before >= 21), "
            "total(iif(l.ivl_before >= 21, l.duration_ms, 0)) "
            "FROM temp.stats_days AS d JOIN {log} ON l.kind IN ('review', 'cram') AND {classes} "
            "AND l.at >= d.s AND l.at < d.e AND l.at < :cut{scope} "
            "WHERE d.i BETWEEN :first AND :last GROUP BY d.i, l.kind, l.rating, l.state_before",
            4,
            first=first.toordinal(),
            last=self.today.toordinal(),
        )

    def _today(self, per_day: Mapping[tuple[Any, ...], list[float]]) -> Today:
        t = self.today.toordinal()
        reviews = new = again = cram = time_ms = 0.0
        mature_total = mature_passed = 0.0
        for (day, is_cram, state, rating), v in per_day.items():
            if day != t:
                continue
            time_ms += v[1]
            if is_cram:
                cram += v[0]
                continue
            reviews += v[0]
            new += v[0] if state == 0 else 0
            again += v[0] if rating == 1 else 0
            mature_total += v[2]
            mature_passed += v[2] if rating > 1 else 0
        return Today(
            int(reviews),
            int(new),
            int(again),
            int(cram),
            round(time_ms),
            Rate.of(mature_passed, mature_total),
            self._plan(list(self.cards.values())).counts,
        )

    def _plan(self, cards: Sequence[Card], start: str | None = None) -> queue.Plan:
        """Today's queue over these cards, as a session on them (started on `start`, else on
        the scope) would serve it."""
        from quizzer.replay import DeckSettings

        if self._queue_inputs is None:
            day = queue.day_at(self.now, calendar(self.zone, self.hour))
            self._queue_inputs = (
                self._state_rows if self._state_rows is not None else queue.state_rows(self.db),
                DeckSettings(self.settings, self.zone),
                day,
                queue.done_today(self.db, day),
            )
        states, deck_settings, day, today = self._queue_inputs
        if start is None:
            start = self.scope.selection().start
        return queue.plan(cards, states, deck_settings, day, today, start)

    def _retention(self) -> dict[str, RetentionRow]:
        """The true-retention table from six disjoint time ranges (today, yesterday, 2-6, 7-29,
        30-364 days ago, and before), counted by rating and young/mature on the class index."""
        t = self.today
        rows = self.totals.retention(t.toordinal()) if self.totals else self._retention_rows()
        spans = {
            "today": (0,),
            "yesterday": (1,),
            "last_7_days": (0, 1, 2),
            "last_30_days": (0, 1, 2, 3),
            "last_365_days": (0, 1, 2, 3, 4),
            "all_time": (0, 1, 2, 3, 4, 5),
        }
        table = {}
        for name in PERIODS:
            yp = yt = mp = mt = 0.0
            for (i, rating, ivl_class), (n,) in rows.items():
                if i not in spans[name]:
                    continue
                if ivl_class == 2:
                    mt += n
                    mp += n if rating > 1 else 0
                else:
                    yt += n
                    yp += n if rating > 1 else 0
            table[name] = RetentionRow(Rate.of(yp, yt), Rate.of(mp, mt), Rate.of(yp + mp, yt + mt))
        return table

    def _retention_rows(self) -> dict[tuple[Any, ...], list[float]]:
        t, cal = self.today, self.calendar
        bounds = [cal.start(t - timedelta(days=back)) for back in (0, 1, 6, 29, 364)] + [_NEVER]
        ends = [min(cal.end(t), self.cut), *bounds[:-1]]
        self.db.execute(
            "CREATE TEMP TABLE IF NOT EXISTS stats_ranges "
            "(i INTEGER PRIMARY KEY, s INTEGER, e INTEGER)"
        )
        self.db.executemany(
            "INSERT INTO temp.stats_ranges VALUES (?, ?, ?)",
            ((i, bounds[i], ends[i]) for i in range(6)),
        )
        return self._net(
            f"SELECT r.i, l.rating, {_CLASS}, count(*) "
            "FROM temp.stats_ranges AS r JOIN {log} ON l.kind = 'review' "
            f"AND l.rating IN (1, 2, 3, 4) AND {_CLASS} IN (1, 2) "
            "AND l.at >= r.s AND l.at < r.e{scope} "
            # a bounded rowid range on the outer table keeps the planner on covering-index seeks;
            # when it expects many outer rows it picks a Bloom filter with table lookups instead
            f"WHERE r.i BETWEEN 0 AND 5 GROUP BY r.i, l.rating, {_CLASS}",
            3,
            BY_CLASS,
        )

    def _heatmap(self) -> Heatmap:
        first = self.today - timedelta(days=HEATMAP_DAYS - 1)
        days = {"first": first.toordinal(), "last": self.today.toordinal()}
        if self.totals:
            per_day = self.totals.answers_per_day(days["first"], days["last"])
        elif self.scope_sql:
            rows = self._net(
                "SELECT d.i, count(*) FROM temp.stats_days AS d JOIN {log} "
                "ON l.kind IN ('review', 'cram') AND {classes} AND l.at >= d.s AND l.at < d.e "
                "AND l.at < :cut{scope} WHERE d.i BETWEEN :first AND :last GROUP BY d.i",
                1,
                first=days["first"],
                last=days["last"],
            )
            per_day = {k[0]: int(v[0]) for k, v in rows.items()}
        else:
            # the whole log: count every event on the narrow `at` index, then take away the few
            # that are not answers (undo, bury, suspend...)
            rows = self._net(
                "SELECT d.i, count(*) FROM temp.stats_days AS d JOIN {log} "
                "ON l.at >= d.s AND l.at < d.e AND l.at < :cut "
                "WHERE d.i BETWEEN :first AND :last GROUP BY d.i",
                1,
                BY_AT,
                first=days["first"],
                last=days["last"],
            )
            per_day = {k[0]: int(v[0]) for k, v in rows.items()}
            start = self.calendar.start(first)
            starts = self.calendar.starts
            # three range seeks on the leading `kind`: a time filter here made SQLite skip-scan
            for where in (
                "l.kind < 'cram'",
                "l.kind > 'cram' AND l.kind < 'review'",
                "l.kind > 'review'",
            ):
                for (at,) in self.db.execute(
                    f"SELECT l.at FROM {self.log_by[BY_TIME]} WHERE {where}"
                ):
                    if start <= at < self.cut:
                        day = self.first_day.toordinal() + bisect.bisect_right(starts, at) - 1
                        per_day[day] = per_day.get(day, 0) - 1
        dates = [first + timedelta(days=i) for i in range(HEATMAP_DAYS)]
        counts = [per_day.get(d.toordinal(), 0) for d in dates]
        return Heatmap(
            first, self.today, dates, counts, max(counts, default=0), sum(1 for c in counts if c)
        )

    def _streaks(self) -> Streaks:
        t = self.today.toordinal()
        if self.totals:
            active = set(self.totals.answers_per_day(0, t))
            return self._runs(active, min(active, default=t))
        # EXISTS stops at the first answer of a day, so the undone check costs almost nothing
        active = {
            r[0]
            for r in self.db.execute(
                f"SELECT d.i FROM temp.stats_days AS d WHERE EXISTS (SELECT 1 FROM "
                f"{self.log_by[BY_TIME]} WHERE l.kind IN ('review', 'cram') AND {_CLASSES} "
                f"AND l.at >= d.s AND l.at < d.e AND l.at < :cut{self.scope_sql} "
                "AND l.seq NOT IN (SELECT seq FROM temp.stats_undone))",
                self.sql_params,
            )
        }
        return self._runs(active, self.first_day.toordinal())

    def _runs(self, active: set[int], first: int) -> Streaks:
        """The streaks of these active days (ordinals), none before `first`."""
        t = self.today.toordinal()
        start = t if t in active else t - 1
        current = 0
        while start - current in active:
            current += 1
        longest, best_end, run = 0, None, 0
        for day in range(first, t + 1):
            run = run + 1 if day in active else 0
            if run and run >= longest:
                longest, best_end = run, day
        return Streaks(
            current,
            longest,
            date.fromordinal(best_end - longest + 1) if best_end else None,
            date.fromordinal(best_end) if best_end else None,
            len(active),
        )

    def _reviews(self, per_day: Mapping[tuple[Any, ...], list[float]]) -> ReviewsPerDay:
        first = self.today - timedelta(days=self.days - 1)
        dates = [first + timedelta(days=i) for i in range(self.days)]
        index = {d.toordinal(): i for i, d in enumerate(dates)}
        count = {c: [0] * self.days for c in CATEGORIES}
        time_ms = {c: [0.0] * self.days for c in CATEGORIES}
        for (day, is_cram, state, _rating), v in per_day.items():
            i = index[day]
            n, spent, mature, mature_spent = v[0], v[1], v[2], v[3]
            if is_cram:
                parts = {"cram": (n, spent)}
            elif state == 2:
                parts = {
                    "young": (n - mature, spent - mature_spent),
                    "mature": (mature, mature_spent),
                }
            else:
                parts = {_STATE_NAMES[state]: (n, spent)}
            for category, (k, ms) in parts.items():
                count[category][i] += int(k)
                time_ms[category][i] += ms
        totals = [sum(count[c][i] for c in CATEGORIES) for i in range(self.days)]
        total = sum(totals)
        total_ms = round(sum(sum(v) for v in time_ms.values()))
        studied = sum(1 for n in totals if n)
        return ReviewsPerDay(
            first,
            self.today,
            dates,
            count,
            {c: [round(ms) for ms in v] for c, v in time_ms.items()},
            total,
            total_ms,
            studied,
            _round(total / self.days),
            _round(total / studied) if studied else 0.0,
            _round(total_ms / total / 1000) if total else None,
        )

    def _buttons(self, per_day: Mapping[tuple[Any, ...], list[float]]) -> dict[str, ButtonRow]:
        counts = {g: Counter[int]() for g in BUTTON_GROUPS}
        for (_day, is_cram, state, rating), v in per_day.items():
            if is_cram:
                continue
            n, mature = v[0], v[2]
            if state == 2:
                counts["young"][rating] += int(n - mature)
                counts["mature"][rating] += int(mature)
            else:
                counts["learning"][rating] += int(n)
            counts["all"][rating] += int(n)
        rows = {}
        for group, c in counts.items():
            total = sum(c.values())
            rows[group] = ButtonRow(c[1], c[2], c[3], c[4], total, Rate.of(total - c[1], total))
        return rows

    def _hours(self) -> list[Hour]:
        first = self.today - timedelta(days=self.days - 1)
        if self.totals:
            by_hour = self.totals.hours(first.toordinal(), self.today.toordinal())
            rows = {(h,): v for h, v in by_hour.items()}
        else:
            rows = self._hours_rows(first)
        return [
            Hour(
                h,
                int(rows.get((h,), [0, 0])[0]),
                Rate.of(rows.get((h,), [0, 0])[1], rows.get((h,), [0, 0])[0]),
            )
            for h in range(24)
        ]

    def _hours_rows(self, first: date) -> dict[tuple[Any, ...], list[float]]:
        start = self.calendar.start(first)
        offset = offset_sql(offset_segments(self.zone, start, self.cut))
        return self._net(
            f"SELECT ((l.at + {offset}) / 3600000) % 24 AS h, count(*), sum(l.rating > 1) "
            "FROM {log} WHERE l.kind = 'review' AND {classes} AND l.at >= :start "
            "AND l.at < :cut{scope} GROUP BY h",
            1,
            start=start,
        )

    def _deck_retention(self) -> dict[str, list[float]]:
        if self.totals:
            t = self.today.toordinal()
            return self.totals.deck_reviews(t - 29, t)
        start = self.calendar.start(self.today - timedelta(days=29))
        rows = self._net(
            "SELECT substr(l.card_id, 1, instr(l.card_id, ':') - 1) AS deck, count(*), "
            "sum(l.rating > 1) FROM {log} WHERE l.kind = 'review' AND {classes} "
            "AND l.at >= :start AND l.at < :cut AND l.ivl_before >= 1{scope} GROUP BY deck",
            1,
            start=start,
        )
        return {k[0]: v for k, v in rows.items()}

    def calibration(self) -> Calibration:
        """Predicted recall against actual passes (all time), bin by bin: each bin is a range
        of the prediction index, so no sort is needed."""
        if self.totals:
            return calibration_from_bins(self.totals.recall_bins())
        self.db.execute(
            "CREATE TEMP TABLE IF NOT EXISTS stats_bins (k INTEGER PRIMARY KEY, lo REAL, hi REAL)"
        )
        self.db.executemany(
            "INSERT INTO temp.stats_bins VALUES (?, ?, ?)",
            ((k, lo, hi) for k, (lo, hi) in enumerate(calibration_edges())),
        )
        rows = self._net(
            "SELECT b.k, count(*), total(l.r_before), sum(l.rating > 1), "
            "total(ln(iif(l.rating > 1, l.r_before, 1.0 - l.r_before))) "
            "FROM temp.stats_bins AS b JOIN {log} ON l.kind = 'review' "
            "AND l.r_before >= b.lo AND l.r_before < b.hi AND l.r_before > 0 AND l.r_before < 1 "
            "AND l.rating IN (1, 2, 3, 4) AND l.at < :cut{scope} "
            f"WHERE b.k BETWEEN 0 AND {CALIBRATION_BINS - 1} GROUP BY b.k",
            1,
            BY_RECALL,
        )
        return calibration_from_bins({int(k[0]): (v[0], v[1], v[2], v[3]) for k, v in rows.items()})

    # ------------------------------------------------------------ card states

    def _cards(self) -> list[_CardInfo]:
        rows = self.db.execute(
            "SELECT card_id, state, stability, difficulty, due, last_review, reps, lapses, "
            "suspended, buried_until, leech FROM cards"
        )
        # the queue's view of the same rows, so that today's plan need not read them again
        state_rows: dict[str, queue.StateRow] = {}
        make = queue.StateRow
        cards = self.cards
        found: dict[str, _CardInfo] = {}
        # predicted recall now in study days, as the memory update (and the log's r_before)
        # count them: `retrievability` with `elapsed_days`, inlined for the card loop
        decay, factor = recall_curve(self.params)
        day = calendar(self.zone, self.hour).day_number
        now_day = day(self.now // 1000 * 1000 - 1)
        for cid, state, s, d, due, last, reps, lapses, suspended, buried, leech in rows:
            state_rows[cid] = make(state, due, suspended, buried, s, last)
            card = cards.get(cid)
            if card is None:
                continue
            r = None
            if state != 0 and s and last is not None:
                elapsed = max(0, now_day - day(last // 1000 * 1000 - 1))
                r = float((1 + factor * elapsed / s) ** decay)
            interval = (due - last) / DAY_MS if due is not None and last is not None else 0.0
            found[cid] = _CardInfo(
                card,
                int(state),
                s,
                d,
                due,
                last,
                reps,
                lapses,
                bool(suspended),
                buried,
                bool(leech),
                r,
                interval,
            )
        self._state_rows = state_rows
        return [found.get(cid) or _CardInfo(card) for cid, card in cards.items()]

    def _counts(self, cards: Sequence[_CardInfo]) -> CardCounts:
        c: Counter[str] = Counter()
        for info in cards:
            if info.suspended:
                c["suspended"] += 1
            elif info.buried_until and info.buried_until > self.now:
                c["buried"] += 1
            elif info.state == 0:
                c["new"] += 1
            elif info.state == 1:
                c["learning"] += 1
            elif info.state == 3:
                c["relearning"] += 1
            elif info.interval >= MATURE_DAYS:
                c["mature"] += 1
            else:
                c["young"] += 1
        return CardCounts(
            c["new"],
            c["learning"],
            c["relearning"],
            c["young"],
            c["mature"],
            c["suspended"],
            c["buried"],
            len(cards),
        )

    def _forecast(self, cards: Sequence[_CardInfo]) -> Forecast:
        starts = [
            self.calendar.start(self.today + timedelta(days=i)) for i in range(FORECAST_DAYS + 2)
        ]
        due = [0] * (FORECAST_DAYS + 1)
        backlog = later = 0
        for info in cards:
            if info.state == 0 or info.suspended or info.due is None:
                continue
            if info.due < starts[0]:
                backlog += 1
            elif info.due >= starts[-1]:
                later += 1
            else:
                due[bisect.bisect_right(starts, info.due) - 1] += 1
        days, running = [], backlog
        for i, n in enumerate(due):
            running += n
            days.append(ForecastDay(self.today + timedelta(days=i), n, running))
        return Forecast(
            backlog, days, later, backlog + sum(due) + later, _round(sum(due) / len(due))
        )

    def _distribution(
        self, values: list[float], edges: Sequence[float], labels: Sequence[str]
    ) -> Distribution:
        counts = [0] * (len(edges) - 1)
        for v in values:
            counts[min(max(bisect.bisect_right(edges, v) - 1, 0), len(counts) - 1)] += 1
        ordered = sorted(values)
        median = None
        if ordered:
            mid = len(ordered) // 2
            median = ordered[mid] if len(ordered) % 2 else (ordered[mid - 1] + ordered[mid]) / 2
        return Distribution(
            len(values),
            _mean(sum(values), len(values)),
            _round(median) if median is not None else None,
            [
                Bin(
                    label,
                    edges[i],
                    edges[i + 1] if math.isfinite(edges[i + 1]) else None,
                    counts[i],
                )
                for i, label in enumerate(labels)
            ],
        )

    def _stability(self, cards: Sequence[_CardInfo]) -> Distribution:
        values = [i.stability for i in cards if i.state != 0 and i.stability is not None]
        return self._distribution(values, STABILITY_EDGES, STABILITY_LABELS)

    def _difficulty(self, cards: Sequence[_CardInfo]) -> Distribution:
        # FSRS difficulty runs from 1 to 10; shown as 0-100 % like Anki
        values = [
            (i.difficulty - 1) / 9 * 100 for i in cards if i.state != 0 and i.difficulty is not None
        ]
        edges = [10.0 * k for k in range(11)]
        return self._distribution(values, edges, [f"{10 * k}-{10 * k + 10}%" for k in range(10)])

    def _retrievability(self, cards: Sequence[_CardInfo]) -> Distribution:
        values = [i.r * 100 for i in cards if i.r is not None]
        edges = [5.0 * k for k in range(21)]
        dist = self._distribution(values, edges, [f"{5 * k}-{5 * k + 5}%" for k in range(20)])
        return Distribution(
            dist.cards,
            dist.mean,
            dist.median,
            dist.bins,
            _round(sum(values) / 100) if values else None,
        )

    def _decks(
        self, cards: Sequence[_CardInfo], retention: Mapping[str, list[float]]
    ) -> list[DeckRow]:
        groups: dict[str, list[_CardInfo]] = {d: [] for d in self.scope_decks}
        for info in cards:
            groups[info.card.deck_id].append(info)
        rows = []
        for deck_id in sorted(groups):
            infos = groups[deck_id]
            reviewed = [i for i in infos if i.state != 0 and i.stability is not None]
            rs = [i.r for i in infos if i.r is not None]
            left = self._plan([i.card for i in infos], deck_id).counts
            total, passed = retention.get(deck_id, [0, 0])
            rows.append(
                DeckRow(
                    deck_id,
                    self.tree.decks[deck_id].deck.title,
                    len(infos),
                    sum(1 for i in infos if i.state == 0 and not i.suspended),
                    left,
                    Rate.of(passed, total),
                    _mean(sum(i.stability or 0 for i in reviewed), len(reviewed)),
                    _mean(sum(rs), len(rs)),
                )
            )
        return rows

    def _row(self, info: _CardInfo) -> CardRow:
        return CardRow(
            info.card.id,
            info.card.deck_id,
            card_text(info.card),
            info.lapses,
            info.reps,
            _round(info.stability) if info.stability is not None else None,
            _round(info.difficulty) if info.difficulty is not None else None,
            _round(info.r) if info.r is not None else None,
            info.suspended,
            info.leech,
        )

    def _leeches(self, cards: Sequence[_CardInfo]) -> Leeches:
        leeches = sorted((i for i in cards if i.leech), key=lambda i: (-i.lapses, i.card.id))
        return Leeches(
            len(leeches),
            self.settings.leech_threshold,
            [self._row(i) for i in leeches[:MAX_LEECHES]],
        )

    def _hardest(self, cards: Sequence[_CardInfo]) -> Hardest:
        lapsed = heapq.nsmallest(
            TOP_CARDS,
            (i for i in cards if i.lapses > 0),
            key=lambda i: (-i.lapses, i.r if i.r is not None else 1.0, i.card.id),
        )
        weakest = heapq.nsmallest(
            TOP_CARDS,
            (i for i in cards if i.r is not None and not i.suspended),
            key=lambda i: (i.r or 0.0, -i.lapses, i.card.id),
        )
        return Hardest([self._row(i) for i in lapsed], [self._row(i) for i in weakest])
