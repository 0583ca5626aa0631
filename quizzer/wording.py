"""How counts are worded in messages: the noun agrees with its number."""

from __future__ import annotations


def counted(n: int, word: str, many: str | None = None, *, grouped: bool = False) -> str:
    """`1 card`, `3 cards`: the count and the noun agreeing with it (`many`: the plural when it
    is not the noun with an s; `grouped`: thousands separated, `1,204 cards`)."""
    number = f"{n:,}" if grouped else str(n)
    return f"{number} {word if n == 1 else many or word + 's'}"
