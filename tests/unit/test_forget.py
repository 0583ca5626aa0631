"""`quizzer forget`: a card becomes new again, its history stays in the log, undo restores it,
a rebuild agrees with the live state, and the forget travels to other devices by sync."""

from __future__ import annotations

from pathlib import Path

import pytest

from quizzer.cli import main
from quizzer.replay import rebuild
from quizzer.state import CardPhase, CardState, EventKind, Rating
from quizzer.sync import event_line, parse_line, sync

T0 = 1_772_438_400_000  # 2026-03-02T08:00Z
MINUTE, DAY = 60_000, 86_400_000
CARD = "d/deck:q0"


def learn(col, at: int = T0) -> CardState:
    s = col.session()
    s.answer(CARD, Rating.GOOD, at)
    s.answer(CARD, Rating.GOOD, at + 10 * MINUTE)
    s.answer(CARD, Rating.AGAIN, at + 3 * DAY)
    return col.store.state(CARD)


def test_forget_undo_and_rebuild_agree_with_the_live_state(device) -> None:
    col = device("a")
    learned = learn(col)
    assert learned.state != CardPhase.NEW and learned.lapses == 1
    s = col.session()
    s.suspend(CARD, T0 + 4 * DAY)
    after = s.forget(CARD, T0 + 4 * DAY + MINUTE)
    assert after == CardState(CARD, suspended=True)  # new again; the suspension stays
    assert col.store.state(CARD) == after
    kinds = [e.kind for e in col.store.events([CARD])]
    assert kinds.count(EventKind.REVIEW) == 3 and kinds[-1] == EventKind.FORGET
    live = col.store.states()
    rebuild(col.store, col.settings, col.zone)
    assert col.store.states() == live

    undone = s.undo(T0 + 4 * DAY + 2 * MINUTE)
    assert undone is not None and undone[0].kind == EventKind.FORGET
    assert col.store.state(CARD) == learned.but(suspended=True)
    live = col.store.states()
    rebuild(col.store, col.settings, col.zone)
    assert col.store.states() == live


def test_a_forgotten_card_is_served_as_new_and_counts_as_introduced(device) -> None:
    col = device("a")
    learn(col, T0 - 10 * DAY)
    s = col.session()
    s.forget(CARD, T0)
    assert s.plan(T0 + MINUTE).new[0].id == CARD
    s.answer(CARD, Rating.GOOD, T0 + MINUTE)
    assert s.today(s.day(T0 + MINUTE)).introduced["d/deck"] == 1


def test_forget_travels_through_sync(device, isolated: Path) -> None:
    a, b = device("a"), device("b")
    folder = isolated / "shared"
    folder.mkdir()
    learn(a)
    sync(a.store, a.settings, a.zone, folder, T0 + 4 * DAY)
    sync(b.store, b.settings, b.zone, folder, T0 + 4 * DAY)
    assert b.store.state(CARD) == a.store.state(CARD)
    a.session().forget(CARD, T0 + 5 * DAY)
    report = sync(a.store, a.settings, a.zone, folder, T0 + 5 * DAY)
    assert report.sent == 1
    sync(b.store, b.settings, b.zone, folder, T0 + 5 * DAY)
    assert b.store.state(CARD) == CardState(CARD)
    assert b.store.states() == a.store.states()
    forget = a.store.events([CARD])[-1]
    assert parse_line(event_line(forget)) == forget


def test_the_command(device, capsys: pytest.CaptureFixture[str]) -> None:
    col = device("a")
    learn(col, T0 - 10 * DAY)  # before the tests' clock (T0 + 1h)
    col.close()
    assert main(["forget", CARD, "d/deck:q1"]) == 0
    out = capsys.readouterr().out
    assert f"forgot {CARD}: new again (3 reviews kept in the log" in out
    assert main(["cards", "is:new", "--json"]) == 0
    assert CARD in capsys.readouterr().out
    assert main(["undo"]) == 0  # the last forget: q1
    assert main(["undo"]) == 0
    assert "undid forget of d/deck:q0" in capsys.readouterr().out
    assert main(["forget", "d/deck:nope", CARD]) == 2
    assert "unknown card id 'd/deck:nope'" in capsys.readouterr().err
    col = device("a")
    assert col.store.state(CARD).state != CardPhase.NEW  # nothing was written


def test_forgetting_a_forgotten_card_says_it_is_already_new(
    device, capsys: pytest.CaptureFixture[str]
) -> None:
    col = device("a")
    learn(col, T0 - 10 * DAY)
    col.close()
    assert main(["forget", CARD]) == 0
    assert "(3 reviews kept in the log;" in capsys.readouterr().out
    assert main(["forget", CARD]) == 0
    out = capsys.readouterr().out
    assert out == f"{CARD} is already new (3 reviews kept in the log): nothing to do\n"
