"""Exported cards as Anki renders them: the question and answer HTML of real cards, and what Anki
plays on each side, after importing the package into a real Anki collection."""

from __future__ import annotations

from collections.abc import Callable
from html.parser import HTMLParser
from pathlib import Path
from typing import Any

import pytest
from media_support import wav_bytes

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


def test_a_clip_in_the_prompt_is_not_played_again_with_the_answer(
    write_deck: Callable[[str, str], Path], decks_dir: Path, tmp_path: Path, anki: Callable[[], Any]
) -> None:
    # Anki plays a side's clips when it shows it; a clip the front brings in through
    # {{FrontSide}} is only offered for replay on the back, as on Anki's own note types
    media = decks_dir / "audio" / "media"
    media.mkdir(parents=True)
    (media / "tone.wav").write_bytes(wav_bytes())
    write_deck(
        "audio/depth",
        """\
        title: Bit depth
        questions:
          - id: which
            type: choice
            prompt: 'Which bit depth is this? ![a tone](media/tone.wav)'
            choices:
              - {text: 3 bits, correct: true}
              - {text: 16 bits, feedback: It would sound clean.}
          - id: steps
            type: order
            prompt: 'Order what this clip went through. ![a tone](media/tone.wav)'
            items: [recorded, quantised, played]
          - id: told
            type: basic
            prompt: 'Which bit depth is this? ![a tone](media/tone.wav)'
            answer: 3 bits.
    """,
    )
    col = imported(decks_dir, tmp_path, anki())
    for question in ("which", "steps", "told"):
        card = cards_of(col, "audio/depth", question)[0]
        played = [tag.filename for tag in card.question_av_tags()]
        assert len(played) == 1 and played[0].endswith("-tone.wav"), question
        assert card.answer_av_tags() == [], question
        assert "[anki:play:q:0]" in card.answer(), question  # the replay button stays
    choice = cards_of(col, "audio/depth", "which")[0]
    back = choice.answer()
    # the front's plain options are hidden on the back, where the marked ones follow the rule
    asked, _, answer = back.partition('<hr id="answer">')
    assert 'class="qz-asked"' in asked and "qz-options" in asked
    assert ".qz-asked ol.qz-options" in choice.css()
    assert "Answer: A" in answer or "Answer: B" in answer
    assert answer.count('class="qz-right"') == 1 and "It would sound clean." in answer
    order = cards_of(col, "audio/depth", "steps")[0].answer()
    assert order.count('class="qz-items"') == 1 and order.count('class="qz-order"') == 1
