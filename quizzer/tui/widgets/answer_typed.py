"""The typed mode: a typed or numeric answer, graded on enter (enter alone gives up)."""

from __future__ import annotations

from collections.abc import Sequence

from textual.app import ComposeResult
from textual.containers import HorizontalGroup
from textual.content import Content
from textual.widgets import Input, Static

from quizzer.decks.cards import Card
from quizzer.decks.faces import faces
from quizzer.decks.grading import Graded
from quizzer.tui.render import not_answered, typed_feedback
from quizzer.tui.widgets.answer import AnswerMode, Stage


class TypedAnswer(AnswerMode):
    """The answer box (with the unit of a numeric answer) and what was wrong with the input."""

    KINDS = ("typed", "numeric")
    STAGE = Stage.TYPE

    def compose(self) -> ComposeResult:
        """How to answer, the box and its unit, the input error."""
        yield Static(
            "Type the answer and press enter (enter alone shows it).", classes="instructions"
        )
        with HorizontalGroup(id="typed-row"):
            yield Input(id="response", disabled=True)
            yield Static(id="unit")
        yield Static(id="input-error")

    async def show(self, card: Card, order: Sequence[int]) -> None:
        """An empty box, focused, with its unit."""
        await super().show(card, order)
        unit = faces(card).unit
        self.query_one("#unit", Static).update(unit or "")
        self.query_one("#unit").display = bool(unit)
        self.query_one("#input-error").display = False
        response = self.query_one(Input)
        response.disabled = False
        response.value = ""
        response.placeholder = "a number" if card.question.kind == "numeric" else "your answer"
        response.focus()

    def on_input_submitted(self, event: Input.Submitted) -> None:
        """Answer with the text; an empty one gives up and shows the answer."""
        event.stop()
        if self.card is None or self.query_one(Input).disabled:
            return
        text = event.value
        self.post_message(self.Answered(text, None if text.strip() else not_answered(self.card)))

    def show_error(self, message: str) -> None:
        """The input could not be read (not a number...): say why under the box."""
        error = self.query_one("#input-error", Static)
        error.update(Content.styled(message, "$text-error"))
        error.display = True

    def stand_by(self) -> None:
        """Close the box, so that it cannot take the keys while hidden."""
        self.query_one(Input).disabled = True

    def reveal(self, graded: Graded) -> None:
        """Close the box."""
        self.query_one("#input-error").display = False
        self.stand_by()

    def verdict(self, graded: Graded) -> Content:
        """The verdict, with the response set against the answer."""
        assert self.card is not None
        return typed_feedback(self.card, self.query_one(Input).value, graded)
