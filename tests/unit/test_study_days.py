"""FSRS's elapsed time: study days between two reviews (`Calendar.elapsed_days`), and what it
changes in the memory update, the queue, the statistics and a collection written before it."""

from __future__ import annotations

import sqlite3
from datetime import datetime
from pathlib import Path
from zoneinfo import ZoneInfo

import fsrs_rs_python
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from quizzer.clock import Calendar, from_ms, study_day, to_ms
from quizzer.collection import open_collection
from quizzer.config import DEFAULT_PARAMETERS
from quizzer.state import CardPhase, Rating
from quizzer.store.db import Store

PARIS = ZoneInfo("Europe/Paris")


def at(text: str, zone: ZoneInfo = PARIS) -> int:
    """UTC ms of a local wall-clock time."""
    return to_ms(datetime.fromisoformat(text).replace(tzinfo=zone))


@settings(max_examples=300, deadline=None)
@given(
    moment=st.integers(0, 4_000_000_000_000),
    zone=st.sampled_from(
        [
            "UTC",
            "Europe/Paris",
            "America/New_York",
            "Asia/Kolkata",
            "Australia/Lord_Howe",
            "Asia/Kathmandu",
            "Pacific/Chatham",
        ]
    ),
    starts=st.integers(0, 23),
)
def test_day_numbers_agree_with_the_clock(moment: int, zone: str, starts: int) -> None:
    tz = ZoneInfo(zone)
    cal = Calendar(tz, starts)
    assert cal.day_number(moment) == study_day(from_ms(moment), tz, starts).toordinal()
    # and the pair the statistics read: the day, and the day of the second before
    before = moment // 1000 * 1000 - 1
    assert cal.day_numbers(moment) == (cal.day_number(moment), cal.day_number(before))


@settings(max_examples=200, deadline=None)
@given(
    moments=st.lists(st.integers(1_700_000_000_000, 1_800_000_000_000), max_size=60),
    near=st.lists(st.integers(-3 * 86_400_000, 3 * 86_400_000), max_size=30),
    zone=st.sampled_from(["Europe/Paris", "America/New_York", "Australia/Lord_Howe", "UTC"]),
    starts=st.integers(0, 23),
)
def test_one_calendar_agrees_with_the_clock_whatever_it_has_seen(
    moments: list[int], near: list[int], zone: str, starts: int
) -> None:
    """The offsets a calendar keeps per UTC day serve later moments, near daylight-saving
    changes too (moments a few days around 2026's changes in Europe and America)."""
    tz = ZoneInfo(zone)
    cal = Calendar(tz, starts)
    changes = [at("2026-03-29T02:30"), at("2026-10-25T02:30"), 1_772_938_800_000]
    for moment in [*moments, *(changes[i % 3] + d for i, d in enumerate(near))]:
        assert cal.day_number(moment) == study_day(from_ms(moment), tz, starts).toordinal()


@pytest.mark.parametrize("moment", ["2026-03-03T04:00:00.400", "2026-03-29T04:00:00.999"])
def test_a_moment_in_the_first_second_of_a_day_counts_from_the_day_before(moment: str) -> None:
    cal = Calendar(PARIS, 4)
    day = cal.day_number(at(moment))
    assert cal.day_numbers(at(moment)) == (day, day - 1)


def test_elapsed_days_count_day_starts_not_hours() -> None:
    days = Calendar(PARIS, 4).elapsed_days
    assert days(at("2026-03-02T20:00"), at("2026-03-03T10:00")) == 1  # 14 hours, one day start
    assert days(at("2026-03-02T20:00"), at("2026-03-03T03:59")) == 0  # same study day
    assert days(at("2026-03-02T03:00"), at("2026-03-02T05:00")) == 1  # across 04:00
    assert days(at("2026-03-02T05:00"), at("2026-03-03T03:00")) == 0  # 22 hours, same day
    assert days(at("2026-03-02T10:00"), at("2026-03-09T09:00")) == 7
    assert days(at("2026-03-03T10:00"), at("2026-03-02T10:00")) == 0  # never negative
    assert Calendar(PARIS, 0).elapsed_days(at("2026-03-02T23:30"), at("2026-03-03T00:10")) == 1


def test_the_first_second_of_a_day_counts_for_the_day_before_as_in_anki() -> None:
    days = Calendar(PARIS, 4).elapsed_days
    assert days(at("2026-03-02T04:00:00"), at("2026-03-02T10:00")) == 1
    assert days(at("2026-03-02T04:00:00.999"), at("2026-03-02T10:00")) == 1
    assert days(at("2026-03-02T04:00:01"), at("2026-03-02T10:00")) == 0
    assert days(at("2026-03-01T10:00"), at("2026-03-02T04:00:00.500")) == 0
    assert days(at("2026-03-01T10:00"), at("2026-03-02T04:00:01")) == 1


def test_a_day_starts_at_the_wall_clock_hour_across_daylight_saving() -> None:
    days = Calendar(PARIS, 4).elapsed_days
    # clocks go forward on 29 March 2026: the study day of the 29th is 23 hours long
    assert days(at("2026-03-28T04:30"), at("2026-03-29T04:10")) == 1
    assert days(at("2026-03-29T04:10"), at("2026-03-30T03:50")) == 0
    # and back on 25 October: the 25th is 25 hours long
    assert days(at("2026-10-24T04:30"), at("2026-10-25T03:50")) == 0
    assert days(at("2026-10-25T04:10"), at("2026-10-26T03:50")) == 0
    assert days(at("2026-10-25T03:50"), at("2026-10-25T04:10")) == 1


def test_memory_after_fourteen_hours_across_the_rollover_is_a_days_growth(
    write_deck, isolated: Path
) -> None:
    """The case that made quizzer disagree with Anki: 20:00, then 10:00 the next morning."""
    write_deck("a/deck", "title: A\nquestions:\n  - {id: q, type: basic, prompt: P, answer: A}\n")
    (isolated / "home").mkdir(parents=True, exist_ok=True)
    (isolated / "home" / "config.toml").write_text(
        'timezone = "Europe/Paris"\nlearning_steps = []\nfuzz = false\n'
    )
    session = open_collection().session()
    session.answer("a/deck:q", Rating.GOOD, at("2026-03-02T20:00"))
    session.answer("a/deck:q", Rating.GOOD, at("2026-03-03T10:00"))
    state = session.state("a/deck:q")
    model = fsrs_rs_python.FSRS(list(DEFAULT_PARAMETERS))
    first = model.next_states(None, 0.9, 0).good.memory
    one_day = model.next_states(first, 0.9, 1).good.memory
    same_day = model.next_states(first, 0.9, 0).good.memory
    assert state.state == CardPhase.REVIEW
    assert (state.stability, state.difficulty) == (one_day.stability, one_day.difficulty)
    assert state.stability > same_day.stability * 1.5
    assert state.due == at("2026-03-03T10:00") + round(one_day.stability) * 86_400_000


def test_statistics_predict_recall_after_study_days(write_deck, isolated: Path) -> None:
    write_deck("a/deck", "title: A\nquestions:\n  - {id: q, type: basic, prompt: P, answer: A}\n")
    (isolated / "home").mkdir(parents=True, exist_ok=True)
    (isolated / "home" / "config.toml").write_text('timezone = "Europe/Paris"\n')
    col = open_collection()
    session = col.session()
    session.answer("a/deck:q", Rating.EASY, at("2026-03-02T23:00"))
    state = session.state("a/deck:q")
    assert state.state == CardPhase.REVIEW and state.stability is not None
    later = at("2026-03-03T09:00")  # ten hours later, one study day
    from quizzer.scheduling import retrievability, state_retrievability
    from quizzer.stats import compute

    expected = retrievability(state.stability, 1, col.settings.parameters)
    assert expected < 1.0
    calendar = Calendar(col.zone, 4)
    assert state_retrievability(state, later, col.settings.parameters, calendar) == expected
    stats = compute(col, later)
    assert stats.retrievability.mean == pytest.approx(100 * expected, abs=1e-4)  # percent


def test_an_older_collection_is_replayed_once_and_says_how_many_moved(
    write_deck, isolated: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    write_deck(
        "a/deck",
        "title: A\nquestions:\n"
        + "".join(f"  - {{id: q{i}, type: basic, prompt: P{i}, answer: A{i}}}\n" for i in range(3)),
    )
    (isolated / "home").mkdir(parents=True, exist_ok=True)
    (isolated / "home" / "config.toml").write_text('timezone = "Europe/Paris"\n')
    col = open_collection()
    session = col.session()
    start = at("2026-03-02T20:00")
    for i in range(3):
        session.answer(f"a/deck:q{i}", Rating.EASY, start + i * 60_000)
    # q0 again 14 hours later (a study day; under 24 hours), q1 two days later at the same hour
    session.answer("a/deck:q0", Rating.GOOD, at("2026-03-03T10:00"))
    session.answer("a/deck:q1", Rating.GOOD, at("2026-03-04T20:01"))
    now = col.store.states()
    # what an older quizzer left: q0's second review counted as the same day
    stale = now["a/deck:q0"].but(stability=1.0, due=now["a/deck:q0"].due + 86_400_000)
    col.store.replace_states([stale])
    col.store.db.execute("PRAGMA user_version = 3")
    col.store.db.execute("DELETE FROM migrations WHERE version >= 4")
    col.store.db.execute("DROP TABLE sync_held")  # added by later migrations
    col.store.db.execute("DROP TABLE limit_extensions")
    col.close()
    capsys.readouterr()

    col = open_collection()
    err = capsys.readouterr().err
    assert "replayed the history of 3 cards" in err and "1 moved" in err
    assert col.store.states() == now
    col.close()
    open_collection().close()
    assert capsys.readouterr().err == ""  # once only


def test_a_new_store_has_nothing_to_replay(tmp_path: Path) -> None:
    with Store(tmp_path / "q.sqlite3") as store:
        assert store.pending_replay() is None
        version = store.db.execute("PRAGMA user_version").fetchone()[0]
    assert version >= 4
    db = sqlite3.connect(tmp_path / "q.sqlite3")
    assert db.execute("SELECT count(*) FROM meta WHERE key = 'pending_replay'").fetchone() == (0,)
    db.close()
