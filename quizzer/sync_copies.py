"""The sync's side of `quizzer.returned`: received events the log holds under another uid.

An answer (a suspension, a forget) that reached this device through Anki is held under an id
made from Anki's review log, and its fuzz, drawn from that id, is not the fuzz of the answer it
was made from. When that answer arrives from the device that made it, the sync takes it in
place of the copy: the copy's row becomes the answer (its uid, device, time and what it
recorded), and the card is replayed. Every device that syncs with the first then holds the
same answer under the same uid, so a card whose later answers are undone (or a forget undone)
comes back to the same due date everywhere, and an undo of the answer finds it. The copy's uid
is remembered (`sync_copies`), so that this device's file, which still holds the copy, is not
taken for a file another database wrote. The same goes for a card's last answer, which the
copy holds under the answer's own uid (but not all it recorded). Any other received event the
log holds this way (a copy arriving where the answer is, or a copy of a copy) is simply already
here.
"""

from __future__ import annotations

from collections.abc import Sequence

from quizzer.returned import RETURNING, SAME_ANSWER_MS, returned
from quizzer.state import EVENT_COLUMNS, IMPORTED_DEVICE, Event
from quizzer.store.db import Store
from quizzer.store.in_list import rows_in

_NEAR_PART = 100
"""Received events looked up at once for copies of theirs under another uid (5 parameters
each, within SQLite's 999)."""
_TAKEN = ("uid", "device", "at", "graded", "response", "verdict", "duration_ms")
"""The columns of a copy's row the answer it was made from replaces."""


def held_copies(store: Store, fresh: Sequence[Event]) -> dict[str, Event]:
    """The events of `fresh` the log holds under another uid, one side imported from Anki
    (`quizzer.returned`), each uid with the event held. Nothing is read unless an import is
    involved; then only the log's events of the same card and kind within `SAME_ANSWER_MS` of
    each."""
    answers = [e for e in fresh if e.kind in RETURNING]
    if not answers:
        return {}
    if not any(e.device == IMPORTED_DEVICE for e in answers) and not _any_imported(store):
        return {}
    columns = ", ".join(f"l.{c}" for c in EVENT_COLUMNS)
    held: dict[str, Event] = {}
    for i in range(0, len(answers), _NEAR_PART):
        part = answers[i : i + _NEAR_PART]
        values = [
            value
            for e in part
            for value in (e.card_id, e.at, str(e.kind), e.rating, e.device == IMPORTED_DEVICE)
        ]
        rows = store.db.execute(
            # each answer seeks the (card_id, at) index around its own time
            "WITH f(card_id, at, kind, rating, imported) AS "
            f"(VALUES {','.join(['(?, ?, ?, ?, ?)'] * len(part))}) "
            f"SELECT DISTINCT {columns} FROM f JOIN log AS l ON l.card_id = f.card_id "
            "AND l.at BETWEEN f.at - ? AND f.at + ? "
            "WHERE l.kind = f.kind AND l.rating IS f.rating AND (l.device = ? OR f.imported)",
            [*values, SAME_ANSWER_MS, SAME_ANSWER_MS, IMPORTED_DEVICE],
        )
        held.update((row[0], store.event(row)) for row in rows)
    return {uid: held[copy] for uid, copy in returned(held.values(), answers).items()}


def held_as_imported(store: Store, known: Sequence[Event]) -> dict[str, Event]:
    """The events of `known` (received, their uids in the log) made on a device that the log
    holds as imported from Anki under the same uid (a card's last answer, which quizzer's export
    carries with its uid), each uid with the event held: the import's copy may lack what the
    answer recorded (its response, or its time taken when there was none)."""
    made = [e.uid for e in known if e.device != IMPORTED_DEVICE]
    if not made or not _any_imported(store):
        return {}
    sql = f"SELECT {', '.join(EVENT_COLUMNS)} FROM log WHERE uid IN ({{marks}}) AND device = ?"
    rows = rows_in(store.db, sql, made, (IMPORTED_DEVICE,))
    return {row[0]: store.event(row) for row in rows}


def _any_imported(store: Store) -> bool:
    """Whether the log holds any event imported from Anki (the device index answers it)."""
    sql = "SELECT 1 FROM log WHERE device = ? LIMIT 1"
    return store.db.execute(sql, (IMPORTED_DEVICE,)).fetchone() is not None


def take_originals(store: Store, fresh: Sequence[Event], copies: dict[str, Event]) -> set[str]:
    """Put each event of `fresh` made on a device (not imported) in place of the copy from Anki
    the log holds of it (`copies`, from `held_copies`), remembering the copy's uid; returns the
    cards whose events changed (to replay)."""
    swaps = [
        (e, held)
        for e in fresh
        if (held := copies.get(e.uid)) is not None
        and e.device != IMPORTED_DEVICE
        and held.device == IMPORTED_DEVICE
    ]
    if not swaps:
        return set()
    sql = f"UPDATE log SET {', '.join(f'{c} = ?' for c in _TAKEN)} WHERE uid = ?"
    store.rewrite_events(
        sql,
        [(*(getattr(e, c) for c in _TAKEN), h.uid) for e, h in swaps],
        [h.uid for _, h in swaps],
        [e.uid for e, _ in swaps],
    )
    store.db.executemany(
        "INSERT OR REPLACE INTO sync_copies (uid, original) VALUES (?, ?)",
        [(h.uid, e.uid) for e, h in swaps],
    )
    return {e.card_id for e, _ in swaps}


def replaced(store: Store, uids: Sequence[str]) -> set[str]:
    """Which of `uids` are copies this database replaced by the events they were made from."""
    return {
        uid
        for (uid,) in rows_in(store.db, "SELECT uid FROM sync_copies WHERE uid IN ({marks})", uids)
    }
