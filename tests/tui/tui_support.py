"""Shared pieces of the TUI tests: the fixture decks, a fake timer, the screen as text, and a
driver that answers whatever card is shown, the right way, from the keyboard."""

from __future__ import annotations

import io
from typing import Any

from rich.console import Console
from textual.app import App
from textual.pilot import Pilot

from quizzer.decks.models import Basic, Cloze, MultipleChoice, Numeric, Order, Typed
from quizzer.tui.screens.review import ReviewScreen, Stage
from quizzer.tui.widgets.options import OrderList

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
            text: >-
              CTC decoding first {{c1::merges repeated labels::merge or drop?}},
              then {{c2::removes blanks}}.
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
"""Every snapshot is taken at the smallest supported size and at a roomy one."""


class FakeTimer:
    """A monotonic clock that advances 5 s per reading, so durations are fixed."""

    def __init__(self) -> None:
        self.now = 1000.0

    def __call__(self) -> float:
        self.now += 5.0
        return self.now


def screen_text(app: App[Any]) -> str:
    """The screen as plain text, as a terminal would show it."""
    width, height = app.size
    console = Console(
        width=width,
        height=height,
        file=io.StringIO(),
        force_terminal=True,
        color_system="truecolor",
        record=True,
        legacy_windows=False,
        safe_box=False,
    )
    console.print(
        app.screen._compositor.render_update(
            full=True, screen_stack=app._background_screens, simplify=True
        )
    )
    return "\n".join(line.rstrip() for line in console.export_text().splitlines())


def review_screen(app: App[Any]) -> ReviewScreen:
    """The review screen, wherever it is in the stack."""
    return next(s for s in app.screen_stack if isinstance(s, ReviewScreen))


async def type_text(pilot: Pilot[Any], text: str) -> None:
    """Type text into the focused input, key by key."""
    await pilot.press(*("space" if ch == " " else ch for ch in text))


async def solve(pilot: Pilot[Any]) -> str:
    """Answer the card on screen correctly with the keys a learner would press, up to its
    ratings; returns the question type."""
    screen = review_screen(pilot.app)
    await until(pilot, lambda: screen.card is not None)  # the screen may still be mounting
    card = screen.card
    assert card is not None
    q = card.question
    if isinstance(q, Basic | Cloze):
        await pilot.press("space")
    elif isinstance(q, MultipleChoice):
        for position, index in enumerate(screen.shown):
            if q.choices[index].correct:
                await pilot.press(str(position + 1))
        if q.multi:
            await pilot.press("enter")  # a single right option is answered by its number alone
    elif isinstance(q, Order):
        order = screen.query_one(OrderList)
        for target in range(len(q.items)):
            current = next(p for p, i in enumerate(order.arrangement) if screen.shown[i] == target)
            while order.cursor < current:
                await pilot.press("down")
            while order.cursor > current:
                await pilot.press("up")
            for _ in range(current - target):
                await pilot.press("k")
        await pilot.press("enter")
    elif isinstance(q, Typed):
        await type_text(pilot, q.answers[0])
        await pilot.press("enter")
    elif isinstance(q, Numeric):
        await type_text(pilot, f"{q.answer:g}" if q.answer != int(q.answer) else str(int(q.answer)))
        await pilot.press("enter")
    await pilot.pause()
    assert screen.stage is Stage.RATE, f"{card.id} not answered"
    return q.kind


async def until(pilot: Pilot[Any], predicate: Any, timeout: float = 10.0) -> None:
    """Let the app run until `predicate()` holds (for work done in threads)."""
    waited = 0.0
    while not predicate():
        assert waited < timeout, "timed out waiting for the app"
        await pilot.pause(0.05)
        waited += 0.05
