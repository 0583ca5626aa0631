"""The journal of card-state writes: one row (`n`, card id) each time a row of `cards` is
inserted, replaced, updated or deleted, by whichever connection does it, through triggers.

A reader that keeps the card states in memory remembers the last `n` it saw; inside its own read
transaction, the rows after it name every card to read again. The journal keeps its newest
`KEEP` to 2 * `KEEP` rows (a trigger on the journal itself trims it), never its newest one, so
`n` only grows; a reader whose last `n` has been trimmed away reads every card again."""

from __future__ import annotations

import sqlite3

KEEP = 4096
"""The journal keeps at least this many of its newest rows."""


def create(db: sqlite3.Connection) -> None:
    """The journal and its triggers (idempotent)."""
    db.execute("CREATE TABLE IF NOT EXISTS card_changes (n INTEGER PRIMARY KEY, card_id TEXT)")
    note = "INSERT INTO card_changes (card_id) VALUES"
    db.execute(
        "CREATE TRIGGER IF NOT EXISTS cards_insert_noted AFTER INSERT ON cards "
        f"BEGIN {note} (NEW.card_id); END"
    )
    db.execute(
        "CREATE TRIGGER IF NOT EXISTS cards_update_noted AFTER UPDATE ON cards "
        f"BEGIN {note} (OLD.card_id); {note} (NEW.card_id); END"
    )
    db.execute(
        "CREATE TRIGGER IF NOT EXISTS cards_delete_noted AFTER DELETE ON cards "
        f"BEGIN {note} (OLD.card_id); END"
    )
    db.execute(
        "CREATE TRIGGER IF NOT EXISTS card_changes_trimmed AFTER INSERT ON card_changes "
        f"WHEN NEW.n % {KEEP} = 0 BEGIN DELETE FROM card_changes WHERE n <= NEW.n - {KEEP}; END"
    )


def since(db: sqlite3.Connection, seen: int | None) -> tuple[int, set[str] | None]:
    """The journal's last `n`, and the cards written after `seen` (None: `seen` is unknown,
    trimmed away, or from another journal, or the database has no journal yet; every card must
    be read again)."""
    try:
        latest, oldest = db.execute("SELECT max(n), min(n) FROM card_changes").fetchone()
    except sqlite3.OperationalError:  # a database not migrated yet (read where it cannot be)
        return 0, None
    latest = latest or 0
    if seen is None or latest < seen or (oldest is not None and oldest > seen + 1):
        return latest, None
    if latest == seen:
        return latest, set()
    rows = db.execute("SELECT card_id FROM card_changes WHERE n > ?", (seen,))
    return latest, {card_id for (card_id,) in rows}
