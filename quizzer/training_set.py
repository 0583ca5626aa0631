"""The review log as fsrs-rs training items, made as fsrs-rs reads them, and their evaluation card
by card.

fsrs-rs trains on one item per review made a day or more after the card's previous one, carrying
the card's whole history up to it: a card reviewed n times makes up to n - 1 items of 2 to n
reviews, so the items of a large log hold tens of times more reviews than the log itself (37.8
million for the 1,000,000 reviews of the benchmark collection). A `TrainingSet` keeps each card's
history once; `Items` makes the fsrs-rs items from it one at a time while fsrs-rs copies them in,
so Python never holds them all.

fsrs-rs's `evaluate` replays every item's history from the first review (the same 37.8 million
steps); `score` gets the same log loss and binned RMSE from one replay of each card
(`historical_memory_states`), which gives the memory state before every review at once.
"""

from __future__ import annotations

import math
from array import array
from bisect import bisect_left
from collections.abc import Iterable, Iterator, Sequence
from dataclasses import dataclass, field
from datetime import tzinfo
from itertools import groupby
from operator import getitem
from typing import Any, overload

import fsrs_rs_python as rs

from quizzer.clock import Calendar
from quizzer.scheduling import fsrs_card_id
from quizzer.state import Event, EventKind


def review_rows(events: Iterable[Event]) -> list[tuple[str, int, int]]:
    """(card id, UTC ms, rating) of each `review` event that was not undone, in replay order
    (time, then uid): what `quizzer.store.log.review_answers` reads from SQL. Cram, bury,
    suspend and undo events say nothing about memory."""
    ordered = sorted(events, key=lambda e: (e.at, e.uid))
    undone = {e.target for e in ordered if e.kind == EventKind.UNDO}
    return [
        (e.card_id, e.at, int(e.rating))
        for e in ordered
        if e.kind == EventKind.REVIEW and e.uid not in undone and e.rating
    ]


@dataclass(slots=True)
class TrainingSet:
    """Each card's reviews once, and the items fsrs-rs trains on as (card, length of the prefix),
    in the time order of the review each one predicts (ties in time by fsrs card id), with what
    scoring a prediction of that review needs."""

    histories: list[list[rs.FSRSReview]] = field(default_factory=list)
    """Each card's reviews (rating, delta_t), the FSRSReview objects shared between equal ones."""
    item_card: array[int] = field(default_factory=lambda: array("i"))
    item_length: array[int] = field(default_factory=lambda: array("i"))
    """How many of its card's reviews each item holds: the last one is the review it predicts."""
    card_ids: array[int] = field(default_factory=lambda: array("q"))
    """fsrs's integer id of the card of each item."""
    delta_t: array[int] = field(default_factory=lambda: array("i"))
    """Study days between the predicted review and the one before it."""
    recalled: array[int] = field(default_factory=lambda: array("b"))
    """1 when the predicted review was answered Hard, Good or Easy, 0 when Again."""
    bins: array[int] = field(default_factory=lambda: array("i"))
    """The fsrs-rs `r_matrix` bin of each item, as an index into `bin_keys`."""
    bin_keys: list[tuple[int, int, int]] = field(default_factory=list)
    """fsrs-rs's (delta_t, length, lapses) bin of each bin number."""
    positions: list[array[int]] = field(default_factory=list)
    """Each card's items, as indexes into the item arrays (ascending)."""
    reviews: int = 0
    """Review events used (undone, cram and other events left out)."""

    @property
    def cards(self) -> int:
        """Cards with at least one review."""
        return len(self.histories)

    @property
    def items(self) -> Items:
        """The fsrs-rs items, made as they are read."""
        return Items(self, 0, len(self.item_card))


class Items(Sequence[rs.FSRSItem]):
    """Items `start` to `stop` of a training set, as a sequence fsrs-rs can read: each FSRSItem
    is made when fsrs-rs asks for it and dropped once fsrs-rs has copied it."""

    __slots__ = ("_data", "_start", "_stop")

    def __init__(self, data: TrainingSet, start: int, stop: int) -> None:
        self._data, self._start, self._stop = data, start, stop

    def __len__(self) -> int:
        return self._stop - self._start

    def __iter__(self) -> Iterator[rs.FSRSItem]:
        data, start, stop = self._data, self._start, self._stop
        prefixes = map(
            getitem,
            map(data.histories.__getitem__, data.item_card[start:stop]),
            map(slice, data.item_length[start:stop]),
        )
        return map(rs.FSRSItem, prefixes)

    @overload
    def __getitem__(self, index: int) -> rs.FSRSItem: ...
    @overload
    def __getitem__(self, index: slice) -> Items: ...
    def __getitem__(self, index: int | slice) -> rs.FSRSItem | Items:
        if isinstance(index, slice):
            start, stop, step = index.indices(len(self))
            if step != 1:
                raise ValueError("items can only be sliced with a step of 1")
            return Items(self._data, self._start + start, self._start + max(start, stop))
        if index < 0:
            index += len(self)
        if not 0 <= index < len(self):
            raise IndexError(index)
        i = self._start + index
        data = self._data
        return rs.FSRSItem(data.histories[data.item_card[i]][: data.item_length[i]])

    def card_ids(self) -> array[int]:
        """fsrs's integer id of the card of each item."""
        return self._data.card_ids[self._start : self._stop]


def training_set(
    rows: Iterable[tuple[str, int, int]], zone: tzinfo, day_starts_at: int
) -> TrainingSet:
    """The training set of review answers (card id, UTC ms, rating) given in replay order.
    delta_t is the number of study days (local, starting at `day_starts_at`) since the card's
    previous review, 0 for the first. As Anki does, a review becomes an item only when it is a
    day or more after the previous one: same-day reviews stay in the histories but are not
    predicted."""
    day_number = Calendar(zone, day_starts_at).day_number
    histories: list[list[rs.FSRSReview]] = []
    # the item columns, as lists while they grow (appending to a list is the fastest)
    item_card: list[int] = []
    item_length: list[int] = []
    delta_t: list[int] = []
    recalled: list[int] = []
    bins: list[int] = []
    bin_numbers: dict[tuple[int, int, int], int] = {}
    # card id -> [its history, day of its last review, card index, reviews a day or more after
    # the one before, lapses among them]
    seen: dict[str, list[Any]] = {}
    shared: dict[int, rs.FSRSReview] = {}  # by delta_t * 8 + rating
    bin_index: dict[tuple[int, int, int], int] = {}
    tied: list[int] = []  # items whose review has the time of the item before
    last_at = -1
    for card_id, at, rating in rows:
        day = day_number(at)
        card = seen.get(card_id)
        if card is None:
            review = shared.get(rating)
            if review is None:
                review = shared[rating] = rs.FSRSReview(rating, 0)
            histories.append([review])
            seen[card_id] = [histories[-1], day, len(histories) - 1, 0, 0]
            continue
        delta = day - card[1]
        review = shared.get(delta * 8 + rating)
        if review is None:
            review = shared[delta * 8 + rating] = rs.FSRSReview(rating, delta)
        history = card[0]
        history.append(review)
        if delta > 0:
            card[1] = day
            key = (delta, card[3], card[4])
            box = bin_index.get(key)
            if box is None:
                box = bin_index[key] = bin_numbers.setdefault(_bin(*key), len(bin_numbers))
            item_card.append(card[2])
            item_length.append(len(history))
            delta_t.append(delta)
            recalled.append(rating > 1)
            bins.append(box)
            card[3] += 1
            if rating == 1:
                card[4] += 1
            if at == last_at:
                tied.append(len(item_card) - 1)
            last_at = at
    numbers = [fsrs_card_id(card_id) for card_id in seen]
    data = TrainingSet(
        histories,
        array("i", item_card),
        array("i", item_length),
        array("q", map(numbers.__getitem__, item_card)),
        array("i", delta_t),
        array("b", recalled),
        array("i", bins),
        list(bin_numbers),
        reviews=sum(map(len, histories)),
    )
    del item_card, item_length, delta_t, recalled, bins
    _order_ties(data, tied)
    positions: list[list[int]] = [[] for _ in histories]
    for i, c in enumerate(data.item_card):
        positions[c].append(i)
    data.positions = [array("i", p) for p in positions]
    return data


def _order_ties(data: TrainingSet, tied: list[int]) -> None:
    """Put items predicting reviews of the same millisecond in the order of their fsrs card ids
    (two cannot be of the same card: the second review of a millisecond is not predicted)."""
    columns = (
        data.item_card,
        data.item_length,
        data.card_ids,
        data.delta_t,
        data.recalled,
        data.bins,
    )
    for _, run in groupby(enumerate(tied), key=lambda pair: pair[1] - pair[0]):
        members = [i for _, i in run]
        lo, hi = members[0] - 1, members[-1] + 1
        order = sorted(range(lo, hi), key=data.card_ids.__getitem__)
        for column in columns:
            column[lo:hi] = array(column.typecode, [column[i] for i in order])


def _round(x: float) -> int:
    return math.floor(x + 0.5)  # Rust's round (halves away from zero), for x >= 0


def _bin(delta_t: int, before: int, lapses: int) -> tuple[int, int, int]:
    """fsrs-rs's `r_matrix_index` of an item: its delta_t, its number of reviews a day or more
    apart (the `before` it and itself), and the lapses before it, each on a log scale."""
    delta_bin = _round(2.48 * 3.62 ** math.floor(math.log(delta_t, 3.62)) * 100.0)
    length = before + 2.0  # fsrs-rs counts the item's first review too
    length_bin = _round(1.99 * 1.89 ** math.floor(math.log(length, 1.89)))
    if lapses == 0:
        return (delta_bin, length_bin, 0)
    return (delta_bin, length_bin, _round(1.65 * 1.73 ** math.floor(math.log(lapses, 1.73))))


# ---------------------------------------------------------------- evaluation


@dataclass(frozen=True, slots=True)
class Evaluation:
    """How well a parameter set predicts recalls: lower is better for both."""

    log_loss: float
    rmse_bins: float
    """RMSE between predicted and actual recall rates over bins of similar predictions."""


class Score:
    """Log loss and RMSE over bins, added up review by review as fsrs-rs's `evaluate` does:
    items weighted by recency within `start`..`stop` (0.25 for the first to 1 for the last), or
    all alike (its time-series splits)."""

    __slots__ = ("actual", "count", "loss", "predicted", "recency", "start", "stop", "weight")

    def __init__(self, data: TrainingSet, start: int, stop: int, *, recency: bool = True) -> None:
        """An empty score of items `start`..`stop` of `data` (`score` adds to it)."""
        self.start, self.stop, self.recency = start, stop, recency
        self.loss = 0.0
        self.weight = [0.0] * len(data.bin_keys)
        """Of each fsrs-rs `r_matrix` bin, as the three lists below."""
        self.predicted = [0.0] * len(data.bin_keys)
        self.actual = [0] * len(data.bin_keys)
        self.count = [0] * len(data.bin_keys)

    def result(self) -> Evaluation:
        """The figures so far; ValueError when they are not finite (as fsrs-rs)."""
        square = total = 0.0
        for p, a, n, w in zip(self.predicted, self.actual, self.count, self.weight, strict=True):
            if n:
                square += (p / n - a / n) ** 2 * w
                total += w
        loss = -self.loss / sum(self.weight)
        rmse = math.sqrt(square / total)
        if not (math.isfinite(loss) and math.isfinite(rmse)):
            raise ValueError("the evaluation is not finite")
        return Evaluation(loss, rmse)


def score(data: TrainingSet, parameters: Sequence[float], into: Score) -> None:
    """Add the predictions of `parameters` for the items of `into` to it, from one replay of each
    card's history: the memory state after a review gives the recall predicted at the next."""
    model = rs.FSRS(list(parameters))
    decay = -float(parameters[20])
    factor = 0.9 ** (1 / decay) - 1
    start, stop, recency = into.start, into.stop, into.recency
    last = max(stop - start - 1, 1)
    predicted, actual, count, weight = into.predicted, into.actual, into.count, into.weight
    item_length, delta_t, recalled, bins = data.item_length, data.delta_t, data.recalled, data.bins
    log = math.log
    loss = 0.0
    for c, positions in enumerate(data.positions):
        first, end = bisect_left(positions, start), bisect_left(positions, stop)
        if first == end:
            continue
        history = data.histories[c][: item_length[positions[end - 1]] - 1]
        states = model.historical_memory_states(rs.FSRSItem(history))
        for i in positions[first:end]:
            p = (delta_t[i] / states[item_length[i] - 2].stability * factor + 1) ** decay
            y = recalled[i]
            box = bins[i]
            w = 0.25 + 0.75 * ((i - start) / last) ** 3 if recency else 1.0
            loss += log(p if y else 1.0 - p) * w
            predicted[box] += p
            actual[box] += y
            count[box] += 1
            weight[box] += w
    into.loss += loss
