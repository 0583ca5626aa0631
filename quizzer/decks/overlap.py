"""Typed answers that another typed question also accepts, found through indexes.

Grading every answer against every other typed question made `quizzer lint` quadratic (two
thousand typed questions took minutes). `grade_typed` accepts a response in two ways: its
comparison key (`answer_key`) equals the key of one of the question's answers (or, for `name
(other name)`, both names' keys do), or it reads as a number equal to one of the question's
numeric answers. Both are looked up instead:

- a key depends on the prompt only through the generic nouns it uses, so the answers' keys are
  kept in a table per set of such nouns, and each answer's key is computed once per set;
- a number is read in the unit and with the words of the questions it is compared with, so the
  numeric answers are kept as sorted intervals (the value and its rounding allowance) per unit and
  words, and each answer that reads as a number is looked up in each.

Every pair found is confirmed by grading, so the findings are exactly what grading each answer
against each question gives, in time near-linear in the answers (times the few noun sets and
units a deck uses).
"""

from __future__ import annotations

import bisect
from collections.abc import Iterator, Sequence
from dataclasses import dataclass, field

from quizzer.decks.grading import TypedQuestion, Verdict, grade_typed, typed_numbers, unit_words
from quizzer.decks.quantities import (
    Quantity,
    QuantityError,
    Unit,
    compatible,
    interpretations,
    prompt_words,
    read_quantity,
    rules,
)
from quizzer.decks.typed_keys import answer_key, glossed, has_accents


def shared_answers(questions: Sequence[TypedQuestion]) -> list[tuple[int, int, int]]:
    """Every (question, answer, other question) triple of indices, sorted, where answer number
    `answer` of `questions[question]` is graded correct by `questions[other]`."""
    words = [prompt_words(q.prompt) for q in questions]
    found = set(_same_keys(questions, words)) | set(_same_numbers(questions, words))
    return sorted(
        (i, j, o)
        for i, j, o in found
        if grade_typed(questions[o], questions[i].answers[j]).verdict == Verdict.CORRECT
    )


def _same_keys(
    questions: Sequence[TypedQuestion], words: list[frozenset[str]]
) -> Iterator[tuple[int, int, int]]:
    """Triples whose answer has the comparison key of one of the other question's answers."""
    nouns = rules().implied_nouns
    tables: dict[frozenset[str], dict[tuple[bool, str], set[int]]] = {}
    for o, question in enumerate(questions):
        used = words[o] & nouns
        table = tables.setdefault(used, {})
        for answer in question.answers:
            loose = not has_accents(answer)
            table.setdefault((loose, answer_key(answer, used, strip_accents=loose)), set()).add(o)
    for used, table in tables.items():
        flags = {loose for loose, _ in table}
        for i, question in enumerate(questions):
            for j, answer in enumerate(question.answers):
                # `name (other name)` is accepted where both names are: look up the first
                texts = [answer, *(glossed(answer) or ())[:1]]
                for loose, text in ((loose, text) for loose in flags for text in texts):
                    key = answer_key(text, used, strip_accents=loose)
                    for o in table.get((loose, key), ()):
                        if o != i:
                            yield i, j, o


@dataclass(slots=True)
class _Intervals:
    """Closed intervals, each naming a question; which contain a point."""

    items: list[tuple[float, float, int]] = field(default_factory=list)
    _lows: list[float] = field(default_factory=list)
    _reach: list[float] = field(default_factory=list)
    """The highest end among the intervals up to each one, in order of their start."""

    def add(self, centre: float, allowance: float, question: int) -> None:
        # twice the allowance: floating-point rounding must not lose a pair; grading confirms
        self.items.append((centre - 2 * allowance, centre + 2 * allowance, question))

    def freeze(self) -> None:
        """Sort the intervals; call once all are added."""
        self.items.sort()
        self._lows = [low for low, _, _ in self.items]
        reach = float("-inf")
        self._reach = []
        for _, high, _ in self.items:
            reach = max(reach, high)
            self._reach.append(reach)

    def containing(self, point: float) -> Iterator[int]:
        """The questions of the intervals holding `point`."""
        k = bisect.bisect_right(self._lows, point) - 1
        while k >= 0 and self._reach[k] >= point:
            if self.items[k][1] >= point:
                yield self.items[k][2]
            k -= 1


@dataclass(slots=True)
class _Numbers:
    """The numeric answers of the questions that read responses in one unit with one set of
    words, as `grade_typed` compares a number with them."""

    unit: Unit | None
    bare: _Intervals = field(default_factory=_Intervals)
    """Answers without a unit, by value: for a response without one."""
    united: _Intervals = field(default_factory=_Intervals)
    """Answers with a unit, by value in the base unit: for any response."""
    united_as_written: _Intervals = field(default_factory=_Intervals)
    """Answers with a unit, by value in that unit: for a response without one."""
    bare_in_unit: _Intervals = field(default_factory=_Intervals)
    """Answers without a unit, by value in the base unit: for a response with one."""

    def add(self, want: Quantity, question: int) -> None:
        allowance = 1e-9 * abs(want.value)
        based = 1e-9 * abs(want.base(self.unit))
        if want.unit is None:
            self.bare.add(want.value, allowance, question)
            self.bare_in_unit.add(want.base(self.unit), based, question)
        else:
            self.united.add(want.base(self.unit), based, question)
            self.united_as_written.add(want.value, allowance, question)

    def matching(self, got: Quantity) -> set[int]:
        """The questions one of whose numeric answers may equal the response `got`."""
        found: set[int] = set()
        if got.unit is None:
            for reading in got.readings:
                found.update(self.bare.containing(reading.value))
                found.update(self.united_as_written.containing(reading.value))
                if reading.scaled:  # `16k` is 16000 Hz where units take scale words as prefixes
                    found.update(self.united.containing(reading.value))
        for value in interpretations(got, self.unit):
            found.update(self.united.containing(value))
            if got.unit is not None:
                found.update(self.bare_in_unit.containing(value))
        return found


def _same_numbers(
    questions: Sequence[TypedQuestion], words: list[frozenset[str]]
) -> Iterator[tuple[int, int, int]]:
    """Triples whose answer reads as a number equal to one of the other question's numbers."""
    groups: dict[tuple[Unit | None, frozenset[str]], _Numbers] = {}
    for o, question in enumerate(questions):
        numbers = typed_numbers(question, words[o])
        if numbers.values:
            context = (numbers.unit, words[o] | unit_words(numbers.unit))
            # without a unit, grading also lets the prompt's words follow a number: those
            # pairs are found by reading answers with any words after their number (below)
            group = groups.setdefault(context, _Numbers(numbers.unit))
            for _, want in numbers.values:
                group.add(want, o)
    for (unit, context_words), group in groups.items():
        for intervals in (group.bare, group.united, group.united_as_written, group.bare_in_unit):
            intervals.freeze()
        for i, question in enumerate(questions):
            for j, answer in enumerate(question.answers):
                got = _read_answer(answer, unit, context_words)
                if got is None:
                    continue
                if compatible(got.unit, unit):
                    for o in group.matching(got):
                        if o != i:
                            yield i, j, o


def _read_answer(answer: str, unit: Unit | None, words: frozenset[str]) -> Quantity | None:
    """An answer as a response in `unit` reads, or None. Without a unit, the words after its
    number are dropped (`512 samples` is 512): grading lets a response write what the prompt
    counts after the number, and confirms each pair found."""
    try:
        return read_quantity(answer, unit, words)
    except QuantityError:
        if unit is not None:
            return None
    try:
        got = read_quantity(answer, None, words, any_name=True)
    except QuantityError:
        return None
    if got.unit is not None and got.unit.dimension:
        return None
    return Quantity(got.value, None, got.scaled, got.also)
