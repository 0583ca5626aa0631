"""Activity over study days: today, answers per day, the answer buttons, the heatmap, streaks and
hours of the day. Pure functions of aggregate rows (as `aggregates.Reader` and `LogScan` return
them) and of the day asked about."""

from __future__ import annotations

from collections.abc import Mapping
from datetime import date, timedelta
from typing import Any

from quizzer import queue
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

PerDay = Mapping[tuple[Any, ...], list[float]]
"""Answers per (day ordinal, cram, state before, rating): count, time (ms), answers with an
interval of 21+ days, their time."""

_STATE_NAMES = {0: "new", 1: "learning", 3: "relearning"}


def today_figures(per_day: PerDay, today: date, left: queue.Counts) -> Today:
    """What was studied on `today`, with what the queue has `left`."""
    t = today.toordinal()
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
        left,
    )


def reviews_per_day(per_day: PerDay, today: date, days: int) -> ReviewsPerDay:
    """Answers per day and category over the `days` study days ending `today`."""
    first = today - timedelta(days=days - 1)
    base = first.toordinal()
    dates = [first + timedelta(days=i) for i in range(days)]
    count = {c: [0] * days for c in CATEGORIES}
    time_ms = {c: [0.0] * days for c in CATEGORIES}
    by_state = {s: (count[name], time_ms[name]) for s, name in _STATE_NAMES.items()}
    cram_n, cram_ms = count["cram"], time_ms["cram"]
    young_n, young_ms = count["young"], time_ms["young"]
    mature_n, mature_ms = count["mature"], time_ms["mature"]
    for (day, is_cram, state, _rating), v in per_day.items():
        i = day - base
        n, spent = v[0], v[1]
        if is_cram:
            cram_n[i] += int(n)
            cram_ms[i] += spent
        elif state == 2:
            mature, mature_spent = v[2], v[3]
            young_n[i] += int(n - mature)
            young_ms[i] += spent - mature_spent
            mature_n[i] += int(mature)
            mature_ms[i] += mature_spent
        else:
            counts, times = by_state[state]
            counts[i] += int(n)
            times[i] += spent
    totals = [sum(column) for column in zip(*count.values(), strict=True)]
    total = sum(totals)
    total_ms = round(sum(sum(v) for v in time_ms.values()))
    studied = days - totals.count(0)
    return ReviewsPerDay(
        first,
        today,
        dates,
        count,
        {c: [round(ms) for ms in v] for c, v in time_ms.items()},
        total,
        total_ms,
        studied,
        rounded(total / days),
        rounded(total / studied) if studied else 0.0,
        rounded(total_ms / total / 1000) if total else None,
    )


def buttons(per_day: PerDay) -> dict[str, ButtonRow]:
    """How often each button was pressed over the period, by kind of card (cram aside)."""
    learning, young, mature, every = ([0] * 5 for _ in BUTTON_GROUPS)
    for (_day, is_cram, state, rating), v in per_day.items():
        if is_cram:
            continue
        n = int(v[0])
        if state == 2:
            old = int(v[2])
            young[rating] += n - old
            mature[rating] += old
        else:
            learning[rating] += n
        every[rating] += n
    rows = {}
    for group, c in zip(BUTTON_GROUPS, (learning, young, mature, every), strict=True):
        total = c[1] + c[2] + c[3] + c[4]
        rows[group] = ButtonRow(c[1], c[2], c[3], c[4], total, Rate.of(total - c[1], total))
    return rows


def heatmap(answers: Mapping[int, int], today: date) -> Heatmap:
    """The last year of `answers` per day (ordinal: count)."""
    first = today - timedelta(days=HEATMAP_DAYS - 1)
    dates = [first + timedelta(days=i) for i in range(HEATMAP_DAYS)]
    counts = [answers.get(d.toordinal(), 0) for d in dates]
    return Heatmap(first, today, dates, counts, max(counts, default=0), sum(1 for c in counts if c))


def streaks(active: set[int], first: int, today: date) -> Streaks:
    """The streaks of these active days (ordinals), none before `first`."""
    t = today.toordinal()
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
