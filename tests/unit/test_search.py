"""The search language: every operator parsed and matched against real cards in a real store,
and every malformed query refused with one line naming its column."""

from __future__ import annotations

import json
from collections.abc import Callable
from pathlib import Path

import pytest
from sql_support import add_other_answers, vm_steps

from quizzer.cli import main
from quizzer.collection import Collection, open_collection
from quizzer.finding import find
from quizzer.search import SearchError, parse
from quizzer.state import Rating

T0 = 1_772_442_000_000  # 2026-03-02T09:00Z, the fixed moment of the tests
MINUTE, DAY = 60_000, 86_400_000

ACCENTS = """\
title: Accents
tags: [speech, metric]
questions:
  - {id: cafe, type: basic, prompt: Where is the Café?, answer: Montréal}
  - {id: wer, type: typed, prompt: Which metric counts word errors?, answers: [WER],
     tags: [eval]}
  - {id: gap, type: cloze, text: 'The {{c1::blank}} symbol and {{c2::repeats}}.'}
"""
OTHER = """\
title: Other
questions:
  - {id: one, type: basic, prompt: First prompt, answer: semi-supervised}
  - {id: two, type: choice, prompt: Pick, choices: [{text: 'yes', correct: true}, {text: 'no'}]}
"""


@pytest.fixture
def col(write_deck: Callable[[str, str], Path]) -> Collection:
    write_deck("asr/sub/accents", ACCENTS)
    write_deck("tts/other", OTHER)
    c = open_collection()
    yield c
    c.close()


def ids(col: Collection, query: str, now: int = T0) -> list[str]:
    return [c.id for c in find(query, col.tree, col.store, col.settings, col.zone, now)]


ALL = [
    "asr/sub/accents:cafe",
    "asr/sub/accents:wer",
    "asr/sub/accents:gap#c1",
    "asr/sub/accents:gap#c2",
    "tts/other:one",
    "tts/other:two",
]


def test_empty_query_finds_every_card(col: Collection) -> None:
    assert ids(col, "") == ALL
    assert ids(col, "   ") == ALL


def test_words_and_phrases_ignore_case_and_accents(col: Collection) -> None:
    assert ids(col, "cafe") == ["asr/sub/accents:cafe"]
    assert ids(col, "MONTREAL") == ["asr/sub/accents:cafe"]
    assert ids(col, '"word errors"') == ["asr/sub/accents:wer"]
    assert ids(col, '"errors word"') == []
    assert ids(col, "semi-supervised") == ["tts/other:one"]  # a hyphen inside is no negation
    assert ids(col, "yes") == ["tts/other:two"]  # choices are texts of the question
    assert ids(col, "wh*metric") == ["asr/sub/accents:wer"]


def test_deck_matches_folders_and_wildcards(col: Collection) -> None:
    assert ids(col, "deck:asr") == ALL[:4]
    assert ids(col, "deck:asr/sub") == ALL[:4]
    assert ids(col, "deck:asr/sub/accents") == ALL[:4]
    assert ids(col, "deck:as") == []  # a folder is a whole path part
    assert ids(col, "deck:as*") == ALL[:4]
    assert ids(col, "deck:*other") == ALL[4:]
    assert ids(col, "deck:TTS") == ALL[4:]


def test_tag_and_type(col: Collection) -> None:
    assert ids(col, "tag:eval") == ["asr/sub/accents:wer"]
    assert ids(col, "tag:metric") == ALL[:4]  # deck tags count
    assert ids(col, "tag:met*") == ALL[:4]
    assert ids(col, "tag:me") == []
    assert ids(col, "type:cloze") == ALL[2:4]
    assert ids(col, "type:choice") == ["tts/other:two"]


def test_and_or_not_and_parentheses(col: Collection) -> None:
    assert ids(col, "deck:asr type:basic") == ["asr/sub/accents:cafe"]
    assert ids(col, "deck:asr and type:basic") == ["asr/sub/accents:cafe"]
    assert ids(col, "type:basic or type:choice") == [ALL[0], ALL[4], ALL[5]]
    assert ids(col, "-deck:asr") == ALL[4:]
    assert ids(col, "deck:asr -(type:cloze or type:typed)") == ["asr/sub/accents:cafe"]
    assert ids(col, "(deck:tts or tag:eval) -type:choice") == [ALL[1], ALL[4]]
    # `and` binds tighter than `or`, as in Anki
    assert ids(col, "type:basic deck:tts or type:typed") == [ALL[1], ALL[4]]
    assert ids(col, '"or"') == [ALL[1]]  # a quoted or is a word (in "word errors")


def test_quotes_make_a_name_term_a_phrase(write_deck: Callable[[str, str], Path]) -> None:
    write_deck(
        "asr/notes",
        "title: Notes\nquestions:\n  - {id: a, type: basic, prompt: Plain, answer: text}\n",
    )
    write_deck(
        "tts/notes",
        "title: Notes\nquestions:\n"
        "  - {id: lit, type: basic, prompt: 'What does deck:asr find?', answer: the folder}\n",
    )
    col = open_collection()
    try:
        assert ids(col, "deck:asr") == ["asr/notes:a"]
        assert ids(col, '"deck:asr"') == ["tts/notes:lit"]  # the text, not the folder
        assert ids(col, '-"deck:asr"') == ["asr/notes:a"]
        assert ids(col, 'deck:"asr"') == ["asr/notes:a"]  # a quoted value is still a deck
    finally:
        col.close()


def test_an_anki_term_quizzer_lacks_is_refused_not_searched_as_text() -> None:
    with pytest.raises(SearchError) as caught:
        parse("deck:asr added:7")
    assert caught.value.column == 10 and "'added:'" in str(caught.value)
    assert '"added:7"' in str(caught.value)  # how to search the text instead
    parse('"added:7"')
    parse("12:30")  # not a name: a word with a colon
    parse("https://arxiv.org/abs/2212.04356")  # a web address in a source


def test_states_properties_and_rated(col: Collection) -> None:
    s = col.session()
    s.answer("asr/sub/accents:cafe", Rating.GOOD, T0 - 30 * DAY)
    s.answer("asr/sub/accents:cafe", Rating.GOOD, T0 - 30 * DAY + 10 * MINUTE)
    s.answer("tts/other:one", Rating.EASY, T0 - 2 * DAY)
    s.answer("asr/sub/accents:wer", Rating.AGAIN, T0)
    s.suspend("tts/other:two", T0 - MINUTE)
    s.bury("asr/sub/accents:gap#c2", T0 - MINUTE)
    assert ids(col, "is:new") == ["asr/sub/accents:gap#c1", "asr/sub/accents:gap#c2", ALL[5]]
    assert ids(col, "is:learn") == ["asr/sub/accents:wer"]
    assert ids(col, "is:review") == ["asr/sub/accents:cafe", "tts/other:one"]
    assert ids(col, "is:suspended") == ["tts/other:two"]
    assert ids(col, "is:buried") == ["asr/sub/accents:gap#c2"]
    assert ids(col, "is:leech") == []
    cafe = col.store.state("asr/sub/accents:cafe")
    assert cafe.due is not None and cafe.due < T0  # overdue since the month-old review
    assert ids(col, "is:due") == ["asr/sub/accents:cafe"]  # the learning card is due in 1m
    assert ids(col, "is:due", now=T0 + 2 * MINUTE) == ["asr/sub/accents:cafe", ALL[1]]
    assert ids(col, "rated:1") == ["asr/sub/accents:wer"]
    assert ids(col, "rated:3") == ["asr/sub/accents:wer", "tts/other:one"]
    assert ids(col, "rated:31") == ["asr/sub/accents:cafe", ALL[1], "tts/other:one"]
    # rated with a rating: forgotten (Again) cards, Easy ones
    assert ids(col, "rated:31:1") == ["asr/sub/accents:wer"]
    assert ids(col, "rated:3:4") == ["tts/other:one"]
    assert ids(col, "rated:1:4") == []
    assert ids(col, "rated:31:3") == ["asr/sub/accents:cafe"]
    assert ids(col, "prop:lapses>=0") == ALL
    assert ids(col, "prop:reps=2") == ["asr/sub/accents:cafe"]
    # properties of memory never match a new card
    assert ids(col, "prop:ivl>=0") == ["asr/sub/accents:cafe", ALL[1], "tts/other:one"]
    assert ids(col, "prop:ivl>=1") == ["asr/sub/accents:cafe", "tts/other:one"]
    assert ids(col, "prop:ivl<1") == ["asr/sub/accents:wer"]  # a one-minute learning step
    assert ids(col, "prop:r<0.9") == ["asr/sub/accents:cafe"]  # overdue: recall has dropped
    # answered just now (recall 1), and two days into a longer interval
    assert ids(col, "prop:r>0.9") == [ALL[1], "tts/other:one"]
    assert ids(col, "prop:due<0") == ["asr/sub/accents:cafe"]
    # undone answers are not rated
    s.undo(T0)  # the bury
    s.undo(T0)  # the suspension
    s.undo(T0)  # wer's answer
    assert ids(col, "rated:1") == []
    assert ids(col, "rated:1:1") == []


@pytest.mark.parametrize(
    ("query", "column", "words"),
    [
        ("deck:asr (is:new", 10, "never closed"),
        ("is:new)", 7, "closes nothing"),
        ('"blank', 1, "never closed"),
        ("is:nothing", 4, "unknown is:nothing"),
        ("type:essay", 6, "unknown type"),
        ("prop:ivl>>3", 10, "not a number"),
        ("prop:age>3", 6, "unknown property"),
        ("prop:ivl", 6, "prop:NAME OP NUMBER"),
        ("rated:0", 7, "from 1 to 36500"),
        ("rated:x", 7, "from 1 to 36500"),
        ("rated:7:5", 7, "a rating from 1 (Again) to 4 (Easy)"),
        ("rated:7:", 7, "a rating from 1 (Again) to 4 (Easy)"),
        ("deck:", 6, "needs a value"),
        ("or is:new", 1, "needs a term before it"),
        ("is:new or", 10, "ends where a term"),
        ("()", 2, "empty parentheses"),
        ('""', 1, "empty phrase"),
    ],
)
def test_parse_errors_name_the_column(query: str, column: int, words: str) -> None:
    with pytest.raises(SearchError) as caught:
        parse(query)
    assert caught.value.column == column
    message = str(caught.value)
    assert "\n" not in message and words in message and repr(query) in message


def test_cards_command_json_and_errors(col: Collection, capsys: pytest.CaptureFixture[str]) -> None:
    col.session().suspend("tts/other:two", T0 - MINUTE)
    assert main(["cards", "is:suspended", "--json"]) == 0
    rows = json.loads(capsys.readouterr().out)
    assert [r["card_id"] for r in rows] == ["tts/other:two"]
    row = rows[0]
    assert row["suspended"] is True and row["buried"] is False
    assert {row["deck"], row["type"], row["state"], row["question"]} == {
        "tts/other",
        "choice",
        "new",
        "Pick",
    }
    assert main(["cards", "deck:asr", "--limit", "2", "--json"]) == 0
    assert len(json.loads(capsys.readouterr().out)) == 2
    assert main(["cards", "deck:asr", "(type:cloze"]) == 2
    err = capsys.readouterr().err
    assert err.count("\n") == 1 and "column 10" in err and "Traceback" not in err
    assert main(["cards"]) == 0
    out = capsys.readouterr()
    assert out.out.splitlines()[0].split()[:3] == ["card", "question", "type"]
    assert out.out.splitlines()[1].startswith("asr/")  # a card's id, as the commands take it
    assert "6 cards" in out.err


def test_cards_sorted_by_a_field(col: Collection, capsys: pytest.CaptureFixture[str]) -> None:
    s = col.session()
    s.answer("asr/sub/accents:cafe", Rating.EASY, T0 - 3 * DAY)
    s.answer("tts/other:one", Rating.AGAIN, T0 - 2 * DAY)
    s.answer("tts/other:one", Rating.AGAIN, T0 - DAY)
    assert main(["cards", "--sort", "stability", "--json"]) == 0
    rows = json.loads(capsys.readouterr().out)
    assert [r["card_id"] for r in rows[:2]] == ["tts/other:one", "asr/sub/accents:cafe"]
    assert all(r["stability"] is None for r in rows[2:])  # new cards last


def test_next_and_a_filtered_session_honour_the_query(
    col: Collection, capsys: pytest.CaptureFixture[str]
) -> None:
    assert main(["next", "--query", "type:cloze", "--json"]) == 0
    assert json.loads(capsys.readouterr().out)["card_id"] == "asr/sub/accents:gap#c1"
    from quizzer.session import Selection

    session = col.session(Selection(query="deck:tts or tag:eval"))
    seen = []
    while (card := session.next(T0)) is not None:
        seen.append(card.id)
        session.answer(card.id, Rating.EASY, T0)
    assert seen == ["asr/sub/accents:wer", "tts/other:one", "tts/other:two"]
    assert session.counts(T0).total == 0


def test_stats_and_export_take_a_query(
    col: Collection, capsys: pytest.CaptureFixture[str], tmp_path: Path
) -> None:
    assert main(["stats", "--query", "type:cloze", "--json"]) == 0
    assert json.loads(capsys.readouterr().out)["scope"]["cards"] == 2
    out = tmp_path / "out.apkg"
    assert main(["export", "anki", "--query", "type:cloze or cafe", "-o", str(out)]) == 0
    assert "2 notes" in capsys.readouterr().out
    assert main(["export", "anki", "--query", "nothing-matches-this", "-o", str(out)]) == 2


def rated_steps(col: Collection, older: int) -> int:
    """SQLite's work (virtual machine steps, in tens) to find the cards answered in the last
    day, on a log holding `older` answers from a month before."""
    add_other_answers(col.store.db, older, T0 - 30 * 86_400_000)
    col.session().answer("tts/other:one", Rating.GOOD, T0)
    found: list[list[str]] = []
    steps = vm_steps(col.store.db, lambda: found.append(ids(col, "rated:1")), every=10)
    assert found == [["tts/other:one"]]
    return steps


def test_rated_reads_the_recent_answers_not_the_whole_log(
    write_deck: Callable[[str, str], Path], isolated: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """`rated:N` seeks the answers of the last N days: the same work on a log with twenty times
    as many older answers (it once walked the whole log in card order)."""
    write_deck("asr/sub/accents", ACCENTS)
    write_deck("tts/other", OTHER)
    steps = []
    for name, older in (("short", 200), ("long", 4_000)):
        monkeypatch.setenv("QUIZZER_HOME", str(isolated / name))
        c = open_collection()
        try:
            steps.append(rated_steps(c, older))
        finally:
            c.close()
    assert 0 < steps[1] < steps[0] * 1.5, steps
