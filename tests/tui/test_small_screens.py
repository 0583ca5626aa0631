"""The TUI on small terminals (a split pane, a phone over SSH at 60x20) and without colour: what
a learner needs stays on screen and reads without colour."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from textual.pilot import Pilot
from tui_support import review_screen, screen_text, until

from quizzer.tui.app import QuizzerApp
from quizzer.tui.screens.deck_options import OptionsScreen
from quizzer.tui.screens.home import HomeScreen
from quizzer.tui.screens.review import ReviewScreen
from quizzer.tui.widgets.options import OptionRow

Build = Callable[..., QuizzerApp]


async def home_ready(pilot: Pilot[Any]) -> HomeScreen:
    """The home screen, once its decks are loaded and its tree drawn."""
    app = pilot.app
    await until(pilot, lambda: isinstance(app.screen, HomeScreen) and app.screen.collection)
    await pilot.pause()
    assert isinstance(app.screen, HomeScreen)
    return app.screen


async def test_choices_stay_whole_after_the_options_dialog(build: Build) -> None:
    """The options dialog's styles once made every choice of a later card one line high."""
    app = build(tag="choice")
    async with app.run_test(size=(60, 20)) as pilot:
        await home_ready(pilot)
        await pilot.press("down", "o")
        await until(pilot, lambda: isinstance(app.screen, OptionsScreen))
        await pilot.press("escape")
        await until(pilot, lambda: isinstance(app.screen, HomeScreen))
        await pilot.press("a")
        await until(pilot, lambda: isinstance(app.screen, ReviewScreen))
        screen = review_screen(app)
        await until(pilot, lambda: screen.card is not None and screen.query(OptionRow))
        await pilot.pause()
        text = " ".join(screen_text(app).split())
        assert "Outputs at different frames are conditionally independent" in text
        assert max(row.size.height for row in screen.query(OptionRow)) > 1
