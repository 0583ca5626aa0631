"""The lines of a device file: one event as compact JSON, written by `event_line` and read back by
`parse_line`, which checks every field completely before the event goes near the database.

A device file can hold anything (another device's bug, a forged or damaged file), so reading is
strict: a JSON object of known keys, each of exactly its type (no coercion: `3.7`, `true` and
`"3"` are not ratings, `true` is not a time), in range (times in the years quizzer handles,
durations up to a day) and of bounded size. A line that fails is reported and skipped for good,
unless a newer quizzer could have written it (`NewerLine`): sync keeps such lines aside until an
update of this one reads them.
"""

from __future__ import annotations

import json
import re
from operator import attrgetter
from typing import Any

from quizzer.clock import in_range
from quizzer.state import EVENT_COLUMNS, MAX_DURATION_MS, MAX_RESPONSE, Event, EventKind, Rating

MAX_LINE = 64 * 1024
"""The longest line read, in bytes (a real event takes a few hundred)."""
UID = re.compile(r"[A-Za-z0-9_-]{1,64}\Z")
"""An event uid or a device id."""
CARD_ID = re.compile(
    r"[a-z0-9][a-z0-9_-]*(/[a-z0-9][a-z0-9_-]*)*:[a-z0-9][a-z0-9-]*(#(reverse|c[1-9][0-9]{0,3}))?\Z"
)
"""`<deck-id>:<question-id>[#reverse|#cN]`, as the deck format defines them."""
_MAX_CARD_ID = 512
_WITH_RATING = (EventKind.REVIEW, EventKind.CRAM)
_CHOICES = {"graded": ("self", "auto"), "verdict": ("correct", "close", "incorrect")}


class BadLine(ValueError):
    """A line that is not a valid event; the message says which field and why."""


class NewerLine(BadLine):
    """A line that is a well-formed event but for a kind or a key this version does not know: what
    a newer quizzer would write. Its uid, device and time are checked, so that it can be kept."""

    def __init__(self, message: str, uid: str, device: str, at: int) -> None:
        super().__init__(message)
        self.uid, self.device, self.at = uid, device, at


def event_line(event: Event) -> bytes:
    """One line of a device file: `event.to_dict()` as compact JSON."""
    # the enums are written as their values by the JSON encoder itself (an int, a str)
    data = {k: v for k, v in zip(EVENT_COLUMNS, _event_values(event), strict=True) if v is not None}
    return (_compact(data) + "\n").encode()


_event_values = attrgetter(*EVENT_COLUMNS)
_compact = json.JSONEncoder(separators=(",", ":"), ensure_ascii=False).encode


def parse_line(raw: bytes) -> Event:
    """The event of one line; BadLine when it is not a valid one."""
    if len(raw) > MAX_LINE:
        raise BadLine(f"line longer than {MAX_LINE:,} bytes")
    try:
        data = json.loads(
            raw.decode("utf-8"), object_pairs_hook=_no_duplicates, parse_constant=_no_constant
        )
    except BadLine:
        raise
    except RecursionError:
        raise BadLine("JSON nested too deeply") from None
    except UnicodeDecodeError:
        raise BadLine("not UTF-8") from None
    except ValueError as exc:  # JSONDecodeError, or an integer of thousands of digits
        raise BadLine(f"not JSON: {str(exc)[:80]}") from None
    if not isinstance(data, dict):
        raise BadLine("not a JSON object")
    return check_event(data)


def check_event(data: dict[str, Any]) -> Event:
    """An Event from a line's decoded JSON object, every field checked; BadLine otherwise
    (NewerLine for an event of a kind or with a key a newer quizzer may write)."""
    for name in ("uid", "device", "card_id", "kind", "at"):
        if name not in data:
            raise BadLine(f"no {name!r}")
    uid, device, card_id = _text(data, "uid"), _text(data, "device"), _text(data, "card_id")
    if not UID.match(uid) or not UID.match(device):
        raise BadLine("'uid' and 'device' must be 1 to 64 letters, digits, '-' or '_'")
    if len(card_id) > _MAX_CARD_ID or not CARD_ID.match(card_id):
        raise BadLine(f"'card_id' {card_id[:80]!r} is not a card id")
    at = data["at"]
    if not in_range(at):
        raise BadLine(f"'at' {str(at)[:30]} is not a time in range")
    unknown = sorted(set(data) - set(EVENT_COLUMNS))
    if unknown:
        raise NewerLine(f"unknown key {unknown[0][:40]!r}", uid, device, at)
    try:
        kind = EventKind(_text(data, "kind"))
    except ValueError:
        raise NewerLine(f"unknown 'kind' {str(data['kind'])[:20]!r}", uid, device, at) from None
    rating = data.get("rating")
    if kind in _WITH_RATING:
        if type(rating) is not int or not 1 <= rating <= 4:
            raise BadLine(f"a {kind} event needs a 'rating' from 1 to 4, not {str(rating)[:20]}")
    elif rating is not None:
        raise BadLine(f"a {kind} event has no rating")
    for name, allowed in _CHOICES.items():
        value = data.get(name)
        if value is not None and value not in allowed:
            raise BadLine(f"{name!r} must be one of {', '.join(allowed)}")
    response = data.get("response")
    if response is not None and (type(response) is not str or len(response) > MAX_RESPONSE):
        raise BadLine(f"'response' must be text of at most {MAX_RESPONSE:,} characters")
    duration = data.get("duration_ms")
    if duration is not None and (type(duration) is not int or not 0 <= duration <= MAX_DURATION_MS):
        raise BadLine(f"'duration_ms' must be a whole number from 0 to {MAX_DURATION_MS:,}")
    target = data.get("target")
    if (kind == EventKind.UNDO) != (target is not None):
        raise BadLine("an undo event, and only an undo event, has a 'target'")
    if target is not None and (type(target) is not str or not UID.match(target)):
        raise BadLine("'target' must be an event uid")
    until = data.get("until")
    if (kind == EventKind.BURY) != (until is not None):
        raise BadLine("a bury event, and only a bury event, has an 'until' time")
    if until is not None and not in_range(until):
        raise BadLine(f"'until' {str(until)[:30]} is not a time in range")
    return Event(
        uid=uid,
        device=device,
        at=at,
        card_id=card_id,
        kind=kind,
        rating=Rating(rating) if rating is not None else None,
        graded=data.get("graded"),
        response=response,
        verdict=data.get("verdict"),
        duration_ms=duration,
        target=target,
        until=until,
    )


def _text(data: dict[str, Any], name: str) -> str:
    value = data[name]
    if type(value) is not str:
        raise BadLine(f"{name!r} must be text")
    return value


def _no_duplicates(pairs: list[tuple[str, Any]]) -> dict[str, Any]:
    data = dict(pairs)
    if len(data) != len(pairs):
        raise BadLine("a key appears twice")
    return data


def _no_constant(name: str) -> Any:
    raise BadLine(f"{name} is not a JSON number")
