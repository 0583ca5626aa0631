"""A one-line footer of the keys that apply now.

Textual's Footer rebuilds a widget per key whenever the bindings change, which on the review screen
(bindings change with every card) costs more than everything else a keypress does. This renders the
same keys, in the same order, as one line of text.

On a narrow terminal the line is made to fit rather than cut at its end, where help and the way
out are: first the pairs are set closer, then the keys just before help are left out, last
first, so help (which lists every key) and the keys after it (back, home, quit) always show.
"""

from __future__ import annotations

from rich.cells import cell_len
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

    HELP_ACTIONS = frozenset({"help", "help_typing"})
    """The actions that open help: kept, with every key after them, when the line is short."""

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

    def on_resize(self) -> None:
        """Fit the keys to the new width."""
        self.redraw()

    def redraw(self) -> None:
        """Show the keys that apply now."""
        seen: set[str] = set()
        pairs: list[tuple[str, str, str]] = []
        for active in self.screen.active_bindings.values():
            binding = active.binding
            if not binding.show or not active.enabled or binding.action in seen:
                continue
            seen.add(binding.action)
            pairs.append((self.app.get_key_display(binding), binding.description, binding.action))
        self.update(self.fit(pairs, self.size.width))

    @classmethod
    def fit(cls, pairs: list[tuple[str, str, str]], width: int) -> Content:
        """`key description` pairs (with their actions) as one line of at most `width` cells
        when it can be done (see the module's docstring); any width when `width` is 0."""
        gap = " "
        help_at = next((i for i, p in enumerate(pairs) if p[2] in cls.HELP_ACTIONS), len(pairs))
        head, tail = pairs[:help_at], pairs[help_at:]

        def length(chosen: list[tuple[str, str, str]], gap: str) -> int:
            return sum(cell_len(f" {k} {d}{gap}") for k, d, _ in chosen)

        if width and length(pairs, gap) > width:
            gap = ""
            while head and length(head + tail, gap) > width:
                head.pop()
        parts: list[tuple[str, str] | str] = []
        for key, description, _ in head + tail:
            parts += [(f" {key} ", "bold $footer-key-foreground"), description, gap]
        return Content.assemble(*parts)
