"""Named queries over `limit_extensions`: a deck or folder's daily limits raised for one study
day (custom study). Each row names its study day by the day's start (UTC ms), so it stops
counting when that day ends; rows of past days are never read again."""

from __future__ import annotations

import sqlite3


def add_extension(db: sqlite3.Connection, day_start: int, node: str, new: int, review: int) -> None:
    """Raise the limits of `node` (a deck or folder; `""` the root) on the study day starting at
    `day_start` by `new` and `review` cards, on top of any earlier extension that day."""
    db.execute(
        "INSERT INTO limit_extensions VALUES (?, ?, ?, ?) ON CONFLICT (day, node) DO UPDATE "
        "SET new = new + excluded.new, review = review + excluded.review",
        (day_start, node, new, review),
    )


def extensions_on(db: sqlite3.Connection, day_start: int) -> dict[str, tuple[int, int]]:
    """(new, review) extra cards by deck or folder on the study day starting at `day_start`."""
    rows = db.execute("SELECT node, new, review FROM limit_extensions WHERE day = ?", (day_start,))
    return {node: (new, review) for node, new, review in rows}
