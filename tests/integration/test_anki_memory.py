"""The same history gives the same memory as in Anki: a differential test against Anki's own core.

Random review histories (times of day on both sides of the day start, same-day repeats, lapses,
learning and relearning steps, long gaps, several day starts and time zones, some with daylight
saving) are answered in quizzer, exported with progress, imported into a real Anki collection, and
recomputed there from the review log by `Collection.compute_memory_state`: stability and
difficulty must agree within 1e-4 (relative) for every card, and so must the interval Anki gives
that memory (without fuzz) and the one quizzer gave. Many histories share one Anki collection.

Anki numbers each review by the whole 24-hour periods from it to the next day start after *now*
(`next_day_at`), in today's UTC offset; quizzer starts every study day at `day_starts_at` on the
wall clock. The two differ only for a review within the daylight-saving shift of a day start on
the far side of a change from today: such reviews are moved out of that hour (see
`on_ankis_grid`), and `tests/unit/test_study_days.py` pins quizzer's rule there.

`QUIZZER_ANKI_EXAMPLES` sets how many collections of `HISTORIES` histories to check (default 10).
"""

from __future__ import annotations

import os
import time
from collections.abc import Iterator, Sequence
from contextlib import contextmanager
from dataclasses import dataclass
from datetime import UTC, date, datetime, timedelta
from datetime import time as clock_time
from pathlib import Path
from tempfile import TemporaryDirectory
from zoneinfo import ZoneInfo

import fsrs_rs_python
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from quizzer.clock import study_day, to_ms
from quizzer.collection import load_decks, open_collection
from quizzer.config import DEFAULT_PARAMETERS
from quizzer.export.anki import export_anki, note_guid
from quizzer.export.anki_progress import progress_from
from quizzer.state import CardPhase, CardState, Rating

anki_collection = pytest.importorskip("anki.collection")

HISTORIES = 30
EXAMPLES = int(os.environ.get("QUIZZER_ANKI_EXAMPLES", "10"))
ZONES = (
    "UTC",
    "Europe/Paris",
    "America/New_York",
    "Australia/Sydney",
    "America/Santiago",
    "Asia/Kathmandu",
    "Pacific/Auckland",
)
DAY_MS = 86_400_000
DECK = "diff/cards"
FIRST_DAY = date(2024, 1, 8)


@dataclass(frozen=True)
class Plan:
    """One Anki collection's worth of histories, and the settings they are studied under."""

    zone: str
    day_starts_at: int
    learning_steps: tuple[float, ...]
    relearning_steps: tuple[float, ...]
    histories: tuple[tuple[tuple[int, int, int], ...], ...]
    """Per card: (days after the previous review's local date, 0 for the same day; minute of the
    local day, or minutes after the previous review on the same day; rating)."""


@dataclass(frozen=True)
class Compared:
    """One card: quizzer's state and what Anki recomputed from the exported log."""

    card_id: str
    mine: CardState
    anki_stability: float
    anki_difficulty: float
    desired_retention: float


@st.composite
def plans(draw: st.DrawFn) -> Plan:
    """Histories that cross the day start often, repeat within a day, lapse and wait long."""
    starts = draw(st.sampled_from((0, 2, 4, 7, 12, 23)))
    near_start = st.integers(-150, 150).map(lambda m: (starts * 60 + m) % 1440)
    minute = st.one_of(st.integers(0, 1439), near_start)
    days_later = st.one_of(
        st.just(0), st.just(1), st.integers(2, 12), st.integers(13, 90), st.integers(91, 400)
    )
    rating = st.sampled_from((1, 1, 2, 3, 3, 3, 3, 4))
    review = st.one_of(
        st.tuples(st.just(0), st.integers(1, 600), rating),  # again on the same day
        st.tuples(days_later, minute, rating),
    )
    histories = tuple(
        (draw(st.tuples(st.integers(0, 200), minute, rating)), *draw(st.lists(review, max_size=14)))
        for _ in range(HISTORIES)
    )
    return Plan(
        zone=draw(st.sampled_from(ZONES)),
        day_starts_at=starts,
        learning_steps=draw(st.sampled_from(((1.0, 10.0), (10.0,), ()))),
        relearning_steps=draw(st.sampled_from(((10.0,), (5.0, 30.0), ()))),
        histories=histories,
    )


def review_times(
    history: Sequence[tuple[int, int, int]], zone: ZoneInfo, before: int
) -> list[tuple[int, int]]:
    """(UTC ms, rating) of each review of a history, in time order, all before `before`."""
    out: list[tuple[int, int]] = []
    local_day = FIRST_DAY
    for i, (days, minute, rating) in enumerate(history):
        if i and days == 0:
            at = out[-1][0] + minute * 60_000
        else:
            local_day = (FIRST_DAY if i == 0 else local_day) + timedelta(days=days)
            wall = datetime.combine(local_day, clock_time(minute // 60, minute % 60), zone)
            at = to_ms(wall.astimezone(UTC))
            if out and at <= out[-1][0]:
                at = out[-1][0] + 60_000
        if at >= before:
            break
        local_day = datetime.fromtimestamp(at / 1000, zone).date()
        out.append((at, rating))
    return out


def ankis_next_day_at(zone: ZoneInfo, rollover: int, now: datetime) -> int:
    """Anki's `next_day_at` (UTC seconds): today's rollover hour in today's fixed UTC offset,
    or tomorrow's when it has passed (rslib's sched_timing_today_v2_new)."""
    local = now.astimezone(zone)
    fixed = local.tzinfo.utcoffset(local)  # type: ignore[union-attr]
    assert fixed is not None
    today = local.replace(hour=rollover, minute=0, second=0, microsecond=0)
    moment = today if today > local else today + timedelta(days=1)
    return int((moment.replace(tzinfo=None) - fixed).replace(tzinfo=UTC).timestamp())


def on_ankis_grid(
    reviews: list[tuple[int, int]], zone: ZoneInfo, rollover: int, next_day_at: int
) -> list[tuple[int, int]]:
    """Move each review out of the hour where Anki's 24-hour grid and the wall clock disagree
    on its study day (only on the far side of a daylight-saving change from today)."""

    def wall(at: int) -> int:  # quizzer's rule (clock.Calendar.elapsed_days)
        moment = datetime.fromtimestamp((at // 1000 * 1000 - 1) / 1000, UTC)
        return study_day(moment, zone, rollover).toordinal()

    anchor = wall(next_day_at * 1000 - 1)  # the study day that ends at next_day_at

    def grid(at: int) -> int:
        return anchor - (next_day_at - at // 1000) // 86_400

    moved: list[tuple[int, int]] = []
    for at, rating in reviews:
        if moved and at <= moved[-1][0]:
            at = moved[-1][0] + 60_000
        while wall(at) != grid(at):
            at += 15 * 60_000
        moved.append((at, rating))
    return moved


@contextmanager
def environment(**values: str) -> Iterator[None]:
    saved = {k: os.environ.get(k) for k in values}
    os.environ.update(values)
    try:
        yield
    finally:
        for k, v in saved.items():
            if v is None:
                os.environ.pop(k, None)
            else:
                os.environ[k] = v


_anki_zone: list[str] = []


def set_ankis_zone(zone: str) -> None:
    """Anki's core reads its UTC offset from TZ; chrono looks at TZ again only after a second."""
    os.environ["TZ"] = zone
    if _anki_zone != [zone]:
        time.sleep(1.1)
        _anki_zone[:] = [zone]


def run_plan(plan: Plan, work: Path) -> tuple[list[Compared], list[list[tuple[int, int]]]]:
    """Answer the plan's histories in quizzer, export them with progress, import them into a new
    Anki collection and recompute each card's memory there. Returns the comparisons and the
    review times used."""
    zone = ZoneInfo(plan.zone)
    set_ankis_zone(plan.zone)
    now = datetime.now(UTC)
    next_day_at = ankis_next_day_at(zone, plan.day_starts_at, now)
    before = to_ms(now) - 2 * DAY_MS
    histories = [
        on_ankis_grid(review_times(h, zone, before), zone, plan.day_starts_at, next_day_at)
        for h in plan.histories
    ]
    decks, home = work / "decks", work / "home"
    (decks / "diff").mkdir(parents=True)
    home.mkdir()
    questions = "".join(
        f"  - {{id: q{i:02d}, type: basic, prompt: P{i}, answer: A{i}}}\n"
        for i in range(len(histories))
    )
    (decks / "diff" / "cards.yaml").write_text(f"title: Cards\nquestions:\n{questions}")
    steps = ", ".join(str(s) for s in plan.learning_steps)
    relearning = ", ".join(str(s) for s in plan.relearning_steps)
    (home / "config.toml").write_text(
        f'day_starts_at = {plan.day_starts_at}\ntimezone = "{plan.zone}"\nfuzz = false\n'
        f"learning_steps = [{steps}]\nrelearning_steps = [{relearning}]\n"
    )
    with environment(QUIZZER_HOME=str(home), QUIZZER_DECKS=str(decks)):
        col = open_collection()
        session = col.session()
        for i, reviews in enumerate(histories):
            for at, rating in reviews:
                session.answer(f"{DECK}:q{i:02d}", Rating(rating), at)
        states = col.store.states()
        progress = progress_from(col)
        col.close()
        export_anki(load_decks(), work / "progress.apkg", now_ms=to_ms(now), progress=progress)

    anki = anki_collection.Collection(str(work / "collection.anki2"))
    try:
        prefs = anki.get_preferences()
        prefs.scheduling.rollover = plan.day_starts_at
        anki.set_preferences(prefs)
        assert anki.sched.day_cutoff == next_day_at  # the grid `on_ankis_grid` assumed
        config = anki.decks.get_config(1)
        config["fsrsParams6"] = list(DEFAULT_PARAMETERS)
        config["desiredRetention"] = 0.9
        anki.decks.update_config(config)
        options = anki_collection.ImportAnkiPackageOptions(with_scheduling=True)
        request = anki_collection.ImportAnkiPackageRequest(
            package_path=str(work / "progress.apkg"), options=options
        )
        anki.import_anki_package(request)
        compared = []
        for i, reviews in enumerate(histories):
            if not reviews:
                continue
            card_id = f"{DECK}:q{i:02d}"
            nid = anki.db.scalar(
                "SELECT id FROM notes WHERE guid = ?", note_guid(DECK, f"q{i:02d}")
            )
            (cid,) = anki.find_cards(f"nid:{nid}")
            memory = anki.compute_memory_state(cid)
            assert anki.db.scalar("SELECT count() FROM revlog WHERE cid = ?", cid) == len(reviews)
            compared.append(
                Compared(
                    card_id,
                    states[card_id],
                    memory.stability,
                    memory.difficulty,
                    memory.desired_retention,
                )
            )
    finally:
        anki.close()
    return compared, histories


def ankis_interval(stability: float, desired_retention: float, maximum: int = 36500) -> int:
    """The review interval Anki gives a memory, without fuzz: fsrs-rs's `next_interval`, rounded
    half away from zero and kept within 1 and the maximum (rslib's constrain_passing_interval)."""
    interval = fsrs_rs_python.FSRS(list(DEFAULT_PARAMETERS)).next_interval(
        stability, desired_retention, 0
    )
    return min(max(int(interval + 0.5), 1), maximum)


def relative(a: float, b: float) -> float:
    return abs(a - b) / abs(b)


@settings(
    max_examples=EXAMPLES,
    deadline=None,
    suppress_health_check=[
        HealthCheck.function_scoped_fixture,
        HealthCheck.too_slow,
        HealthCheck.data_too_large,
        HealthCheck.large_base_example,
    ],
)
@given(plan=plans())
def test_memory_equals_ankis_for_random_histories(plan: Plan) -> None:
    from quizzer.replay import rebuild

    with TemporaryDirectory() as tmp:
        compared, histories = run_plan(plan, Path(tmp))
        # the cache is a replay of the log: rebuilding it changes nothing
        with environment(
            QUIZZER_HOME=str(Path(tmp) / "home"), QUIZZER_DECKS=str(Path(tmp) / "decks")
        ):
            col = open_collection()
            assert rebuild(col.store, col.settings, col.zone)[0] == 0
            col.close()
    assert len(compared) == sum(1 for h in histories if h)
    for c in compared:
        mine = c.mine
        assert mine.stability is not None and mine.difficulty is not None
        assert relative(mine.stability, c.anki_stability) <= 1e-4, c
        assert relative(mine.difficulty, c.anki_difficulty) <= 1e-4, c
        if mine.state == CardPhase.REVIEW:
            assert mine.due is not None and mine.last_review is not None
            given_days = (mine.due - mine.last_review) / DAY_MS
            assert given_days == ankis_interval(c.anki_stability, c.desired_retention), c


def test_anki_grid_agrees_with_the_wall_clock_away_from_daylight_saving() -> None:
    """The helper that keeps reviews off Anki's shifted hour moves nothing in a zone without
    daylight saving: there, every history is compared as generated."""
    zone = ZoneInfo("Asia/Kathmandu")
    now = datetime(2026, 12, 6, 4, 0, tzinfo=UTC)
    next_day_at = ankis_next_day_at(zone, 4, now)
    reviews = [(to_ms(datetime(2025, 5, 1, tzinfo=UTC)) + k * 37 * 60_000, 3) for k in range(400)]
    assert on_ankis_grid(reviews, zone, 4, next_day_at) == reviews
