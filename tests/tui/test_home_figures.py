"""The TUI's pure helpers: streak, counts per tree node, time phrases, math and cloze rendering;
and today's answers, worded alike on home, the statistics screen and `quizzer stats`."""

from __future__ import annotations

import json
from collections.abc import Callable
from datetime import UTC, datetime
from zoneinfo import ZoneInfo

import pytest
from tui_support import screen_text, until

from quizzer.cli import main
from quizzer.clock import now, to_ms
from quizzer.collection import Collection
from quizzer.decks.grading import Graded, Verdict, grade_text
from quizzer.home import (
    TodayTotals,
    counts_and_until,
    current_streak,
    deck_counts,
    describe_when,
    today_totals,
)
from quizzer.queue import node_ids
from quizzer.scheduling import describe_duration
from quizzer.state import Rating
from quizzer.tui.app import QuizzerApp
from quizzer.tui.render import diff_content, inline, math_as_code, screen_faces, typed_feedback
from quizzer.views.answers import answers_done

DAY = 86_400_000


def test_current_streak_uses_the_study_day_and_ignores_undone_reviews(
    collection: Collection,
) -> None:
    session = collection.session()
    card = next(collection.tree.cards())
    start = to_ms(now())  # 2026-03-02 09:00 UTC
    # 03:30 on 28 February is still the study day of the 27th (days start at 4 a.m.)
    for at in (start - DAY, start - 2 * DAY - 5.5 * 3_600_000):
        session.answer(card.id, Rating.GOOD, int(at))
    assert current_streak(session, start) == 1  # the 28th is missing
    session.answer(card.id, Rating.GOOD, start - 2 * DAY)
    assert current_streak(session, start) == 3
    session.answer(card.id, Rating.GOOD, start)
    assert current_streak(session, start) == 4
    session.undo(start)
    assert current_streak(session, start) == 3
    later = start + 3 * DAY  # nothing for two days: the streak is broken
    assert current_streak(session, int(later)) == 0
    # with the statistics' totals stale (another writer, a changed calendar) the log is walked
    collection.store.db.execute("DELETE FROM meta WHERE key = 'stats_calendar'")
    assert current_streak(session, start) == 3
    assert current_streak(session, int(later)) == 0


def test_deck_counts_cover_every_node(collection: Collection) -> None:
    counts = deck_counts(collection.session(), to_ms(now()))
    assert set(counts) == {"", "audio", "audio/mfcc", "speech", "speech/ctc", "speech/whisper"}
    # seven new cards; the two deletions of one cloze are siblings, so six are served today
    assert counts[""].new == 6 and counts["speech"].new == 5 and counts["speech/ctc"].new == 3
    assert node_ids("a/b/c") == ["", "a", "a/b", "a/b/c"]


def test_home_counts_hold_until_a_learning_card_comes_due(collection: Collection) -> None:
    """The moment home must count again: a learning card entering learn-ahead or falling due
    (which may change what it holds back), else the end of the study day."""
    session = collection.session()
    start = to_ms(now())
    counts, until = counts_and_until(session, start)
    assert until == session.day(start).end  # only new cards: nothing changes before tomorrow
    # the first deletion in its first step (1 minute)
    session.answer("speech/ctc:collapse#c1", Rating.AGAIN, start)
    counts, until = counts_and_until(session, start)
    assert until == start + 60_000
    assert counts_and_until(session, until - 1)[0] == counts
    assert counts_and_until(session, until)[1] == session.day(start).end


def test_today_totals(collection: Collection) -> None:
    session = collection.session()
    t = to_ms(now())
    card = next(collection.tree.cards())
    session.answer(card.id, Rating.AGAIN, t, duration_ms=4000)
    session.answer(card.id, Rating.GOOD, t, duration_ms=6000)
    session.answer(card.id, Rating.GOOD, t - DAY, duration_ms=9000)
    collection.session(cram=True).answer(card.id, Rating.GOOD, t, duration_ms=3000)
    assert today_totals(session, t) == TodayTotals(answers=3, cram=1, time_ms=13_000)
    assert answers_done(3, 1, 13_000) == "3 answers (1 cram) in 13s"
    assert answers_done(1, 0, 5_000) == "1 answer in 5s"
    assert answers_done(0, 0, 0) == "0 answers"


@pytest.mark.parametrize(
    ("ms", "text"),
    [
        (45_000, "45s"),
        (125_000, "2m 05s"),
        (15 * 60_000, "15m"),
        (65 * 60_000, "1h 05m"),
    ],
)
def test_describe_duration(ms: int, text: str) -> None:
    assert describe_duration(ms) == text


def test_describe_when() -> None:
    zone = ZoneInfo("Europe/Paris")
    base = to_ms(datetime(2026, 3, 2, 9, 0, tzinfo=UTC))  # 10:00 in Paris
    assert describe_when(base + 10 * 60_000, base, zone) == "today 10:10 (in 10m)"
    assert describe_when(base + 18 * 3_600_000, base, zone) == "tomorrow 04:00 (in 18h)"
    assert describe_when(base + 3 * DAY, base, zone) == "Thu 5 Mar 10:00 (in 3d)"
    # a step of 5.5 minutes: the time and the interval are rounded alike, not 10:05 (in 6m)
    assert describe_when(base + 330_000, base, zone) == "today 10:06 (in 6m)"
    assert describe_when(base + 270_000, base, zone) == "today 10:05 (in 5m)"


def test_math_becomes_code_but_code_and_money_stay() -> None:
    assert math_as_code("the map $\\mathcal{B}$ merges") == "the map `B` merges"
    assert math_as_code("costs $5 and $10") == "costs $5 and $10"
    assert math_as_code("keep `$x$` as is") == "keep `$x$` as is"
    assert "```\nx²\n```" in math_as_code("see $$x^2$$ here")


def test_inline_markdown_styles() -> None:
    content = inline("use **bold**, *it* and `code` with $x$")
    assert content.plain == "use bold, it and code with x"
    styles = {str(span.style) for span in content.spans}
    assert "bold" in styles and "italic" in styles


def test_inline_markdown_reads_backslash_escapes() -> None:
    # an option written `\_\_init\_\_() and fit()` shows as the Markdown of a card's text does
    assert inline("\\_\\_init\\_\\_() and fit()").plain == "__init__() and fit()"
    assert inline("not \\*italic\\*, costs \\$5").plain == "not *italic*, costs $5"
    assert inline("`a\\_b` stays code").plain == "a\\_b stays code"


def test_cloze_faces(collection: Collection) -> None:
    card = collection.tree.card_index()["speech/ctc:collapse#c1"]
    f = screen_faces(card)
    assert f.front == "CTC decoding first **\\[merge or drop?\\]**, then removes blanks."
    assert f.back == "CTC decoding first **merges repeated labels**, then removes blanks."
    c2 = collection.tree.card_index()["speech/ctc:collapse#c2"]
    assert screen_faces(c2).front == "CTC decoding first merges repeated labels, then **\\[…\\]**."


def test_typed_feedback_diffs_only_when_wrong(collection: Collection) -> None:
    index = collection.tree.card_index()
    typed = index["speech/whisper:tokenizer"]
    close = Graded(Verdict.CLOSE, "byte-level BPE", "Almost.")
    text = typed_feedback(typed, "byte level BPF", close).plain
    assert "yours" in text and "answer   byte-level BPE" in text
    right = Graded(Verdict.CORRECT, "BPE", "Correct.")
    assert typed_feedback(typed, "bpe", right).plain.splitlines() == ["✓ Correct", "  answer   BPE"]
    numeric = index["speech/whisper:hours"]
    ok = Graded(Verdict.CORRECT, "680,000 hours", "Correct.")
    assert typed_feedback(numeric, "680k", ok).plain == "✓ Correct"
    spans = diff_content("blnak", "blank").spans
    assert {str(s.style) for s in spans} == {"strike $text-error", "underline $text-success"}


def test_typed_feedback_marks_only_what_is_not_forgiven(collection: Collection) -> None:
    typed = collection.tree.card_index()["speech/whisper:tokenizer"]
    close = Graded(Verdict.CLOSE, "byte-level BPE", "Almost.")
    content = typed_feedback(typed, "Byte level BPF", close)
    marked = [content.plain[s.start : s.end] for s in content.spans if "strike" in str(s.style)]
    assert marked == ["F"]  # not the capital B, not the space for the hyphen


def test_typed_feedback_compares_numbers_as_numbers(collection: Collection) -> None:
    numeric = collection.tree.card_index()["speech/whisper:hours"]
    graded = grade_text(numeric.question, "680,001", [])
    assert graded.verdict == Verdict.CORRECT  # within 5 %
    graded = grade_text(numeric.question, "500k", [])
    content = typed_feedback(numeric, "500k", graded)
    assert content.plain.splitlines() == [
        "✗ Wrong  The answer is 680,000 hours; yours is off by 180,000 hours.",
        "  yours    500,000 hours",
        "  answer   680,000 hours",
    ]
    assert not [s for s in content.spans if "strike" in str(s.style)]
    dotted = grade_text(numeric.question, "68.000", [])  # 68, or 68000 as in much of Europe
    assert typed_feedback(numeric, "68.000", dotted).plain.splitlines() == [
        "✗ Wrong  The answer is 680,000 hours; yours is off by 612,000 hours.",
        "  yours    68,000 hours",
        "  answer   680,000 hours",
    ]


def test_today_and_the_streak_seek_the_log_by_time(collection: Collection) -> None:
    """Home's totals and streak read only the days they count, however long the log: every
    query they run finds its log rows through the time index, or the events after the
    statistics totals' mark by their seq (an index that leads with the event's kind would visit
    every answer ever given, seconds at millions of reviews)."""
    session = collection.session()
    start = to_ms(now())
    card = next(collection.tree.cards())
    for day in range(3):
        session.answer(card.id, Rating.GOOD, start - day * DAY)
    db = collection.store.db
    statements: list[str] = []
    db.set_trace_callback(statements.append)
    try:
        assert today_totals(session, start).answers == 1
        assert current_streak(session, start) == 3
    finally:
        db.set_trace_callback(None)
    reads = [s for s in statements if " FROM log " in s]
    assert reads
    for sql in reads:
        plan = [row[3] for row in db.execute(f"EXPLAIN QUERY PLAN {sql}")]
        outer = next(
            step
            for step in plan
            if step.startswith(("SEARCH", "SCAN")) and step.split()[1] in ("log", "l")
        )
        assert "INDEX log_at " in outer or "PRIMARY KEY (rowid>?)" in outer, (sql, plan)


async def test_today_is_worded_alike_on_home_the_statistics_and_the_command_line(
    build: Callable[..., QuizzerApp], collection: Collection, capsys: pytest.CaptureFixture[str]
) -> None:
    """Two reviews and a cram answer: `quizzer stats --json` counts 2 `today.reviews` and 1
    `cram`; home, the statistics screen and `quizzer stats` all say 3 answers, 1 of them cram
    (home said "3 reviewed", the statistics "Studied 3 cards", one card twice)."""
    t = to_ms(now()) - 3_600_000
    first, second = list(collection.tree.cards())[:2]
    session = collection.session()
    session.answer(first.id, Rating.AGAIN, t, duration_ms=4000)
    session.answer(first.id, Rating.GOOD, t + 60_000, duration_ms=6000)
    collection.session(cram=True).answer(second.id, Rating.GOOD, t + 120_000, duration_ms=5000)

    assert main(["stats", "--json"]) == 0
    today = json.loads(capsys.readouterr().out)["today"]
    assert (today["reviews"], today["cram"]) == (2, 1)
    assert main(["stats"]) == 0
    out = capsys.readouterr().out
    assert "3 answers (1 cram) in 15s today (5.0s per answer)." in out
    assert "Again: 1 of 2 reviews (50.0%)" in out and "Studied" not in out

    app = build()
    async with app.run_test(size=(100, 32)) as pilot:
        await until(pilot, lambda: "Today 3 answers (1 cram) in 15s" in screen_text(app))
        await pilot.press("s")
        await until(pilot, lambda: "3 answers (1 cram) in 15s today" in screen_text(app))
        assert "Again: 1 of 2 reviews" in screen_text(app)
