"""Questions expand into cards whose ids survive any edit of the text."""

from __future__ import annotations

from pathlib import Path

from quizzer.decks.cards import split_card_id
from quizzer.decks.cloze import render_cloze
from quizzer.decks.tree import load_tree


def card_ids(decks: Path) -> list[str]:
    tree = load_tree(decks)
    assert tree.problems == []
    return [c.id for c in tree.cards()]


def test_every_type_expands_to_its_cards(sample_tree: Path, decks_dir: Path) -> None:
    assert card_ids(decks_dir) == [
        "demo/sample:basic-q",
        "demo/sample:basic-q#reverse",
        "demo/sample:cloze-q#c1",
        "demo/sample:cloze-q#c2",
        "demo/sample:cloze-q#c3",
        "demo/sample:choice-q",
        "demo/sample:typed-q",
        "demo/sample:numeric-q",
        "demo/sample:order-q",
    ]


def test_ids_do_not_change_when_text_changes(sample_tree: Path, decks_dir: Path) -> None:
    before = card_ids(decks_dir)
    text = sample_tree.read_text()
    edited = (
        text.replace("What is the capital of France?", "Which city is France's capital?")
        .replace("merges {{c2::repeats}}", "collapses {{c2::repeated labels}}")
        .replace("Which are even?", "Pick the even numbers.")
        .replace("[one, two, three, four]", "[uno, dos, tres, cuatro]")
    )
    assert edited != text
    sample_tree.write_text(edited)
    assert card_ids(decks_dir) == before


def test_same_cloze_number_twice_is_one_card(write_deck, decks_dir: Path) -> None:
    write_deck(
        "d",
        "title: T\nquestions:\n  - id: q\n    type: cloze\n"
        "    text: '{{c1::a}} and {{c1::b}} then {{c2::c}}'\n",
    )
    assert card_ids(decks_dir) == ["d:q#c1", "d:q#c2"]


def test_render_cloze_hides_only_its_number() -> None:
    text = "{{c1::CTC}} merges {{c2::repeats}} and drops {{c3::blanks::symbol}}."
    assert render_cloze(text, 3, reveal=False) == "CTC merges repeats and drops [symbol]."
    assert render_cloze(text, 1, reveal=False) == "[…] merges repeats and drops blanks."
    shown = render_cloze(text, 2, reveal=True, shown=lambda d: f"**{d.answer}**")
    assert shown == "CTC merges **repeats** and drops blanks."


def test_split_card_id() -> None:
    assert split_card_id("asr/ctc:blank-role#c2") == ("asr/ctc", "blank-role", "c2")
    assert split_card_id("asr/ctc:blank-role") == ("asr/ctc", "blank-role", "")


def test_order_files_set_the_study_order(write_deck, decks_dir: Path) -> None:
    basic = "title: T\nquestions:\n  - {id: q, type: basic, prompt: P, answer: A}\n"
    for deck_id in ("b/one", "b/two", "a/zed", "a/alpha", "c/only"):
        write_deck(deck_id, basic)
    (decks_dir / "_order.txt").write_text("# roadmap order\nc\nb\n")
    (decks_dir / "b" / "_order.txt").write_text("two\none\n")
    tree = load_tree(decks_dir)
    # listed first in their order, then the unlisted alphabetically
    assert tree.ordered() == ["c/only", "b/two", "b/one", "a/alpha", "a/zed"]
    assert [c.deck_id for c in tree.cards()] == tree.ordered()


def test_bundled_decks_start_with_the_foundations() -> None:
    from quizzer.paths import bundled_decks

    tree = load_tree(bundled_decks())
    assert tree.ordered()[0] == "foundations/digital-audio"
    assert tree.ordered()[-1].startswith("research-trends/")
