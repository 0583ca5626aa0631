"""The statistics' figures over the log read from the running totals (`quizzer.store.aggregates`)
and their tail, as of a moment: what the statistics page and the home screen show of the whole
collection, of a deck or of a folder, without scanning the log."""

from __future__ import annotations

import sqlite3
from collections.abc import Callable, Iterator, Sequence
from typing import Any, TypeVar

from quizzer.clock import Calendar
from quizzer.decks.files import in_deck
from quizzer.store import aggregates

T = TypeVar("T")

_RANGES = ((None, 0), (1, 1), (2, 6), (7, 29), (30, 364), (365, None))
"""The ranges of true retention, as (nearest, farthest) days back from today (None: open)."""


_PER_DAY = (
    "SELECT day, cram, state, rating, class = 2, n, ms FROM agg_answers WHERE day BETWEEN ? AND ?"
)


class Reader:
    """The figures the statistics read from the totals and the tail, as of the moment before
    `cut` (UTC ms): answers dated at or after it (a clock set back, a test travelling in time)
    are taken away again, in Python, with the same `contributions` the writes use. Read in one
    transaction (a snapshot), so that no fold comes between the tail and the tables.

    With `decks` (deck ids and folders), the figures over all time (`retention`,
    `answers_per_day`, `active_days`, `recall_bins`) are those of the cards of these decks,
    orphans included, read from the per-deck tables; `per_day` and `hours` are the whole
    collection's in any case."""

    def __init__(
        self,
        db: sqlite3.Connection,
        cal: Calendar,
        cut: int,
        upto: int,
        decks: Sequence[str] | None = None,
        kept: dict[Any, Any] | None = None,
    ) -> None:
        """`upto`: the totals' `mark`, read in the same transaction. `kept`: what earlier
        readers of the same tables (same file, calendar, mark and `aggregates.changes`) read of
        them, which this one adds to."""
        self.db = db
        self.kept: dict[Any, Any] = {} if kept is None else kept
        self.decks = None if decks is None else [d.rstrip("/") for d in decks]
        self.delta = aggregates.tail(db, cal, upto, self.kept)
        """What the tail adds and the answers from `cut` on take away, per table."""
        later = db.execute(  # '+kind': seek the time index, usually to nothing
            f"SELECT {aggregates.ROW_COLUMNS} FROM log WHERE at >= ? "
            f"AND +kind IN ('review', 'cram') AND {aggregates.NOT_UNDONE}",
            (cut,),
        )
        aggregates.accumulate(later, cal, -1, self.delta)

    def _rows(self, sql: str, params: Sequence[Any] | dict[str, Any]) -> list[tuple[Any, ...]]:
        """The rows of a query of the tables, read once for all the readers that share `kept`
        (the caller must not change them)."""
        key = (sql, tuple(params.items()) if isinstance(params, dict) else tuple(params))
        return self.keep(key, lambda: self.db.execute(sql, params).fetchall())

    def per_day(self, first: int, last: int) -> list[tuple[Any, ...]]:
        """Answers over days `first` to `last`, as rows of (day, cram, state before, rating,
        mature: an interval of 21 days or more, count, time); a key may come more than once
        (its rows add up): the tail's and the later answers' come as rows of their own
        (negative for those taken away)."""
        return [*self._rows(_PER_DAY, (first, last)), *self.delta_days(first, last)]

    def delta_days(self, first: int, last: int) -> list[tuple[Any, ...]]:
        """`per_day`'s rows of the tail and of the answers taken away."""
        rows = []
        for (day, cram, state, rating, cls), (n, ms) in self.delta["agg_answers"].items():
            # an answer undone and another made in its place can leave a count of 0 with time
            if first <= day <= last and (n or ms):
                rows.append((day, cram, state, rating, int(cls == 2), n, ms))
        return rows

    def keep(self, key: Any, make: Callable[[], T]) -> T:
        """What `make` makes of the tables' rows, made once for all the readers that share
        `kept` (the caller must not change it)."""
        if key not in self.kept:
            self.kept[key] = make()
        found: T = self.kept[key]
        return found

    def counted_days(self, first: int, last: int) -> list[tuple[Any, ...]]:
        """`per_day`'s rows from the tables alone (shared: not to be changed)."""
        return self._rows(_PER_DAY, (first, last))

    def _scoped(self, table: str) -> tuple[str, dict[str, Any]]:
        """The table to read for the scope (`agg_X` or `agg_deck_X`) with a WHERE clause that
        keeps the scope's decks (TRUE for the whole collection), and its parameters."""
        if self.decks is None:
            return f"{table} WHERE TRUE", {}
        params: dict[str, Any] = {}
        terms = []
        for n, name in enumerate(self.decks):
            # deck `a/b` itself, and the decks of folder `a/b` ('/' < '0')
            params |= {f"d{n}": name, f"f{n}": name + "/", f"g{n}": name + "0"}
            terms.append(f"deck = :d{n} OR (deck >= :f{n} AND deck < :g{n})")
        return f"agg_deck_{table[4:]} WHERE ({' OR '.join(terms)})", params

    def _delta(self, table: str) -> Iterator[tuple[tuple[Any, ...], list[int]]]:
        """The tail's rows of `agg_X` for the scope, keyed as `agg_X` is (without the deck)."""
        if self.decks is None:
            yield from self.delta[table].items()
            return
        for (deck, *key), values in self.delta[f"agg_deck_{table[4:]}"].items():
            if any(in_deck(deck, d) for d in self.decks):
                yield tuple(key), values

    def retention(self, today: int) -> dict[tuple[Any, ...], list[float]]:
        """Reviews and passes per (range, interval class 1 young or 2 mature): ranges are today,
        yesterday, 2-6, 7-29, 30-364 days ago and before."""
        table, params = self._scoped("agg_days")
        sums = "sum(young), sum(young_passed), sum(mature), sum(mature_passed)"
        # a sum over each range of days (seeking the key), where grouping by range sorts every row
        parts = []
        for i, (near, far) in enumerate(_RANGES):
            bounds = "" if near is None else f" AND day <= :t - {near}"
            bounds += "" if far is None else f" AND day >= :t - {far}"
            parts.append(f"SELECT {i}, {sums} FROM {table}{bounds}")
        rows = self._rows(" UNION ALL ".join(parts), {"t": today, **params})
        out: dict[tuple[Any, ...], list[float]] = {}
        for i, young, young_passed, mature, mature_passed in rows:
            if young:
                out[(i, 1)] = [young, young_passed]
            if mature:
                out[(i, 2)] = [mature, mature_passed]
        for (day,), (_, young, young_passed, mature, mature_passed) in self._delta("agg_days"):
            back = today - day
            i = next(k for k, (_, far) in enumerate(_RANGES) if far is None or back <= far)
            # a failed answer undone and a passed one made in its place: 0 reviews, 1 pass
            if young or young_passed:
                aggregates.add_signed(out, (i, 1), (young, young_passed))
            if mature or mature_passed:
                aggregates.add_signed(out, (i, 2), (mature, mature_passed))
        return out

    def answers_per_day(self, first: int, last: int) -> dict[int, int]:
        """Answers (reviews and cram) per day from `first` to `last` (days without are left
        out)."""
        table, params = self._scoped("agg_days")
        rows = self._rows(
            f"SELECT day, sum(n) FROM {table} AND day BETWEEN :first AND :last GROUP BY day",
            {"first": first, "last": last, **params},
        )
        out = {(day,): [n] for day, n in rows}
        for key, values in self._delta("agg_days"):
            if first <= key[0] <= last:
                aggregates.add_signed(out, key, values[:1])
        return {k[0]: v[0] for k, v in out.items() if v[0]}

    def active_days(self, last: int) -> set[int]:
        """The days up to `last` with at least one answer (rows whose count fell to 0 are
        deleted, so a row is an answer)."""
        days = set(self.counted_active(last))
        for (day,), _ in self._delta("agg_days"):
            if day <= last:
                if self.answers_per_day(day, day):
                    days.add(day)
                else:
                    days.discard(day)
        return days

    def counted_active(self, last: int) -> frozenset[int]:
        """`active_days` of the tables alone."""
        table, params = self._scoped("agg_days")
        sql = f"SELECT DISTINCT day FROM {table} AND day <= :last"
        rows = self._rows(sql, {"last": last, **params})
        key = ("active", sql, last, *params.items())
        return self.keep(key, lambda: frozenset(day for (day,) in rows))

    def hours(self, first: int, last: int) -> dict[int, list[float]]:
        """Reviews and passes per local hour over days `first` to `last`."""
        return self._by("agg_hours", "hour", first, last)

    def deck_reviews(self, first: int, last: int) -> dict[str, list[float]]:
        """Reviews of cards with an interval of a day or more, and passes, per deck."""
        return self._by("agg_decks", "deck", first, last)

    def _by(self, table: str, column: str, first: int, last: int) -> dict[Any, list[float]]:
        """Reviews and passes of a (day, `column`) table over days `first` to `last`, by
        `column`."""
        rows = self._rows(
            f"SELECT {column}, sum(n), sum(passed) FROM {table} WHERE day BETWEEN ? AND ? "
            f"GROUP BY {column}",
            (first, last),
        )
        out = {(k,): [n, p] for k, n, p in rows}
        for (day, k), values in self.delta[table].items():
            if first <= day <= last:
                aggregates.add_signed(out, (k,), values)
        return {k[0]: v for k, v in out.items()}

    def recall_bins(self) -> dict[int, tuple[float, float, float, float]]:
        """Per calibration bin: reviews, sum of predictions, passes, sum of log-likelihoods."""
        table, params = self._scoped("agg_recall")
        rows = self._rows(
            f"SELECT bin, sum(n), sum(p), sum(passed), sum(ll) FROM {table} GROUP BY bin", params
        )
        out = {(k,): [n, p, passed, ll] for k, n, p, passed, ll in rows}
        for key, values in self._delta("agg_recall"):
            aggregates.add_signed(out, key, values)
        scale = aggregates.SCALE
        return {k[0]: (n, p / scale, passed, -ll / scale) for k, (n, p, passed, ll) in out.items()}


def reader(
    db: sqlite3.Connection,
    cal: Calendar,
    cut: int,
    *,
    short: bool = False,
    decks: Sequence[str] | None = None,
    kept: Kept | None = None,
) -> Reader | None:
    """A `Reader` of the totals as of `cut` (of these `decks` only, when given), or None when
    they are stale or, when `short`, their tail is `FOLD` events or longer (call inside a read
    transaction). With `kept`, what it reads of the tables is kept there for later readers of
    the same tables."""
    upto = aggregates.mark(db, cal)
    if upto is None or (short and aggregates.last_seq(db) - upto >= aggregates.FOLD):
        return None
    rows = None
    if kept is not None:
        rows = kept.rows((cal.key, upto, aggregates.changes(db)))
    return Reader(db, cal, cut, upto, decks, rows)


class Kept:
    """What readers of one database's totals read of them, while the totals are the same (its
    keeper keeps it for one file)."""

    def __init__(self) -> None:
        self._version: tuple[Any, ...] | None = None
        self._rows: dict[Any, Any] = {}

    def rows(self, version: tuple[Any, ...]) -> dict[Any, Any]:
        """What is kept for the totals at `version` (the calendar, the mark and the number of
        changes): nothing, when they are at another."""
        if version != self._version:
            self._version, self._rows = version, {}
        return self._rows
