"""Every key of the terminal UI, on one screen."""

from __future__ import annotations

from typing import ClassVar

from textual.app import ComposeResult
from textual.binding import Binding, BindingType
from textual.containers import VerticalScroll
from textual.content import Content
from textual.screen import ModalScreen
from textual.widgets import Static

KEYS: dict[str, list[tuple[str, str]]] = {
    "Home": [
        ("↑ ↓", "move in the deck tree"),
        ("← → space", "fold or unfold a folder"),
        ("enter  r", "review the selected deck or folder"),
        ("a", "review everything due"),
        ("c", "cram the selection (practise cards that are not due)"),
        ("s", "statistics"),
        ("q", "quit"),
    ],
    "Question": [
        ("space  enter", "show the answer (flashcards and cloze)"),
        ("1-9", "choose an option; several when the question says so"),
        ("↑ ↓  space", "move among options and toggle one"),
        ("↑ ↓", "order: move the cursor"),
        ("k j  ⇧↑ ⇧↓", "order: move the item up or down"),
        ("enter", "check a choice, an order or a typed answer"),
        ("enter (empty)", "typed: give up and see the answer"),
        ("h  f2", "show the hint, when the card has one"),
    ],
    "Answer": [
        ("1 2 3 4", "Again, Hard, Good, Easy (each shows its interval)"),
        ("enter  space", "accept the highlighted rating (the suggested one)"),
        ("← →", "change the highlighted rating"),
        ("pgup pgdn", "scroll a long card"),
    ],
    "Any card": [
        ("u  ctrl+z", "undo the last answer, bury or suspension (repeatable)"),
        ("b", "bury: hide the card until tomorrow"),
        ("s", "suspend: hide the card until unsuspended"),
        ("e", "edit the question in $EDITOR, then reload it"),
        ("escape", "back to home"),
    ],
    "Everywhere": [
        ("?  f1", "this help"),
        ("ctrl+q", "quit"),
    ],
}
"""Keys by screen, as the help screen and docs/reviewing.md list them."""


def keys_content() -> Content:
    """The key table as styled content."""
    lines: list[Content] = []
    for section, keys in KEYS.items():
        if lines:
            lines.append(Content(""))
        lines.append(Content.styled(section, "bold $text-primary"))
        for key, what in keys:
            lines.append(Content.assemble((f"  {key:<15}", "bold $text-accent"), what))
    return Content("\n").join(lines)


class HelpScreen(ModalScreen[None]):
    """The keys, grouped by where they work."""

    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("escape,question_mark,f1,q", "close", "Close"),
    ]

    def compose(self) -> ComposeResult:
        with VerticalScroll(id="help-box") as box:
            box.border_title = "Keys"
            box.border_subtitle = "esc to close"
            yield Static(keys_content(), id="help-text")

    def action_close(self) -> None:
        """Back to where help was opened."""
        self.dismiss()
