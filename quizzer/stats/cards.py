"""The cards as they are now: counts by state, the forecast, the distributions of stability,
difficulty and predicted recall, leeches and the hardest cards. Pure functions of the card-state
rows, the decks tree's cards and the moment asked about."""

from __future__ import annotations

import bisect
import heapq
import math
import re
from collections.abc import Callable, Iterable, Mapping, Sequence
from dataclasses import dataclass
from datetime import date, timedelta
from typing import TYPE_CHECKING, Any

from quizzer import queue
from quizzer.clock import DAY_MS, Calendar
from quizzer.state import recall_curve
from quizzer.stats.results import (
    FORECAST_DAYS,
    MATURE_DAYS,
    MAX_LEECHES,
    STABILITY_EDGES,
    STABILITY_LABELS,
    TOP_CARDS,
    Bin,
    CardCounts,
    CardRow,
    Distribution,
    Forecast,
    ForecastDay,
    Hardest,
    Leeches,
    mean,
    rounded,
)

if TYPE_CHECKING:
    from quizzer.decks.cards import Card


@dataclass(slots=True)
class CardInfo:
    """A card of the scope with its state now (the defaults: a card never reviewed)."""

    card: Card
    state: int = 0
    stability: float | None = None
    difficulty: float | None = None
    due: int | None = None
    last_review: int | None = None
    reps: int = 0
    lapses: int = 0
    suspended: bool = False
    buried_until: int | None = None
    leech: bool = False
    r: float | None = None
    """Predicted recall now."""
    interval: float = 0.0
    """Days from the last review to the due date."""


def card_infos(
    rows: Iterable[tuple[Any, ...]],
    cards: Mapping[str, Card],
    params: Sequence[float],
    cal: Calendar,
    now_ms: int,
) -> tuple[list[CardInfo], dict[str, queue.StateRow]]:
    """The scope's `cards` that have a stored state, with it, from the card-state `rows`
    (`scan.card_states`), in the cards' order (the others were never reviewed: new, and in no
    figure but the counts); and the queue's view of every row, so that today's plan need not
    read them again."""
    state_rows: dict[str, queue.StateRow] = {}
    row_type, make = queue.StateRow, tuple.__new__
    found: dict[str, CardInfo] = {}
    # predicted recall now in study days, as the memory update (and the log's r_before)
    # count them: `retrievability` with `elapsed_days`, inlined for the card loop
    decay, factor = recall_curve(params)
    day = cal.day_number
    now_day = day(now_ms // 1000 * 1000 - 1)
    for row in rows:
        cid, state, due, suspended, buried, s, last, d, reps, lapses, leech = row
        state_rows[cid] = make(row_type, row[1:7])
        card = cards.get(cid)
        if card is None:
            continue
        r = None
        if state != 0 and s and last is not None:
            elapsed = max(0, now_day - day(last // 1000 * 1000 - 1))
            r = float((1 + factor * elapsed / s) ** decay)
        interval = (due - last) / DAY_MS if due is not None and last is not None else 0.0
        found[cid] = CardInfo(
            card,
            int(state),
            s,
            d,
            due,
            last,
            reps,
            lapses,
            bool(suspended),
            buried,
            bool(leech),
            r,
            interval,
        )
    # the cards' order, so that sums over them add in the same order whatever the table's
    return [found[cid] for cid in cards if cid in found], state_rows


def counts(cards: Sequence[CardInfo], total: int, now_ms: int) -> CardCounts:
    """Cards by what they are now, every card in exactly one group: `cards` are those with a
    stored state, `total` counts the others too (new cards)."""
    new = total - len(cards)
    learning = relearning = young = mature = suspended = buried = 0
    for info in cards:
        if info.suspended:
            suspended += 1
        elif info.buried_until and info.buried_until > now_ms:
            buried += 1
        elif info.state == 0:
            new += 1
        elif info.state == 1:
            learning += 1
        elif info.state == 3:
            relearning += 1
        elif info.interval >= MATURE_DAYS:
            mature += 1
        else:
            young += 1
    return CardCounts(new, learning, relearning, young, mature, suspended, buried, total)


def forecast(cards: Sequence[CardInfo], today: date, starts: Sequence[int]) -> Forecast:
    """Cards falling due on each day from `today` (whose bounds, UTC ms, begin `starts`: the
    start of today and of each of the next days, one past the last day shown)."""
    starts = starts[: FORECAST_DAYS + 2]
    due = [0] * (FORECAST_DAYS + 1)
    backlog = later = 0
    for info in cards:
        if info.state == 0 or info.suspended or info.due is None:
            continue
        if info.due < starts[0]:
            backlog += 1
        elif info.due >= starts[-1]:
            later += 1
        else:
            due[bisect.bisect_right(starts, info.due) - 1] += 1
    days, running = [], backlog
    for i, n in enumerate(due):
        running += n
        days.append(ForecastDay(today + timedelta(days=i), n, running))
    return Forecast(backlog, days, later, backlog + sum(due) + later, rounded(sum(due) / len(due)))


def distribution(
    values: list[float], edges: Sequence[float], labels: Sequence[str]
) -> Distribution:
    """Count, mean, median and the bins [edges[i], edges[i + 1]) of `values` (the first bin
    takes what falls below it, the last what falls above)."""
    ordered = sorted(values)
    n = len(ordered)
    # the bins from the sorted values: where each inner edge falls, not one search per value
    cuts = [0, *(bisect.bisect_left(ordered, e) for e in edges[1:-1]), n]
    median = None
    if ordered:
        mid = n // 2
        median = ordered[mid] if n % 2 else (ordered[mid - 1] + ordered[mid]) / 2
    return Distribution(
        n,
        mean(sum(values), n),
        rounded(median) if median is not None else None,
        [
            Bin(
                label,
                edges[i],
                edges[i + 1] if math.isfinite(edges[i + 1]) else None,
                cuts[i + 1] - cuts[i],
            )
            for i, label in enumerate(labels)
        ],
    )


def stability(cards: Sequence[CardInfo]) -> Distribution:
    """Stability (days) of the reviewed cards."""
    values = [i.stability for i in cards if i.state != 0 and i.stability is not None]
    return distribution(values, STABILITY_EDGES, STABILITY_LABELS)


def difficulty(cards: Sequence[CardInfo]) -> Distribution:
    """Difficulty of the reviewed cards: FSRS's 1 to 10, shown as 0-100 % like Anki."""
    values = [
        (i.difficulty - 1) / 9 * 100 for i in cards if i.state != 0 and i.difficulty is not None
    ]
    edges = [10.0 * k for k in range(11)]
    return distribution(values, edges, [f"{10 * k}-{10 * k + 10}%" for k in range(10)])


def retrievability(cards: Sequence[CardInfo]) -> Distribution:
    """Predicted recall now (%), and its sum: how many cards you would recall right now."""
    values = [i.r * 100 for i in cards if i.r is not None]
    edges = [5.0 * k for k in range(21)]
    dist = distribution(values, edges, [f"{5 * k}-{5 * k + 5}%" for k in range(20)])
    return Distribution(
        dist.cards,
        dist.mean,
        dist.median,
        dist.bins,
        rounded(sum(values) / 100) if values else None,
    )


def card_text(card: Card, limit: int = 100) -> str:
    """A card's question on one line, shortened to `limit` characters."""
    from quizzer.decks.faces import faces

    text = re.sub(r"\s+", " ", faces(card).front).strip()
    return text if len(text) <= limit else text[: limit - 1] + "…"


def card_row(info: CardInfo, text: Callable[[Any], str] = card_text) -> CardRow:
    """A card worth a look, as the tables show it (`text`: its question on one line)."""
    return CardRow(
        info.card.id,
        info.card.deck_id,
        text(info.card),
        info.lapses,
        info.reps,
        rounded(info.stability) if info.stability is not None else None,
        rounded(info.difficulty) if info.difficulty is not None else None,
        rounded(info.r) if info.r is not None else None,
        info.suspended,
        info.leech,
    )


def leeches(
    cards: Sequence[CardInfo], threshold: int, text: Callable[[Any], str] = card_text
) -> Leeches:
    """The cards flagged as leeches, most lapses first."""
    found = sorted((i for i in cards if i.leech), key=lambda i: (-i.lapses, i.card.id))
    return Leeches(len(found), threshold, [card_row(i, text) for i in found[:MAX_LEECHES]])


def hardest(cards: Sequence[CardInfo], text: Callable[[Any], str] = card_text) -> Hardest:
    """The cards with most lapses, and those with the lowest predicted recall now."""
    lapsed = heapq.nsmallest(
        TOP_CARDS,
        (i for i in cards if i.lapses > 0),
        key=lambda i: (-i.lapses, i.r if i.r is not None else 1.0, i.card.id),
    )
    weakest = heapq.nsmallest(
        TOP_CARDS,
        (i for i in cards if i.r is not None and not i.suspended),
        key=lambda i: (i.r or 0.0, -i.lapses, i.card.id),
    )
    return Hardest([card_row(i, text) for i in lapsed], [card_row(i, text) for i in weakest])
