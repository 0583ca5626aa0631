"""A query over a list of values of any length: `WHERE x IN (...)` run a part of the list at a time,
within SQLite's limit on the parameters of one statement."""

from __future__ import annotations

import sqlite3
from collections.abc import Iterator, Sequence
from typing import Any

PART = 500
"""Values bound in one statement (SQLite builds before 3.32 allow 999 parameters)."""


def rows_in(
    db: sqlite3.Connection,
    sql: str,
    values: Sequence[Any],
    after: Sequence[Any] = (),
    mark: str = "?",
) -> Iterator[Any]:
    """The rows of `sql`, whose `{marks}` stands for the placeholders of a part of `values`
    (each written `mark`, joined by commas), run over every part in turn; the parameters `after`
    follow each part's."""
    for i in range(0, len(values), PART):
        part = list(values[i : i + PART])
        marks = ",".join([mark] * len(part))
        yield from db.execute(sql.format(marks=marks), [*part, *after])
