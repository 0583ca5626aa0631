"""The choice mode: options chosen by number (or arrows and space), then checked."""

from __future__ import annotations

from collections.abc import Sequence

from textual.app import ComposeResult
from textual.widgets import Static

from quizzer.decks.cards import Card
from quizzer.decks.grading import Graded
from quizzer.decks.models import MultipleChoice
from quizzer.tui.widgets.answer import AnswerMode, Stage
from quizzer.tui.widgets.options import ChoiceList, OptionList


class ChoiceAnswer(AnswerMode):
    """The options of a choice question, with how to answer."""

    KINDS = ("choice",)
    STAGE = Stage.CHOOSE

    def compose(self) -> ComposeResult:
        """How to answer, then the options."""
        yield Static(classes="instructions")
        yield ChoiceList(id="choices")

    @property
    def question(self) -> MultipleChoice:
        """The question shown."""
        assert self.card is not None and isinstance(self.card.question, MultipleChoice)
        return self.card.question

    @property
    def count(self) -> int:
        """How many options are shown."""
        return len(self.query_one(ChoiceList).texts)

    async def show(self, card: Card, order: Sequence[int]) -> None:
        """Show the options in their shown order, none chosen."""
        await super().show(card, order)
        q = self.question
        await self.query_one(ChoiceList).show([q.choices[j].text for j in self.order], q.multi)
        self.query_one(".instructions", Static).update(
            "Several options are right: choose each by its number, then enter."
            if q.multi
            else "Answer with the option's number (or ↑↓, space, enter)."
        )

    def choose(self, number: int) -> None:
        """Choose or unchoose an option by its shown number; with one right option, the number
        answers at once."""
        choices = self.query_one(ChoiceList)
        choices.toggle(number - 1)
        if not choices.multi and choices.chosen:
            self.check()

    def toggle_cursor(self) -> None:
        """Choose or unchoose the option under the cursor."""
        choices = self.query_one(ChoiceList)
        choices.toggle(choices.cursor)

    def move_cursor(self, step: int) -> None:
        """Move the cursor among the options."""
        self.query_one(ChoiceList).move_cursor(step)

    def on_option_list_clicked(self, message: OptionList.Clicked) -> None:
        """A click on an option toggles it."""
        message.stop()
        self.query_one(ChoiceList).toggle(message.index)

    def check(self) -> None:
        """Answer with the chosen options."""
        chosen = self.query_one(ChoiceList).chosen
        if not chosen:
            self.notify("Choose an option with its number first.", severity="warning")
            return
        self.post_message(self.Answered(",".join(str(p + 1) for p in sorted(chosen))))

    def reveal(self, graded: Graded) -> None:
        """Mark each option right or wrong, with its feedback."""
        q = self.question
        self.query_one(ChoiceList).reveal(
            [q.choices[j].correct for j in self.order],
            [q.choices[j].feedback for j in self.order],
        )
