"""Every key of the terminal UI, on one screen."""

from __future__ import annotations

from typing import ClassVar

from textual.app import ComposeResult
from textual.binding import Binding, BindingType
from textual.containers import HorizontalGroup, VerticalGroup, VerticalScroll
from textual.screen import ModalScreen
from textual.widgets import Static

KEYS: dict[str, list[tuple[str, str]]] = {
    "Home": [
        ("↑ ↓  ← →", "move; fold and unfold folders"),
        ("enter  r", "review the selected deck or folder"),
        ("a", "review everything due"),
        ("c", "custom study: more cards, ahead, cram"),
        ("o", "deck options: limits, retention, steps"),
        ("e", "edit the selected deck file"),
        ("t", "show only the decks with a tag"),
        ("s", "statistics"),
        ("q", "quit"),
    ],
    "Answer": [
        ("1 2 3 4", "Again, Hard, Good, Easy"),
        ("enter  space", "accept the highlighted rating"),
        ("← →", "highlight another rating"),
    ],
    "Statistics": [
        ("1-7", "overview, activity, forecast, memory, decks, calibration, cards to watch"),
        ("[ ]", "a shorter or longer period"),
        ("pgup pgdn", "scroll the tab"),
        ("escape  q", "back"),
    ],
    "Everywhere": [
        ("?  f1", "this help"),
        ("ctrl+q", "quit"),
    ],
    "Question": [
        ("space  enter", "show the answer"),
        ("1-9", "choose options by number"),
        ("↑ ↓  space", "move among options; toggle one"),
        ("↑ ↓", "order: move the cursor"),
        ("k j  ⇧↑ ⇧↓", "order: move the item up or down"),
        ("enter", "check the choice, order or text"),
        ("enter (empty)", "typed: give up, see the answer"),
        ("h  f2", "show the card's hint"),
        ("p", "play the card's clip (again: the next one)"),
    ],
    "During a review": [
        ("u  ctrl+z", "undo an answer, bury or suspend"),
        ("b", "bury: hide the card until tomorrow"),
        ("s", "suspend: hide it until unsuspended"),
        ("e", "edit the question in $EDITOR"),
        ("/", "find cards (the browser; also on home)"),
        ("pgup pgdn", "scroll a long card"),
        ("escape", "back to home"),
    ],
    "Browser": [
        ("/", "back to the query box"),
        ("space", "select the card (or unselect it)"),
        ("enter", "card info: its state and history"),
        ("o", "sort by the next column"),
        ("s  b  f", "suspend, bury, forget selected"),
        ("u", "undo the last change, every card"),
        ("e", "edit the card's question"),
        ("r", "review these cards now"),
        ("escape", "back"),
    ],
}
"""Keys by where they work, as the help screen, docs/reviewing.md and docs/searching.md list
them."""

COLUMNS = (
    ("Home", "Answer", "Everywhere", "Browser"),
    ("Question", "During a review", "Statistics"),
)
"""How the sections are split into two columns on a wide terminal."""


def help_section(section: str) -> ComposeResult:
    """One section of the key table: its title, then a row per key, the description in a column
    of its own so that a long one wraps under itself, not under the keys."""
    yield Static(section, classes="help-title", markup=False)
    for key, what in KEYS[section]:
        with HorizontalGroup(classes="help-row"):
            yield Static(key, classes="help-key", markup=False)
            yield Static(what, classes="help-what", markup=False)


class HelpScreen(ModalScreen[None]):
    """The keys, grouped by where they work."""

    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("escape,question_mark,f1,q", "close", "Close"),
    ]

    def compose(self) -> ComposeResult:
        """The key table in a scrolling box."""
        with VerticalScroll(id="help-box") as box:
            box.border_title = "Keys"
            box.border_subtitle = "esc closes · ↑↓ scroll"
            with HorizontalGroup(id="help-columns"):
                for sections in COLUMNS:
                    with VerticalGroup(classes="help-column"):
                        for section in sections:
                            yield from help_section(section)

    def action_close(self) -> None:
        """Back to where help was opened."""
        self.dismiss()
