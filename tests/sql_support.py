"""SQLite's work for an action, counted in virtual-machine steps: a measure of how much of the
database a query reads that does not depend on the machine's speed or load."""

from __future__ import annotations

import sqlite3
from collections.abc import Callable


def vm_steps(db: sqlite3.Connection, action: Callable[[], object], every: int = 100) -> int:
    """Run `action` and return the steps SQLite ran on `db` meanwhile, in units of `every`."""
    steps = 0

    def step() -> int:
        nonlocal steps
        steps += 1
        return 0

    db.set_progress_handler(step, every)
    try:
        action()
    finally:
        db.set_progress_handler(None, 0)
    return steps


def add_other_answers(db: sqlite3.Connection, n: int, before: int) -> None:
    """Append `n` review answers of 40 cards of a deck no longer there, dated before `before`
    (UTC ms), as another device or a script might have written them."""
    db.executemany(
        "INSERT INTO log (uid, device, at, card_id, kind, rating, state_before) "
        "VALUES (?, 'other', ?, ?, 'review', 3, 2)",
        ((f"other{i}", before - 1 - i, f"gone/deck:q{i % 40}") for i in range(n)),
    )
