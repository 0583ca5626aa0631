"""How figures are drawn, chosen once before the app starts.

`textual-image` picks its renderer when it is imported: it asks the terminal whether it speaks a
graphics protocol (Sixel, then Kitty's) and how large a cell is in pixels, and waits up to 0.1 s
for each answer. Many terminals, tmux among them, leave some of these questions unanswered, so
the import can wait 0.2 s, and it cannot ask once Textual reads the keyboard. `start_probe` asks
in a thread while the rest of the app is imported (the waits hold no lock), and `renderer`
waits for it before the app starts. This module imports nothing of Textual, so that the probe
can start first.

`QUIZZER_GRAPHICS` chooses: `auto` (the default), `halfblock`, or `text` (alt text only, as with
`NO_COLOR` or `TERM=dumb`).
"""

from __future__ import annotations

import functools
import os
import sys
import threading
from typing import Any

GRAPHICS_MODES = ("auto", "halfblock", "text")

_probe: threading.Thread | None = None


def graphics_mode() -> str:
    """How figures are drawn: `text` under NO_COLOR or a dumb terminal, else QUIZZER_GRAPHICS."""
    if os.environ.get("NO_COLOR") or os.environ.get("TERM") == "dumb":
        return "text"
    chosen = os.environ.get("QUIZZER_GRAPHICS", "auto").strip().lower()
    return chosen if chosen in GRAPHICS_MODES else "auto"


@functools.cache
def _image_widget(mode: str) -> Any:
    if mode == "text":
        return None
    try:
        if mode == "halfblock":
            from textual_image.widget import HalfcellImage

            return HalfcellImage
        from textual_image.widget import Image

        return Image
    except Exception:  # a terminal that answers the capability queries badly: draw nothing
        return None


def start_probe() -> None:
    """Begin asking the terminal what it can draw, in a thread (once; `renderer` waits). With
    no terminal to ask, nothing is awaited: `renderer` imports textual-image itself, without a
    thread competing with the app's imports."""
    global _probe
    if _probe is None and sys.__stdout__ is not None and sys.__stdout__.isatty():
        mode = graphics_mode()
        _probe = threading.Thread(
            target=_image_widget, args=(mode,), name="graphics probe", daemon=True
        )
        _probe.start()


def renderer() -> Any:
    """The widget class figures are drawn with (None: alt text only). The first call must come
    before the app runs: it asks the terminal, or waits for `start_probe`'s answer."""
    if _probe is not None:
        _probe.join()
    return _image_widget(graphics_mode())


def cell_aspect() -> float:
    """A terminal cell's height over its width (2 when the terminal does not say)."""
    try:
        from textual_image._terminal import get_cell_size

        cell = get_cell_size()
        return cell.height / cell.width if cell.width else 2.0
    except Exception:
        return 2.0
