"""The cards as they are now: counts by state, the forecast, the distributions of stability,
difficulty and predicted recall, leeches and the hardest cards. Pure functions of the card-state
rows, the decks tree's cards and the moment asked about: `scan` walks the rows once, the figures
are made from what it gathers."""

from __future__ import annotations

import bisect
import heapq
import math
import re
from collections.abc import Callable, Iterable, Mapping, Sequence
from dataclasses import dataclass
from datetime import date, timedelta
from itertools import compress
from operator import not_
from typing import TYPE_CHECKING, Any

from quizzer import queue
from quizzer.clock import DAY_MS, EARLIEST_MS, LATEST_MS, Calendar
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
    """A card of the scope with its state now, as the tables of cards show it."""

    card: Card
    state: int = 0
    stability: float | None = None
    difficulty: float | None = None
    reps: int = 0
    lapses: int = 0
    suspended: bool = False
    leech: bool = False
    r: float | None = None
    """Predicted recall now."""


@dataclass(slots=True)
class DeckSums:
    """One deck's share of the cards with a stored state."""

    stated: int = 0
    """Its cards with a stored state (the others were never reviewed)."""
    new: int = 0
    """Of those, the new ones that are not suspended."""
    stability: float = 0.0
    """The sum of the stabilities of its reviewed cards, and their number."""
    stable: int = 0
    recall: float = 0.0
    """The sum of its cards' predicted recall now, and their number."""
    recalled: int = 0


@dataclass(slots=True)
class CardScan:
    """What one pass over the card states of a scope gathers: the inputs of every figure over
    cards, and today's queue candidates."""

    counts: CardCounts
    dues: list[int]
    """The due moment of every card with one that is reviewed and not suspended (before the
    forecast's end, when `scan` is given it)."""
    stability: list[float]
    """Stability (days) of the reviewed cards."""
    difficulty: list[float]
    """Difficulty of the reviewed cards, as 0-100 %."""
    recall: list[float]
    """Predicted recall now (%) of the reviewed cards."""
    decks: dict[str, DeckSums]
    leeches: list[tuple[Any, ...]]
    """(-lapses, card id, row, r) of each leech."""
    lapsed: list[tuple[Any, ...]]
    """(-lapses, r or 1, card id, row, r) of each card that lapsed."""
    weakest: list[tuple[Any, ...]]
    """(r, -lapses, card id, row, r) of each card with a predicted recall, not suspended."""
    candidates: queue.Candidates
    """Today's queue candidates of the scope, as `queue.classify` sorts them (unsorted)."""
    overdue: int = 0
    """The cards due before the forecast's first day, counted but left out of `dues`."""
    later: int = 0
    """The cards due at or after the forecast's end, counted but left out of `dues`."""


def scan(
    rows: Iterable[tuple[Any, ...]],
    cards: Mapping[str, Card],
    params: Sequence[float],
    cal: Calendar,
    now_ms: int,
    day: queue.Day,
    queue_params: Sequence[float],
    position: Mapping[str, int] | None = None,
    forecast: tuple[int, int] | None = None,
    first: int = 0,
) -> CardScan:
    """One pass over the card-state `rows` (`card_rows.CardStateRow`) of the scope's `cards` (in
    study order; rows of other cards are skipped) at `now_ms`: what every figure over cards
    needs, and the candidates `queue.classify` finds for today's queue on `day` (with the
    queue's `queue_params`; `position`: each card's place in the selection, worked out when not
    given from `first`, the place of the first of `cards`), so that the rows are read and
    walked once. Due moments outside `forecast` (the start of its first day and the end of its
    last) are only counted: the forecast sorts the others.

    The figures and the queue may differ on a card's predicted recall: the figures count
    elapsed days as the memory update and the log's r_before do (from the second before each
    moment), the queue as `queue.classify` orders reviews. A card's is worked out once when the
    two agree, as they nearly always do."""
    if position is None:
        position = dict(zip(cards, range(first, first + len(cards)), strict=True))
    get = cards.get
    decay, factor = recall_curve(params)
    q_decay, q_factor = recall_curve(queue_params)
    numbers = cal.day_numbers
    now_day = cal.day_number(now_ms // 1000 * 1000 - 1)
    q_now, q_end = day.now, day.end
    q_today = day.calendar.day_number(q_now)
    # the queue's recall is the figures' unless the two count days or the curve differently
    same = q_today == now_day and (q_decay, q_factor) == (decay, factor)
    found = queue.Candidates(wake=q_end)
    learning, review = found.learning, found.review
    wake = q_end
    held: set[str] = set()  # stored states that are not new cards of today's queue
    new = learning_n = relearning = young = mature = suspended_n = buried_n = stated = 0
    overdue = later = 0
    dawn, horizon = (EARLIEST_MS, LATEST_MS) if forecast is None else forecast
    dues: list[int] = []
    stabilities: list[float] = []
    difficulties: list[float] = []
    recalls: list[float] = []
    decks: dict[str, DeckSums] = {}
    leech_rows: list[tuple[Any, ...]] = []
    lapsed: list[tuple[Any, ...]] = []
    weakest: list[tuple[Any, ...]] = []
    deck_id, sums = None, DeckSums()
    mature_ms = MATURE_DAYS * DAY_MS
    # this loop visits every reviewed card of the scope: names are hoisted, branches flat
    for row in rows:
        cid, state, due, suspended, buried, s, last, d, _reps, lapses, leech = row
        card = get(cid)
        if card is None:
            continue
        stated += 1
        if card.deck_id != deck_id:
            deck_id = card.deck_id
            sums = decks.get(deck_id) or decks.setdefault(deck_id, DeckSums())
        sums.stated += 1
        r = None
        if last is not None:
            last_day, counted_day = numbers(last)
            if state and s:
                elapsed = now_day - counted_day
                r = float((1 + factor * (elapsed if elapsed > 0 else 0) / s) ** decay)
                recalls.append(r * 100)
                sums.recall += r
                sums.recalled += 1
        if state:
            if due is not None and not suspended:
                if due < dawn:
                    overdue += 1
                elif due < horizon:
                    dues.append(due)
                else:
                    later += 1
            if s is not None:
                stabilities.append(s)
                sums.stability += s
                sums.stable += 1
            if d is not None:
                difficulties.append((d - 1) / 9 * 100)
        if leech:
            leech_rows.append((-lapses, cid, row, r))
        if lapses:
            lapsed.append((-lapses, 1.0 if r is None else r, cid, row, r))
        if r is not None and not suspended:
            weakest.append((r, -lapses, cid, row, r))
        # the card counts, and the queue's view (queue.classify, which the two must follow)
        if suspended or (buried and buried > now_ms):
            if suspended:
                suspended_n += 1
            else:
                buried_n += 1
                if not state:
                    sums.new += 1  # a deck's new cards include buried ones
            held.add(cid)
            if buried and q_now < buried < wake:
                wake = buried
            continue
        if not state:
            new += 1
            sums.new += 1
            continue
        held.add(cid)
        if state == 1:
            learning_n += 1
        elif state == 3:
            relearning += 1
        elif due is not None and last is not None and due - last >= mature_ms:
            mature += 1
        else:
            young += 1
        if due is None:
            continue
        if state != 2:
            learning.append((due, position[cid], card))
        elif due < q_end:
            if not s:
                recall = 0.0
            elif last is None:
                recall = 1.0
            elif same and r is not None and last_day == counted_day:
                recall = r
            else:
                elapsed = q_today - last_day
                recall = float((1 + q_factor * (elapsed if elapsed > 0 else 0) / s) ** q_decay)
            review.append((recall, position[cid], card))
    # every card of the scope without a held state is new today, in study order
    keep = map(not_, map(held.__contains__, cards))
    found.new = list(compress(enumerate(cards.values(), first), keep))
    found.wake = wake
    counts = CardCounts(
        new + len(cards) - stated,
        learning_n,
        relearning,
        young,
        mature,
        suspended_n,
        buried_n,
        len(cards),
    )
    return CardScan(
        counts,
        dues,
        stabilities,
        difficulties,
        recalls,
        decks,
        leech_rows,
        lapsed,
        weakest,
        found,
        overdue,
        later,
    )


def forecast(
    dues: Sequence[int], today: date, starts: Sequence[int], before: int = 0, beyond: int = 0
) -> Forecast:
    """Cards falling due on each day from `today` (`dues`: the due moments of the cards that
    count, with `before` more due before today and `beyond` more after the last day shown; the
    days' bounds, UTC ms, begin `starts`: the start of today and of each of the next days, one
    past the last day shown)."""
    starts = starts[: FORECAST_DAYS + 2]
    ordered = sorted(dues)
    cuts = [bisect.bisect_left(ordered, start) for start in starts]
    backlog, later = cuts[0] + before, len(ordered) - cuts[-1] + beyond
    due = [cuts[i + 1] - cuts[i] for i in range(FORECAST_DAYS + 1)]
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


def stability(values: list[float]) -> Distribution:
    """Stability (days) of the reviewed cards."""
    return distribution(values, STABILITY_EDGES, STABILITY_LABELS)


def difficulty(values: list[float]) -> Distribution:
    """Difficulty of the reviewed cards: FSRS's 1 to 10, given as 0-100 % like Anki."""
    edges = [10.0 * k for k in range(11)]
    return distribution(values, edges, [f"{10 * k}-{10 * k + 10}%" for k in range(10)])


def retrievability(values: list[float]) -> Distribution:
    """Predicted recall now (%), and its sum: how many cards you would recall right now."""
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
    from quizzer.decks.deferred import shown_card
    from quizzer.decks.faces import faces

    text = re.sub(r"\s+", " ", faces(shown_card(card)).front).strip()
    return text if len(text) <= limit else text[: limit - 1] + "…"


def tree_card_text(tree: object) -> Callable[[Card], str]:
    """`card_text` for the cards of a loaded `DeckTree`, each card's text worked out once while
    the tree lives: statistics shown again in a session build no question again for their
    tables of cards to watch (another tree: `card_text` itself)."""
    derived: dict[str, Any] | None = getattr(tree, "derived", None)
    if derived is None:
        return card_text
    texts: dict[str, tuple[Card, str]] = derived.setdefault("stats.card_text", {})

    def text(card: Card) -> str:
        known = texts.get(card.id)
        if known is None or known[0] is not card:
            known = texts[card.id] = (card, card_text(card))
        return known[1]

    return text


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


def info(card: Card, row: tuple[Any, ...], r: float | None) -> CardInfo:
    """The `CardInfo` of a card from its card-state row (`card_rows.CardStateRow`)."""
    _, state, _, suspended, _, s, _, d, reps, lapses, leech = row
    return CardInfo(card, state, s, d, reps, lapses, bool(suspended), bool(leech), r)


def leeches(
    found: CardScan,
    cards: Mapping[str, Card],
    threshold: int | None,
    text: Callable[[Any], str] = card_text,
) -> Leeches:
    """The cards flagged as leeches, most lapses first."""
    shown = sorted(found.leeches)[:MAX_LEECHES]
    rows = [card_row(info(cards[cid], row, r), text) for _, cid, row, r in shown]
    return Leeches(len(found.leeches), threshold, rows)


def hardest(
    found: CardScan, cards: Mapping[str, Card], text: Callable[[Any], str] = card_text
) -> Hardest:
    """The cards with most lapses, and those with the lowest predicted recall now."""
    lapsed, weakest = (
        [card_row(info(cards[e[2]], e[3], e[4]), text) for e in heapq.nsmallest(TOP_CARDS, group)]
        for group in (found.lapsed, found.weakest)
    )
    return Hardest(lapsed, weakest)
