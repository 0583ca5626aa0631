"""The SQLite store: the append-only review log and the card-state cache beside it.

Every write is one `BEGIN IMMEDIATE` transaction that reads the card's state, appends the event and
updates the cache, committed with `synchronous=FULL` before the caller is told it happened. Two
processes serialise on the write lock (with a generous busy timeout) instead of failing.

A quizzer database carries `PRAGMA application_id` = APPLICATION_ID. Any other SQLite file is
refused before a byte of it changes (an older quizzer database, recognised by its tables, gets
the mark). Every SQLite error becomes a one-line `StoreError`; once an error says the file is
damaged, a marker file beside it (`quizzer.sqlite3.damaged`) stops every later write until
`quizzer check` finds the file sound again.
"""

from __future__ import annotations

import secrets
import sqlite3
import time
import uuid
from collections.abc import Callable, Iterable, Iterator, Sequence
from contextlib import contextmanager, suppress
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from quizzer.clock import Calendar, in_range
from quizzer.errors import QuizzerError
from quizzer.state import CARD_COLUMNS, EVENT_COLUMNS, CardState, Event, EventKind, StateEncoder
from quizzer.store import aggregates
from quizzer.store.damage import explain, is_damage, marker
from quizzer.store.in_list import rows_in
from quizzer.store.migrations import LATEST, MIGRATIONS, PENDING_REPLAY

DB_NAME = "quizzer.sqlite3"
APPLICATION_ID = 0x517A7172
"""`PRAGMA application_id` of a quizzer database ("Qzqr")."""
_OWN_TABLES = {"meta", "log", "cards"}
BUSY_TIMEOUT_MS = 30_000
BULK_CACHE_KIB = -65_536
"""`PRAGMA cache_size` of `Store.large_cache` (negative: KiB, so 64 MiB)."""
UNDONE_UIDS = "SELECT target FROM log WHERE target IS NOT NULL"
"""SQL: the uids of the events an undo cancelled."""
NOT_UNDONE = f"uid NOT IN ({UNDONE_UIDS})"
"""SQL condition on `log` rows: not cancelled by an undo (only undo events have a target; the
partial index `log_target` answers it)."""


_last_ns = 0


class StoreError(QuizzerError, RuntimeError):
    """The database cannot be used; the message says why and what to do."""


class _Guarded(sqlite3.Connection):
    """A connection whose SQLite errors come out as `StoreError`s (through `on_error`, which also
    notes damage), wherever the statement is run: reads included."""

    on_error: Callable[[sqlite3.DatabaseError], StoreError] | None = None

    def execute(self, sql: str, parameters: Any = (), /) -> sqlite3.Cursor:
        try:
            return super().execute(sql, parameters)
        except sqlite3.ProgrammingError:
            raise  # a bug, not the file
        except sqlite3.DatabaseError as exc:
            if self.on_error is None:
                raise
            raise self.on_error(exc) from None

    def executemany(self, sql: str, parameters: Iterable[Any], /) -> sqlite3.Cursor:
        try:
            return super().executemany(sql, parameters)
        except sqlite3.ProgrammingError:
            raise
        except sqlite3.DatabaseError as exc:
            if self.on_error is None:
                raise
            raise self.on_error(exc) from None


def default_path() -> Path:
    """The database file in the data directory."""
    from quizzer.paths import data_dir

    return data_dir() / DB_NAME


class Derived:
    """Columns computed when an event is applied (not synced: any device recomputes them)."""

    __slots__ = ("after", "before", "ivl_before", "r_before", "state_before")

    def __init__(
        self,
        before: CardState,
        after: CardState,
        state_before: int | None = None,
        ivl_before: float | None = None,
        r_before: float | None = None,
    ) -> None:
        self.before = before
        self.after = after
        self.state_before = state_before
        self.ivl_before = ivl_before
        self.r_before = r_before


class Store:
    """One open database."""

    def __init__(self, path: Path | None = None, *, create: bool = True) -> None:
        self.path = path or default_path()
        self._cache: dict[str, CardState] | None = None
        self._cache_key: tuple[int, int] = (-1, -1)
        self._cache_live = False
        self.calendar: Calendar | None = None
        """The learner's study calendar, which the statistics totals are kept in; when None, the
        events written wait in the totals' tail for a writer (or the statistics) that knows it
        to fold them in (see quizzer/store/aggregates.py)."""
        self._appended = 0
        """The `seq` of the last event this transaction appended (0: none)."""
        self._rebuild_totals = False
        self._remark = False
        """This transaction brought the totals in line with its rewrite of counted rows, which
        the log's triggers marked stale."""
        self._kept_mark: int | None = None
        """The totals' mark while `_remark` holds."""
        self._begun: tuple[int, int] = (-1, -1)
        self._known_mark: tuple[tuple[int, int], str, int] | None = None
        """(version, calendar key, mark) after this connection's last commit that left the
        totals current: at the same version the mark is still that, without asking."""
        self.reordered = False
        """Whether the last `apply` put its event before a later one of its card (whose rows the
        replay then rewrote)."""
        self.last_write: tuple[tuple[int, int], tuple[int, int]] = ((-1, -1), (-1, -1))
        """The store's version (`version()`) when the last write transaction began, holding the
        write lock, and when it committed: equal first halves mean no other connection wrote
        in between, and the second is what `version()` gives until something else writes."""
        self.damaged = self.marker.exists()
        exists = self.path.exists()
        if not exists and not create:
            raise StoreError(f"{self.path}: no database here")
        if exists and not self.path.is_file():
            raise StoreError(f"{self.path}: not a regular file; move it aside")
        try:
            if not exists:
                self.path.parent.mkdir(parents=True, exist_ok=True)
        except OSError as exc:
            raise StoreError(f"{self.path.parent}: cannot create ({exc.strerror or exc})") from None
        try:
            self.db = sqlite3.connect(
                self.path,
                timeout=BUSY_TIMEOUT_MS / 1000,
                isolation_level=None,
                check_same_thread=False,
                factory=_Guarded,
            )
        except sqlite3.DatabaseError as exc:
            raise StoreError(explain(self.path, exc)) from None
        self._ours = False  # damage is only noted in a file known to be a quizzer database
        self.db.on_error = self._failed
        try:
            self.db.execute(f"PRAGMA busy_timeout = {BUSY_TIMEOUT_MS}")
            unmarked = self._identify()  # reads only: refusals leave the file as it was
            self._ours = True
            mode = self.db.execute("PRAGMA journal_mode = WAL").fetchone()[0]
            if mode.lower() != "wal":  # pragma: no cover - e.g. a read-only medium
                raise StoreError(f"{self.path}: cannot switch the database to WAL mode")
            self.db.execute("PRAGMA synchronous = FULL")
            self.db.execute("PRAGMA foreign_keys = ON")
            self._migrate(unmarked)
            self.device = self._device_id()
        except BaseException:
            self.db.close()
            raise

    @property
    def marker(self) -> Path:
        """The file whose presence says damage was found in the database."""
        return marker(self.path)

    # ------------------------------------------------------------ set-up

    def _identify(self) -> bool:
        """Refuse a file that is not a quizzer database, or one of a newer schema, without
        writing anything. Returns True when the file still needs quizzer's mark (a new file, or
        one written before quizzer marked its databases)."""
        app_id = self.db.execute("PRAGMA application_id").fetchone()[0]
        version = self.db.execute("PRAGMA user_version").fetchone()[0]
        tables = {
            r[0] for r in self.db.execute("SELECT name FROM sqlite_master WHERE type = 'table'")
        }
        ours = app_id == APPLICATION_ID or (
            app_id == 0 and (tables >= _OWN_TABLES or (not tables and version == 0))
        )
        if not ours:
            raise StoreError(
                f"{self.path}: not a quizzer database (another application's SQLite file?); it "
                "was left untouched. Move it aside or point --data-dir elsewhere."
            )
        if version > LATEST:
            raise StoreError(
                f"{self.path}: written by a newer quizzer (schema {version}; this one knows "
                f"up to {LATEST}). Upgrade quizzer; the file was left untouched."
            )
        return bool(app_id != APPLICATION_ID)

    def _migrate(self, unmarked: bool) -> None:
        version = self.db.execute("PRAGMA user_version").fetchone()[0]
        if version == LATEST and not unmarked:
            return
        with self.transaction():
            self.db.execute(f"PRAGMA application_id = {APPLICATION_ID}")
            version = self.db.execute("PRAGMA user_version").fetchone()[0]
            self.db.execute(
                "CREATE TABLE IF NOT EXISTS migrations "
                "(version INTEGER PRIMARY KEY, name TEXT NOT NULL, applied_at TEXT NOT NULL)"
            )
            for number, migration in enumerate(MIGRATIONS[version:], start=version + 1):
                migration(self.db)
                self.db.execute(
                    "INSERT INTO migrations VALUES (?, ?, ?)",
                    (number, migration.__name__, datetime.now(UTC).isoformat(timespec="seconds")),
                )
                self.db.execute(f"PRAGMA user_version = {number}")

    def _device_id(self) -> str:
        row = self.db.execute("SELECT value FROM meta WHERE key = 'device'").fetchone()
        if row:
            return str(row[0])
        device = uuid.uuid4().hex[:12]
        with self.transaction():
            self.db.execute("INSERT OR IGNORE INTO meta VALUES ('device', ?)", (device,))
            row = self.db.execute("SELECT value FROM meta WHERE key = 'device'").fetchone()
        return str(row[0])

    def use_calendar(self, cal: Calendar) -> None:
        """Keep the statistics totals in this study calendar from now on. Stale totals of a small
        log are rebuilt at once (a large one waits for the next statistics)."""
        self.calendar = cal
        if aggregates.current(self.db, cal) or self.damaged:
            return
        answers = self.db.execute(
            "SELECT count(*) FROM (SELECT 1 FROM log WHERE kind IN ('review', 'cram') LIMIT ?)",
            (aggregates.BULK,),
        ).fetchone()[0]
        if answers < aggregates.BULK:
            with self.transaction():
                aggregates.rebuild(self.db, cal)

    def pending_replay(self) -> str | None:
        """Why the card states must be replayed from the log before use (a migration changed
        how they are computed), or None."""
        row = self.db.execute("SELECT value FROM meta WHERE key = ?", (PENDING_REPLAY,)).fetchone()
        return None if row is None else str(row[0])

    def replay_done(self) -> None:
        """Forget the pending replay (call inside the transaction that replayed)."""
        self.db.execute("DELETE FROM meta WHERE key = ?", (PENDING_REPLAY,))

    def close(self) -> None:
        """Close the connection."""
        self.db.close()

    def __enter__(self) -> Store:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()

    @contextmanager
    def transaction(self) -> Iterator[sqlite3.Connection]:
        """A write transaction that takes the lock up front (no upgrade deadlocks). Inside another
        one it joins it: the outer transaction commits or rolls back everything."""
        if self.db.in_transaction:
            yield self.db
            return
        if self.damaged:
            raise StoreError(
                f"{self.path}: damage was found in this database, so nothing more is written "
                "to it; run 'quizzer check'"
            )
        self.db.execute("BEGIN IMMEDIATE")
        # holding the write lock, nobody else can commit: the state cache, if it is current
        # now, is kept current by _put_state until COMMIT
        begun = self._begun = self.version()
        self._cache_live = self._cache is not None and self._cache_key == begun
        self._appended, self._rebuild_totals, self._remark = 0, False, False
        self._kept_mark = None
        self.reordered = False
        try:
            yield self.db
            mark = self._settle_totals()
        except BaseException as exc:
            self._forget()
            self._rollback()
            if isinstance(exc, sqlite3.DatabaseError):  # e.g. raised by a cursor's fetch
                raise self._failed(exc) from None
            raise
        try:
            self.db.execute("COMMIT")
        except StoreError:
            self._forget()
            self._rollback()
            raise
        # this connection's own commits leave its data_version as it was
        after = (begun[0], self.db.total_changes)
        self.last_write = (begun, after)
        cal = self.calendar
        self._known_mark = (after, cal.key, mark) if mark is not None and cal else None
        if self._cache_live:
            self._cache_key = after
        else:
            self._cache = None
        self._cache_live = False

    # ------------------------------------------------------------ state cache
    #
    # `states()` is asked for on every queue computation; reading and decoding every row of
    # `cards` each time dominated `Session.next` on large collections. The decoded states are
    # kept in memory, valid while (PRAGMA data_version, total_changes) is unchanged: the first
    # moves when another connection commits, the second when this one writes anything. Writes
    # made through `transaction()` update the cache in place instead of dropping it.

    def _settle_totals(self) -> int | None:
        """Keep the statistics totals in line with this transaction's writes to the log: events
        it appended wait in the tail until there are `aggregates.FOLD` of them, then are folded
        in. Returns the totals' mark at its end, or None when they are stale."""
        appended, self._appended = self._appended, 0
        rebuild, self._rebuild_totals = self._rebuild_totals, False
        remark, self._remark = self._remark, False
        cal = self.calendar
        if cal is None:
            return None  # appended events wait in the tail; the triggers saw any other change
        if rebuild:
            return aggregates.rebuild(self.db, cal)
        if remark:
            aggregates.mark_current(self.db, cal)
        known = self._known_mark
        if not remark and known is not None and known[:2] == (self._begun, cal.key):
            mark: int | None = known[2]
        else:
            mark = aggregates.mark(self.db, cal)
        if mark is not None and appended - mark >= aggregates.FOLD:
            mark = aggregates.fold(self.db, cal)
        return mark

    def _rollback(self) -> None:
        """Roll back if a transaction is still open (SQLite ends some on its own, e.g. on a full
        disk); a failure here must not hide the error being reported."""
        if self.db.in_transaction:
            with suppress(sqlite3.DatabaseError, StoreError):
                self.db.execute("ROLLBACK")

    def _failed(self, exc: sqlite3.DatabaseError) -> StoreError:
        """The StoreError for an SQLite error; damage is remembered (see the module's doc)."""
        if is_damage(exc) and self._ours:
            self.mark_damaged(str(exc))
        return StoreError(explain(self.path, exc))

    def mark_damaged(self, reason: str) -> None:
        """Stop every write to this database, in this process and later ones."""
        if not self.damaged:
            self.damaged = True
            with suppress(OSError):
                self.marker.write_text(f"{reason}\n", encoding="utf-8")

    def mark_sound(self) -> None:
        """Forget earlier damage (after `quizzer check` found the file sound)."""
        self.damaged = False
        self.marker.unlink(missing_ok=True)

    def version(self) -> tuple[int, int]:
        """Moves whenever the database may have changed: another connection committed
        (`PRAGMA data_version`) or this one wrote (`total_changes`)."""
        return int(self.db.execute("PRAGMA data_version").fetchone()[0]), self.db.total_changes

    def _forget(self) -> None:
        self._cache = None
        self._cache_live = False

    def _cached_states(self) -> dict[str, CardState]:
        key = self.version()
        if self._cache is None or key != self._cache_key:
            rows = self.db.execute(f"SELECT {', '.join(CARD_COLUMNS)} FROM cards")
            from_row = CardState.from_row
            self._cache = {row[0]: from_row(row) for row in rows}
            self._cache_key = key
        return self._cache

    # ------------------------------------------------------------ reads

    def state(self, card_id: str) -> CardState:
        """The cached state of one card (a new card's defaults if never reviewed)."""
        if self._cache_live and self._cache is not None:
            found = self._cache.get(card_id)
            return found if found is not None else CardState(card_id)
        row = self.db.execute(
            f"SELECT {', '.join(CARD_COLUMNS)} FROM cards WHERE card_id = ?", (card_id,)
        ).fetchone()
        return CardState.from_row(row) if row else CardState(card_id)

    def states(self) -> dict[str, CardState]:
        """The cached state of every card that has one (a fresh dict the caller may keep)."""
        return dict(self._cached_states())

    def new_uid(self) -> str:
        """A globally unique event id: the machine's time in ns, then 64 random bits. Replay
        breaks ties between events of the same millisecond by uid, so ids made one after the
        other must sort in that order (the time is only an order here, never a date)."""
        global _last_ns
        _last_ns = max(time.time_ns(), _last_ns + 1)
        return f"{_last_ns:016x}{secrets.token_hex(8)}"

    def undone(self) -> set[str]:
        """Uids of events that an undo cancelled."""
        return {r[0] for r in self.db.execute("SELECT target FROM log WHERE target IS NOT NULL")}

    def events(self, card_ids: Iterable[str] | None = None) -> list[Event]:
        """Log events (all, or of some cards) in replay order: time, then uid."""
        if card_ids is None:
            return [event for _, event in self.iter_events()]
        sql = f"SELECT {', '.join(EVENT_COLUMNS)} FROM log WHERE card_id IN ({{marks}})"
        events = list(map(self.event, rows_in(self.db, sql, list(card_ids))))
        events.sort(key=lambda e: (e.at, e.uid))
        return events

    def iter_events(self) -> Iterator[tuple[int, Event]]:
        """Every log event with its row's `seq`, in replay order (time, then uid), read as it is
        used: the caller may write to the log meanwhile, but not change these columns."""
        rows = self.db.execute(f"SELECT seq, {', '.join(EVENT_COLUMNS)} FROM log ORDER BY at, uid")
        event = self.event
        return ((row[0], event(row[1:])) for row in rows)

    def event(self, row: Sequence[Any]) -> Event:
        """The event of a log row (`EVENT_COLUMNS`, in order); StoreError naming it when its
        values are not an event's (a row written by hand before the log refused such rows)."""
        try:
            event = Event.from_row(row)
            if not in_range(event.at):
                raise ValueError(f"time {event.at} out of range")
            return event
        except (KeyError, TypeError, ValueError) as exc:
            raise StoreError(
                f"{self.path}: the log event {row[0]!r} cannot be read ({exc}); quizzer did "
                "not write it: correct or delete that row with SQL"
            ) from None

    def last_undoable(self, among: Sequence[str] | None = None) -> tuple[Event, CardState] | None:
        """The newest event this device recorded that is not undone, with its before-state
        (events received by sync are another device's to undo); with `among` (uids, oldest
        first), the newest of those."""
        columns = f"{', '.join(EVENT_COLUMNS)}, before"
        if among is None:
            row = self.db.execute(
                f"SELECT {columns} FROM log WHERE kind != 'undo' AND device = ? "
                f"AND {NOT_UNDONE} ORDER BY seq DESC LIMIT 1",
                (self.device,),
            ).fetchone()
        else:
            rows = (
                self.db.execute(
                    f"SELECT {columns} FROM log WHERE uid = ? AND kind != 'undo' "
                    f"AND device = ? AND {NOT_UNDONE}",
                    (uid, self.device),
                ).fetchone()
                for uid in reversed(among)
            )
            row = next((r for r in rows if r is not None), None)
        if row is None:
            return None
        event = self.event(row[:-1])
        return event, CardState.from_json(event.card_id, row[-1])

    def count(self, sql: str, params: tuple[Any, ...] = ()) -> int:
        """Run a `SELECT count(...)` and return the number."""
        return int(self.db.execute(sql, params).fetchone()[0])

    # ------------------------------------------------------------ writes

    def apply(
        self,
        card_id: str,
        make: Callable[[CardState], tuple[Event, Derived]],
        replay: Callable[
            [list[Event], dict[str, CardState]], tuple[dict[str, CardState], dict[str, Derived]]
        ],
    ) -> tuple[Event, Derived, CardState]:
        """Atomically: read the card's state, let `make` build the event from it, append the
        event and store the new state. Returns the event, its derived columns and the new state.

        The card cache must always equal a replay of the log in time order. An event that comes
        after a later one of its card (another process answered in the same millisecond with a
        greater uid, or the clock stepped back) is therefore not applied on top: the card is
        replayed with `replay` (`replay.replay_rows`) from `_replay_span`, derived columns too."""
        with self.transaction():
            event, derived = make(self.state(card_id))
            later = self.db.execute(
                # `at >= ?` on its own lets SQLite seek the (card_id, at) index past the event;
                # under the OR alone it read every event of the card (77 at 1M reviews: 20 us)
                "SELECT 1 FROM log WHERE card_id = ? AND at >= ? AND (at > ? OR uid > ?) LIMIT 1",
                (card_id, event.at, event.at, event.uid),
            ).fetchone()
            self.reordered = later is not None
            if later is None:
                self._insert(event, derived)
                self._put_state(derived.after)
                return event, derived, derived.after
            existing, start = self._replay_span(card_id, event)
            states, rows = replay([*existing, event], start)
            derived = rows[event.uid]
            self._insert(event, derived)
            self.rewrite_derived((e.uid, rows[e.uid]) for e in existing)
            self._put_state(states[card_id])
        return event, derived, states[card_id]

    def _replay_span(self, card_id: str, event: Event) -> tuple[list[Event], dict[str, CardState]]:
        """The card's events a replay placing `event` among them needs, and the state to start
        from (`replay_rows`'s `start`): those after it and the state the log recorded before
        them, when none is an undo or undone; else all of them, from a new card (none given)."""
        rows = self.db.execute(
            f"SELECT {', '.join(EVENT_COLUMNS)}, before FROM log WHERE card_id = ? AND at >= ? "
            "AND (at > ? OR uid > ?) ORDER BY at, uid",
            (card_id, event.at, event.at, event.uid),
        ).fetchall()
        events = [self.event(row[:-1]) for row in rows]
        plain = events and all(e.kind != EventKind.UNDO for e in events)
        if plain and self.undone().isdisjoint(e.uid for e in events):
            with suppress(TypeError, ValueError, KeyError):  # none recorded (a row by hand)
                return events, {card_id: CardState.from_json(card_id, rows[0][-1])}
        return self.events([card_id]), {}

    def undo(
        self,
        make: Callable[[Event], Event],
        recompute: Callable[[list[Event]], CardState],
        among: Sequence[str] | None = None,
    ) -> tuple[Event, CardState] | None:
        """Cancel the newest event not yet undone (of `among`, when given: see `last_undoable`):
        append an undo event for it and set the card's state to the replay of its remaining
        events. Returns the undone event and that state."""
        with self.transaction():
            found = self.last_undoable(among)
            if found is None:
                return None
            target, _ = found
            undo_event = make(target)
            current = self.state(target.card_id)
            restored = recompute([*self.events([target.card_id]), undo_event])
            self._insert(undo_event, Derived(current, restored))
            self._put_state(restored)
        return target, restored

    def insert_events(self, rows: Iterable[tuple[Event, Derived]]) -> None:
        """Append many events in one transaction (used by sync); states are set by the caller."""
        encode = StateEncoder()
        with self.transaction():
            for event, derived in rows:
                self._insert(event, derived, encode)

    def replace_states(self, states: Iterable[CardState], *, clear: bool = False) -> None:
        """Write card states into the cache (all of it when `clear`)."""
        with self.transaction():
            if clear:
                self.db.execute("DELETE FROM cards")
                if self._cache_live and self._cache is not None:
                    self._cache.clear()
            for state in states:
                self._put_state(state)

    def _insert(
        self, event: Event, derived: Derived, encode: Callable[[CardState], str] = CardState.to_json
    ) -> None:
        """Append an event (the statistics totals count it from the tail)."""
        kind = str(event.kind)
        rating = None if event.rating is None else int(event.rating)
        cursor = self.db.execute(
            "INSERT INTO log (uid, device, at, card_id, kind, rating, graded, response, verdict, "
            "duration_ms, target, until, state_before, ivl_before, r_before, before, after) "
            "VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
            (
                event.uid,
                event.device,
                event.at,
                event.card_id,
                kind,
                rating,
                event.graded,
                event.response,
                event.verdict,
                event.duration_ms,
                event.target,
                event.until,
                derived.state_before,
                derived.ivl_before,
                derived.r_before,
                encode(derived.before),
                encode(derived.after),
            ),
        )
        self._appended = cursor.lastrowid or self._appended

    def _put_state(self, state: CardState) -> None:
        marks = ", ".join("?" * len(CARD_COLUMNS))
        self.db.execute(f"INSERT OR REPLACE INTO cards VALUES ({marks})", state.as_row())
        if self._cache_live and self._cache is not None:
            self._cache[state.card_id] = state

    def rebuild_totals(self) -> None:
        """Recompute the statistics totals from the log when this transaction commits (they are
        left stale when the store has no calendar)."""
        with self.transaction():
            self._rebuild_totals = True

    def rewrite_derived(
        self, rows: Iterable[tuple[str, Derived]], encode: StateEncoder | None = None
    ) -> None:
        """Update the derived columns of existing events (after a replay with new settings);
        `encode`: the encoder of earlier batches of the same replay."""
        encode = encode or StateEncoder()
        with self.transaction():
            rows = list(rows)
            uids = [uid for uid, _ in rows]
            with self._counted_change(uids, uids):
                self._write_derived("uid", rows, encode)

    def rewrite_events(
        self, sql: str, rows: Sequence[tuple[Any, ...]], before: list[str], after: list[str]
    ) -> None:
        """Run `sql` (an UPDATE of log rows) for each of `rows`, the statistics' totals kept
        current: the events of uids `before` leave them, those of uids `after` come back."""
        with self.transaction(), self._counted_change(before, after, always=True):
            self.db.executemany(sql, rows)

    @contextmanager
    def _counted_change(
        self, before: list[str], after: list[str], *, always: bool = False
    ) -> Iterator[None]:
        """Counted rows (at or before the totals' mark) that change inside leave the totals
        before and come back after (when some left, or `always`); rows of the tail are counted
        as they are when read, and a change of many rows rebuilds the totals instead."""
        cal = self.calendar
        upto = None
        if cal is not None and before and not self._rebuild_totals:
            # stale to the triggers after an earlier change of this transaction, kept current
            upto = self._kept_mark if self._remark else aggregates.mark(self.db, cal)
        if upto is not None and aggregates.worth_rebuilding(
            len(before), aggregates.last_seq(self.db)
        ):
            self._rebuild_totals, upto = True, None
        if upto is None or cal is None:
            yield
            return
        counted = aggregates.counted_rows(self.db, before, upto)
        totals = aggregates.accumulate(counted, cal, -1)
        yield
        if counted or always:
            counted = aggregates.counted_rows(self.db, after, upto)
            aggregates.add(self.db, aggregates.accumulate(counted, cal, 1, totals))
        self._remark, self._kept_mark = True, upto  # the triggers saw counted rows change

    def rewrite_replayed(self, rows: Iterable[tuple[int, Derived]], encode: StateEncoder) -> None:
        """`rewrite_derived` for a replay of the whole log, its rows keyed by `seq` (a direct
        lookup, where a uid is a search of its index), inside a transaction that rebuilds the
        totals (`rebuild_totals`), so that no running total is adjusted row by row."""
        if not (self.db.in_transaction and self._rebuild_totals):
            raise RuntimeError("rewrite_replayed runs in a transaction that rebuilds the totals")
        self._write_derived("seq", rows, encode)

    def _write_derived(
        self, key: str, rows: Iterable[tuple[Any, Derived]], encode: StateEncoder
    ) -> None:
        # a row that already holds these values is not written: a replay that changes nothing
        # (a rebuild run to be sure, a migration that moved no card) rewrites no page
        self.db.executemany(
            "UPDATE log SET state_before = ?1, ivl_before = ?2, r_before = ?3, before = ?4, "
            f"after = ?5 WHERE {key} = ?6 AND NOT (state_before IS ?1 AND ivl_before IS ?2 "
            "AND r_before IS ?3 AND before IS ?4 AND after IS ?5)",
            (
                (d.state_before, d.ivl_before, d.r_before, encode(d.before), encode(d.after), k)
                for k, d in rows
            ),
        )

    @contextmanager
    def large_cache(self) -> Iterator[None]:
        """A larger page cache while bulk work runs (a replay rewriting the whole log revisits
        the pages of the log and its indexes); the usual size, and the memory, come back after."""
        size = self.db.execute("PRAGMA cache_size").fetchone()[0]
        self.db.execute(f"PRAGMA cache_size = {BULK_CACHE_KIB}")
        try:
            yield
        finally:
            self.db.execute(f"PRAGMA cache_size = {size}")

    def integrity(self) -> str:
        """`PRAGMA integrity_check`: 'ok' when the file is sound, else its findings, one a line."""
        rows = self.db.execute("PRAGMA integrity_check(100)").fetchall()
        return "\n".join(str(r[0]) for r in rows)
