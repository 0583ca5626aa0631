"""One truth for what is left: at any moment, the cards `quizzer next` serves before it says
nothing is due are exactly what `quizzer due --json` counted, and every other count agrees."""

from __future__ import annotations

import json
import shutil
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest

from quizzer.cli import main

DECK = """\
title: Morning
questions:
  - {id: capital, type: basic, prompt: Capital of France?, answer: Paris, reverse: true}
  - {id: ctc, type: cloze, text: 'CTC {{c1::merges repeats}} then {{c2::drops blanks}}.'}
  - {id: q1, type: basic, prompt: One?, answer: '1'}
  - {id: q2, type: basic, prompt: Two?, answer: '2'}
  - {id: q3, type: basic, prompt: Three?, answer: '3'}
  - {id: q4, type: basic, prompt: Four?, answer: '4'}
  - {id: q5, type: basic, prompt: Five?, answer: '5'}
  - {id: q6, type: basic, prompt: Six?, answer: '6'}
"""
START = datetime(2026, 3, 2, 7, 0, tzinfo=UTC)  # the study day runs 04:00 to 04:00 (UTC here)


def _json(capsys: pytest.CaptureFixture[str], *argv: str) -> dict:
    assert main(list(argv)) == 0
    return json.loads(capsys.readouterr().out)


def _at(monkeypatch: pytest.MonkeyPatch, moment: datetime) -> None:
    monkeypatch.setenv("QUIZZER_NOW", moment.isoformat())


def _served(capsys: pytest.CaptureFixture[str]) -> int:
    """Serve and answer (Easy, so each card leaves today's queue) until nothing is due."""
    served = 0
    while (card := _json(capsys, "next", "--json")["card_id"]) is not None:
        _json(capsys, "answer", card, "easy", "--json")
        served += 1
        assert served < 100
    return served


def test_a_morning_of_answers_keeps_every_count_true(
    write_deck, tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    home = tmp_path / "home"
    home.mkdir()
    # a 30-minute second step, so some learning cards fall due beyond the 20-minute learn-ahead
    (home / "config.toml").write_text("new_per_day = 6\nlearning_steps = [1, 30]\n")
    write_deck("demo/morning", DECK)
    script = [("again", 0), ("good", 1), ("hard", 2), ("good", 4), ("again", 6), ("good", 9)]
    moments = {0, 2, 4, 6}  # check before the first answer and between others
    when = START
    checked = later_seen = 0
    for step, (rating, minutes) in enumerate([*script, ("good", 45), ("again", 50)]):
        when = START + timedelta(minutes=minutes)
        _at(monkeypatch, when)
        if step in moments or step >= len(script):
            due = _json(capsys, "due", "--json")["total"]
            shown = _json(capsys, "next", "--json")
            if shown["card_id"] is not None:
                assert shown["counts"] == due
            stats = _json(capsys, "stats", "--json")
            left = stats["today"]["left"]
            assert (left["new"], left["learning"], left["review"]) == (
                due["new"],
                due["learning"],
                due["review"],
            )
            assert left["later_today"] == due["later_today"]

            probe = tmp_path / f"probe-{step}"
            shutil.copytree(home, probe)
            monkeypatch.setenv("QUIZZER_HOME", str(probe))
            assert _served(capsys) == due["total"]
            # what falls due later today is served by the end of the day, and nothing else
            _at(monkeypatch, START.replace(hour=3, minute=59) + timedelta(days=1))
            assert _served(capsys) == due["later_today"]
            monkeypatch.setenv("QUIZZER_HOME", str(home))
            _at(monkeypatch, when)
            checked += 1
            later_seen = max(later_seen, due["later_today"])
        card = _json(capsys, "next", "--json")["card_id"]
        if card is None:
            continue
        _json(capsys, "answer", card, rating, "--json")
    assert checked == 5
    # some moments had work for later, so `later_today` was really put to the test
    assert later_seen >= 1


def test_a_decks_own_bury_siblings_decides_for_its_cards(
    write_deck, tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    """Siblings are buried by the setting of their deck: `demo/keep` turns burying off while
    the global setting keeps it on, and every count says so."""
    home = tmp_path / "home"
    home.mkdir()
    (home / "config.toml").write_text('[decks."demo/keep"]\nbury_siblings = false\n')
    pair = (
        "title: Pair\nquestions:\n  - {id: q, type: basic, prompt: P?, answer: A, reverse: true}\n"
    )
    write_deck("demo/bury", pair)
    write_deck("demo/keep", pair)
    _at(monkeypatch, START)
    expected = {"demo/bury": 1, "demo/keep": 2}
    due = _json(capsys, "due", "--json")
    assert {deck: counts["new"] for deck, counts in due["decks"].items()} == expected
    stats = _json(capsys, "stats", "--json")
    assert {row["deck"]: row["left"]["new"] for row in stats["decks"]} == expected
    for deck, new in expected.items():
        assert _json(capsys, "next", "--deck", deck, "--json")["counts"]["new"] == new
        served = []
        while (card := _json(capsys, "next", "--deck", deck, "--json")["card_id"]) is not None:
            _json(capsys, "answer", card, "easy", "--json")
            served.append(card)
        assert served == [f"{deck}:q", f"{deck}:q#reverse"][:new]


def test_a_learning_step_into_the_next_study_day_waits_for_it(
    write_deck, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    """At 03:50 a Good on a new card puts its next step at 04:00, the next study day: as in
    Anki (a step that crosses the day's start makes a card of the next day), it is not part of
    today's work, whatever command asks, and it comes back when that day starts."""
    write_deck(
        "demo/night", "title: Night\nquestions:\n  - {id: q, type: basic, prompt: P?, answer: A}\n"
    )
    night = datetime(2026, 3, 3, 3, 50, tzinfo=UTC)  # study day 2026-03-02, ending at 04:00
    _at(monkeypatch, night)
    _json(capsys, "answer", "demo/night:q", "good", "--json")
    _at(monkeypatch, night + timedelta(minutes=5))
    nothing = {"new": 0, "learning": 0, "review": 0, "total": 0, "later_today": 0}
    assert _json(capsys, "due", "--json")["total"] == nothing
    stats = _json(capsys, "stats", "--json")
    assert stats["today"]["left"] == {"new": 0, "learning": 0, "review": 0, "later_today": 0}
    assert [day["due"] for day in stats["forecast"]["days"][:2]] == [0, 1]
    shown = _json(capsys, "next", "--json")
    assert (shown["card_id"], shown["next_due"]) == (None, "2026-03-03T04:00:00Z")
    assert main(["answer", "demo/night:q", "good"]) == 2  # not served yet: --early answers it
    assert "not due until 2026-03-03 04:00" in capsys.readouterr().err
    _at(monkeypatch, night + timedelta(minutes=10))
    assert _json(capsys, "due", "--json")["total"]["learning"] == 1
    assert _json(capsys, "next", "--json")["card_id"] == "demo/night:q"


def test_a_deck_that_is_also_a_folder_is_counted_with_the_decks_below_it(
    write_deck, tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    """`lang.yaml` beside `lang/french.yaml`: a session on `lang` serves the cards of both, and
    home shows that on the deck's line; the statistics' row of `lang` counted its own cards
    alone (2 new where `due --deck lang` and the session said 3)."""
    home = tmp_path / "home"
    home.mkdir()
    (home / "config.toml").write_text('[decks."lang"]\nnew_per_day = 3\n')
    two = "questions:\n  - {id: q1, type: basic, prompt: P?, answer: A}\n"
    two += "  - {id: q2, type: basic, prompt: Q?, answer: B}\n"
    write_deck("lang", "title: Languages\n" + two)
    write_deck("lang/french", "title: French\n" + two)
    _at(monkeypatch, START)
    due = _json(capsys, "due", "--deck", "lang", "--json")["total"]
    assert due["new"] == 3
    rows = {row["deck"]: row["left"] for row in _json(capsys, "stats", "--json")["decks"]}
    assert rows["lang"] == {k: due[k] for k in ("new", "learning", "review", "later_today")}
    assert rows["lang/french"]["new"] == 2
    served = 0
    while (card := _json(capsys, "next", "--deck", "lang", "--json")["card_id"]) is not None:
        _json(capsys, "answer", card, "easy", "--json")
        served += 1
    assert served == 3
