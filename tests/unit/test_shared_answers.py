"""Lint's check for typed answers another question also accepts: the same findings as grading
every answer against every question, without doing so."""

from __future__ import annotations

import random
import sys
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest

from quizzer.cli import main
from quizzer.decks.grading import Verdict, grade_typed
from quizzer.decks.models import Typed
from quizzer.decks.overlap import shared_answers

PROMPTS = [
    "Which model?",
    "Which vocoder model is it?",
    "Which loss and which metric?",
    "How long is the window?",
    "How much faster than real time?",
    "How many parameters?",
    "Which codec's decoder?",
    "Name it.",
    "How many samples per hop?",
    "Over how many samples per hop?",
]
ANSWERS = [
    "HiFi-GAN",
    "HiFi GAN model",
    "the HiFiGAN",
    "hifi-gan vocoder",
    "Café",
    "cafe",
    "CAFÉ.",
    "tiếng",
    "tieng",
    "25 ms",
    "0.025 s",
    "25",
    "25ms",
    "1 day",
    "24 hours",
    "2.8x",
    "2.8 times",
    "2.8",
    "65M",
    "65 million",
    "65,000,000",
    "65000000",
    "16 kHz",
    "16000 Hz",
    "16 000",
    "512 samples",
    "512",
    "CTC loss",
    "CTC",
    "Name2",
    "Name-V2",
    "name v2",
    "0",
    "0.0",
    "1e-12",
    "1e-10",
    "-3",
    "3",
    "1e-3",
    "1e3",
    "24 kHz",
    "24000 Hz",
    "24000",
    "SNAC codec",
    "SNAC",
    "~25 ms",
    "over 512",
    "512+",
    "16.000",
    "1.234,5 ms",
    "16k",
    "16000 samples/s",
    "2 kB",
    "2000 B",
    "HiFi-GAN (HiFiGAN)",
    "SNAC (snac codec)",
    "Café (CTC)",
]


def brute_force(questions: list[Typed]) -> list[tuple[int, int, int]]:
    return [
        (i, j, o)
        for i, question in enumerate(questions)
        for j, answer in enumerate(question.answers)
        for o, other in enumerate(questions)
        if o != i and grade_typed(other, answer).verdict == Verdict.CORRECT
    ]


@pytest.mark.parametrize("seed", range(6))
def test_the_findings_are_those_of_grading_every_pair(seed: int) -> None:
    """Names, accents, articles, implied nouns, ratios, counts with scales, and numbers in units
    converted to others: the index finds exactly the pairs grading finds."""
    rng = random.Random(seed)
    questions = [
        Typed(
            id=f"q{n}",
            type="typed",
            prompt=rng.choice(PROMPTS),
            answers=rng.sample(ANSWERS, rng.randint(1, 3)),
        )
        for n in range(40)
    ]
    found = shared_answers(questions)
    assert found == brute_force(questions)
    assert found  # the pool is made to overlap


def test_opposite_signs_are_not_shared() -> None:
    questions = [
        Typed(id="a", type="typed", prompt="Low?", answers=["-5"]),
        Typed(id="b", type="typed", prompt="High?", answers=["5"]),
        Typed(id="c", type="typed", prompt="Step?", answers=["1e-3"]),
        Typed(id="d", type="typed", prompt="Size?", answers=["1e3"]),
    ]
    assert shared_answers(questions) == []


def test_a_count_with_a_scale_word_is_shared_with_an_answer_in_a_prefixed_unit() -> None:
    """`16k` is 16 kHz, also when the question's answers are in a unit of another dimension."""
    questions = [
        Typed(id="a", type="typed", prompt="Which model?", answers=["16k"]),
        Typed(id="b", type="typed", prompt="Name it.", answers=["24 hours", "16 kHz"]),
    ]
    assert shared_answers(questions) == brute_force(questions) == [(0, 0, 1)]


def test_a_number_followed_by_what_the_prompt_counts_is_shared() -> None:
    questions = [
        Typed(id="a", type="typed", prompt="How many samples per hop?", answers=["512"]),
        Typed(id="b", type="typed", prompt="Hop?", answers=["512 samples"]),
        Typed(id="c", type="typed", prompt="How many frames per hop?", answers=["513"]),
    ]
    assert shared_answers(questions) == brute_force(questions) == [(0, 0, 1), (1, 0, 0)]


def typed_deck(n: int) -> str:
    rows = [
        f"  - {{id: q{i}, type: typed, prompt: Which model is number {i}?, "
        f"answers: [Model {i}, '{i + 1} ms', M{i}], explanation: E, source: S}}"
        for i in range(n)
    ]
    rows.append(
        "  - {id: twin, type: typed, prompt: Which model?, answers: [model 7 model], "
        "explanation: E, source: S}"
    )
    return "title: T\nquestions:\n" + "\n".join(rows) + "\n"


def test_lint_grades_each_answer_against_a_few_questions_not_all(
    write_deck: Callable[[str, str], Path],
    monkeypatch: pytest.MonkeyPatch,
    capsys: pytest.CaptureFixture[str],
) -> None:
    """A deck of 300 typed questions is graded a few times per question (the pairs found), not
    300 times per answer, and still gives its one finding."""
    path = write_deck("d/typed", typed_deck(300))
    calls = 0

    def counting(question: Any, response: str) -> Any:
        nonlocal calls
        calls += 1
        return grade_typed(question, response)

    for name, module in list(sys.modules.items()):
        if name.startswith("quizzer.decks.") and getattr(module, "grade_typed", None):
            monkeypatch.setattr(module, "grade_typed", counting)
    assert main(["lint", str(path)]) == 0
    out = capsys.readouterr().out.splitlines()
    assert [line.split(": warning: ")[1] for line in out] == [
        "answer 'Model 7' of 'q7' is also accepted by 'twin'",
        "answer 'model 7 model' of 'twin' is also accepted by 'q7'",
    ]
    assert calls <= 3 * 300
