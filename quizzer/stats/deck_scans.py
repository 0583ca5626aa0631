"""The pass over the card states (`cards.scan`) made deck by deck, and the scope's result put
together from its decks'.

A deck's result depends on its cards, its rows of card states, the study day, the settings and
which of its buried cards have come back. It is kept (`kept.Kept`) while all of those are the
same, so statistics asked for again after a few answers scan again only the decks those answers
touched. Every result is made the same way whether it was kept or not, so the figures cannot
tell the difference (a property test compares them with results made afresh after random
histories)."""

from __future__ import annotations

import heapq
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from itertools import chain
from typing import Any

from quizzer import queue
from quizzer.clock import LATEST_MS, Calendar
from quizzer.stats.card_rows import CardStateRow
from quizzer.stats.cards import CardScan, scan
from quizzer.stats.kept import Kept
from quizzer.stats.results import TOP_CARDS, CardCounts

Part = tuple[int, Mapping[str, Any]]
"""A deck's share of the scope: the place of its first card in the scope, and its cards by id
in study order."""


@dataclass
class _DeckPass:
    """One deck's result, and what it holds for."""

    key: tuple[Any, ...]
    cards: Mapping[str, Any]
    rows: Sequence[CardStateRow]
    since: int
    """The moment it was made at: a buried card coming back between `since` and `until` would
    change it, and none does."""
    until: int
    found: CardScan


def scan_decks(
    store: Kept | None,
    rows: Mapping[str, Sequence[CardStateRow]],
    parts: Mapping[str, Part],
    params: Sequence[float],
    cal: Calendar,
    now_ms: int,
    day: queue.Day,
    queue_params: Sequence[float],
    forecast: tuple[int, int],
) -> tuple[CardScan, dict[str, CardScan]]:
    """`cards.scan` of each deck of `parts` over its `rows`, and the scope's, put together from
    them. A deck's result is taken from `store` (when given) when it still holds, and kept there.
    Each deck's candidates come sorted, as `queue.assemble` takes them; its `lapsed` and
    `weakest` are only its first `TOP_CARDS`, and its lists of values are sorted."""
    now_day = cal.day_number(now_ms // 1000 * 1000 - 1)
    context = (
        tuple(params),
        tuple(queue_params),
        cal.key,
        day.calendar.key,
        now_day,
        day.calendar.day_number(day.now),
        day.end,
        forecast,
    )
    found: dict[str, CardScan] = {}
    for deck_id, (first, cards) in parts.items():
        deck_rows = rows.get(deck_id, ())
        key = (*context, first)
        last = None
        if store is not None:
            with store.lock:
                last = store.decks.get(deck_id)
        if (
            last is not None
            and last.key == key
            and last.cards is cards
            and last.rows is deck_rows
            and last.since <= now_ms < last.until
        ):
            found[deck_id] = last.found
            continue
        one = scan(deck_rows, cards, params, cal, now_ms, day, queue_params, None, forecast, first)
        _settle(one)
        found[deck_id] = one
        if store is not None:
            # the first moment after now at which one of the deck's buried cards comes back
            until = min((r[4] for r in deck_rows if r[4] and r[4] > now_ms), default=LATEST_MS)
            with store.lock:
                store.decks[deck_id] = _DeckPass(key, cards, deck_rows, now_ms, until, one)
    return _together(list(found.values()), day.end), found


def _settle(found: CardScan) -> None:
    """Put a deck's result in the shape `scan_decks` promises."""
    found.candidates.learning.sort()
    found.candidates.review.sort()
    for values in (found.dues, found.stability, found.difficulty, found.recall):
        values.sort()
    found.lapsed = heapq.nsmallest(TOP_CARDS, found.lapsed)
    found.weakest = heapq.nsmallest(TOP_CARDS, found.weakest)


def _together(parts: list[CardScan], end: int) -> CardScan:
    """The scope's result from its decks' (in study order), in new lists of its own."""
    totals = [0] * 8
    for p in parts:
        totals = [a + b for a, b in zip(totals, _fields(p.counts), strict=True)]
    counts = CardCounts(*totals)

    def joined(name: str) -> list[Any]:
        return list(chain.from_iterable(getattr(p, name) for p in parts))

    def candidates(name: str) -> list[Any]:
        return list(chain.from_iterable(getattr(p.candidates, name) for p in parts))

    learning, review = candidates("learning"), candidates("review")
    learning.sort()
    review.sort()  # each deck's are sorted already: a merge of runs
    together = queue.Candidates(
        learning,
        review,
        candidates("new"),
        min((p.candidates.wake for p in parts), default=end),
    )
    return CardScan(
        counts,
        joined("dues"),
        joined("stability"),
        joined("difficulty"),
        joined("recall"),
        {deck: sums for p in parts for deck, sums in p.decks.items()},
        joined("leeches"),
        joined("lapsed"),
        joined("weakest"),
        together,
        sum(p.overdue for p in parts),
        sum(p.later for p in parts),
    )


def _fields(counts: CardCounts) -> tuple[int, ...]:
    return (
        counts.new,
        counts.learning,
        counts.relearning,
        counts.young,
        counts.mature,
        counts.suspended,
        counts.buried,
        counts.total,
    )
