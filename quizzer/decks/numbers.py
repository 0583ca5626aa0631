"""Numbers as a deck writes them, for numeric answers and tolerances.

A number may be written plainly or in quotes, in any of the forms an author reaches for:
`680000`, `-3`, `0.25`, `.5`, `6.8e5`, `1E3`, `1e-3`, digits grouped with `_` (`1_000`), and
hexadecimal, octal or binary with their prefix (`0x1F`, `0o17`, `0b101`). Leading zeros are
decimal (`017` is seventeen). Anything else, infinities and values too large for a float
included, is refused with a reason.
"""

from __future__ import annotations

import math
import re
from typing import Any

_DECIMAL_FORM = r"[-+]?(?:\d[\d_]*(?:\.[\d_]*)?|\.\d[\d_]*)(?:[eE][-+]?\d+)?"
_BASED_FORM = r"[-+]?0(?:[xX][0-9a-fA-F_]+|[oO][0-7_]+|[bB][01_]+)"
_DECIMAL = re.compile(_DECIMAL_FORM + r"\Z")
_BASED = re.compile(_BASED_FORM + r"\Z")
_NOT_FINITE = re.compile(r"[-+]?\.?(?:inf(?:inity)?|nan)\Z", re.IGNORECASE)

NOT_A_NUMBER = "is not a number"


NUMBER_SCHEMA = {
    "anyOf": [
        {"type": "number"},
        {"type": "string", "pattern": rf"^\s*(?:{_DECIMAL_FORM}|{_BASED_FORM})\s*$"},
    ]
}
"""The JSON Schema of a number field: a number, or text writing one."""
TOLERANCE_SCHEMA = {
    "anyOf": [
        {"type": "number"},
        {"type": "string", "pattern": rf"^\s*(?:{_DECIMAL_FORM}|{_BASED_FORM})\s*%?\s*$"},
    ]
}
"""The JSON Schema of a tolerance: a number, or text writing one or a percentage."""


class NumberError(ValueError):
    """A value that is not a number a deck can use; the message says why, without the value
    (`NOT_A_NUMBER`, or that it is not finite or too large)."""


def read_number(value: Any) -> float:
    """The finite number `value` stands for: an int or float, or text writing one (surrounding
    spaces ignored). NumberError says why not: not a number, not finite, or too large."""
    if isinstance(value, bool):
        raise NumberError(NOT_A_NUMBER)
    if isinstance(value, int):
        try:
            return float(value)
        except OverflowError:
            raise NumberError("is too large") from None
    if isinstance(value, float):
        if not math.isfinite(value):
            raise NumberError("is not a finite number")
        return value
    if not isinstance(value, str):
        raise NumberError(NOT_A_NUMBER)
    text = value.strip()
    if _DECIMAL.match(text):
        number = float(text.replace("_", ""))
    elif _BASED.match(text):
        return read_number(int(text.replace("_", ""), 0))
    elif _NOT_FINITE.match(text):
        raise NumberError("is not a finite number")
    else:
        raise NumberError(NOT_A_NUMBER)
    if not math.isfinite(number):  # float() gives inf for 1e999 and for hundreds of digits
        raise NumberError("is too large")
    return number


def shown(value: Any, limit: int = 24) -> str:
    """The value as a message quotes it, cut short when long (a number of 400 digits)."""
    if isinstance(value, str) and len(value) > limit:
        return repr(value[:limit] + "…")
    text = repr(value)
    return text if len(text) <= limit else f"{text[:limit]}…"
