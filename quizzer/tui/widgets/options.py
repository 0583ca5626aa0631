"""The options of a choice question and the items of an order question, one row each.

A row has a narrow gutter (cursor, number, box or mark) and the text beside it, so long options wrap
under their own text. Rows are kept between cards and only hidden, so showing a card mounts nothing
in the common case.
"""

from __future__ import annotations

from collections.abc import Sequence

from textual.app import ComposeResult
from textual.containers import HorizontalGroup, VerticalGroup
from textual.content import Content
from textual.message import Message
from textual.widgets import Static

from quizzer.tui.render import inline


class OptionRow(HorizontalGroup):
    """One option or item: a gutter and its text."""

    def __init__(self, index: int) -> None:
        super().__init__(classes="option-row")
        self.index = index
        # made here, not found by a query: a row is set as soon as it is mounted, and under load
        # that came before its children were composed
        self._gutter = Static(classes="gutter")
        self._text = Static(classes="text")

    def compose(self) -> ComposeResult:
        """The gutter and the text."""
        yield self._gutter
        yield self._text

    def set(self, gutter: Content | str, text: Content, classes: str) -> None:
        """Show this row with the given gutter, text and state classes."""
        self._gutter.update(gutter)
        self._text.update(text)
        self.set_classes(f"option-row {classes}".strip())
        self.display = True

    def on_click(self) -> None:
        """A click picks the row, like its number key."""
        self.post_message(OptionList.Clicked(self.index))


class OptionList(VerticalGroup):
    """Rows of text with a cursor; subclasses decide what the rows say."""

    class Clicked(Message):
        """A row was clicked."""

        def __init__(self, index: int) -> None:
            super().__init__()
            self.index = index

    def __init__(self, *, id: str | None = None) -> None:
        super().__init__(id=id)
        self.texts: list[str] = []
        self.cursor = 0
        self.answered = False
        self.rows: list[OptionRow] = []
        """The rows in use, one per text. Kept here rather than queried: under load a query of
        the DOM right after mounting did not list them all (nor a row's children: see
        `OptionRow`)."""
        self._made: list[OptionRow] = []
        """Every row mounted so far (the ones not in use are hidden)."""

    async def _rows(self, count: int) -> list[OptionRow]:
        made = self._made
        if len(made) < count:
            new = [OptionRow(i) for i in range(len(made), count)]
            made += new
            await self.mount_all(new)
        for row in made[count:]:
            row.display = False
        self.rows = made[:count]
        return self.rows

    def move_cursor(self, step: int) -> None:
        """Move the cursor, stopping at the ends."""
        if self.texts:
            self.cursor = max(0, min(len(self.texts) - 1, self.cursor + step))
            self.redraw()

    def redraw(self) -> None:
        """Refresh every row from the current state."""
        raise NotImplementedError

    def _scroll_to_cursor(self) -> None:
        rows = self.rows
        if self.cursor < len(rows) and not self.answered:
            rows[self.cursor].scroll_visible(animate=False)


class ChoiceList(OptionList):
    """The options of a choice question, numbered as shown; one or several can be chosen."""

    def __init__(self, *, id: str | None = None) -> None:
        super().__init__(id=id)
        self.multi = False
        self.chosen: set[int] = set()
        self.correct: list[bool] = []
        self.feedback: list[str | None] = []

    async def show(self, texts: Sequence[str], multi: bool) -> None:
        """Show new options (in shown order), none chosen."""
        self.texts = list(texts)
        self.multi = multi
        self.chosen = set()
        self.cursor = 0
        self.answered = False
        await self._rows(len(self.texts))
        self.redraw()

    def toggle(self, position: int) -> None:
        """Choose or unchoose the option at a shown position (0-based); with a single right
        answer, choosing one unchooses the others."""
        if not 0 <= position < len(self.texts) or self.answered:
            return
        self.cursor = position
        if position in self.chosen:
            self.chosen.discard(position)
        elif self.multi:
            self.chosen.add(position)
        else:
            self.chosen = {position}
        self.redraw()

    def reveal(self, correct: Sequence[bool], feedback: Sequence[str | None]) -> None:
        """Mark each option right or wrong (in shown order) and show its feedback."""
        self.correct = list(correct)
        self.feedback = list(feedback)
        self.answered = True
        self.redraw()

    def redraw(self) -> None:
        """Refresh every row from the current state."""
        rows = self.rows
        for i, text in enumerate(self.texts):
            chosen = i in self.chosen
            box = ("[x]" if chosen else "[ ]") if self.multi else ("(•)" if chosen else "( )")
            body = inline(text)
            if not self.answered:
                pointer = "›" if i == self.cursor else " "
                gutter = Content.assemble(pointer, (f"{i + 1:>2} ", "bold"), box)
                state = ("-cursor " if i == self.cursor else "") + ("-chosen" if chosen else "")
            else:
                right = self.correct[i]
                mark = "✓" if right else ("✗" if chosen else " ")
                gutter = Content.assemble(mark, (f"{i + 1:>2} ", "bold"), box)
                if right and chosen:
                    state = "-right"
                elif right:
                    state = "-missed"
                    body = Content.assemble(body, ("  (missed)", "italic"))
                elif chosen:
                    state = "-wrong"
                else:
                    state = "-other"
                note = self.feedback[i]
                if note:
                    body = Content.assemble(body, "\n", inline(note).stylize("italic dim"))
            rows[i].set(gutter, body, state)
        self._scroll_to_cursor()


class OrderList(OptionList):
    """The items of an order question, moved into place with the keyboard."""

    def __init__(self, *, id: str | None = None) -> None:
        super().__init__(id=id)
        self.arrangement: list[int] = []
        """Indices into `texts`, top to bottom, as the learner has placed them."""
        self.marks: list[bool] = []
        self.right_order: list[int] = []

    async def show(self, texts: Sequence[str]) -> None:
        """Show items (in shown order), the cursor on the first."""
        self.texts = list(texts)
        self.arrangement = list(range(len(self.texts)))
        self.cursor = 0
        self.answered = False
        await self._rows(len(self.texts))
        self.redraw()

    def move_item(self, step: int) -> None:
        """Move the item under the cursor up or down; the cursor follows it."""
        target = self.cursor + step
        if self.answered or not 0 <= target < len(self.arrangement):
            return
        a = self.arrangement
        a[self.cursor], a[target] = a[target], a[self.cursor]
        self.cursor = target
        self.redraw()

    def reveal(self, marks: Sequence[bool], right_positions: Sequence[int]) -> None:
        """Mark each position right or wrong; `right_positions[k]` is where the k-th placed item
        belongs (0-based)."""
        self.marks = list(marks)
        self.right_order = list(right_positions)
        self.answered = True
        self.redraw()

    def redraw(self) -> None:
        """Refresh every row from the current state."""
        rows = self.rows
        for position, item in enumerate(self.arrangement):
            body = inline(self.texts[item])
            if not self.answered:
                here = position == self.cursor
                gutter = Content.assemble("›" if here else " ", (f"{position + 1:>2}.", "bold"))
                state = "-cursor" if here else ""
            else:
                right = self.marks[position]
                gutter = Content.assemble("✓" if right else "✗", (f"{position + 1:>2}.", "bold"))
                state = "-right" if right else "-wrong"
                if not right:
                    belongs = self.right_order[position] + 1
                    body = Content.assemble(body, (f"  → belongs at {belongs}", "italic"))
            rows[position].set(gutter, body, state)
        self._scroll_to_cursor()
