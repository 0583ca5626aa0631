"""The four answer buttons, each with its key and the interval it would give."""

from __future__ import annotations

from collections.abc import Mapping

from textual.app import ComposeResult
from textual.containers import HorizontalGroup
from textual.content import Content
from textual.message import Message
from textual.widgets import Static

from quizzer.scheduling import describe_interval
from quizzer.state import Rating

LABELS = {Rating.AGAIN: "Again", Rating.HARD: "Hard", Rating.GOOD: "Good", Rating.EASY: "Easy"}


class RatingCell(Static):
    """One rating: `1 Again` over `1m`."""

    def __init__(self, rating: Rating) -> None:
        super().__init__(classes=f"rating rating-{rating.name.lower()}")
        self.rating = rating

    def on_click(self) -> None:
        """A click rates, like the number key."""
        self.post_message(RatingBar.Rated(self.rating))


class RatingBar(HorizontalGroup):
    """Again / Hard / Good / Easy with their intervals; one of them preselected."""

    class Rated(Message):
        """A rating was clicked."""

        def __init__(self, rating: Rating) -> None:
            super().__init__()
            self.rating = rating

    def compose(self) -> ComposeResult:
        """One cell per rating."""
        for rating in Rating:
            yield RatingCell(rating)

    def show(self, intervals: Mapping[Rating, int], selected: Rating) -> None:
        """Label each rating with its interval (none in a session that does not reschedule, whose
        `intervals` are empty) and highlight the selected one."""
        for cell in self.query(RatingCell):
            interval = intervals.get(cell.rating)
            label = Content.assemble(
                (str(int(cell.rating)), "bold"),
                " ",
                LABELS[cell.rating],
                "\n",
                "" if interval is None else describe_interval(interval),
            )
            cell.update(label)
            cell.set_class(cell.rating == selected, "-selected")
