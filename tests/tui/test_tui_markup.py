"""Deck Markdown outside the card's body is rendered too: the source and the hint (math, code),
and the right order of an order question's items."""

from __future__ import annotations

import textwrap
from collections.abc import Callable, Iterator
from pathlib import Path

import pytest
from tui_support import FakeTimer, review_screen, screen_text, solve, until

from quizzer.collection import Collection, open_collection
from quizzer.tui.app import QuizzerApp, make_app
from quizzer.tui.screens.review import ReviewScreen, Stage

DECK = """\
title: Markup
questions:
  - id: basic
    type: basic
    prompt: Which window is $0.5 - 0.5\\cos(2\\pi n/N)$?
    answer: Hann.
    hint: Its ends reach $w(0) = 0$.
    source: '`scipy.signal.get_window` docs; formula $w(n) = 0.5 - 0.5\\cos(2\\pi n/N)$'
    tags: [basic]
  - id: order
    type: order
    prompt: Put the inference steps in order.
    items:
      - sample $z_p$ from the prior
      - invert the flow to get $z$
      - decode `z` to a waveform
    source: Kim et al. 2021
    tags: [order]
"""


def in_review(app: QuizzerApp) -> bool:
    """Whether the session's review screen is up."""
    return any(isinstance(s, ReviewScreen) for s in app.screen_stack)


@pytest.fixture
def markup_collection(
    write_deck: Callable[[str, str], Path], monkeypatch: pytest.MonkeyPatch
) -> Iterator[Collection]:
    """A collection over one deck whose source, hint and items hold math and code."""
    monkeypatch.delenv("NO_COLOR", raising=False)
    write_deck("tts/markup", textwrap.dedent(DECK))
    col = open_collection()
    yield col
    col.close()


async def test_the_source_and_the_hint_render_their_math_and_code(
    markup_collection: Collection,
) -> None:
    app = make_app(collection=markup_collection, tag="basic", start_session=True, timer=FakeTimer())
    async with app.run_test(size=(110, 32)) as pilot:
        await until(pilot, lambda: in_review(app))
        screen = review_screen(app)
        await until(pilot, lambda: screen.stage is Stage.REVEAL)
        await pilot.press("h")
        await until(pilot, lambda: "Hint:" in screen_text(app))
        assert "Hint: Its ends reach w(0) = 0." in screen_text(app)
        await pilot.press("space")
        await until(pilot, lambda: "Source:" in screen_text(app))
        text = screen_text(app)
    assert "Source: scipy.signal.get_window docs; formula w(n) = 0.5 - 0.5 cos(2π n/N)" in text, (
        text
    )
    assert "$" not in text and "`" not in text and "\\cos" not in text


async def test_the_right_order_renders_the_items_math(markup_collection: Collection) -> None:
    app = make_app(collection=markup_collection, tag="order", start_session=True, timer=FakeTimer())
    async with app.run_test(size=(110, 32)) as pilot:
        await until(pilot, lambda: in_review(app))
        await solve(pilot)
        text = screen_text(app)
    assert (
        "Right order: sample zₚ from the prior → invert the flow to get z → decode z to a waveform"
        in text
    ), text
    assert "$" not in text and "`" not in text
