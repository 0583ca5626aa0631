"""Named queries over the review log, for the modules above the store (the statistics keep their
own aggregate SQL)."""

from __future__ import annotations

import sqlite3
from collections.abc import Iterator
from typing import Any

from quizzer.store.db import NOT_UNDONE, UNDONE_UIDS

ANSWERS_BY_TIME = "+kind IN ('review', 'cram')"
"""SQL condition on `log` rows that are answers (reviews and cram; undone ones are filtered
separately) within a time range. The `+` keeps SQLite on the time index (log_at): the statistics'
indexes that lead with `kind` would have it visit every answer of the log, about 0.4 s at
5,000,000 reviews for a day without any."""


def answers_between(db: sqlite3.Connection, start: int, end: int) -> tuple[int, int, int]:
    """Answers given in [start, end) (UTC ms), undone ones excluded: how many, how many of them
    were cram answers, and the time they took."""
    count, cram, time_ms = db.execute(
        "SELECT count(*), coalesce(sum(kind = 'cram'), 0), coalesce(sum(duration_ms), 0) "
        f"FROM log WHERE at >= ? AND at < ? AND {ANSWERS_BY_TIME} AND {NOT_UNDONE}",
        (start, end),
    ).fetchone()
    return int(count), int(cram), int(time_ms)


def answered_between(db: sqlite3.Connection, start: int, end: int) -> bool:
    """Whether any answer (not undone) was given in [start, end); one range query on the
    log's time index, however long the log."""
    row = db.execute(
        f"SELECT 1 FROM log WHERE at >= ? AND at < ? AND {ANSWERS_BY_TIME} AND {NOT_UNDONE} "
        "LIMIT 1",
        (start, end),
    ).fetchone()
    return row is not None


def cards_in_log(db: sqlite3.Connection) -> list[str]:
    """Every card id with at least one event, sorted."""
    return [r[0] for r in db.execute("SELECT DISTINCT card_id FROM log ORDER BY card_id")]


def reviews_of(db: sqlite3.Connection, card_id: str) -> int:
    """How many review answers (cram aside) of a card the log holds, undone ones excluded."""
    return int(
        db.execute(
            f"SELECT count(*) FROM log WHERE card_id = ? AND kind = 'review' AND {NOT_UNDONE}",
            (card_id,),
        ).fetchone()[0]
    )


def review_answers(db: sqlite3.Connection) -> Iterator[tuple[str, int, int]]:
    """(card_id, at, rating) of every review answer not undone (cram aside), in replay order (by
    time, then uid), as a stream: what the optimizer trains on.

    Read from one covering index, ordered by time and card: a card answered twice in the same
    millisecond (rare) has those answers put in uid order here, the uid being in no index."""
    rows = db.execute(
        "SELECT card_id, at, rating, seq FROM log WHERE kind = 'review' AND rating > 0 "
        f"AND seq NOT IN (SELECT seq FROM log WHERE uid IN ({UNDONE_UIDS})) "
        "ORDER BY at, card_id"
    )
    held: list[tuple[str, int, int, int]] = []  # answers of one card in one millisecond
    for row in rows:
        if held and row[1] == held[0][1] and row[0] == held[0][0]:
            held.append(row)
            continue
        if len(held) > 1:
            yield from _in_uid_order(db, held)
        elif held:
            yield held[0][:3]
        held = [row]
    if len(held) > 1:
        yield from _in_uid_order(db, held)
    elif held:
        yield held[0][:3]


def _in_uid_order(
    db: sqlite3.Connection, rows: list[tuple[str, int, int, int]]
) -> list[tuple[str, int, int]]:
    seqs = [r[3] for r in rows]
    uid = dict(
        db.execute(f"SELECT seq, uid FROM log WHERE seq IN ({','.join('?' * len(seqs))})", seqs)
    )
    return [r[:3] for r in sorted(rows, key=lambda r: uid[r[3]])]


def recorded_answers(db: sqlite3.Connection) -> list[tuple[Any, ...]]:
    """Every review answer not undone (cram aside), oldest first, with the card's state before
    and after it as the session recorded it: (uid, card_id, at, rating, duration_ms, state
    before, due before, last review before, state after, due after, difficulty after). Raises
    sqlite3.OperationalError where SQLite has no JSON functions."""
    return db.execute(
        "SELECT uid, card_id, at, rating, duration_ms, json_extract(before, '$.state'), "
        "json_extract(before, '$.due'), json_extract(before, '$.last_review'), "
        "json_extract(after, '$.state'), json_extract(after, '$.due'), "
        "json_extract(after, '$.difficulty') FROM log "
        f"WHERE kind = 'review' AND {NOT_UNDONE} "
        "ORDER BY at, uid"
    ).fetchall()


def suspended_since(db: sqlite3.Connection) -> dict[str, int]:
    """The time of each card's last suspension not undone, by card id (the one in force on a
    suspended card: an unsuspension comes after the suspension it ends)."""
    sql = f"SELECT card_id, max(at) FROM log WHERE kind = 'suspend' AND {NOT_UNDONE} GROUP BY 1"
    return dict(db.execute(sql).fetchall())


def forgotten_at(db: sqlite3.Connection) -> list[tuple[str, int]]:
    """(card id, time) of every forget not undone, oldest first."""
    sql = f"SELECT card_id, at FROM log WHERE kind = 'forget' AND {NOT_UNDONE} ORDER BY at, uid"
    return db.execute(sql).fetchall()


def answered_since(
    db: sqlite3.Connection, since_ms: int, rating: int | None = None
) -> frozenset[str]:
    """Ids of the cards answered (reviewed or crammed) at or after `since_ms`, with `rating`
    when given, undone answers excluded (what `rated:N` and `rated:N:R` search for)."""
    rows = db.execute(
        # not DISTINCT (the set is): SQLite would walk the whole log in card order to make the
        # ids distinct, rather than seek the time index to the answers since `since_ms`
        "SELECT card_id FROM log WHERE at >= ? AND +kind IN ('review', 'cram') "
        f"AND (? IS NULL OR rating = ?) AND {NOT_UNDONE}",
        (since_ms, rating, rating),
    )
    return frozenset(r[0] for r in rows)


def reviews_between(db: sqlite3.Connection, start: int, end: int) -> sqlite3.Cursor:
    """(card_id, state before) of every review answer in [start, end), undone ones excluded."""
    return db.execute(
        # `+kind`: search by time (log_at), never by an index that leads with kind, which
        # would visit the whole log when one has no statistics
        "SELECT card_id, state_before FROM log WHERE at >= ? AND at < ? AND +kind = 'review' "
        f"AND {NOT_UNDONE}",
        (start, end),
    )


def queue_states(db: sqlite3.Connection) -> sqlite3.Cursor:
    """The columns of every stored card state that the queue reads: (card_id, state, due,
    suspended, buried_until, stability, last_review)."""
    return db.execute(
        "SELECT card_id, state, due, suspended, buried_until, stability, last_review FROM cards"
    )


def card_events(db: sqlite3.Connection, card_id: str) -> list[tuple[Any, ...]]:
    """A card's events, undone ones and undos excluded, oldest first: (at, kind, rating,
    duration_ms, state before, interval before in days, predicted recall before, state after as
    JSON)."""
    return db.execute(
        "SELECT at, kind, rating, duration_ms, state_before, ivl_before, r_before, after "
        f"FROM log WHERE card_id = ? AND kind != 'undo' AND {NOT_UNDONE} ORDER BY at, seq",
        (card_id,),
    ).fetchall()
