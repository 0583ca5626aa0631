"""The statistics' figure groups are pure: rows and the day in, figures out, no database.

Each test feeds hand-made aggregate rows (the shapes `LogScan` and the running totals return)
or card states and checks figures worked out by hand."""

from __future__ import annotations

from datetime import date

from quizzer import queue
from quizzer.stats import activity, cards, retention
from quizzer.stats.cards import CardInfo

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
    # (day, cram, state before, rating): [answers, ms, answers with interval >= 21 d, their ms]
    per_day = {
        (T, 0, 2, 3): [3, 9000, 2, 5000],  # three reviews, two of them mature, passed
        (T, 0, 2, 1): [1, 4000, 1, 4000],  # a mature lapse
        (T, 0, 0, 3): [2, 6000, 0, 0],  # two new cards
        (T, 1, 2, 1): [1, 2000, 0, 0],  # cram
        (T - 1, 0, 2, 3): [7, 7000, 7, 7000],  # yesterday: not today
    }
    left = queue.Counts(1, 2, 3)
    today = activity.today_figures(per_day, TODAY, left)
    assert (today.reviews, today.new_learned, today.again, today.cram) == (6, 2, 1, 1)
    assert today.time_ms == 21000
    assert (today.mature.passed, today.mature.total) == (2, 3)
    assert today.left is left


def test_buttons_split_young_and_mature_reviews_and_skip_cram() -> None:
    per_day = {
        (T, 0, 2, 3): [5, 0, 2, 0],
        (T - 3, 0, 1, 1): [4, 0, 0, 0],
        (T, 1, 2, 4): [9, 0, 0, 0],
    }
    rows = activity.buttons(per_day)
    assert (rows["young"].good, rows["mature"].good, rows["learning"].again) == (3, 2, 4)
    assert (rows["all"].total, rows["all"].correct.passed) == (9, 5)


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
    infos = [
        CardInfo(None, state=2, due=starts[0] - 1),  # overdue
        CardInfo(None, state=2, due=starts[0]),  # today
        CardInfo(None, state=2, due=starts[3] + 5),  # in three days
        CardInfo(None, state=2, due=starts[31]),  # after the 30 days
        CardInfo(None, state=2, due=starts[3], suspended=True),
        CardInfo(None, state=0),  # new: never due
    ]
    f = cards.forecast(infos, TODAY, starts)
    assert (f.backlog, f.later, f.total) == (1, 1, 4)
    assert [d.due for d in f.days[:4]] == [1, 0, 0, 1]
    assert f.days[3].cumulative == 3
    assert f.days[3].date == date(2026, 3, 13)


def test_distribution_bins_are_half_open_and_the_median_averages_the_middle_pair() -> None:
    d = cards.distribution([0.5, 1.0, 2.0, 400.0], [0, 1, 2, 3, float("inf")], "abcd")
    assert [b.cards for b in d.bins] == [1, 1, 1, 1]
    assert (d.median, d.mean) == (1.5, 100.875)
    assert d.bins[-1].high is None


def test_cards_never_reviewed_count_as_new_in_the_counts_and_their_deck() -> None:
    from types import SimpleNamespace

    from quizzer.stats import decks

    card = SimpleNamespace(id="a/b:q1", deck_id="a/b")
    infos = [
        CardInfo(
            card, state=2, stability=30.0, due=40 * 86_400_000, last_review=0, r=0.9, interval=40.0
        ),
        CardInfo(card, state=0, suspended=True),
    ]
    c = cards.counts(infos, 5, now_ms=0)
    assert (c.new, c.mature, c.suspended, c.total) == (3, 1, 1, 5)
    left = {"a/b": queue.Counts(1, 0, 0)}
    (row,) = decks.deck_rows(infos, {"a/b": 5}, {"a/b": "B"}, {"a/b": [4, 3]}, left)
    assert (row.cards, row.new, row.left, row.mean_stability) == (5, 3, left["a/b"], 30.0)
    assert (row.retention_30d.passed, row.retention_30d.total) == (3, 4)
