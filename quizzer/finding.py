"""A search run over a collection: the query language (`quizzer.search`) matched against the
deck tree's cards and the store's states at one moment."""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from datetime import tzinfo
from typing import TYPE_CHECKING

from quizzer.clock import calendar
from quizzer.queue import study_day
from quizzer.search import Context, Query, parse, rated_cutoff
from quizzer.state import CardState
from quizzer.store.log import answered_since

if TYPE_CHECKING:
    from quizzer.config import Settings
    from quizzer.decks.cards import Card
    from quizzer.decks.loader import DeckTree
    from quizzer.store.db import Store


def search_context(
    query: Query,
    tree: DeckTree,
    store: Store,
    settings: Settings,
    zone: tzinfo,
    now_ms: int,
) -> Context:
    """What matching `query` needs at `now_ms`: the study day, the calendar, the parameters,
    the deck tags and, for each `rated:N[:R]`, the cards answered (so) since its cut-off."""
    day = study_day(now_ms, zone, settings.day_starts_at)
    cal = calendar(zone, settings.day_starts_at)
    rated = {
        (n, r): answered_since(store.db, rated_cutoff(n, day.start, cal), r)
        for n, r in query.rated_terms
    }
    return Context(
        now=now_ms,
        day_end=day.end,
        calendar=cal,
        parameters=tuple(settings.parameters),
        deck_tags={d: loaded.deck.tags for d, loaded in tree.decks.items()},
        rated=rated,
    )


def find(
    query: str | Query,
    tree: DeckTree,
    store: Store,
    settings: Settings,
    zone: tzinfo,
    now_ms: int,
    cards: Iterable[Card] | None = None,
    states: Mapping[str, CardState] | None = None,
) -> list[Card]:
    """The cards (all of the tree's, or those given) that match the query now, in deck order.
    Raises `search.SearchError` for a query that does not parse."""
    parsed = parse(query) if isinstance(query, str) else query
    ctx = search_context(parsed, tree, store, settings, zone, now_ms)
    return parsed.filter(
        tree.cards() if cards is None else cards,
        store.states() if states is None else states,
        ctx,
    )
