"""A search run over a collection: the query language (`quizzer.search`) matched against the
deck tree's cards and the store's states at one moment."""

from __future__ import annotations

from collections.abc import Callable, Iterable, Mapping
from datetime import datetime, tzinfo
from typing import TYPE_CHECKING, Any

from quizzer.clock import calendar, from_ms
from quizzer.mathtext import plain_math
from quizzer.queue import day_at
from quizzer.search import Context, Query, parse, rated_cutoff
from quizzer.state import CardState
from quizzer.store.log import answered_since

if TYPE_CHECKING:
    from quizzer.config import Settings
    from quizzer.decks.cards import Card
    from quizzer.decks.tree import DeckTree
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
    cal = calendar(zone, settings.day_starts_at)
    day = day_at(now_ms, cal)
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


SORT_FIELDS = ("deck", "due", "interval", "stability", "recall", "lapses", "reps", "type", "state")
"""What a list of found cards can be sorted by (`deck`: deck order)."""


def card_question(card: Card) -> str:
    """The text that identifies a card: its prompt (the answer for a reverse card), or its
    cloze text with this card's deletions hidden."""
    from quizzer.decks.cloze import render_cloze
    from quizzer.decks.models import Cloze

    q = card.question
    if isinstance(q, Cloze):
        return render_cloze(q.text, card.cloze_number or 1, reveal=False)
    if card.variant == "reverse":
        return str(getattr(q, "answer", ""))
    return str(getattr(q, "prompt", ""))


def card_row(card: Card, state: CardState, ctx: Context) -> dict[str, Any]:
    """One found card as JSON-ready data."""
    recall = ctx.recall(state)
    interval = ctx.prop("ivl", state)
    return {
        "card_id": card.id,
        "deck": card.deck_id,
        "type": card.question.kind,
        "state": state.state.name.lower(),
        "due": None if state.due is None else from_ms(state.due).isoformat().replace("+00:00", "Z"),
        "suspended": state.suspended,
        "buried": state.buried_at(ctx.now),
        "leech": state.leech,
        "question": card_question(card),
        "interval_days": None if interval is None else round(interval, 2),
        "stability": None if state.stability is None else round(state.stability, 2),
        "difficulty": None if state.difficulty is None else round(state.difficulty, 2),
        "recall": None if recall is None else round(recall, 4),
        "lapses": state.lapses,
        "reps": state.reps,
    }


def _sort_key(field: str, states: Mapping[str, CardState], ctx: Context) -> Callable[[Card], Any]:
    """A key that puts cards without the value (new cards) last."""

    def value(card: Card) -> Any:
        state = states[card.id]
        if field == "type":
            return card.question.kind
        if field == "state":
            return int(state.state)
        if field == "due":
            return state.due
        if field == "interval":
            return ctx.prop("ivl", state)
        if field == "stability":
            return state.stability
        if field == "recall":
            return ctx.recall(state)
        return getattr(state, field)

    def key(card: Card) -> tuple[bool, Any]:
        v = value(card)
        return (v is None, v if v is not None else 0)

    return key


def card_rows(
    query: str | Query,
    tree: DeckTree,
    store: Store,
    settings: Settings,
    zone: tzinfo,
    now_ms: int,
    *,
    sort: str = "deck",
    limit: int | None = None,
) -> tuple[list[dict[str, Any]], int]:
    """The cards matching the query now as rows (`card_row`), sorted by a field of
    `SORT_FIELDS` (deck order for `deck`), at most `limit` of them, and how many matched.
    Raises `search.SearchError` for a query that does not parse."""
    parsed = parse(query) if isinstance(query, str) else query
    ctx = search_context(parsed, tree, store, settings, zone, now_ms)
    stored = store.states()
    cards = list(tree.cards())
    states = {c.id: stored.get(c.id) or CardState(c.id) for c in cards}
    found = parsed.filter(cards, states, ctx)
    if sort != "deck":
        found.sort(key=_sort_key(sort, states, ctx))
    total = len(found)
    if limit is not None:
        found = found[:limit]
    return [card_row(c, states[c.id], ctx) for c in found], total


def row_cells(row: dict[str, Any], zone: tzinfo) -> dict[str, str]:
    """A row as the tables show it: math written as Unicode, state says suspended or buried
    first, the due moment in local time, interval in days, recall as a percentage, `-` where a
    value does not apply."""
    state = row["state"]
    if row["suspended"]:
        state = "suspended"
    elif row["buried"]:
        state = "buried"
    due = "-"
    if row["due"] is not None:
        due = datetime.fromisoformat(row["due"]).astimezone(zone).strftime("%Y-%m-%d %H:%M")
    return {
        "deck": row["deck"],
        "question": " ".join(plain_math(row["question"]).split()),
        "type": row["type"],
        "state": state,
        "due": due,
        "interval": "-" if row["interval_days"] is None else f"{row['interval_days']:.1f}d",
        "stability": "-" if row["stability"] is None else f"{row['stability']:.1f}",
        "recall": "-" if row["recall"] is None else f"{row['recall']:.0%}",
        "lapses": str(row["lapses"]),
    }
