"""The statistics' figure groups are pure: rows and the day in, figures out, no database.

Each test feeds hand-made aggregate rows (the shapes `LogScan` and the running totals return)
or card states and checks figures worked out by hand."""

from __future__ import annotations

from datetime import UTC, date

from quizzer import queue
from quizzer.config import Settings
from quizzer.stats import activity, cards, retention

TODAY = date(2026, 3, 10)
T = TODAY.toordinal()


def test_streaks_count_back_from_yesterday_until_today_has_an_answer() -> None:
    # studied the 4 days before today, and a 6-day run earlier that stays the longest
    active = {T - k for k in range(1, 5)} | {T - k for k in range(10, 16)}
    s = activity.streaks(active, T - 30, TODAY)
    assert (s.current, s.longest, s.days_studied) == (4, 6, 10)
    assert (s.longest_start, s.longest_end) == (date(2026, 2, 23), date(2026, 2, 28))
    assert activity.streaks(active | {T}, T - 30, TODAY).current == 5


def test_today_counts_only_todays_rows_and_keeps_cram_apart() -> None:
    # (day, cram, state before, rating, mature: interval >= 21 d, answers, ms)
    rows = [
        (T, 0, 2, 3, 1, 2, 5000),  # two mature reviews, passed
        (T, 0, 2, 3, 0, 1, 4000),  # and a young one
        (T, 0, 2, 1, 1, 1, 4000),  # a mature lapse
        (T, 0, 0, 3, 0, 2, 6000),  # two new cards
        (T, 1, 2, 1, 0, 1, 2000),  # cram
        (T - 1, 0, 2, 3, 1, 7, 7000),  # yesterday: not today
    ]
    left = queue.Counts(1, 2, 3)
    today, _, _ = activity.period(rows, TODAY, 30, left)
    assert (today.reviews, today.new_learned, today.again, today.cram) == (6, 2, 1, 1)
    assert today.time_ms == 21000
    assert (today.mature.passed, today.mature.total) == (2, 3)
    assert today.left is left


def test_buttons_split_young_and_mature_reviews_and_skip_cram() -> None:
    rows = [
        (T, 0, 2, 3, 0, 3, 0),
        (T, 0, 2, 3, 1, 2, 0),
        (T - 3, 0, 1, 1, 0, 4, 0),
        (T, 1, 2, 4, 0, 9, 0),
    ]
    _, _, buttons = activity.period(rows, TODAY, 30, queue.Counts(0, 0, 0))
    assert (buttons["young"].good, buttons["mature"].good, buttons["learning"].again) == (3, 2, 4)
    assert (buttons["all"].total, buttons["all"].correct.passed) == (9, 5)


def test_rows_of_one_key_add_up_and_negative_rows_take_answers_away() -> None:
    # a later answer of the totals comes back as a negative row of the same key
    rows = [
        (T, 0, 2, 3, 1, 3, 9000),
        (T, 0, 2, 3, 1, -1, -3000),
        (T - 2, 0, 3, 1, 0, 1, 1000),
        (T - 2, 1, 0, 3, 0, 2, 500),
    ]
    today, per_day, buttons = activity.period(rows, TODAY, 3, queue.Counts(0, 0, 0))
    assert (today.reviews, today.time_ms) == (2, 6000)
    assert per_day.dates == [date(2026, 3, 8), date(2026, 3, 9), TODAY]
    assert per_day.count["mature"] == [0, 0, 2]
    assert per_day.count["relearning"] == [1, 0, 0]
    assert per_day.count["cram"] == [2, 0, 0]
    assert per_day.time_ms["mature"] == [0, 0, 6000]
    assert (per_day.total, per_day.total_time_ms, per_day.days_studied) == (5, 7500, 2)
    assert (buttons["mature"].good, buttons["learning"].again, buttons["all"].total) == (2, 1, 3)


def test_true_retention_periods_add_up_the_disjoint_ranges() -> None:
    # (range: 0 today .. 5 before a year, class 1 young / 2 mature): [reviews, passes]
    rows = {(0, 1): [2, 2], (0, 2): [1, 0], (2, 2): [4, 4], (5, 1): [3, 0]}
    table = retention.true_retention(rows)
    assert (table["today"].all.passed, table["today"].all.total) == (2, 3)
    assert table["yesterday"].all.total == 0
    assert (table["last_7_days"].mature.passed, table["last_7_days"].mature.total) == (4, 5)
    assert (table["all_time"].young.passed, table["all_time"].young.total) == (2, 5)


def test_forecast_puts_each_due_card_on_its_day() -> None:
    day = 86_400_000
    starts = [1_000 * day + k * day for k in range(33)]
    dues = [
        starts[3] + 5,  # in three days
        starts[0] - 1,  # overdue
        starts[0],  # today
        starts[31],  # after the 30 days
    ]
    f = cards.forecast(dues, TODAY, starts)
    assert (f.backlog, f.later, f.total) == (1, 1, 4)
    assert [d.due for d in f.days[:4]] == [1, 0, 0, 1]
    assert f.days[3].cumulative == 3
    assert f.days[3].date == date(2026, 3, 13)


def test_distribution_bins_are_half_open_and_the_median_averages_the_middle_pair() -> None:
    d = cards.distribution([0.5, 1.0, 2.0, 400.0], [0, 1, 2, 3, float("inf")], "abcd")
    assert [b.cards for b in d.bins] == [1, 1, 1, 1]
    assert (d.median, d.mean) == (1.5, 100.875)
    assert d.bins[-1].high is None


def _row(card_id: str, state: int, **values: object) -> tuple[object, ...]:
    """A card-state row as `card_rows.CardRows` reads it."""
    columns = ("due", "suspended", "buried_until", "stability", "last_review", "difficulty")
    rest = ("reps", "lapses", "leech")
    return (
        card_id,
        state,
        *(values.get(c, 0 if c == "suspended" else None) for c in columns),
        *(values.get(c, 0) for c in rest),
    )


def test_one_pass_over_the_card_states_gathers_every_figure_over_cards() -> None:
    from types import SimpleNamespace

    from quizzer.clock import calendar
    from quizzer.stats import decks

    day_ms = 86_400_000
    now = 1_000 * day_ms + 12 * 3_600_000
    scope = {f"a/b:q{i}": SimpleNamespace(id=f"a/b:q{i}", deck_id="a/b") for i in range(1, 7)} | {
        "c:q1": SimpleNamespace(id="c:q1", deck_id="c")
    }
    rows = [
        # mature: reviewed 30 days ago, due in 10
        _row(
            "a/b:q1",
            2,
            due=now + 10 * day_ms,
            last_review=now - 30 * day_ms,
            stability=30.0,
            difficulty=5.5,
            lapses=2,
            reps=6,
        ),
        _row("a/b:q2", 0, suspended=1),  # new and suspended: not new in the counts
        _row(
            "a/b:q3",
            1,
            due=now + 60_000,
            last_review=now - 60_000,
            stability=1.0,
            difficulty=7.0,
            lapses=5,
            leech=1,
        ),  # learning, a leech
        _row("a/b:q4", 0, buried_until=now + 3_600_000),  # new, buried until later today
        _row("gone:q1", 2, due=now, last_review=now - day_ms, stability=3.0),  # not in scope
    ]
    cal = calendar(UTC, 4)
    params = Settings().parameters
    day = queue.day_at(now, cal)
    found = cards.scan(sorted(rows), scope, params, cal, now, day, params)
    c = found.counts
    # q5, q6 and c:q1 were never reviewed
    assert (c.new, c.learning, c.mature, c.suspended, c.buried, c.total) == (3, 1, 1, 1, 1, 7)
    assert sorted(found.dues) == [now + 60_000, now + 10 * day_ms]
    assert found.stability == [30.0, 1.0]
    assert found.difficulty == [50.0, (7.0 - 1) / 9 * 100]
    assert len(found.recall) == 2 and 0 < found.recall[0] < 100
    # the queue: q3 is learning; q5, q6 (never reviewed) and c:q1 are new, in study order
    assert [e[2].id for e in found.candidates.learning] == ["a/b:q3"]
    assert [e[1].id for e in found.candidates.new] == ["a/b:q5", "a/b:q6", "c:q1"]
    assert found.candidates.wake == now + 3_600_000  # when q4 comes back
    leeches = cards.leeches(found, scope, 8, text=lambda card: card.id)
    assert (leeches.count, [r.card_id for r in leeches.cards]) == (1, ["a/b:q3"])
    hard = cards.hardest(found, scope, text=lambda card: card.id)
    assert [r.card_id for r in hard.most_lapses] == ["a/b:q3", "a/b:q1"]
    assert [r.lapses for r in hard.most_lapses] == [5, 2]
    left = {"a/b": queue.Counts(1, 0, 0), "c": queue.Counts(1, 0, 0)}
    ab, cc = decks.deck_rows(
        found.decks, {"a/b": 6, "c": 1}, {"a/b": "B", "c": "C"}, {"a/b": [4, 3]}, left
    )
    # new in a deck: never reviewed (q5, q6) and stored new ones not suspended (q4, buried)
    assert (ab.cards, ab.new, ab.left, ab.mean_stability) == (6, 3, left["a/b"], 15.5)
    assert (ab.retention_30d.passed, ab.retention_30d.total) == (3, 4)
    assert (cc.cards, cc.new, cc.mean_stability) == (1, 1, None)
    # in the order the decks are studied (home's), not by id
    swapped = decks.deck_rows(
        found.decks, {"c": 1, "a/b": 6}, {"a/b": "B", "c": "C"}, {"a/b": [4, 3]}, left
    )
    assert [row.deck for row in swapped] == ["c", "a/b"]


def test_a_scan_given_the_forecast_days_keeps_only_their_dues_and_the_same_forecast() -> None:
    from types import SimpleNamespace

    from quizzer.clock import calendar

    day_ms = 86_400_000
    now = 1_000 * day_ms + 12 * 3_600_000
    starts = [1_000 * day_ms + 4 * 3_600_000 + k * day_ms for k in range(33)]
    # overdue, on today's first moment, inside the days shown, on the end, long after
    end = starts[31]
    dues = [starts[0] - 1, starts[0], starts[5] + 7, end - 1, end, end + day_ms]
    scope = {f"d:q{i}": SimpleNamespace(id=f"d:q{i}", deck_id="d") for i in range(len(dues))}
    rows = [
        _row(f"d:q{i}", 2, due=due, last_review=now - day_ms, stability=5.0, difficulty=5.0)
        for i, due in enumerate(dues)
    ]
    cal = calendar(UTC, 4)
    params = Settings().parameters
    day = queue.day_at(now, cal)
    whole = cards.scan(rows, scope, params, cal, now, day, params)
    window = cards.scan(rows, scope, params, cal, now, day, params, forecast=(starts[0], end))
    assert sorted(window.dues) == [starts[0], starts[5] + 7, end - 1]
    assert (window.overdue, window.later) == (1, 2)
    full = cards.forecast(whole.dues, TODAY, starts)
    kept = cards.forecast(window.dues, TODAY, starts, window.overdue, window.later)
    assert kept == full
    assert (kept.backlog, kept.later, kept.total) == (1, 2, 6)
