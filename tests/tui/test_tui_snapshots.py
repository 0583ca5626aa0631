"""Snapshots of every screen at 80x24 and 120x40: home, each question type before and after
answering, help and the summary.

Deterministic by construction: fixed QUIZZER_NOW and TZ (root conftest), the fixture decks, a fake
answer timer, a non-blinking input cursor, no clock on screen, and fuzz off (the rating buttons
show the fuzz of the answer's own uid, which is random).
Regenerate with `python3 -m pytest tests/tui --snapshot-update` and review the SVGs.
"""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from pathlib import Path
from typing import Any

import pytest
from textual.pilot import Pilot
from textual.widgets import Input
from tui_support import SIZES, review_screen, solve, type_text

from quizzer.tui.app import QuizzerApp
from quizzer.tui.screens.review import ReviewScreen

Build = Callable[..., QuizzerApp]
Snap = Callable[..., bool]
sizes = pytest.mark.parametrize("size", SIZES, ids=[f"{w}x{h}" for w, h in SIZES])


@pytest.fixture(autouse=True)
def no_fuzz(isolated: Path) -> None:
    """Written before the collection is opened (autouse fixtures come first)."""
    (isolated / "home").mkdir(parents=True, exist_ok=True)
    (isolated / "home" / "config.toml").write_text("fuzz = false\n")


def steady(then: Callable[[Pilot[Any]], Awaitable[None]] | None = None) -> Any:
    """A `run_before` that stops the input cursor blinking, then runs `then`."""

    async def run(pilot: Pilot[Any]) -> None:
        await pilot.pause()
        for screen in pilot.app.screen_stack:
            if isinstance(screen, ReviewScreen):
                screen.query_one(Input).cursor_blink = False
        if then is not None:
            await then(pilot)
        await pilot.pause()

    return run


@sizes
def test_home(snap_compare: Snap, build: Build, size: tuple[int, int]) -> None:
    assert snap_compare(build(), terminal_size=size, run_before=steady())


@sizes
def test_help(snap_compare: Snap, build: Build, size: tuple[int, int]) -> None:
    assert snap_compare(build(), press=["question_mark"], terminal_size=size, run_before=steady())


QUESTIONS = {
    # tag: keys that answer it (not always rightly, to show the marks)
    "basic": ["space"],
    "cloze": ["space"],
    "choice": ["1", "2", "enter"],
    "order": ["j", "enter"],
}
TYPED = {"typed": "byte level BPF", "numeric": "630k"}


@sizes
@pytest.mark.parametrize("tag", [*QUESTIONS, *TYPED])
def test_question_before(snap_compare: Snap, build: Build, tag: str, size: tuple[int, int]) -> None:
    app = build(start_session=True, tag=tag)
    assert snap_compare(app, terminal_size=size, run_before=steady())


@sizes
@pytest.mark.parametrize("tag", [*QUESTIONS, *TYPED])
def test_question_after(snap_compare: Snap, build: Build, tag: str, size: tuple[int, int]) -> None:
    async def answer(pilot: Pilot[Any]) -> None:
        if tag in TYPED:
            await type_text(pilot, TYPED[tag])
            await pilot.press("enter")
        else:
            await pilot.press(*QUESTIONS[tag])

    app = build(start_session=True, tag=tag)
    assert snap_compare(app, terminal_size=size, run_before=steady(answer))


@sizes
def test_summary(snap_compare: Snap, build: Build, size: tuple[int, int]) -> None:
    async def whole_session(pilot: Pilot[Any]) -> None:
        ratings = iter("3434" * 4)
        while isinstance(pilot.app.screen, ReviewScreen):
            await solve(pilot)
            await pilot.press(next(ratings))
            await pilot.pause()
        assert review_screen(pilot.app).session.tally.answered >= 6

    app = build(start_session=True)
    assert snap_compare(app, terminal_size=size, run_before=steady(whole_session))


@sizes
def test_browser(snap_compare: Snap, build: Build, size: tuple[int, int]) -> None:
    async def search(pilot: Pilot[Any]) -> None:
        await pilot.press("slash")
        await type_text(pilot, "deck:speech")
        await pilot.press("enter", "down", "space")

    assert snap_compare(build(), terminal_size=size, run_before=steady(search))
