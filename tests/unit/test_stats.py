"""Statistics on a small history whose every figure was worked out by hand (see the comments).

The collection lives in America/New York, whose clocks jumped from 02:00 EST to 03:00 EDT on
Sunday 2026-03-08; study days start at 04:00 local. "Now" is Tuesday 2026-03-10 11:00 EDT
(15:00Z), so today is the study day 2026-03-10, which began at 04:00 EDT = 08:00Z.

Study-day boundaries that matter (UTC):
    Mar 10 starts 08:00Z    Mar 9 starts 08:00Z    Mar 8 starts 08:00Z (04:00 EDT)
    Mar 7 starts 09:00Z (04:00 EST): study day Mar 7 lasts only 23 hours.

Today's answers go through the real Session (collection.session().answer). Earlier history is
inserted as log rows with chosen interval-before (ivl) and predicted recall (r) values, and card
states are set to match, because a hand-worked table needs chosen intervals, not FSRS's. Every
figure reads only the log's columns and the card cache, so the older rows need not be an exact
FSRS trajectory.

Decks: lang/fr (tag lang) holds q1..q5, math/alg (tag math) holds a1..a3 and a cloze a4 with two
deletions (cards a4#c1, a4#c2): ten cards.

History, by study day (r: retention-table review, i.e. ivl >= 1 day; young < 21 <= mature):
    today Mar 10   R1  q1  09:00 ivl 5   young  Good   r .92   8 s    (log row)
                   R2  q2  10:05 ivl 30  mature Again  session  12 s
                   R3  a1  10:10 ivl 25  mature Good   session   6 s
                   C   a1  10:20 cram, Again                     4 s  (not in retention)
                   U   q5  10:30 first answer Again, undone at 10:31 (excluded everywhere)
                   N   a4#c1 10:40 first answer Good (new learned) 10 s
                   a4#c2 suspended 10:45, q3 buried 10:50
    Mar 9          R4  q3  03:30 on Mar 10 local, still study day Mar 9; ivl 3 young Hard r .95 5 s
                   R5  a2  09:00 ivl 2  young  Again  r .85  7 s
                   R6  a2  09:10 relearning step (ivl 10 min, not in retention), Again  3 s
    Mar 8          R8  a3  08:00Z = 04:00 EDT, first minute of Mar 8; ivl 10 young Good r .90 4 s
                       (with a fixed EST offset it would be 03:00 and fall on Mar 7)
    Mar 7          R7  q4  07:59Z = 03:59 EDT Mar 8, last minute of Mar 7; ivl 40 mature Good
                       r .93 6 s
    Mar 6          X   q4  12:00 ivl 38 Again r .89, undone (so Mar 6 has no answer)
    Mar 5          R9  q2  12:00 ivl 21 mature (21 is mature) Good r .91 5 s
    Mar 3          R11 q3  20:00 ivl 20.9 young (just under 21) Easy r .88 2 s
    Feb 20         R10 a1  12:00 EST ivl 12 young Again r .80 9 s
    2025-12-24     R13 q2  12:00 ivl 60 mature Again r .70 4 s
    2025-06-01     R12 q1  12:00 ivl 1 young (1 day counts) Good r .75 3 s
    2025-01-15     R14 a2  12:00 ivl 100 mature Good r .97 5 s, and a3's first answer
    2025-01-10..14 first answers: q1 (10th), q2 (11th), q3 (12th), q4 (13th), a1, a2 (14th)
"""

from __future__ import annotations

import itertools
import json
import math
import uuid
from collections.abc import Callable, Iterator
from datetime import UTC, date, datetime, timedelta
from pathlib import Path
from typing import Any
from zoneinfo import ZoneInfo

import pytest

from quizzer import stats
from quizzer.clock import day_start, study_day, to_ms
from quizzer.collection import Collection, open_collection
from quizzer.config import DEFAULT_PARAMETERS
from quizzer.queue import Counts
from quizzer.scheduling import retrievability
from quizzer.state import CardPhase, CardState, Rating

NY = ZoneInfo("America/New_York")
DAY = 86_400_000
NOW = datetime(2026, 3, 10, 15, 0, tzinfo=UTC)
NOW_MS = to_ms(NOW)

FR = """\
title: French
tags: [lang]
questions:
  - {id: q1, type: basic, prompt: "Bonjour?", answer: Hello}
  - {id: q2, type: basic, prompt: "Merci?", answer: Thanks}
  - {id: q3, type: basic, prompt: "Chat?", answer: Cat}
  - {id: q4, type: basic, prompt: "Chien?", answer: Dog}
  - {id: q5, type: basic, prompt: "Oiseau?", answer: Bird}
"""
ALG = """\
title: Algebra
tags: [math]
questions:
  - {id: a1, type: basic, prompt: "2 + 2?", answer: "4"}
  - {id: a2, type: basic, prompt: "3 x 3?", answer: "9"}
  - {id: a3, type: basic, prompt: "10 / 2?", answer: "5"}
  - {id: a4, type: cloze, text: "A {{c1::square}} has {{c2::four}} sides."}
"""


def local(y: int, m: int, d: int, hh: int, mm: int = 0) -> int:
    """UTC ms of a New York wall-clock time."""
    return to_ms(datetime(y, m, d, hh, mm, tzinfo=NY))


def utc(y: int, m: int, d: int, hh: int, mm: int = 0) -> int:
    return to_ms(datetime(y, m, d, hh, mm, tzinfo=UTC))


def R(stability: float, whole_days: int) -> float:
    """FSRS-6 predicted recall with the default parameters (decay 0.1542)."""
    return retrievability(stability, whole_days, DEFAULT_PARAMETERS)


class History:
    """Writes log rows straight into the store."""

    def __init__(self, col: Collection) -> None:
        self.db = col.store.db

    def add(
        self,
        at: int,
        card: str,
        rating: int,
        state: int,
        ivl: float | None,
        r: float | None,
        ms: int,
        kind: str = "review",
    ) -> str:
        uid = uuid.uuid4().hex
        self.db.execute(
            "INSERT INTO log (uid, device, at, card_id, kind, rating, graded, duration_ms, "
            "state_before, ivl_before, r_before) "
            "VALUES (?, 'test', ?, ?, ?, ?, 'self', ?, ?, ?, ?)",
            (uid, at, card, kind, rating, ms, state, ivl, r),
        )
        return uid

    def undo(self, at: int, card: str, target: str) -> None:
        self.db.execute(
            "INSERT INTO log (uid, device, at, card_id, kind, target) "
            "VALUES (?, 'test', ?, ?, 'undo', ?)",
            (uuid.uuid4().hex, at, card, target),
        )


def review_state(
    card: str, stability: float, difficulty: float, last: int, ivl_days: float, **extra: Any
) -> CardState:
    phase = CardPhase(extra.pop("state", CardPhase.REVIEW))
    return CardState(
        card, phase, None, stability, difficulty, last + int(ivl_days * DAY), last, **extra
    )


@pytest.fixture
def col(
    write_deck: Callable[[str, str], Path], isolated: Path, monkeypatch: pytest.MonkeyPatch
) -> Iterator[Collection]:
    """The hand-worked collection, built as described in the module docstring."""
    monkeypatch.setenv("TZ", "America/New_York")
    monkeypatch.setenv("QUIZZER_NOW", NOW.isoformat())
    write_deck("lang/fr", FR)
    write_deck("math/alg", ALG)
    home = isolated / "home"
    home.mkdir(parents=True, exist_ok=True)
    (home / "config.toml").write_text('timezone = "America/New_York"\nfuzz = false\n')
    c = open_collection()
    h = History(c)
    fr, alg = "lang/fr:", "math/alg:"

    for day, card in ((10, "q1"), (11, "q2"), (12, "q3"), (13, "q4")):
        h.add(local(2025, 1, day, 8), fr + card, 3, 0, None, None, 10_000)
    h.add(local(2025, 1, 14, 8), alg + "a1", 3, 0, None, None, 10_000)
    h.add(local(2025, 1, 14, 9), alg + "a2", 3, 0, None, None, 10_000)
    h.add(local(2025, 1, 15, 8), alg + "a3", 3, 0, None, None, 10_000)
    h.add(local(2025, 1, 15, 12), alg + "a2", 3, 2, 100, 0.97, 5_000)  # R14
    h.add(local(2025, 6, 1, 12), fr + "q1", 3, 2, 1, 0.75, 3_000)  # R12
    h.add(local(2025, 12, 24, 12), fr + "q2", 1, 2, 60, 0.70, 4_000)  # R13
    h.add(local(2026, 2, 20, 12), alg + "a1", 1, 2, 12, 0.80, 9_000)  # R10
    h.add(local(2026, 3, 3, 20), fr + "q3", 4, 2, 20.9, 0.88, 2_000)  # R11
    h.add(local(2026, 3, 5, 12), fr + "q2", 3, 2, 21, 0.91, 5_000)  # R9
    undone = h.add(local(2026, 3, 6, 12), fr + "q4", 1, 2, 38, 0.89, 6_000)  # X
    h.undo(local(2026, 3, 6, 12, 1), fr + "q4", undone)
    h.add(utc(2026, 3, 8, 7, 59), fr + "q4", 3, 2, 40, 0.93, 6_000)  # R7
    h.add(utc(2026, 3, 8, 8, 0), alg + "a3", 3, 2, 10, 0.90, 4_000)  # R8
    h.add(local(2026, 3, 10, 3, 30), fr + "q3", 2, 2, 3, 0.95, 5_000)  # R4
    h.add(local(2026, 3, 9, 9, 0), alg + "a2", 1, 2, 2, 0.85, 7_000)  # R5
    h.add(local(2026, 3, 9, 9, 10), alg + "a2", 1, 3, 10 / 1440, 1.0, 3_000)  # R6
    h.add(local(2026, 3, 10, 9, 0), fr + "q1", 3, 2, 5, 0.92, 8_000)  # R1

    c.store.replace_states(
        [
            review_state(fr + "q1", 5, 8, local(2026, 3, 10, 9), 5),
            review_state(fr + "q2", 30, 5, local(2026, 2, 8, 10, 5), 30, lapses=7),
            review_state(fr + "q3", 3, 5, local(2026, 3, 10, 3, 30), 3),
            review_state(fr + "q4", 40, 4, utc(2026, 3, 8, 7, 59), 40),
            review_state(alg + "a1", 25, 5, local(2026, 2, 13, 10, 10), 25, lapses=1),
            review_state(
                alg + "a2",
                1.2,
                9,
                local(2026, 3, 9, 9, 10),
                10 / 1440,
                state=CardPhase.RELEARNING,
                lapses=2,
            ),
            review_state(alg + "a3", 10, 6, utc(2026, 3, 8, 8, 0), 10),
        ]
    )

    session = c.session()
    session.answer(fr + "q2", Rating.AGAIN, local(2026, 3, 10, 10, 5), duration_ms=12_000)
    session.answer(alg + "a1", Rating.GOOD, local(2026, 3, 10, 10, 10), duration_ms=6_000)
    c.session(cram=True).answer(
        alg + "a1", Rating.AGAIN, local(2026, 3, 10, 10, 20), duration_ms=4_000
    )
    session.answer(fr + "q5", Rating.AGAIN, local(2026, 3, 10, 10, 30), duration_ms=9_000)
    assert session.undo(local(2026, 3, 10, 10, 31)) is not None
    session.answer(alg + "a4#c1", Rating.GOOD, local(2026, 3, 10, 10, 40), duration_ms=10_000)
    session.suspend(alg + "a4#c2", local(2026, 3, 10, 10, 45))
    session.bury(fr + "q3", local(2026, 3, 10, 10, 50))
    yield c
    c.close()


@pytest.fixture
def result(col: Collection) -> stats.Stats:
    return stats.compute(col, NOW_MS, None, 30)


def rate(passed: int, total: int) -> stats.Rate:
    return stats.Rate.of(passed, total)


# ---------------------------------------------------------------- the day boundary


def test_study_days_follow_the_clock_helpers_across_dst() -> None:
    days = stats.StudyDays(date(2026, 3, 6), date(2026, 3, 10), NY, 4)
    # Mar 7 begins 04:00 EST = 09:00Z; Mar 8 begins 04:00 EDT = 08:00Z: a 23-hour day
    assert days.start(date(2026, 3, 7)) == utc(2026, 3, 7, 9)
    assert days.start(date(2026, 3, 8)) == utc(2026, 3, 8, 8)
    assert days.end(date(2026, 3, 7)) - days.start(date(2026, 3, 7)) == 23 * 3_600_000
    for d in range(6, 11):
        day = date(2026, 3, d)
        assert days.start(day) == to_ms(day_start(day, NY, 4))


def test_offset_segments_find_the_dst_jump_to_the_millisecond() -> None:
    segments = stats.offset_segments(NY, utc(2026, 3, 1, 0), utc(2026, 3, 20, 0))
    # EST (-5 h) until 2026-03-08 07:00Z (02:00 EST), EDT (-4 h) from then on
    assert segments == [(utc(2026, 3, 1, 0), -5 * 3_600_000), (utc(2026, 3, 8, 7), -4 * 3_600_000)]


def test_the_day_boundary_rows_land_on_the_right_study_days(result: stats.Stats) -> None:
    by_day = dict(zip(result.reviews.dates, range(30), strict=True))
    count = result.reviews.count
    # R7 at 03:59 EDT Mar 8 is still study day Mar 7; R8 at 04:00 EDT opens Mar 8
    assert count["mature"][by_day[date(2026, 3, 7)]] == 1
    assert count["young"][by_day[date(2026, 3, 8)]] == 1
    # R4 at 03:30 on Mar 10 belongs to yesterday (Mar 9), with R5 (young) and R6 (relearning)
    assert count["young"][by_day[date(2026, 3, 9)]] == 2
    assert count["relearning"][by_day[date(2026, 3, 9)]] == 1
    assert study_day(datetime(2026, 3, 8, 7, 59, tzinfo=UTC), NY, 4) == date(2026, 3, 7)


# ---------------------------------------------------------------- today


def test_today(result: stats.Stats) -> None:
    t = result.today
    # reviews: R1, R2, R3 and N's first answer (U undone, C is cram, R4 was yesterday)
    assert t.reviews == 4
    assert t.new_learned == 1  # N (a4#c1); U's first answer was undone
    assert t.again == 1  # R2; the cram Again and U do not count
    assert t.cram == 1
    # time: R1 8 s + R2 12 s + R3 6 s + N 10 s + cram 4 s = 40 s (U's 9 s undone)
    assert t.time_ms == 40_000
    # mature answers today: R2 failed, R3 passed
    assert t.mature == rate(1, 2)


# ---------------------------------------------------------------- true retention


def test_true_retention_table(result: stats.Stats) -> None:
    table = result.true_retention
    # today: R1 young pass; R2 mature fail, R3 mature pass
    assert table["today"] == stats.RetentionRow(rate(1, 1), rate(1, 2), rate(2, 3))
    # yesterday: R4 young pass (Hard passes), R5 young fail; R6 has ivl < 1 day
    assert table["yesterday"] == stats.RetentionRow(rate(1, 2), rate(0, 0), rate(1, 2))
    # last 7 days (Mar 4-10) adds R7 mature pass, R8 young pass, R9 mature pass (21 is
    # mature); X on Mar 6 was undone:
    #   young R1 R4 R5 R8 = 3/4, mature R2 R3 R7 R9 = 3/4, all 6/8
    assert table["last_7_days"] == stats.RetentionRow(rate(3, 4), rate(3, 4), rate(6, 8))
    # last 30 days (Feb 9 - Mar 10) adds R10 young fail and R11 young pass (20.9 is young)
    assert table["last_30_days"] == stats.RetentionRow(rate(4, 6), rate(3, 4), rate(7, 10))
    # last 365 days (from 2025-03-11) adds R12 young pass (ivl exactly 1), R13 mature fail
    assert table["last_365_days"] == stats.RetentionRow(rate(5, 7), rate(3, 5), rate(8, 12))
    # all time adds R14 mature pass; first answers (ivl none) and the cram never count
    assert table["all_time"] == stats.RetentionRow(rate(5, 7), rate(4, 6), rate(9, 13))
    assert table["all_time"].all.rate == round(9 / 13, 6)


# ---------------------------------------------------------------- forecast


def test_forecast(result: stats.Stats) -> None:
    f = result.forecast
    # backlog: a2, relearning, due Mar 9 09:20 (R6 + 10 min), before today began
    assert f.backlog == 1
    due = {d.date: d.due for d in f.days if d.due}
    assert due == {
        # q2 relearning due 10:15 (R2 + 10 min), a4#c1 learning due 10:50 (N + 10 min)
        date(2026, 3, 10): 2,
        # q3 (buried, still due): R4 at 03:30 Mar 10 + 3 days = 03:30 Mar 13 -> study day Mar 12
        date(2026, 3, 12): 1,
        # q1: R1 at 09:00 Mar 10 + 5 days -> Mar 15
        date(2026, 3, 15): 1,
        # a3: R8 at 08:00Z Mar 8 + 10 days = 04:00 EDT Mar 18, the first minute of Mar 18
        date(2026, 3, 18): 1,
    }
    assert len(f.days) == 31 and f.days[0].date == date(2026, 3, 10)
    # later: q4 (Mar 8 + 40 days = Apr 17) and a1 (Good today on S=25 gives about 70 days)
    assert f.later == 2
    # new (q5) and suspended (a4#c2) cards have no due date here
    assert f.total == 1 + 2 + 1 + 1 + 1 + 2
    assert [d.cumulative for d in f.days][:3] == [3, 3, 4]
    assert f.days[-1].cumulative == 6
    assert f.average_per_day == round(5 / 31, 6)


# ---------------------------------------------------------------- calendar and streaks


def test_heatmap_and_streaks(result: stats.Stats) -> None:
    hm = result.heatmap
    assert (hm.start, hm.end, len(hm.reviews)) == (date(2025, 3, 11), date(2026, 3, 10), 365)
    counts = {d: n for d, n in zip(hm.dates, hm.reviews, strict=True) if n}
    assert counts == {
        date(2026, 3, 10): 5,  # R1 R2 R3 N and the cram; U undone
        date(2026, 3, 9): 3,  # R4 R5 R6
        date(2026, 3, 8): 1,
        date(2026, 3, 7): 1,  # R8, R7
        date(2026, 3, 5): 1,
        date(2026, 3, 3): 1,
        date(2026, 2, 20): 1,  # R9, R11, R10
        date(2025, 12, 24): 1,
        date(2025, 6, 1): 1,  # R13, R12
    }
    assert (hm.max, hm.active_days) == (5, 9)
    s = result.streaks
    # Mar 7, 8, 9, 10 (Mar 6 held only the undone X); longest: 2025-01-10 to 01-15
    assert s.current == 4
    assert (s.longest, s.longest_start, s.longest_end) == (6, date(2025, 1, 10), date(2025, 1, 15))
    assert s.days_studied == 9 + 6


def test_current_streak_waits_for_today(col: Collection) -> None:
    # on Mar 11 before any answer the streak still counts Mar 7-10
    tomorrow = stats.compute(col, utc(2026, 3, 11, 15), None, 30)
    assert tomorrow.streaks.current == 4
    later = stats.compute(col, utc(2026, 3, 12, 15), None, 30)
    assert later.streaks.current == 0


# ---------------------------------------------------------------- reviews, buttons, hours


def test_reviews_per_day(result: stats.Stats) -> None:
    r = result.reviews
    assert (r.start, r.end, len(r.dates)) == (date(2026, 2, 9), date(2026, 3, 10), 30)
    today = -1
    assert {c: r.count[c][today] for c in stats.CATEGORIES} == {
        "new": 1,
        "learning": 0,
        "relearning": 0,
        "young": 1,
        "mature": 2,
        "cram": 1,
    }
    assert r.time_ms["mature"][today] == 12_000 + 6_000
    # 5 today + 3 on Mar 9 + R8 + R7 + R9 + R11 + R10
    assert r.total == 13
    # 40 + 15 (R4 5, R5 7, R6 3) + 4 + 6 + 5 + 2 + 9 seconds
    assert r.total_time_ms == 81_000
    assert r.days_studied == 7
    assert r.average_per_day == round(13 / 30, 6)
    assert r.average_per_studied_day == round(13 / 7, 6)


def test_answer_buttons(result: stats.Stats) -> None:
    b = result.answer_buttons
    # learning (states new, learning, relearning): N Good, R6 Again
    assert b["learning"] == stats.ButtonRow(1, 0, 1, 0, 2, rate(1, 2))
    # young: R1 Good, R4 Hard, R5 Again, R8 Good, R11 Easy, R10 Again
    assert b["young"] == stats.ButtonRow(2, 1, 2, 1, 6, rate(4, 6))
    # mature: R2 Again, R3 Good, R7 Good, R9 Good
    assert b["mature"] == stats.ButtonRow(1, 0, 3, 0, 4, rate(3, 4))
    assert b["all"] == stats.ButtonRow(4, 1, 6, 1, 12, rate(8, 12))


def test_hours_are_local_and_dst_correct(result: stats.Stats) -> None:
    got = {h.hour: (h.reviews, h.passed.passed) for h in result.hours if h.reviews}
    assert got == {
        3: (2, 2),  # R4 03:30 EDT, R7 03:59 EDT (02:59 with a fixed EST offset)
        4: (1, 1),  # R8 04:00 EDT
        9: (3, 1),  # R1 pass, R5 and R6 Again
        10: (3, 2),  # R2 Again, R3 and N pass
        12: (2, 1),  # R9 pass, R10 (12:00 EST, 17:00Z) Again
        20: (1, 1),  # R11
    }


# ---------------------------------------------------------------- cards


def test_card_counts(result: stats.Stats) -> None:
    # new q5 (its only answer was undone); learning a4#c1; relearning q2 (lapsed today) and a2;
    # young q1 (5 d) and a3 (10 d); mature q4 (40 d) and a1 (~70 d after Good today);
    # suspended a4#c2; buried q3
    assert result.card_counts == stats.CardCounts(
        new=1, learning=1, relearning=2, young=2, mature=2, suspended=1, buried=1, total=10
    )


def test_distributions(col: Collection, result: stats.Stats) -> None:
    s = {b.label: b.cards for b in result.stability.bins if b.cards}
    # a2 1.2 -> 1d; a4#c1 2.3065 (w2, a first Good) and q2 after its lapse -> 2d;
    # q3 3, q1 5 -> 3-6d; a3 10 -> 1-2w; q4 40 -> 1-2m; a1 after Good on 25 -> 2-3m
    assert s == {"1d": 1, "2d": 2, "3-6d": 2, "1-2w": 1, "1-2m": 1, "2-3m": 1}
    q2, a1 = col.store.state("lang/fr:q2"), col.store.state("math/alg:a1")
    assert 2 <= (q2.stability or 0) < 3 and 60 <= (a1.stability or 0) < 90
    d = {b.label: b.cards for b in result.difficulty.bins if b.cards}
    # (D - 1) / 9: a4#c1 2.12 -> 12%; q4 4 -> 33%; q3 5, a1 ~5 -> 44%; a3 6 -> 56%;
    # q1 8 -> 78%; a2 9 -> 89%, q2 ~8.4 after Again -> 82%
    assert d == {"10-20%": 1, "30-40%": 1, "40-50%": 2, "50-60%": 1, "70-80%": 1, "80-90%": 2}
    # retrievability now, after elapsed study days (days start at 04:00 New York time): 1.0 for
    # the four answered today (q1 q2 a1 a4#c1); q3, answered at 03:30, 1 day on S=3; q4, at
    # 03:59 on 8 March, 3 days on S=40; a3, at 04:00:00 that day, 3 days on S=10 too (as in Anki,
    # the first second of a study day counts for the day before); a2 1 day on S=1.2
    r_values = [1.0] * 4 + [R(3, 1), R(40, 3), R(10, 3), R(1.2, 1)]
    assert round(R(40, 3), 4) == 0.9891 and round(R(10, 3), 4) == 0.961
    assert round(R(1.2, 1), 4) == 0.912
    r = result.retrievability
    assert r.cards == 8
    assert r.sum == pytest.approx(sum(r_values), abs=1e-6)
    assert r.mean == pytest.approx(sum(r_values) / 8 * 100, abs=1e-5)
    assert {b.label: b.cards for b in r.bins if b.cards} == {"90-95%": 1, "95-100%": 7}


def test_per_deck_table(col: Collection, result: stats.Stats) -> None:
    fr, alg = result.decks
    assert (fr.deck, fr.title, fr.cards, alg.deck, alg.cards) == (
        "lang/fr",
        "French",
        5,
        "math/alg",
        5,
    )
    # new: q5; left: q5 and q2 (relearning); q3 is buried, q1 due in 5 days
    assert fr.new == 1
    assert fr.left == Counts(new=1, learning=1, review=0, later_today=0)
    # 30-day true retention: R1 R4 R7 R9 R11 pass, R2 fails
    assert fr.retention_30d == rate(5, 6)
    # math: a4#c2 is suspended, not new; left: a2 (relearning, overdue) and a4#c1 (learning)
    assert alg.new == 0
    assert alg.left == Counts(new=0, learning=2, review=0, later_today=0)
    assert alg.retention_30d == rate(2, 4)  # R3, R8 pass; R5, R10 fail
    q2 = col.store.state("lang/fr:q2").stability or 0
    assert fr.mean_stability == pytest.approx((5 + q2 + 3 + 40) / 4, abs=1e-5)
    assert fr.mean_retrievability == pytest.approx((2 + R(3, 1) + R(40, 3)) / 4, abs=1e-6)


def test_left_follows_a_settings_change_made_while_the_collection_is_open(
    col: Collection, result: stats.Stats
) -> None:
    assert result.decks[0].left.new == 1
    # as the options screen does: the collection gets new settings
    col.settings = col.settings.model_copy(update={"new_per_day": 0})
    fr = stats.compute(col, NOW_MS, None, 30).decks[0]
    assert fr.left == Counts(new=0, learning=1, review=0, later_today=0)


def test_leeches_and_hardest(result: stats.Stats) -> None:
    # q2 had 7 lapses; today's Again made 8 = the leech threshold, so it was tagged
    assert result.leeches.count == 1
    (leech,) = result.leeches.cards
    assert (leech.card_id, leech.lapses, leech.text, leech.leech) == (
        "lang/fr:q2",
        8,
        "Merci?",
        True,
    )
    assert [c.card_id for c in result.hardest.most_lapses] == [
        "lang/fr:q2",
        "math/alg:a2",
        "math/alg:a1",
    ]
    # lowest recall first: a2 .912, q3 .957, a3 .961, q4 .989, then the 1.0s by lapses, then by id
    assert [c.card_id for c in result.hardest.lowest_retrievability] == [
        "math/alg:a2",
        "lang/fr:q3",
        "math/alg:a3",
        "lang/fr:q4",
        "lang/fr:q2",
        "math/alg:a1",
        "lang/fr:q1",
        "math/alg:a4#c1",
    ]


def test_the_cards_to_watch_are_worked_out_once_per_tree(
    col: Collection, result: stats.Stats, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Statistics computed again on the same decks tree build no question text again; a new
    tree (decks loaded again after an edit) starts afresh, with the same texts."""
    from quizzer.stats import cards

    built: list[str] = []
    real = cards.card_text

    def counted(card: Any, limit: int = 100) -> str:
        built.append(card.id)
        return real(card, limit)

    monkeypatch.setattr(cards, "card_text", counted)
    again = stats.compute(col, NOW_MS, None, 30)
    assert built == []  # the `result` fixture's computation worked them out
    assert again.leeches == result.leeches and again.hardest == result.hardest
    from quizzer.collection import reload_decks

    col.tree = reload_decks(col.tree)
    fresh = stats.compute(col, NOW_MS, None, 30)
    assert "lang/fr:q2" in built
    assert fresh.leeches == result.leeches and fresh.hardest == result.hardest


# ---------------------------------------------------------------- calibration


def test_calibration(result: stats.Stats) -> None:
    # reviews at least a day after the previous one (0 < r < 1), cram and undone aside:
    # R2 and R3 were predicted by the session from elapsed study days:
    #   q2: Feb 8 10:05 EST -> Mar 10 10:05 EDT is 29 d 23 h, but 30 study days on S=30
    #   a1: Feb 13 10:10 EST -> Mar 10 10:10 EDT: 25 study days on S=25
    r2, r3 = R(30, 30), R(25, 25)
    assert round(r2, 4) == 0.9 and round(r3, 4) == 0.9  # S is the time to 90% recall
    pairs = [
        (0.92, 1),
        (r2, 0),
        (r3, 1),
        (0.95, 1),
        (0.85, 0),
        (0.93, 1),
        (0.90, 1),
        (0.91, 1),
        (0.80, 0),
        (0.88, 1),
        (0.75, 1),
        (0.70, 0),
        (0.97, 1),
    ]
    c = result.calibration
    assert c.reviews == 13
    assert c.actual == round(9 / 13, 6)
    assert c.predicted == pytest.approx(sum(p for p, _ in pairs) / 13, abs=1e-6)
    log_loss = -sum(math.log(p if y else 1 - p) for p, y in pairs) / 13
    assert c.log_loss == pytest.approx(log_loss, abs=1e-6)
    # fsrs-rs bins: floor(21**p) - 1; e.g. 0.92 -> floor(16.46) - 1 = 15, 0.70 -> 7
    assert stats.calibration_bin(0.92) == 15 and stats.calibration_bin(0.70) == 7
    bins: dict[int, list[tuple[float, int]]] = {}
    for p, y in pairs:
        bins.setdefault(stats.calibration_bin(p), []).append((p, y))
    square = sum(
        len(v) * (sum(p for p, _ in v) / len(v) - sum(y for _, y in v) / len(v)) ** 2
        for v in bins.values()
    )
    assert c.rmse_bins == pytest.approx(math.sqrt(square / 13), abs=1e-6)
    assert {k for k, b in enumerate(c.bins) if b.reviews} == set(bins)
    assert sum(b.reviews for b in c.bins) == 13


def test_bins_are_fsrs_rs_bins() -> None:
    # fsrs-rs: bin = clamp(floor(exp(p * ln 21)) - 1, 0, 19); the SQL query bins by the edges
    for i in range(1, 1000):
        p = i / 1000
        fsrs_rs = min(max(math.floor(math.exp(p * math.log(21))) - 1, 0), 19)
        assert stats.calibration_bin(p) == fsrs_rs, p
    edges = stats.calibration_edges()
    assert edges[0] == (0.0, pytest.approx(math.log(2) / math.log(21)))
    assert edges[-1][1] == 1.0
    assert all(a[1] == b[0] for a, b in itertools.pairwise(edges))


def test_log_loss_agrees_with_fsrs_rs(
    tmp_path: Path, write_deck: Callable[[str, str], Path], isolated: Path
) -> None:
    """r_before, recorded by the session (the fsrs package), is the prediction fsrs-rs makes for
    the same history, so the log loss here equals fsrs-rs's, review by review."""
    fsrs_rs = pytest.importorskip("fsrs_rs_python")
    write_deck("solo", "title: Solo\nquestions:\n  - {id: x, type: basic, prompt: p, answer: a}\n")
    home = isolated / "home"
    home.mkdir(parents=True, exist_ok=True)
    (home / "config.toml").write_text("fuzz = false\n")
    c = open_collection()
    s = c.session()
    t0 = utc(2026, 1, 5, 12)
    # minutes grow so that whole elapsed days (the fsrs package) equal day differences
    # (fsrs-rs): e.g. day 3 +20 min is 3 days after day 0 +10 min
    plan = [
        (0, 0, Rating.GOOD),
        (0, 10, Rating.GOOD),
        (3, 20, Rating.GOOD),
        (9, 30, Rating.AGAIN),
        (9, 40, Rating.GOOD),
        (12, 50, Rating.HARD),
        (20, 60, Rating.GOOD),
    ]
    for days, minutes, rating in plan:
        s.answer("solo:x", rating, t0 + days * DAY + minutes * 60_000)
    result = stats.compute(c, t0 + 30 * DAY, None, 30)
    model = fsrs_rs.FSRS(list(DEFAULT_PARAMETERS))
    losses = []
    history: list[object] = []
    previous = None
    for days, _, rating in plan:
        delta = 0 if previous is None else days - previous
        history.append(fsrs_rs.FSRSReview(int(rating), delta))
        if delta > 0:  # a long-term review: fsrs-rs predicts it from the history before it
            losses.append(model.evaluate([fsrs_rs.FSRSItem(list(history))]).log_loss)
        previous = days
    c.close()
    assert result.calibration.reviews == len(losses) == 4
    assert result.calibration.log_loss == pytest.approx(sum(losses) / len(losses), rel=1e-4)


# ---------------------------------------------------------------- scopes


def test_folder_scope(col: Collection) -> None:
    lang = stats.compute(col, NOW_MS, "lang", 30)
    assert lang.scope.decks == ["lang/fr"] and lang.scope.cards == 5
    # lang/fr's retention rows (X undone): young R1 R4 R11 R12 all pass; mature R2 fail,
    # R7 R9 pass, R13 fail
    assert lang.true_retention["all_time"] == stats.RetentionRow(rate(4, 4), rate(2, 4), rate(6, 8))
    assert lang.card_counts.total == 5 and lang.card_counts.buried == 1
    assert [d.deck for d in lang.decks] == ["lang/fr"]
    assert lang.today.reviews == 2  # R1, R2


def test_heatmap_paths_agree(col: Collection, result: stats.Stats) -> None:
    # the whole collection counts on the `at` index minus non-answers; a scope counts answers
    lang = stats.compute(col, NOW_MS, "lang", 30).heatmap.reviews
    math_ = stats.compute(col, NOW_MS, "math", 30).heatmap.reviews
    assert [a + b for a, b in zip(lang, math_, strict=True)] == result.heatmap.reviews


def test_tag_and_deck_scopes_agree(col: Collection) -> None:
    by_tag = stats.compute(col, NOW_MS, "tag:math", 30)
    by_deck = stats.compute(col, NOW_MS, "math/alg", 30)
    assert by_tag.to_json() | {"scope": None, "meta": None} == (
        by_deck.to_json() | {"scope": None, "meta": None}
    )
    # math/alg: R3 R14 mature pass; R5 R10 young fail, R8 young pass
    assert by_tag.true_retention["all_time"] == stats.RetentionRow(
        rate(1, 3), rate(2, 2), rate(3, 5)
    )
    assert by_tag.today.cram == 1 and by_tag.today.new_learned == 1


def test_unknown_scopes_are_errors(col: Collection) -> None:
    with pytest.raises(stats.StatsError, match="no deck or folder 'nope'"):
        stats.compute(col, NOW_MS, "nope", 30)
    with pytest.raises(stats.StatsError, match="no card has the tag 'nope'"):
        stats.compute(col, NOW_MS, "tag:nope", 30)
    with pytest.raises(stats.StatsError, match="from 1 to 36500 days"):
        stats.compute(col, NOW_MS, None, 0)


def test_orphans_count_in_history_not_in_cards(col: Collection) -> None:
    History(col).add(local(2026, 3, 10, 9, 30), "lang/old:gone", 3, 2, 30, 0.9, 1_000)
    everything = stats.compute(col, NOW_MS, None, 30)
    assert everything.true_retention["today"].mature == rate(2, 3)
    assert everything.card_counts.total == 10
    assert stats.compute(col, NOW_MS, "lang/fr", 30).true_retention["today"].mature == (rate(0, 1))


# ---------------------------------------------------------------- output


def test_json_has_stable_top_level_keys(result: stats.Stats) -> None:
    data = result.to_json()
    assert list(data) == [
        "meta",
        "scope",
        "today",
        "true_retention",
        "forecast",
        "heatmap",
        "streaks",
        "reviews",
        "answer_buttons",
        "hours",
        "card_counts",
        "stability",
        "difficulty",
        "retrievability",
        "decks",
        "leeches",
        "hardest",
        "calibration",
    ]
    assert data["meta"] == {
        "version": 1,
        "now": "2026-03-10T15:00:00Z",
        "study_day": "2026-03-10",
        "day_starts_at": 4,
        "timezone": "America/New_York",
        "period_days": 30,
    }
    assert list(data["true_retention"]) == list(stats.PERIODS)
    json.dumps(data)  # plain JSON


def test_every_json_key_is_documented(result: stats.Stats) -> None:
    doc = (Path(__file__).resolve().parents[2] / "docs" / "statistics.md").read_text()

    def keys(value: object, prefix: str) -> set[str]:
        # a rate object ({passed, total, rate}) is documented once; maps keyed by period,
        # button group or category are documented as `name.*`
        found: set[str] = set()
        if isinstance(value, dict) and set(value) != {"passed", "total", "rate"}:
            for k, v in value.items():
                name = f"{prefix}.{k}" if prefix else k
                if prefix.endswith(("true_retention", "answer_buttons", "count", "time_ms")):
                    name = f"{prefix}.*"
                found |= {name} | keys(v, name)
        elif isinstance(value, list) and value:
            found |= keys(value[0], prefix + "[]")
        return found

    def documented(path: str) -> bool:
        # sections and their direct keys by full path; deeper keys (shared objects: a card,
        # a bin, a rate...) by their own name
        leaf = path.rsplit(".", 1)[-1].removesuffix("[]")
        if (path.count(".") <= 1 and "[]" not in path) or leaf == "*":
            return f"`{path}`" in doc
        return f"`{leaf}`" in doc

    missing = sorted(k for k in keys(result.to_json(), "") if not documented(k))
    assert not missing, missing
    for field in ("passed", "total", "rate"):
        assert f"`{field}`" in doc


def test_cli_json_and_view(col: Collection, capsys: pytest.CaptureFixture[str]) -> None:
    from quizzer.cli import main

    assert main(["stats", "--json", "--days", "7"]) == 0
    data = json.loads(capsys.readouterr().out)
    assert data["meta"]["period_days"] == 7
    assert data["true_retention"]["all_time"]["all"] == {
        "passed": 9,
        "total": 13,
        "rate": round(9 / 13, 6),
    }
    assert main(["stats", "nope"]) == 2
    assert "no deck or folder 'nope'" in capsys.readouterr().err


def test_view_fits_80_columns(result: stats.Stats) -> None:
    from rich.console import Console

    from quizzer.views.stats import render

    console = Console(width=80, record=True, color_system=None, highlight=False)
    console.print(render(result, width=80))
    text = console.export_text()
    assert max(len(line) for line in text.splitlines()) <= 80
    for needle in (
        "True retention",
        "69.2% 13",
        "Backlog (overdue): 1",
        "Streak: 4 days",
        "Leeches (1, 8+ lapses)",
        "Merci?",
    ):
        assert needle in text


def test_empty_collection(write_deck: Callable[[str, str], Path]) -> None:
    write_deck("lang/fr", FR)
    c = open_collection()
    empty = stats.compute(c, NOW_MS, None, 30)
    c.close()
    assert empty.card_counts.new == 5 and empty.card_counts.total == 5
    assert empty.true_retention["all_time"].all == rate(0, 0)
    assert empty.calibration.log_loss is None and empty.streaks.current == 0
    assert empty.forecast.total == 0 and empty.reviews.total == 0
    from rich.console import Console

    from quizzer.views.stats import render

    Console(width=80, record=True).print(render(empty))


def test_day_start_sanity() -> None:
    # the fixture's own clock arithmetic
    assert local(2026, 3, 8, 4) == utc(2026, 3, 8, 8)
    assert local(2026, 3, 7, 4) == utc(2026, 3, 7, 9)
    assert to_ms(day_start(date(2026, 3, 10), NY, 4)) == utc(2026, 3, 10, 8)
    assert NOW_MS - to_ms(day_start(date(2026, 3, 10), NY, 4)) == 7 * 3_600_000


def test_time_per_day_names_the_busiest_day_when_days_are_merged(result: stats.Stats) -> None:
    """Over 365 days the chart merges five days a column: the time line's maximum is still the
    busiest single day's, as a duration (25 s is not '0 min'), and the line fits 80 columns."""
    from dataclasses import replace

    from rich.console import Console

    from quizzer.views.stats import reviews_chart

    days = 365
    spent = [0] * days
    spent[100:105] = [60_000] * 5  # five busy days that fall in one merged column
    spent[-1] = 25_000
    zero = [0] * days
    per_day = replace(
        result.reviews,
        dates=[result.meta.study_day - timedelta(days=days - 1 - i) for i in range(days)],
        count={c: [1] * days if c == "young" else zero for c in stats.CATEGORIES},
        time_ms={c: spent if c == "young" else zero for c in stats.CATEGORIES},
    )
    console = Console(width=80, record=True, color_system=None, highlight=False)
    console.print(reviews_chart(replace(result, reviews=per_day), width=80))
    lines = console.export_text().splitlines()
    time_line = next(line for line in lines if line.startswith("  time"))
    assert time_line.endswith(" max 1m 00s/day")
    assert max(len(line) for line in lines) <= 80
    last = [0] * (days - 1) + [25_000]
    quiet = replace(per_day, time_ms={c: last if c == "young" else zero for c in stats.CATEGORIES})
    console = Console(width=80, record=True, color_system=None, highlight=False)
    console.print(reviews_chart(replace(result, reviews=quiet), width=80))
    assert " max 25s/day" in console.export_text()


def test_an_hour_whose_answers_all_passed_shows_a_tick_not_99(result: stats.Stats) -> None:
    """Two cells an hour: 10 of 10 passed is '✓' (it was '99', a rate it is not), 199 of 200
    (99.5%) stays 99, and 8 of 10 is 80."""
    from dataclasses import replace

    from rich.console import Console

    from quizzer.views.stats import hours_chart

    passes = {3: (10, 10), 4: (199, 200), 5: (8, 10)}
    hours = [
        stats.Hour(h, passes.get(h, (0, 0))[1], stats.Rate.of(*passes.get(h, (0, 0))))
        for h in range(24)
    ]
    console = Console(width=80, record=True, color_system=None, highlight=False)
    console.print(hours_chart(replace(result, hours=hours)))
    rates = next(line for line in console.export_text().splitlines() if "pass%" in line)
    cells = rates[len(" pass% ") :]
    assert [cells[3 * h : 3 * h + 2] for h in (3, 4, 5)] == [" ✓", "99", "80"]


def test_hours_too_wide_for_the_width_are_merged_in_pairs(result: stats.Stats) -> None:
    """At 60 columns the 24 three-cell hours (79 cells) wrapped; two hours to a column fit, the
    share passed of each pair counted over both."""
    from dataclasses import replace

    from rich.console import Console

    from quizzer.views.stats import hours_chart

    passes = {3: (10, 10), 4: (199, 200), 10: (8, 10)}
    hours = [
        stats.Hour(h, passes.get(h, (0, 0))[1], stats.Rate.of(*passes.get(h, (0, 0))))
        for h in range(24)
    ]
    console = Console(width=56, record=True, color_system=None, highlight=False)
    console.print(hours_chart(replace(result, hours=hours), width=56))
    lines = console.export_text().splitlines()
    assert all(len(line) <= 56 for line in lines) and len(lines) == 7
    assert lines[5].strip() == "00 02 04 06 08 10 12 14 16 18 20 22"
    cells = lines[6][len(" pass% ") :]
    # hours 2-3 passed 10 of 10, hours 4-5 199 of 200, hours 10-11 8 of 10
    assert [cells[3 * c : 3 * c + 2] for c in (1, 2, 5)] == [" ✓", "99", "80"]


def test_a_legend_breaks_between_its_items() -> None:
    from quizzer.views.stats import CATEGORIES, CATEGORY_STYLES, legend

    text = legend(CATEGORY_STYLES, CATEGORIES, 50).plain.splitlines()
    assert text == ["■ new  ■ learning  ■ relearning  ■ young  ■ mature", "■ cram"]
    assert legend(CATEGORY_STYLES, CATEGORIES).plain.count("\n") == 0
