"""Questions expand into cards, each with an id that never changes when text changes.

`<deck-id>:<question-id>` for the front, `#reverse` for the other side of a basic question,
`#c<N>` for the N-th cloze deletion.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

from quizzer.decks.models import Basic, Cloze, QuestionBase


@dataclass(frozen=True, slots=True)
class Card:
    """One reviewable side of a question."""

    id: str
    deck_id: str
    question: QuestionBase
    variant: str = ""
    """"" for the plain card, "reverse", or "c<N>" for a cloze deletion."""
    position: int = 0
    """Order of introduction within the deck (new cards come in deck order)."""

    @property
    def question_id(self) -> str:
        """The `<deck-id>:<question-id>` part shared by sibling cards."""
        return f"{self.deck_id}:{self.question.id}"

    @property
    def cloze_number(self) -> int | None:
        """The deletion number of a cloze card, else None."""
        return int(self.variant[1:]) if self.variant.startswith("c") else None


def card_ids(deck_id: str, question: QuestionBase) -> list[tuple[str, str]]:
    """The (card id, variant) pairs a question expands into, in a stable order."""
    base = f"{deck_id}:{question.id}"
    if isinstance(question, Cloze):
        return [(f"{base}#c{n}", f"c{n}") for n in question.numbers]
    if isinstance(question, Basic) and question.reverse:
        return [(base, ""), (f"{base}#reverse", "reverse")]
    return [(base, "")]


def expand(deck_id: str, questions: Sequence[QuestionBase]) -> list[Card]:
    """All cards of a deck's questions, in deck order."""
    cards: list[Card] = []
    for question in questions:
        for card_id, variant in card_ids(deck_id, question):
            cards.append(Card(card_id, deck_id, question, variant, len(cards)))
    return cards


def split_card_id(card_id: str) -> tuple[str, str, str]:
    """Split a card id into (deck id, question id, variant); raise ValueError if malformed."""
    deck_id, sep, rest = card_id.rpartition(":")
    if not sep or not deck_id or not rest:
        raise ValueError(f"malformed card id {card_id!r}: expected DECK:QUESTION[#VARIANT]")
    question_id, _, variant = rest.partition("#")
    return deck_id, question_id, variant
