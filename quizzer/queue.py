"""What to study next: the daily queue, its limits and its counts.

Order: learning cards that have fallen due; then due reviews, lowest predicted recall first, up to
the daily review limit; then new cards in deck order, up to the daily new limit; then, when nothing
else is left, learning cards due within the next 20 minutes and before the study day ends
(Anki's learn-ahead).

`plan` is the one definition of what is left: its counts are exactly the cards `next` serves now,
one after another, if each is answered so that it leaves today's queue (learn-ahead cards
included, siblings that the first answer will bury excluded), and `later_today` counts the learning
cards that fall due after that, before the study day ends. Every count shown anywhere comes from it.
"""

from __future__ import annotations

from bisect import bisect_left, bisect_right
from collections import Counter
from collections.abc import Iterable, Iterator, Mapping, Sequence
from dataclasses import dataclass, field
from functools import lru_cache
from operator import attrgetter
from typing import TYPE_CHECKING, Any, NamedTuple, Protocol

from quizzer.clock import Calendar
from quizzer.decks.files import in_deck
from quizzer.serving import LEARN_AHEAD_MS as LEARN_AHEAD_MS
from quizzer.serving import learn_ahead_until
from quizzer.state import CardPhase, CardState, recall_curve
from quizzer.store.extensions import extensions_on
from quizzer.store.log import queue_states, reviews_between

if TYPE_CHECKING:  # the queue imports neither pydantic nor fsrs: `quizzer due` stays light
    import sqlite3

    from quizzer.decks.cards import Card


class QueueCard(Protocol):
    """What the queue needs of a card: a `Card`, or the card index's lighter `CardRef`."""

    @property
    def id(self) -> str: ...
    @property
    def deck_id(self) -> str: ...
    @property
    def question_id(self) -> str: ...


class StateRow(NamedTuple):
    """The columns of a card's state that the queue reads, straight from the `cards` table
    (what `quizzer due` uses instead of building a full `CardState` per card)."""

    state: int
    due: int | None
    suspended: int
    buried_until: int | None
    stability: float | None
    last_review: int | None


def state_rows(db: sqlite3.Connection) -> dict[str, StateRow]:
    """Every stored card state, as `StateRow`s by card id."""
    make = StateRow._make
    return {row[0]: make(row[1:]) for row in queue_states(db)}


class QueueSettings(Protocol):
    """What the queue needs of the settings: `replay.DeckSettings`, or the index's snapshot."""

    @property
    def parameters(self) -> tuple[float, ...]: ...
    @property
    def settings(self) -> Any: ...
    def for_card(self, card_id: str) -> Any: ...
    def node_limits(self, node: str) -> tuple[int, int]:
        """(new, review) cards per day of a deck or folder (`""`: the root, the globals)."""
        ...


@dataclass(frozen=True, slots=True)
class Day:
    """The moment of asking and the study day around it (UTC ms), in its calendar."""

    now: int
    start: int
    end: int
    calendar: Calendar


@dataclass(slots=True)
class Counts:
    """The cards left now (new, learning, review) and those that fall due later today."""

    new: int = 0
    learning: int = 0
    """Learning and relearning cards served now, learn-ahead ones included."""
    review: int = 0
    later_today: int = 0
    """Learning cards that fall due later in the study day (not part of `total`)."""

    @property
    def total(self) -> int:
        """All cards left now: what `next` serves before it says nothing is due."""
        return self.new + self.learning + self.review

    def as_dict(self) -> dict[str, int]:
        """For JSON output."""
        return {
            "new": self.new,
            "learning": self.learning,
            "review": self.review,
            "total": self.total,
            "later_today": self.later_today,
        }


class NodeCounts:
    """Counts by deck or folder id, with the sum over each node and everything below it kept
    up to date as they are added (`within`): a daily limit reads it for every node on a card's
    way from the root, on every `next`, so it must not cost a pass over every deck counted."""

    __slots__ = ("own", "sums")

    def __init__(self) -> None:
        self.own: Counter[str] = Counter()
        self.sums: Counter[str] = Counter()

    def add(self, node: str, n: int = 1) -> None:
        """Count `n` more for `node` (a deck or folder id; `""` the root)."""
        self.own[node] += n
        sums = self.sums
        for above in node_ids(node):
            sums[above] += n

    def __getitem__(self, node: str) -> int:
        """The count of `node` itself."""
        return self.own[node]

    def within(self, node: str) -> int:
        """The sum of the counts of `node` and of every deck or folder below it (`""`: all)."""
        return self.sums[node]


def node_ids(node: str) -> list[str]:
    """The root, every folder on the way to `node`, and `node` itself: `a/b` gives
    `["", "a", "a/b"]`."""
    if not node:
        return [""]
    parts = node.split("/")
    return [""] + ["/".join(parts[: i + 1]) for i in range(len(parts))]


@dataclass(slots=True)
class DoneToday:
    """What was already done today, from the log."""

    introduced: NodeCounts = field(default_factory=NodeCounts)
    """New cards introduced today, by deck."""
    reviewed: NodeCounts = field(default_factory=NodeCounts)
    """Review-state cards answered today, by deck."""
    touched_questions: set[str] = field(default_factory=set)
    """`deck:question` of every card answered today (for burying siblings)."""
    touched_cards: set[str] = field(default_factory=set)
    extra_new: NodeCounts = field(default_factory=NodeCounts)
    """Extra new cards allowed today, by the deck or folder they were granted to (custom
    study); see `LimitTree`."""
    extra_reviews: NodeCounts = field(default_factory=NodeCounts)
    """Extra review cards allowed today, likewise."""

    def answered(self, card_id: str, state_before: int) -> None:
        """Count one review answer given today to a card that was in `state_before`."""
        deck_id = card_id.rpartition(":")[0]
        self.touched_cards.add(card_id)
        self.touched_questions.add(card_id.partition("#")[0])
        if state_before == CardPhase.NEW:
            self.introduced.add(deck_id)
        elif state_before == CardPhase.REVIEW:
            self.reviewed.add(deck_id)


@dataclass(slots=True)
class Plan:
    """The cards in queue order, split by kind, and the counts they make."""

    learning: list[Card]
    review: list[Card]
    new: list[Card]
    ahead: list[Card]
    counts: Counts
    per_deck: dict[str, Counts]


def day_at(now_ms: int, calendar: Calendar) -> Day:
    """The moment `now_ms` and the study day around it."""
    return Day(now_ms, *calendar.bounds(now_ms), calendar)


def done_today(db: sqlite3.Connection, day: Day) -> DoneToday:
    """What the log says was done during `day` (undone events excluded), and the limits
    extended for it."""
    today = DoneToday()
    for node, (new, review) in extensions_on(db, day.start).items():
        today.extra_new.add(node, new)
        today.extra_reviews.add(node, review)
    for card_id, state_before in reviews_between(db, day.start, day.end):
        today.answered(card_id, state_before)
    return today


def card_tags(card: Card, deck_tags: Iterable[str]) -> set[str]:
    """A card's tags: its deck's and its question's."""
    return {*deck_tags, *card.question.tags}


@dataclass(slots=True)
class Candidates:
    """The cards that may be served today, by kind, before the daily limits and sibling burying
    (which `assemble` applies). Entries carry the card's position in the selection (`idx`), the
    tie-break that keeps deck order."""

    learning: list[tuple[int, int, Any]] = field(default_factory=list)
    """(due, idx, card) of learning and relearning cards that are not held back."""
    review: list[tuple[float, int, Any]] = field(default_factory=list)
    """(predicted recall now, idx, card) of reviews due before the study day ends."""
    new: list[tuple[int, Any]] = field(default_factory=list)
    """(idx, card) of new cards that are not held back."""
    wake: int = 0
    """The earliest moment after `day.now` at which a buried card comes back (the day's end
    when none does): until then, which cards are held back does not change."""


def classify(
    entries: Iterable[tuple[int, QueueCard]],
    states: Mapping[str, CardState] | Mapping[str, StateRow],
    settings: QueueSettings,
    day: Day,
) -> Candidates:
    """Sort cards (with their positions in the selection) into today's candidates (unsorted)."""
    found = Candidates(wake=day.end)
    learning, review, new = found.learning, found.review, found.new
    wake = found.wake
    decay, factor = recall_curve(settings.parameters)
    now, end = day.now, day.end
    day_number = day.calendar.day_number
    today_number = day_number(now)
    get = states.get
    new_phase, review_phase = CardPhase.NEW, CardPhase.REVIEW
    # this loop visits every card of the selection: names are hoisted, the common cases first
    for idx, card in entries:
        state = get(card.id)
        if state is None:
            new.append((idx, card))
            continue
        buried = state.buried_until
        if state.suspended or (buried and buried > now):
            if buried and now < buried < wake:
                wake = buried
            continue
        phase = state.state
        if phase == new_phase:
            new.append((idx, card))
            continue
        due = state.due
        if due is None:
            continue
        if phase != review_phase:  # learning or relearning: `assemble` splits them by due
            learning.append((due, idx, card))
        elif due < end:
            # predicted recall now: scheduling.state_retrievability, inlined
            stability = state.stability
            if stability:
                last = state.last_review
                elapsed = 0 if last is None else today_number - day_number(last)
                if elapsed < 0:
                    elapsed = 0
                recall = float((1 + factor * elapsed / stability) ** decay)
            else:
                recall = 0.0
            review.append((recall, idx, card))
    found.wake = wake
    return found


def plan(
    cards: Sequence[QueueCard],
    states: Mapping[str, CardState] | Mapping[str, StateRow],
    settings: QueueSettings,
    day: Day,
    today: DoneToday,
    start: str = "",
) -> Plan:
    """Sort the given cards (already filtered, in deck order) into today's queue, as studying
    the deck or folder `start` (`""`: everything) serves it: see `LimitTree`."""
    found = classify(enumerate(cards), states, settings, day)
    found.learning.sort()
    found.review.sort()
    return assemble(found, settings, day, today, start)


def assemble(
    found: Candidates, settings: QueueSettings, day: Day, today: DoneToday, start: str = ""
) -> Plan:
    """Today's queue from sorted candidates: learning cards by what has fallen due at `day.now`,
    then the daily limits and sibling burying in serving order."""
    learning = found.learning
    due_now = bisect_right(learning, day.now, key=_first)
    ahead_end = bisect_right(learning, learn_ahead_until(day.now, day.end), key=_first)
    later_end = max(ahead_end, bisect_left(learning, day.end, key=_first))
    chosen: dict[str, list[Any]] = {LEARNING: [], REVIEW: [], NEW: []}
    for kind, card in serve(found, due_now, settings, today, start):
        chosen[kind].append(card)
    # each deck's share, counted kind by kind: `serve` gives every learning card, then every
    # review, then every new card, so the decks come in the order they were first served
    per_deck: dict[str, Counts] = {}
    for kind in (LEARNING, REVIEW, NEW):
        for deck_id, n in Counter(map(_deck_of, chosen[kind])).items():
            counts = per_deck.get(deck_id)
            if counts is None:
                counts = per_deck[deck_id] = Counts()
            setattr(counts, kind, n)
    ahead = [c for _, _, c in learning[due_now:ahead_end]]
    for card in ahead:
        per_deck.setdefault(card.deck_id, Counts()).learning += 1
    for _, _, card in learning[ahead_end:later_end]:
        per_deck.setdefault(card.deck_id, Counts()).later_today += 1
    counts = Counts(
        len(chosen[NEW]),
        len(chosen[LEARNING]) + len(ahead),
        len(chosen[REVIEW]),
        later_end - ahead_end,
    )
    return Plan(chosen[LEARNING], chosen[REVIEW], chosen[NEW], ahead, counts, per_deck)


def deck_counts(
    found: Candidates, settings: QueueSettings, day: Day, today: DoneToday, deck_id: str
) -> Counts:
    """`assemble(found, settings, day, today, deck_id).counts` when every candidate is a card of
    the deck `deck_id`, without building the queue: the cards of one deck share one chain of
    limits, so the limits are a single number of cards left, and only sibling burying (as the
    deck's `bury_siblings` says) needs the candidates walked (up to that number)."""
    learning = found.learning
    due_now = bisect_right(learning, day.now, key=_first)
    ahead_end = bisect_right(learning, learn_ahead_until(day.now, day.end), key=_first)
    later_end = max(ahead_end, bisect_left(learning, day.end, key=_first))
    from_top = bool(getattr(settings.settings, "limits_start_from_top", False))
    first = next((e[-1] for group in (learning, found.review, found.new) for e in group), None)
    bury = first is not None and bool(settings.for_card(first.id).bury_siblings)
    touched_questions, touched_cards = today.touched_questions, today.touched_cards
    served = {c.id.partition("#")[0] for _, _, c in learning[:due_now]} if bury else set()
    taken = []
    for entries, done, extra, which in (
        (found.review, today.reviewed, today.extra_reviews, 1),
        (found.new, today.introduced, today.extra_new, 0),
    ):
        room = LimitTree(settings, done, which, deck_id, from_top, extra).room(deck_id)
        if not bury:
            taken.append(max(0, min(room, len(entries))))
            continue
        n = 0
        for entry in entries:
            if n >= room:
                break
            cid = entry[-1].id
            question = cid.partition("#")[0]
            if cid not in touched_cards and (question in touched_questions or question in served):
                continue
            served.add(question)
            n += 1
        taken.append(n)
    return Counts(taken[1], ahead_end, taken[0], later_end - ahead_end)


def counts_hold_until(found: Candidates, day: Day) -> int:
    """The moment (UTC ms) up to which the counts of sorted candidates, taken at `day.now`, stay
    true while nothing is written: the end of the study day, a buried card's return, or a
    learning card entering the learn-ahead window or falling due (it moves between the counts,
    or starts holding back its siblings)."""
    until = min(day.end, found.wake)
    for due, _, _ in found.learning:
        if due - LEARN_AHEAD_MS >= until:
            break
        if due > day.now:
            until = min(until, due - LEARN_AHEAD_MS if due - LEARN_AHEAD_MS > day.now else due)
    return until


def first_card(
    found: Candidates, settings: QueueSettings, day: Day, today: DoneToday, start: str = ""
) -> Any:
    """`next_card(assemble(...))` without assembling the rest of the queue."""
    learning = found.learning
    due_now = bisect_right(learning, day.now, key=_first)
    for _, card in serve(found, due_now, settings, today, start):
        return card
    if due_now < len(learning) and learning[due_now][0] <= learn_ahead_until(day.now, day.end):
        return learning[due_now][2]
    return None


LEARNING, REVIEW, NEW = "learning", "review", "new"


def _first(entry: tuple[Any, ...]) -> Any:
    return entry[0]


_deck_of = attrgetter("deck_id")
_UNSEEN: Any = object()


def serve(
    found: Candidates, due_now: int, settings: QueueSettings, today: DoneToday, start: str = ""
) -> Iterator[tuple[str, Any]]:
    """The cards served now, in order, with their kind: the first `due_now` learning cards,
    then reviews up to the daily limits, then new cards up to theirs (the limits of `start` and
    of the folders and decks below it: `LimitTree`). A card whose sibling was answered today is
    buried, and so is one whose sibling comes earlier in this order: neither uses up a limit.
    Burying follows the `bury_siblings` of the card's deck (siblings share their deck)."""
    from_top = bool(getattr(settings.settings, "limits_start_from_top", False))
    touched_questions, touched_cards = today.touched_questions, today.touched_cards
    served: set[str] = set()
    burying: dict[str, bool] = {}  # each deck's bury_siblings
    for _, _, card in found.learning[:due_now]:
        bury = burying.get(card.deck_id)
        if bury is None:
            bury = burying[card.deck_id] = bool(settings.for_card(card.id).bury_siblings)
        if bury:
            served.add(card.id.partition("#")[0])
        yield LEARNING, card
    for kind, entries, done, extra, which in (
        (REVIEW, found.review, today.reviewed, today.extra_reviews, 1),
        (NEW, found.new, today.introduced, today.extra_new, 0),
    ):
        limits = LimitTree(settings, done, which, start, from_top, extra)
        # each deck's chain of limits and whether it buries siblings; None once it is full
        # (limits only go down during a pass: a full deck stays full)
        decks: dict[str, tuple[tuple[str, ...], bool] | None] = {}
        left = limits.left
        # this loop visits every card served: the limit tree's walk, inlined
        for entry in entries:
            card = entry[-1]
            deck_id = card.deck_id
            known = decks.get(deck_id, _UNSEEN)
            if known is None:
                continue
            if known is _UNSEEN:
                chain = limits.chain(deck_id)
                for node in chain:
                    limits.node_left(node)  # what is left of each node, in `left` from here
                bury = burying.get(deck_id)
                if bury is None:
                    bury = burying[deck_id] = bool(settings.for_card(card.id).bury_siblings)
                known = decks[deck_id] = (chain, bury)
            chain, bury = known
            for node in chain:
                if left[node] <= 0:
                    break
            else:
                if bury:
                    cid = card.id
                    question = cid.partition("#")[0]
                    if cid not in touched_cards and (
                        question in touched_questions or question in served
                    ):
                        continue
                    served.add(question)
                yield kind, card
                for node in chain:
                    left[node] -= 1
                continue
            if limits.exhausted():
                break
            decks[deck_id] = None


@lru_cache(maxsize=4096)
def limit_chain(start: str, deck_id: str) -> tuple[str, ...]:
    """`LimitTree.chain` studying from `start` (kept between calls: a session asks for it on
    every card it serves)."""
    nodes = node_ids(deck_id)
    if start and in_deck(deck_id, start):
        nodes = nodes[start.count("/") + 1 :]
    return tuple(dict.fromkeys(nodes))


class LimitTree:
    """What is left of one daily limit (new or review cards) in every deck and folder, as
    Anki's limit tree keeps it (rslib/src/decks/limits.rs).

    Studying a deck or folder (`start`) applies its own limit and those of the folders and decks
    below it; the folders above it do not count, unless `limits_start_from_top`. Studying
    everything starts at the root, whose limits are the global ones. A card may be taken while
    every node from the start down to its deck has some left; taking it uses one of each. What
    was done today counts in a node's limit whatever session did it: a folder's count is the sum
    of its decks'. An extension granted today to a deck or folder (`extra`) raises its own limit,
    and with `limits_start_from_top` those of the folders above it too, as Anki's custom study
    does (it takes the extra cards off the deck's count of cards studied today, and off its
    parents' when all parent limits apply). `serve` walks the chains inline."""

    def __init__(
        self,
        settings: QueueSettings,
        done: NodeCounts,
        which: int,
        start: str,
        from_top: bool,
        extra: NodeCounts | None = None,
    ) -> None:
        self.settings = settings
        self.done = done
        self.extra = extra if extra is not None else NodeCounts()
        self.which = which  # 0: new, 1: review (the index in `node_limits`)
        self.from_top = from_top
        self.start = "" if from_top else start.rstrip("/")
        self.left: dict[str, int] = {}

    def chain(self, deck_id: str) -> tuple[str, ...]:
        """The nodes whose limits apply to a card of `deck_id`: the start, each folder below it
        on the way to the deck, and the deck."""
        return limit_chain(self.start, deck_id)

    def node_left(self, node: str) -> int:
        """What is left of the limit of one node (a deck, a folder or the root `""`)."""
        found = self.left.get(node)
        if found is None:
            limit = self.settings.node_limits(node)[self.which]
            extra = self.extra.within(node) if self.from_top else self.extra[node]
            found = self.left[node] = limit - self.done.within(node) + extra
        return found

    def room(self, deck_id: str) -> int:
        """How many more cards of `deck_id` may be taken: the least left along its chain."""
        return max(0, min(self.node_left(node) for node in self.chain(deck_id)))

    def exhausted(self) -> bool:
        """The node studying starts from has nothing left, so no further card can be taken."""
        return self.node_left(self.start) <= 0


def next_card(queue: Plan) -> Card | None:
    """The first card of the queue, learn-ahead cards last."""
    for group in (queue.learning, queue.review, queue.new, queue.ahead):
        if group:
            return group[0]
    return None
