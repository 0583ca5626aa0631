"""What a card shows, defined once for the command line, the review screen, the statistics and the
Anki export."""

from __future__ import annotations

from pathlib import Path

from quizzer.decks.faces import faces, shown_order
from quizzer.decks.models import Order
from quizzer.decks.tree import load_tree


def test_each_type_shows_its_faces(sample_tree: Path, decks_dir: Path) -> None:
    index = load_tree(decks_dir).card_index()
    basic = faces(index["demo/sample:basic-q"])
    assert (basic.front, basic.back) == ("What is the capital of France?", "Paris")
    reverse = faces(index["demo/sample:basic-q#reverse"])
    assert (reverse.front, reverse.back) == ("Paris", "What is the capital of France?")
    c3 = faces(index["demo/sample:cloze-q#c3"])
    assert c3.front == "CTC merges repeats and drops [symbol]."
    assert c3.back == "CTC merges repeats and drops blanks."
    assert faces(index["demo/sample:cloze-q#c1"]).front.startswith("[…] merges")
    choice = faces(index["demo/sample:choice-q"], [2, 0, 1])
    assert (choice.front, choice.back, choice.options) == ("Which are even?", None, ("4", "2", "3"))
    assert faces(index["demo/sample:order-q"], [3, 2, 1, 0]).options == (
        "four",
        "three",
        "two",
        "one",
    )
    numeric = faces(index["demo/sample:numeric-q"])
    assert (numeric.back, numeric.unit, numeric.options) == (None, "hours", ())


def test_the_shown_order_is_fixed_by_its_seed_and_never_solves_an_order_question(
    sample_tree: Path, decks_dir: Path
) -> None:
    index = load_tree(decks_dir).card_index()
    choice = index["demo/sample:choice-q"].question
    assert shown_order(choice, "a") == shown_order(choice, "a")
    assert sorted(shown_order(choice, "a")) == [0, 1, 2]
    assert {tuple(shown_order(choice, str(seed))) for seed in range(50)} != {(0, 1, 2)}
    pair = Order(type="order", id="pair", prompt="First, then second.", items=["first", "second"])
    orders = [shown_order(pair, str(seed)) for seed in range(50)]
    assert all(order == [1, 0] for order in orders)
    assert shown_order(index["demo/sample:typed-q"].question, "a") == []
