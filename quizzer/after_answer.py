"""What a card shows once answered, besides the verdict: the question's explanation and source,
and beside each option of a choice question whether it is right and its feedback.

`quizzer answer --json` reports them on both of its paths: from the question when the decks are
loaded, and from the card index's notes (`NotesIndex`, written with the answer keys) when it
answers without loading them. Light: it imports neither pydantic nor the deck models.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from quizzer.terminal import printable

if TYPE_CHECKING:
    from quizzer.decks.grading import AnswerKey
    from quizzer.decks.models import QuestionBase


@dataclass(frozen=True, slots=True)
class AfterNotes:
    """A question's explanation, source and per-option feedback (in the question's order)."""

    explanation: str | None = None
    source: str | None = None
    feedback: tuple[str | None, ...] = ()

    @classmethod
    def of(cls, question: QuestionBase) -> AfterNotes:
        """The notes of a deck's question."""
        choices = getattr(question, "choices", ())
        return cls(question.explanation, question.source, tuple(c.feedback for c in choices))

    def to_data(self) -> list[Any] | None:
        """The notes as JSON data for the card index; None when there are none."""
        if self.explanation is None and self.source is None and not any(self.feedback):
            return None
        return [self.explanation, self.source, list(self.feedback)]

    @classmethod
    def from_data(cls, data: Any) -> AfterNotes:
        """Notes read back from the card index; TypeError or ValueError when they are not notes
        (control characters are made harmless, as the loader makes them)."""
        explanation, source, feedback = data
        texts = [explanation, source, *feedback]
        if not isinstance(feedback, list) or not all(t is None or type(t) is str for t in texts):
            raise TypeError("notes")

        def clean(text: str | None) -> str | None:
            return None if text is None else printable(text)

        return cls(clean(explanation), clean(source), tuple(clean(f) for f in feedback))


def after_answer(notes: AfterNotes, key: AnswerKey | None, order: Sequence[int]) -> dict[str, Any]:
    """What `answer --json` adds: `explanation` and `source` (null when the question has none),
    and for a choice card `choices`, its options as `next --json` numbered them (`order`), each
    with `correct` and `feedback`."""
    data: dict[str, Any] = {"explanation": notes.explanation, "source": notes.source}
    if key is not None and key.kind == "choice":
        feedback = notes.feedback or (None,) * len(key.choices)
        data["choices"] = [
            {
                "number": i + 1,
                "text": key.choices[j].text,
                "correct": key.choices[j].correct,
                "feedback": feedback[j] if j < len(feedback) else None,
            }
            for i, j in enumerate(order)
        ]
    return data
