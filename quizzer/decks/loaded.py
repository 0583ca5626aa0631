"""A deck that loaded, and a problem found in a deck file."""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING

from quizzer.terminal import printable

if TYPE_CHECKING:  # light at run time: the card index (`quizzer due`) imports this module
    from quizzer.decks.cards import Card
    from quizzer.decks.models import Deck, QuestionBase


@dataclass(frozen=True, slots=True, order=True)
class Problem:
    """One thing wrong with a deck file, with its place in the file (1-based)."""

    path: str
    line: int
    column: int
    message: str

    def __str__(self) -> str:
        return printable(f"{self.path}:{self.line}:{self.column}: {self.message}")


@dataclass(slots=True)
class LoadedDeck:
    """A validated deck with its id, file and cards."""

    id: str
    path: Path
    deck: Deck
    lines: dict[str, int]
    """The line on which each question starts, by question id (for opening an editor there)."""
    cards: list[Card] = field(default_factory=list)
    warnings: list[Problem] = field(default_factory=list)
    """Things `quizzer lint` points out that do not stop the deck from loading."""

    @property
    def title(self) -> str:
        """The deck's title."""
        return self.deck.title

    @property
    def domain(self) -> str:
        """The folder part of the deck id (`asr` for `asr/ctc`); empty at the top level."""
        return self.id.rpartition("/")[0]

    @property
    def questions(self) -> tuple[QuestionBase, ...]:
        """The deck's questions in file order."""
        return tuple(self.deck.questions)
