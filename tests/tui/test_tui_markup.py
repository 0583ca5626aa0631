"""Deck Markdown is rendered wherever the review screen shows it: the source and the hint (math,
code), the right order of an order question's items, and cloze deletions inside code or against a
word."""

from __future__ import annotations

import textwrap
from collections.abc import Callable, Iterator
from pathlib import Path

import pytest
from tui_support import FakeTimer, review_screen, screen_text, solve, until

from quizzer.collection import Collection, load_decks, open_collection
from quizzer.tui.app import QuizzerApp, make_app
from quizzer.tui.render import screen_faces
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
  - id: in-code
    type: cloze
    text: >-
      Resample with `ffmpeg -i in.mp3 {{c1::-ar}} 16000 out.wav`
      or `ds.{{c2::cast_column}}("audio")`.
    source: ffmpeg docs
    tags: [cloze]
  - id: against-a-word
    type: cloze
    text: 'It subsamples {{c1::8}}x, then {{c2::(twice)}}more.'
    tags: [cloze]
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
        await until(pilot, lambda: review_screen(app).stage is Stage.ORDER)
        await solve(pilot)
        text = screen_text(app)
    assert (
        "Right order: sample zₚ from the prior → invert the flow to get z → decode z to a waveform"
        in text
    ), text
    assert "$" not in text and "`" not in text


def test_a_cloze_deletion_in_code_or_against_a_word_is_bold(
    markup_collection: Collection,
) -> None:
    index = markup_collection.tree.card_index()
    code = screen_faces(index["tts/markup:in-code#c1"])
    # Markdown has no bold inside code: the code span is cut around the deletion
    assert code.front.startswith("Resample with `ffmpeg -i in.mp3` **\\[…\\]** `16000 out.wav` or")
    assert "`ffmpeg -i in.mp3` **`-ar`** `16000 out.wav`" in code.back
    call = screen_faces(index["tts/markup:in-code#c2"])
    assert '`ds.`**\\[…\\]**`("audio")`' in call.front
    assert '`ds.`**`cast_column`**`("audio")`' in call.back
    # `**\[…\]**x` would not be bold: the brackets go outside the bold
    word = screen_faces(index["tts/markup:against-a-word#c1"])
    assert word.front.startswith("It subsamples \\[**…**\\]x, then")
    assert word.back.startswith("It subsamples **8**x, then")
    # an answer that `**` cannot make bold where it stands is shown plainly
    assert screen_faces(index["tts/markup:against-a-word#c2"]).back.endswith("then (twice)more.")


def test_a_cloze_holding_the_slot_characters_itself_shows_them(
    write_deck: Callable[[str, str], Path],
) -> None:
    # deletions wait in private-use characters while the faces are built: a text's own, even in
    # a slot's shape, are shown as they are
    write_deck(
        "d/own",
        "title: Own\nquestions:\n  - id: q\n    type: cloze\n"
        '    text: "a \\ue0003\\ue001 {{c1::b}} `\\ue0002\\ue001`"\n',
    )
    card = load_decks().card_index()["d/own:q#c1"]
    faces = screen_faces(card)
    assert faces.front.startswith("a \ue0003\ue001 **\\[…\\]**")
    assert "**b**" in faces.back and "\ue0003\ue001" in faces.back
    # and a code span holding them is not cut as if a deletion were in it
    assert faces.front.endswith("`\ue0002\ue001`") and faces.back.endswith("`\ue0002\ue001`")


async def test_cloze_deletions_in_code_show_no_markup(markup_collection: Collection) -> None:
    app = make_app(collection=markup_collection, tag="cloze", start_session=True, timer=FakeTimer())
    async with app.run_test(size=(110, 32)) as pilot:
        await until(pilot, lambda: in_review(app))
        screen = review_screen(app)
        seen = []
        for _ in range(4):
            await until(pilot, lambda: screen.stage is Stage.REVEAL)
            front = screen_text(app)
            await pilot.press("space")
            await until(pilot, lambda: screen.stage is Stage.RATE)
            seen.append((front, screen_text(app)))
            await pilot.press("3")
    fronts = "\n".join(f for f, _ in seen)
    backs = "\n".join(b for _, b in seen)
    for text in (fronts, backs):
        assert "**" not in text and "`" not in text and "\\[" not in text, text
    assert "ffmpeg -i in.mp3 […] 16000 out.wav" in fronts
    assert "ffmpeg -i in.mp3 -ar 16000 out.wav" in backs
    assert "It subsamples […]x, then" in fronts
    assert "It subsamples 8x, then (twice)more." in backs
