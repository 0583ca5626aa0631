"""Running totals of the review log that the statistics read instead of scanning it.

Seven tables hold, for every answer that no undo cancelled:

* `agg_answers`: per study day, cram or not, state before, rating and interval class (-1 no
  interval, 0 under a day, 1 young, 2 mature): answers and the time they took;
* `agg_days`: per study day, answers (reviews and cram), and the reviews of young (interval 1
  to 21 days) and of mature cards with their passes: the calendar, streaks and true retention
  read one row a day instead of every key of `agg_answers`;
* `agg_hours`: per study day and local hour, reviews and passes;
* `agg_decks`: per study day and deck, reviews (an interval of a day or more) and passes;
* `agg_recall`: per calibration bin of predicted recall (all time), reviews, the sum of the
  predictions, passes and the sum of negative log-likelihoods. Sums of reals are kept in fixed
  point (`SCALE`), so adding and taking away in any order gives exactly what a recomputation
  gives;
* `agg_deck_days` and `agg_deck_recall`: `agg_days` and `agg_recall` per deck, keyed by the deck
  first, so that a deck's or a folder's statistics read its own rows (streaks, the calendar, true
  retention and calibration over all time) instead of scanning the log.

Days are study days of one calendar (zone and day start): `meta` holds its `Calendar.key`, and
the totals count only while that key matches the learner's calendar; a change of time zone or of
`day_starts_at` makes them stale and the next statistics rebuild them (one pass over the log).
Per study day rather than per UTC hour: a year holds 365 rows per key instead of 8,760, and
nothing ties an hour to a day start in zones whose offset is not whole hours.

The totals count the log up to a mark, the `seq` in `meta` under `SEQ_KEY`; the events after it
(the tail: fewer than `FOLD` while the store writes) are counted when read (`tail`), and
folded into the tables once there are `FOLD` of them (`fold`), in the transaction of the write
that reaches it. An answer therefore writes nothing here, and totals plus tail always equal a
recomputation: an event appended by anyone lands in the tail. Triggers on the log mark the totals
stale when a counted row (at or before the mark) is deleted or changed, or an event is inserted
at or before it; the store, which adjusts the totals for its own rewrites of counted rows, marks
them current again. `rebuild` recomputes them from the log, in SQLite, grouping as
`contributions` does.
"""

from __future__ import annotations

import bisect
import math
import sqlite3
from collections.abc import Iterable, Iterator, Sequence
from contextlib import contextmanager
from pathlib import Path
from typing import Any

from quizzer.clock import DAY_MS, EPOCH_ORDINAL, LATEST_MS, Calendar, in_range, offset_segments
from quizzer.store.in_list import rows_in

CALENDAR_KEY = "stats_calendar"
"""The `meta` key holding the `Calendar.key` the totals were computed with (absent: stale)."""
SEQ_KEY = "stats_seq"
"""The `meta` key holding the last log `seq` the totals count (absent: stale)."""
CHANGES_KEY = "stats_changes"
"""The `meta` key counting the writes that changed the tables (`changes`)."""
BULK = 5_000
"""Past this many events to count one by one in Python (a tail, rows rewritten by a replay), and
past a fifth of the log, the totals are recomputed in one pass in SQLite instead: a row counted
in Python costs about five times what a rebuild spends on one (`worth_rebuilding`)."""
FOLD = 64
"""Events after the mark at which a write folds them into the totals: what statistics read of
the log on top of the totals, and what one write in that many does for them."""
SCALE = 1_000_000_000
"""Fixed point of the real sums in `agg_recall` (predictions and log-likelihoods)."""
CALIBRATION_BINS = 20

TABLES = {
    "agg_answers": (("day", "cram", "state", "rating", "class"), ("n", "ms")),
    "agg_days": (("day",), ("n", "young", "young_passed", "mature", "mature_passed")),
    "agg_hours": (("day", "hour"), ("n", "passed")),
    "agg_decks": (("day", "deck"), ("n", "passed")),
    "agg_recall": (("bin",), ("n", "p", "passed", "ll")),
    "agg_deck_days": (("deck", "day"), ("n", "young", "young_passed", "mature", "mature_passed")),
    "agg_deck_recall": (("deck", "bin"), ("n", "p", "passed", "ll")),
}
"""Table: (key columns, summed columns)."""

ROW_COLUMNS = "at, card_id, kind, rating, state_before, ivl_before, r_before, duration_ms"
"""The log columns `contributions` reads, in order."""
NOT_UNDONE = "uid NOT IN (SELECT target FROM log WHERE target IS NOT NULL)"

Totals = dict[str, dict[tuple[Any, ...], list[int]]]


def create_tables(db: sqlite3.Connection) -> None:
    """The tables of totals (they start empty and stale)."""
    for table, (keys, sums) in TABLES.items():
        cols = ", ".join([*(f"{k} {'TEXT' if k == 'deck' else 'INTEGER'}" for k in keys)])
        values = ", ".join(f"{s} INTEGER NOT NULL" for s in sums)
        key = ", ".join(keys)
        db.execute(
            f"CREATE TABLE IF NOT EXISTS {table} ({cols}, {values}, PRIMARY KEY ({key})) "
            "WITHOUT ROWID"
        )


def create_triggers(db: sqlite3.Connection) -> None:
    """Triggers that mark the totals stale when the log changes under them: a counted row (at or
    before the mark) deleted or changed, an event inserted at or before the mark, or an undo's
    target or an event's uid changed anywhere (that moves what the tail cancels). Appending is
    not a change: the tail counts what was appended."""
    stale = f"BEGIN DELETE FROM meta WHERE key = '{CALENDAR_KEY}'; END"
    mark = f"(SELECT CAST(value AS INTEGER) FROM meta WHERE key = '{SEQ_KEY}')"
    db.execute(
        "CREATE TRIGGER IF NOT EXISTS log_insert_totals AFTER INSERT ON log "
        f"WHEN NEW.seq <= {mark} {stale}"
    )
    db.execute(
        "CREATE TRIGGER IF NOT EXISTS log_delete_totals AFTER DELETE ON log "
        f"WHEN OLD.seq <= {mark} OR OLD.target IS NOT NULL {stale}"
    )
    db.execute(
        "CREATE TRIGGER IF NOT EXISTS log_update_totals AFTER UPDATE OF seq, at, card_id, kind, "
        "rating, state_before, ivl_before, r_before, duration_ms, target, uid ON log "
        f"WHEN OLD.seq <= {mark} OR NEW.seq <= {mark} OR OLD.target IS NOT NULL "
        f"OR NEW.target IS NOT NULL OR OLD.uid != NEW.uid {stale}"
    )


def calibration_edges() -> list[tuple[float, float]]:
    """The [low, high) range of predicted recall of each of fsrs-rs's calibration bins: bin k
    holds p with floor(21**p) - 1 = k, i.e. p in [ln(k+1)/ln 21, ln(k+2)/ln 21) (finer near 1)."""
    base = math.log(CALIBRATION_BINS + 1)
    lows = [0.0] + [math.log(k + 2) / base for k in range(CALIBRATION_BINS - 1)]
    return [(lo, hi) for lo, hi in zip(lows, [*lows[1:], 1.0], strict=True)]


_LOWS = [lo for lo, _ in calibration_edges()]


RECALL_BIN = (
    "CASE "
    + " ".join(f"WHEN l.r_before >= {_LOWS[k]!r} THEN {k}" for k in range(len(_LOWS) - 1, 0, -1))
    + " ELSE 0 END"
)
"""`calibration_bin` of a log row `l`'s predicted recall, in SQL (the edges as literals: `repr`
gives back each float exactly)."""


def calibration_bin(p: float) -> int:
    """The calibration bin of a predicted recall."""
    return max(0, min(bisect.bisect_right(_LOWS, p) - 1, CALIBRATION_BINS - 1))


def fixed(x: float) -> int:
    """A non-negative real in fixed point."""
    return int(x * SCALE + 0.5)


_NUMBER = (int, float)


def contributions(
    row: tuple[Any, ...], cal: Calendar
) -> Iterator[tuple[str, tuple[Any, ...], tuple[int, ...]]]:
    """What one log row (`ROW_COLUMNS`) adds to each table: (table, key, values). A row whose
    values are not of the types the store writes adds nothing: the log refuses such rows
    (migration 11), but one written before may remain."""
    at, card_id, kind, rating, state, ivl, r, duration = row
    if (
        kind not in ("review", "cram")
        or rating not in (1, 2, 3, 4)
        or not in_range(at)
        or type(card_id) is not str
        or not (ivl is None or type(ivl) in _NUMBER)
        or not (r is None or type(r) in _NUMBER)
        or not (duration is None or type(duration) is int)
    ):
        return
    passed = int(rating > 1)
    deck = card_id[: card_id.find(":")] if ":" in card_id else ""
    if state in (0, 1, 2, 3):
        day = cal.day_number(at)
        cls = -1 if ivl is None else (ivl >= 1) + (ivl >= 21)
        yield "agg_answers", (day, int(kind == "cram"), state, rating, cls), (1, duration or 0)
        young = int(kind == "review" and cls == 1)
        mature = int(kind == "review" and cls == 2)
        days = (1, young, young * passed, mature, mature * passed)
        yield "agg_days", (day,), days
        yield "agg_deck_days", (deck, day), days
        if kind == "review":
            yield "agg_hours", (day, cal.local_hour(at)), (1, passed)
            if ivl is not None and ivl >= 1:
                yield "agg_decks", (day, deck), (1, passed)
    if kind == "review" and r is not None and 0 < r < 1:
        nll = -math.log(r if passed else 1.0 - r)
        recall = (1, fixed(r), passed, fixed(nll))
        yield "agg_recall", (calibration_bin(r),), recall
        yield "agg_deck_recall", (deck, calibration_bin(r)), recall


def accumulate(
    rows: Iterable[tuple[Any, ...]], cal: Calendar, sign: int = 1, into: Totals | None = None
) -> Totals:
    """Sum the contributions of log rows (times `sign`) into per-table dictionaries."""
    out: Totals = into if into is not None else {t: {} for t in TABLES}
    for row in rows:
        for table, key, values in contributions(row, cal):
            acc = out[table].get(key)
            if acc is None:
                out[table][key] = [sign * v for v in values]
            else:
                for i, v in enumerate(values):
                    acc[i] += sign * v
    return out


def _add_sql(table: str) -> tuple[str, str]:
    keys, sums = TABLES[table]
    marks = ", ".join("?" * (len(keys) + len(sums)))
    update = ", ".join(f"{s} = {s} + excluded.{s}" for s in sums)
    where = " AND ".join(f"{k} = ?" for k in keys)
    return (
        f"INSERT INTO {table} VALUES ({marks}) ON CONFLICT DO UPDATE SET {update}",
        f"DELETE FROM {table} WHERE {where} AND n = 0",
    )


_ADD = {table: _add_sql(table) for table in TABLES}
"""Per table: the upsert that adds a row of sums, and the removal of a row whose count is 0."""


def add(db: sqlite3.Connection, totals: Totals) -> None:
    """Add per-table sums to the tables (rows whose count falls to 0 are removed)."""
    if any(totals.values()):
        _changed(db)
    for table, rows in totals.items():
        if not rows:
            continue
        upsert, remove = _ADD[table]
        if len(rows) == 1:  # one answer's share: a single statement
            ((key, values),) = rows.items()
            if any(values):
                db.execute(upsert, (*key, *values))
        else:
            db.executemany(upsert, ((*k, *v) for k, v in rows.items() if any(v)))
        emptied = [k for k, v in rows.items() if v[0] < 0]
        if emptied:
            db.executemany(remove, emptied)


def read(db: sqlite3.Connection, cal: Calendar | None = None) -> Totals:
    """Every row of the tables (for tests and checks); with `cal`, the rows they hold once the
    tail is counted in (the tables must be current under it)."""
    out: Totals = {}
    for table, (keys, _) in TABLES.items():
        n = len(keys)
        out[table] = {tuple(r[:n]): list(r[n:]) for r in db.execute(f"SELECT * FROM {table}")}
    if cal is not None:
        upto = mark(db, cal)
        if upto is None:
            raise ValueError("the totals are stale")
        accumulate_into(out, tail(db, cal, upto))
    return out


def accumulate_into(out: Totals, change: Totals, sign: int = 1) -> None:
    """Add the rows of `change` (times `sign`) to `out`; a row whose count falls to 0 goes."""
    for table, rows in change.items():
        into = out[table]
        for key, values in rows.items():
            add_signed(into, key, [sign * v for v in values])


def log_rows(db: sqlite3.Connection) -> Iterator[tuple[Any, ...]]:
    """The log rows that count (answers no undo cancelled), in no particular order."""
    return db.execute(
        f"SELECT {ROW_COLUMNS} FROM log WHERE kind IN ('review', 'cram') AND {NOT_UNDONE}"
    )


SPAN_MS = 100 * 365 * DAY_MS
"""The longest stretch of the log that `rebuild` reads in SQL (events outside it, if any, are
summed in Python)."""


def rebuild(db: sqlite3.Connection, cal: Calendar) -> int:
    """Recompute the tables from the log for this calendar (inside the caller's transaction);
    returns their mark, the log's last event.

    The sums run in SQLite, with the zone's UTC offset as a CASE over its transitions, so the
    study day and local hour are computed exactly as `contributions` computes them; events more
    than a century from the first one (or in the first two days of 1970) are summed in Python."""
    _changed(db)
    for table in TABLES:
        db.execute(f"DELETE FROM {table}")
    # '+kind', here and below: seek the time index, not every answer by the index led by kind
    answer = (
        "SELECT at FROM log WHERE at >= :a AND at < :b AND typeof(at) = 'integer' "
        "AND +kind IN ('review', 'cram') ORDER BY at"
    )
    lo, hi = db.execute(
        f"SELECT ({answer} LIMIT 1), ({answer} DESC LIMIT 1)", {"a": 2 * DAY_MS, "b": LATEST_MS}
    ).fetchone()
    if lo is not None:
        hi = min(hi, lo + SPAN_MS)
        _rebuild_sql(db, cal, lo, hi)
        outside: Iterable[tuple[Any, ...]] = db.execute(
            f"SELECT {ROW_COLUMNS} FROM log WHERE (at < ? OR at > ?) "
            f"AND +kind IN ('review', 'cram') AND {NOT_UNDONE}",
            (lo, hi),
        )
    else:
        outside = log_rows(db)
    add(db, accumulate(outside, cal))
    last = last_seq(db)
    mark_current(db, cal, last)
    return last


def _changed(db: sqlite3.Connection) -> None:
    db.execute(
        "INSERT INTO meta VALUES (?, '1') "
        "ON CONFLICT (key) DO UPDATE SET value = CAST(value AS INTEGER) + 1",
        (CHANGES_KEY,),
    )


def changes(db: sqlite3.Connection) -> int:
    """How many times the tables were changed: with their mark, a version of what they hold
    (a change of counted rows leaves the mark as it was)."""
    row = db.execute("SELECT value FROM meta WHERE key = ?", (CHANGES_KEY,)).fetchone()
    return int(row[0]) if row else 0


def last_seq(db: sqlite3.Connection) -> int:
    """The `seq` of the log's last event (0 when it is empty)."""
    return int(db.execute("SELECT coalesce(max(seq), 0) FROM log").fetchone()[0])


def mark_current(db: sqlite3.Connection, cal: Calendar, seq: int | None = None) -> None:
    """Say the tables count the log under this calendar, up to event `seq` (when given; else
    up to the mark they had)."""
    db.execute("INSERT OR REPLACE INTO meta VALUES (?, ?)", (CALENDAR_KEY, cal.key))
    if seq is not None:
        db.execute("INSERT OR REPLACE INTO meta VALUES (?, ?)", (SEQ_KEY, str(seq)))


def offset_sql(segments: Sequence[tuple[int, int]]) -> str:
    """A CASE giving the UTC offset (ms) of `l.at`; values are integers we computed."""
    if len(segments) == 1:
        return str(int(segments[0][1]))
    whens = " ".join(f"WHEN l.at >= {int(s)} THEN {int(o)}" for s, o in reversed(segments[1:]))
    return f"CASE {whens} ELSE {int(segments[0][1])} END"


TYPED = (
    "l.kind IN ('review', 'cram') AND l.rating IN (1, 2, 3, 4) AND typeof(l.at) = 'integer' "
    "AND typeof(l.card_id) = 'text' AND typeof(l.ivl_before) IN ('null', 'integer', 'real') "
    "AND typeof(l.r_before) IN ('null', 'integer', 'real') "
    "AND typeof(l.duration_ms) IN ('null', 'integer')"
)
"""The answers `contributions` counts, in SQL: rows of other types, which the log refuses now
but may hold from before, count in neither."""


def _rebuild_sql(db: sqlite3.Connection, cal: Calendar, lo: int, hi: int) -> None:
    local = f"(l.at + {offset_sql(offset_segments(cal.zone, lo, hi))})"
    day = f"(({local} - {cal.day_starts_at * 3_600_000}) / {DAY_MS} + {EPOCH_ORDINAL})"
    answers = f"{TYPED} AND l.state_before IN (0, 1, 2, 3)"
    # undone events by rowid, so that the log's covering indexes answer without the table
    counted = (
        f"l.at BETWEEN {int(lo)} AND {int(hi)} AND l.seq NOT IN (SELECT seq FROM log "
        "WHERE uid IN (SELECT target FROM log WHERE target IS NOT NULL))"
    )
    db.execute(
        f"INSERT INTO agg_answers SELECT {day} AS d, l.kind = 'cram' AS c, l.state_before, "
        "l.rating, ifnull((l.ivl_before >= 1) + (l.ivl_before >= 21), -1) AS k, count(*), "
        f"sum(ifnull(l.duration_ms, 0)) FROM log AS l WHERE {answers} AND {counted} "
        "GROUP BY d, c, l.state_before, l.rating, k"
    )
    deck = "substr(l.card_id, 1, instr(l.card_id, ':') - 1)"
    young = "l.kind = 'review' AND l.ivl_before >= 1 AND l.ivl_before < 21"
    mature = "l.kind = 'review' AND l.ivl_before >= 21"
    db.execute(
        f"INSERT INTO agg_deck_days SELECT {deck} AS k, {day} AS d, count(*), "
        f"sum(iif({young}, 1, 0)), sum(iif({young} AND l.rating > 1, 1, 0)), "
        f"sum(iif({mature}, 1, 0)), sum(iif({mature} AND l.rating > 1, 1, 0)) "
        f"FROM log AS l WHERE {answers} AND {counted} GROUP BY k, d"
    )
    # the whole collection's days, and each deck's reviews after a day or more, from the decks'
    db.execute(
        "INSERT INTO agg_days SELECT day, sum(n), sum(young), sum(young_passed), sum(mature), "
        "sum(mature_passed) FROM agg_deck_days GROUP BY day"
    )
    db.execute(
        "INSERT INTO agg_decks SELECT day, deck, young + mature, young_passed + mature_passed "
        "FROM agg_deck_days WHERE young + mature > 0"
    )
    reviews = f"{answers} AND l.kind = 'review' AND {counted}"
    db.execute(
        f"INSERT INTO agg_hours SELECT {day} AS d, {local} / 3600000 % 24 AS h, count(*), "
        f"sum(l.rating > 1) FROM log AS l WHERE {reviews} GROUP BY d, h"
    )
    with_ln(db)
    db.execute(
        f"INSERT INTO agg_deck_recall SELECT {deck} AS k, {RECALL_BIN} AS b, count(*), "
        f"sum(CAST(l.r_before * {SCALE}.0 + 0.5 AS INTEGER)), sum(l.rating > 1), "
        f"sum(CAST(-ln(iif(l.rating > 1, l.r_before, 1.0 - l.r_before)) * {SCALE}.0 + 0.5 "
        f"AS INTEGER)) FROM log AS l WHERE {TYPED} AND l.kind = 'review' "
        f"AND l.r_before > 0 AND l.r_before < 1 AND {counted} GROUP BY k, b"
    )
    db.execute(
        "INSERT INTO agg_recall SELECT bin, sum(n), sum(p), sum(passed), sum(ll) "
        "FROM agg_deck_recall GROUP BY bin"
    )


def with_ln(db: sqlite3.Connection) -> None:
    """Give the connection SQL's `ln` when its SQLite was built without its math functions."""
    try:
        db.execute("SELECT ln(2.0)").fetchone()
    except sqlite3.OperationalError:
        db.create_function("ln", 1, math.log, deterministic=True)


def mark(db: sqlite3.Connection, cal: Calendar) -> int | None:
    """The last log `seq` the tables count when they are current under this calendar, else
    None."""
    try:
        rows = dict(
            db.execute(
                "SELECT key, value FROM meta WHERE key IN (?, ?)", (CALENDAR_KEY, SEQ_KEY)
            ).fetchall()
        )
    except sqlite3.OperationalError:
        return None
    seq = rows.get(SEQ_KEY)
    if rows.get(CALENDAR_KEY) != cal.key or seq is None:
        return None
    return int(seq)


def current(db: sqlite3.Connection, cal: Calendar) -> bool:
    """True when the tables (with the tail) count the log under this calendar."""
    return mark(db, cal) is not None


def counted_rows(db: sqlite3.Connection, uids: Iterable[str], upto: int) -> list[tuple[Any, ...]]:
    """The rows (`ROW_COLUMNS`) of these events that the tables count: answers at or before the
    mark `upto` that no undo cancelled."""
    # '+kind': look the uids up; an index that leads with the kind reads every answer
    sql = (
        f"SELECT {ROW_COLUMNS} FROM log WHERE uid IN ({{marks}}) AND seq <= ? "
        f"AND +kind IN ('review', 'cram') AND {NOT_UNDONE}"
    )
    return list(rows_in(db, sql, list(uids), (upto,)))


def tail(
    db: sqlite3.Connection, cal: Calendar, upto: int, kept: dict[Any, Any] | None = None
) -> Totals:
    """What the events after the mark `upto` change in the tables: the answers among them that
    no undo cancelled, less the counted answers that an undo among them cancels. Every read
    is bounded by the tail: its rows by seq, each undo looked up by its target.

    With `kept` (kept by the caller for these tables and calendar), the sums of the rows read
    last time are kept there: when those rows begin the tail again, as they do after answers
    were appended, only the rows after them are counted."""
    columns = ", ".join(f"l.{c}" for c in ROW_COLUMNS.split(", "))
    rows = db.execute(  # '+': by seq, the table's own order, never an index led by kind or target
        f"SELECT {columns} FROM log AS l WHERE l.seq > ? AND +l.kind IN ('review', 'cram') "
        "AND NOT EXISTS (SELECT 1 FROM log AS u WHERE u.target = l.uid)",
        (upto,),
    ).fetchall()
    if kept is None:
        totals = accumulate(rows, cal)
    else:
        counted, sums = kept.get(("tail", upto), ([], None))
        n = len(counted)
        if sums is not None and rows[:n] == counted:
            totals = accumulate(rows[n:], cal, 1, _copied(sums))
        else:
            totals = accumulate(rows, cal)
        kept[("tail", upto)] = (rows, totals)
        totals = _copied(totals)
    cancelled = db.execute(
        f"SELECT {columns} FROM (SELECT DISTINCT target FROM log WHERE seq > :m "
        "AND +target IS NOT NULL) AS t CROSS JOIN log AS l ON l.uid = t.target "
        "WHERE l.seq <= :m AND +l.kind IN ('review', 'cram') "
        "AND NOT EXISTS (SELECT 1 FROM log AS u WHERE u.target = l.uid AND u.seq <= :m)",
        {"m": upto},
    )
    return accumulate(cancelled, cal, -1, totals)


def _copied(totals: Totals) -> Totals:
    return {table: {k: list(v) for k, v in rows.items()} for table, rows in totals.items()}


def worth_rebuilding(events: int, last: int) -> bool:
    """Whether recomputing the totals of a log whose last `seq` is `last` costs less than
    counting `events` one by one (`BULK`)."""
    return events > BULK and events * 5 > last


def fold(db: sqlite3.Connection, cal: Calendar) -> int | None:
    """Fold the tail into the tables (inside the caller's transaction), or rebuild them when it
    is longer than a rebuild costs; nothing when they are stale. Returns their mark when they
    are current (they then hold everything), else None."""
    upto = mark(db, cal)
    if upto is None:
        return None
    last = last_seq(db)
    if worth_rebuilding(last - upto, last):
        return rebuild(db, cal)
    if last > upto:
        add(db, tail(db, cal, upto))
        mark_current(db, cal, last)
    return last


def ensure(db_path: Path, cal: Calendar) -> None:
    """Rebuild stale totals for this calendar, or fold a tail of `FOLD` events or more, on a
    connection of its own; a database that cannot be written (read-only, locked past the
    timeout) is left as it is."""
    try:
        db = sqlite3.connect(db_path, timeout=30, isolation_level=None)
    except sqlite3.Error:
        return
    try:
        upto = mark(db, cal)
        if upto is not None and last_seq(db) - upto < FOLD:
            return  # current, and the tail is short
        if not db.execute("SELECT 1 FROM sqlite_master WHERE name = 'agg_answers'").fetchone():
            return
        db.execute("BEGIN IMMEDIATE")
        try:
            if fold(db, cal) is None:
                rebuild(db, cal)
            db.execute("COMMIT")
        except BaseException:
            db.execute("ROLLBACK")
            raise
    except sqlite3.Error:
        return
    finally:
        db.close()


def add_signed(out: dict[tuple[Any, ...], list[Any]], key: tuple[Any, ...], values: Any) -> None:
    """Add (signed) values to a row of sums; a row whose count falls to 0 goes."""
    acc = out.get(key)
    if acc is None:
        if values[0]:
            out[key] = list(values)
        return
    for i, v in enumerate(values):
        acc[i] += v
    if not acc[0]:
        del out[key]


@contextmanager
def snapshot(db: sqlite3.Connection) -> Iterator[None]:
    """A read transaction on a connection in autocommit mode (none when one is open), so that
    reads of the tables and of the tail see the same state of the file."""
    if db.in_transaction:
        yield
        return
    db.execute("BEGIN")
    try:
        yield
    finally:
        if db.in_transaction:
            db.execute("COMMIT")
