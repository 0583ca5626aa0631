"""Fixtures for the terminal UI: a small decks tree with one question of each type, an open
collection over it, and apps built by `make_app` with a fixed clock and a fake answer timer.

The root conftest already points QUIZZER_HOME and QUIZZER_DECKS at tmp_path, fixes QUIZZER_NOW and
sets TZ=UTC for every test.
"""

from __future__ import annotations

import io
import textwrap
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import pytest
from rich.console import Console
from textual.app import App

from quizzer.collection import Collection, open_collection
from quizzer.tui.app import QuizzerApp, make_app

DECKS = {
    "audio/mfcc": """\
        title: MFCC
        description: Mel-frequency cepstral coefficients.
        tags: [audio]
        questions:
          - id: pipeline
            type: order
            prompt: Put the MFCC pipeline in order.
            items: [framing and windowing, STFT power spectrum, mel filterbank, log, DCT]
            explanation: The DCT comes last; it decorrelates the log mel energies.
            source: Davis and Mermelstein 1980
            tags: [order]
        """,
    "speech/ctc": """\
        title: CTC
        description: Connectionist Temporal Classification.
        tags: [asr]
        questions:
          - id: blank-role
            type: basic
            prompt: What does the blank symbol of $L' = L \\cup \\{blank\\}$ let a CTC model do?
            answer: Emit **no label** for a frame, and separate repeated labels.
            explanation: Without blank, "hello" could not keep its double l.
            source: Graves et al. 2006, section 3.1
            hint: Think of "hello".
            tags: [basic]
          - id: collapse
            type: cloze
            text: CTC decoding first {{c1::merges repeated labels::merge or drop?}}, then {{c2::removes blanks}}.
            explanation: The order matters for double letters.
            tags: [cloze]
          - id: properties
            type: choice
            prompt: Which of these hold for CTC?
            choices:
              - text: Outputs at different frames are conditionally independent
                correct: true
                feedback: Given the input, yes.
              - text: It needs frame-level alignments
                feedback: It sums over all alignments instead.
              - text: It adds a blank label
                correct: true
              - text: It models label-to-label transitions
                feedback: That is an HMM or a transducer.
            explanation: Independence and the blank are its two defining choices.
            source: Graves et al. 2006
            tags: [choice]
        """,
    "speech/whisper": """\
        title: Whisper
        tags: [asr]
        questions:
          - id: tokenizer
            type: typed
            prompt: Which tokenizer does Whisper use?
            answers: [byte-level BPE, BPE]
            explanation: The GPT-2 byte-level BPE, refitted for multilingual text.
            tags: [typed]
          - id: hours
            type: numeric
            prompt: How many hours of audio was Whisper trained on?
            answer: 680000
            tolerance: 5%
            unit: hours
            source: Radford et al. 2022, section 2.1
            tags: [numeric]
        """,
}
"""Decks in id order; new cards come order, basic, cloze c1 and c2, choice, typed, numeric."""

SIZES = [(80, 24), (120, 40)]


class FakeTimer:
    """A monotonic clock that advances 5 s per reading, so durations are fixed."""

    def __init__(self) -> None:
        self.now = 1000.0

    def __call__(self) -> float:
        self.now += 5.0
        return self.now


@pytest.fixture
def deck_tree(write_deck: Callable[[str, str], Path], decks_dir: Path) -> Path:
    """The TUI fixture decks written under the test's decks tree."""
    for deck_id, text in DECKS.items():
        write_deck(deck_id, textwrap.dedent(text))
    return decks_dir


@pytest.fixture
def collection(deck_tree: Path, monkeypatch: pytest.MonkeyPatch) -> Iterator[Collection]:
    """An open collection over the fixture decks; colours on, whatever the caller's terminal."""
    monkeypatch.delenv("NO_COLOR", raising=False)
    monkeypatch.delenv("EDITOR", raising=False)
    monkeypatch.delenv("VISUAL", raising=False)
    col = open_collection()
    yield col
    col.close()


@pytest.fixture
def build(collection: Collection) -> Callable[..., QuizzerApp]:
    """`build(start_session=True, tag='order')`: an app over the fixture collection."""

    def make(**kwargs: Any) -> QuizzerApp:
        kwargs.setdefault("timer", FakeTimer())
        return make_app(collection=collection, **kwargs)

    return make


def screen_text(app: App[Any]) -> str:
    """The screen as plain text, as a terminal would show it."""
    width, height = app.size
    console = Console(width=width, height=height, file=io.StringIO(), force_terminal=True,
                      color_system="truecolor", record=True, legacy_windows=False, safe_box=False)
    console.print(app.screen._compositor.render_update(
        full=True, screen_stack=app._background_screens, simplify=True))
    return "\n".join(line.rstrip() for line in console.export_text().splitlines())
