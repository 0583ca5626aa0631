"""Text bound for a terminal, made harmless: control characters (escape sequences that could move
the cursor, retitle the window or rewrite what was printed) become U+FFFD."""

from __future__ import annotations

import re

CONTROL = re.compile(r"[\x00-\x08\x0b-\x1f\x7f-\x9f]")
"""C0 and C1 control characters and DEL, except tab and newline."""


def printable(text: str) -> str:
    """`text` with every control character but tab and newline replaced by U+FFFD."""
    return CONTROL.sub("\ufffd", text)
