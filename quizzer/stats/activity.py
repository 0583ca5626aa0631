"""Activity over study days: today, answers per day, the answer buttons, the heatmap, streaks and
hours of the day. Pure functions of aggregate rows (as `totals_reader.Reader` and `LogScan` return
them) and of the day asked about."""

from __future__ import annotations

import functools
from collections.abc import Iterable, Mapping
from datetime import date, timedelta

from quizzer import queue
from quizzer.clock import current_run
from quizzer.stats.results import (
    BUTTON_GROUPS,
    CATEGORIES,
    HEATMAP_DAYS,
    ButtonRow,
    Heatmap,
    Hour,
    Rate,
    ReviewsPerDay,
    Streaks,
    Today,
    rounded,
)

AnswerRow = tuple[int, int, int, int, int, float, float]
"""Answers of one study day: (day ordinal, cram, state before, rating, mature: an interval of 21
days or more, count, time in ms). Rows may repeat a key (their values add up) and may carry
negative values (answers taken away again)."""

_CATEGORY = {0: "new", 1: "learning", 3: "relearning"}


class Tally:
    """The answers of the `days` study days ending `today`, added up row by row (`add`) before
    `period` makes figures of them; a reader keeps the tally of rows that do not change, and
    adds a copy of it to those that do."""

    def __init__(self, today: date, days: int) -> None:
        self.today, self.days = today, days
        self.count = {c: [0] * days for c in CATEGORIES}
        self.spent = {c: [0.0] * days for c in CATEGORIES}
        # answer buttons: learning (states 0, 1, 3), young, mature, then all, each by rating
        self.presses = [[0] * 5 for _ in BUTTON_GROUPS]
        self.studied = [0, 0, 0, 0]
        """Today's reviews, new cards, Again presses and cram answers."""
        self.times = [0.0, 0.0, 0.0]
        """Today's time (ms), and its reviews of mature cards and their passes."""

    def copy(self) -> Tally:
        """A tally of its own with the same sums."""
        other = Tally.__new__(Tally)
        other.today, other.days = self.today, self.days
        other.count = {c: list(v) for c, v in self.count.items()}
        other.spent = {c: list(v) for c, v in self.spent.items()}
        other.presses = [list(v) for v in self.presses]
        other.studied, other.times = list(self.studied), list(self.times)
        return other

    def add(self, rows: Iterable[AnswerRow]) -> Tally:
        """Add the `rows` of the period (in one pass); returns the tally itself."""
        first = self.today - timedelta(days=self.days - 1)
        base, t = first.toordinal(), self.today.toordinal()
        count, spent = self.count, self.spent
        columns = {
            (cram, state, mature): (count[name], spent[name])
            for cram, state, mature, name in (
                *((0, s, m, _CATEGORY[s]) for s in _CATEGORY for m in (0, 1)),
                (0, 2, 0, "young"),
                (0, 2, 1, "mature"),
                *((1, s, m, "cram") for s in range(4) for m in (0, 1)),
            )
        }
        learning, young, mature, every = self.presses
        group = {0: learning, 1: learning, 3: learning}
        reviews, new, again, cram = self.studied
        time_ms, mature_total, mature_passed = self.times
        for day, is_cram, state, rating, old, n, ms in rows:
            numbers, times = columns[is_cram, state, old]
            numbers[day - base] += int(n)
            times[day - base] += ms
            if not is_cram:
                by_rating = (mature if old else young) if state == 2 else group[state]
                by_rating[rating] += int(n)
                every[rating] += int(n)
            if day != t:
                continue
            time_ms += ms
            if is_cram:
                cram += int(n)
                continue
            reviews += int(n)
            new += int(n) if state == 0 else 0
            again += int(n) if rating == 1 else 0
            if old:
                mature_total += n
                mature_passed += n if rating > 1 else 0
        self.studied = [reviews, new, again, cram]
        self.times = [time_ms, mature_total, mature_passed]
        return self


def period(
    rows: Iterable[AnswerRow] | Tally, today: date, days: int, left: queue.Counts
) -> tuple[Today, ReviewsPerDay, dict[str, ButtonRow]]:
    """What was studied `today` (with what the queue has `left`), the answers per day and
    category, and the answer buttons, over the `days` study days ending `today`, from the
    period's `rows` or their `Tally`."""
    tally = rows if isinstance(rows, Tally) else Tally(today, days).add(rows)
    first = today - timedelta(days=days - 1)
    count, spent = tally.count, tally.spent
    reviews, new, again, cram = tally.studied
    time_ms, mature_total, mature_passed = tally.times
    studied = Today(
        reviews, new, again, cram, round(time_ms), Rate.of(mature_passed, mature_total), left
    )
    totals = [sum(column) for column in zip(*count.values(), strict=True)]
    total = sum(totals)
    total_ms = round(sum(sum(v) for v in spent.values()))
    active = days - totals.count(0)
    per_day = ReviewsPerDay(
        first,
        today,
        _dates(first, days),
        count,
        {c: list(map(round, v)) for c, v in spent.items()},
        total,
        total_ms,
        active,
        rounded(total / days),
        rounded(total / active) if active else 0.0,
        rounded(total_ms / total / 1000) if total else None,
    )
    buttons = {}
    for name, c in zip(BUTTON_GROUPS, tally.presses, strict=True):
        pressed = c[1] + c[2] + c[3] + c[4]
        buttons[name] = ButtonRow(c[1], c[2], c[3], c[4], pressed, Rate.of(pressed - c[1], pressed))
    return studied, per_day, buttons


def heatmap(answers: Mapping[int, int], today: date) -> Heatmap:
    """The last year of `answers` per day (ordinal: count)."""
    first = today - timedelta(days=HEATMAP_DAYS - 1)
    dates = _dates(first, HEATMAP_DAYS)
    counts = [answers.get(d.toordinal(), 0) for d in dates]
    return Heatmap(first, today, dates, counts, max(counts, default=0), sum(1 for c in counts if c))


def _dates(first: date, count: int) -> list[date]:
    """`count` consecutive dates from `first` (the same few runs are asked for again and again:
    made once each)."""
    return list(_date_run(first, count))


@functools.lru_cache(maxsize=16)
def _date_run(first: date, count: int) -> tuple[date, ...]:
    return tuple(first + timedelta(days=i) for i in range(count))


def streaks(active: set[int], first: int, today: date) -> Streaks:
    """The streaks of these active days (ordinals), none before `first`."""
    t = today.toordinal()
    current = current_run(active, t)
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


def hours(by_hour: Mapping[int, list[float]]) -> list[Hour]:
    """Reviews and passes for each of the 24 local hours (`by_hour`: hour -> [reviews, passed])."""
    return [
        Hour(
            h,
            int(by_hour.get(h, [0, 0])[0]),
            Rate.of(by_hour.get(h, [0, 0])[1], by_hour.get(h, [0, 0])[0]),
        )
        for h in range(24)
    ]
