"""Numbered schema migrations, each a named function, recorded in the `migrations` table."""

from __future__ import annotations

import sqlite3
from collections.abc import Callable


def _run_script(db: sqlite3.Connection, script: str) -> None:
    """Run statements one by one: `executescript` would commit the caller's transaction."""
    for statement in script.split(";"):
        lines = [ln for ln in statement.splitlines() if not ln.strip().startswith("--")]
        if "".join(lines).strip():
            db.execute("\n".join(lines))


def m001_initial(db: sqlite3.Connection) -> None:
    """The review log, the card-state cache and the device id."""
    _run_script(
        db,
        """
        CREATE TABLE meta (key TEXT PRIMARY KEY, value TEXT NOT NULL) WITHOUT ROWID;

        -- Append-only: the source of truth. One row per event (review, cram, undo, bury,
        -- suspend, unsuspend, and later forget). `before` and `after` hold the card state
        -- around the event.
        CREATE TABLE log (
            seq          INTEGER PRIMARY KEY,
            uid          TEXT NOT NULL UNIQUE,
            device       TEXT NOT NULL,
            at           INTEGER NOT NULL,      -- UTC milliseconds
            card_id      TEXT NOT NULL,
            kind         TEXT NOT NULL,
            rating       INTEGER,               -- 1 Again, 2 Hard, 3 Good, 4 Easy
            graded       TEXT,                  -- self | auto
            response     TEXT,                  -- what the learner typed or chose
            verdict      TEXT,                  -- correct | close | incorrect
            duration_ms  INTEGER,
            target       TEXT,                  -- undo: the uid it cancels
            until        INTEGER,               -- bury: UTC ms
            state_before INTEGER,               -- 0 new, 1 learning, 2 review, 3 relearning
            ivl_before   REAL,                  -- scheduled interval in days before the review
            r_before     REAL,                  -- predicted recall at the moment of review
            before       TEXT,
            after        TEXT
        );
        CREATE INDEX log_card ON log (card_id, at);
        CREATE INDEX log_at ON log (at);
        CREATE INDEX log_target ON log (target) WHERE target IS NOT NULL;

        -- A cache of the log: rebuilt exactly by replaying it.
        CREATE TABLE cards (
            card_id      TEXT PRIMARY KEY,
            state        INTEGER NOT NULL,
            step         INTEGER,
            stability    REAL,
            difficulty   REAL,
            due          INTEGER,
            last_review  INTEGER,
            reps         INTEGER NOT NULL DEFAULT 0,
            lapses       INTEGER NOT NULL DEFAULT 0,
            suspended    INTEGER NOT NULL DEFAULT 0,
            buried_until INTEGER,
            introduced   INTEGER,
            leech        INTEGER NOT NULL DEFAULT 0
        ) WITHOUT ROWID;
        CREATE INDEX cards_due ON cards (due);
        """,
    )


def m002_sync_marks(db: sqlite3.Connection) -> None:
    """Where each other device's sync file was read up to, so a sync reads only what is new."""
    db.execute(
        "CREATE TABLE sync_marks (file TEXT PRIMARY KEY, offset INTEGER NOT NULL) WITHOUT ROWID"
    )


def m003_stats_indexes(db: sqlite3.Connection) -> None:
    """Covering indexes for statistics (quizzer/stats/scan.py), so that no figure reads the table
    itself or sorts the log: answers by kind, rating and prior state, then time (per-day figures
    are range seeks in index order); by kind, rating and interval class (0 under a day, 1 young,
    2 mature), then time (the true retention table is range counts); reviews with a prediction
    below 1, by prediction (calibration bins are ranges). Only core operators are used, so every
    writer of the log can maintain them."""
    db.execute(
        "CREATE INDEX log_stats_time ON log "
        "(kind, rating, state_before, at, ivl_before, duration_ms, card_id)"
    )
    db.execute(
        "CREATE INDEX log_stats_interval ON log "
        "(kind, rating, (ivl_before >= 1) + (ivl_before >= 21), at, ivl_before, card_id)"
    )
    db.execute(
        "CREATE INDEX log_stats_recall ON log (kind, r_before, rating, at, card_id) "
        "WHERE r_before > 0 AND r_before < 1"
    )


def m004_study_day_replay(db: sqlite3.Connection) -> None:
    """Card states were computed with FSRS's elapsed time in whole 24-hour periods; they are now
    computed in study days (`Calendar.elapsed_days`). Replaying needs the settings and the time
    zone, which the schema does not know: this marks the replay as due, and opening the
    collection runs it once (`replay.run_pending_replay`) and says how many cards moved."""
    if db.execute("SELECT 1 FROM log WHERE kind = 'review' LIMIT 1").fetchone():
        db.execute(f"INSERT OR REPLACE INTO meta VALUES ('{PENDING_REPLAY}', 'study days')")


PENDING_REPLAY = "pending_replay"
"""The `meta` key that says the card states must be replayed from the log before use."""


def m005_sync_held(db: sqlite3.Connection) -> None:
    """Events received by sync dated more than a day after this device's clock, held back (as
    their device-file line) until their time comes."""
    db.execute(
        "CREATE TABLE sync_held (uid TEXT PRIMARY KEY, at INTEGER NOT NULL, line TEXT NOT NULL) "
        "WITHOUT ROWID"
    )


def m006_stats_totals(db: sqlite3.Connection) -> None:
    """Running totals of the log for statistics (quizzer/store/aggregates.py). They are per study
    day, which needs the learner's calendar: they start stale, and the first statistics (or
    `quizzer rebuild`) compute them."""
    from quizzer.store.aggregates import create_tables

    create_tables(db)


def m007_limit_extensions(db: sqlite3.Connection) -> None:
    """Today's extra new and review cards of a deck or folder (custom study's "increase today's
    limit"), by study day: a row counts only on the day it names."""
    db.execute(
        "CREATE TABLE limit_extensions (day INTEGER NOT NULL, node TEXT NOT NULL, "
        "new INTEGER NOT NULL, review INTEGER NOT NULL, PRIMARY KEY (day, node)) WITHOUT ROWID"
    )


def m008_stats_days(db: sqlite3.Connection) -> None:
    """One row of running totals per study day (`agg_days`). The totals are marked stale, so the
    next statistics (or a small collection's next opening) rebuild them with it."""
    from quizzer.store.aggregates import CALENDAR_KEY, create_tables

    create_tables(db)
    db.execute("DELETE FROM meta WHERE key = ?", (CALENDAR_KEY,))


def m009_fewer_indexes(db: sqlite3.Connection) -> None:
    """Fewer pages written per answer. The statistics of the whole collection read the running
    totals now, so one covering index (`log_stats`) serves the scans a scope still makes, in
    place of three (migration 3); and `cards_due`, which no query used, goes."""
    for name in ("cards_due", "log_stats_time", "log_stats_interval", "log_stats_recall"):
        db.execute(f"DROP INDEX IF EXISTS {name}")
    db.execute(
        "CREATE INDEX IF NOT EXISTS log_stats ON log "
        "(kind, rating, state_before, at, ivl_before, r_before, duration_ms, card_id)"
    )


def m010_totals_tail(db: sqlite3.Connection) -> None:
    """The statistics totals count the log up to a mark, and the events after it are counted
    when read (quizzer/store/aggregates.py): an answer no longer writes them. Current totals
    count the whole log, so the mark is its last event; the log's triggers now fire only for
    changes at or before the mark."""
    from quizzer.store.aggregates import CALENDAR_KEY, SEQ_KEY, create_triggers, last_seq

    for name in ("log_insert_totals", "log_delete_totals", "log_update_totals"):
        db.execute(f"DROP TRIGGER IF EXISTS {name}")
    create_triggers(db)
    if db.execute("SELECT 1 FROM meta WHERE key = ?", (CALENDAR_KEY,)).fetchone():
        db.execute("INSERT OR REPLACE INTO meta VALUES (?, ?)", (SEQ_KEY, str(last_seq(db))))


def m011_log_types(db: sqlite3.Connection) -> None:
    """The log refuses a row whose values quizzer could not read back: a time that is not an
    integer moment in range, an interval, prediction or duration that is not a number (what a
    script writing SQL by hand could insert). Rows already there are left as they are."""
    from quizzer.clock import LATEST_MS

    # comparisons rather than `typeof(...) IN (...)`: SQLite builds a lookup table for an IN
    # list of three or more on every insert, which made each answer 10 us slower
    bad = (
        f"typeof(NEW.at) != 'integer' OR NEW.at < 0 OR NEW.at >= {LATEST_MS} "
        "OR typeof(NEW.ivl_before) = 'text' OR typeof(NEW.ivl_before) = 'blob' "
        "OR typeof(NEW.r_before) = 'text' OR typeof(NEW.r_before) = 'blob' "
        "OR (NEW.duration_ms IS NOT NULL AND typeof(NEW.duration_ms) != 'integer')"
    )
    refuse = (
        "BEGIN SELECT RAISE(ABORT, 'log: at must be a time in UTC milliseconds, and ivl_before, "
        "r_before and duration_ms numbers or NULL'); END"
    )
    db.execute(
        f"CREATE TRIGGER IF NOT EXISTS log_insert_types BEFORE INSERT ON log WHEN {bad} {refuse}"
    )
    db.execute(
        "CREATE TRIGGER IF NOT EXISTS log_update_types BEFORE UPDATE OF at, ivl_before, r_before, "
        f"duration_ms ON log WHEN {bad} {refuse}"
    )


def m012_cheaper_log_types(db: sqlite3.Connection) -> None:
    """The log's type checks (`m011_log_types`) as they are written now: the same rows refused,
    for a fifth of what they cost each answer before."""
    db.execute("DROP TRIGGER IF EXISTS log_insert_types")
    db.execute("DROP TRIGGER IF EXISTS log_update_types")
    m011_log_types(db)


def m013_deck_totals(db: sqlite3.Connection) -> None:
    """Running totals per deck over all time (`agg_deck_days`, `agg_deck_recall`), so that a
    deck's or folder's statistics stop scanning the whole log. The totals are marked stale, so
    the next statistics (or a small collection's next opening) rebuild them with these."""
    m008_stats_days(db)


def m014_own_events(db: sqlite3.Connection) -> None:
    """An index of the log by device, so that undo and sync find this device's own events
    without reading every event received from the others (a device that took in a million
    reviews from another read them all each time it looked for what to undo)."""
    db.execute("CREATE INDEX IF NOT EXISTS log_device ON log (device)")


def m015_send_imported(db: sqlite3.Connection) -> None:
    """A device's sync now sends the history it imported from Anki too. Where the log holds
    some, what was sent is forgotten: the next sync reads the device's own file through and
    appends what it lacks."""
    from quizzer.state import IMPORTED_DEVICE

    if db.execute("SELECT 1 FROM log WHERE device = ? LIMIT 1", (IMPORTED_DEVICE,)).fetchone():
        db.execute("DELETE FROM sync_marks WHERE file LIKE '%#sent'")


def m016_sync_copies(db: sqlite3.Connection) -> None:
    """The copies from Anki a sync replaced by the events they were made from
    (`quizzer.sync_copies`), each with that event's uid."""
    db.execute(
        "CREATE TABLE IF NOT EXISTS sync_copies (uid TEXT PRIMARY KEY, original TEXT NOT NULL) "
        "WITHOUT ROWID"
    )


def m017_card_changes(db: sqlite3.Connection) -> None:
    """A journal of the cards whose stored state was written (`card_changes`), which triggers on
    `cards` fill whoever writes: a reader that keeps the card states in memory (the statistics)
    reads again only the cards written since it last looked. It keeps its newest rows only."""
    from quizzer.store.card_changes import create

    create(db)


MIGRATIONS: list[Callable[[sqlite3.Connection], None]] = [
    m001_initial,
    m002_sync_marks,
    m003_stats_indexes,
    m004_study_day_replay,
    m005_sync_held,
    m006_stats_totals,
    m007_limit_extensions,
    m008_stats_days,
    m009_fewer_indexes,
    m010_totals_tail,
    m011_log_types,
    m012_cheaper_log_types,
    m013_deck_totals,
    m014_own_events,
    m015_send_imported,
    m016_sync_copies,
    m017_card_changes,
]
"""In order; the N-th function brings the schema to version N."""

LATEST = len(MIGRATIONS)
