"""The review log in the layout FSRS tools read (fsrs-optimizer's "review logs schema", the
`revlog.csv` of fsrs-rs's examples), so a learner can take their history elsewhere.

Columns: `card_id` (an integer, `quizzer.scheduling.fsrs_card_id` of the card), `review_time` (UTC
milliseconds), `review_rating` (1 Again to 4 Easy), `review_state` (the card's state before the
review: 0 new, 1 learning, 2 review, 3 relearning), `review_duration` (milliseconds, empty when
unknown), then `quizzer_card_id`, quizzer's own card id (tools ignore extra columns). One row per
review that was not undone, in time order; cram answers are left out, as they left the schedule
alone.
"""

from __future__ import annotations

import csv
import io
import json
import os
from collections.abc import Iterator
from typing import IO, Any

from quizzer.collection import Collection
from quizzer.scheduling import fsrs_card_id
from quizzer.store.db import NOT_UNDONE, Store

COLUMNS = (
    "card_id",
    "review_time",
    "review_rating",
    "review_state",
    "review_duration",
    "quizzer_card_id",
)


def review_rows(store: Store) -> Iterator[dict[str, Any]]:
    """The rows of the export, in time order (streamed from the database)."""
    cursor = store.db.execute(
        "SELECT card_id, at, rating, state_before, duration_ms FROM log "
        "WHERE kind = 'review' AND rating IS NOT NULL "
        f"AND {NOT_UNDONE} "
        "ORDER BY at, uid"
    )
    numbers: dict[str, int] = {}
    for card_id, at, rating, state_before, duration_ms in cursor:
        number = numbers.get(card_id)
        if number is None:
            number = numbers[card_id] = fsrs_card_id(card_id)
        yield {
            "card_id": number,
            "review_time": at,
            "review_rating": rating,
            "review_state": state_before,
            "review_duration": duration_ms,
            "quizzer_card_id": card_id,
        }


def write_reviews(rows: Iterator[dict[str, Any]], out: IO[str], fmt: str) -> int:
    """Write rows as `csv` (with a header) or `jsonl`; returns how many."""
    count = 0
    if fmt == "csv":
        writer = csv.DictWriter(out, fieldnames=COLUMNS, lineterminator="\n")
        writer.writeheader()
        for row in rows:
            writer.writerow(row)
            count += 1
    else:
        for row in rows:
            out.write(json.dumps(row, ensure_ascii=False, separators=(",", ":")) + "\n")
            count += 1
    return count


def _zone_name(col: Collection) -> str:
    """The IANA name of the learner's time zone, as fsrs-optimizer asks for it."""
    name = col.settings.timezone or os.environ.get("TZ", "").removeprefix(":")
    if not name:
        name = getattr(col.zone, "key", None) or ""
    if name in ("", "localtime"):
        target = os.path.realpath("/etc/localtime")
        name = target.partition("zoneinfo/")[2] or "(your local zone)"
    return name


def reviews_text(store: Store, fmt: str = "csv") -> str:
    """The whole export as a string (for tests and small logs)."""
    out = io.StringIO()
    write_reviews(review_rows(store), out, fmt)
    return out.getvalue()
