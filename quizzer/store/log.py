"""Named queries over the review log, for the modules above the store (the statistics keep their
own aggregate SQL)."""

from __future__ import annotations

import sqlite3

from quizzer.store.db import NOT_UNDONE

ANSWER_KINDS = "kind IN ('review', 'cram')"
"""Log rows that are answers: reviews and cram (undone ones are filtered separately)."""


def answers_between(db: sqlite3.Connection, start: int, end: int) -> tuple[int, int]:
    """Answers given in [start, end) (UTC ms), undone ones excluded, and the time they took."""
    count, time_ms = db.execute(
        "SELECT count(*), coalesce(sum(duration_ms), 0) FROM log "
        f"WHERE at >= ? AND at < ? AND {ANSWER_KINDS} AND {NOT_UNDONE}",
        (start, end),
    ).fetchone()
    return int(count), int(time_ms)


def answered_between(db: sqlite3.Connection, start: int, end: int) -> bool:
    """Whether any answer (not undone) was given in [start, end); one range query on the
    log's time index, however long the log."""
    row = db.execute(
        f"SELECT 1 FROM log WHERE at >= ? AND at < ? AND {ANSWER_KINDS} AND {NOT_UNDONE} LIMIT 1",
        (start, end),
    ).fetchone()
    return row is not None


def cards_in_log(db: sqlite3.Connection) -> list[str]:
    """Every card id with at least one event, sorted."""
    return [r[0] for r in db.execute("SELECT DISTINCT card_id FROM log ORDER BY card_id")]
