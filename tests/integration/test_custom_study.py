"""Custom study from the command line: today's limits raised for one day, with every count still
what `next` serves; review ahead and forgotten cards as sessions of their own."""

from __future__ import annotations

import json
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest

from quizzer.cli import main
from tests.conftest import basic_deck

START = datetime(2026, 3, 2, 9, 0, tzinfo=UTC)


def _json(capsys: pytest.CaptureFixture[str], *argv: str) -> dict:
    assert main(list(argv)) == 0, capsys.readouterr().err
    return json.loads(capsys.readouterr().out)


def _at(monkeypatch: pytest.MonkeyPatch, moment: datetime) -> None:
    monkeypatch.setenv("QUIZZER_NOW", moment.isoformat())


def _served(capsys: pytest.CaptureFixture[str], *deck: str) -> int:
    """Serve and answer Easy (each card leaves today's queue) until nothing is due."""
    served = 0
    argv = ["next", "--json", *(a for d in deck for a in ("--deck", d))]
    while (card := _json(capsys, *argv)["card_id"]) is not None:
        _json(capsys, "answer", card, "easy", "--json")
        served += 1
        assert served < 100
    return served


@pytest.fixture
def limited(write_deck, isolated: Path) -> Path:
    home = isolated / "home"
    home.mkdir()
    (home / "config.toml").write_text("new_per_day = 3\n", encoding="utf-8")
    write_deck("fr", basic_deck(10))
    write_deck("de", basic_deck(10))
    return home


def test_extend_raises_a_decks_limit_today_only(
    limited: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    _at(monkeypatch, START)
    assert _json(capsys, "next", "--deck", "fr", "--json")["counts"]["new"] == 3
    assert main(["extend", "fr", "--new", "4"]) == 0
    assert "left now: 7 new" in capsys.readouterr().out
    counted = _json(capsys, "next", "--deck", "fr", "--json")["counts"]["new"]
    assert counted == 7
    # another deck, and studying everything, keep their own limits (Anki's semantics)
    assert _json(capsys, "next", "--deck", "de", "--json")["counts"]["new"] == 3
    assert _json(capsys, "due", "--json")["total"]["new"] == 3
    assert _served(capsys, "fr") == counted
    # the next study day is back to the usual limit
    _at(monkeypatch, START + timedelta(days=1))
    assert _json(capsys, "next", "--deck", "fr", "--json")["counts"]["new"] == 3


def test_extending_everything_is_what_due_counts_and_next_serves(
    limited: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    _at(monkeypatch, START)
    assert _json(capsys, "due", "--json")["total"]["new"] == 3  # writes the card index
    assert main(["extend", "--new", "2"]) == 0
    capsys.readouterr()
    due = _json(capsys, "due", "--json")  # from the card index
    assert due["total"]["new"] == 5
    monkeypatch.setenv("QUIZZER_NO_CACHE", "1")
    assert _json(capsys, "due", "--json") == due  # the full path agrees
    monkeypatch.delenv("QUIZZER_NO_CACHE")
    assert _served(capsys) == 5
    _at(monkeypatch, START + timedelta(days=1))
    assert _json(capsys, "due", "--json")["total"]["new"] == 3


def test_extend_refuses_nothing_and_unknown_decks(
    limited: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    assert main(["extend", "fr"]) == 2
    assert "give --new N or --reviews N" in capsys.readouterr().err
    assert main(["extend", "nowhere", "--new", "1"]) == 2
    assert "no deck or folder 'nowhere'" in capsys.readouterr().err


def test_extend_takes_zero_as_no_more_cards(
    limited: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    _at(monkeypatch, START)
    assert main(["extend", "fr", "--new", "0"]) == 0
    assert capsys.readouterr().out == (
        "fr: no more cards asked for, limits unchanged; left now: 3 new, 0 learning, 0 review\n"
    )
    assert main(["extend", "fr", "--new", "2", "--reviews", "0"]) == 0
    assert "today only, 2 more new and 0 more review cards; left now: 5 new" in (
        capsys.readouterr().out
    )
    assert main(["extend", "fr", "--new", "-5"]) == 2
    assert "-5 is not between 0 and 9999 cards" in capsys.readouterr().err
