"""Grading of auto-graded questions: pure functions from a question and a response to a verdict.

Each returns a `Graded`: correct, close or incorrect, the expected answer as it should be shown, and
a sentence for the learner. Ratings follow from verdicts (incorrect: Again, close: Hard,
correct: Good).
"""

from __future__ import annotations

import difflib
import math
import re
import unicodedata
from collections.abc import Sequence
from dataclasses import dataclass, field
from enum import StrEnum

from quizzer.decks.models import MultipleChoice, Numeric, Order, QuestionBase, Typed


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

    @property
    def rating(self) -> int:
        """The suggested FSRS rating: Again (1), Hard (2) or Good (3)."""
        return {Verdict.INCORRECT: 1, Verdict.CLOSE: 2, Verdict.CORRECT: 3}[self.verdict]


class ResponseError(ValueError):
    """A response that cannot be read for this question (e.g. choice number out of range)."""


# ---------------------------------------------------------------- choice


def grade_choice(question: MultipleChoice, chosen: Sequence[int]) -> Graded:
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
        message += f", and {wrong} wrong one{'s' if wrong != 1 else ''}." if wrong else "."
        return Graded(Verdict.INCORRECT, expected, message, marks)
    return Graded(Verdict.INCORRECT, expected, f"The answer is: {expected}", marks)


# ---------------------------------------------------------------- typed

_TRAILING = ".,;:!?。、"


def normalize(text: str, *, strip_accents: bool = False) -> str:
    """Fold a typed answer for comparison: NFKC, case, spacing, trailing punctuation, and accents
    when `strip_accents`."""
    text = unicodedata.normalize("NFKC", text).casefold()
    text = " ".join(text.split()).strip().rstrip(_TRAILING).strip()
    if strip_accents:
        decomposed = unicodedata.normalize("NFD", text)
        text = unicodedata.normalize(
            "NFC", "".join(ch for ch in decomposed if not unicodedata.combining(ch))
        )
    return text


def _has_accents(text: str) -> bool:
    return any(unicodedata.combining(ch) for ch in unicodedata.normalize("NFD", text))


def edit_distance(a: str, b: str) -> int:
    """Edit distance where a swap of two neighbouring characters counts as one edit
    (optimal string alignment), so `blnak` is one edit from `blank`."""
    rows = [list(range(len(b) + 1))]
    for i in range(1, len(a) + 1):
        row = [i] + [0] * len(b)
        for j in range(1, len(b) + 1):
            cost = a[i - 1] != b[j - 1]
            row[j] = min(rows[i - 1][j] + 1, row[j - 1] + 1, rows[i - 1][j - 1] + cost)
            if i > 1 and j > 1 and a[i - 1] == b[j - 2] and a[i - 2] == b[j - 1]:
                row[j] = min(row[j], rows[i - 2][j - 2] + 1)
        rows.append(row)
    return rows[-1][-1]


def near_miss_allowance(expected: str) -> int:
    """How many edits still count as `close`: none below 4 characters, then about one in six."""
    if len(expected) < 4 or expected.replace(".", "").isdigit():
        return 0
    return max(1, min(3, len(expected) // 6))


def grade_typed(question: Typed, response: str) -> Graded:
    """Grade free text against every accepted answer."""
    expected = question.answers[0]
    if not response.strip():
        raise ResponseError("type an answer")
    best: tuple[int, str] | None = None
    for answer in question.answers:
        loose = not _has_accents(answer)
        want = normalize(answer, strip_accents=loose)
        got = normalize(response, strip_accents=loose)
        if got == want:
            return Graded(Verdict.CORRECT, answer, "Correct.")
        distance = edit_distance(got, want)
        if distance <= near_miss_allowance(want) and (best is None or distance < best[0]):
            best = (distance, answer)
    if best is not None:
        return Graded(Verdict.CLOSE, best[1], f"Almost: the answer is {best[1]!r}.")
    return Graded(Verdict.INCORRECT, expected, f"The answer is {expected!r}.")


def diff(response: str, expected: str) -> list[tuple[str, str]]:
    """Character spans of the response against the expected answer, for display.

    Each span is (`equal` | `wrong` | `missing`, text): `wrong` is typed but not expected,
    `missing` is expected but not typed."""
    spans: list[tuple[str, str]] = []
    matcher = difflib.SequenceMatcher(None, response, expected, autojunk=False)
    for op, i1, i2, j1, j2 in matcher.get_opcodes():
        if op == "equal":
            spans.append(("equal", response[i1:i2]))
            continue
        if i2 > i1:
            spans.append(("wrong", response[i1:i2]))
        if j2 > j1:
            spans.append(("missing", expected[j1:j2]))
    return spans


# ---------------------------------------------------------------- numeric

_SCALE = {
    "k": 1e3,
    "thousand": 1e3,
    "m": 1e6,
    "mn": 1e6,
    "million": 1e6,
    "b": 1e9,
    "bn": 1e9,
    "billion": 1e9,
}
_NUMBER = re.compile(
    r"^\s*(?P<num>[-+−]?(?:\d[\d,  _]*)?(?:[.]\d+)?(?:e[-+]?\d+)?)\s*"
    r"(?P<scale>k|thousand|mn|million|m|bn|billion|b)?(?![a-z])\s*(?P<rest>.*?)\s*$",
    re.IGNORECASE,
)


def parse_number(text: str, unit: str | None = None) -> float:
    """Read a number as people write it: `680000`, `680,000`, `680 000`, `680k`, `6.8e5`, with
    the unit after it if any. Raise ResponseError when it is not a number."""
    text = unicodedata.normalize("NFKC", text).strip()
    match = _NUMBER.match(text)
    if not match or not re.search(r"\d", match.group("num")):
        raise ResponseError(f"{text!r} is not a number")
    number = match.group("num").replace("−", "-").replace(" ", "").replace("_", "")
    rest = match.group("rest")
    scale_word = (match.group("scale") or "").lower()
    if scale_word and unit and rest == "" and _same_unit(scale_word, unit):
        scale_word, rest = "", scale_word  # "5 m" with unit "m" means metres, not millions
    if rest and not (unit and _same_unit(rest, unit)):
        raise ResponseError(
            f"could not read {text!r} as a number" + (f" of {unit}" if unit else "")
        )
    if "," in number:
        groups = number.lstrip("+-").split(".")[0].split(",")
        if all(len(g) == 3 for g in groups[1:]) and 1 <= len(groups[0]) <= 3:
            number = number.replace(",", "")
        elif number.count(",") == 1 and "." not in number:
            number = number.replace(",", ".")  # decimal comma
        else:
            raise ResponseError(f"{text!r} is not a number")
    try:
        value = float(number)
    except ValueError:
        raise ResponseError(f"{text!r} is not a number") from None
    return value * _SCALE.get(scale_word, 1.0)


def _same_unit(written: str, unit: str) -> bool:
    a = written.strip().casefold().rstrip(".")
    b = unit.strip().casefold()
    return a == b or a.rstrip("s") == b.rstrip("s")


def format_number(value: float) -> str:
    """A number as shown to learners: no trailing `.0`, thousands separated."""
    if math.isfinite(value) and value == int(value):
        return f"{int(value):,}"
    return f"{value:,.6g}" if abs(value) >= 1e6 else f"{value:g}"


def grade_numeric(question: Numeric, response: str) -> Graded:
    """Grade a number: within the tolerance is correct, within twice a non-zero tolerance close."""
    value = parse_number(response, question.unit)
    expected = format_number(question.answer) + (f" {question.unit}" if question.unit else "")
    allowed = question.allowed_error
    error = abs(value - question.answer)
    if error <= allowed + 1e-9 * max(1.0, abs(question.answer)):
        return Graded(Verdict.CORRECT, expected, "Correct.")
    if allowed > 0 and error <= 2 * allowed:
        return Graded(Verdict.CLOSE, expected, f"Close: the answer is {expected}.")
    return Graded(Verdict.INCORRECT, expected, f"The answer is {expected}.")


# ---------------------------------------------------------------- order


def grade_order(question: Order, arrangement: Sequence[int]) -> Graded:
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
    return Graded(Verdict.INCORRECT, expected, message, marks)


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
    if not indices or any(not 0 <= i < count for i in indices):
        raise ResponseError(f"numbers must be between 1 and {count}")
    return indices


def grade_text(question: QuestionBase, response: str, shown_order: Sequence[int]) -> Graded:
    """Grade a response typed as text, as the command line receives it.

    For choice and order questions the numbers refer to the options as shown (`shown_order` maps
    shown position to the question's own index)."""
    if isinstance(question, Typed):
        return grade_typed(question, response)
    if isinstance(question, Numeric):
        return grade_numeric(question, response)
    if isinstance(question, MultipleChoice):
        picked = parse_indices(response, len(question.choices))
        return grade_choice(question, [shown_order[i] for i in picked])
    if isinstance(question, Order):
        placed = parse_indices(response, len(question.items))
        return grade_order(question, [shown_order[i] for i in placed])
    raise ResponseError(f"{question.kind} questions are self-graded: give a rating instead")
