"""The learner's progress in an Anki package: each card's scheduling (type, queue, due, interval,
FSRS memory state) and the review history (revlog), written into the package's SQLite before it
is zipped. genanki knows nothing about them; Anki keeps them when "Import any learning progress"
is ticked."""

from __future__ import annotations

import json
import sqlite3
from dataclasses import dataclass
from datetime import date, datetime, timedelta, tzinfo
from typing import TYPE_CHECKING, Any

from quizzer.clock import DAY_MS, day_start, from_ms, study_day
from quizzer.decks.cards import card_ids
from quizzer.decks.models import Cloze, QuestionBase
from quizzer.state import CardPhase, CardState, Event, EventKind
from quizzer.store.log import forgotten_at, recorded_answers, suspended_since

if TYPE_CHECKING:
    from quizzer.collection import Collection
    from quizzer.config import Settings
    from quizzer.store.db import Derived


_ANKI_EPOCH = date(2020, 1, 1)
"""The creation day written into a package with progress; review due days count from it."""
CARRIED_KEY = "qz"
"""The key of a card's custom data that names its last answer in quizzer, `<uid>@<time in ms>`
(Anki allows keys of up to 8 bytes, and 100 bytes of custom data in all)."""
SUSPENDED_KEY = "qs"
"""The key of a suspended card's custom data that gives the time in ms of its suspension in
quizzer, so that the suspension the import makes of it is known for that one
(`quizzer.returned`)."""


@dataclass(frozen=True, slots=True)
class Answer:
    """One review answer, with what Anki's review log needs of the card before and after it."""

    uid: str
    card_id: str
    at: int
    rating: int
    duration_ms: int | None
    phase_before: CardPhase
    due_before: int | None
    last_review_before: int | None
    phase_after: CardPhase
    due_after: int | None
    difficulty_after: float | None

    @classmethod
    def from_event(cls, event: Event, derived: Derived) -> Answer:
        """From a replayed event."""
        before, after = derived.before, derived.after
        return cls(
            event.uid,
            event.card_id,
            event.at,
            int(event.rating or 0),
            event.duration_ms,
            before.state,
            before.due,
            before.last_review,
            after.state,
            after.due,
            after.difficulty,
        )


@dataclass(frozen=True, slots=True)
class LearnerProgress:
    """The learner's memory, as the export needs it."""

    states: dict[str, CardState]
    """Card states by card id (the store's cache)."""
    answers: list[Answer]
    """Review answers not undone (no cram), oldest first."""
    settings: Settings
    zone: tzinfo
    suspended_at: dict[str, int]
    """The time of each suspended card's suspension, by card id."""
    forgotten: list[tuple[str, int]]
    """(card id, time) of each forget, oldest first."""


def progress_from(col: Collection) -> LearnerProgress:
    """The learner's card states and review history, from the collection's store.

    The log keeps the card state before and after every answer (what the session computed), so
    the history is read as recorded, in SQL for speed; undone and cram answers are left out."""
    try:
        rows = recorded_answers(col.store.db)
    except sqlite3.OperationalError:  # an SQLite built without JSON functions
        return _replayed(col)
    if any(row[5] is None or row[8] is None for row in rows):
        return _replayed(col)  # states missing from the log: compute them again
    answers = [
        Answer(
            uid,
            card_id,
            at,
            rating,
            duration,
            CardPhase(phase),
            due,
            last,
            CardPhase(phase_after),
            due_after,
            difficulty,
        )
        for (
            uid,
            card_id,
            at,
            rating,
            duration,
            phase,
            due,
            last,
            phase_after,
            due_after,
            difficulty,
        ) in rows
    ]
    return _progress(col, answers)


def _replayed(col: Collection) -> LearnerProgress:
    from quizzer.replay import DeckSettings, replay

    events = col.store.events()
    _, derived = replay(events, DeckSettings(col.settings, col.zone))
    by_uid = {e.uid: e for e in events}
    answers = [
        Answer.from_event(by_uid[uid], d)
        for uid, d in derived
        if by_uid[uid].kind == EventKind.REVIEW
    ]
    return _progress(col, answers)


def _progress(col: Collection, answers: list[Answer]) -> LearnerProgress:
    db = col.store.db
    return LearnerProgress(
        col.store.states(), answers, col.settings, col.zone, suspended_since(db), forgotten_at(db)
    )


def any_leech(deck_id: str, question: QuestionBase, progress: LearnerProgress) -> bool:
    return any(
        (state := progress.states.get(card_id)) is not None and state.leech
        for card_id, _ in card_ids(deck_id, question)
    )


def _variant_suffix(question: QuestionBase, ordinal: int) -> str:
    if isinstance(question, Cloze):
        return f"#c{ordinal + 1}"
    return "#reverse" if ordinal == 1 else ""


def write_progress(
    conn: sqlite3.Connection,
    questions: dict[str, tuple[str, QuestionBase]],
    progress: LearnerProgress,
    now_ms: int,
) -> int:
    """Give the package's cards the learner's scheduling, and add the review log (the answers, and
    a manual row for each forget, as Anki records its Forget); returns how many answers.

    Anki counts review due dates in days since the collection's creation, and when importing it
    shifts them by the difference between the two collections' day counts. So the package gets a
    known creation day (with the learner's day rollover and time zone) and due days counted from it.
    """
    settings, zone = progress.settings, progress.zone
    rollover = settings.day_starts_at
    created = day_start(_ANKI_EPOCH, zone, rollover)
    offset = created.astimezone(zone).utcoffset() or timedelta(0)
    conf = json.loads(conn.execute("SELECT conf FROM col").fetchone()[0])
    conf.update(schedVer=2, rollover=rollover, creationOffset=int(-offset.total_seconds() // 60))
    conn.execute("UPDATE col SET crt = ?, conf = ?", (int(created.timestamp()), json.dumps(conf)))

    anki_ids: dict[str, int] = {}
    for card_id, guid, ordinal in conn.execute(
        "SELECT cards.id, notes.guid, cards.ord FROM cards JOIN notes ON cards.nid = notes.id"
    ):
        deck_id, question = questions[guid]
        anki_ids[f"{deck_id}:{question.id}{_variant_suffix(question, ordinal)}"] = card_id

    used: set[int] = set()
    rows = []
    last: dict[int, Answer] = {}
    for answer in progress.answers:
        reviewed = anki_ids.get(answer.card_id)
        if reviewed is None:
            continue
        revlog_id = _free_id(used, answer.at)
        rows.append((revlog_id, reviewed, -1, answer.rating, *_revlog_fields(answer)))
        last[reviewed] = answer
    answered = len(rows)
    for card_id, at in progress.forgotten:
        reviewed = anki_ids.get(card_id)
        if reviewed is None:
            continue
        # as Anki records its Forget: a manual row (kind 4) with no rating, interval or ease
        rows.append((_free_id(used, at), reviewed, -1, 0, 0, 0, 0, 0, 4))
    conn.executemany("INSERT INTO revlog VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)", rows)

    now = from_ms(now_ms)
    today_ends = _day_end(now, zone, rollover)
    mod = now_ms // 1000
    for quizzer_id, anki_id in anki_ids.items():
        state = progress.states.get(quizzer_id)
        suspended = progress.suspended_at.get(quizzer_id) if state and state.suspended else None
        if state is None or state.state == CardPhase.NEW:
            if state is not None and state.suspended:
                data = _data({}, carried(None, suspended))
                sql = "UPDATE cards SET queue = -1, data = ?, mod = ? WHERE id = ?"
                conn.execute(sql, (data, mod, anki_id))
            continue
        row = _card_row(state, settings, zone, today_ends, last.get(anki_id), suspended)
        conn.execute(
            "UPDATE cards SET type = ?, queue = ?, due = ?, ivl = ?, factor = ?, reps = ?, "
            "lapses = ?, left = ?, data = ?, mod = ? WHERE id = ?",
            (*row, mod, anki_id),
        )
    return answered


def _free_id(used: set[int], at: int) -> int:
    """A revlog id for a row at `at` (UTC ms): a time in ms that must be unique, so the first
    from `at` on that `used` lacks, which it then holds."""
    while at in used:
        at += 1
    used.add(at)
    return at


def _day_end(moment: datetime, zone: tzinfo, rollover: int) -> datetime:
    return day_start(study_day(moment, zone, rollover) + timedelta(days=1), zone, rollover)


def _anki_day(ms: int, zone: tzinfo, rollover: int) -> int:
    """A time as Anki's day number: study days since the package's creation day."""
    return (study_day(from_ms(ms), zone, rollover) - _ANKI_EPOCH).days


def carried(answer: Answer | None, suspended: int | None = None) -> str:
    """The custom data (a JSON object, as Anki keeps it in a card's `data`) naming the card's
    last answer, its uid and time, and the time of its suspension; `""` when there is neither.
    Replayed, an answer's interval is spread by fuzz drawn from its uid, so the import gives that
    answer its uid back, and the card the same due date; the review log has no room for the uids
    of all of them (see `quizzer.import_.history`). The suspension the import makes is dated at
    the time of the one it comes from, so that a sync knows the two for one (an undo of the
    first cancels both). At most 76 bytes: Anki allows 100."""
    data: dict[str, Any] = {}
    if answer is not None:
        data[CARRIED_KEY] = f"{answer.uid}@{answer.at}"
    if suspended is not None:
        data[SUSPENDED_KEY] = suspended
    return json.dumps(data, separators=(",", ":")) if data else ""


def _data(data: dict[str, Any], custom: str) -> str:
    """A card's `data` column: `data`, with the custom data (JSON text, as Anki reads it)."""
    if custom:
        data = {**data, "cd": custom}
    return json.dumps(data, separators=(",", ":")) if data else ""


def _card_row(
    state: CardState,
    settings: Settings,
    zone: tzinfo,
    today_ends: datetime,
    last: Answer | None = None,
    suspended: int | None = None,
) -> tuple[Any, ...]:
    """(type, queue, due, ivl, factor, reps, lapses, left, data) of a card that has been
    reviewed (Anki's card types are numbered like quizzer's phases), `last` its last answer,
    `suspended` the time of its suspension."""
    rollover = settings.day_starts_at
    ctype = int(state.state)
    due_ms = state.due if state.due is not None else int(today_ends.timestamp() * 1000)
    if state.state == CardPhase.REVIEW:
        queue, due = 2, _anki_day(due_ms, zone, rollover)
        ivl, left = max(1, round(_interval_days(state))), 0
    else:
        scheduling = settings.for_deck(state.card_id.rpartition(":")[0])
        steps = (
            scheduling.learning_steps
            if state.state == CardPhase.LEARNING
            else scheduling.relearning_steps
        )
        left = max(1, len(steps) - (state.step or 0))
        ivl = 0 if state.state == CardPhase.LEARNING else max(1, round(state.stability or 1))
        if due_ms < today_ends.timestamp() * 1000:
            queue, due = 1, due_ms // 1000  # learning due today: a time in seconds
        else:
            queue, due = 3, _anki_day(due_ms, zone, rollover)  # due on a later day
    if state.suspended:
        queue = -1
    data: dict[str, Any] = {}
    if state.stability is not None and state.difficulty is not None:
        scheduling = settings.for_deck(state.card_id.rpartition(":")[0])
        data = {
            "s": round(state.stability, 4),
            "d": round(state.difficulty, 4),
            "dr": scheduling.desired_retention,
            "decay": settings.parameters[20],
        }
        if state.last_review is not None:
            data["lrt"] = state.last_review // 1000
    return (
        ctype,
        queue,
        due,
        ivl,
        2500,
        state.reps,
        state.lapses,
        left,
        _data(data, carried(last, suspended)),
    )


def _interval_days(state: CardState) -> float:
    if state.due is None or state.last_review is None:
        return 0.0
    return (state.due - state.last_review) / DAY_MS


def _revlog_interval(phase: CardPhase, due: int | None, since_ms: int | None) -> int:
    """Anki's revlog interval: days when in review, negative seconds when (re)learning."""
    if phase == CardPhase.NEW or due is None or since_ms is None:
        return 0
    if phase == CardPhase.REVIEW:
        return max(1, round((due - since_ms) / DAY_MS))
    return -max(1, round((due - since_ms) / 1000))


_REVLOG_KIND = {
    CardPhase.NEW: 0,
    CardPhase.LEARNING: 0,
    CardPhase.REVIEW: 1,
    CardPhase.RELEARNING: 2,
}
"""Anki's revlog type (learn, review, relearn) by the phase the card was in when answered."""


def _revlog_fields(a: Answer) -> tuple[int, int, int, int, int]:
    """(ivl, lastIvl, factor, time, type) of the revlog row of one answer."""
    ivl = _revlog_interval(a.phase_after, a.due_after, a.at)
    last = _revlog_interval(a.phase_before, a.due_before, a.last_review_before)
    # Anki keeps FSRS difficulty in the revlog's ease column, as (D - 1) / 9 + 0.1 in thousandths
    factor = round(((a.difficulty_after - 1) / 9 + 0.1) * 1000) if a.difficulty_after else 0
    # as recorded (the review screen counts up to 60 s, as Anki does; a script may give more),
    # so that the answer, brought back, took as long as the one it was made from
    return ivl, last, factor, max(a.duration_ms or 0, 0), _REVLOG_KIND[a.phase_before]
