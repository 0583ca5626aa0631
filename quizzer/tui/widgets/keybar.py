"""A one-line footer of the keys that apply now.

Textual's Footer rebuilds a widget per key whenever the bindings change, which on the review screen
(bindings change with every card) costs more than everything else a keypress does. This renders the
same keys, in the same order, as one line of text.
"""

from __future__ import annotations

from textual.content import Content
from textual.screen import Screen
from textual.widgets import Static


class KeyBar(Static):
    """The screen's shown, enabled bindings: `key description` pairs on one line."""

    DEFAULT_CSS = """
    KeyBar {
        dock: bottom;
        height: 1;
        width: 1fr;
        background: $footer-background;
        color: $footer-description-foreground;
        text-wrap: nowrap;
        text-overflow: ellipsis;
    }
    """

    def on_mount(self) -> None:
        """Follow the screen's bindings."""
        self.screen.bindings_updated_signal.subscribe(self, self._bindings_changed)
        self.call_after_refresh(self.redraw)

    def on_unmount(self) -> None:
        """Stop following the screen's bindings."""
        self.screen.bindings_updated_signal.unsubscribe(self)

    def _bindings_changed(self, screen: Screen[object]) -> None:
        if self.is_attached and screen is self.screen:
            self.redraw()

    def redraw(self) -> None:
        """Show the keys that apply now."""
        seen: set[str] = set()
        parts: list[tuple[str, str] | str] = []
        for active in self.screen.active_bindings.values():
            binding = active.binding
            if not binding.show or not active.enabled or binding.action in seen:
                continue
            seen.add(binding.action)
            parts += [
                (f" {self.app.get_key_display(binding)} ", "bold $footer-key-foreground"),
                binding.description,
                " ",
            ]
        self.update(Content.assemble(*parts))
