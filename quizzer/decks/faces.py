"""What a card shows: its front, its back, the options or items in the order shown, its unit.

The one definition the command line (`quizzer next`), the review screen, the statistics (a card's
question on one line) and the Anki export (the order of options) build on. Text stays the deck's
Markdown; each front end renders it its own way.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass

from quizzer.decks.cards import Card
from quizzer.decks.cloze import Deletion, blank, render_cloze
from quizzer.decks.grading import AnswerKey
from quizzer.decks.models import (
    Basic,
    Cloze,
    MultipleChoice,
    Numeric,
    Order,
    QuestionBase,
    Typed,
)


@dataclass(frozen=True, slots=True)
class Faces:
    """What a card shows before and after answering, as the deck's Markdown."""

    front: str
    back: str | None
    """The answer to reveal (basic and cloze); auto-graded cards show their verdict instead."""
    options: tuple[str, ...] = ()
    """A choice question's options or an order question's items, in the order shown."""
    unit: str | None = None
    """The unit a numeric answer is given in."""


def _shown(deletion: Deletion) -> str:
    return deletion.answer


def faces(
    card: Card,
    order: Sequence[int] = (),
    *,
    hidden: Callable[[Deletion], str] = blank,
    shown: Callable[[Deletion], str] = _shown,
) -> Faces:
    """The faces of a card. `order` is the shown order of a choice or order question's entries
    (`shown_order`); `hidden` and `shown` spell a cloze deletion before and after answering."""
    q = card.question
    if isinstance(q, Basic):
        front, back = (q.answer, q.prompt) if card.variant == "reverse" else (q.prompt, q.answer)
        return Faces(front, back)
    if isinstance(q, Cloze):
        n = card.cloze_number or 1
        return Faces(
            render_cloze(q.text, n, reveal=False, hidden=hidden),
            render_cloze(q.text, n, reveal=True, shown=shown),
        )
    if isinstance(q, MultipleChoice):
        return Faces(q.prompt, None, tuple(q.choices[j].text for j in order))
    if isinstance(q, Order):
        return Faces(q.prompt, None, tuple(q.items[j] for j in order))
    if isinstance(q, Numeric):
        return Faces(q.prompt, None, unit=q.unit)
    if isinstance(q, Typed):
        return Faces(q.prompt, None)
    raise TypeError(f"unknown question type {q.kind!r}")


def shown_order(question: QuestionBase, seed: str) -> list[int]:
    """The order in which a choice or order question's entries are shown (empty for other
    questions): a shuffle fixed by `seed`. An order question never starts already solved."""
    if not isinstance(question, MultipleChoice | Order):
        return []
    return AnswerKey.of(question).shown_order(seed)
