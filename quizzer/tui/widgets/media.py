"""A card's figures and clips on screen: each figure drawn to fit, its alt text under it; each
clip as a line saying what it is and that `p` plays it.

Figures are drawn by `textual-image`: with the terminal's graphics protocol where it has one
(Kitty, Sixel), with Unicode half blocks elsewhere (tmux, plain xterm), as
`quizzer.tui.graphics` chose before the app started.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

from textual.app import ComposeResult
from textual.containers import Vertical
from textual.content import Content
from textual.events import Resize
from textual.widget import Widget
from textual.widgets import Static

from quizzer.decks.media import MediaRef
from quizzer.tui.graphics import cell_aspect, renderer


def fit(pixels: tuple[int, int], width: int, height: int, aspect: float = 2.0) -> tuple[int, int]:
    """The largest (columns, rows) within `width` x `height` cells that keeps the image's
    proportions, for cells `aspect` times taller than wide."""
    w, h = pixels
    if w <= 0 or h <= 0 or width <= 0 or height <= 0:
        return 0, 0
    columns = width
    rows = round(columns * h / w / aspect)
    if rows > height:
        rows = height
        columns = max(1, round(rows * aspect * w / h))
    return columns, max(1, rows)


class Figure(Vertical):
    """One figure scaled to the space it has, with its alt text under it."""

    DEFAULT_CSS = """
    Figure { height: auto; width: 1fr; margin: 1 0 0 0; }
    Figure > .figure-caption { color: $text-muted; text-style: italic; }
    """

    def __init__(self, ref: MediaRef, path: Path, max_rows: int) -> None:
        super().__init__()
        self.ref = ref
        self.path = path
        self.max_rows = max_rows
        self.pixels: tuple[int, int] | None = None
        self.image: Widget | None = None
        widget = renderer()
        if widget is not None:
            try:
                from PIL import Image as PILImage

                with PILImage.open(path) as img:
                    self.pixels = img.size
                self.image = widget(str(path))
            except Exception:  # SVG, a missing or broken file: the alt text says what it shows
                self.image = None

    def compose(self) -> ComposeResult:
        """The drawing (when the terminal can), then the caption."""
        if self.image is not None:
            yield self.image
        caption = self.ref.alt or self.ref.src
        if self.image is None:
            caption = f"[figure: {caption}]  {self.path}"
        yield Static(Content(caption), classes="figure-caption")

    def on_resize(self, event: Resize) -> None:
        """Scale the drawing to the new width."""
        self._fit(event.size.width)

    def on_mount(self) -> None:
        """Scale once the width is known."""
        self.call_after_refresh(lambda: self._fit(self.size.width))

    def _fit(self, width: int) -> None:
        if self.image is None or self.pixels is None or width <= 0:
            return
        columns, rows = fit(self.pixels, width, self.max_rows, cell_aspect())
        self.image.styles.width = columns
        self.image.styles.height = rows


class MediaPanel(Vertical):
    """The figures and clips of one face of a card."""

    DEFAULT_CSS = """
    MediaPanel { height: auto; padding: 0 2; }
    MediaPanel > .clip { color: $text-accent; margin: 1 0 0 0; }
    """

    async def show(self, refs: list[tuple[MediaRef, Path]], max_rows: int) -> None:
        """Show these figures and clips (hidden when there are none)."""
        await self.remove_children()
        widgets: list[Any] = []
        for ref, path in refs:
            if ref.kind == "audio":
                what = ref.alt or ref.src
                line = Content.assemble(("♪ ", "bold"), what, ("   p plays it", "dim"))
                widgets.append(Static(line, classes="clip"))
            else:
                widgets.append(Figure(ref, path, max_rows))
        if widgets:
            await self.mount_all(widgets)
        self.display = bool(widgets)
