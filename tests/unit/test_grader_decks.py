"""The grader over the bundled decks, in both directions.

Every typed question accepts what a learner who knows the answer would type (its accepted answers
with case, spacing, punctuation, articles, the prompt's generic nouns, name spellings, units and
ratio signs changed) and rejects the accepted answers of every other typed question of its deck.
Every numeric question accepts its value however it is written (units spaced or attached, another
unit of the same dimension, digit grouping, scale words) and rejects values off by more than its
tolerance.
"""

from __future__ import annotations

import functools
import re
from collections.abc import Iterator

import pytest

from quizzer.decks.grading import Verdict, format_number, grade_numeric, grade_typed
from quizzer.decks.models import Numeric, QuestionBase, Typed
from quizzer.decks.quantities import (
    Quantity,
    QuantityError,
    Unit,
    prompt_words,
    question_unit,
    read_quantity,
    rules,
)
from quizzer.decks.tree import load_tree
from quizzer.paths import bundled_decks

KNOWN_SYNONYMS: dict[frozenset[str], str] = {}
"""Pairs of typed questions of one deck that rightly accept the same answer, with the reason."""


@functools.cache
def _questions() -> list[tuple[str, QuestionBase]]:
    tree = load_tree(bundled_decks())
    assert not tree.problems
    return [
        (f"{deck_id}:{q.id}", q)
        for deck_id in tree.ordered()
        for q in tree.decks[deck_id].deck.questions
    ]


def _typed() -> list[tuple[str, Typed]]:
    return [(cid, q) for cid, q in _questions() if isinstance(q, Typed)]


def _numeric() -> list[tuple[str, Numeric]]:
    return [(cid, q) for cid, q in _questions() if isinstance(q, Numeric)]


# ------------------------------------------------------------------ variants a learner types


_PART_SEPARATOR = re.compile(r"(?<!\d)[ -](?!\d)|(?<=[^\W\d])[ -](?=\d)|(?<=\d)[ -](?=[^\W\d])")


def _spellings(answer: str) -> Iterator[str]:
    """The answer with its name parts joined by a hyphen, a space, or nothing (never between two
    digits, where the separator is part of the meaning)."""
    if _PART_SEPARATOR.search(answer):
        for joint in ("-", " ", ""):
            yield _PART_SEPARATOR.sub(joint, answer)


def _units_of(unit: Unit) -> list[tuple[str, float]]:
    """Other units of the unit's dimension, with their size."""
    return [
        (name, size)
        for name, (dimension, size) in rules().units.items()
        if dimension == unit.dimension and name.isascii() and " " not in name
    ]


def _plain(value: float) -> str:
    return format_number(value).replace(",", "")


def _number_variants(quantity: Quantity, prompt: frozenset[str]) -> Iterator[str]:
    """How else the same number could be written."""
    value = quantity.value
    written = quantity.unit
    if written is None or not written.dimension:
        name = f" {written.name}" if written else ""
        if value >= 10_000 and value == int(value):
            yield f"{int(value):,}".replace(",", " ") + name
            yield f"{int(value):,}" + name
        return
    if written.dimension == "ratio":
        for sign in ("×", " times", "-fold", "x"):
            yield f"{_plain(value)}{sign}"
        for word in sorted(prompt & rules().comparatives):
            yield f"{_plain(value)} times {word}"
        return
    base = value * written.size
    for name, size in _units_of(written):
        converted = base / size
        if 1e-3 <= abs(converted) < 1e7 and float(f"{converted:.6g}") == converted:
            yield f"{_plain(converted)} {name}"
            yield f"{_plain(converted)}{name}"


def typed_variants(question: Typed) -> Iterator[tuple[str, str]]:
    """(variant, what was changed) for each accepted answer of a typed question."""
    words = prompt_words(question.prompt)
    nouns = sorted(words & rules().implied_nouns)
    for answer in question.answers:
        yield answer.upper(), "upper case"
        yield answer.lower(), "lower case"
        yield f"  {answer}  ", "surrounding spaces"
        yield answer.replace(" ", "  "), "doubled spaces"
        yield answer + ".", "trailing full stop"
        has_article = answer.split()[0].casefold() in rules().articles
        if not has_article:
            yield f"The {answer}", "leading article"
        for noun in nouns:
            plural = noun + ("es" if noun.endswith(("s", "x", "ch", "sh")) else "s")
            yield f"{answer} {noun}", f"implied noun {noun!r}"
            article = "" if has_article else "the "
            yield f"{article}{answer} {plural}", f"plural implied noun {noun!r}"
        for spelling in [] if has_article else _spellings(answer):
            yield spelling, "name spelling"
        try:
            quantity = read_quantity(answer, None, words, any_name=True)
        except QuantityError:
            continue
        for variant in _number_variants(quantity, words):
            yield variant, "number written otherwise"


def numeric_variants(question: Numeric) -> Iterator[tuple[str, str]]:
    """(variant, what was changed) for the right value of a numeric question."""
    value = question.answer
    unit, _ = question_unit(question.unit)
    plain = _plain(value)
    yield plain, "bare number"
    yield f" {plain} ", "surrounding spaces"
    if question.unit:
        yield f"{plain} {question.unit}", "unit after a space"
        yield f"{plain}{question.unit}", "unit attached"
        yield f"{plain} {question.unit.upper()}", "unit in capitals"
    if abs(value) >= 10_000 and value == int(value):
        yield f"{int(value):,}", "thousands commas"
        yield f"{int(value):,}".replace(",", " "), "thousands spaces"
        if value % 1000 == 0:
            yield f"{int(value) // 1000}k", "k for thousands"
    if value and value == int(value) and abs(value) >= 100:
        mantissa, exponent = f"{value:e}".split("e")
        yield f"{mantissa.rstrip('0').rstrip('.')}e{int(exponent)}", "scientific notation"
    if unit is not None and unit.dimension == "ratio":
        yield f"{plain}×", "multiplication sign"
        yield f"{plain} times", "the word times"
    if unit is not None and unit.dimension not in {"", "ratio", "count"}:
        for variant in _number_variants(Quantity(value, unit), frozenset()):
            yield variant, "another unit of the same dimension"
    if unit is not None and unit.dimension == "count":
        yield _plain(value * unit.size), "the count written out"


# ------------------------------------------------------------------ tests


def test_the_bundled_decks_have_typed_and_numeric_questions() -> None:
    assert len(_typed()) >= 80
    assert len(_numeric()) >= 150


@pytest.mark.parametrize("card_id,question", _typed(), ids=[c for c, _ in _typed()])
def test_typed_accepts_every_variant_of_its_answers(card_id: str, question: Typed) -> None:
    refused = [
        f"{variant!r} ({why}): {graded.verdict}"
        for variant, why in typed_variants(question)
        if (graded := grade_typed(question, variant)).verdict != Verdict.CORRECT
    ]
    assert not refused, f"{card_id} refuses:\n" + "\n".join(refused)


@pytest.mark.parametrize("card_id,question", _typed(), ids=[c for c, _ in _typed()])
def test_typed_refuses_the_answers_of_the_other_questions_of_its_deck(
    card_id: str, question: Typed
) -> None:
    deck = card_id.split(":")[0]
    accepted = []
    for other_id, other in _typed():
        if other_id == card_id or other_id.split(":")[0] != deck:
            continue
        if frozenset({card_id, other_id}) in KNOWN_SYNONYMS:
            continue
        for answer in other.answers:
            verdict = grade_typed(question, answer).verdict
            if verdict != Verdict.INCORRECT:
                accepted.append(f"{answer!r} of {other_id}: {verdict}")
    assert not accepted, f"{card_id} accepts:\n" + "\n".join(accepted)


@pytest.mark.parametrize("card_id,question", _numeric(), ids=[c for c, _ in _numeric()])
def test_numeric_accepts_its_value_however_written(card_id: str, question: Numeric) -> None:
    refused = []
    for variant, why in numeric_variants(question):
        try:
            verdict = grade_numeric(question, variant).verdict
        except ValueError as exc:
            refused.append(f"{variant!r} ({why}): {exc}")
            continue
        if verdict != Verdict.CORRECT:
            refused.append(f"{variant!r} ({why}): {verdict}")
    assert not refused, f"{card_id} refuses:\n" + "\n".join(refused)


def _step(value: float) -> float:
    """A small amount that changes the number's last written digit."""
    text = f"{value:g}"
    decimals = len(text.split(".")[1]) if "." in text and "e" not in text else 0
    return 10.0**-decimals


@pytest.mark.parametrize("card_id,question", _numeric(), ids=[c for c, _ in _numeric()])
def test_numeric_refuses_values_off_by_more_than_its_tolerance(
    card_id: str, question: Numeric
) -> None:
    allowed = question.allowed_error
    for sign in (1, -1):
        close = question.answer + sign * 1.5 * allowed
        far = question.answer + sign * (2 * allowed + _step(question.answer))
        far_text = f"{far:.10g}"
        assert grade_numeric(question, far_text).verdict == Verdict.INCORRECT, far_text
        if allowed:
            verdict = grade_numeric(question, f"{close:.10g}").verdict
            assert verdict == Verdict.CLOSE, f"{close:.10g}: {verdict}"


def counts() -> dict[str, int]:
    """The figures these tests cover (printed by `python -m tests.unit.test_grader_decks`)."""
    typed, numeric = _typed(), _numeric()
    cross = sum(
        len(b.answers)
        for a_id, _ in typed
        for b_id, b in typed
        if a_id != b_id and a_id.split(":")[0] == b_id.split(":")[0]
    )
    return {
        "typed questions": len(typed),
        "typed variants accepted": sum(len(list(typed_variants(q))) for _, q in typed),
        "cross-answers rejected": cross,
        "numeric questions": len(numeric),
        "numeric variants accepted": sum(len(list(numeric_variants(q))) for _, q in numeric),
        "numeric off values rejected": sum(4 if q.allowed_error else 2 for _, q in numeric),
    }


if __name__ == "__main__":
    for name, count in counts().items():
        print(f"{count:6} {name}")


def test_the_answer_key_grades_every_bundled_question_as_the_question_does() -> None:
    """The card index's copy of a question (`AnswerKey`, through JSON) gives the same verdict,
    message and expected answer for right, wrong and unreadable responses, and numbers the
    shown options alike."""
    import json

    from quizzer.decks.faces import shown_order
    from quizzer.decks.grading import AnswerKey, ResponseError, grade_text

    tree = load_tree(bundled_decks())
    checked = set()
    for deck_id, loaded in tree.decks.items():
        for q in loaded.deck.questions:
            if not q.auto_graded:
                continue
            key = AnswerKey.from_data(json.loads(json.dumps(AnswerKey.of(q).to_data())))
            seed = f"{deck_id}:{q.id}/3"
            order = shown_order(q, seed)
            assert key.shown_order(seed) == order
            responses = ["1", "2,1", "1 2 3", "zzz", "", "42", "1e3 ms", "0.5"]
            responses += list(getattr(q, "answers", []))
            if isinstance(q, Numeric):
                responses += [format_number(q.answer), f"{q.answer * 1.1} {q.unit or ''}"]
            for response in responses:
                try:
                    want = grade_text(q, response, order)
                except ResponseError as exc:
                    with pytest.raises(ResponseError, match=re.escape(str(exc))):
                        grade_text(key, response, order)
                    continue
                assert grade_text(key, response, order) == want, (deck_id, q.id, response)
            checked.add(q.kind)
    assert checked == {"choice", "typed", "numeric", "order"}
