"""Deck options: a deck or folder's options, the value in force and where it comes from, edited
in place and saved in config.toml (comments and layout kept) by `config_edit.save_options`."""

from __future__ import annotations

from pathlib import Path
from typing import Any, ClassVar

from textual.app import ComposeResult
from textual.binding import Binding, BindingType
from textual.containers import HorizontalGroup, VerticalGroup
from textual.content import Content
from textual.screen import ModalScreen
from textual.widgets import Input, Static

from quizzer.config import ConfigError, Settings
from quizzer.config_edit import Option, options_for, parse_value, save_options

LABELS = {
    "new_per_day": "New cards/day",
    "reviews_per_day": "Reviews/day",
    "desired_retention": "Desired retention",
    "learning_steps": "Learning steps (m)",
    "relearning_steps": "Relearning steps",
    "leech_threshold": "Leech threshold",
    "leech_action": "Leech action",
}


def shown(value: Any) -> str:
    """An option's value as it is typed: steps as minutes separated by spaces."""
    if isinstance(value, tuple | list):
        return " ".join(f"{m:g}" for m in value)
    if isinstance(value, float):
        return f"{value:g}"
    return str(value)


def source_text(option: Option) -> str:
    """Where a value comes from, in words."""
    if option.source == "own":
        return "set here"
    if option.source == "folder":
        return f'from [decks."{option.table}"]'
    return "config.toml" if option.source == "global" else "default"


class OptionsScreen(ModalScreen[Settings | None]):
    """The options of one deck or folder; ctrl+s saves, escape leaves without saving. An
    emptied field goes back to the inherited value."""

    CSS_PATH = "../study_options.tcss"
    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("ctrl+s", "save", "Save"),
        Binding("escape", "cancel", "Cancel"),
    ]

    def __init__(
        self, node: str, name: str, folder: bool, settings: Settings, config: Path
    ) -> None:
        super().__init__()
        self.node = node
        self.title_text = name
        self.folder = folder
        self.config = config
        self.options = {o.key: o for o in options_for(settings, node, folder)}

    def compose(self) -> ComposeResult:
        """One row per option: its name, its value (editable) and where it comes from."""
        with VerticalGroup(classes="dialog") as box:
            kind = "folder" if self.folder else "deck"
            box.border_title = f"Options of {self.title_text} ({kind})"
            box.border_subtitle = "saved in config.toml"
            with HorizontalGroup(classes="setting-row setting-head"):
                yield Static("Option", classes="setting-key")
                yield Static("Value", classes="setting-value")
                yield Static("From", classes="setting-source")
            for key, option in self.options.items():
                with HorizontalGroup(classes="setting-row"):
                    yield Static(LABELS[key], classes="setting-key")
                    yield Input(shown(option.value), id=f"opt-{key}", compact=True)
                    yield Static(source_text(option), id=f"src-{key}", classes="setting-source")
            yield Static(id="options-error", classes="dialog-error -empty")
            yield Static(
                Content.assemble(
                    ("ctrl+s", "bold"),
                    " save · ",
                    ("esc", "bold"),
                    " cancel · an emptied field inherits again",
                ),
                classes="dialog-keys",
            )

    def edits(self) -> tuple[dict[str, Any], list[str]]:
        """The values changed (parsed) and the own values emptied (to reset)."""
        changes: dict[str, Any] = {}
        resets: list[str] = []
        for key, option in self.options.items():
            text = self.query_one(f"#opt-{key}", Input).value.strip()
            if not text:
                if option.source == "own":
                    resets.append(key)
            elif text != shown(option.value):
                changes[key] = parse_value(key, text)
        return changes, resets

    def action_save(self) -> None:
        """Validate and save; a bad value is shown, naming the option, and nothing is written."""
        try:
            changes, resets = self.edits()
            if not changes and not resets:
                self.dismiss(None)
                return
            settings = save_options(self.config, self.node, changes, resets, self.folder)
        except ConfigError as exc:
            error = self.query_one("#options-error", Static)
            error.update(str(exc))
            error.remove_class("-empty")
            return
        self.dismiss(settings)

    def on_input_submitted(self, event: Input.Submitted) -> None:
        """Enter in a field saves, like ctrl+s."""
        event.stop()
        self.action_save()

    def action_cancel(self) -> None:
        """Leave without saving."""
        self.dismiss(None)
