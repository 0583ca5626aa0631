"""Which cards a session or the statistics cover: decks or folders, a tag, a search query.

Kept apart from the session so that what only reads cards (the statistics from their index)
need not import the session's models and scheduler.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from typing import TYPE_CHECKING

from quizzer.decks.files import in_deck
from quizzer.queue import card_tags

if TYPE_CHECKING:
    from quizzer.decks.cards import Card
    from quizzer.decks.tree import DeckTree


@dataclass(frozen=True, slots=True)
class Selection:
    """Which cards a session covers: decks or folders (empty: all), optionally a tag, and
    optionally a search query (docs/searching.md), evaluated once when the session first asks
    for a card, as Anki builds a filtered deck: the cards matching then stay in the session."""

    decks: tuple[str, ...] = ()
    tag: str | None = None
    query: str | None = None
    ahead: bool = False
    """Review ahead: the cards (those of the query, e.g. `prop:due<=7`) that have a due date,
    earliest first, whether due yet or not, without daily limits; answers reschedule them
    (Anki's "review ahead" filtered deck)."""

    @property
    def start(self) -> str:
        """Where the daily limits start (`queue.LimitTree`): the deck or folder studied, or the root
        (`""`) for everything or several."""
        return self.decks[0].rstrip("/") if len(self.decks) == 1 else ""

    def matches(self, card: Card, deck_tags: Iterable[str]) -> bool:
        """True when the card is in one of the decks or folders and carries the tag."""
        if self.decks and not any(in_deck(card.deck_id, d.rstrip("/")) for d in self.decks):
            return False
        return self.tag is None or carries_tag(card_tags(card, deck_tags), self.tag)


def carries_tag(tags: Iterable[str], tag: str) -> bool:
    """Whether `tag` is one of `tags`, case ignored (`ml` names the tag `ML`), as the search term
    `tag:ml` reads it."""
    wanted = tag.casefold()
    return any(t.casefold() == wanted for t in tags)


def tag_in_use(tree: DeckTree, tag: str) -> bool:
    """Whether any card of the tree carries `tag` (its deck's tags or its question's, case
    ignored): a session on a tag no card has would be empty, which a misspelt tag should not
    look like."""
    decks = tree.decks
    return any(carries_tag(card_tags(c, decks[c.deck_id].deck.tags), tag) for c in tree.cards())


def tree_tags(tree: DeckTree) -> set[str]:
    """Every tag a card of the tree carries (its deck's or its question's), case folded."""
    decks = tree.decks
    return {t.casefold() for c in tree.cards() for t in card_tags(c, decks[c.deck_id].deck.tags)}


def closest_tag(tags: Iterable[str], tag: str) -> str | None:
    """The tag of `tags` (case folded) that `tag` is spelt most like, if one is close."""
    import difflib

    close = difflib.get_close_matches(tag.casefold(), sorted(tags), n=1, cutoff=0.75)
    return close[0] if close else None


def no_such_tag(tree: DeckTree, tag: str) -> str:
    """The message for a tag no card of the tree carries, with the one it is spelt most like."""
    close = closest_tag(tree_tags(tree), tag)
    return f"no card has the tag {tag!r}" + (f"; did you mean {close!r}?" if close else "")
