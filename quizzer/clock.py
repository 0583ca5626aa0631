"""The one place that reads the clock, and the local day that starts at `day_starts_at`.

`Calendar.elapsed_days` is the one definition of FSRS's elapsed time: study days, as Anki counts
them.

Everything else takes the time as an argument. `QUIZZER_NOW` (an ISO timestamp; UTC when it has no
offset) makes the whole program believe it is another moment, for tests and demos.
"""

from __future__ import annotations

import functools
import io
import os
import struct
import sys
from collections.abc import Container
from datetime import UTC, date, datetime, time, timedelta, tzinfo
from pathlib import Path
from zoneinfo import ZoneInfo

from quizzer.errors import QuizzerError

EPOCH = datetime(1970, 1, 1, tzinfo=UTC)
DAY_MS = 86_400_000
EPOCH_ORDINAL = 719_163  # date(1970, 1, 1).toordinal()
EARLIEST = EPOCH
LATEST = datetime(9000, 1, 1, tzinfo=UTC)
"""Every time quizzer handles lies in [EARLIEST, LATEST): far enough from year 9999 that a
due date 100 years after any of them still has a calendar date."""


class ClockError(QuizzerError, ValueError):
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
    try:
        moment = moment.astimezone(UTC)
    except OverflowError:
        moment = EPOCH - timedelta(days=1)  # past either end: refused just below
    if not EARLIEST <= moment < LATEST:
        raise ClockError(
            f"QUIZZER_NOW={text!r} is outside the times quizzer handles "
            f"({EARLIEST.year} to {LATEST.year - 1})"
        )
    return moment


def local_zone(name: str | None = None) -> tzinfo:
    """The named zone (config.toml's `timezone`), else `TZ`, else the system's zone (UTC if none
    can be found). A name is an IANA zone, a zone file's path or a POSIX TZ rule; a `TZ` that is
    none of them falls back to UTC with a warning, as the C library does."""
    if name:
        zone = _zone(name)
        if zone is None:
            raise ClockError(f"unknown time zone {name!r}")
        return zone
    env = os.environ.get("TZ")
    if env:
        return _env_zone(env)
    localtime = Path("/etc/localtime")
    # named as the system names it (/etc/localtime links to zoneinfo/Europe/Paris, say)
    key = os.path.realpath(localtime).partition("zoneinfo/")[2] or "localtime"
    try:
        with localtime.open("rb") as fh:
            return ZoneInfo.from_file(fh, key=key)
    except OSError:
        return datetime.now().astimezone().tzinfo or UTC


@functools.cache
def _env_zone(env: str) -> tzinfo:
    zone = _zone(env)
    if zone is None:
        sys.stderr.write(f"quizzer: warning: TZ={env!r} is not a time zone; using UTC\n")
        return UTC
    return zone


def _zone(name: str) -> tzinfo | None:
    """An IANA zone name, a TZif file (`:/usr/share/zoneinfo/Europe/Paris`, as POSIX allows in
    `TZ`), or a POSIX rule (`UTC0`, `JST-9`, `CET-1CEST,M3.5.0,M10.5.0/3`); None otherwise."""
    bare = name.removeprefix(":")
    try:
        if bare.startswith("/"):
            with open(bare, "rb") as fh:
                return ZoneInfo.from_file(fh, key=bare)
        return ZoneInfo(bare)
    except (KeyError, ValueError, OSError):  # ZoneInfoNotFoundError is a KeyError
        pass
    try:
        return _posix_rule(bare)
    except (ValueError, UnicodeError):
        return None


def _posix_rule(rule: str) -> tzinfo:
    """A zone following a POSIX TZ rule: a TZif v2 file with no transitions, whose footer (the
    rule for times after the last transition) then governs every time. ValueError if invalid."""
    if "\n" in rule or not rule:
        raise ValueError("not a rule")
    abbr = b"UTC\0"
    header = b"TZif2" + bytes(15) + struct.pack(">6l", 0, 0, 0, 0, 1, len(abbr))
    body = struct.pack(">lBB", 0, 0, 0) + abbr
    data = header + body + header + body + b"\n" + rule.encode("ascii") + b"\n"
    return ZoneInfo.from_file(io.BytesIO(data), key=rule)


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


class Calendar:
    """A learner's study calendar: a local zone and the hour (`day_starts_at`) each study day
    starts. Day numbers are fast: the zone's offset is looked up once per UTC day, and per moment
    only on days when it changes (daylight saving)."""

    __slots__ = ("_key", "_offsets", "_shift", "_starts", "day_starts_at", "zone")

    def __init__(self, zone: tzinfo, day_starts_at: int) -> None:
        self.zone = zone
        self.day_starts_at = day_starts_at
        self._shift = day_starts_at * 3_600_000
        self._offsets: dict[int, int | None] = {}
        """Per UTC day: its UTC offset (ms), or None when the offset changes during it."""
        self._starts: dict[int, int] = {}
        """Per UTC day: the UTC offset (ms) at its first millisecond."""
        self._key: str | None = None

    def __repr__(self) -> str:
        return f"Calendar({self.zone}, day_starts_at={self.day_starts_at})"

    def _offset_ms(self, at: int) -> int:
        offset = from_ms(at).astimezone(self.zone).utcoffset()
        return 0 if offset is None else offset // timedelta(milliseconds=1)

    def day_number(self, at: int) -> int:
        """`study_day(...).toordinal()` of the moment `at` (UTC ms)."""
        utc_day = at // DAY_MS
        offsets = self._offsets
        if utc_day not in offsets:
            # the same offset at this day's start and the next one's: none changed in between
            # (a change at midnight UTC exactly only sends this day to the exact path below)
            first, after = self._start(utc_day), self._start(utc_day + 1)
            offsets[utc_day] = first if first == after else None
        offset = offsets[utc_day]
        if offset is None:
            return study_day(from_ms(at), self.zone, self.day_starts_at).toordinal()
        return (at + offset - self._shift) // DAY_MS + EPOCH_ORDINAL

    def _start(self, utc_day: int) -> int:
        found = self._starts.get(utc_day)
        if found is None:
            found = self._starts[utc_day] = self._offset_ms(utc_day * DAY_MS)
        return found

    def day_numbers(self, at: int) -> tuple[int, int]:
        """`day_number` of the moment `at` and of the last millisecond of the second before it
        (where the memory update counts elapsed days from), for the price of one."""
        utc_day = at // DAY_MS
        # a pass over every card calls this once a card: `day_number`'s common case, inlined
        offset = self._offsets.get(utc_day)
        if offset is None:
            day = self.day_number(at)
            offset = self._offsets[utc_day]
        else:
            day = (at + offset - self._shift) // DAY_MS + EPOCH_ORDINAL
        before = at // 1000 * 1000 - 1
        if offset is None or before // DAY_MS != utc_day:
            return day, self.day_number(before)
        return day, (before + offset - self._shift) // DAY_MS + EPOCH_ORDINAL

    def local_hour(self, at: int) -> int:
        """The local hour of the day (0-23) of the moment `at` (UTC ms)."""
        self.day_number(at)  # fills the offset cache of its UTC day
        offset = self._offsets[at // DAY_MS]
        if offset is None:
            offset = self._offset_ms(at)
        return (at + offset) // 3_600_000 % 24

    @property
    def key(self) -> str:
        """A text that changes when the calendar does: the zone's name, the day start, and the
        zone's offsets on a few dates (a zone read from a file may keep its name and change)."""
        if self._key is not None:
            return self._key
        samples = [
            self._offset_ms(to_ms(datetime(year, month, 15, tzinfo=UTC)))
            for year in (1990, 2010, 2025)
            for month in (1, 7)
        ]
        name = getattr(self.zone, "key", None) or str(self.zone)
        self._key = f"{name}|{self.day_starts_at}|{','.join(map(str, samples))}"
        return self._key

    def day_of(self, at: int) -> date:
        """The study day of the moment `at` (UTC ms)."""
        return study_day(from_ms(at), self.zone, self.day_starts_at)

    def start_of(self, day: date) -> int:
        """The moment (UTC ms) the study day `day` begins, at `day_starts_at` local time."""
        return to_ms(day_start(day, self.zone, self.day_starts_at))

    def bounds(self, at: int) -> tuple[int, int]:
        """The start and end (UTC ms) of the study day around the moment `at`."""
        day = self.day_of(at)
        return self.start_of(day), self.start_of(day + timedelta(days=1))

    def elapsed_days(self, earlier: int, later: int) -> int:
        """FSRS's elapsed time from a review at `earlier` to one at `later` (UTC ms): the number
        of study-day starts between them. 0 on the same study day however many hours apart (20:00
        then 03:59 with days starting at 4), 1 across one start however few hours apart (20:00
        then 10:00 the next day); never negative. A card's first review has no previous one:
        its elapsed time is 0, which the caller passes itself.

        This is how Anki counts (and FSRS's default parameters were fitted on it): each review is
        numbered by the whole days from it, in whole seconds, to a day start, so the instant a day
        starts, and the rest of that first second, still count for the day before; so here too.
        Anki steps those days back 24 hours at a time from one day start, so on the far side of a
        daylight-saving change its boundary sits an hour off the wall clock; here a day starts at
        `day_starts_at` local time on every date."""
        day = self.day_number
        return max(0, day(later // 1000 * 1000 - 1) - day(earlier // 1000 * 1000 - 1))


def current_run(days: Container[int], today: int) -> int:
    """How many consecutive study days (ordinals) in `days` end today, or yesterday while today
    is not among them: the current streak."""
    last = today if today in days else today - 1
    count = 0
    while last - count in days:
        count += 1
    return count


def offset_segments(zone: tzinfo, lo_ms: int, hi_ms: int) -> list[tuple[int, int]]:
    """(from UTC ms, UTC offset ms) pieces covering [lo, hi]: the offset changes only at the
    zone's transitions, found by sampling every 6 hours and bisecting to the millisecond."""

    def offset(ms: int) -> int:
        delta = from_ms(ms).astimezone(zone).utcoffset()
        return int(delta.total_seconds() * 1000) if delta else 0

    segments = [(lo_ms, offset(lo_ms))]
    step = 6 * 3_600_000
    t = lo_ms
    while t < hi_ms:
        nxt = min(t + step, hi_ms)
        if offset(nxt) != segments[-1][1]:
            a, b = t, nxt
            while b - a > 1:
                mid = (a + b) // 2
                a, b = (mid, b) if offset(mid) == segments[-1][1] else (a, mid)
            segments.append((b, offset(b)))
        t = nxt
    return segments


@functools.lru_cache(maxsize=16)
def calendar(zone: tzinfo, day_starts_at: int) -> Calendar:
    """The `Calendar` of a zone and day start, shared so that its offset cache is reused."""
    return Calendar(zone, day_starts_at)


EARLIEST_MS = to_ms(EARLIEST)
LATEST_MS = to_ms(LATEST)


def in_range(ms: object) -> bool:
    """True for an integer time (UTC ms) in [EARLIEST, LATEST) (booleans are not times)."""
    return type(ms) is int and EARLIEST_MS <= ms < LATEST_MS
