"""`quizzer check`: is the database file sound, and do the card cache and the statistics totals
equal what the log gives?

SQLite's integrity check reads every page; the replay recomputes every card from the log (what
`quizzer rebuild` would write) and the totals from the log's answers, and compares, without
writing. A sound file clears the damage marker an earlier error left (see store/db.py).

A replay uses today's settings, but each answer was scheduled with the settings of its day: after
a change of parameters (`quizzer optimize`), desired retention, steps, maximum interval, leech
threshold or action, or of the study calendar (time zone, day start), a replay moves the cards
answered before it. Such a card still holds what its log recorded (the
state after its last event, kept in the log), and is reported apart, as what `rebuild` would
reschedule; a card whose cache differs from its own log record has drifted.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import tzinfo

from quizzer.clock import Calendar, calendar
from quizzer.config import Settings
from quizzer.state import CardState
from quizzer.store import aggregates
from quizzer.store.db import Store, StoreError


@dataclass(slots=True)
class CheckReport:
    """What `check_store` found."""

    path: str
    integrity: list[str] = field(default_factory=list)
    """SQLite's findings; `["ok"]` when the file is sound."""
    cards: int = 0
    """Cards in the log (compared with the cache)."""
    drift: list[str] = field(default_factory=list)
    """Cards whose cached state differs from the replay of the log and from the state their log
    recorded after their last event."""
    rescheduled: list[str] = field(default_factory=list)
    """Cards that hold what their log recorded, which a replay with today's settings (or of
    answers changed outside quizzer) would move: what `rebuild` would reschedule."""
    unreadable: str | None = None
    """Why the log could not be replayed: a row that is not an event (written by hand)."""
    totals: str = "stale"
    """The statistics totals with their tail against a recomputation from the log: `equal`,
    `differ`, or `stale` (marked for a rebuild, which the next statistics make: nothing to
    compare)."""

    @property
    def sound(self) -> bool:
        """True when SQLite found nothing wrong."""
        return self.integrity == ["ok"]

    @property
    def ok(self) -> bool:
        """True when the file is sound, the cache equals the replay and the totals do not
        differ from a recomputation."""
        return self.sound and not self.unreadable and not self.drift and self.totals != "differ"


def check_store(
    store: Store, settings: Settings, zone: tzinfo, stage: Callable[[str], None] | None = None
) -> CheckReport:
    """Run both checks on an open store; sets the damage marker when the file is damaged, and
    clears it when the file is sound. `stage`, when given, is told what runs (each step reads
    the whole file or the whole log: seconds at a million reviews)."""
    from quizzer.replay import replay_log

    say = stage or (lambda text: None)
    report = CheckReport(str(store.path))
    say("checking the database's integrity")
    try:
        report.integrity = store.integrity().splitlines()
    except StoreError as exc:
        report.integrity = [str(exc)]
    if not report.sound:
        store.mark_damaged(report.integrity[0])
        return report
    store.mark_sound()
    with aggregates.snapshot(store.db):  # the log, the cache and the totals as of one moment
        say("replaying the log")
        try:
            expected: dict[str, CardState] = {}
            for _ in replay_log(store, settings, zone, expected):
                pass
            cached = store.states()
            report.cards = len(expected)
            held = {c: cached.pop(c, None) for c in expected}
            moved = {c: state for c, state in held.items() if state != expected[c]}
            recorded = _recorded(store, set(moved))
            kept = {c for c, s in moved.items() if s and s == recorded.get(c)}
            report.rescheduled = sorted(kept)
            report.drift = sorted([*(set(moved) - kept), *cached])  # cached ones not in the log
        except StoreError as exc:  # the integrity check passed: a row no replay can read
            report.unreadable = str(exc)
        say("recomputing the statistics totals")
        report.totals = compare_totals(store, calendar(zone, settings.day_starts_at))
    return report


def _recorded(store: Store, card_ids: set[str]) -> dict[str, CardState]:
    """The state each of these cards had after its last event (in replay order), as the log's
    derived `after` column recorded it."""
    found = {}
    for card_id in card_ids:
        row = store.db.execute(  # the end of the card's events in the (card_id, at) index
            "SELECT after FROM log WHERE card_id = ? ORDER BY at DESC, uid DESC LIMIT 1",
            (card_id,),
        ).fetchone()
        try:
            found[card_id] = CardState.from_json(card_id, row[0])
        except (TypeError, ValueError, KeyError):
            continue  # not recorded (a row written by hand): the card has drifted
    return found


def compare_totals(store: Store, cal: Calendar) -> str:
    """`equal` when the statistics totals, with their tail, equal a recomputation from the
    log's answers; `differ` when not; `stale` when they are marked for a rebuild. The tables
    are compared row by row as they are read, against the recomputation less the tail."""
    db = store.db
    with aggregates.snapshot(db):
        upto = aggregates.mark(db, cal)
        if upto is None:
            return "stale"
        expected = aggregates.accumulate(aggregates.log_rows(db), cal)
        aggregates.accumulate_into(expected, aggregates.tail(db, cal, upto), -1)
        for table, (keys, _) in aggregates.TABLES.items():
            rows = expected[table]
            for row in db.execute(f"SELECT * FROM {table}"):
                if rows.pop(tuple(row[: len(keys)]), None) != list(row[len(keys) :]):
                    return "differ"
            if rows:
                return "differ"
    return "equal"
