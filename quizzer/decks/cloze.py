"""Cloze deletions in Anki syntax: `{{c1::hidden}}` and `{{c1::hidden::hint}}`.

As in Anki, a deletion ends at the first `}}` after its opening, so a deletion must not contain
`}}`.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from dataclasses import dataclass

from pydantic_core import PydanticCustomError

MAX_CLOZE = 999
"""The highest cloze number (c1 to c999): enough for any note, and a card id stays short."""
BLANK = "…"
"""What a hidden deletion without a hint shows between its brackets, everywhere a card is shown."""
_OPEN = re.compile(r"\{\{c(\d+)::")
_MALFORMED = re.compile(r"\{\{\s*c\s*(\d*)\s*:(?!:)|\{\{\s*c\s*::|\{\{\s+c\d+::")


@dataclass(frozen=True, slots=True)
class Deletion:
    """One `{{cN::answer::hint}}` span of a cloze text."""

    number: int
    answer: str
    hint: str | None
    start: int
    end: int


@dataclass(frozen=True, slots=True)
class ParsedCloze:
    """A cloze text split into its deletions."""

    text: str
    deletions: tuple[Deletion, ...]


def parse_cloze(text: str) -> ParsedCloze:
    """Find every deletion in `text`; raise a pydantic error that names the first problem."""
    bad = _MALFORMED.search(text)
    if bad:
        raise PydanticCustomError(
            "cloze_syntax",
            f"malformed cloze deletion {text[bad.start() : bad.start() + 12]!r}: "
            "write {{c1::text}} or {{c1::text::hint}}",
        )
    deletions: list[Deletion] = []
    pos = 0
    while match := _OPEN.search(text, pos):
        close = text.find("}}", match.end())
        if close < 0:
            raise PydanticCustomError(
                "cloze_unclosed",
                f"cloze deletion {match.group(0)} is never closed with }}}}",
            )
        body = text[match.end() : close]
        if _OPEN.search(body):
            raise PydanticCustomError(
                "cloze_nested", f"cloze deletions cannot be nested; close c{match.group(1)} first"
            )
        answer, _, hint = body.partition("::")
        if not answer.strip():
            raise PydanticCustomError("cloze_empty", f"cloze deletion c{match.group(1)} is empty")
        if answer.count("{") != answer.count("}"):
            raise PydanticCustomError(
                "cloze_braces",
                f"unbalanced braces in cloze deletion c{match.group(1)} ({answer!r}); "
                "a deletion ends at the first }}",
            )
        number = int(match.group(1)) if len(match.group(1)) <= 4 else MAX_CLOZE + 1
        if not 1 <= number <= MAX_CLOZE:
            raise PydanticCustomError(
                "cloze_number", f"cloze numbers go from c1 to c{MAX_CLOZE}, not c{match.group(1)}"
            )
        deletions.append(Deletion(number, answer, hint or None, match.start(), close + 2))
        pos = close + 2
    if not deletions:
        raise PydanticCustomError("cloze_none", "cloze has no deletion; mark one like {{c1::text}}")
    return ParsedCloze(text, tuple(deletions))


def blank(deletion: Deletion) -> str:
    """A hidden deletion as plain text: its hint, or `BLANK`, in brackets."""
    return f"[{deletion.hint or BLANK}]"


def render_cloze(
    text: str,
    number: int,
    *,
    reveal: bool,
    hidden: Callable[[Deletion], str] = blank,
    shown: Callable[[Deletion], str] = lambda d: d.answer,
    other: Callable[[Deletion], str] = lambda d: d.answer,
) -> str:
    """Render the card for deletion `number`: its deletions hidden (or shown when `reveal`),
    the other deletions as plain text. The callables decide how each kind of span looks."""
    parsed = parse_cloze(text)
    out: list[str] = []
    pos = 0
    for d in parsed.deletions:
        out.append(text[pos : d.start])
        if d.number != number:
            out.append(other(d))
        else:
            out.append(shown(d) if reveal else hidden(d))
        pos = d.end
    out.append(text[pos:])
    return "".join(out)
