"""One card's history as the browser shows it: every event of the log about it (answers with
their rating, the interval they set and the recall predicted before them; suspensions, burials,
forgets), and its memory state now."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import tzinfo
from typing import TYPE_CHECKING

from quizzer.finding import card_row, search_context
from quizzer.search import parse
from quizzer.state import CardPhase, CardState, EventKind, Rating
from quizzer.store.log import card_events

if TYPE_CHECKING:
    from typing import Any

    from quizzer.config import Settings
    from quizzer.decks.tree import DeckTree
    from quizzer.store.db import Store

DAY_MS = 86_400_000


@dataclass(frozen=True, slots=True)
class HistoryEntry:
    """One event of a card's history."""

    at: int
    """UTC ms."""
    kind: EventKind
    rating: Rating | None
    """The answer's rating (answers only)."""
    duration_ms: int | None
    phase_before: CardPhase | None
    """Learning phase before an answer."""
    interval_before: float | None
    """Days the card had been scheduled for when it was answered (None when new)."""
    recall_before: float | None
    """Recall FSRS predicted at the moment of the answer (None when new)."""
    interval_after: float | None
    """Days until the card was due again after this event (None when it has no due date)."""


@dataclass(frozen=True, slots=True)
class CardInfo:
    """A card's row (as `finding.card_row` gives it), its full state and its history."""

    row: dict[str, Any]
    state: CardState
    history: list[HistoryEntry]


def card_history(store: Store, card_id: str) -> list[HistoryEntry]:
    """Every event of the log about a card, oldest first, undone ones left out."""
    entries = []
    for at, kind, rating, duration, phase, ivl, recall, after in card_events(store.db, card_id):
        due = CardState.from_json(card_id, after).due if after else None
        entries.append(
            HistoryEntry(
                at=at,
                kind=EventKind(kind),
                rating=None if rating is None else Rating(rating),
                duration_ms=duration,
                phase_before=None if phase is None else CardPhase(phase),
                interval_before=ivl,
                recall_before=recall,
                interval_after=None if due is None else (due - at) / DAY_MS,
            )
        )
    return entries


def card_info(
    card_id: str, tree: DeckTree, store: Store, settings: Settings, zone: tzinfo, now_ms: int
) -> CardInfo:
    """What the browser's card info shows about a card of the tree at `now_ms`."""
    card = tree.card_index()[card_id]
    state = store.state(card_id)
    ctx = search_context(parse(""), tree, store, settings, zone, now_ms)
    return CardInfo(card_row(card, state, ctx), state, card_history(store, card_id))
