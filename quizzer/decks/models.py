"""The deck format: pydantic models for a deck and its six question types.

The docstring under each field is also its description in the JSON Schema (`quizzer schema`),
so editors show it while a deck is written.
"""

from __future__ import annotations

import re
from typing import Annotated, Any, Literal

from pydantic import BaseModel, BeforeValidator, ConfigDict, Field, field_validator
from pydantic_core import PydanticCustomError

from quizzer.decks.cloze import parse_cloze
from quizzer.decks.numbers import NOT_A_NUMBER, NumberError, read_number, shown
from quizzer.terminal import printable

ID_PATTERN = re.compile(r"[a-z0-9][a-z0-9-]*\Z")


def slugify(text: str) -> str:
    """Turn any text into a valid question id (lowercase letters, digits and hyphens)."""
    slug = re.sub(r"[^a-z0-9]+", "-", text.lower()).strip("-")
    return slug or "question"


def _text(value: Any) -> Any:
    """Accept numbers where text is expected (the loader gives their text as written: `017`
    stays `017`; a number comes from Python callers); refuse YAML booleans and empties;
    control characters (escape sequences a terminal would obey) become U+FFFD, and `quizzer
    lint` warns about them."""
    if isinstance(value, bool):
        raise PydanticCustomError(
            "yaml_bool",
            f"this value was read as the boolean {str(value).lower()}; put it in quotes to keep "
            "it as text",
        )
    if isinstance(value, int | float):
        return str(value)
    if isinstance(value, str):
        if not value.strip():
            raise PydanticCustomError("empty_text", "must not be empty")
        return printable(value)
    return value


def _question_id(value: Any) -> Any:
    if isinstance(value, int) and not isinstance(value, bool):
        value = str(value)
    if isinstance(value, str) and not ID_PATTERN.match(value):
        raise PydanticCustomError(
            "bad_id",
            f"invalid id {value!r}: use lowercase letters, digits and hyphens, "
            f"e.g. {slugify(value)!r}",
        )
    return value


Text = Annotated[str, BeforeValidator(_text)]
"""Markdown text: never empty; numbers are taken as their text."""

QuestionId = Annotated[str, BeforeValidator(_question_id)]
"""A question id: `[a-z0-9][a-z0-9-]*`, unique in its deck, never changed once published."""


class _Strict(BaseModel):
    model_config = ConfigDict(
        extra="forbid",
        frozen=True,
        defer_build=True,  # cached decks are rebuilt without validating: build on first use
        str_strip_whitespace=False,
    )


class QuestionBase(_Strict):
    """Fields every question type has."""

    id: QuestionId
    """Stable id, unique in the deck (`[a-z0-9][a-z0-9-]*`). Review history is keyed by it: keep it
    when the text changes."""
    explanation: Text | None = None
    """Shown after answering: why the answer is right (Markdown)."""
    source: Text | None = None
    """Where the fact comes from: paper with section or table, or a documentation page."""
    tags: list[Text] = []
    """Extra tags for this question, added to the deck's tags."""
    hint: Text | None = None
    """A nudge the learner can ask for before answering."""

    @property
    def kind(self) -> str:
        """The question type, as written in YAML."""
        return str(getattr(self, "type"))  # noqa: B009

    @property
    def auto_graded(self) -> bool:
        """True when quizzer grades the response itself (choice, typed, numeric, order)."""
        return self.kind in {"choice", "typed", "numeric", "order"}


class Basic(QuestionBase):
    """A self-graded flashcard: the learner recalls the answer, then rates themselves."""

    type: Literal["basic"]
    """`basic`: a self-graded flashcard."""
    prompt: Text
    """The question (Markdown)."""
    answer: Text
    """The answer shown on the back (Markdown)."""
    reverse: bool = False
    """Also make a second card that shows the answer and asks for the prompt."""


class Cloze(QuestionBase):
    """A sentence with deletions, Anki style; one card per deletion number."""

    type: Literal["cloze"]
    """`cloze`: fill in the blanks."""
    text: Text
    """Text with deletions `{{c1::hidden}}` or `{{c1::hidden::hint}}`. The same number used twice
    makes one card hiding both."""

    @field_validator("text")
    @classmethod
    def _has_deletions(cls, value: str) -> str:
        parse_cloze(value)  # raises a located-in-field error when malformed
        return value

    @property
    def numbers(self) -> list[int]:
        """The deletion numbers, ascending; one card each."""
        return sorted({d.number for d in parse_cloze(self.text).deletions})


class Choice(_Strict):
    """One option of a choice question."""

    text: Text
    """The option as shown (Markdown)."""
    correct: bool = False
    """True for a right option; a question may have several."""
    feedback: Text | None = None
    """Shown beside this option after answering: why it is right or wrong."""


class MultipleChoice(QuestionBase):
    """Pick the right option(s); shown shuffled and graded automatically."""

    type: Literal["choice"]
    """`choice`: one or several correct options."""
    prompt: Text
    """The question (Markdown)."""
    choices: list[Choice] = Field(min_length=2)
    """Two or more options; at least one has `correct: true`."""

    @field_validator("choices")
    @classmethod
    def _sane_choices(cls, value: list[Choice]) -> list[Choice]:
        if not any(c.correct for c in value):
            raise PydanticCustomError("no_correct", "no choice is marked `correct: true`")
        seen: set[str] = set()
        for c in value:
            key = c.text.strip().casefold()
            if key in seen:
                raise PydanticCustomError("repeated", f"choice {c.text!r} is repeated")
            seen.add(key)
        return value

    @property
    def multi(self) -> bool:
        """True when more than one option is correct."""
        return sum(c.correct for c in self.choices) > 1


class Typed(QuestionBase):
    """Type the answer; forgiving of case, spacing, accents and small typos."""

    type: Literal["typed"]
    """`typed`: free-text answer graded automatically."""
    prompt: Text
    """The question (Markdown)."""
    answers: list[Text] = Field(min_length=1)
    """Accepted answers; the first is the one shown. Any alias counts as correct."""


def _tolerance(value: Any) -> Any:
    """A tolerance is a number (absolute) or a percentage; either may be quoted. A percentage
    is kept as written (`'5%'`), anything else becomes its number."""
    percent = isinstance(value, str) and value.strip().endswith("%")
    try:
        amount = read_number(value.strip()[:-1] if percent else value)
    except NumberError as exc:
        hint = "; write a number like 0.5 or a percentage like '5%'"
        reason = f"{exc}{hint}" if str(exc) == NOT_A_NUMBER else str(exc)
        raise PydanticCustomError("bad_tolerance", f"tolerance {shown(value)} {reason}") from None
    if amount < 0:
        raise PydanticCustomError("negative", "tolerance must not be negative")
    return value.strip() if percent else amount


class Numeric(QuestionBase):
    """Type a number; correct within a tolerance."""

    type: Literal["numeric"]
    """`numeric`: a number graded automatically."""
    prompt: Text
    """The question (Markdown)."""
    answer: float
    """The right number (write it plainly: 680000, 6.8e5 or 0.25)."""
    tolerance: Annotated[float | str, BeforeValidator(_tolerance)] = 0.0
    """Accepted distance from the answer: a number (absolute) or a percentage string like `'5%'`."""
    unit: Text | None = None
    """Unit shown after the input box and accepted after the number."""

    @field_validator("answer", mode="before")
    @classmethod
    def _number(cls, value: Any) -> float:
        try:
            return read_number(value)
        except NumberError as exc:
            hint = "; write it like 680000, 6.8e5 or 0.25" if str(exc) == NOT_A_NUMBER else ""
            raise PydanticCustomError("not_number", f"answer {shown(value)} {exc}{hint}") from None

    @property
    def allowed_error(self) -> float:
        """The largest accepted absolute difference from the answer."""
        tol = self.tolerance
        if isinstance(tol, str):
            if tol.endswith("%"):
                return abs(self.answer) * read_number(tol[:-1]) / 100
            return read_number(tol)
        return float(tol)


class Order(QuestionBase):
    """Put items in order; shown shuffled."""

    type: Literal["order"]
    """`order`: arrange items; written here in their right order."""
    prompt: Text
    """The question (Markdown)."""
    items: list[Text] = Field(min_length=2)
    """Two or more distinct items, in the right order."""

    @field_validator("items")
    @classmethod
    def _distinct(cls, value: list[str]) -> list[str]:
        seen: set[str] = set()
        for item in value:
            if item.casefold() in seen:
                raise PydanticCustomError("repeated", f"item {item!r} is repeated")
            seen.add(item.casefold())
        return value


Question = Annotated[
    Basic | Cloze | MultipleChoice | Typed | Numeric | Order, Field(discriminator="type")
]
"""Any question, told apart by its `type` key."""

QUESTION_TYPES: dict[str, type[QuestionBase]] = {
    "basic": Basic,
    "cloze": Cloze,
    "choice": MultipleChoice,
    "typed": Typed,
    "numeric": Numeric,
    "order": Order,
}


class Deck(_Strict):
    """One deck file: a topic with its questions."""

    title: Text
    """The deck's display name (e.g. `CTC`)."""
    description: Text | None = None
    """One or two sentences on what the deck teaches."""
    tags: list[Text] = []
    """Tags given to every question of the deck."""
    sources: list[Text] = []
    """The primary sources the deck draws on."""
    questions: list[Question] = Field(min_length=1)
    """The questions, in the order new cards are introduced."""
