"""Custom study: more new or review cards today, review ahead, forgotten cards, a tag or a
search, or a cram, on one deck or folder. The screen only asks; home carries the choice out."""

from __future__ import annotations

from dataclasses import dataclass
from typing import ClassVar

from textual.app import ComposeResult
from textual.binding import Binding, BindingType
from textual.containers import HorizontalGroup, VerticalGroup
from textual.content import Content
from textual.screen import ModalScreen
from textual.widgets import Input, RadioButton, RadioSet, Static

from quizzer.errors import QuizzerError

CHOICES: tuple[tuple[str, str, str], ...] = (
    ("new", "Increase today's new card limit", "More new cards:"),
    ("reviews", "Increase today's review card limit", "More reviews:"),
    ("ahead", "Review ahead (rescheduled)", "Cards due within days:"),
    ("forgotten", "Review forgotten cards (not rescheduled)", "Rated Again in the last days:"),
    ("query", "Study by tag or search", "Search (e.g. tag:metric):"),
    ("cram", "Cram all cards (not rescheduled)", "Nothing to fill in:"),
)
"""(kind, label, what the field asks) of each choice, in the order shown."""

DEFAULTS = {"new": "10", "reviews": "50", "ahead": "1", "forgotten": "1", "query": "", "cram": ""}


@dataclass(frozen=True, slots=True)
class CustomStudy:
    """What the learner chose: the kind, and its number of cards or days, or its search."""

    kind: str
    amount: int = 0
    query: str = ""


def read_choice(kind: str, text: str) -> CustomStudy:
    """The choice with its field checked; ValueError (SearchError for a bad search) with a
    sentence when it is not usable."""
    text = text.strip()
    if kind == "cram":
        return CustomStudy(kind)
    if kind == "query":
        if not text:
            raise ValueError("type a search, e.g. tag:metric or deck:asr is:review")
        from quizzer.search import parse

        parse(text)  # a SearchError names the column at fault
        return CustomStudy(kind, query=text)
    high = 9999 if kind in ("new", "reviews") else 36_500
    if not text.isdigit() or not 1 <= int(text) <= high:
        raise ValueError(f"give a whole number from 1 to {high}")
    return CustomStudy(kind, int(text))


class Choice(RadioButton):
    """A radio button that shows without colour which choice is taken, a dot inside its button
    (the others are empty: Textual draws the same dot in every button, in another colour), and
    while the choices have focus, `›` before the one the arrows are on, as the review's choice
    lists do."""

    BUTTON_INNER = " "

    def watch_value(self) -> None:
        """Fill the button while this choice is taken."""
        self.BUTTON_INNER = "●" if self.value else " "
        super().watch_value()

    def render(self) -> Content:
        """The cursor's mark, then the button and the label."""
        choices = self.parent
        here = self.has_class("-selected") and isinstance(choices, RadioSet) and choices.has_focus
        return Content.assemble("› " if here else "  ", super().render())


class CustomStudyScreen(ModalScreen[CustomStudy | None]):
    """Pick a kind of custom study with the arrows, fill in the field, enter starts it."""

    CSS_PATH = "../study_options.tcss"
    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("escape", "cancel", "Cancel"),
        Binding("ctrl+s", "start", "Start", show=False),
    ]

    def __init__(self, name: str) -> None:
        super().__init__()
        self.title_text = name
        self.kind: str | None = None

    def compose(self) -> ComposeResult:
        """The choices, the field the chosen one needs, and the keys."""
        with VerticalGroup(classes="dialog") as box:
            box.border_title = f"Custom study: {self.title_text}"
            with RadioSet(id="study-choices"):
                for kind, label, _ in CHOICES:
                    yield Choice(label, id=f"choice-{kind}")
            with HorizontalGroup(id="study-amount-row"):
                yield Static("Choose above:", id="study-amount-label")
                yield Input(id="study-amount", compact=True, disabled=True)
            yield Static(id="study-error", classes="dialog-error -empty")
            yield Static(
                Content.assemble(
                    ("↑↓ enter", "bold"),
                    " choose · ",
                    ("enter", "bold"),
                    " in the field starts · ",
                    ("esc", "bold"),
                    " cancel",
                ),
                classes="dialog-keys",
            )

    def on_radio_set_changed(self, event: RadioSet.Changed) -> None:
        """A choice: cram starts at once; the others move to their field, filled in with the
        usual value, where enter starts."""
        kind, _, asks = CHOICES[event.index]
        self.kind = kind
        if kind == "cram":
            self.action_start()
            return
        self.query_one("#study-amount-label", Static).update(asks)
        field = self.query_one("#study-amount", Input)
        field.value = DEFAULTS[kind]
        field.disabled = False
        field.focus()
        self._error("")

    def on_input_submitted(self, event: Input.Submitted) -> None:
        """Enter in the field starts."""
        event.stop()
        self.action_start()

    def action_start(self) -> None:
        """Check the field and return the choice."""
        if self.kind is None:
            self._error("choose one above (↑↓ and enter)")
            return
        try:
            choice = read_choice(self.kind, self.query_one("#study-amount", Input).value)
        except (ValueError, QuizzerError) as exc:
            self._error(str(exc))
            return
        self.dismiss(choice)

    def _error(self, message: str) -> None:
        error = self.query_one("#study-error", Static)
        error.update(message)
        error.set_class(not message, "-empty")

    def action_cancel(self) -> None:
        """Leave without studying."""
        self.dismiss(None)
