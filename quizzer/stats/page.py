"""Every figure of the statistics page at once: `compute` over a collection, `compute_at` over a
database file. Chooses where the figures over the log come from (the running totals, or a scan of
the log for a scope), and runs calibration's scan beside the rest."""

from __future__ import annotations

import functools
import gc
import threading
from collections.abc import Callable
from datetime import date, tzinfo
from pathlib import Path
from typing import TYPE_CHECKING, Any, ParamSpec, TypeVar

import quizzer.stats.activity as activity
import quizzer.stats.cards as cards
import quizzer.stats.deck_scans as deck_scans
import quizzer.stats.decks as decks
import quizzer.stats.kept as keeping
import quizzer.stats.retention as retention
from quizzer.clock import calendar, from_ms
from quizzer.stats.card_rows import CardRows
from quizzer.stats.context import Context, StatsSettings, Tree
from quizzer.stats.results import (
    FORECAST_DAYS,
    HEATMAP_DAYS,
    JSON_VERSION,
    MAX_DAYS,
    Calibration,
    Meta,
    ScopeInfo,
    Stats,
    Streaks,
)
from quizzer.stats.scan import LogScan
from quizzer.stats.scope import Scope, StatsError, resolve_scope
from quizzer.store import aggregates, totals_reader

if TYPE_CHECKING:
    from quizzer.collection import Collection
    from quizzer.queue import QueueSettings

P = ParamSpec("P")
R = TypeVar("R")


class DeckSource:
    """The figures over the log of decks and folders: those over all time from the per-deck
    totals (`totals_reader.Reader` with `decks`), those of the period (answers per day, hours)
    from a scan of the period's log, which the totals do not hold per deck."""

    def __init__(self, totals: totals_reader.Reader, period: LogScan) -> None:
        self.per_day, self.hours = period.per_day, period.hours
        self.retention, self.answers_per_day = totals.retention, totals.answers_per_day
        self.active_days, self.recall_bins = totals.active_days, totals.recall_bins
        self.deck_reviews = totals.deck_reviews


Source = totals_reader.Reader | LogScan | DeckSource
"""Where the figures over the log come from: the running totals, a scan of the log, or both."""


def compute(
    collection: Collection,
    now_ms: int,
    scope: Scope | str | None = None,
    days: int = 30,
    query: str | None = None,
) -> Stats:
    """Every figure of the statistics page for a scope (a `Scope`, or a deck id, folder,
    `tag:NAME` or None for everything), narrowed by a search `query` when given, and a period
    of `days` study days ending today."""
    if not isinstance(scope, Scope):
        scope = resolve_scope(collection.tree, scope)
    if query is not None:
        from dataclasses import replace

        from quizzer.finding import find

        c = collection
        found = find(query, c.tree, c.store, c.settings, c.zone, now_ms)
        spec = f"{scope.spec} {query}" if scope.spec else query
        scope = replace(scope, spec=spec, card_ids=frozenset(card.id for card in found))
    return compute_at(
        collection.store.path,
        collection.tree,
        collection.settings,
        collection.zone,
        now_ms,
        scope,
        days,
        queue_settings=collection.deck_settings(),
    )


def _without_gc(fn: Callable[P, R]) -> Callable[P, R]:
    """Run `fn` with the garbage collector paused: the figures build tens of thousands of objects
    and no reference cycles, and collections triggered by those allocations would walk the whole
    heap (the deck tree) for nothing."""

    @functools.wraps(fn)
    def paused(*args: P.args, **kwargs: P.kwargs) -> R:
        collecting = gc.isenabled()
        gc.disable()
        try:
            return fn(*args, **kwargs)
        finally:
            if collecting:
                gc.enable()

    return paused


@_without_gc
def compute_at(
    db_path: Path,
    tree: Tree,
    settings: StatsSettings,
    zone: tzinfo,
    now_ms: int,
    scope: Scope,
    days: int = 30,
    *,
    totals: bool = True,
    queue_settings: QueueSettings | None = None,
    text: Callable[[Any], str] | None = None,
) -> Stats:
    """`compute` on an explicit database file. It opens its own connection, so a UI may call it
    from a worker thread while the session keeps writing through the store's. The whole
    collection's figures come from the log's running totals when they can (`totals=False`
    scans the log instead, as a scope always does). `queue_settings` and `text` stand in for
    what the settings and the cards' questions give (see `Context`), when the caller has them
    without either."""
    if not 1 <= days <= MAX_DAYS:
        raise StatsError(f"the period must be from 1 to {MAX_DAYS} days")

    kept = keeping.kept(tree, db_path)
    extra: dict[str, Any] = {"queue_settings": queue_settings, "kept": kept}
    if text is not None:
        extra["text"] = text

    cal = calendar(zone, settings.day_starts_at)
    # the totals hold the whole collection and each deck; a tag or a search is a set of cards
    counted = totals and scope.tag is None and scope.card_ids is None
    decks = scope.decks or None
    cut = now_ms + 1  # the moment asked about is counted, later answers are not
    with kept.snapshot() as main:
        reader = None
        if counted:
            reader = totals_reader.reader(main, cal, cut, short=True, decks=decks, kept=kept.totals)
        if counted and reader is None:
            # stale totals are rebuilt (a long tail folded) on a connection of their own, then
            # read from a new snapshot
            main.execute("ROLLBACK")
            aggregates.ensure(db_path, cal)
            main.execute("BEGIN")
            reader = totals_reader.reader(main, cal, cut, decks=decks, kept=kept.totals)
        if reader is not None:
            ctx = Context(main, tree, settings, zone, now_ms, scope, days, **extra)
            if decks is None:
                return figures(ctx, reader)
            return figures(ctx, DeckSource(reader, LogScan(ctx, history=False)))
        with kept.snapshot() as side:
            # calibration scans the whole log on its own: a second connection runs it in a thread
            # (sqlite3 releases the GIL while a query runs) while this one does the rest
            done: dict[str, Any] = {}

            def calibrate() -> None:
                try:
                    ctx = Context(side, tree, settings, zone, now_ms, scope, days, **extra)
                    done["value"] = retention.calibration_from_bins(
                        LogScan(ctx, days=False).recall_bins()
                    )
                except BaseException as exc:  # re-raised in the caller's thread
                    done["error"] = exc

            worker = threading.Thread(target=calibrate, name="quizzer-stats", daemon=True)
            worker.start()

            def calibration() -> Calibration:
                worker.join()
                if "error" in done:
                    raise done["error"]
                result: Calibration = done["value"]
                return result

            try:
                ctx = Context(main, tree, settings, zone, now_ms, scope, days, **extra)
                return figures(ctx, LogScan(ctx), calibration)
            finally:
                worker.join()


def figures(
    ctx: Context, source: Source, calibration: Callable[[], Calibration] | None = None
) -> Stats:
    """Every figure of `ctx`, the log's read from `source`; `calibration`, when given, supplies
    that one (computed elsewhere)."""
    t = ctx.today.toordinal()
    tally = _tally(source, ctx.today, ctx.days)
    kept = ctx.kept
    rows = (CardRows() if kept is None else kept.rows).read(ctx.db)
    found, by_deck = deck_scans.scan_decks(
        kept if ctx.every else None,  # a scope's cards are its own each time: nothing to reuse
        rows,
        ctx.parts,
        ctx.params,
        calendar(ctx.zone, ctx.hour),
        ctx.now,
        ctx.day,
        ctx.rules.parameters,
        (ctx.calendar.starts[0], ctx.calendar.starts[FORECAST_DAYS + 1]),
    )
    deck_retention = source.deck_reviews(t - 29, t)
    titles = {d: ctx.tree.decks[d].title for d in ctx.sizes}
    shares = {deck_id: one.candidates for deck_id, one in by_deck.items()}
    left, deck_left = ctx.left(found.candidates, shares)
    today, reviews, buttons = activity.period(tally, ctx.today, ctx.days, left)
    return Stats(
        meta=Meta(
            JSON_VERSION,
            from_ms(ctx.now).isoformat().replace("+00:00", "Z"),
            ctx.today,
            ctx.hour,
            str(getattr(ctx.zone, "key", ctx.zone)),
            ctx.days,
        ),
        scope=ScopeInfo(ctx.scope.spec, sorted(ctx.scope_decks), ctx.scope.tag, len(ctx.cards)),
        today=today,
        true_retention=retention.true_retention(source.retention(t)),
        forecast=cards.forecast(
            found.dues, ctx.today, ctx.calendar.starts, found.overdue, found.later
        ),
        heatmap=activity.heatmap(source.answers_per_day(t - HEATMAP_DAYS + 1, t), ctx.today),
        streaks=_streaks(source, ctx.today),
        reviews=reviews,
        answer_buttons=buttons,
        hours=activity.hours(source.hours(t - ctx.days + 1, t)),
        card_counts=found.counts,
        stability=cards.stability(found.stability),
        difficulty=cards.difficulty(found.difficulty),
        retrievability=cards.retrievability(found.recall),
        decks=decks.deck_rows(found.decks, ctx.sizes, titles, deck_retention, deck_left),
        leeches=cards.leeches(found, ctx.cards, leech_threshold(ctx), ctx.text),
        hardest=cards.hardest(found, ctx.cards, ctx.text),
        calibration=(
            calibration() if calibration else retention.calibration_from_bins(source.recall_bins())
        ),
    )


def _tally(source: Source, today: date, days: int) -> activity.Tally:
    """The answers of the `days` study days ending `today`, added up; the running totals'
    share is added up once while they are the same (`totals_reader.Reader.keep`)."""
    last = today.toordinal()
    first = last - days + 1
    if isinstance(source, totals_reader.Reader):
        rows = source.counted_days(first, last)
        counted = source.keep(("tally", first, last), lambda: activity.Tally(today, days).add(rows))
        return counted.copy().add(source.delta_days(first, last))
    return activity.Tally(today, days).add(source.per_day(first, last))


def leech_threshold(ctx: Context) -> int | None:
    """The leech threshold of the scope: that of its decks when they all have the same one
    (the global one for a scope without cards), None when they differ."""
    found = {ctx.settings.for_deck(deck_id).leech_threshold for deck_id in ctx.sizes}
    if not found:
        return ctx.settings.leech_threshold
    return found.pop() if len(found) == 1 else None


def _streaks(source: Source, today: date) -> Streaks:
    t = today.toordinal()
    if isinstance(source, LogScan):
        active, first = source.active_days()
        return activity.streaks(active, first, today)
    active = source.active_days(t)
    if not isinstance(source, totals_reader.Reader):
        return activity.streaks(active, min(active, default=t), today)
    # worked out once per set of days the tail adds to or takes from the tables'
    key = ("streaks", t, frozenset(active.symmetric_difference(source.counted_active(t))))
    return source.keep(key, lambda: activity.streaks(active, min(active, default=t), today))
