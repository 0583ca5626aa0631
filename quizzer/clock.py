"""The one place that reads the clock, and the local day that starts at `day_starts_at`.

Everything else takes the time as an argument. `QUIZZER_NOW` (an ISO timestamp; UTC when it has no
offset) makes the whole program believe it is another moment, for tests and demos.
"""

from __future__ import annotations

import os
from datetime import UTC, date, datetime, time, timedelta, tzinfo
from pathlib import Path
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

EPOCH = datetime(1970, 1, 1, tzinfo=UTC)


class ClockError(ValueError):
    """`QUIZZER_NOW` or a time zone name could not be understood."""


def now() -> datetime:
    """The current moment, UTC-aware; `QUIZZER_NOW` overrides it."""
    forced = os.environ.get("QUIZZER_NOW")
    if forced:
        return parse_instant(forced)
    return datetime.now(UTC)


def parse_instant(text: str) -> datetime:
    """Parse an ISO timestamp to UTC; a naive one is taken as UTC."""
    try:
        moment = datetime.fromisoformat(text.strip().replace("Z", "+00:00"))
    except ValueError:
        raise ClockError(
            f"QUIZZER_NOW={text!r} is not an ISO timestamp like 2026-01-31T08:00"
        ) from None
    if moment.tzinfo is None:
        moment = moment.replace(tzinfo=UTC)
    return moment.astimezone(UTC)


def local_zone(name: str | None = None) -> tzinfo:
    """The named IANA zone, else `TZ`, else the system's zone (UTC if none can be found)."""
    name = name or os.environ.get("TZ")
    if name:
        try:
            return ZoneInfo(name.removeprefix(":"))
        except (ZoneInfoNotFoundError, ValueError):
            raise ClockError(f"unknown time zone {name!r}") from None
    localtime = Path("/etc/localtime")
    try:
        with localtime.open("rb") as fh:
            return ZoneInfo.from_file(fh, key="localtime")
    except OSError:
        return datetime.now().astimezone().tzinfo or UTC


def study_day(moment: datetime, zone: tzinfo, day_starts_at: int) -> date:
    """The study day a moment belongs to: local date, with days starting at `day_starts_at` h."""
    local = moment.astimezone(zone)
    return (local - timedelta(hours=day_starts_at)).date()


def day_start(day: date, zone: tzinfo, day_starts_at: int) -> datetime:
    """The UTC moment the study day `day` begins (DST-correct: wall-clock `day_starts_at` h)."""
    return datetime.combine(day, time(day_starts_at), zone).astimezone(UTC)


def day_bounds(moment: datetime, zone: tzinfo, day_starts_at: int) -> tuple[datetime, datetime]:
    """The UTC start and end of the study day containing `moment`."""
    day = study_day(moment, zone, day_starts_at)
    return day_start(day, zone, day_starts_at), day_start(
        day + timedelta(days=1), zone, day_starts_at
    )


def to_ms(moment: datetime) -> int:
    """UTC milliseconds since the epoch."""
    return (moment - EPOCH) // timedelta(milliseconds=1)


def from_ms(ms: int) -> datetime:
    """A UTC datetime from milliseconds since the epoch."""
    return EPOCH + timedelta(milliseconds=ms)
