"""Replaying the review log: the card-state cache is a fold of it.

`derive` applies one event to a state; `replay` folds a whole log, skipping undone events. The live
session, `quizzer rebuild`, sync and `optimize --reschedule` all go through `derive`, so they agree.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable, Iterator, Mapping
from datetime import tzinfo
from typing import TYPE_CHECKING, Protocol

from quizzer.clock import Calendar, calendar
from quizzer.scheduling import Rules, interval_days, review, state_retrievability
from quizzer.state import CardPhase, CardState, Event, EventKind, StateEncoder
from quizzer.store.db import Derived, Store

if TYPE_CHECKING:  # applying an event needs no pydantic: `quizzer answer` stays light
    from quizzer.config import Scheduling, Settings


class RulesSource(Protocol):
    """What applying an event needs of the settings: a `DeckSettings`, or the card index's copy
    (`collection.IndexedRules`)."""

    @property
    def parameters(self) -> tuple[float, ...]: ...
    @property
    def calendar(self) -> Calendar: ...
    def for_card(self, card_id: str) -> Rules:
        """The settings of the deck a card belongs to."""
        ...


class DeckSettings:
    """Per-deck scheduling settings, computed once per deck, and the study calendar (the zone
    and `day_starts_at`) that FSRS's elapsed days are counted in."""

    def __init__(self, settings: Settings, zone: tzinfo) -> None:
        self.settings = settings
        self.zone = zone
        self.parameters = tuple(settings.parameters)
        self.calendar = calendar(zone, settings.day_starts_at)
        self._by_deck: dict[str, Scheduling] = {}

    def node_limits(self, node: str) -> tuple[int, int]:
        """(new, review) cards per day of a deck or folder: the globals for the root (`""`),
        else with every `[decks."glob"]` matching its id applied."""
        found = self.settings if not node else self._by_deck.get(node)
        if found is None:
            found = self._by_deck[node] = self.settings.for_deck(node)
        return found.new_per_day, found.reviews_per_day

    def for_card(self, card_id: str) -> Scheduling:
        """The settings of the deck a card belongs to."""
        deck_id = card_id.rpartition(":")[0]
        found = self._by_deck.get(deck_id)
        if found is None:
            found = self._by_deck[deck_id] = self.settings.for_deck(deck_id)
        return found


def derive(state: CardState, event: Event, settings: RulesSource) -> Derived:
    """Apply one event (not an undo) to a card's state."""
    kind = event.kind
    if kind == EventKind.REVIEW:
        if event.rating is None:
            raise ValueError(f"review {event.uid} has no rating")
        after = review(
            state,
            event.rating,
            event.at,
            settings.for_card(event.card_id),
            settings.parameters,
            event.uid,
            settings.calendar,
        )
        reviewed = state.state != CardPhase.NEW
        return Derived(
            state,
            after,
            int(state.state),
            interval_days(state) if reviewed else None,
            state_retrievability(state, event.at, settings.parameters, settings.calendar)
            if reviewed
            else None,
        )
    if kind == EventKind.CRAM:
        return Derived(state, state, int(state.state))
    if kind == EventKind.BURY:
        return Derived(state, state.but(buried_until=event.until))
    if kind == EventKind.SUSPEND:
        return Derived(state, state.but(suspended=True))
    if kind == EventKind.UNSUSPEND:
        return Derived(state, state.but(suspended=False))
    if kind == EventKind.FORGET:
        # new again, counts and leech mark included; a suspension is a wish about the queue,
        # not memory, so it stays
        return Derived(state, CardState(state.card_id, suspended=state.suspended))
    raise ValueError(f"cannot apply a {kind} event")


def replay(
    events: Iterable[Event], settings: RulesSource
) -> tuple[dict[str, CardState], list[tuple[str, Derived]]]:
    """Fold events (in time order) into card states. Returns the final states and the derived
    columns of every applied event, by uid."""
    ordered = sorted(events, key=lambda e: (e.at, e.uid))
    # an undo only ever cancels an event of its own card
    undone = {(e.card_id, e.target) for e in ordered if e.kind == EventKind.UNDO}
    states: dict[str, CardState] = {}
    derived: list[tuple[str, Derived]] = []
    for event in ordered:
        if event.kind == EventKind.UNDO or (event.card_id, event.uid) in undone:
            continue
        state = states.get(event.card_id) or CardState(event.card_id)
        result = derive(state, event, settings)
        states[event.card_id] = result.after
        derived.append((event.uid, result))
    return states, derived


def replay_cards(events: Iterable[Event], settings: RulesSource) -> dict[str, CardState]:
    """Final states of the cards that appear in `events` (cards with only undone events come
    back as new)."""
    by_card: dict[str, list[Event]] = defaultdict(list)
    for event in events:
        by_card[event.card_id].append(event)
    states, _ = replay(events=[e for evs in by_card.values() for e in evs], settings=settings)
    for card_id in by_card:
        states.setdefault(card_id, CardState(card_id))
    return states


def replay_rows(
    events: Iterable[Event], settings: RulesSource, start: Mapping[str, CardState] | None = None
) -> tuple[dict[str, CardState], dict[str, Derived]]:
    """Each card's final state (what `replay` gives) and the derived columns of every event (undo
    events and undone ones included), computed as one device answering them in time order would
    have: an event is applied to the state left by those before it, an undo restores the replay
    of the events before it without its target (what `Store.undo` writes), and an event already
    undone by an earlier undo (a clock that went back) changes nothing.

    `start`: for some cards, the state before the first of their events here, when those are
    the card's last ones (none an undo, none undone): it stands for the card's earlier events
    (the log's record of the state before them, or the card's cached state)."""
    by_card: dict[str, list[Event]] = defaultdict(list)
    for event in events:
        by_card[event.card_id].append(event)
    start = start or {}
    states: dict[str, CardState] = {}
    derived: dict[str, Derived] = {}
    for card_id, card_events in by_card.items():
        card_events.sort(key=lambda e: (e.at, e.uid))
        state = start.get(card_id) or CardState(card_id)
        undone: set[str | None] = set()
        for i, event in enumerate(card_events):
            if event.kind == EventKind.UNDO:
                undone.add(event.target)
                restored = replay_cards(card_events[: i + 1], settings)[card_id]
                derived[event.uid] = Derived(state, restored)
                state = restored
            elif event.uid in undone:
                derived[event.uid] = Derived(state, state)
            else:
                result = derive(state, event, settings)
                derived[event.uid] = result
                state = result.after
        states[card_id] = state
    return states, derived


def replay_log(
    store: Store, settings: Settings, zone: tzinfo, states: dict[str, CardState]
) -> Iterator[tuple[int, Derived]]:
    """The whole log replayed in time order, read as it is replayed: yields the `seq` of each
    applied event's row and its derived columns as `replay` computes them, and leaves in
    `states` what the card cache must hold (every card in the log; one with only undone events
    is new again). Holds the cards' states, not the log, however long it is."""
    rules = DeckSettings(settings, zone)
    # an undo only ever cancels an event of its own card
    undone = set(store.db.execute("SELECT card_id, target FROM log WHERE target IS NOT NULL"))
    for seq, event in store.iter_events():
        card_id = event.card_id
        state = states.get(card_id)
        if state is None:
            state = states[card_id] = CardState(card_id)
        if event.kind == EventKind.UNDO or (card_id, event.uid) in undone:
            continue
        result = derive(state, event, rules)
        states[card_id] = result.after
        yield seq, result


REWRITE_BATCH = 5_000
"""Events whose derived columns `rebuild` rewrites in one statement."""


def rebuild(store: Store, settings: Settings, zone: tzinfo) -> tuple[int, int]:
    """Replace the card-state cache (and each event's derived columns) with a replay of the log,
    and recompute the statistics totals from it, in one transaction. Returns (cards whose state
    changed, cards in the log)."""
    old = store.states()
    states: dict[str, CardState] = {}
    with store.transaction(), store.large_cache():
        store.rebuild_totals()
        batch: list[tuple[int, Derived]] = []
        encode = StateEncoder()
        for row in replay_log(store, settings, zone, states):
            batch.append(row)
            if len(batch) == REWRITE_BATCH:
                store.rewrite_replayed(batch, encode)
                batch = []
        store.rewrite_replayed(batch, encode)
        store.replace_states(states.values(), clear=True)
    changed = sum(1 for cid, s in states.items() if old.pop(cid, CardState(cid)) != s)
    return changed + len(old), len(states)


def run_pending_replay(store: Store, settings: Settings, zone: tzinfo) -> tuple[int, int] | None:
    """Replay the log if a migration asked for it (see `Store.pending_replay`), in one
    transaction. Returns (cards whose due date moved, cards in the log), or None when nothing
    was pending."""
    if store.pending_replay() is None:
        return None
    with store.transaction():
        if store.pending_replay() is None:  # another process did it while we waited
            return None
        before = {cid: s.due for cid, s in store.states().items()}
        _, total = rebuild(store, settings, zone)
        moved = sum(1 for cid, s in store.states().items() if before.get(cid) != s.due)
        store.replay_done()
    return moved, total
