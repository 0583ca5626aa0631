"""What the answer modes of the review screen have in common.

The review screen shows one answer mode per card (flashcard, choice, order, typed), switched in a
`ContentSwitcher`. The screen hands a mode its card (attributes down); the mode posts `Answered`
with the learner's response when they commit to one (messages up); the screen grades it through
the session and hands the grade back for the mode to mark (`reveal`) and to word (`verdict`).
"""

from __future__ import annotations

from collections.abc import Sequence
from enum import Enum, auto
from typing import ClassVar

from textual.containers import VerticalGroup
from textual.content import Content
from textual.message import Message

from quizzer.decks.cards import Card
from quizzer.decks.grading import Graded
from quizzer.tui.render import verdict_line


class Stage(Enum):
    """Where the current card is."""

    EMPTY = auto()
    REVEAL = auto()
    CHOOSE = auto()
    ORDER = auto()
    TYPE = auto()
    RATE = auto()


class AnswerMode(VerticalGroup):
    """The part of the card the learner answers with; one subclass per way of answering."""

    KINDS: ClassVar[tuple[str, ...]] = ()
    """The question types (`Question.kind`) this mode answers."""
    STAGE: ClassVar[Stage]
    """The stage the screen is in while this mode waits for an answer."""

    class Answered(Message):
        """The learner committed to a response; `graded` is set when the mode could grade it
        without the session (a typed answer left blank)."""

        def __init__(self, response: str, graded: Graded | None = None) -> None:
            super().__init__()
            self.response = response
            self.graded = graded

    def __init__(self, *, id: str | None = None) -> None:
        super().__init__(id=id)
        self.card: Card | None = None
        self.order: list[int] = []
        """Shown position to the question's own index (choice and order cards)."""

    async def show(self, card: Card, order: Sequence[int]) -> None:
        """Get ready for a new card; `order` is its shown order (`Session.shown_order`)."""
        self.card = card
        self.order = list(order)

    def stand_by(self) -> None:
        """Another mode takes over: let go of the keyboard."""

    def reveal(self, graded: Graded) -> None:
        """Mark the response once graded."""

    def verdict(self, graded: Graded) -> Content:
        """What the screen says about the response."""
        return verdict_line(graded)

    def show_error(self, message: str) -> None:
        """The response could not be graded (say why, and let the learner try again)."""
        self.notify(message, severity="warning")
