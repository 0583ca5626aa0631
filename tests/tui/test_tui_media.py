"""Figures and clips on the review screen: a figure drawn in half blocks with its alt text, `p`
playing the card's clip through the configured player (stopped when the card changes), and a
clear message naming the file when there is no player."""

from __future__ import annotations

import fcntl
import json
import os
import pty
import struct
import subprocess
import sys
import termios
import textwrap
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import pytest
from media_support import wav_bytes
from PIL import Image, ImageDraw
from textual.pilot import Pilot
from tui_support import FakeTimer, review_screen, screen_text, until

from quizzer.collection import Collection, open_collection
from quizzer.tui.app import make_app
from quizzer.tui.screens.review import ReviewScreen
from quizzer.tui.widgets.media import fit

DECK = """\
title: Windows
questions:
  - id: which-window
    type: choice
    prompt: |-
      Which bar is the tallest?

      ![three bars, red, green and blue](media/bars.png)
    choices:
      - {text: the red one}
      - {text: the green one, correct: true}
      - {text: the blue one}
    source: drawn by the test
    tags: [figure]
  - id: which-depth
    type: basic
    prompt: "Which bit depth is this? ![a tone at 3 bits](media/tone.wav)"
    answer: 3 bits
    tags: [clip]
  - id: after
    type: basic
    prompt: A card without media.
    answer: Yes.
    tags: [clip]
"""

RECORDER = """\
import sys, time
with open(sys.argv[1], "a", encoding="utf-8") as log:
    log.write(repr(sys.argv[2:]) + "\\n")
time.sleep(60)
"""


def draw_bars(path: Path) -> None:
    """A figure with three coloured bars of different heights on white."""
    img = Image.new("RGB", (320, 120), "white")
    draw = ImageDraw.Draw(img)
    for i, (colour, height) in enumerate([("red", 60), ("green", 110), ("blue", 30)]):
        draw.rectangle([20 + i * 100, 120 - height, 90 + i * 100, 119], fill=colour)
    img.save(path, "PNG")


@pytest.fixture
def media_collection(
    write_deck: Callable[[str, str], Path], monkeypatch: pytest.MonkeyPatch
) -> Iterator[Collection]:
    """A collection over one deck with a figure card and a clip card; half blocks forced."""
    monkeypatch.setenv("QUIZZER_GRAPHICS", "halfblock")
    monkeypatch.delenv("NO_COLOR", raising=False)
    monkeypatch.delenv("QUIZZER_PLAYER", raising=False)
    deck = write_deck("signals/windows", textwrap.dedent(DECK))
    (deck.parent / "media").mkdir()
    draw_bars(deck.parent / "media" / "bars.png")
    (deck.parent / "media" / "tone.wav").write_bytes(wav_bytes())
    col = open_collection()
    yield col
    col.close()


async def first_card(pilot: Pilot[Any]) -> ReviewScreen:
    """The review screen once it shows its first card."""
    app = pilot.app
    await until(pilot, lambda: any(isinstance(s, ReviewScreen) for s in app.screen_stack))
    screen = review_screen(app)
    await until(pilot, lambda: screen.card is not None)
    return screen


def test_fit_keeps_proportions_within_the_space() -> None:
    assert fit((320, 120), 76, 100) == (76, 14)  # 76 columns: 152 half-rows tall -> 14 rows
    assert fit((320, 120), 76, 10) == (53, 10)  # too tall: the height decides
    assert fit((320, 120), 0, 10) == (0, 0)


def test_figure_in_half_blocks_at_80x24(
    snap_compare: Callable[..., bool], media_collection: Collection
) -> None:
    app = make_app(collection=media_collection, start_session=True, tag="figure", timer=FakeTimer())
    assert snap_compare(app, terminal_size=(80, 24))


async def test_figure_is_drawn_with_its_alt_text_under_it(media_collection: Collection) -> None:
    app = make_app(collection=media_collection, start_session=True, tag="figure", timer=FakeTimer())
    async with app.run_test(size=(80, 24)) as pilot:
        await until(pilot, lambda: "three bars, red, green and blue" in screen_text(app))
        text = screen_text(app)
        lines = text.splitlines()
        alt = next(i for i, line in enumerate(lines) if "three bars, red, green and blue" in line)
        drawn = [i for i, line in enumerate(lines) if "▀" in line]
        assert drawn and max(drawn) < alt, text
        assert "🖼" not in text and "media/bars.png" not in text


async def test_alt_text_alone_under_no_color(
    media_collection: Collection, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("NO_COLOR", "1")
    app = make_app(collection=media_collection, start_session=True, tag="figure", timer=FakeTimer())
    async with app.run_test(size=(80, 24)) as pilot:
        await until(pilot, lambda: "three bars" in screen_text(app))
        text = screen_text(app)
        assert "[figure: three bars, red, green and blue]" in text
        assert "▀" not in text


async def test_p_plays_the_clip_and_the_next_card_stops_it(
    media_collection: Collection, monkeypatch: pytest.MonkeyPatch, tmp_path: Path
) -> None:
    script, log = tmp_path / "player.py", tmp_path / "played.log"
    script.write_text(RECORDER, encoding="utf-8")
    monkeypatch.setenv("QUIZZER_PLAYER", f"{sys.executable} {script} {log}")
    app = make_app(collection=media_collection, start_session=True, tag="clip", timer=FakeTimer())
    async with app.run_test(size=(80, 24)) as pilot:
        screen = await first_card(pilot)
        assert screen.card is not None and screen.card.question.id == "which-depth"
        await until(pilot, lambda: "♪ a tone at 3 bits" in screen_text(app))
        await pilot.press("p")
        process = screen.player.process
        assert process is not None
        await until(pilot, lambda: log.exists() and log.read_text().strip() != "", timeout=60)
        clip = media_collection.tree.root / "signals" / "media" / "tone.wav"
        assert log.read_text().splitlines() == [repr([str(clip.resolve())])]
        assert process.poll() is None  # still playing: the screen did not wait for it
        await pilot.press("space", "3")  # show the answer, rate Good: the next card
        await until(pilot, lambda: screen.card is not None and screen.card.question.id == "after")
        assert process.poll() is not None
        assert screen.player.process is None


async def test_no_player_says_so_and_names_the_file(
    media_collection: Collection, monkeypatch: pytest.MonkeyPatch, tmp_path: Path
) -> None:
    empty = tmp_path / "empty-bin"
    empty.mkdir()
    monkeypatch.setenv("PATH", str(empty))
    app = make_app(collection=media_collection, start_session=True, tag="clip", timer=FakeTimer())
    async with app.run_test(size=(80, 24)) as pilot:
        await first_card(pilot)
        await pilot.press("p")
        await pilot.pause()
        messages: list[Any] = [n.message for n in app._notifications]
        clip = media_collection.tree.root / "signals" / "media" / "tone.wav"
        assert any(
            m.startswith("no audio player found") and str(clip.resolve()) in m for m in messages
        ), messages


def test_the_graphics_probe_starts_before_textual_is_imported(tmp_path: Path) -> None:
    """`quizzer review` asks the terminal what it can draw in a thread that starts before the
    app's imports, so that the terminal's slow answers (or none) overlap them: the module that
    starts it imports nothing of Textual, and `renderer` gives what the probe found. With no
    terminal there is nothing to wait for, and no thread."""
    code = (
        "import json, sys\n"
        "from quizzer.tui import graphics\n"
        "light = not any(m.split('.')[0] in ('textual', 'textual_image') for m in sys.modules)\n"
        "graphics.start_probe()\n"
        "probed = graphics._probe is not None\n"
        "found = graphics.renderer()\n"
        "done = graphics._probe is None or not graphics._probe.is_alive()\n"
        "with open(sys.argv[1], 'w') as out:\n"
        "    json.dump([light, probed, done, found.__name__], out)\n"
    )
    env = {**os.environ, "QUIZZER_GRAPHICS": "halfblock"}
    env.pop("NO_COLOR", None)
    env.pop("TERM", None)
    result = tmp_path / "found.json"

    master, slave = pty.openpty()
    fcntl.ioctl(slave, termios.TIOCSWINSZ, struct.pack("HHHH", 24, 80, 0, 0))  # 80x24
    try:  # in a terminal that answers no question: each waits its 0.1 s
        child = subprocess.run(
            [sys.executable, "-c", code, str(result)],
            env=env,
            stdin=slave,
            stdout=slave,
            stderr=slave,
            check=False,
            timeout=60,
        )
    finally:
        os.close(slave)
        os.close(master)
    assert child.returncode == 0
    assert json.loads(result.read_text()) == [True, True, True, "HalfcellImage"]

    done = subprocess.run(  # no terminal: no thread
        [sys.executable, "-c", code, str(result)], env=env, capture_output=True, check=False
    )
    assert done.returncode == 0, done.stderr
    assert json.loads(result.read_text()) == [True, False, True, "HalfcellImage"]
