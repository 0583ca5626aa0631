"""The statistics screen: snapshots of its tabs on a deterministic history, and its keys.

The history is made by the real Session: 50 study days of answering whatever is due, with ratings
from a seeded generator, fuzz off and fixed times, so every run stores the same log and states.
Regenerate the snapshots with `python3 -m pytest tests/tui/test_stats_screen.py --snapshot-update`.
"""

from __future__ import annotations

import random
import threading
from collections.abc import Callable, Iterator
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

import pytest
from textual import events
from textual.app import App
from textual.pilot import Pilot
from textual.widgets import DataTable, Select, TabbedContent
from tui_support import screen_text, until

from quizzer.clock import to_ms
from quizzer.collection import Collection, open_collection
from quizzer.session import Selection
from quizzer.state import Rating
from quizzer.tui.screens.stats import StatsScreen

NOW = datetime(2026, 3, 2, 9, 0, tzinfo=UTC)  # the root conftest's QUIZZER_NOW
NOW_MS = to_ms(NOW)

WORDS = (
    "hello",
    "thanks",
    "cat",
    "dog",
    "bird",
    "house",
    "water",
    "bread",
    "apple",
    "night",
    "sun",
    "moon",
    "tree",
    "book",
    "chair",
    "door",
)
DECKS = {
    "lang/french": ("French", "lang", [f"Say '{w}' in French." for w in WORDS]),
    "lang/spanish": ("Spanish", "lang", [f"Say '{w}' in Spanish." for w in WORDS[:14]]),
    "math/algebra": ("Algebra", "math", [f"What is {a} x {a}?" for a in range(3, 15)]),
}


def deck_yaml(title: str, tag: str, prompts: list[str]) -> str:
    lines = [f"title: {title}", f"tags: [{tag}]", "questions:"]
    for i, prompt in enumerate(prompts):
        lines += [
            f"  - id: q{i}",
            "    type: basic",
            f'    prompt: "{prompt}"',
            "    answer: an answer",
        ]
    return "\n".join(lines) + "\n"


def study(col: Collection, days: int = 50, seed: int = 3) -> None:
    """Answer what is due each morning for `days` days, ending the day before NOW."""
    rng = random.Random(seed)
    session = col.session()
    for day in range(days, 0, -1):
        moment = to_ms(NOW - timedelta(days=day)) + rng.randrange(0, 3 * 3_600_000)
        if rng.random() < 0.15:
            continue  # a missed day now and then
        for _ in range(40):
            card = session.next(moment)
            if card is None:
                break
            rating = rng.choices(list(Rating), weights=(15, 10, 65, 10))[0]
            session.answer(card.id, rating, moment, duration_ms=rng.randrange(3_000, 20_000))
            moment += rng.randrange(15_000, 60_000)
    # this morning: a few answers today
    moment = to_ms(NOW) - 2 * 3_600_000
    for _ in range(6):
        card = session.next(moment)
        if card is None:
            break
        session.answer(card.id, Rating.GOOD, moment, duration_ms=8_000)
        moment += 30_000


@pytest.fixture
def col(write_deck: Callable[[str, str], Path], isolated: Path) -> Iterator[Collection]:
    for deck_id, (title, tag, prompts) in DECKS.items():
        write_deck(deck_id, deck_yaml(title, tag, prompts))
    home = isolated / "home"
    home.mkdir(parents=True, exist_ok=True)
    (home / "config.toml").write_text("fuzz = false\nnew_per_day = 1\n")
    c = open_collection()
    study(c)
    yield c
    c.close()


class StatsApp(App[None]):
    """A bare app that opens the statistics screen over an empty one."""

    def __init__(self, col: Collection, selection: Selection | None = None) -> None:
        super().__init__()
        self.col = col
        self.selection = selection
        self.now = NOW_MS
        """The clock the screen reads: a test may move it."""

    def on_mount(self) -> None:
        self.push_screen(StatsScreen(self.col, lambda: self.now, self.selection))


def burst(app: App[Any], key: str, times: int) -> None:
    """Send a key `times` times without waiting between them, as a terminal delivers keys typed
    faster than the app handles them (`pilot.press` waits for each key to be handled)."""
    assert app._driver is not None
    for _ in range(times):
        event = events.Key(key, None)
        event.set_sender(app)
        app._driver.send_message(event)


async def settle(pilot: Pilot[Any]) -> None:
    """Wait for the statistics worker and the repaint after it."""
    await pilot.pause()
    await pilot.app.workers.wait_for_complete()
    await pilot.pause()
    await pilot.pause()


def tab(name: str) -> Callable[[Pilot[Any]], Any]:
    async def run(pilot: Pilot[Any]) -> None:
        await settle(pilot)
        pilot.app.screen.query_one(TabbedContent).active = name
        await pilot.pause()
        await pilot.pause()

    return run


def test_overview_snapshot(snap_compare: Callable[..., bool], col: Collection) -> None:
    assert snap_compare(StatsApp(col), terminal_size=(80, 24), run_before=settle)


def test_activity_snapshot(snap_compare: Callable[..., bool], col: Collection) -> None:
    assert snap_compare(StatsApp(col), terminal_size=(100, 40), run_before=tab("activity"))


def test_calibration_snapshot(snap_compare: Callable[..., bool], col: Collection) -> None:
    assert snap_compare(StatsApp(col), terminal_size=(100, 32), run_before=tab("calibration"))


async def test_keys_tabs_period_scope_and_back(col: Collection) -> None:
    app = StatsApp(col)
    async with app.run_test(size=(100, 32)) as pilot:
        await settle(pilot)
        screen = app.screen
        assert isinstance(screen, StatsScreen) and screen.result is not None
        assert screen.result.scope.cards == 42
        assert screen.result.reviews.total > 0
        title = str(screen.query_one("#stats-title").render())
        assert title == "Statistics · 42 cards · study day 2026-03-02"

        await pilot.press("5")
        assert screen.query_one(TabbedContent).active == "decks"

        await pilot.press("right_square_bracket")
        await settle(pilot)
        assert screen.days == 90 and screen.result.meta.period_days == 90

        screen.query_one("#stats-scope", Select).value = "math"
        await settle(pilot)
        assert screen.result.scope.decks == ["math/algebra"]
        assert screen.result.scope.cards == 12

        await pilot.press("escape")
        await pilot.pause()
        assert not isinstance(app.screen, StatsScreen)


async def test_a_screen_left_open_over_the_days_end_computes_the_new_day(
    col: Collection,
) -> None:
    """Each computation is of the moment it starts: the screen opened on one study day and
    asked for another period the next day shows the next day's figures."""
    app = StatsApp(col)
    async with app.run_test(size=(100, 32)) as pilot:
        await settle(pilot)
        screen = app.screen
        assert isinstance(screen, StatsScreen) and screen.result is not None
        assert str(screen.result.meta.study_day) == "2026-03-02"
        app.now = NOW_MS + 24 * 3_600_000
        await pilot.press("right_square_bracket")
        await settle(pilot)
        assert screen.days == 90 and str(screen.result.meta.study_day) == "2026-03-03"


async def test_opens_on_the_selection(col: Collection) -> None:
    app = StatsApp(col, Selection(("lang/spanish",)))
    async with app.run_test(size=(100, 32)) as pilot:
        await settle(pilot)
        screen = app.screen
        assert isinstance(screen, StatsScreen) and screen.result is not None
        assert screen.result.scope.decks == ["lang/spanish"]
        assert screen.query_one("#stats-scope", Select).value == "lang/spanish"


async def test_home_screen_opens_it(col: Collection) -> None:
    """The app's `s` key opens this screen on the app's own collection."""
    from quizzer.tui.app import make_app

    app = make_app(collection=col)
    async with app.run_test(size=(100, 32)) as pilot:
        await settle(pilot)
        await pilot.press("s")
        await settle(pilot)
        assert isinstance(app.screen, StatsScreen)
        assert app.screen.collection is col
        await pilot.press("escape")
        await pilot.pause()
        assert not isinstance(app.screen, StatsScreen)


async def test_at_80x24_the_keys_show_help_works_and_decks_show_figures(col: Collection) -> None:
    from quizzer.tui.screens.help import HelpScreen

    app = StatsApp(col)
    async with app.run_test(size=(80, 24)) as pilot:
        await settle(pilot)
        text = screen_text(app)
        assert "1-7 Tabs" in text and "? Help" in text
        # the title gives way before the card count and the study day do
        assert text.splitlines()[0].startswith(" 42 cards · study day 2026-03-02 ")
        await pilot.press("5")
        await settle(pilot)
        header = next(line for line in screen_text(app).splitlines() if "Ret. 30d" in line)
        assert all(name in header for name in ("Deck", "Cards", "New", "Left", "Stab."))
        await pilot.press("question_mark")
        await pilot.pause()
        assert isinstance(app.screen, HelpScreen)


async def test_a_long_deck_title_gives_way_to_the_figures(
    write_deck: Callable[[str, str], Path], isolated: Path
) -> None:
    """At 80 columns a deck title of 61 characters is shortened, not the figures: every column
    shows, R last, and at 60 columns too."""
    long = "Speaker verification with ECAPA-TDNN and its training losses"
    write_deck("voice/ecapa", deck_yaml(long, "voice", ["What does ECAPA stand for?"]))
    write_deck("lang/french", deck_yaml("French", "lang", ["Say 'one' in French."]))
    col = open_collection()
    try:
        app = StatsApp(col)
        async with app.run_test(size=(80, 24)) as pilot:
            await settle(pilot)
            await pilot.press("5")
            await settle(pilot)
            for width in (80, 60):
                await pilot.resize_terminal(width, 24)
                await until(pilot, lambda: "…" in screen_text(app))
                lines = screen_text(app).splitlines()
                header = next(line for line in lines if "Ret. 30d" in line)
                assert header.rstrip().endswith("R") and "Stab." in header
                row = next(line for line in lines if "Speaker" in line)
                assert long not in row and "…" in row and row.rstrip().endswith("—")
    finally:
        col.close()


def test_cards_to_watch_show_math_as_unicode() -> None:
    from rich.console import Console

    from quizzer.stats import CardRow
    from quizzer.views.stats import cards_table

    row = CardRow("d:q", "d", "What is $\\alpha^2$?", 9, 10, 1.0, 5.0, 0.5, False, True)
    console = Console(width=80, record=True)
    console.print(cards_table([row]))
    assert "α²" in console.export_text() and "$" not in console.export_text()


async def test_period_keys_typed_during_a_computation_all_count(
    col: Collection, monkeypatch: pytest.MonkeyPatch
) -> None:
    """`]]]]` typed fast from 7 days, while the figures of 7 days are computed, ends at 365
    days: the period moves at once with each key, and once the computation under way ends only
    the figures last asked for are computed and shown."""
    from quizzer import stats as core

    compute, gate, asked = core.compute, threading.Event(), []

    def slow(*args: Any) -> core.Stats:
        asked.append(args[3])
        assert gate.wait(10)
        return compute(*args)

    app = StatsApp(col)
    async with app.run_test(size=(100, 32)) as pilot:
        await settle(pilot)
        screen = app.screen
        assert isinstance(screen, StatsScreen) and screen.days == 30
        show, shown = screen._show, []

        def record(result: core.Stats) -> None:
            shown.append(result.meta.period_days)
            show(result)

        monkeypatch.setattr(screen, "_show", record)
        monkeypatch.setattr(core, "compute", slow)
        await pilot.press("left_square_bracket")
        await until(pilot, lambda: asked == [7])  # being computed, and held there
        burst(app, "right_square_bracket", 4)  # as a terminal delivers fast typing
        await until(pilot, lambda: screen.query_one("#stats-period", Select).value == 365)
        assert screen.days == 365
        gate.set()
        await until(pilot, lambda: shown == [365])
        await settle(pilot)
        assert asked == [7, 365]  # 30 and 90 passed over, and 7's figures never shown
        assert shown == [365] and screen.result is not None
        assert screen.days == screen.result.meta.period_days == 365
        await pilot.press("2")
        await until(pilot, lambda: "Answers per day, last 365 days" in screen_text(app))
        assert "365 days" in screen_text(app).splitlines()[0]  # the period's menu


async def test_every_tab_shows_at_60_columns(col: Collection) -> None:
    """At 60 columns the tabs ran off the screen's edge: "Cards to watch" was cut to "C", and
    choosing it scrolled "Overview" off instead. The two longest titles give way to short ones
    below 74 columns, and come back when there is room."""
    app = StatsApp(col)
    async with app.run_test(size=(60, 20)) as pilot:
        await settle(pilot)
        assert screen_text(app).splitlines()[1] == (
            " Overview  Activity  Forecast  Memory  Decks  Calib.  Watch"
        )
        await pilot.press("7")
        await pilot.pause()
        assert screen_text(app).splitlines()[1].startswith(" Overview  Activity")
        assert "No leech." in screen_text(app)
        await pilot.resize_terminal(80, 24)
        await until(pilot, lambda: "Cards to watch" in screen_text(app).splitlines()[1])
        assert "Calibration" in screen_text(app).splitlines()[1]


async def test_the_decks_tab_keeps_every_column_beside_its_scrollbar(
    write_deck: Callable[[str, str], Path], isolated: Path
) -> None:
    """With more decks than rows (the bundled 67), the table's scrollbar pushed the R column off
    its right edge, at every width: the deck titles were laid out for the whole screen, not for
    the tab, which has a cell of padding each side."""
    for i in range(30):
        write_deck(f"many/d{i:02}", deck_yaml(f"Deck {i}", "many", [f"Question {i}?"]))
    col = open_collection()
    try:
        app = StatsApp(col)
        async with app.run_test(size=(80, 24)) as pilot:
            await settle(pilot)
            await pilot.press("5")
            await settle(pilot)
            table = app.screen.query_one("#decks-table", DataTable)
            for width in (80, 60, 120):
                await pilot.resize_terminal(width, 24)
                await until(pilot, lambda w=width: app.screen.size.width == w)
                await pilot.pause()
                assert table.max_scroll_y > 0 and table.max_scroll_x == 0
                header = next(line for line in screen_text(app).splitlines() if "Stab." in line)
                assert header.rstrip().endswith("Stab.  R")
    finally:
        col.close()


async def test_memory_says_once_that_nothing_was_reviewed(
    write_deck: Callable[[str, str], Path], isolated: Path
) -> None:
    """Before the first review the Memory tab said "No card has been reviewed yet." three times,
    once under each of its histograms' places."""
    write_deck("lang/french", deck_yaml("French", "lang", ["Say 'one' in French."]))
    col = open_collection()
    try:
        app = StatsApp(col)
        async with app.run_test(size=(80, 24)) as pilot:
            await settle(pilot)
            await pilot.press("4")
            await pilot.pause()
            assert screen_text(app).count("No card has been reviewed yet.") == 1
    finally:
        col.close()


async def test_memory_shows_each_distribution_under_its_caption(col: Collection) -> None:
    app = StatsApp(col)
    async with app.run_test(size=(80, 60)) as pilot:
        await settle(pilot)
        await pilot.press("4")
        await pilot.pause()
        text = screen_text(app)
        for caption in ("Stability (days until", "Difficulty: mean", "Retrievability now: mean"):
            assert text.count(caption) == 1


async def test_at_60_columns_the_title_keeps_the_card_count_whole(
    write_deck: Callable[[str, str], Path], isolated: Path
) -> None:
    """At 60 columns the title had room for none of its forms and showed "1,351 cards · …"; and
    one card was "1 cards"."""
    write_deck("lang/french", deck_yaml("French", "lang", ["Say 'one' in French."]))
    col = open_collection()
    try:
        app = StatsApp(col)
        async with app.run_test(size=(60, 20)) as pilot:
            await settle(pilot)
            top = screen_text(app).splitlines()[0]
            assert top.startswith(" 1 card ") and "…" not in top
            await pilot.resize_terminal(100, 20)
            await until(pilot, lambda: "study day" in screen_text(app).splitlines()[0])
            assert screen_text(app).startswith(" Statistics · 1 card · study day 2026-03-02")
    finally:
        col.close()


async def test_page_keys_scroll_the_tab(col: Collection) -> None:
    """At 80x24 the hours and answer buttons lie below the Activity tab's fold, and no key
    reached them: the scope menu has the focus and takes the arrows."""
    app = StatsApp(col)
    async with app.run_test(size=(80, 24)) as pilot:
        await settle(pilot)
        await pilot.press("2")
        await pilot.pause()
        assert "Answer buttons" not in screen_text(app)
        await pilot.press("pagedown", "pagedown")
        await until(pilot, lambda: "Answer buttons" in screen_text(app))
        await pilot.press("pageup", "pageup")
        await until(pilot, lambda: "Answers per day, last 365 days" in screen_text(app))


async def test_at_60_columns_charts_and_legends_are_drawn_to_the_width(col: Collection) -> None:
    """At 60 columns the cards bar (60 cells), the hours (79) and the legends were wider than
    the tab and wrapped: a bar's last cells, or a legend's colour square, on a line of their
    own, and the hours' labels broken."""
    app = StatsApp(col)
    async with app.run_test(size=(60, 70)) as pilot:
        await settle(pilot)
        lines = screen_text(app).splitlines()
        bar = next(i for i, line in enumerate(lines) if line.strip().startswith("███"))
        assert lines[bar + 1].strip().startswith("■ new")
        assert not any(line.rstrip().endswith("■") for line in lines)
        await pilot.press("2")
        await pilot.pause()
        lines = screen_text(app).splitlines()
        assert not any(line.rstrip().endswith("■") for line in lines)
        assert any(line.strip() == "00 02 04 06 08 10 12 14 16 18 20 22" for line in lines)
