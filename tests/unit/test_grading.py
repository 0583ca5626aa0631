"""Grading rules for the auto-graded types."""

from __future__ import annotations

import pytest

from quizzer.decks.grading import (
    ResponseError,
    Verdict,
    diff,
    grade_choice,
    grade_numeric,
    grade_order,
    grade_text,
    grade_typed,
    parse_number,
)
from quizzer.decks.models import MultipleChoice, Numeric, Order, Typed

SINGLE = MultipleChoice(
    id="s",
    type="choice",
    prompt="P",
    choices=[{"text": "a", "correct": True}, {"text": "b"}, {"text": "c"}],
)
MULTI = MultipleChoice(
    id="m",
    type="choice",
    prompt="P",
    choices=[
        {"text": "a", "correct": True},
        {"text": "b", "correct": True},
        {"text": "c"},
        {"text": "d", "correct": True},
    ],
)


def typed(*answers: str) -> Typed:
    return Typed(id="t", type="typed", prompt="P", answers=list(answers))


def numeric(answer: float, tolerance: float | str = 0, unit: str | None = None) -> Numeric:
    return Numeric(
        id="n", type="numeric", prompt="P", answer=answer, tolerance=tolerance, unit=unit
    )


# ------------------------------------------------------------------ choice


def test_choice_single_right_and_wrong() -> None:
    assert grade_choice(SINGLE, [0]).verdict == Verdict.CORRECT
    wrong = grade_choice(SINGLE, [1])
    assert wrong.verdict == Verdict.INCORRECT
    assert wrong.expected == "a"
    assert wrong.marks == (True, False, False)
    assert wrong.rating == 1


def test_choice_multi_needs_the_exact_set() -> None:
    assert grade_choice(MULTI, [3, 0, 1]).verdict == Verdict.CORRECT
    partial = grade_choice(MULTI, [0, 1])
    assert partial.verdict == Verdict.INCORRECT
    assert partial.message == "2 of 3 right options chosen."
    mixed = grade_choice(MULTI, [0, 2])
    assert mixed.message == "1 of 3 right options chosen, and 1 wrong one."


def test_choice_out_of_range() -> None:
    with pytest.raises(ResponseError):
        grade_choice(SINGLE, [5])
    with pytest.raises(ResponseError):
        grade_choice(SINGLE, [])


# ------------------------------------------------------------------ typed


@pytest.mark.parametrize(
    "response",
    ["Paris", "paris", "  PARIS  ", "paris.", "Paris!", "ｐａｒｉｓ", "the  city of   light"],
)
def test_typed_forgives_case_space_punctuation_width(response: str) -> None:
    assert grade_typed(typed("Paris", "the city of light"), response).verdict == Verdict.CORRECT


def test_typed_forgives_accents_only_where_answer_has_none() -> None:
    assert grade_typed(typed("cafe"), "café").verdict == Verdict.CORRECT
    assert grade_typed(typed("tiếng"), "tieng").verdict != Verdict.CORRECT
    assert grade_typed(typed("tiếng"), "TIẾNG").verdict == Verdict.CORRECT


def test_typed_near_miss_is_close_and_shows_expected() -> None:
    result = grade_typed(typed("spectrogram"), "spectogram")
    assert result.verdict == Verdict.CLOSE
    assert result.expected == "spectrogram"
    assert result.rating == 2
    assert grade_typed(typed("blank"), "blnak").verdict == Verdict.CLOSE  # one transposition


def test_typed_short_answers_have_no_near_miss() -> None:
    assert grade_typed(typed("CTC"), "CTX").verdict == Verdict.INCORRECT
    assert grade_typed(typed("10"), "11").verdict == Verdict.INCORRECT


def test_typed_far_miss_is_incorrect() -> None:
    assert grade_typed(typed("spectrogram"), "waveform").verdict == Verdict.INCORRECT


def test_typed_alias_counts() -> None:
    result = grade_typed(
        typed("CTC", "connectionist temporal classification"),
        "Connectionist Temporal Classification",
    )
    assert result.verdict == Verdict.CORRECT


def test_diff_marks_wrong_and_missing() -> None:
    assert diff("spectogram", "spectrogram") == [
        ("equal", "spect"),
        ("missing", "r"),
        ("equal", "ogram"),
    ]
    assert diff("cat", "cut") == [("equal", "c"), ("wrong", "a"), ("missing", "u"), ("equal", "t")]


# ------------------------------------------------------------------ numeric


@pytest.mark.parametrize(
    "text",
    [
        "680000",
        "680,000",
        "680k",
        "680K",
        "6.8e5",
        "680 000",
        "680000 hours",
        "680,000 hours",
        "680k hours",
        "0.68 million",
        "680 thousand",
    ],
)
def test_numeric_accepts_common_writings(text: str) -> None:
    assert grade_numeric(numeric(680000, unit="hours"), text).verdict == Verdict.CORRECT


def test_numeric_unit_singular_and_wrong_unit() -> None:
    assert parse_number("1 hour", "hours") == 1
    with pytest.raises(ResponseError):
        parse_number("5 days", "hours")
    with pytest.raises(ResponseError):
        parse_number("lots")


def test_numeric_metres_are_not_millions() -> None:
    assert parse_number("5 m", "m") == 5
    assert parse_number("5m") == 5_000_000


def test_numeric_decimal_comma() -> None:
    assert parse_number("0,5") == 0.5
    assert parse_number("-3") == -3


def test_numeric_tolerance_absolute_and_relative() -> None:
    assert grade_numeric(numeric(100, 5), "104").verdict == Verdict.CORRECT
    assert grade_numeric(numeric(100, 5), "109").verdict == Verdict.CLOSE
    assert grade_numeric(numeric(100, 5), "111").verdict == Verdict.INCORRECT
    assert grade_numeric(numeric(200, "5%"), "210").verdict == Verdict.CORRECT
    assert grade_numeric(numeric(200, "5%"), "211").verdict == Verdict.CLOSE
    exact = grade_numeric(numeric(16000), "16001")
    assert exact.verdict == Verdict.INCORRECT
    assert exact.expected == "16,000"


# ------------------------------------------------------------------ order

ORDER = Order(id="o", type="order", prompt="P", items=["a", "b", "c", "d"])


def test_order_exact_is_correct() -> None:
    assert grade_order(ORDER, [0, 1, 2, 3]).verdict == Verdict.CORRECT


def test_order_counts_positions_right() -> None:
    result = grade_order(ORDER, [1, 0, 2, 3])
    assert result.verdict == Verdict.CLOSE  # a single swap
    assert result.message.startswith("2 of 4 positions right.")
    result = grade_order(ORDER, [3, 2, 1, 0])
    assert result.verdict == Verdict.INCORRECT
    assert result.marks == (False, False, False, False)
    assert result.message == "0 of 4 positions right."


def test_order_needs_every_item_once() -> None:
    with pytest.raises(ResponseError):
        grade_order(ORDER, [0, 0, 1, 2])


# ------------------------------------------------------------------ text responses (CLI)


def test_text_response_uses_shown_order() -> None:
    shown = [2, 0, 1]  # option 1 on screen is choice index 2 ("c"), option 2 is "a"
    assert grade_text(SINGLE, "2", shown).verdict == Verdict.CORRECT
    assert grade_text(SINGLE, "1", shown).verdict == Verdict.INCORRECT
    assert grade_text(ORDER, "2 3 4 1", [3, 0, 1, 2]).verdict == Verdict.CORRECT
    assert grade_text(ORDER, "2341", [3, 0, 1, 2]).verdict == Verdict.CORRECT
