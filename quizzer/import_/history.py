"""Anki's review log into quizzer's, then a replay of every card it touched.

Each revlog row with a rating becomes a review event on the matching quizzer card (the cloze
ordinal or the reverse side), recorded by the device `anki`. Its uid is made from the revlog id
and the card's note and ordinal, so a second import of the same package adds nothing. Reviews in
a filtered deck become cram events (they practise without scheduling); a Forget (Reset card)
becomes a forget event, and the other rows Anki wrote for a change made by hand (set due date,
reschedule) carry no answer and are left out. A card
suspended or buried in Anki gets a suspend or bury event, unless quizzer's log already leaves it
so (a package exported from this history, brought back); a suspension quizzer's export
carried the time of (`anki_progress.carried`) is dated then, so that a sync knows it for the
suspension it comes from (`quizzer.returned`). Every card that received events is then
replayed with quizzer's FSRS (`quizzer.sync.replay_rows`, as sync does), so its state follows from
its whole history.

The last answer quizzer's export gave a card keeps its uid and time: the card's custom data names
them (`anki_progress.carried`), so that the answer's interval is spread by the same fuzz
and the card is due on the same day as before the trip through Anki. The other answers cannot
keep theirs: Anki's review log holds, for each answer, its time in ms as its id and fields that
each mean something to Anki, and a card's custom data holds 100 bytes.
"""

from __future__ import annotations

import hashlib
import json
import re
from dataclasses import dataclass, field, replace
from datetime import timedelta, tzinfo
from typing import TYPE_CHECKING

from quizzer.clock import day_start, from_ms, in_range, study_day
from quizzer.config import Settings
from quizzer.export.anki_progress import CARRIED_KEY, SUSPENDED_KEY
from quizzer.import_.package import Note, Review
from quizzer.returned import ANSWERS, SAME_ANSWER_MS, returned
from quizzer.state import (
    IMPORTED_DEVICE,
    MAX_DURATION_MS,
    CardState,
    Event,
    EventKind,
    Rating,
)
from quizzer.store.db import Store
from quizzer.store.in_list import rows_in
from quizzer.sync_lines import UID

if TYPE_CHECKING:
    from quizzer.replay import DeckSettings

_FILTERED, _MAX_KIND = 3, 3
_TIME = re.compile(r"[0-9]{1,16}")


@dataclass(slots=True)
class HistoryResult:
    """What the history import did."""

    reviews: int = 0
    """Review (and cram) events added."""
    already: int = 0
    """Reviews (and cram events) the log already holds."""
    suspended: int = 0
    """Suspend events added: cards suspended in Anki and not yet in quizzer."""
    buried: int = 0
    """Bury events added: cards buried in Anki and not yet (as long) in quizzer."""
    forgotten: int = 0
    """Forget events added: cards reset in Anki (or forgotten in quizzer before its export)."""
    skipped: dict[str, int] = field(default_factory=dict)
    """Revlog rows left out, by reason."""
    cards: int = 0
    """Cards replayed."""
    carried: dict[str, str] = field(default_factory=dict)
    """The uids quizzer's export carried in cards' custom data and given back to their answers,
    each with the uid the answer gets otherwise."""


def card_map(
    notes: dict[str, Note], placed: dict[str, tuple[str, dict[int, str]]]
) -> dict[int, tuple[str, str]]:
    """Anki card id -> (quizzer card id, uid stem), for the cards of imported questions.
    `placed` gives, by note GUID, the `deck:question` id and the card suffix of each ordinal."""
    found: dict[int, tuple[str, str]] = {}
    for guid, (question, suffixes) in placed.items():
        for card in notes[guid].cards:
            suffix = suffixes.get(card.ord)
            if suffix is not None:
                stem = hashlib.blake2b(f"{guid}:{card.ord}".encode(), digest_size=6).hexdigest()
                found[card.id] = (f"{question}{suffix}", stem)
    return found


def build_events(
    reviews: list[Review],
    notes: list[Note],
    cards: dict[int, tuple[str, str]],
    *,
    now_ms: int,
    zone: tzinfo,
    day_starts_at: int,
) -> tuple[list[Event], HistoryResult]:
    """The events to add (not yet checked against the log), and counts of what was left out."""
    result = HistoryResult()
    events: list[Event] = []
    last: dict[int, int] = {}
    carried = {
        card.id: mark
        for note in notes
        for card in note.cards
        if card.id in cards and (mark := carried_answer(card.custom_data)) is not None
    }
    for row in reviews:
        target = cards.get(row.card_id)
        if target is None:
            _count(result, "reviews of cards whose note was not imported")
            continue
        card_id, stem = target
        if row.reset:
            uid = f"anki-{row.id}-{stem}"
            events.append(Event(uid, IMPORTED_DEVICE, row.id, card_id, EventKind.FORGET))
            continue
        if not 1 <= row.ease <= 4 or row.kind > _MAX_KIND:
            _count(result, "changes made by hand (set due date, reschedule)")
            continue
        kind = EventKind.CRAM if row.kind == _FILTERED else EventKind.REVIEW
        uid, at = f"anki-{row.id}-{stem}", row.id
        mark = carried.get(row.card_id)
        if (
            kind == EventKind.REVIEW
            and mark is not None
            and 0 <= row.id - mark[1] <= SAME_ANSWER_MS
            and mark[0] not in result.carried  # a package made by hand may name one twice
        ):
            del carried[row.card_id]
            result.carried[mark[0]] = uid
            uid, at = mark
        events.append(
            Event(
                uid=uid,
                device=IMPORTED_DEVICE,
                at=at,
                card_id=card_id,
                kind=kind,
                rating=Rating(row.ease),
                graded="self",
                # within what quizzer records, which every device's sync takes in
                duration_ms=min(max(row.duration_ms, 0), MAX_DURATION_MS),
            )
        )
        last[row.card_id] = max(last.get(row.card_id, 0), row.id)
    tomorrow = day_start(
        study_day(from_ms(now_ms), zone, day_starts_at) + timedelta(days=1), zone, day_starts_at
    )
    for note in notes:
        for card in note.cards:
            target = cards.get(card.id)
            if target is None or card.queue not in (-1, -2, -3):
                continue
            card_id, stem = target
            at = max(card.mod * 1000, last.get(card.id, 0) + 1)
            if card.queue == -1:
                kind, until = EventKind.SUSPEND, None
                since = carried_suspension(card.custom_data)
                # the suspension quizzer's export carried: after the card's last answer, and
                # not after the card was last changed (in seconds)
                if since is not None and last.get(card.id, 0) < since < (card.mod + 1) * 1000:
                    at = since
            else:
                kind, until = EventKind.BURY, int(tomorrow.timestamp() * 1000)
            uid = f"anki-{kind}-{card.mod}-{stem}"
            events.append(Event(uid, IMPORTED_DEVICE, at, card_id, kind, until=until))
    return events, result


def carried_answer(custom_data: str) -> tuple[str, int] | None:
    """The uid and time in quizzer's log of the answer a card's custom data names, written by
    quizzer's export (`anki_progress.carried`); None when it names none."""
    value = _custom(custom_data, CARRIED_KEY)
    uid, _, at = value.rpartition("@") if isinstance(value, str) else ("", "", "")
    if not UID.match(uid) or not _TIME.fullmatch(at):
        return None
    return uid, int(at)


def carried_suspension(custom_data: str) -> int | None:
    """The time of the suspension a card's custom data gives, written by quizzer's export
    (`anki_progress.carried`); None when it gives none."""
    value = _custom(custom_data, SUSPENDED_KEY)
    return value if type(value) is int and in_range(value) else None


def _custom(custom_data: str, key: str) -> object:
    """The value under `key` of a card's custom data (a JSON object), None when there is none."""
    try:
        return json.loads(custom_data).get(key) if custom_data else None
    except (ValueError, AttributeError):
        return None


def _carried_elsewhere(store: Store, events: list[Event], carried: dict[str, str]) -> set[str]:
    """The carried uids of `events` that the log holds for another answer (another card or
    rating: a package made by hand), which their answers cannot take."""
    ours = {e.uid: (e.card_id, e.rating) for e in events if e.uid in carried}
    sql = "SELECT uid, card_id, rating FROM log WHERE uid IN ({marks})"
    return {
        uid
        for uid, card_id, rating in rows_in(store.db, sql, list(ours))
        if ours[uid] != (card_id, rating)
    }


def _changing(marks: list[Event], before: list[Event], settings: DeckSettings) -> list[Event]:
    """The suspend and bury events of `marks` that change their card: not one whose card the
    log (`before`: its events and the answers being added) already leaves suspended, or buried
    as long, as a package exported from this history brings back."""
    from quizzer.replay import replay_rows

    cards = {e.card_id for e in marks}
    if not cards:
        return []
    base = [e for e in before if e.card_id in cards]
    without, _ = replay_rows(base, settings)
    with_marks, _ = replay_rows([*base, *marks], settings)
    return [
        e for e in marks if without.get(e.card_id, CardState(e.card_id)) != with_marks[e.card_id]
    ]


def _count(result: HistoryResult, reason: str) -> None:
    result.skipped[reason] = result.skipped.get(reason, 0) + 1


def add_history(
    store: Store | None,
    settings: Settings,
    zone: tzinfo,
    events: list[Event],
    result: HistoryResult,
    *,
    dry_run: bool = False,
) -> None:
    """Add the events the log lacks and replay the cards they touch (in a dry run, only count
    them). `store` is None in a dry run before the database exists: the log is empty."""
    from quizzer.replay import DeckSettings, replay_rows
    from quizzer.sync import _known_uids

    if store is None and not dry_run:
        raise ValueError("adding history needs a store")
    if store is not None and result.carried:
        taken = _carried_elsewhere(store, events, result.carried)
        events = [replace(e, uid=result.carried[e.uid]) if e.uid in taken else e for e in events]
    known = set() if store is None else _known_uids(store, [e.uid for e in events])
    unknown = [e for e in events if e.uid not in known]
    # read once: matched, then replayed
    logged = [] if store is None else store.events({e.card_id for e in unknown})
    deck_settings = DeckSettings(settings, zone)
    back = returned(logged, unknown)
    answers = [e for e in unknown if e.kind in ANSWERS and e.uid not in back]
    marks = _changing(
        [e for e in unknown if e.kind not in ANSWERS and e.uid not in back],
        [*logged, *answers],
        deck_settings,
    )
    fresh = answers + marks
    result.already = sum(1 for e in events if e.kind in ANSWERS) - len(answers)
    result.reviews = len(answers)
    result.suspended = sum(1 for e in marks if e.kind == EventKind.SUSPEND)
    result.buried = sum(1 for e in marks if e.kind == EventKind.BURY)
    result.forgotten = sum(1 for e in marks if e.kind == EventKind.FORGET)
    if not fresh or store is None or dry_run:
        return
    affected = {e.card_id for e in fresh}
    existing = [e for e in logged if e.card_id in affected]
    states, derived = replay_rows([*existing, *fresh], deck_settings)
    with store.transaction():
        store.insert_events((e, derived[e.uid]) for e in sorted(fresh, key=lambda e: (e.at, e.uid)))
        store.rewrite_derived((e.uid, derived[e.uid]) for e in existing)
        store.replace_states(states[card_id] for card_id in sorted(affected))
    result.cards = len(affected)
