"""A small prompt listing the collection's tags; home filters its tree to the one picked."""

from __future__ import annotations

from typing import ClassVar

from textual.app import ComposeResult
from textual.binding import Binding, BindingType
from textual.screen import ModalScreen
from textual.widgets import OptionList
from textual.widgets.option_list import Option

from quizzer.wording import counted

ALL = ""
"""The entry that clears the filter."""


class TagPrompt(ModalScreen[str | None]):
    """Pick a tag (with how many decks carry it), or every deck; escape keeps things as they
    are (None)."""

    CSS_PATH = "../browser.tcss"
    BINDINGS: ClassVar[list[BindingType]] = [Binding("escape", "cancel", "Cancel")]

    def __init__(self, tags: dict[str, int], current: str | None) -> None:
        super().__init__()
        self.tags = tags
        self.current = current

    def compose(self) -> ComposeResult:
        """The tags, every deck first."""
        options = [Option("all decks (no tag filter)", id=ALL)]
        options += [
            Option(f"{tag}  ({counted(n, 'deck')})", id=tag) for tag, n in self.tags.items()
        ]
        box = OptionList(*options, id="tag-list")
        box.border_title = "Show decks with the tag"
        box.border_subtitle = "enter picks · esc cancels"
        yield box

    def on_mount(self) -> None:
        """The cursor starts on the tag in force."""
        box = self.query_one(OptionList)
        if self.current is not None and self.current in self.tags:
            box.highlighted = box.get_option_index(self.current)
        box.focus()

    def on_option_list_option_selected(self, event: OptionList.OptionSelected) -> None:
        """Return the tag picked (`ALL` for none)."""
        self.dismiss(event.option.id)

    def action_cancel(self) -> None:
        """Keep the filter as it is."""
        self.dismiss(None)
