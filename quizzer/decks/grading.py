"""Grading of auto-graded questions: pure functions from a question and a response to a verdict.

Each returns a `Graded`: correct, close or incorrect, the expected answer as it should be shown, and
a sentence for the learner. Ratings follow from verdicts (incorrect: Again, close: Hard,
correct: Good).

The graders read a question's answer fields only (protocols below), so they grade a deck model or
its `AnswerKey` alike: the plain copy that the card index carries, with which `quizzer answer
--response` grades without loading the decks. This module imports no pydantic.
"""

from __future__ import annotations

import bisect
import contextlib
import math
import random
import re
import unicodedata
from collections.abc import Sequence
from dataclasses import dataclass, field
from enum import StrEnum
from typing import TYPE_CHECKING, Any, Protocol

from quizzer.decks.quantities import (
    Quantity,
    QuantityError,
    Unit,
    compatible,
    counted_words,
    interpretations,
    prompt_words,
    question_unit,
    read_quantity,
    word_set,
)
from quizzer.decks.typed_keys import accepted, near_miss
from quizzer.wording import counted

if TYPE_CHECKING:
    from quizzer.decks.models import QuestionBase


class Verdict(StrEnum):
    """How a response compares with the answer."""

    CORRECT = "correct"
    CLOSE = "close"
    INCORRECT = "incorrect"


@dataclass(frozen=True, slots=True)
class Graded:
    """The result of grading one response."""

    verdict: Verdict
    expected: str
    """The right answer, as shown to the learner."""
    message: str
    """One sentence for the learner."""
    marks: tuple[bool, ...] = field(default=())
    """Per choice (in the question's order) whether it is correct; per order position whether it
    was placed right. Empty for typed and numeric."""
    as_number: bool = False
    """The response was compared as a number: the message says how far off it is, and a
    character diff would mean nothing."""

    @property
    def rating(self) -> int:
        """The suggested FSRS rating: Again (1), Hard (2) or Good (3)."""
        return {Verdict.INCORRECT: 1, Verdict.CLOSE: 2, Verdict.CORRECT: 3}[self.verdict]


class ResponseError(ValueError):
    """A response that cannot be read for this question (e.g. choice number out of range)."""


# ---------------------------------------------------------------- what grading reads


class ChoiceOption(Protocol):
    """An option of a choice question."""

    @property
    def text(self) -> str: ...
    @property
    def correct(self) -> bool: ...


class ChoiceQuestion(Protocol):
    """What grading a choice question reads."""

    @property
    def choices(self) -> Sequence[ChoiceOption]: ...


class TypedQuestion(Protocol):
    """What grading a typed question reads."""

    @property
    def prompt(self) -> str: ...
    @property
    def answers(self) -> Sequence[str]: ...


class NumericQuestion(Protocol):
    """What grading a numeric question reads."""

    @property
    def prompt(self) -> str: ...
    @property
    def answer(self) -> float: ...
    @property
    def unit(self) -> str | None: ...
    @property
    def allowed_error(self) -> float: ...


class OrderQuestion(Protocol):
    """What grading an order question reads."""

    @property
    def items(self) -> Sequence[str]: ...


@dataclass(frozen=True, slots=True)
class Option:
    """A choice question's option, as the answer key holds it."""

    text: str
    correct: bool


@dataclass(frozen=True, slots=True)
class AnswerKey:
    """What grading an auto-graded question and numbering its shown entries need, as plain data
    (`to_data` / `from_data` for the card index). Only the fields of its kind are set."""

    kind: str
    prompt: str
    choices: tuple[Option, ...] = ()
    answers: tuple[str, ...] = ()
    answer: float = 0.0
    allowed_error: float = 0.0
    unit: str | None = None
    items: tuple[str, ...] = ()

    @classmethod
    def of(cls, question: QuestionBase) -> AnswerKey:
        """The key of a deck's question; ResponseError for a self-graded one."""
        q: Any = question
        kind = question.kind
        if kind == "choice":
            return cls(kind, q.prompt, choices=tuple(Option(c.text, c.correct) for c in q.choices))
        if kind == "typed":
            return cls(kind, q.prompt, answers=tuple(q.answers))
        if kind == "numeric":
            return cls(kind, q.prompt, answer=q.answer, allowed_error=q.allowed_error, unit=q.unit)
        if kind == "order":
            return cls(kind, q.prompt, items=tuple(q.items))
        raise ResponseError(f"{kind} questions are self-graded: give a rating instead")

    def to_data(self) -> list[Any]:
        """The key as JSON data: the kind, the prompt, then the fields of the kind."""
        head: list[Any] = [self.kind, self.prompt]
        if self.kind == "choice":
            return [*head, [[c.text, c.correct] for c in self.choices]]
        if self.kind == "typed":
            return [*head, list(self.answers)]
        if self.kind == "numeric":
            return [*head, float(self.answer), float(self.allowed_error), self.unit]
        return [*head, list(self.items)]

    @classmethod
    def from_data(cls, data: Any) -> AnswerKey:
        """The key `to_data` wrote; TypeError or ValueError when the data is not one."""
        kind, prompt, *rest = data
        if type(prompt) is not str:
            raise TypeError("prompt")
        if kind == "choice":
            (choices,) = rest
            options = tuple(Option(t, c) for t, c in choices)
            if len(options) < 2 or not all(
                type(o.text) is str and type(o.correct) is bool for o in options
            ):
                raise TypeError("choices")
            return cls(kind, prompt, choices=options)
        if kind == "numeric":
            answer, allowed, unit = rest
            if not all(type(x) is float and math.isfinite(x) for x in (answer, allowed)):
                raise TypeError("numbers")
            if unit is not None and type(unit) is not str:
                raise TypeError("unit")
            return cls(kind, prompt, answer=answer, allowed_error=allowed, unit=unit)
        if kind not in ("typed", "order"):
            raise ValueError(f"not an auto-graded kind: {kind!r}")
        (texts,) = rest
        if not texts or not all(type(t) is str for t in texts):
            raise TypeError("texts")
        if kind == "typed":
            return cls(kind, prompt, answers=tuple(texts))
        return cls(kind, prompt, items=tuple(texts))

    def shown_order(self, seed: str) -> list[int]:
        """The order in which the entries of a choice or order question are shown (empty for
        the others): a shuffle fixed by `seed`. An order question never starts already solved."""
        n = len(self.choices) if self.kind == "choice" else len(self.items)
        if not n:
            return []
        order = shuffled(n, seed)
        if self.kind == "order" and order == sorted(order):
            order = order[1:] + order[:1]
        return order


def shuffled(n: int, seed: str) -> list[int]:
    """0..n-1 in an order fixed by `seed` (the Anki import undoes the export's shuffle with it)."""
    order = list(range(n))
    random.Random(seed).shuffle(order)
    return order


# ---------------------------------------------------------------- choice


def grade_choice(question: ChoiceQuestion, chosen: Sequence[int]) -> Graded:
    """Grade the set of chosen option indices (0-based, in the question's order)."""
    n = len(question.choices)
    picked = set(chosen)
    if not picked:
        raise ResponseError("choose at least one option")
    if any(not 0 <= i < n for i in picked):
        raise ResponseError(f"options are numbered 1 to {n}")
    right = {i for i, c in enumerate(question.choices) if c.correct}
    expected = "; ".join(question.choices[i].text for i in sorted(right))
    marks = tuple(c.correct for c in question.choices)
    if picked == right:
        return Graded(Verdict.CORRECT, expected, "Correct.", marks)
    if len(right) > 1:
        hits = len(picked & right)
        wrong = len(picked - right)
        message = f"{hits} of {len(right)} right options chosen"
        message += f", and {counted(wrong, 'wrong one')}." if wrong else "."
        return Graded(Verdict.INCORRECT, expected, message, marks)
    return Graded(Verdict.INCORRECT, expected, f"The answer is: {expected}", marks)


# ---------------------------------------------------------------- typed


@dataclass(frozen=True, slots=True)
class TypedNumbers:
    """The accepted answers of a typed question that are numbers, and the unit they are in."""

    values: list[tuple[str, Quantity]]
    unit: Unit | None


def typed_numbers(question: TypedQuestion, words: frozenset[str]) -> TypedNumbers:
    """The accepted answers that read as numbers, and the unit a numeric response is read in."""
    values = []
    for answer in question.answers:
        with contextlib.suppress(QuantityError):
            values.append((answer, read_quantity(answer, None, words, any_name=True)))
    units = [q.unit for _, q in values if q.unit is not None]
    unit = next((u for u in units if u.dimension), units[0] if units else None)
    return TypedNumbers(values, unit)


def grade_typed(question: TypedQuestion, response: str) -> Graded:
    """Grade free text against every accepted answer, forgiving what `forgiven.toml` lists."""
    expected = question.answers[0]
    if not response.strip():
        raise ResponseError("type an answer")
    words = prompt_words(question.prompt)
    answer = accepted(response, question.answers, words)
    if answer is not None:
        return Graded(Verdict.CORRECT, answer, "Correct.")
    numbers = typed_numbers(question, words)
    if numbers.values:
        verdict = _typed_number(
            numbers, response, words | number_words(question, numbers.unit), expected
        )
        if verdict is not None:
            return verdict
    almost = near_miss(response, question.answers, words)
    if almost is not None:
        return Graded(Verdict.CLOSE, almost, f"Almost: the answer is {almost!r}.")
    return Graded(Verdict.INCORRECT, expected, f"The answer is {expected!r}.")


def _typed_number(
    numbers: TypedNumbers, response: str, words: frozenset[str], expected: str
) -> Graded | None:
    """Compare a response that reads as a number with the numeric answers; None when it does not
    read as a number of the answers' unit. A bare number is compared with the bare answers as
    written, and with the others in their own unit (`24000` is `24000 Hz`, not `24000 kHz`); a
    number with a unit only with the answers written in a unit of its kind (`8000 kHz` is not
    the answer `8000`)."""
    unit = numbers.unit
    try:
        got = read_quantity(response, unit, words)
    except QuantityError:
        return None
    if not compatible(got.unit, unit):
        return None
    gaps = []
    for answer, want in numbers.values:
        if not _comparable(got.unit, want.unit):
            continue
        if got.unit is None and want.unit is None:
            gap = min(abs(reading.value - want.value) for reading in got.readings)
            shown_in, scale = None, 1.0
        else:
            target = want.base(unit)
            gap = min(abs(v - target) for v in interpretations(got, want.unit or unit))
            scale = unit.size if unit else 1.0
            gap, shown_in = gap / scale, unit
        if gap * scale <= _rounding(want.base(unit)):
            return Graded(
                Verdict.CORRECT, answer, "Correct." + _written_in(got, unit), as_number=True
            )
        alike = (got.unit is None) == (want.unit is None)
        gaps.append((not alike, answer != expected, gap, shown_in))
    if not gaps:
        return None
    _, _, gap, shown_in = min(gaps, key=lambda g: (g[0], g[1]))
    off = _off_by(gap, shown_in, got)
    return Graded(
        Verdict.INCORRECT, expected, f"The answer is {expected!r} (yours is {off}).", as_number=True
    )


def _comparable(written: Unit | None, answer: Unit | None) -> bool:
    """May a response written in `written` be compared with an answer written in `answer`? A
    bare number may be compared with any answer, a ratio sign may be added to a bare answer, and
    otherwise the units must be of one kind."""
    if written is None:
        return True
    if answer is None:
        return written.dimension == "ratio"
    return written.same(answer)


def _rounding(target: float) -> float:
    """How far a value may be from `target` and still be it: floating-point rounding, relative
    to the value, so that `1e-12` is not `1e-10`."""
    return 1e-9 * abs(target)


def number_words(question: TypedQuestion, unit: Unit | None) -> frozenset[str]:
    """The words a response may write after a number for a typed question whose numeric answers
    are in `unit`: the words of a unit known only by name, or when the answers have no unit, the
    words of the prompt (what it counts)."""
    return unit_words(unit) if unit is not None else counted_words(question.prompt)


def unit_words(unit: Unit | None) -> frozenset[str]:
    """The words of a unit known only by name, which a response may write after its number."""
    return (
        frozenset(unit.name.casefold().split())
        if unit is not None and not unit.dimension
        else frozenset()
    )


def _written_in(got: Quantity, unit: Unit | None) -> str:
    """` Right value, written in s.` when the response used another unit than the answer."""
    written = _written_as(got, unit)
    return f" Right value, written {written}." if written else ""


def _written_as(got: Quantity, unit: Unit | None) -> str:
    """`in s` when the response used another unit than the answer, `as a percentage` for an
    answer without unit; empty otherwise."""
    if got.unit is not None and unit is None and got.unit.dimension == "percent":
        return "as a percentage"
    if got.unit is None or unit is None or not got.unit.dimension or got.unit.size == unit.size:
        return ""
    return f"in {got.unit.name}"


def _off_by(gap: float, unit: Unit | None, got: Quantity) -> str:
    """`off by 1`, `off by 20 ms, written in s`, `off by 64.935 million`: the distance to the
    answer, in its unit."""
    named = ""
    if unit is not None and unit.dimension == "ratio":
        named = "x"
    elif unit is not None and unit.dimension:
        named = f" {unit.name}"
    written = f", written {as_}" if (as_ := _written_as(got, unit)) else ""
    return f"off by {format_number(gap)}{named}{written}"


# ---------------------------------------------------------------- numeric


def parse_number(text: str, unit: str | None = None, near: float | None = None) -> float:
    """Read a number as people write it (`680000`, `680,000`, `680 000`, `680k`, `6.8e5`), with
    a unit after it if any, as a value in `unit`: `0.08 s` is 80 for unit `ms`. Of the values it
    may mean (`680.000`: 680 or 680000), the nearest to `near`, as grading reads it, else the
    first. Raise ResponseError when it is not a number (of that unit's dimension)."""
    wanted, words = question_unit(unit)
    got = _read(text, wanted, words)
    size = wanted.size if wanted else 1.0
    values = [value / size for value in interpretations(got, wanted)]
    return values[0] if near is None else min(values, key=lambda v: abs(v - near))


def _read(text: str, unit: Unit | None, words: frozenset[str]) -> Quantity:
    try:
        got = read_quantity(text, unit, words)
    except QuantityError as exc:
        raise ResponseError(str(exc)) from None
    if not compatible(got.unit, unit):
        shown = unicodedata.normalize("NFKC", text).strip()
        raise ResponseError(
            f"{shown!r} is not in {unit.name}" if unit else f"{shown!r} needs no unit"
        )
    return got


def format_number(value: float) -> str:
    """A number as shown to learners: no trailing `.0`, thousands separated from five digits on
    (a year or `1024` is shown as written, not `2,006`)."""
    if math.isfinite(value) and value == int(value):
        return f"{int(value):,}" if abs(value) >= 10_000 else str(int(value))
    return f"{value:,.6g}" if abs(value) >= 1e6 else f"{value:g}"


def grade_numeric(question: NumericQuestion, response: str) -> Graded:
    """Grade a number: within the tolerance is correct, within twice a non-zero tolerance close.
    A value written in another unit of the same dimension is converted first, and a percentage
    for an answer without unit is a fraction, unless the prompt asks in percent."""
    unit, described = question_unit(question.unit)
    words = described | prompt_words(question.prompt) | counted_words(question.prompt)
    if unit is None and ("%" in question.prompt or "percent" in word_set(question.prompt)):
        words |= {"%", "percent"}  # the answer is a percentage written without its unit
    got = _read(response, unit, words)
    expected = format_number(question.answer) + (f" {question.unit}" if question.unit else "")
    target = question.answer * (unit.size if unit else 1.0)
    allowed = question.allowed_error * (unit.size if unit else 1.0)
    error = min(abs(v - target) for v in interpretations(got, unit))
    if error <= allowed + _rounding(target):
        return Graded(
            Verdict.CORRECT, expected, "Correct." + _written_in(got, unit), as_number=True
        )
    off = _off_by(error / (unit.size if unit else 1.0), unit, got)
    if allowed > 0 and error <= 2 * allowed:
        return Graded(
            Verdict.CLOSE,
            expected,
            f"Close: the answer is {expected}; yours is {off}.",
            as_number=True,
        )
    return Graded(
        Verdict.INCORRECT, expected, f"The answer is {expected}; yours is {off}.", as_number=True
    )


# ---------------------------------------------------------------- order


def grade_order(question: OrderQuestion, arrangement: Sequence[int]) -> Graded:
    """Grade an arrangement: item indices (0-based, in the question's order) as the learner placed
    them. Exact is correct; a single swap of two items is close."""
    n = len(question.items)
    if sorted(arrangement) != list(range(n)):
        raise ResponseError(f"give each of the {n} items exactly once")
    marks = tuple(item == position for position, item in enumerate(arrangement))
    right = sum(marks)
    expected = " → ".join(question.items)
    if right == n:
        return Graded(Verdict.CORRECT, expected, "Correct.", marks)
    message = f"{right} of {n} positions right."
    if n >= 3 and right == n - 2:
        return Graded(Verdict.CLOSE, expected, message + " Two items are swapped.", marks)
    if n >= 3 and _in_order(arrangement) == n - 1:
        # one item moved far (the last put first) shifts every other position: say so
        message += " The others are in order: moving one item puts them all right."
    return Graded(Verdict.INCORRECT, expected, message, marks)


def _in_order(arrangement: Sequence[int]) -> int:
    """How many items keep their relative order: the longest increasing subsequence."""
    tails: list[int] = []
    for item in arrangement:
        at = bisect.bisect_left(tails, item)
        tails[at : at + 1] = [item]
    return len(tails)


# ---------------------------------------------------------------- text responses


def parse_indices(text: str, count: int) -> list[int]:
    """Read `1,3` or `1 3` or `13` (when each is one digit) as 0-based indices below `count`."""
    tokens = re.split(r"[\s,;]+", text.strip())
    if len(tokens) == 1 and tokens[0].isdigit() and count < 10 and len(tokens[0]) > 1:
        tokens = list(tokens[0])
    try:
        indices = [int(t) - 1 for t in tokens if t]
    except ValueError:
        raise ResponseError(f"expected option numbers like '1,3', got {text!r}") from None
    if not indices:
        raise ResponseError(f"type the numbers of the options, 1 to {count}, like '1,3'")
    if any(not 0 <= i < count for i in indices):
        raise ResponseError(f"numbers must be between 1 and {count}")
    return indices


def grade_text(
    question: QuestionBase | AnswerKey, response: str, shown_order: Sequence[int]
) -> Graded:
    """Grade a response typed as text, as the command line receives it.

    For choice and order questions the numbers refer to the options as shown (`shown_order` maps
    shown position to the question's own index)."""
    key = question if isinstance(question, AnswerKey) else AnswerKey.of(question)
    if key.kind == "typed":
        return grade_typed(key, response)
    if key.kind == "numeric":
        return grade_numeric(key, response)
    if key.kind == "choice":
        picked = parse_indices(response, len(key.choices))
        return grade_choice(key, [shown_order[i] for i in picked])
    placed = parse_indices(response, len(key.items))
    return grade_order(key, [shown_order[i] for i in placed])
