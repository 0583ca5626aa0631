"""The statistics' own SQL: aggregates over the review log for a scope, and the card states.

The whole collection's figures come from the log's running totals (`quizzer.store.aggregates`);
a scope (a deck, a folder, a tag, a search), or totals that are stale, scans the log here
instead. `LogScan` answers the same questions as `totals_reader.Reader`, in the same shapes, so the
figure modules do not know which one they read.

Every aggregate runs in SQLite on one covering index of the log (`log_stats`: kind, rating,
state before, time, then the other columns the figures read), in a shape that avoids sorting the
log:

* per-day figures join a small table of study days (bounds computed in Python with the clock
  helpers, so they are DST-exact) to range seeks on the index, and group in index order;
* true retention over long periods is range counts on the same index, summed by interval class;
* undone events are not filtered row by row (that costs more than the scan itself): each
  aggregate is computed once over the log and once over a tiny table of the undone events, and
  the second result is subtracted from the first. Every figure is a count or a sum, so this is
  exact.
"""

from __future__ import annotations

import bisect
from datetime import date, timedelta
from typing import Any

from quizzer.clock import LATEST_MS, from_ms, offset_segments, study_day
from quizzer.stats.context import Context, StudyDays
from quizzer.stats.results import FORECAST_DAYS, HEATMAP_DAYS
from quizzer.store.aggregates import RECALL_BIN, offset_sql, with_ln

_NEVER = -(2**62)
BY_TIME = "log_stats"
"""Index (kind, rating, state_before, at, ivl_before, r_before, duration_ms, card_id): time
ranges of each kind, rating and state before (migration 9; one index where there were three,
so that an answer writes fewer pages)."""
BY_AT = "log_at"
"""The store's index on `at` alone: the narrowest way to count every event of a day."""
_CLASSES = "l.rating IN (1, 2, 3, 4) AND l.state_before IN (0, 1, 2, 3)"
"""Equality lists on the index's leading columns: SQLite turns them into range seeks on `at`
and keeps rows in index order, so GROUP BY kind/rating/state needs no sort."""


class LogScan:
    """Aggregates over the log for one scope, read through temporary tables of this connection
    (the scope's cards or id ranges, the study days, the undone events)."""

    def __init__(self, ctx: Context, days: bool = True, history: bool = True) -> None:
        """Set up the scope and the undone events, and the study days unless `days` is false
        (calibration needs none): from the log's first day, or when not `history` (no figure
        over all time is asked) from the first day of the period and the heatmap."""
        self.db = ctx.db
        self.cut = ctx.cut
        self.today = ctx.today
        self.zone = ctx.zone
        self.hour = ctx.hour
        self._prepare_log(ctx)
        if days:
            self._prepare_days(ctx.days, history)

    def _prepare_days(self, period: int, history: bool) -> None:
        db = self.db
        first = None
        if history:
            first = db.execute(  # times out of range (a log edited by hand) place no day
                "SELECT min(at) FROM log WHERE at >= 0 AND at < ? AND typeof(at) = 'integer'",
                (LATEST_MS,),
            ).fetchone()[0]
        first_day = study_day(from_ms(first), self.zone, self.hour) if first is not None else None
        earliest = self.today - timedelta(days=max(HEATMAP_DAYS, period) - 1)
        self.first_day = min(first_day, earliest) if first_day else earliest
        self.calendar = StudyDays(
            self.first_day, self.today + timedelta(days=FORECAST_DAYS + 1), self.zone, self.hour
        )
        db.execute("CREATE TEMP TABLE stats_days (i INTEGER PRIMARY KEY, s INTEGER, e INTEGER)")
        db.executemany(
            "INSERT INTO temp.stats_days VALUES (?, ?, ?)",
            self.calendar.rows(self.first_day, self.today),
        )

    def _prepare_log(self, ctx: Context) -> None:
        db = self.db
        scope = ctx.scope
        # what part of the log the scope covers: ranges of card ids (orphans of those decks
        # included: their history is real), or the exact cards when a tag is involved
        self.sql_params: dict[str, Any] = {"cut": self.cut}
        if scope.tag is not None or scope.card_ids is not None:
            db.execute("CREATE TEMP TABLE stats_scope (card_id TEXT PRIMARY KEY) WITHOUT ROWID")
            db.executemany("INSERT INTO temp.stats_scope VALUES (?)", ((c,) for c in ctx.cards))
            self.scope_sql = " AND l.card_id IN (SELECT card_id FROM temp.stats_scope)"
        elif scope.decks:
            ranges = []
            for n, name in enumerate(scope.decks):
                name = name.rstrip("/")
                # deck `a/b` holds ids `a/b:...`; folder `a` holds `a/...` (':' < ';', '/' < '0')
                self.sql_params |= {
                    f"d{n}": name + ":",
                    f"e{n}": name + ";",
                    f"f{n}": name + "/",
                    f"g{n}": name + "0",
                }
                ranges.append(f"(l.card_id >= :d{n} AND l.card_id < :e{n})")
                ranges.append(f"(l.card_id >= :f{n} AND l.card_id < :g{n})")
            self.scope_sql = f" AND ({' OR '.join(ranges)})"
        else:
            self.scope_sql = ""

        indexes = {
            r[0] for r in db.execute("SELECT name FROM main.sqlite_master WHERE type = 'index'")
        }
        self.log_by = {
            name: "main.log AS l" + (f" INDEXED BY {name}" if name in indexes else "")
            for name in (BY_TIME, BY_AT)
        }
        with_ln(db)
        db.execute(
            "CREATE TEMP TABLE stats_undone AS SELECT seq, kind, rating, state_before, at, "
            "ivl_before, r_before, duration_ms, card_id FROM main.log "
            "WHERE uid IN (SELECT target FROM main.log WHERE target IS NOT NULL) "
            "AND +kind IN ('review', 'cram')"  # '+': look undone events up by uid, not by kind
        )
        self.has_undone = bool(db.execute("SELECT count(*) FROM temp.stats_undone").fetchone()[0])

    def _net(
        self, sql: str, keys: int, index: str = BY_TIME, **params: Any
    ) -> dict[tuple[Any, ...], list[float]]:
        """Run an aggregate over the log (through `index`), subtract the same aggregate over the
        undone events, and return the rows by their first `keys` columns (rows whose first value
        became 0 are dropped)."""
        bound = self.sql_params | params
        out: dict[tuple[Any, ...], list[float]] = {}
        text = sql.format(scope=self.scope_sql, classes=_CLASSES, log="{log}")
        for row in self.db.execute(text.format(log=self.log_by[index]), bound):
            out[tuple(row[:keys])] = [v or 0 for v in row[keys:]]
        if self.has_undone:
            for row in self.db.execute(text.format(log="temp.stats_undone AS l"), bound):
                acc = out.get(tuple(row[:keys]))
                if acc is not None:
                    for j, v in enumerate(row[keys:]):
                        acc[j] -= v or 0
            out = {k: v for k, v in out.items() if v and v[0]}
        return out

    # ------------------------------------------------------------ the questions

    def per_day(self, first: int, last: int) -> list[tuple[Any, ...]]:
        """Answers from day `first` to `last` (ordinals), as rows of (day, cram, state before,
        rating, mature: an interval of 21 days or more, count, time)."""
        rows = self._net(
            "SELECT d.i, l.kind = 'cram', l.state_before, l.rating, "
            "ifnull(l.ivl_before >= 21, 0) AS m, count(*), total(l.duration_ms) "
            "FROM temp.stats_days AS d JOIN {log} ON l.kind IN ('review', 'cram') AND {classes} "
            "AND l.at >= d.s AND l.at < d.e AND l.at < :cut{scope} "
            "WHERE d.i BETWEEN :first AND :last "
            "GROUP BY d.i, l.kind, l.rating, l.state_before, m",
            5,
            first=first,
            last=last,
        )
        return [(*key, *values) for key, values in rows.items()]

    def retention(self, today: int) -> dict[tuple[Any, ...], list[float]]:
        """Reviews and passes per (range, interval class 1 young or 2 mature) over six disjoint
        time ranges: today, yesterday, 2-6, 7-29, 30-364 days ago, and before."""
        t, cal = date.fromordinal(today), self.calendar
        bounds = [cal.start(t - timedelta(days=back)) for back in (0, 1, 6, 29, 364)] + [_NEVER]
        ends = [min(cal.end(t), self.cut), *bounds[:-1]]
        self.db.execute(
            "CREATE TEMP TABLE IF NOT EXISTS stats_ranges "
            "(i INTEGER PRIMARY KEY, s INTEGER, e INTEGER)"
        )
        self.db.executemany(
            "INSERT INTO temp.stats_ranges VALUES (?, ?, ?)",
            ((i, bounds[i], ends[i]) for i in range(6)),
        )
        rows = self._net(
            # interval classes 1 and 2 are an interval of a day or more; 2 is 21 days or more
            "SELECT r.i, l.rating, count(*), sum(l.ivl_before >= 21) "
            "FROM temp.stats_ranges AS r JOIN {log} ON l.kind = 'review' AND {classes} "
            "AND l.ivl_before >= 1 AND l.at >= r.s AND l.at < r.e{scope} "
            # a bounded rowid range on the outer table keeps the planner on covering-index seeks;
            # when it expects many outer rows it picks a Bloom filter with table lookups instead
            "WHERE r.i BETWEEN 0 AND 5 GROUP BY r.i, l.rating",
            2,
        )
        out: dict[tuple[Any, ...], list[float]] = {}
        for (i, rating), (n, mature) in rows.items():
            for ivl_class, count in ((1, n - mature), (2, mature)):
                if count:
                    acc = out.setdefault((i, ivl_class), [0, 0])
                    acc[0] += count
                    acc[1] += count if rating > 1 else 0
        return out

    def answers_per_day(self, first: int, last: int) -> dict[int, int]:
        """Answers (reviews and cram) per study day from `first` to `last` (ordinals)."""
        if self.scope_sql:
            rows = self._net(
                "SELECT d.i, count(*) FROM temp.stats_days AS d JOIN {log} "
                "ON l.kind IN ('review', 'cram') AND {classes} AND l.at >= d.s AND l.at < d.e "
                "AND l.at < :cut{scope} WHERE d.i BETWEEN :first AND :last GROUP BY d.i",
                1,
                first=first,
                last=last,
            )
            return {k[0]: int(v[0]) for k, v in rows.items()}
        # the whole log: count every event on the narrow `at` index, then take away the few
        # that are not answers (undo, bury, suspend...)
        rows = self._net(
            "SELECT d.i, count(*) FROM temp.stats_days AS d JOIN {log} "
            "ON l.at >= d.s AND l.at < d.e AND l.at < :cut "
            "WHERE d.i BETWEEN :first AND :last GROUP BY d.i",
            1,
            BY_AT,
            first=first,
            last=last,
        )
        per_day = {k[0]: int(v[0]) for k, v in rows.items()}
        start = self.calendar.start(date.fromordinal(first))
        starts = self.calendar.starts
        # three range seeks on the leading `kind`: a time filter here made SQLite skip-scan
        for where in (
            "l.kind < 'cram'",
            "l.kind > 'cram' AND l.kind < 'review'",
            "l.kind > 'review'",
        ):
            for (at,) in self.db.execute(f"SELECT l.at FROM {self.log_by[BY_TIME]} WHERE {where}"):
                if start <= at < self.cut:
                    day = self.first_day.toordinal() + bisect.bisect_right(starts, at) - 1
                    per_day[day] = per_day.get(day, 0) - 1
        return per_day

    def active_days(self) -> tuple[set[int], int]:
        """The study days (ordinals) with at least one answer, and the first day looked at."""
        # EXISTS stops at the first answer of a day, so the undone check costs almost nothing
        active = {
            r[0]
            for r in self.db.execute(
                f"SELECT d.i FROM temp.stats_days AS d WHERE EXISTS (SELECT 1 FROM "
                f"{self.log_by[BY_TIME]} WHERE l.kind IN ('review', 'cram') AND {_CLASSES} "
                f"AND l.at >= d.s AND l.at < d.e AND l.at < :cut{self.scope_sql} "
                "AND l.seq NOT IN (SELECT seq FROM temp.stats_undone))",
                self.sql_params,
            )
        }
        return active, self.first_day.toordinal()

    def hours(self, first: int, last: int) -> dict[int, list[float]]:
        """Reviews and passes per local hour of the day, from day `first` until now."""
        start = self.calendar.start(date.fromordinal(first))
        offset = offset_sql(offset_segments(self.zone, start, self.cut))
        rows = self._net(
            f"SELECT ((l.at + {offset}) / 3600000) % 24 AS h, count(*), sum(l.rating > 1) "
            "FROM {log} WHERE l.kind = 'review' AND {classes} AND l.at >= :start "
            "AND l.at < :cut{scope} GROUP BY h",
            1,
            start=start,
        )
        return {k[0]: v for k, v in rows.items()}

    def deck_reviews(self, first: int, last: int) -> dict[str, list[float]]:
        """Reviews of cards with an interval of a day or more, and passes, per deck, from day
        `first` until now."""
        rows = self._net(
            "SELECT substr(l.card_id, 1, instr(l.card_id, ':') - 1) AS deck, count(*), "
            "sum(l.rating > 1) FROM {log} WHERE l.kind = 'review' AND {classes} "
            "AND l.at >= :start AND l.at < :cut AND l.ivl_before >= 1{scope} GROUP BY deck",
            1,
            start=self.calendar.start(date.fromordinal(first)),
        )
        return {k[0]: v for k, v in rows.items()}

    def recall_bins(self) -> dict[int, tuple[float, float, float, float]]:
        """Per calibration bin of predicted recall (all time): reviews, the sum of predictions,
        passes, the sum of log-likelihoods. One pass over the reviews of the index, each put in
        its bin by `aggregates.RECALL_BIN`."""
        rows = self._net(
            f"SELECT {RECALL_BIN} AS k, count(*), total(l.r_before), "
            "sum(l.rating > 1), total(ln(iif(l.rating > 1, l.r_before, 1.0 - l.r_before))) "
            "FROM {log} WHERE l.kind = 'review' AND l.rating IN (1, 2, 3, 4) "
            "AND l.r_before > 0 AND l.r_before < 1 AND l.at < :cut{scope} GROUP BY k",
            1,
        )
        return {int(k[0]): (v[0], v[1], v[2], v[3]) for k, v in rows.items()}
