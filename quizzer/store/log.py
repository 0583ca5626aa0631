"""Named queries over the review log that are not part of writing it."""

from __future__ import annotations

import sqlite3

from quizzer.store.db import NOT_UNDONE


def answered_since(db: sqlite3.Connection, since_ms: int) -> frozenset[str]:
    """Ids of the cards answered (reviewed or crammed) at or after `since_ms`, undone answers
    excluded (what `rated:N` searches for)."""
    rows = db.execute(
        "SELECT DISTINCT card_id FROM log WHERE at >= ? AND +kind IN ('review', 'cram') "
        f"AND {NOT_UNDONE}",
        (since_ms,),
    )
    return frozenset(r[0] for r in rows)
