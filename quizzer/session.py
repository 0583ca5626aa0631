"""A study session: the one object the TUI and the command line both drive.

It joins the decks (what cards exist), the store (what the learner remembers) and the settings, and
offers: the next card, a preview of each rating's interval, answering, undo, bury, suspend and cram.
Every method takes the time as an argument.
"""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass, field
from datetime import tzinfo
from typing import TYPE_CHECKING

from quizzer.answering import SessionError as SessionError
from quizzer.answering import grade_response, order_seed, record_answer, unknown_card
from quizzer.config import Settings
from quizzer.decks.cards import Card
from quizzer.decks.faces import shown_order
from quizzer.decks.grading import Graded
from quizzer.decks.loaded import LoadedDeck
from quizzer.decks.models import MultipleChoice, Order
from quizzer.decks.tree import DeckTree
from quizzer.live_queue import LiveQueue
from quizzer.queue import (
    LEARN_AHEAD_MS,
    Counts,
    Day,
    DoneToday,
    Plan,
    day_at,
    done_today,
    next_card,
    state_rows,
)
from quizzer.replay import DeckSettings, derive, replay_cards, replay_rows
from quizzer.scheduling import preview
from quizzer.selection import Selection as Selection  # re-exported: sessions take one
from quizzer.serving import served_from
from quizzer.state import CardPhase, CardState, Event, EventKind, Rating
from quizzer.store.db import Derived, Store
from quizzer.store.extensions import add_extension

if TYPE_CHECKING:
    from quizzer.search import Query

EVERYTHING = Selection()
"""The selection of every card."""


class _Unchanged(Exception):
    """Raised inside a transaction for an event that would change nothing: rolls it back."""

    def __init__(self, state: CardState) -> None:
        super().__init__(state.card_id)
        self.state = state


@dataclass(frozen=True, slots=True)
class Answered:
    """What answering a card did."""

    card: Card
    event: Event
    before: CardState
    after: CardState
    graded: Graded | None = None


@dataclass(slots=True)
class Tally:
    """Running figures of this session, for its summary."""

    answered: int = 0
    correct: int = 0
    """Answers rated Hard, Good or Easy."""
    new_learned: int = 0
    """New cards answered for the first time (cram answers leave a card new: never counted)."""
    crammed: int = 0
    """Cram answers, which change no schedule."""
    time_ms: int = 0
    ratings: Counter[int] = field(default_factory=Counter)


class Session:
    """Study over one deck tree and one store."""

    def __init__(
        self,
        store: Store,
        tree: DeckTree,
        settings: Settings,
        zone: tzinfo,
        selection: Selection = EVERYTHING,
        *,
        cram: bool = False,
    ) -> None:
        self.store = store
        self.tree = tree
        self.settings = settings
        self.deck_settings = DeckSettings(settings, zone)
        self.zone = zone
        self.selection = selection
        self.cram = cram
        self.ahead = selection.ahead and not cram
        self.tally = Tally()
        self.crammed: set[str] = set()
        self.index = tree.card_index()
        decks = tree.decks
        # the deck's tags only when a tag is asked for: reading them builds the deck's models
        self.cards = [
            c
            for c in tree.cards()
            if selection.matches(c, decks[c.deck_id].deck.tags if selection.tag else ())
        ]
        self.queue = LiveQueue(self.cards, self.deck_settings, selection.start)
        self._query = _parse(selection.query) if selection.query else None
        self._latest_write = 0
        self.recorded: list[str] = []
        """The uids of the events this session recorded (answers, buries, suspensions...),
        oldest first: what its undo may take back."""
        self._uids: dict[str, str] = {}
        """The uid each previewed card's answer will get: it seeds the answer's fuzz, so the
        intervals previewed are the ones an answer in this session records."""

    # ------------------------------------------------------------ time

    def day(self, now_ms: int) -> Day:
        """The study day around `now_ms`."""
        return day_at(now_ms, self.deck_settings.calendar)

    def today(self, day: Day) -> DoneToday:
        """What the log says was done today (undone events excluded)."""
        return done_today(self.store.db, day)

    # ------------------------------------------------------------ queue

    def _select(self, now_ms: int) -> None:
        """Narrow the cards to those matching the selection's query, once, at `now_ms` (the
        live queue then covers those cards only)."""
        if self._query is not None:
            from quizzer.finding import find

            query, self._query = self._query, None
            self.cards = find(
                query, self.tree, self.store, self.settings, self.zone, now_ms, self.cards
            )
            self.queue = LiveQueue(self.cards, self.deck_settings, self.selection.start)

    def _live(self, now_ms: int) -> LiveQueue:
        """The live queue, rebuilt first if it no longer holds at `now_ms`."""
        self._select(now_ms)
        queue = self.queue
        version = self.store.version()
        if not queue.valid(now_ms, version):
            day = self.day(now_ms)
            # the queue reads six columns of a state: plain rows of them are read three times
            # faster than full `CardState`s (13,000 cards: about 16 against 48 ms)
            queue.rebuild(state_rows(self.store.db), day, self.today(day), version)
        return queue

    def _follow(
        self,
        state: CardState,
        now_ms: int,
        reviewed: CardState | None = None,
        *,
        undone: bool = False,
    ) -> None:
        """Bring the live queue up to date after this session wrote one event about a card, which
        left it in `state` (`reviewed`: its state before a review). Anything it cannot follow
        (another writer before the write, another day, an event earlier than one already
        written, here or by another writer to its card) makes the next call rebuild it."""
        queue = self.queue
        card_id = state.card_id
        before, after = self.store.last_write
        latest, self._latest_write = self._latest_write, max(self._latest_write, now_ms)
        followed = queue.version == before and now_ms >= latest and not self.store.reordered
        if not (followed and queue.valid(now_ms, before)):
            queue.version = None
            return
        if undone:
            assert queue.day is not None
            queue.today = self.today(queue.day)
        elif reviewed is not None:
            queue.today.answered(card_id, reviewed.state)
        queue.move(state)
        queue.version = after

    def plan(self, now_ms: int) -> Plan:
        """Today's queue for this session's selection (what `queue.plan` gives)."""
        return self._live(now_ms).plan(now_ms)

    def counts(self, now_ms: int) -> Counts:
        """New, learning and review cards left today."""
        return self.plan(now_ms).counts

    def next(self, now_ms: int) -> Card | None:
        """The card to show now, or None when nothing is due (see `next_due`)."""
        if self.cram:
            return self._next_cram(now_ms)
        if self.ahead:
            left = self._ahead_left(now_ms)
            return left[0] if left else None
        card: Card | None = self._live(now_ms).next(now_ms)
        return card

    def _ahead_left(self, now_ms: int) -> list[Card]:
        """What a review-ahead session has left, earliest due first: each card once, and again
        when an answer put it in (re)learning due within the learn-ahead window."""
        self._select(now_ms)
        states = self.store.states()
        soon = now_ms + LEARN_AHEAD_MS
        left = []
        for c in self.cards:
            state = states.get(c.id)
            if state is None or state.due is None or state.held_at(now_ms):
                continue
            if c.id not in self.crammed or (state.state != CardPhase.REVIEW and state.due <= soon):
                left.append((state.due, c))
        return [c for _, c in sorted(left, key=lambda pair: pair[0])]

    def left_in_session(self, now_ms: int) -> int | None:
        """Cards a cram or review-ahead session has left (None for a normal session: its
        counts are `counts`)."""
        if self.ahead:
            return len(self._ahead_left(now_ms))
        if self.cram:
            self._select(now_ms)
            return self._cram_left()[1]
        return None

    def _next_cram(self, now_ms: int) -> Card | None:
        self._select(now_ms)
        return self._cram_left()[0]

    def _cram_left(self) -> tuple[Card | None, int]:
        """The weakest card not yet crammed (never-seen cards, then lowest stability) and how
        many are left."""
        states = self.store.states()
        left = [
            c
            for c in self.cards
            if c.id not in self.crammed and not states.get(c.id, CardState(c.id)).suspended
        ]
        if not left:
            return None, 0
        weakest = min(
            left, key=lambda c: (states[c.id].stability or 0.0) if c.id in states else -1.0
        )
        return weakest, len(left)

    def up_next(self, now_ms: int) -> tuple[Card | None, Counts]:
        """The card to show now and what is left: today's counts; when reviewing ahead, the
        cards the session has left by their phase (learning and relearning ones as learning);
        when cramming, the cards left (counted as reviews)."""
        if self.ahead:
            left = self._ahead_left(now_ms)
            return (left[0] if left else None), self._by_phase(left)
        if self.cram:  # no daily queue
            return self.next(now_ms), Counts(review=self.left_in_session(now_ms) or 0)
        plan = self.plan(now_ms)
        return next_card(plan), plan.counts

    def _by_phase(self, cards: list[Card]) -> Counts:
        """New, learning (relearning included) and review cards among `cards`, as the queue's
        counts sort them."""
        states = self.store.states()
        phases = Counter(states[c.id].state if c.id in states else CardPhase.NEW for c in cards)
        new, review = phases[CardPhase.NEW], phases[CardPhase.REVIEW]
        return Counts(new=new, learning=len(cards) - new - review, review=review)

    def next_due(self, now_ms: int) -> int | None:
        """When this selection next has a card to serve after now (UTC ms), if ever, as the queue
        serves them: a learning card `LEARN_AHEAD_MS` before it is due, a review card from the
        start of the study day it is due in, new cards (and cards held back today by a daily
        limit) from the next study day, a buried card not before its burial ends."""
        self._select(now_ms)
        states = self.store.states()
        day = self.day(now_ms)
        upcoming = []
        later_review = None  # the earliest due of the review cards due after today
        for card in self.cards:
            state = states.get(card.id)
            if state is None:
                upcoming.append(day.end)
                continue
            due = state.due
            plain = not (state.suspended or state.buried_until)
            if plain and state.state == CardPhase.REVIEW and due is not None and due >= day.end:
                # the start of its study day, worked out once for the earliest below
                later_review = due if later_review is None else min(later_review, due)
                continue
            at = served_from(state, day.start, day.end, day.calendar)
            if at is not None:
                upcoming.append(at if at > now_ms else day.end)  # held back by a daily limit
        if later_review is not None:
            upcoming.append(day.calendar.bounds(later_review)[0])
        return min(upcoming) if upcoming else None

    def on_tree(self, tree: DeckTree) -> Session:
        """This session over an edited deck tree: the same store, selection and mode, with its
        tally and crammed cards carried over."""
        session = Session(
            self.store, tree, self.settings, self.zone, self.selection, cram=self.cram
        )
        session.tally = self.tally
        session.crammed = self.crammed
        session.recorded = self.recorded
        return session

    def deck(self, card: Card) -> LoadedDeck:
        """The loaded deck a card comes from (its title, file and question lines)."""
        return self.tree.decks[card.deck_id]

    def card(self, card_id: str) -> Card:
        """A card of the deck tree by id."""
        try:
            return self.index[card_id]
        except KeyError:
            raise unknown_card(card_id, self.index) from None

    def state(self, card_id: str) -> CardState:
        """The stored memory state of a card."""
        return self.store.state(card_id)

    def preview(self, card: Card, now_ms: int, *, exact: bool = False) -> dict[Rating, int]:
        """For each rating, how long (ms) until the card would be due again; nothing in a cram
        session, whose answers do not change when cards fall due. `exact`: set aside the uid
        this session's answer to the card will get, so that the fuzz previewed is the fuzz
        recorded; otherwise the fuzz is a fixed draw (the same preview every time it is asked,
        as a script calling `next` expects)."""
        if self.cram:
            return {}
        state = self.store.state(card.id)
        if exact:
            uid = self._uids.get(card.id) or self._uids.setdefault(card.id, self.store.new_uid())
        else:
            uid = "preview"
        dues = preview(
            state,
            now_ms,
            self.deck_settings.for_card(card.id),
            self.deck_settings.parameters,
            uid,
            self.deck_settings.calendar,
        )
        return {r: due - now_ms for r, due in dues.items()}

    def shown_order(self, card: Card) -> list[int]:
        """The order in which a choice or order question's entries are shown: a shuffle that is
        the same for the command line and the TUI until the card is answered again."""
        if not isinstance(card.question, MultipleChoice | Order):
            return []
        return shown_order(card.question, order_seed(card.id, self.store.state(card.id).reps))

    # ------------------------------------------------------------ writes

    def grade(self, card: Card, response: str) -> Graded:
        """Grade a text response (numbers of shown options for choice and order questions)."""
        return grade_response(card.question, response, self.shown_order(card))

    def answer(
        self,
        card_id: str,
        rating: Rating,
        now_ms: int,
        *,
        graded: Graded | None = None,
        response: str | None = None,
        duration_ms: int | None = None,
        early: bool = True,
    ) -> Answered:
        """Record an answer; it is committed to disk before this returns. When not `early`, a
        card the queue does not serve yet is refused (`answering.check_due`)."""
        card = self.card(card_id)
        event, derived, state = record_answer(
            self.store,
            self.deck_settings,
            card_id,
            rating,
            now_ms,
            cram=self.cram,
            graded=graded,
            response=response,
            duration_ms=duration_ms,
            uid=self._uids.pop(card_id, None),
            early=early,
        )
        self.recorded.append(event.uid)
        self._follow(state, now_ms, None if self.cram else derived.before)
        self._count(derived.before, rating, duration_ms)
        if self.cram or self.ahead:
            self.crammed.add(card_id)
        return Answered(card, event, derived.before, derived.after, graded)

    def _replay(
        self, events: list[Event], start: dict[str, CardState]
    ) -> tuple[dict[str, CardState], dict[str, Derived]]:
        return replay_rows(events, self.deck_settings, start)

    def _count(self, before: CardState, rating: Rating, duration_ms: int | None) -> None:
        self.tally.answered += 1
        self.tally.correct += rating > Rating.AGAIN
        if self.cram:
            self.tally.crammed += 1
        else:
            self.tally.new_learned += before.state == CardPhase.NEW
        self.tally.time_ms += duration_ms or 0
        self.tally.ratings[int(rating)] += 1

    def _event(
        self,
        card_id: str,
        kind: EventKind,
        now_ms: int,
        *,
        target: str | None = None,
        until: int | None = None,
    ) -> Event:
        return Event(
            uid=self.store.new_uid(),
            device=self.store.device,
            at=now_ms,
            card_id=card_id,
            kind=kind,
            target=target,
            until=until,
        )

    def _simple(
        self, card_id: str, kind: EventKind, now_ms: int, until: int | None = None
    ) -> CardState:
        """Record a bury, suspension, unsuspension or forget, unless it would change nothing
        (suspending a suspended card): then nothing is written, and `undo` has nothing to
        take back for it. Returns the card's state after it."""
        self.card(card_id)
        event = self._event(card_id, kind, now_ms, until=until)

        def make(state: CardState) -> tuple[Event, Derived]:
            derived = derive(state, event, self.deck_settings)
            if derived.after == state:
                raise _Unchanged(state)
            return event, derived

        try:
            _, derived, state = self.store.apply(card_id, make, self._replay)
        except _Unchanged as unchanged:
            return unchanged.state
        self.recorded.append(event.uid)
        self._follow(state, now_ms)
        return derived.after

    def bury(self, card_id: str, now_ms: int) -> CardState:
        """Hide a card until the next study day."""
        return self._simple(card_id, EventKind.BURY, now_ms, until=self.day(now_ms).end)

    def suspend(self, card_id: str, now_ms: int) -> CardState:
        """Take a card out of all queues until unsuspended."""
        return self._simple(card_id, EventKind.SUSPEND, now_ms)

    def unsuspend(self, card_id: str, now_ms: int) -> CardState:
        """Bring a suspended card back."""
        return self._simple(card_id, EventKind.UNSUSPEND, now_ms)

    def forget(self, card_id: str, now_ms: int) -> CardState:
        """Make a card new again; its reviews stay in the log (and `undo` brings the state
        back)."""
        return self._simple(card_id, EventKind.FORGET, now_ms)

    def extend(self, node: str, new: int, reviews: int, now_ms: int) -> None:
        """Raise today's new and review limits of a deck or folder (`""`: everything) by `new`
        and `reviews` cards, until the study day ends (custom study)."""
        day = self.day(now_ms)
        with self.store.transaction() as db:
            add_extension(db, day.start, node.rstrip("/"), new, reviews)

    def can_undo(self) -> bool:
        """Whether anything this session recorded is left to undo (`undo(own=True)`)."""
        return self.store.last_undoable(self.recorded) is not None

    def undo(self, now_ms: int, *, own: bool = False) -> tuple[Event, CardState] | None:
        """Cancel the last answer, bury, suspension or forget made on this device, or with
        `own` the last one this session made; returns it and the card's restored state."""
        result = self.store.undo(
            lambda target: self._event(target.card_id, EventKind.UNDO, now_ms, target=target.uid),
            lambda events: replay_cards(events, self.deck_settings)[events[0].card_id],
            self.recorded if own else None,
        )
        if result is not None:
            target, restored = result
            self._follow(restored, now_ms, undone=True)
            mine = target.uid in self.recorded
            if mine:
                self.recorded.remove(target.uid)
            if target.kind in (EventKind.REVIEW, EventKind.CRAM) and mine:
                self.tally.answered -= 1
                self.tally.correct -= (target.rating or 1) > Rating.AGAIN
                self.tally.ratings[int(target.rating or 1)] -= 1
                self.tally.time_ms -= target.duration_ms or 0
                if target.kind == EventKind.CRAM:
                    self.tally.crammed -= 1
                else:
                    self.tally.new_learned -= restored.state == CardPhase.NEW
            self.crammed.discard(target.card_id)
        return result


def _parse(query: str) -> Query:
    """The parsed search query (the query language is imported only by sessions that use it)."""
    from quizzer.search import parse

    return parse(query)
