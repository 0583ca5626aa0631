"""Decks read back from the deck cache build their models when first used, and are then the
same decks a load without the cache gives."""

from __future__ import annotations

import json
import os
from pathlib import Path

import pytest

from quizzer.clock import now, to_ms
from quizzer.collection import load_decks, open_collection
from quizzer.decks.cache import DeckCacheError, dump_body, load_body
from quizzer.decks.deferred import DeferredDeck, shown_card
from tests.conftest import SAMPLE_DECK, basic_deck


def test_cached_decks_equal_decks_loaded_without_the_cache(
    write_deck, monkeypatch: pytest.MonkeyPatch
) -> None:
    write_deck("demo/sample", SAMPLE_DECK)
    write_deck("demo/plain", basic_deck(5))
    load_decks()  # fills the cache
    cached = load_decks()
    monkeypatch.setenv("QUIZZER_NO_CACHE", "1")
    fresh = load_decks()
    assert all(isinstance(d, DeferredDeck) for d in cached.decks.values())
    assert list(cached.decks) == list(fresh.decks)
    for deck_id, loaded in fresh.decks.items():
        again = cached.decks[deck_id]
        assert again.deck == loaded.deck
        assert again.lines == loaded.lines and again.warnings == loaded.warnings
        for a, b in zip(again.cards, loaded.cards, strict=True):
            assert (a.id, a.deck_id, a.question_id, a.variant, a.position) == (
                b.id,
                b.deck_id,
                b.question_id,
                b.variant,
                b.position,
            )
            assert a.question == b.question
            assert a == b and b == a
            # the card holds the very question object of its deck
            assert any(a.question is q for q in again.deck.questions)


def test_the_first_card_builds_only_its_own_deck(write_deck) -> None:
    for n in range(4):
        write_deck(f"demo/d{n}", basic_deck(3))
    load_decks()  # fills the cache
    col = open_collection()
    try:
        session = col.session()
        card = session.next(to_ms(now()))
        assert card is not None and card.question.prompt
        built = {d for d, loaded in col.tree.decks.items() if loaded.built}  # type: ignore[attr-defined]
        assert built == {card.deck_id}
    finally:
        col.close()


def _plant(home: Path, change) -> None:
    """Change the stored data of every cached deck (each in its own file beside the cache's)."""
    (folder,) = (p for p in (home / "cache").glob("decks-*") if p.is_dir())
    for path in folder.glob("*.jsonl"):
        data = load_body(path.read_text())
        assert data is not None
        change(data)
        path.write_text(dump_body(data))


def test_a_damaged_entry_is_read_from_its_file_when_used(
    write_deck, isolated: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    write_deck("demo/plain", basic_deck(3))
    load_decks()
    _plant(isolated / "home", lambda d: d.update(title=["not", "text"]))
    tree = load_decks()
    assert tree.decks["demo/plain"].deck.title == "D"
    assert [c.question.prompt for c in tree.decks["demo/plain"].cards] == ["P0", "P1", "P2"]
    # the damaged cache file is gone: the next load rebuilds it
    assert not list((isolated / "home" / "cache").glob("decks-*.json"))


def _bodies(home: Path) -> list[Path]:
    return sorted(
        p
        for folder in (home / "cache").glob("decks-*")
        if folder.is_dir()
        for p in folder.glob("*.jsonl")
    )


def test_a_start_reads_only_the_data_of_the_decks_it_uses(
    write_deck, isolated: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    from quizzer.decks import cache

    for n in range(4):
        write_deck(f"demo/d{n}", basic_deck(3))
    load_decks()  # fills the cache: one data file per deck
    assert len(_bodies(isolated / "home")) == 4
    read: list[str] = []
    real = cache._read_body
    monkeypatch.setattr(cache, "_read_body", lambda key: read.append(key) or real(key))
    col = open_collection()
    try:
        assert read == []  # the cards, titles and lines come from the cache file alone
        card = col.session().next(to_ms(now()))
        assert card is not None and card.question.prompt
        assert [key.split(" ")[0] for key in read] == [card.deck_id]
    finally:
        col.close()


def test_the_data_of_an_edited_deck_is_replaced_and_a_missing_one_read_from_its_file(
    write_deck, isolated: Path
) -> None:
    home = isolated / "home"
    path = write_deck("demo/plain", basic_deck(3))
    write_deck("demo/other", basic_deck(2))
    running = load_decks()  # a quizzer started before the edit
    before = _bodies(home)
    path.write_text(basic_deck(4), encoding="utf-8")
    load_decks()
    after = _bodies(home)
    assert len(after) == 3 and set(before) < set(after)  # the old data stays a while
    # for the quizzer still running on the old deck, which builds it as it was
    assert [q.id for q in running.decks["demo/plain"].deck.questions] == ["q0", "q1", "q2"]
    # once a day old, the next save removes it
    (stale,) = set(after) - _bodies_of_entries(home)
    os.utime(stale, (0, 0))
    path.write_text(basic_deck(5), encoding="utf-8")
    load_decks()
    assert stale not in _bodies(home)
    assert len(_bodies(home)) == 3  # demo/other's, the 4-question one's (recent), the new one
    for body in _bodies(home):
        body.unlink()
    tree = load_decks()
    assert [c.question.prompt for c in tree.decks["demo/plain"].cards] == [
        f"P{i}" for i in range(5)
    ]
    assert tree.decks["demo/other"].deck.title == "D"


def _bodies_of_entries(home: Path) -> set[Path]:
    """The data files the cache file's entries name."""
    from quizzer.decks.cache import _body_path

    (cache,) = (p for p in (home / "cache").glob("decks-*.json"))
    return {_body_path(key) for key in json.loads(cache.read_text())}


def test_a_damaged_entry_whose_file_changed_stops_with_one_line(write_deck, isolated: Path) -> None:
    path = write_deck("demo/plain", basic_deck(3))
    load_decks()
    _plant(isolated / "home", lambda d: d.update(title=["not", "text"]))
    tree = load_decks()
    path.write_text(basic_deck(2).replace("q1", "renamed"), encoding="utf-8")
    with pytest.raises(DeckCacheError, match=r"plain\.yaml: the deck cache held a damaged"):
        _ = tree.decks["demo/plain"].deck


def test_statistics_show_titles_and_cards_without_building_any_deck(
    write_deck, monkeypatch: pytest.MonkeyPatch
) -> None:
    from quizzer import stats
    from quizzer.state import Rating

    write_deck("demo/sample", SAMPLE_DECK)
    for n in range(3):
        write_deck(f"demo/d{n}", basic_deck(3))
    load_decks()  # fills the cache
    at = to_ms(now())

    def figures(answer: bool = False) -> tuple[object, object, set[str]]:
        col = open_collection()
        try:
            if answer:
                session = col.session()
                for i in range(6):
                    card = session.next(at + i * 1000)
                    assert card is not None
                    session.answer(card.id, Rating.GOOD, at + i * 1000)
            page = stats.compute(col, at + 10_000, None, 30)
            built = {d for d, loaded in col.tree.decks.items() if getattr(loaded, "built", True)}
            return page.decks, page.hardest, built
        finally:
            col.close()

    figures(answer=True)
    decks, hardest, built = figures()
    assert built == set()
    assert hardest.lowest_retrievability  # cards to watch are shown, with their text
    monkeypatch.setenv("QUIZZER_NO_CACHE", "1")
    assert figures()[:2] == (decks, hardest)


def test_a_tree_of_several_roots_keeps_every_roots_decks_in_the_cache(
    isolated: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    # the bundled decks and the learner's own folder are two roots of one tree
    from quizzer.decks import tree as trees

    first, second, empty = (isolated / name for name in ("first", "second", "empty"))
    for root, names in ((first, ("a", "b")), (second, ("c",))):
        for name in names:
            (root / "demo").mkdir(parents=True, exist_ok=True)
            (root / "demo" / f"{name}.yaml").write_text(basic_deck(2), encoding="utf-8")
    empty.mkdir()
    roots = [first, second, empty]
    trees.load_roots(roots)  # fills the cache
    parsed: list[str] = []
    real = trees.load_bytes
    monkeypatch.setattr(
        trees, "load_bytes", lambda data, d, *rest: parsed.append(d) or real(data, d, *rest)
    )
    again = trees.load_roots(roots)
    assert parsed == []  # every deck of every root came from the cache
    assert sorted(again.decks) == ["demo/a", "demo/b", "demo/c"]
    assert all(isinstance(d, DeferredDeck) for d in again.decks.values())
    # linting one root alone (`quizzer lint FOLDER`) leaves the other roots' decks cached
    trees.load_tree(second)
    trees.load_roots(roots)
    assert parsed == []
    # an edited deck is parsed once, and its old entry goes
    (first / "demo" / "a.yaml").write_text(basic_deck(3), encoding="utf-8")
    trees.load_roots(roots)
    trees.load_roots(roots)
    assert parsed == ["demo/a"]
    assert len(_bodies_of_entries(isolated / "home")) == 3


def test_a_question_holding_a_line_separator_keeps_the_next_questions_in_place(
    write_deck, isolated: Path
) -> None:
    # U+2028 and U+2029 stay in JSON strings as they are: the data file splits at newlines only
    write_deck(
        "demo/sep",
        "title: S\nquestions:\n"
        '  - {id: a, type: basic, prompt: "one\\u2028two\\u2029three", answer: x}\n'
        "  - {id: b, type: basic, prompt: second, answer: y}\n",
    )
    load_decks()  # fills the cache
    tree = load_decks()
    deck = tree.decks["demo/sep"]
    assert isinstance(deck, DeferredDeck)
    shown = [shown_card(card).question.prompt for card in deck.cards]
    assert not deck.built
    assert shown == ["one\u2028two\u2029three", "second"]
    assert [q.prompt for q in deck.deck.questions] == shown


def test_a_stored_number_too_large_for_a_float_is_refused_not_raised() -> None:
    """A planted cache entry whose numeric answer has hundreds of digits is a StoredError (the
    deck is then read from its file), never an OverflowError."""
    from quizzer.decks.stored import StoredError, load_question

    question = {
        "id": "a",
        "type": "numeric",
        "prompt": "P",
        "answer": 10**400,
        "tolerance": 0.0,
        "unit": None,
        "explanation": None,
        "source": None,
        "tags": [],
        "hint": None,
    }
    with pytest.raises(StoredError):
        load_question(question)
    assert load_question({**question, "answer": 3}).answer == 3  # type: ignore[attr-defined]
