"""The order mode: items moved into place with the keyboard, then checked."""

from __future__ import annotations

from collections.abc import Sequence

from textual.app import ComposeResult
from textual.content import Content
from textual.widgets import Static

from quizzer.decks.cards import Card
from quizzer.decks.grading import Graded
from quizzer.decks.models import Order
from quizzer.tui.render import right_order, verdict_line
from quizzer.tui.widgets.answer import AnswerMode, Stage
from quizzer.tui.widgets.options import OptionList, OrderList


class OrderAnswer(AnswerMode):
    """The items of an order question, with how to move them."""

    KINDS = ("order",)
    STAGE = Stage.ORDER

    def compose(self) -> ComposeResult:
        """How to answer, then the items."""
        yield Static(
            "Put these in order: ↑↓ pick an item, k/j or ⇧↑/⇧↓ move it, enter to check.",
            classes="instructions",
        )
        yield OrderList(id="order")

    async def show(self, card: Card, order: Sequence[int]) -> None:
        """Show the items in their shown order, the cursor on the first."""
        await super().show(card, order)
        assert isinstance(card.question, Order)
        await self.query_one(OrderList).show([card.question.items[j] for j in self.order])

    def move_cursor(self, step: int) -> None:
        """Move the cursor among the items."""
        self.query_one(OrderList).move_cursor(step)

    def move_item(self, step: int) -> None:
        """Move the item under the cursor."""
        self.query_one(OrderList).move_item(step)

    def on_option_list_clicked(self, message: OptionList.Clicked) -> None:
        """A click on an item puts the cursor there."""
        message.stop()
        items = self.query_one(OrderList)
        items.cursor = message.index
        items.redraw()

    def check(self) -> None:
        """Answer with the arrangement."""
        arrangement = self.query_one(OrderList).arrangement
        self.post_message(self.Answered(",".join(str(p + 1) for p in arrangement)))

    def reveal(self, graded: Graded) -> None:
        """Mark each position right or wrong, and where a misplaced item belongs."""
        items = self.query_one(OrderList)
        items.reveal(graded.marks, [self.order[p] for p in items.arrangement])

    def verdict(self, graded: Graded) -> Content:
        """The verdict, then the right order."""
        assert self.card is not None and isinstance(self.card.question, Order)
        items = right_order(self.card.question.items).stylize("bold")
        return Content.assemble(verdict_line(graded), "\n", ("Right order: ", "dim"), items)
