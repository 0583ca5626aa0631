"""The flashcard mode: a basic or cloze card is turned over, then self-rated."""

from __future__ import annotations

from collections.abc import Sequence

from textual.app import ComposeResult
from textual.widgets import Markdown

from quizzer.decks.cards import Card
from quizzer.tui.render import screen_faces
from quizzer.tui.widgets.answer import AnswerMode, Stage


class FlashcardAnswer(AnswerMode):
    """The back of the card, hidden until the learner turns it over."""

    KINDS = ("basic", "cloze")
    STAGE = Stage.REVEAL

    def compose(self) -> ComposeResult:
        """The back, as Markdown."""
        yield Markdown(id="answer")

    async def show(self, card: Card, order: Sequence[int]) -> None:
        """Hide the back of the previous card."""
        await super().show(card, order)
        self.query_one("#answer").display = False

    async def turn_over(self) -> None:
        """Show the back (a cloze card's back is its whole text, so it replaces the front)."""
        card = self.card
        assert card is not None
        back = screen_faces(card).back
        answer = self.query_one("#answer", Markdown)
        answer.set_class(card.question.kind == "cloze", "cloze")
        await answer.update(back or "")
        answer.display = True
