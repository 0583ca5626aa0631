"""Figures the home screen shows: per-deck counts, today's totals and the study streak.

Pure functions over a session and its store; no Textual here, so they are easy to test.
"""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass
from datetime import date, timedelta, tzinfo

from quizzer.clock import from_ms, study_day
from quizzer.decks.cards import Card
from quizzer.queue import Counts, plan
from quizzer.scheduling import describe_interval
from quizzer.session import Session
from quizzer.store.db import Store

_NOT_UNDONE = "uid NOT IN (SELECT target FROM log WHERE kind = 'undo')"
_QUARTER_MS = 15 * 60_000


def node_ids(deck_id: str) -> list[str]:
    """The tree nodes a deck belongs to: the root (`""`), every folder above it, and itself."""
    parts = deck_id.split("/")
    return ["/".join(parts[:i]) for i in range(len(parts) + 1)]


def deck_counts(session: Session, now_ms: int) -> dict[str, Counts]:
    """New, learning and review cards left today for every deck, every folder and the root (`""`).

    Each node is planned on its own, as a session started on it would be, so a folder shows what
    reviewing that folder gives (daily limits included) rather than the sum of its decks."""
    day = session.day(now_ms)
    today = session.today(day)
    states = session.store.states()
    groups: dict[str, list[Card]] = defaultdict(list)
    for card in session.cards:
        for node in node_ids(card.deck_id):
            groups[node].append(card)
    return {
        node: plan(cards, states, session.deck_settings, day, today).counts
        for node, cards in groups.items()
    }


@dataclass(frozen=True, slots=True)
class TodayTotals:
    """What was done in the current study day."""

    reviews: int
    """Answers given today (reviews and cram), undone ones excluded."""
    time_ms: int
    """Time spent answering them."""


def today_totals(session: Session, now_ms: int) -> TodayTotals:
    """Answers given today and the time they took, from the log."""
    day = session.day(now_ms)
    count, time_ms = session.store.db.execute(
        "SELECT count(*), coalesce(sum(duration_ms), 0) FROM log "
        f"WHERE at >= ? AND at < ? AND kind IN ('review', 'cram') AND {_NOT_UNDONE}",
        (day.start, day.end),
    ).fetchone()
    return TodayTotals(int(count), int(time_ms))


def study_days(store: Store, zone: tzinfo, day_starts_at: int) -> set[date]:
    """Every study day with at least one review (undone reviews excluded).

    Reviews are grouped in quarter hours first: every time zone offset is a multiple of 15
    minutes, so a quarter hour never straddles a day boundary, and a long log stays cheap."""
    rows = store.db.execute(
        f"SELECT DISTINCT at / {_QUARTER_MS} FROM log "
        f"WHERE kind IN ('review', 'cram') AND {_NOT_UNDONE}"
    )
    return {study_day(from_ms(q * _QUARTER_MS), zone, day_starts_at) for (q,) in rows}


def streak(days: set[date], today: date) -> int:
    """Consecutive study days ending today, or yesterday when nothing was studied yet today."""
    day = today if today in days else today - timedelta(days=1)
    count = 0
    while day in days:
        count += 1
        day -= timedelta(days=1)
    return count


def current_streak(session: Session, now_ms: int) -> int:
    """The streak of the session's collection at `now_ms`."""
    settings = session.settings
    days = study_days(session.store, session.zone, settings.day_starts_at)
    return streak(days, study_day(from_ms(now_ms), session.zone, settings.day_starts_at))


def describe_when(ms: int, now_ms: int, zone: tzinfo) -> str:
    """A moment as the learner reads it: `today 09:10 (in 10m)`, `tomorrow 04:00 (in 19h)`,
    `Thu 5 Mar 04:00 (in 3d)`."""
    local = from_ms(ms).astimezone(zone)
    days = (local.date() - from_ms(now_ms).astimezone(zone).date()).days
    if days == 0:
        day = "today"
    elif days == 1:
        day = "tomorrow"
    else:
        day = f"{local:%a} {local.day} {local:%b}"
    return f"{day} {local:%H:%M} (in {describe_interval(max(0, ms - now_ms))})"


def describe_duration(ms: int) -> str:
    """A spent time as `45s`, `12m`, `1h 05m`."""
    seconds = round(ms / 1000)
    if seconds < 60:
        return f"{seconds}s"
    minutes = seconds // 60
    if minutes < 60:
        return f"{minutes}m {seconds % 60:02d}s" if minutes < 10 else f"{minutes}m"
    return f"{minutes // 60}h {minutes % 60:02d}m"
