"""A card's memory state and the events of the review log, as plain values."""

from __future__ import annotations

import json
from collections.abc import Sequence
from dataclasses import dataclass, fields, replace
from enum import IntEnum, StrEnum
from typing import Any

MAX_DURATION_MS = 86_400_000
"""The longest answer time recorded (a day); longer is a mistake, not a review."""
MAX_RESPONSE = 10_000
"""The most characters of a typed response recorded (and that a device file may carry)."""


def recall_curve(parameters: Sequence[float]) -> tuple[float, float]:
    """FSRS-6's forgetting-curve constants (decay, factor), from its last parameter. Here, with
    no import of the fsrs package, so that the queue can use it on the light `quizzer due` path."""
    decay = -parameters[20]
    return decay, 0.9 ** (1 / decay) - 1


class CardPhase(IntEnum):
    """Where a card is in its life (stored as the integer)."""

    NEW = 0
    LEARNING = 1
    REVIEW = 2
    RELEARNING = 3


class Rating(IntEnum):
    """The four answer buttons."""

    AGAIN = 1
    HARD = 2
    GOOD = 3
    EASY = 4

    @classmethod
    def parse(cls, text: str) -> Rating:
        """Read `again`, `hard`, `good`, `easy` or 1 to 4; raise ValueError otherwise."""
        word = text.strip().lower()
        if word.isdigit() and 1 <= int(word) <= 4:
            return cls(int(word))
        try:
            return cls[word.upper()]
        except KeyError:
            raise ValueError(
                f"unknown rating {text!r}: use again, hard, good, easy or 1 to 4"
            ) from None


class EventKind(StrEnum):
    """What a log row records."""

    REVIEW = "review"
    CRAM = "cram"
    UNDO = "undo"
    BURY = "bury"
    SUSPEND = "suspend"
    UNSUSPEND = "unsuspend"
    FORGET = "forget"
    """The card becomes new again (its history stays in the log)."""


@dataclass(frozen=True, slots=True)
class CardState:
    """The cached memory state of one card. A card never reviewed has the defaults."""

    card_id: str
    state: CardPhase = CardPhase.NEW
    step: int | None = None
    stability: float | None = None
    difficulty: float | None = None
    due: int | None = None
    """UTC ms when the card is next due; None for a new card."""
    last_review: int | None = None
    reps: int = 0
    lapses: int = 0
    suspended: bool = False
    buried_until: int | None = None
    introduced: int | None = None
    """UTC ms of the card's first review (for the daily new-card limit)."""
    leech: bool = False

    def buried_at(self, now_ms: int) -> bool:
        """Buried until a moment after `now_ms` (a bury lasts until the next study day)."""
        return self.buried_until is not None and self.buried_until > now_ms

    def held_at(self, now_ms: int) -> bool:
        """Out of the queues at `now_ms`: suspended, or buried until later."""
        return self.suspended or self.buried_at(now_ms)

    def to_json(self) -> str:
        """Compact JSON, as stored in the log's before/after columns."""
        return _compact({name: getattr(self, name) for name in _STATE_FIELDS})

    @classmethod
    def from_json(cls, card_id: str, text: str) -> CardState:
        """The state stored by `to_json`."""
        data = json.loads(text)
        data["state"] = CardPhase(data["state"])
        return cls(card_id=card_id, **data)

    @classmethod
    def from_row(cls, row: Any) -> CardState:
        """From a row of the `cards` table (columns in field order)."""
        values = list(row)
        values[1] = CardPhase(values[1])
        values[9] = bool(values[9])
        values[12] = bool(values[12])
        return cls(*values)

    def as_row(self) -> tuple[Any, ...]:
        """The `cards` table row, in field order (`CARD_COLUMNS`)."""
        return (
            self.card_id,
            int(self.state),
            self.step,
            self.stability,
            self.difficulty,
            self.due,
            self.last_review,
            self.reps,
            self.lapses,
            int(self.suspended),
            self.buried_until,
            self.introduced,
            int(self.leech),
        )

    def but(self, **changes: Any) -> CardState:
        """A copy with some fields changed."""
        return replace(self, **changes)


class StateEncoder:
    """`CardState.to_json` that keeps each card's last state encoded: in a replay, an event's
    before is the very state its card's previous event left, and is not encoded again."""

    __slots__ = ("_last",)

    def __init__(self) -> None:
        self._last: dict[str, tuple[CardState, str]] = {}

    def __call__(self, state: CardState) -> str:
        """The state's JSON (`CardState.to_json`)."""
        last = self._last.get(state.card_id)
        if last is not None and last[0] is state:
            return last[1]
        text = state.to_json()
        self._last[state.card_id] = (state, text)
        return text


CARD_COLUMNS = tuple(f.name for f in fields(CardState))
_STATE_FIELDS = CARD_COLUMNS[1:]
_compact = json.JSONEncoder(separators=(",", ":")).encode
"""`json.dumps(..., separators=(",", ":"))` without building an encoder on every call."""


IMPORTED_DEVICE = "anki"
"""The device of events imported from Anki's review log: `quizzer undo` leaves them alone, and
they travel in the file of the device that imported them."""


@dataclass(frozen=True, slots=True)
class Event:
    """One row of the review log, as it travels between devices (no derived columns)."""

    uid: str
    device: str
    at: int
    card_id: str
    kind: EventKind
    rating: Rating | None = None
    graded: str | None = None
    response: str | None = None
    verdict: str | None = None
    duration_ms: int | None = None
    target: str | None = None
    until: int | None = None

    def to_dict(self) -> dict[str, Any]:
        """The event as JSON-ready data, without empty fields."""
        return {
            k: (int(v) if isinstance(v, IntEnum) else str(v) if isinstance(v, StrEnum) else v)
            for k, v in ((name, getattr(self, name)) for name in EVENT_COLUMNS)
            if v is not None
        }

    @classmethod
    def from_dict(cls, data: dict[str, Any]) -> Event:
        """Inverse of `to_dict`; raises KeyError/ValueError/TypeError on bad data."""
        values = {k: v for k, v in data.items() if k in _EVENT_NAMES}
        values["kind"] = EventKind(values["kind"])
        if values.get("rating") is not None:
            values["rating"] = Rating(int(values["rating"]))
        return cls(**values)._checked()

    @classmethod
    def from_row(cls, row: Sequence[Any]) -> Event:
        """From a row of `EVENT_COLUMNS` (a log row, in field order), as `from_dict` reads the
        same values, four times faster (a replay reads every row of the log)."""
        values = list(row)
        values[4] = EventKind(values[4])
        if values[5] is not None:
            values[5] = Rating(int(values[5]))
        return cls(*values)._checked()

    def _checked(self) -> Event:
        if not isinstance(self.at, int) or not self.uid or not self.card_id:
            raise ValueError("event needs uid, card_id and an integer time")
        return self


EVENT_COLUMNS = tuple(f.name for f in fields(Event))
_EVENT_NAMES = frozenset(EVENT_COLUMNS)
