"""Exported cards as Anki renders them: the question and answer HTML of real cards, and what Anki
plays on each side, after importing the package into a real Anki collection."""

from __future__ import annotations

from collections.abc import Callable
from html.parser import HTMLParser
from pathlib import Path
from typing import Any

import pytest

from quizzer.clock import parse_instant, to_ms
from quizzer.collection import load_decks
from quizzer.export.anki import export_anki, note_guid

anki_collection = pytest.importorskip("anki.collection")

NOW = "2026-03-02T09:00:00Z"


def imported(decks_dir: Path, tmp_path: Path, col: Any) -> Any:
    """Export a decks tree and import the package into `col`, as File > Import does."""
    out = tmp_path / "cards.apkg"
    export_anki(load_decks(decks_dir), out, now_ms=to_ms(parse_instant(NOW)))
    options = anki_collection.ImportAnkiPackageOptions()
    request = anki_collection.ImportAnkiPackageRequest(package_path=str(out), options=options)
    col.import_anki_package(request)
    return col


def cards_of(col: Any, deck_id: str, question_id: str) -> list[Any]:
    """The Anki cards of a quizzer question, in template order."""
    nid = col.db.scalar("SELECT id FROM notes WHERE guid = ?", note_guid(deck_id, question_id))
    return sorted(col.get_note(nid).cards(), key=lambda c: c.ord)


class _Elements(HTMLParser):
    """The tags of an HTML text and the text between them."""

    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.tags: list[tuple[str, dict[str, str | None]]] = []
        self.text: list[str] = []

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        self.tags.append((tag, dict(attrs)))

    def handle_data(self, data: str) -> None:
        self.text.append(data)


def elements(html_text: str) -> _Elements:
    """Parse HTML as a browser's tokenizer would."""
    parsed = _Elements()
    parsed.feed(html_text)
    parsed.close()
    return parsed


def test_a_deck_title_with_a_tag_is_shown_not_run(
    write_deck: Callable[[str, str], Path], decks_dir: Path, tmp_path: Path, anki: Callable[[], Any]
) -> None:
    # every card names its deck with Anki's {{Subdeck}}, which Anki puts into the HTML as it is
    write_deck(
        "asr/odd",
        """\
        title: 'Scores <img src=x onerror="alert(1)"> & <b>more</b>'
        questions:
          - {id: q, type: basic, prompt: What is shown?, answer: Text.}
    """,
    )
    col = imported(decks_dir, tmp_path, anki())
    card = cards_of(col, "asr/odd", "q")[0]
    for side in (card.question(), card.answer()):
        parsed = elements(side)
        assert [tag for tag, _ in parsed.tags if tag in ("img", "b")] == []
        assert not any(k.startswith("on") for _, attrs in parsed.tags for k in attrs)
        assert 'Scores ＜img src=x onerror="alert(1)"＞ & ＜b＞more＜/b＞' in "".join(parsed.text)
    title = 'Scores ＜img src=x onerror="alert(1)"＞ & ＜b＞more＜/b＞'
    assert col.decks.id_for_name(f"Quizzer::ASR::{title}")
