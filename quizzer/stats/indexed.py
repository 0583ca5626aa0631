"""The statistics without loading the decks: from the stats index, while the decks and settings
are the ones it was written from.

The full path (`quizzer stats` loading the decks tree and the settings) writes, next to the card
index, what the figures read of them: the card index's payload (every card in study order, the
limits, parameters, zone and day start; see `collection.index_payload`), the deck titles in
study order, the leech threshold, and each card's question on one line (`card_text`). Both are
keyed by the same fingerprint of every deck file and of the configuration, so an edited deck or
setting sends the next run down the full path, which writes the index again. Reading it imports
neither YAML nor pydantic. A tag or a search needs the questions themselves, and takes the full
path.

The file is JSON anyone could have written: every value is checked, and a text holding a control
character makes it ignored (quizzer's own texts never hold one).
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any, NamedTuple

from quizzer.stats.scope import Scope, resolve_scope

if TYPE_CHECKING:
    from quizzer.collection import Collection, DeckRules
    from quizzer.stats.results import Stats

_CONTROL = re.compile("[\x00-\x1f\x7f-\x9f]")


STATS = "stats"
"""The part of the card index (a file beside it) that holds what the statistics read."""


class IndexedCard(NamedTuple):
    """A card as the figures see it without its question: the queue's `CardRef` and its text."""

    id: str
    deck_id: str
    question_id: str
    text: str


@dataclass(frozen=True, slots=True)
class IndexedDeck:
    """A deck's title (its tags are not indexed: a tag takes the full path)."""

    title: str
    tags: tuple[str, ...] = ()


@dataclass(frozen=True, slots=True)
class IndexedLoaded:
    """A deck and its cards, as `DeckTree.decks` holds them."""

    deck: IndexedDeck
    cards: list[IndexedCard]

    @property
    def title(self) -> str:
        """The deck's title."""
        return self.deck.title


@dataclass(frozen=True, slots=True)
class IndexedTree:
    """The decks in study order, as the figures read a `DeckTree`."""

    decks: dict[str, IndexedLoaded]

    def ordered(self) -> list[str]:
        """Deck ids in study order."""
        return list(self.decks)

    def card_index(self) -> dict[str, IndexedCard]:
        """Cards by id, in study order."""
        return {card.id: card for loaded in self.decks.values() for card in loaded.cards}

    def card_positions(self) -> dict[str, int]:
        """Each card's place in study order, by id."""
        cards = (card for loaded in self.decks.values() for card in loaded.cards)
        return {card.id: i for i, card in enumerate(cards)}


@dataclass(frozen=True, slots=True)
class IndexedSettings:
    """What the figures read of the settings."""

    parameters: tuple[float, ...]
    day_starts_at: int
    leech_threshold: int
    per_deck: Mapping[str, DeckRules]

    def for_deck(self, deck_id: str) -> DeckRules:
        """The settings in force for one deck."""
        return self.per_deck[deck_id]


def write_stats_index(col: Collection) -> None:
    """Record what the statistics read of this collection's decks and settings (nothing when
    some deck failed to load, or caching is off)."""
    from quizzer.collection import index_payload, writable_fingerprint
    from quizzer.decks.cache import write_index
    from quizzer.stats.cards import card_text

    fingerprint = writable_fingerprint(col)
    if fingerprint is None:
        return
    payload = index_payload(col)
    payload["titles"] = [(d, col.tree.decks[d].title) for d in col.tree.ordered()]
    payload["leech_threshold"] = col.settings.leech_threshold
    payload["texts"] = [card_text(c) for c in col.tree.cards()]
    write_index(fingerprint, payload, STATS)


def indexed_stats(now_ms: int, spec: str | None, days: int) -> Stats | None:
    """The figures of the whole collection, a deck or a folder (`spec`, as `compute` takes it)
    from the stats index; None when it is not current (or `spec` is a tag), and the caller
    takes the full path."""
    from quizzer.collection import current_index, read_rules

    if spec is not None and spec.strip().startswith("tag:"):
        return None
    index = current_index(STATS)
    if index is None:
        return None
    _, payload, (queue_settings, refs, zone, day_starts_at) = index
    tree = _tree(payload, refs)
    threshold = payload.get("leech_threshold")
    per_deck = read_rules(payload.get("rules"), queue_settings.per_deck)
    if tree is None or type(threshold) is not int or per_deck is None:
        return None
    settings = IndexedSettings(queue_settings.parameters, day_starts_at, threshold, per_deck)
    scope: Scope = resolve_scope(tree, spec)  # type: ignore[arg-type]
    from quizzer.stats.page import compute_at
    from quizzer.store.db import Store

    with Store() as store:
        if store.pending_replay() is not None:
            return None  # the full open replays first
        path = store.path
    return compute_at(
        path,
        tree,
        settings,
        zone,
        now_ms,
        scope,
        days,
        queue_settings=queue_settings,
        text=_text,
    )


def _text(card: IndexedCard) -> str:
    return card.text


def _tree(payload: Any, refs: list[Any]) -> IndexedTree | None:
    """The decks and cards of the payload, or None when its titles or texts do not fit its
    cards (each deck's cards together, decks in the order of the titles)."""
    titles, texts = payload.get("titles"), payload.get("texts")
    if type(titles) is not list or type(texts) is not list or len(texts) != len(refs):
        return None
    try:
        decks = {str(d): IndexedLoaded(IndexedDeck(str(t)), []) for d, t in titles}
    except (TypeError, ValueError):
        return None
    if len(decks) != len(titles):
        return None
    order = list(decks)
    at = 0
    for ref, text in zip(refs, texts, strict=True):
        if type(text) is not str:
            return None
        while at < len(order) and ref.deck_id != order[at]:
            at += 1
        if at == len(order):
            return None  # a card of an unknown deck, or out of study order
        decks[order[at]].cards.append(IndexedCard(ref.id, ref.deck_id, ref.question_id, text))
    strings = [*order, *(d.title for d in decks.values()), *texts, *(r.id for r in refs)]
    if _CONTROL.search("".join(strings)):
        return None
    return IndexedTree(decks)
