"""`quizzer stats` from the stats index prints byte for byte what the full path (the decks and
settings loaded) prints: fresh, after answers, after a deck edit, after a settings change, for
the whole collection, a folder and a deck, as JSON and drawn; and it is used only while current
and intact."""

from __future__ import annotations

import json
from collections.abc import Callable
from pathlib import Path

import pytest

from quizzer.cli import main
from quizzer.clock import now, to_ms
from quizzer.stats.indexed import indexed_stats

DECK_A = """\
title: Alpha
tags: [greek]
questions:
  - {id: capital, type: basic, prompt: Capital of France?, answer: Paris, reverse: true}
  - {id: ctc, type: cloze, text: 'CTC {{c1::merges repeats}} then {{c2::drops blanks}}.'}
""" + "".join(f"  - {{id: q{i}, type: basic, prompt: Q{i}?, answer: '{i}'}}\n" for i in range(8))
DECK_B = "title: Beta\nquestions:\n" + "".join(
    f"  - {{id: b{i}, type: basic, prompt: B{i}?, answer: '{i}', reverse: true}}\n"
    for i in range(6)
)
RUNS = (
    ["--json"],
    ["--json", "--days", "7"],
    ["demo", "--json"],
    ["demo/beta", "--json"],
    [],
    ["demo/alpha", "--days", "90"],
)


def _out(capsys: pytest.CaptureFixture[str], *argv: str) -> str:
    assert main(["stats", *argv]) == 0
    return capsys.readouterr().out


def _check(capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch) -> None:
    """Every run of RUNS from the index equals the full path's, and the index was used."""
    for argv in RUNS:
        indexed = _out(capsys, *argv)
        spec = next((a for a in argv if not a.startswith("-") and not a.isdigit()), None)
        assert indexed_stats(to_ms(now()), spec, 30) is not None, argv
        with monkeypatch.context() as m:
            m.setenv("QUIZZER_NO_CACHE", "1")
            assert _out(capsys, *argv) == indexed, argv


def test_the_stats_index_gives_what_the_full_path_gives(
    write_deck: Callable[[str, str], Path],
    isolated: Path,
    monkeypatch: pytest.MonkeyPatch,
    capsys: pytest.CaptureFixture[str],
) -> None:
    write_deck("demo/alpha", DECK_A)
    write_deck("demo/beta", DECK_B)
    home = isolated / "home"
    home.mkdir()
    (home / "config.toml").write_text("leech_threshold = 2\n")
    assert indexed_stats(to_ms(now()), None, 30) is None  # nothing written yet
    fresh = _out(capsys, "--json")  # the full path writes the index
    _check(capsys, monkeypatch)

    # answers change the figures, not the index
    assert json.loads(_out(capsys, "--json"))["scope"]["cards"] == 24
    for i, rating in enumerate(["again", "good", "again", "hard", "easy", "again", "good"] * 3):
        monkeypatch.setenv("QUIZZER_NOW", f"2026-03-02T09:{10 + i:02d}:00Z")
        main(["next", "--json"])
        card = json.loads(capsys.readouterr().out)["card_id"]
        if card is None:
            break
        assert main(["answer", card, rating, "--json"]) == 0
        capsys.readouterr()
    monkeypatch.setenv("QUIZZER_NOW", "2026-03-04T10:00:00Z")
    figures = json.loads(_out(capsys, "--json"))
    assert figures != json.loads(fresh)
    assert figures["hardest"]["lowest_retrievability"][0]["text"]  # texts come from the index
    _check(capsys, monkeypatch)

    # a deck edit (a new title, a question changed, one added) makes it stale until rewritten
    write_deck("demo/beta", DECK_B.replace("Beta", "Beta two").replace("B3?", "Bee three?"))
    assert indexed_stats(to_ms(now()), None, 30) is None
    _out(capsys, "--json")
    _check(capsys, monkeypatch)
    titles = {row["deck"]: row["title"] for row in json.loads(_out(capsys, "--json"))["decks"]}
    assert titles["demo/beta"] == "Beta two"

    # so does a settings change
    (home / "config.toml").write_text("leech_threshold = 3\nnew_per_day = 2\n")
    assert indexed_stats(to_ms(now()), None, 30) is None
    _out(capsys, "--json")
    _check(capsys, monkeypatch)
    assert json.loads(_out(capsys, "--json"))["leeches"]["threshold"] == 3


def test_a_tag_a_search_or_a_damaged_index_take_the_full_path(
    write_deck: Callable[[str, str], Path],
    isolated: Path,
    monkeypatch: pytest.MonkeyPatch,
    capsys: pytest.CaptureFixture[str],
) -> None:
    write_deck("demo/alpha", DECK_A)
    whole = _out(capsys, "--json")
    at = to_ms(now())
    assert indexed_stats(at, None, 30) is not None
    assert indexed_stats(at, "tag:greek", 30) is None
    assert json.loads(_out(capsys, "tag:greek", "--json"))["scope"]["tag"] == "greek"
    with pytest.raises(Exception, match="no deck or folder 'nope'"):
        indexed_stats(at, "nope", 30)

    (index,) = (isolated / "home" / "cache").glob("index-*-stats.json")
    fingerprint, payload = json.loads(index.read_text(encoding="utf-8"))
    for damage in (
        {"texts": ["\x1b[31mred", *payload["texts"][1:]]},  # an escape sequence
        {"texts": payload["texts"][1:]},  # one text short
        {"titles": [["demo/other", "Other"]]},  # cards of no deck
        {"leech_threshold": "8"},
    ):
        index.write_text(json.dumps([fingerprint, payload | damage]), encoding="utf-8")
        assert indexed_stats(at, None, 30) is None, damage
        assert _out(capsys, "--json") == whole  # the full path, which writes it again
        assert indexed_stats(at, None, 30) is not None

    # a tag or a search reads the questions: it neither uses nor writes the index
    index.unlink()
    _out(capsys, "tag:greek", "--json")
    assert main(["stats", "--json", "--query", "is:new"]) == 0
    capsys.readouterr()
    assert not index.exists()
    _out(capsys, "--json")
    assert index.exists()


def test_leeches_are_counted_by_the_threshold_of_their_deck(
    write_deck: Callable[[str, str], Path],
    isolated: Path,
    monkeypatch: pytest.MonkeyPatch,
    capsys: pytest.CaptureFixture[str],
) -> None:
    """A deck with its own leech threshold reports it; a scope whose decks differ reports
    none (null), each card being a leech by its own deck's."""
    from quizzer.collection import open_collection
    from quizzer.state import Rating

    deck = "title: D\nquestions:\n  - {id: q, type: basic, prompt: P?, answer: A}\n"
    write_deck("lang/french", deck)
    write_deck("lang/german", deck)
    home = isolated / "home"
    home.mkdir()
    assert main(["options", "lang/french", "--set", "leech_threshold=3"]) == 0
    col = open_collection()
    try:
        session = col.session()
        day, minute = 86_400_000, 60_000
        start = to_ms(now()) - 40 * day
        for card in ("lang/french:q", "lang/german:q"):
            session.answer(card, Rating.EASY, start)
            for lapse in range(1, 4):  # three lapses, each relearned
                session.answer(card, Rating.AGAIN, start + lapse * 10 * day)
                session.answer(card, Rating.GOOD, start + lapse * 10 * day + 10 * minute)
    finally:
        col.close()
    capsys.readouterr()
    _out(capsys, "--json")  # writes the index
    for scope, count, threshold, heading in (
        ("lang/french", 1, 3, "Leeches (1, 3+ lapses)"),
        ("lang/german", 0, 8, "Leeches (0, 8+ lapses)"),
        ("lang", 1, None, "Leeches (1, each deck's own threshold)"),
    ):
        assert indexed_stats(to_ms(now()), scope, 30) is not None
        for cache in ("1", None):  # the full path, then the index
            if cache is None:
                monkeypatch.delenv("QUIZZER_NO_CACHE", raising=False)
            else:
                monkeypatch.setenv("QUIZZER_NO_CACHE", cache)
            leeches = json.loads(_out(capsys, scope, "--json"))["leeches"]
            assert (leeches["count"], leeches["threshold"]) == (count, threshold), scope
            assert [c["card_id"] for c in leeches["cards"]] == ["lang/french:q"][:count]
            assert heading in _out(capsys, scope)
