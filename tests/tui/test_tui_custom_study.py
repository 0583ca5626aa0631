"""Deck options (`o`) and custom study (`c`) on home: what a learner sees, edits and starts."""

from __future__ import annotations

import tomllib
from collections.abc import Callable
from typing import Any

import pytest
from textual.content import Content
from textual.pilot import Pilot
from textual.widgets import Input, Static
from tui_support import SIZES, review_screen, screen_text, solve, until

from quizzer import paths
from quizzer.clock import calendar
from quizzer.collection import Collection
from quizzer.custom_study import custom_query
from quizzer.queue import day_at
from quizzer.state import EventKind, Rating
from quizzer.store.extensions import extensions_on
from quizzer.tui.app import QuizzerApp
from quizzer.tui.screens.custom_study import CHOICES, CustomStudyScreen
from quizzer.tui.screens.deck_options import OptionsScreen
from quizzer.tui.screens.home import HomeScreen
from quizzer.tui.screens.review import ReviewScreen
from quizzer.tui.widgets.ratings import RatingCell

Build = Callable[..., QuizzerApp]
T0 = 1_772_442_000_000  # the tests' clock, 2026-03-02T09:00Z
DAY = 86_400_000
CONFIG = "# my settings\nnew_per_day = 15  # weekdays\n"


async def _replace(pilot: Pilot[Any], field: Input, text: str) -> None:
    field.focus()
    field.value = ""
    await pilot.press(*text)


async def test_options_show_sources_and_save_keeping_the_file(
    build: Build, collection: Collection
) -> None:
    config = paths.config_path()
    config.parent.mkdir(parents=True, exist_ok=True)
    config.write_text(CONFIG, encoding="utf-8")
    app = build()
    async with app.run_test(size=(80, 24)) as pilot:
        await pilot.pause()
        await pilot.press("down", "down", "o")  # the deck audio/mfcc
        await pilot.pause()
        screen = app.screen
        assert isinstance(screen, OptionsScreen)
        text = screen_text(app)
        assert "Options of MFCC (deck)" in text
        assert "Desired retention" in text and "0.9" in text and "default" in text
        # a bad value: one line naming the option, nothing written
        await _replace(pilot, screen.query_one("#opt-desired_retention", Input), "1.5")
        await pilot.press("ctrl+s")
        await pilot.pause()
        assert "desired_retention: Input should be less than or equal" in screen_text(app)
        assert config.read_text(encoding="utf-8") == CONFIG
        await _replace(pilot, screen.query_one("#opt-desired_retention", Input), "0.85")
        await _replace(pilot, screen.query_one("#opt-new_per_day", Input), "7")
        await pilot.press("enter")
        await pilot.pause()
        assert isinstance(app.screen, HomeScreen)
    saved = config.read_text(encoding="utf-8")
    assert saved.startswith(CONFIG)
    assert tomllib.loads(saved)["decks"]["audio/mfcc"] == {
        "new_per_day": 7,
        "desired_retention": 0.85,
    }
    # the collection in use follows, and the screen shows the new sources
    assert collection.settings.for_deck("audio/mfcc").desired_retention == 0.85
    async with build().run_test(size=(80, 24)) as pilot:
        await pilot.pause()
        await pilot.press("down", "down", "o")
        await pilot.pause()
        assert "set here" in screen_text(pilot.app)


async def test_a_folder_shows_its_own_limits(build: Build) -> None:
    app = build()
    async with app.run_test(size=(80, 24)) as pilot:
        await pilot.pause()
        await pilot.press("down", "o")  # the folder audio
        await pilot.pause()
        assert "Options of Audio (folder)" in screen_text(app)
        await pilot.press("escape")
        await pilot.pause()
        assert isinstance(app.screen, HomeScreen)


async def test_custom_study_raises_todays_limit(build: Build, collection: Collection) -> None:
    app = build()
    async with app.run_test(size=(80, 24)) as pilot:
        await pilot.pause()
        await pilot.press("down", "down", "c")
        await pilot.pause()
        assert isinstance(app.screen, CustomStudyScreen)
        await pilot.press("enter")  # the first choice: more new cards; its field is focused
        await pilot.pause()
        field = app.screen.query_one("#study-amount", Input)
        assert app.screen.focused is field and field.value == "10"
        await _replace(pilot, field, "x")
        await pilot.press("enter")
        await pilot.pause()
        assert "give a whole number from 1 to 9999" in screen_text(app)
        await _replace(pilot, field, "3")
        await pilot.press("enter")
        await pilot.pause()
        assert isinstance(app.screen, HomeScreen)
    day = day_at(T0, calendar(collection.zone, collection.settings.day_starts_at))
    assert extensions_on(collection.store.db, day.start) == {"audio/mfcc": (3, 0)}


async def test_the_chosen_kind_shows_without_colour(build: Build) -> None:
    """On the screen as text (a tmux capture): `›` before the choice the arrows are on while
    the choices have focus, and a dot in the button of the one taken only (Textual drew a dot
    in every button, the chosen one in another colour)."""

    def lines() -> dict[str, str]:
        text = screen_text(app)
        return {label: next(x for x in text.splitlines() if label in x) for _, label, _ in CHOICES}

    app = build()
    async with app.run_test(size=(80, 24)) as pilot:
        await pilot.pause()
        await pilot.press("c")
        await until(pilot, lambda: isinstance(app.screen, CustomStudyScreen))
        await pilot.press("down", "down")
        await pilot.pause()
        ahead = "Review ahead (rescheduled)"
        assert [label for label, line in lines().items() if "›" in line] == [ahead]
        assert not any("●" in line for line in lines().values())
        await pilot.press("enter")
        await until(pilot, lambda: "Cards due within days:" in screen_text(app))
        assert [label for label, line in lines().items() if "●" in line] == [ahead]
        assert not any("›" in line for line in lines().values())  # the field has focus


async def test_review_ahead_from_custom_study(build: Build, collection: Collection) -> None:
    session = collection.session()
    session.answer("speech/ctc:blank-role", Rating.EASY, T0 - DAY)
    assert collection.session().counts(T0).review == 0
    app = build()
    async with app.run_test(size=(80, 24)) as pilot:
        await pilot.pause()
        await pilot.press("down", "down", "down", "c")  # the folder speech
        await pilot.pause()
        await pilot.press("down", "down", "enter")  # review ahead
        await pilot.pause()
        await _replace(pilot, app.screen.query_one("#study-amount", Input), "60")
        await pilot.press("enter")
        await until(pilot, lambda: isinstance(app.screen, ReviewScreen))
        screen = review_screen(app)
        assert screen.session.ahead
        await until(pilot, lambda: screen.card is not None)
        assert screen.card is not None and screen.card.id == "speech/ctc:blank-role"
        await solve(pilot)
        assert screen.intervals  # answers reschedule: intervals shown
        await pilot.press("3")
        await pilot.pause()
    events = [e for e in collection.store.events() if e.kind == EventKind.REVIEW]
    assert len(events) == 2


async def test_review_ahead_counts_a_learning_card_under_learn(
    build: Build, collection: Collection
) -> None:
    session = collection.session()
    session.answer("speech/ctc:blank-role", Rating.EASY, T0 - DAY)  # a review, due in days
    session.answer("speech/whisper:tokenizer", Rating.EASY, T0 - DAY)
    session.answer("audio/mfcc:pipeline", Rating.GOOD, T0)  # learning, due in minutes
    app = build(start_session=True, query=custom_query(None, 30, None), ahead=True)
    async with app.run_test(size=(80, 24)) as pilot:
        await until(pilot, lambda: isinstance(app.screen, ReviewScreen))
        screen = review_screen(app)
        await until(pilot, lambda: screen.card is not None)
        assert screen.card is not None and screen.card.id == "audio/mfcc:pipeline"

        def header() -> Content:
            shown = screen.query_one("#queue-counts", Static).render()
            assert isinstance(shown, Content)
            return shown

        # the counts come from a worker thread, after the card
        await until(pilot, lambda: header().plain.split() == ["New", "0", "Learn", "1", "Due", "2"])
        shown = header()
        underlined = [shown.plain[s.start : s.end] for s in shown.spans if "underline" in str(s)]
        assert underlined == ["1"] and shown.plain.index("1") > shown.plain.index("Learn")


async def test_cram_and_forgotten_sessions_show_no_intervals(
    build: Build, collection: Collection
) -> None:
    app = build()
    async with app.run_test(size=(80, 24)) as pilot:
        await pilot.pause()
        await pilot.press("down", "down", "c")
        await pilot.pause()
        await pilot.press(*["down"] * 5, "enter")  # cram starts at once
        await until(pilot, lambda: isinstance(app.screen, ReviewScreen))
        screen = review_screen(app)
        assert screen.session.cram
        await solve(pilot)
        cells = {cell.rating: str(cell.render()) for cell in screen.query(RatingCell)}
        assert cells[Rating.AGAIN].strip() == "1 Again"
        assert cells[Rating.EASY].strip() == "4 Easy"
        await pilot.press("3")
        await pilot.pause()
    (event,) = [e for e in collection.store.events() if e.kind == EventKind.CRAM]
    assert event.card_id == "audio/mfcc:pipeline"


sizes = pytest.mark.parametrize("size", SIZES, ids=[f"{w}x{h}" for w, h in SIZES])


@sizes
def test_options_snapshot(snap_compare: Any, build: Build, size: tuple[int, int]) -> None:
    assert snap_compare(build(), press=["down", "down", "o"], terminal_size=size)


@sizes
def test_custom_study_snapshot(snap_compare: Any, build: Build, size: tuple[int, int]) -> None:
    assert snap_compare(build(), press=["down", "c", "down", "down", "enter"], terminal_size=size)
