"""Decks read back from the deck cache whose models are built when first used.

Rebuilding and checking the models of every question is most of a warm start's deck loading
(13,100 models at 10,000 questions), yet the first card of a session needs only its own deck. A
`DeferredDeck` holds a cache entry's cards, and reads the entry's data and builds its `Deck` on
first access to `deck`; its cards are `DeferredCard`s, which know their id, deck, variant,
position and question id from the entry and reach their question through the deck. Both are
subclasses of the eager classes, so callers see a `LoadedDeck` and `Card`s that behave the same,
only built later.

The models of one deck are built once, under a lock: the home screen's figures are counted in a
worker thread while the UI thread shows cards, and every card must hold the same question objects
as its deck.
"""

from __future__ import annotations

import threading
from collections.abc import Callable, Sequence
from pathlib import Path
from typing import TYPE_CHECKING, Any

from quizzer.decks.cards import Card
from quizzer.decks.loaded import LoadedDeck

if TYPE_CHECKING:
    from quizzer.decks.models import Deck, QuestionBase

_BUILD = threading.Lock()
_DECK = LoadedDeck.__dict__["deck"]
"""The slot that holds a `LoadedDeck`'s deck (the property below stands in front of it)."""
_QUESTION = Card.__dict__["question"]


class DeferredDeck(LoadedDeck):
    """A `LoadedDeck` whose `deck` is made by `make` on first access."""

    __slots__ = ("_make", "_read", "_stored", "_title")
    _make: Callable[[], Deck]
    _read: Callable[[], Sequence[Any]] | None
    _stored: Sequence[Any] | None
    _title: str | None

    def __init__(
        self,
        deck_id: str,
        path: Path,
        lines: dict[str, int],
        make: Callable[[], Deck],
        title: str | None = None,
        stored: Callable[[], Sequence[Any]] | None = None,
    ) -> None:
        """`title` is the stored deck's title when the entry holds a valid one, `stored` reads
        its questions' stored data: what shows a title or a few questions (the statistics' deck
        lines and cards to watch) then needs no models of the rest."""
        self.id = deck_id
        self.path = path
        self.lines = lines
        self.cards = []
        self.warnings = []
        self._make = make
        self._title = title
        self._read = stored
        self._stored = None

    def stored_question(self, index: int) -> Any | None:
        """The stored data of the deck's `index`-th question, read on first use (None when the
        models are built already, or the data cannot be read)."""
        if self._stored is None:
            with _BUILD:
                if self._stored is None:
                    read, self._read = self._read, None
                    self._stored = read() if read is not None and not self.built else []
        stored = self._stored
        try:
            return stored[index] if 0 <= index < len(stored) else None
        except ValueError:  # a damaged line: the deck is built from its file instead
            return None

    @property
    def title(self) -> str:
        """The deck's title, from the stored entry until the models are built."""
        if self._title is None or self.built:
            return self.deck.title
        return self._title

    @property
    def deck(self) -> Deck:
        """The deck's models, built on first use."""
        try:
            return _DECK.__get__(self, LoadedDeck)  # type: ignore[no-any-return]
        except AttributeError:
            pass
        with _BUILD:
            try:
                return _DECK.__get__(self, LoadedDeck)  # type: ignore[no-any-return]
            except AttributeError:
                deck = self._make()
                _DECK.__set__(self, deck)
                del self._make  # lets the stored data go
                self._read, self._stored = None, []
                return deck

    @deck.setter
    def deck(self, value: Deck) -> None:
        _DECK.__set__(self, value)

    @property
    def built(self) -> bool:
        """Whether the models have been built yet."""
        try:
            _DECK.__get__(self, LoadedDeck)
        except AttributeError:
            return False
        return True


def shown_card(card: Card) -> Card:
    """`card`, or when its deck's models are not built yet, a copy holding its own question
    built alone from the stored data (to show a few cards without building their decks)."""
    if not isinstance(card, DeferredCard) or card._deck.built:
        return card
    stored = card._deck.stored_question(card._index)
    if stored is None:
        return card
    from quizzer.decks.stored import StoredError, load_question

    try:
        question = load_question(stored)
    except StoredError:
        return card  # the whole deck is read again, as any damaged entry is
    return Card(card.id, card.deck_id, question, card.variant, card.position)


class DeferredCard(Card):
    """A card of a `DeferredDeck`: its question is the deck's `index`-th, looked up when used."""

    __slots__ = ("_deck", "_index", "_question_id")
    _deck: DeferredDeck
    _index: int
    _question_id: str

    def __init__(
        self,
        card_id: str,
        deck: DeferredDeck,
        index: int,
        question_id: str,
        variant: str,
        position: int,
    ) -> None:
        setattr_ = object.__setattr__
        setattr_(self, "id", card_id)
        setattr_(self, "deck_id", deck.id)
        setattr_(self, "variant", variant)
        setattr_(self, "position", position)
        setattr_(self, "_deck", deck)
        setattr_(self, "_index", index)
        setattr_(self, "_question_id", f"{deck.id}:{question_id}")

    @property
    def question(self) -> QuestionBase:
        """The card's question, from its deck's models."""
        try:
            return _QUESTION.__get__(self, Card)  # type: ignore[no-any-return]
        except AttributeError:
            question: QuestionBase = self._deck.deck.questions[self._index]
            _QUESTION.__set__(self, question)
            return question

    @property
    def question_id(self) -> str:
        """The `<deck-id>:<question-id>` part shared by sibling cards."""
        return self._question_id

    def __eq__(self, other: object) -> bool:
        # as two `Card`s compare, whichever of the two classes each side is
        if not isinstance(other, Card):
            return NotImplemented
        return (self.id, self.deck_id, self.question, self.variant, self.position) == (
            other.id,
            other.deck_id,
            other.question,
            other.variant,
            other.position,
        )

    __hash__ = Card.__hash__

    def __reduce__(self) -> tuple[Any, ...]:
        return Card, (self.id, self.deck_id, self.question, self.variant, self.position)
