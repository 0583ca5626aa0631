"""Every mistake an author can make is one located line, and nothing else breaks."""

from __future__ import annotations

import textwrap
import time
from pathlib import Path

import pytest

from quizzer.decks.loader import LoadedDeck, Problem, load_bytes
from quizzer.decks.models import Basic, MultipleChoice, Numeric, Order, Typed
from quizzer.decks.tree import load_tree

HEADER = "title: T\nquestions:\n"


def problems(text: str, *, dedent: bool = True) -> list[Problem]:
    data = (textwrap.dedent(text) if dedent else text).encode("utf-8")
    result = load_bytes(data, "d/deck", "d/deck.yaml")
    assert not isinstance(result, LoadedDeck), "expected problems"
    return result


def one(text: str) -> Problem:
    found = problems(text)
    assert len(found) == 1, found
    return found[0]


def test_valid_deck_loads(sample_tree: Path) -> None:
    tree = load_tree(sample_tree.parent.parent)
    assert tree.problems == []
    deck = tree.decks["demo/sample"]
    assert [q.type for q in deck.deck.questions] == [
        "basic",
        "cloze",
        "choice",
        "typed",
        "numeric",
        "order",
    ]
    assert deck.lines["cloze-q"] == 12


def test_yaml_syntax_error_is_located() -> None:
    p = one("title: T\nquestions:\n  - id: a\n    prompt: x\n    answer: y: z\n")
    assert (p.line, p.message.startswith("YAML syntax error")) == (5, True)
    assert str(p).startswith("d/deck.yaml:5:")


def test_an_unclosed_quote_or_bracket_is_located_where_it_opens() -> None:
    """The parser gives up far below (at the end of the file, or at the next key): the error
    names the line and column of the quote or bracket left open."""
    rest = "    source: s\n  - id: b\n    type: basic\n"
    p = one(f'{HEADER}  - id: a\n    type: basic\n    prompt: P\n    answer: "four\n{rest}')
    assert (p.line, p.column) == (6, 13)
    assert p.message == "YAML syntax error: the quoted text that starts here is never closed"
    p = one(f"{HEADER}  - id: a\n    prompt: [unclosed\n    answer: four\n")
    assert (p.line, p.column) == (4, 13)
    assert p.message.startswith("YAML syntax error: the [ list that starts here is not closed")
    assert p.message.endswith("(line 5, column 11)")
    p = one(f"{HEADER}  - id: a\n    prompt: [unclosed\n")
    assert (p.line, p.column) == (4, 13)
    assert p.message == "YAML syntax error: the [ list that starts here is never closed"


@pytest.mark.parametrize(
    ("lines", "at", "cause"),
    [
        # a colon and a space inside unquoted text start a key
        (["    prompt: Why: because?"], (4, 16), "; a text holding ': ' must be quoted ('...')"),
        # one space too many: the line reads as the value above it continued
        (["     prompt: P"], (4, 12), "; is this line indented more than the one above?"),
        # the cloze the authoring guide says to quote
        (
            ["    text: {{c1::merges}} repeats"],
            (4, 26),
            "; a text that starts with '{' or '[' must be quoted ('{{c1::...}} ...')",
        ),
        (["    prompt: [x] or y?"], (4, 17), "; a text that starts with '{' or '[' must be quoted"),
    ],
)
def test_a_yaml_error_says_what_the_author_most_likely_did(
    lines: list[str], at: tuple[int, int], cause: str
) -> None:
    p = one(HEADER + "  - id: a\n" + "\n".join(lines) + "\n    answer: A\n")
    assert (p.line, p.column) == at
    assert p.message.startswith("YAML syntax error: ") and p.message.endswith(cause), p.message


@pytest.mark.parametrize(
    ("line", "message"),
    [
        (
            "text: '{{c1::x}}'",
            None,
        ),
        (
            "text: {{c1::x}}",
            "a text that starts with '{' must be quoted ('{{c1::...}} ...'): YAML reads it as a "
            "mapping",
        ),
        (
            "text: {x}",
            "'text' must be text, not a mapping; a text that starts with '{' must be quoted",
        ),
        (
            "text: [x]",
            "'text' must be text, not a list; a text that starts with '[' must be quoted",
        ),
    ],
)
def test_text_that_yaml_reads_as_a_mapping_or_list_asks_for_quotes(
    line: str, message: str | None
) -> None:
    text = f"{HEADER}  - id: a\n    type: cloze\n    {line}\n"
    if message is None:
        loaded = load_bytes(text.encode(), "d/deck", "d/deck.yaml")
        assert isinstance(loaded, LoadedDeck)
        return
    p = one(text)
    assert (p.line, p.message) == (5, message)


def test_tab_indentation() -> None:
    p = one("title: T\nquestions:\n\t- id: a\n")
    assert (p.line, p.column) == (3, 1)
    assert "tab character" in p.message


def test_duplicate_keys_are_reported_not_kept() -> None:
    found = problems(
        """\
        title: T
        questions:
          - id: a
            type: basic
            prompt: P
            prompt: Q
            answer: A
        """
    )
    assert [(p.line, p.column, p.message) for p in found] == [
        (6, 5, "duplicate key 'prompt' (first defined on line 5)")
    ]


def test_wrong_type() -> None:
    p = one(HEADER + "  - id: a\n    type: basic\n    prompt: [x, y]\n    answer: A\n")
    assert (p.line, p.column) == (5, 13)
    assert (
        p.message == "'prompt' must be text, not a list; a text that starts with '[' must be quoted"
    )


def test_missing_key() -> None:
    p = one(HEADER + "  - id: a\n    type: basic\n    prompt: P\n")
    assert (p.line, p.column) == (3, 5)
    assert p.message == "missing required key 'answer'"


def test_unknown_key_suggests_nearest() -> None:
    p = one(HEADER + "  - id: a\n    type: basic\n    promt: P\n    prompt: P\n    answer: A\n")
    assert (p.line, p.column) == (5, 5)
    assert p.message == "unknown key 'promt', did you mean 'prompt'?"


def test_unknown_top_level_key() -> None:
    p = one("title: T\ntittle: X\nquestions:\n  - {id: a, type: basic, prompt: P, answer: A}\n")
    assert (p.line, p.message) == (2, "unknown key 'tittle', did you mean 'title'?")


def test_unknown_question_type() -> None:
    p = one(HEADER + "  - id: a\n    type: mcq\n    prompt: P\n")
    assert (p.line, p.column) == (4, 11)
    assert p.message.startswith("unknown question type 'mcq'; expected one of basic, cloze")


def test_missing_question_type() -> None:
    p = one(HEADER + "  - id: a\n    prompt: P\n")
    assert p.line == 3 and "no 'type' key" in p.message


def test_duplicate_ids() -> None:
    p = one(
        HEADER + "  - {id: a, type: basic, prompt: P, answer: A}\n"
        "  - {id: a, type: basic, prompt: Q, answer: B}\n"
    )
    assert (p.line, p.column) == (4, 10)
    assert p.message == "duplicate question id 'a' (first used on line 3)"


def test_duplicate_ids_are_reported_with_the_decks_other_problems() -> None:
    found = problems(
        HEADER + "  - {id: a, type: basic, prompt: P, answer: A}\n"
        "  - {id: a, type: cloze, text: no deletion}\n"
        "  - {id: 7, type: basic, prompt: P, answer: A}\n"
        "  - {id: 7, type: basic, prompt: Q, answer: B}\n",
        dedent=False,
    )
    assert [(p.line, p.message) for p in found if "duplicate" in p.message] == [
        (4, "duplicate question id 'a' (first used on line 3)"),
        (6, "duplicate question id '7' (first used on line 5)"),
    ]
    assert any("cloze has no deletion" in p.message for p in found)


def test_malformed_id_suggests_slug() -> None:
    p = one(HEADER + "  - {id: Blank Role, type: basic, prompt: P, answer: A}\n")
    assert (p.line, p.column) == (3, 10)
    assert "use lowercase letters, digits and hyphens, e.g. 'blank-role'" in p.message


def test_empty_string() -> None:
    p = one(HEADER + "  - {id: a, type: basic, prompt: '  ', answer: A}\n")
    assert (p.line, p.message) == (3, "prompt: must not be empty")


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("no deletion here", "cloze has no deletion"),
        ("open {{c1::never closed", "is never closed"),
        ("bad {{c1:single colon}}", "malformed cloze deletion"),
        ("braces {{c1::$x^{2$}}", "unbalanced braces in cloze deletion c1"),
        ("empty {{c1::}}", "cloze deletion c1 is empty"),
    ],
)
def test_cloze_problems(text: str, expected: str) -> None:
    p = one(HEADER + f"  - id: a\n    type: cloze\n    text: '{text}'\n")
    assert (p.line, p.column) == (5, 11)
    assert expected in p.message


def test_choice_without_correct_option() -> None:
    p = one(
        HEADER + "  - id: a\n    type: choice\n    prompt: P\n    choices:\n"
        "      - {text: x}\n      - {text: y}\n"
    )
    assert (p.line, p.column) == (7, 7)
    assert p.message == "choices: no choice is marked `correct: true`"


def test_repeated_choices() -> None:
    p = one(
        HEADER + "  - id: a\n    type: choice\n    prompt: P\n    choices:\n"
        "      - {text: x, correct: true}\n      - {text: X}\n"
    )
    assert "choice 'X' is repeated" in p.message


def test_numeric_answer_not_a_number() -> None:
    p = one(HEADER + "  - id: a\n    type: numeric\n    prompt: P\n    answer: lots\n")
    assert (p.line, p.column) == (6, 13)
    assert p.message == "answer 'lots' is not a number; write it like 680000, 6.8e5 or 0.25"


def numeric(answer: str, tolerance: str = "0") -> Numeric:
    text = HEADER + f"  - id: a\n    type: numeric\n    prompt: P\n    answer: {answer}\n"
    result = load_bytes(f"{text}    tolerance: {tolerance}\n".encode(), "d/deck", "d/deck.yaml")
    assert isinstance(result, LoadedDeck), result
    question = result.deck.questions[0]
    assert isinstance(question, Numeric)
    return question


@pytest.mark.parametrize(
    ("written", "number"),
    [
        ("6.8e5", 680000),
        ("1e3", 1000),
        ("1E3", 1000),
        ("6.8e+5", 680000),
        ("1e-3", 0.001),
        ("2.5E-1", 0.25),
        ("'3'", 3),
        ('"6.8e5"', 680000),
        ("' 42 '", 42),
        ("1_000", 1000),
    ],
)
def test_numeric_answers_take_exponents_and_quotes(written: str, number: float) -> None:
    """Every form the schema's description suggests loads, written plainly or quoted, in both
    numeric fields alike."""
    assert numeric(written).answer == number
    assert numeric("1000", written).allowed_error == number


def test_a_quoted_tolerance_is_a_number_or_a_percentage() -> None:
    assert numeric("200", "'5%'").allowed_error == 10
    assert numeric("200", "2.5e0%").allowed_error == 5
    assert numeric("200", "'0.5'").tolerance == 0.5
    p = one(HEADER + "  - {id: a, type: numeric, prompt: P, answer: 1, tolerance: some}\n")
    assert p.message == (
        "tolerance 'some' is not a number; write a number like 0.5 or a percentage like '5%'"
    )


def test_a_number_too_large_for_a_float_is_one_located_problem(write_deck, decks_dir) -> None:
    """A numeric answer or tolerance of hundreds of digits is refused on its line; the deck is
    skipped and the others load."""
    huge = "9" * 400
    p = one(HEADER + f"  - id: a\n    type: numeric\n    prompt: P\n    answer: {huge}\n")
    assert (p.line, p.column) == (6, 13)
    assert p.message == "answer '999999999999999999999999…' is too large"
    p = one(HEADER + f"  - {{id: a, type: numeric, prompt: P, answer: 1, tolerance: {huge}}}\n")
    assert p.message.startswith("tolerance ") and p.message.endswith(" is too large")
    write_deck("d/huge", HEADER + f"  - {{id: a, type: numeric, prompt: P, answer: -{huge}}}\n")
    write_deck("d/fine", HEADER + "  - {id: a, type: basic, prompt: P, answer: A}\n")
    tree = load_tree(decks_dir)
    assert list(tree.decks) == ["d/fine"] and list(tree.failed) == ["d/huge"]
    assert [(p.line, p.column) for p in tree.problems] == [(3, 47)]


def test_negative_tolerance() -> None:
    p = one(HEADER + "  - {id: a, type: numeric, prompt: P, answer: 3, tolerance: -1}\n")
    assert "tolerance must not be negative" in p.message
    p = one(HEADER + "  - {id: a, type: numeric, prompt: P, answer: 3, tolerance: '-5%'}\n")
    assert "tolerance must not be negative" in p.message


def test_order_needs_two_items() -> None:
    p = one(HEADER + "  - {id: a, type: order, prompt: P, items: [only]}\n")
    assert p.message == "'items' needs at least 2 items"


def test_typed_needs_answers() -> None:
    p = one(HEADER + "  - {id: a, type: typed, prompt: P, answers: []}\n")
    assert p.message == "'answers' needs at least 1 answer"


def test_empty_file() -> None:
    p = one("# only a comment\n")
    assert (p.line, p.column, p.message) == (
        1,
        1,
        "file is empty; a deck needs a title and questions",
    )


def test_top_level_not_mapping() -> None:
    p = one("- just\n- a list\n")
    assert p.message == "top level must be a mapping with title and questions"


def test_not_utf8() -> None:
    result = load_bytes(b"title: caf\xe9\nquestions: []\n", "d/deck", "d/deck.yaml")
    assert isinstance(result, list)
    assert (result[0].line, result[0].column) == (1, 11)
    assert "not UTF-8" in result[0].message


def test_python_tags_are_refused() -> None:
    p = one("title: !!python/object/apply:os.system ['echo hi']\nquestions: []\n")
    assert p.line == 1 and "YAML tag '!!python/object/apply:os.system'" in p.message


def test_billion_laughs_ends_fast_with_an_error() -> None:
    lines = ['a0: &a0 ["lol","lol","lol","lol","lol","lol","lol","lol","lol"]']
    for i in range(1, 10):
        ref = f"*a{i - 1}"
        lines.append(f"a{i}: &a{i} [{', '.join([ref] * 9)}]")
    text = "\n".join(lines) + "\ntitle: T\nquestions: []\n"
    start = time.perf_counter()
    p = one(text)
    assert time.perf_counter() - start < 5  # generous: expansion would take hours and GBs
    assert "anchors and aliases are not allowed" in p.message
    assert p.line == 2


NUMBER_LIKE = """\
title: 2024
tags: [0x1F, 3.10]
questions:
  - id: 007
    type: typed
    prompt: 3.10
    answers: [017, 12:30, 0b101, 1_000, 0x1F, 1e3, +1, 2001-01-01]
    tags: [1.50]
  - id: b
    type: numeric
    prompt: 007
    answer: 017
    tolerance: 1_0
  - id: c
    type: choice
    prompt: 1_000
    choices:
      - {text: 0b101, correct: true, feedback: 0.50}
      - {text: 5, feedback: 1.0}
  - {id: d, type: order, prompt: 0o17, items: [1.10, 1.9, 12:30:00]}
  - {id: e, type: basic, prompt: "%s", answer: .5, hint: -0}
"""


@pytest.mark.parametrize("careful", [False, True])
def test_number_like_text_is_kept_as_written(careful: bool) -> None:
    """Where a deck wants text, an unquoted value that YAML 1.1 reads as a number (octal `017`,
    sexagesimal `12:30`, `3.10`, `0b101`, `1_000`, `0x1F`) is the text written in the file;
    numeric fields read their number from it, leading zeros decimal. An explicit tag takes the
    careful path, which must agree."""
    text = NUMBER_LIKE % ("1" * 5000)
    if careful:
        text = text.replace("title: 2024", "title: !!str 2024")
    result = load_bytes(text.encode(), "d/deck", "d/deck.yaml")
    assert isinstance(result, LoadedDeck), result
    deck = result.deck
    typed, number, choice, order, basic = deck.questions
    assert isinstance(typed, Typed) and isinstance(number, Numeric)
    assert isinstance(choice, MultipleChoice) and isinstance(order, Order)
    assert isinstance(basic, Basic)
    assert (deck.title, deck.tags) == ("2024", ["0x1F", "3.10"])
    assert (typed.id, typed.prompt, typed.tags) == ("007", "3.10", ["1.50"])
    written = ["017", "12:30", "0b101", "1_000", "0x1F", "1e3", "+1", "2001-01-01"]
    assert typed.answers == written
    assert (number.prompt, number.answer, number.tolerance) == ("007", 17, 10)
    assert [(c.text, c.feedback) for c in choice.choices] == [("0b101", "0.50"), ("5", "1.0")]
    assert (choice.prompt, order.prompt) == ("1_000", "0o17")
    assert order.items == ["1.10", "1.9", "12:30:00"]
    assert (basic.prompt, basic.answer, basic.hint) == ("1" * 5000, ".5", "-0")
    assert result.cards[0].id == "d/deck:007"


def test_a_numeric_answer_that_is_not_a_number_as_written_is_located() -> None:
    """`12:30` was read as 750 (sexagesimal); as written it is no number."""
    p = one(HEADER + "  - id: a\n    type: numeric\n    prompt: P\n    answer: 12:30\n")
    assert (p.line, p.column) == (6, 13)
    assert p.message == "answer '12:30' is not a number; write it like 680000, 6.8e5 or 0.25"


def test_a_word_under_an_explicit_boolean_tag_is_located() -> None:
    p = one(
        HEADER.replace("title: T", "title: !!bool maybe")
        + "  - {id: a, type: basic, prompt: P, answer: A}\n"
    )
    assert (p.line, p.column, p.message) == (1, 8, "'maybe' is not true or false")


def test_yaml_boolean_where_text_expected() -> None:
    p = one(HEADER + "  - {id: a, type: basic, prompt: Is it?, answer: yes}\n")
    assert "read as the boolean true; put it in quotes" in p.message


def test_all_problems_reported_at_once() -> None:
    found = problems(
        HEADER
        + "  - {id: a, type: basic, prompt: P}\n"
        + "  - {id: b, type: order, prompt: P, items: [x]}\n"
        + "  - {id: c, type: typo}\n"
    )
    assert [p.line for p in found] == [3, 4, 5]


def test_deck_with_errors_is_skipped_others_load(write_deck, decks_dir: Path) -> None:
    write_deck("ok", HEADER + "  - {id: a, type: basic, prompt: P, answer: A}\n")
    write_deck("broken", HEADER + "  - {id: a, type: basic, prompt: P}\n")
    tree = load_tree(decks_dir)
    assert list(tree.decks) == ["ok"]
    assert list(tree.failed) == ["broken"]
    assert len(tree.problems) == 1


def test_bad_file_name(write_deck, decks_dir: Path) -> None:
    write_deck("My Deck", HEADER + "  - {id: a, type: basic, prompt: P, answer: A}\n")
    tree = load_tree(decks_dir)
    assert "must use lowercase letters" in tree.problems[0].message
