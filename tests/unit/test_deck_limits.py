"""Daily limits per deck and folder, with Anki's rules: studying a deck or folder applies its own
limit and those below it, not those above (unless `limits_start_from_top`); studying everything
starts at the root, whose limits are the global ones."""

from __future__ import annotations

import json
from collections.abc import Callable
from pathlib import Path

import pytest

from quizzer.cli import main
from quizzer.collection import Collection, open_collection
from quizzer.session import Selection
from quizzer.state import Rating

DECK = "title: D\nquestions:\n" + "".join(
    f"  - {{id: q{i}, type: basic, prompt: P{i}, answer: A{i}}}\n" for i in range(10)
)
T0 = 1_772_442_000_000  # the tests' clock, 2026-03-02T09:00Z
CONFIG = """\
new_per_day = 12
reviews_per_day = 100

[decks."a"]        # the folder a: everything under it together
new_per_day = 5

[decks."a/x"]      # the deck a/x
new_per_day = 3
"""


@pytest.fixture
def make(write_deck: Callable[[str, str], Path], isolated: Path) -> Callable[[str], Collection]:
    for deck in ("a/x", "a/y", "b/z"):
        write_deck(deck, DECK)
    home = isolated / "home"
    home.mkdir(exist_ok=True)
    opened: list[Collection] = []

    def open_with(extra: str = "") -> Collection:
        (home / "config.toml").write_text(extra + CONFIG, encoding="utf-8")
        col = open_collection()
        opened.append(col)
        return col

    yield open_with
    for col in opened:
        col.close()


def new_by_deck(col: Collection, *decks: str) -> dict[str, int]:
    plan = col.session(Selection(decks)).plan(T0)
    return {d: c.new for d, c in sorted(plan.per_deck.items()) if c.new}


def served(col: Collection, *decks: str) -> list[str]:
    """What a session on `decks` serves, answering each card Easy (it leaves today's queue)."""
    session = col.session(Selection(decks))
    out = []
    while (card := session.next(T0)) is not None:
        out.append(card.deck_id)
        session.answer(card.id, Rating.EASY, T0)
    return out


def test_a_deck_applies_its_own_limit_not_its_folders(make) -> None:
    col = make()
    assert new_by_deck(col, "a/x") == {"a/x": 3}
    assert new_by_deck(col, "a/y") == {"a/y": 10}  # the folder's 5 is above it
    assert new_by_deck(col, "b/z") == {"b/z": 10}  # the root's 12 is above it


def test_a_folder_applies_its_limit_and_those_below(make) -> None:
    col = make()
    assert new_by_deck(col, "a") == {"a/x": 3, "a/y": 2}


def test_everything_starts_at_the_root(make) -> None:
    col = make()
    assert new_by_deck(col) == {"a/x": 3, "a/y": 2, "b/z": 7}
    assert col.session().plan(T0).counts.new == 12


def test_limits_start_from_the_top_when_asked(make) -> None:
    col = make("limits_start_from_top = true\n")
    assert new_by_deck(col, "a/y") == {"a/y": 5}
    assert new_by_deck(col, "b/z") == {"b/z": 10}  # under the root's 12


def test_what_was_done_today_counts_in_every_limit_above_it(make) -> None:
    col = make()
    assert served(col, "a/x") == ["a/x"] * 3
    assert new_by_deck(col, "a/x") == {}
    assert new_by_deck(col, "a/y") == {"a/y": 10}  # its own 12: none used in a/y
    assert new_by_deck(col, "a") == {"a/y": 2}  # the folder's 5, 3 used
    assert new_by_deck(col) == {"a/y": 2, "b/z": 7}  # the root's 12, 3 used
    col = make("limits_start_from_top = true\n")
    assert new_by_deck(col, "a/y") == {"a/y": 2}


def test_counts_are_what_a_session_serves(make) -> None:
    col = make()
    expected = col.session(Selection(("a",))).plan(T0).counts.total
    assert len(served(col, "a")) == expected == 5
    expected = col.session().plan(T0).counts.total
    assert len(served(col)) == expected == 7  # the root's 12, 5 used: all from b/z
    assert col.session().plan(T0).counts.new == 0


def test_due_from_the_card_index_applies_folder_limits(
    make, capsys: pytest.CaptureFixture[str]
) -> None:
    make().close()
    for _ in range(2):  # the full open, then the card index
        assert main(["due", "--json"]) == 0
        data = json.loads(capsys.readouterr().out)
        assert data["total"]["new"] == 12
        assert {d: c["new"] for d, c in data["decks"].items()} == {"a/x": 3, "a/y": 2, "b/z": 7}


def test_an_extension_raises_its_own_limit_and_only_today(make) -> None:
    col = make()
    col.session(Selection(("a",))).extend("a/x", 4, 0, T0)
    assert new_by_deck(col, "a/x") == {"a/x": 7}
    assert new_by_deck(col, "a") == {"a/x": 5}  # the folder's own 5 still holds
    col.session().extend("a", 2, 0, T0)
    assert new_by_deck(col, "a") == {"a/x": 7}
    assert served(col, "a") == ["a/x"] * 7
    assert (
        new_by_deck(
            col,
            "a/x",
        )
        == {}
    )
    tomorrow = T0 + 86_400_000
    plan = col.session(Selection(("a/x",))).plan(tomorrow)
    assert plan.counts.new == 3


def test_with_limits_from_the_top_an_extension_raises_the_folders_above(make) -> None:
    col = make("limits_start_from_top = true\n")
    col.session().extend("a/x", 4, 0, T0)
    assert new_by_deck(col, "a/x") == {"a/x": 7}  # the folder's 5 raised to 9, the root's to 16
    assert new_by_deck(col, "a/y") == {"a/y": 9}


def test_what_is_counted_for_a_deck_counts_in_every_node_above_it() -> None:
    from quizzer.queue import NodeCounts

    counts = NodeCounts()
    for node, n in (("lang/fr", 2), ("lang/fr/verbs", 3), ("lang/french", 5), ("", 1), ("x", 4)):
        counts.add(node, n)
    assert counts["lang/fr"] == 2 and counts["lang"] == 0 and counts["nowhere"] == 0
    assert counts.within("lang/fr") == 5  # its own and its subfolder's, not lang/french's
    assert counts.within("lang") == 10
    assert counts.within("") == 15
    assert counts.within("lang/fr/verbs") == 3 and counts.within("y") == 0
