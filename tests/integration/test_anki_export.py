"""`quizzer export anki`, proven by importing the package into a real Anki collection.

The `anki` package from PyPI is Anki's own Rust core: what it imports here is what Anki desktop
imports. Each test builds a small decks tree in tmp_path (see tests/conftest.py), exports it and
imports the result.
"""

from __future__ import annotations

import json
import os
import sqlite3
import tempfile
import time
import zipfile
from collections.abc import Callable
from datetime import UTC, datetime
from pathlib import Path
from typing import Any
from zoneinfo import ZoneInfo

import pytest
from media_support import wav_bytes

from quizzer import paths
from quizzer.cli import main
from quizzer.clock import parse_instant, study_day, to_ms
from quizzer.collection import load_decks, open_collection
from quizzer.commands.decks import deck_summary
from quizzer.decks.tree import DeckTree, folder_title
from quizzer.export.anki import (
    MODEL_IDS,
    ExportError,
    anki_deck_id,
    anki_deck_name,
    anki_tag,
    export_anki,
    note_guid,
    root_deck_name,
    select_decks,
)
from quizzer.export.anki_progress import _replayed, progress_from
from quizzer.export.markdown import MediaError, Renderer
from quizzer.state import CardPhase, Rating

anki_collection = pytest.importorskip("anki.collection")
ImportAnkiPackageRequest = anki_collection.ImportAnkiPackageRequest
ImportAnkiPackageOptions = anki_collection.ImportAnkiPackageOptions

NOW = "2026-03-02T09:00:00Z"  # QUIZZER_NOW in tests/conftest.py
LATER = "2026-03-02T09:05:00Z"

FEATURES_DECK = """\
title: Odd Features
description: Text that must survive the trip to Anki.
tags: [speech recognition, "asr::decoding"]
questions:
  - id: escaped
    type: basic
    prompt: 'What does <script>alert("x")</script> do in a field?'
    answer: Nothing, it is escaped & shown as text.
  - id: math
    type: basic
    prompt: What is $x_1 * y_2$ when both are zero?
    answer: 'Zero, and $$\\sum_{i} a_i^*$$ stays display math. Prices like $5 and $6 stay text.'
    tags: [math]
  - id: table
    type: basic
    prompt: Read the table.
    answer: |
      | a | b |
      |---|---|
      | 1 | 2 |
  - id: cloze-math
    type: cloze
    text: 'Map $\\mathcal{B}$ first {{c1::merges}}, then {{c2::drops $\\epsilon_t$::symbol}}.'
"""


# ---------------------------------------------------------------- helpers


def import_apkg(col: Any, path: Path, *, with_scheduling: bool = False) -> Any:
    """Import like Anki desktop's File > Import (update notes if newer); returns the note log."""
    options = ImportAnkiPackageOptions(with_scheduling=with_scheduling)
    request = ImportAnkiPackageRequest(package_path=str(path), options=options)
    return col.import_anki_package(request).log


def export(decks_dir: Path, out: Path, when: str = NOW, **kwargs: Any) -> Any:
    """Export a decks tree as of `when`."""
    return export_anki(load_decks(decks_dir), out, now_ms=to_ms(parse_instant(when)), **kwargs)


def package_decks(path: Path) -> dict[str, int]:
    """Deck name -> id, as written in a package."""
    with zipfile.ZipFile(path) as zf, tempfile.TemporaryDirectory() as tmp:
        zf.extract("collection.anki2", tmp)
        db = sqlite3.connect(Path(tmp) / "collection.anki2")
        decks = json.loads(db.execute("SELECT decks FROM col").fetchone()[0])
        db.close()
    return {d["name"]: int(d["id"]) for d in decks.values()}


def note_for(col: Any, deck_id: str, question_id: str) -> Any:
    """The Anki note of a quizzer question, found by its GUID."""
    guid = note_guid(deck_id, question_id)
    nid = col.db.scalar("SELECT id FROM notes WHERE guid = ?", guid)
    assert nid, f"no note for {deck_id}:{question_id}"
    return col.get_note(nid)


def assert_counts_match(col: Any, tree: DeckTree) -> None:
    """Notes and cards of every Anki deck equal what `quizzer decks --json` reports."""
    summary = deck_summary(tree)
    root = root_deck_name(tree.root)
    for deck in summary["decks"]:
        name = anki_deck_name(deck["id"], deck["title"], root)
        did = col.decks.id_for_name(name)
        assert did, f"deck {name} missing"
        assert len(col.find_notes(f"did:{did}")) == deck["questions"], deck["id"]
        assert len(col.find_cards(f"did:{did}")) == deck["cards"], deck["id"]
    assert col.note_count() == summary["total"]["questions"]
    assert col.card_count() == summary["total"]["cards"]


@pytest.fixture
def two_decks(sample_tree: Path, write_deck: Callable[[str, str], Path]) -> Path:
    """The sample deck plus a deck with odd text in another folder; returns the decks dir."""
    write_deck("speaker-verification/features", FEATURES_DECK)
    return sample_tree.parent.parent


# ---------------------------------------------------------------- structure


def test_counts_per_deck_match_quizzer_decks_json(
    two_decks: Path, tmp_path: Path, anki: Callable[[], Any], capsys: pytest.CaptureFixture[str]
) -> None:
    out = tmp_path / "out.apkg"
    result = export(two_decks, out)
    col = anki()
    log = import_apkg(col, out)
    assert main(["decks", "--json"]) == 0
    reported = json.loads(capsys.readouterr().out)
    assert len(log.new) == reported["total"]["questions"] == result.notes
    assert col.card_count() == reported["total"]["cards"] == result.cards
    assert_counts_match(col, load_decks(two_decks))


def test_deck_names_follow_folders_and_titles(
    two_decks: Path, tmp_path: Path, anki: Callable[[], Any]
) -> None:
    out = tmp_path / "out.apkg"
    export(two_decks, out)
    col = anki()
    import_apkg(col, out)
    names = {d.name for d in col.decks.all_names_and_ids()}
    assert {
        "Quizzer",
        "Quizzer::Demo",
        "Quizzer::Demo::Sample",
        "Quizzer::Speaker Verification",
        "Quizzer::Speaker Verification::Odd Features",
    } <= names
    # Anki gives decks its own ids on import; the package's are fixed, so two exports agree
    assert package_decks(out)["Quizzer::Demo::Sample"] == anki_deck_id("demo/sample")
    export(two_decks, tmp_path / "again.apkg", when=LATER)
    assert package_decks(tmp_path / "again.apkg") == package_decks(out)
    assert folder_title("asr") == "ASR" and folder_title("tts") == "TTS"
    assert folder_title("speaker-verification") == "Speaker Verification"
    assert anki_deck_name("asr/ctc", "CTC", "AI Speech") == "AI Speech::ASR::CTC"
    assert root_deck_name(paths.bundled_decks()) == "AI Speech"
    assert all((1 << 30) <= anki_deck_id(k) < (1 << 31) for k in ("asr/ctc", "x", "AI Speech"))


def test_note_types_are_ours_with_fixed_ids(
    two_decks: Path, tmp_path: Path, anki: Callable[[], Any]
) -> None:
    out = tmp_path / "out.apkg"
    export(two_decks, out)
    col = anki()
    import_apkg(col, out)
    for kind in ("basic", "cloze", "choice", "typed", "numeric", "order"):
        note = note_for(col, "demo/sample", f"{kind}-q")
        model = note.note_type()
        assert model["id"] == MODEL_IDS[kind]
        assert model["name"] == f"Quizzer {kind.capitalize()}"
        assert model["type"] == (1 if kind == "cloze" else 0)
        names = [f["name"] for f in model["flds"]]
        assert names[-4:] == ["Hint", "Explanation", "Source", "Quizzer ID"]
        assert note["Quizzer ID"] == f"demo/sample:{kind}-q"
        assert ".nightMode" in model["css"] and ".night_mode" in model["css"]
    typed = note_for(col, "demo/sample", "typed-q").note_type()
    assert "{{type:Answer}}" in typed["tmpls"][0]["qfmt"]
    assert note_for(col, "demo/sample", "basic-q")["Source"] == "An atlas"


def test_cloze_gives_one_card_per_deletion_and_keeps_hints(
    sample_tree: Path, tmp_path: Path, anki: Callable[[], Any]
) -> None:
    out = tmp_path / "out.apkg"
    export(sample_tree.parent.parent, out)
    col = anki()
    import_apkg(col, out)
    note = note_for(col, "demo/sample", "cloze-q")
    cards = sorted(note.cards(), key=lambda c: c.ord)
    assert [c.ord for c in cards] == [0, 1, 2]
    assert "{{c3::blanks::symbol}}" in note["Text"]
    assert "[symbol]" in cards[2].question()
    assert "[...]" in cards[0].question() and "CTC" in cards[0].answer()


def test_basic_reverse_makes_a_second_card(
    sample_tree: Path, tmp_path: Path, anki: Callable[[], Any]
) -> None:
    out = tmp_path / "out.apkg"
    export(sample_tree.parent.parent, out)
    col = anki()
    import_apkg(col, out)
    cards = sorted(note_for(col, "demo/sample", "basic-q").cards(), key=lambda c: c.ord)
    assert len(cards) == 2
    assert "Paris" in cards[1].question() and "capital of France" in cards[1].answer()


def test_choice_numeric_and_order_in_their_anki_form(
    sample_tree: Path, tmp_path: Path, anki: Callable[[], Any]
) -> None:
    out = tmp_path / "out.apkg"
    export(sample_tree.parent.parent, out)
    col = anki()
    import_apkg(col, out)
    choice = note_for(col, "demo/sample", "choice-q").cards()[0]
    front, back = choice.question(), choice.answer()
    assert front.count("<li>") == 3 and "Choose all that apply" in front
    assert back.count('class="qz-right"') == 2 and "Odd." in back and "✓" in back
    numeric = note_for(col, "demo/sample", "numeric-q")
    assert numeric["Answer"] == "680000" and numeric["Unit"] == "hours"
    assert "673200 to 686800" in numeric["Tolerance"]
    assert "[[type:Answer]]" in numeric.cards()[0].question()
    order = note_for(col, "demo/sample", "order-q")
    assert order["Items"].count("<li>") == 4
    assert order["Order"].index("one") < order["Order"].index("two") < order["Order"].index("four")


# ---------------------------------------------------------------- text


def test_raw_html_arrives_escaped(two_decks: Path, tmp_path: Path, anki: Callable[[], Any]) -> None:
    out = tmp_path / "out.apkg"
    export(two_decks, out)
    col = anki()
    import_apkg(col, out)
    note = note_for(col, "speaker-verification/features", "escaped")
    assert "&lt;script&gt;" in note["Front"]
    assert "<script" not in note["Front"]
    assert "<script" not in note.cards()[0].question().split("</style>")[-1]
    assert "&amp;" in note["Back"]


def test_math_becomes_mathjax_and_survives_markdown(
    two_decks: Path, tmp_path: Path, anki: Callable[[], Any]
) -> None:
    out = tmp_path / "out.apkg"
    export(two_decks, out)
    col = anki()
    import_apkg(col, out)
    note = note_for(col, "speaker-verification/features", "math")
    assert r"\(x_1 * y_2\)" in note["Front"]
    assert r"\[\sum_{i} a_i^*\]" in note["Back"]
    assert "$5 and $6" in note["Back"]
    assert "<em>" not in note["Front"] + note["Back"]
    table = note_for(col, "speaker-verification/features", "table")
    assert "<table>" in table["Back"]
    cloze = note_for(col, "speaker-verification/features", "cloze-math")
    assert r"\(\mathcal{B}\)" in cloze["Text"]
    assert r"{{c2::drops \(\epsilon_t\)::symbol}}" in cloze["Text"]
    assert len(cloze.cards()) == 2


def test_markdown_renderer_edge_cases(tmp_path: Path) -> None:
    r = Renderer(tmp_path / "d.yaml", tmp_path, {})
    assert r.html("code `$x$` here", inline=True) == "code <code>$x$</code> here"
    assert r.html(r"a \$ sign", inline=True) == "a $ sign"
    assert r.html("$a$ and $b_2$", inline=True) == r"\(a\) and \(b_2\)"
    assert r.html("x < y", inline=True) == "x &lt; y"
    assert r.html(None) == ""


def test_a_text_with_the_placeholder_characters_keeps_them(tmp_path: Path) -> None:
    # the renderer frames held pieces (math, cloze markers) in private-use characters: a text
    # holding them itself, even in a placeholder's shape, renders and keeps them
    r = Renderer(tmp_path / "d.yaml", tmp_path, {})
    own = "a \ue0000\ue001 b \ue000"
    assert r.html(own) == f"<p>{own}</p>"
    assert r.html(f"**x** ${own}$") == f"<p><strong>x</strong> \\({own}\\)</p>"
    cloze = r.cloze_html("{{c1::\ue000::\ue001}} $m {{c2::z}}$ \ue0001\ue001")
    assert cloze == "<p>{{c1::\ue000::\ue001}} \\(m {{c2::z}}\\) \ue0001\ue001</p>"


def test_tags_are_anki_safe(two_decks: Path, tmp_path: Path, anki: Callable[[], Any]) -> None:
    out = tmp_path / "out.apkg"
    export(two_decks, out)
    col = anki()
    import_apkg(col, out)
    tags = note_for(col, "speaker-verification/features", "math").tags
    assert set(tags) == {
        "speaker-verification",
        "speaker-verification::features",
        "speech_recognition",
        "asr::decoding",
        "math",
    }
    assert all(" " not in tag for tag in tags)
    assert anki_tag(" a  b ") == "a_b" and anki_tag("::x:::y::") == "x::y"


TAGGED_DECK = """\
title: CTC
tags: [asr, loss]
questions:
  - {id: domain, type: basic, prompt: Tagged its folder, answer: A, tags: [asr]}
  - {id: deck, type: basic, prompt: Tagged its deck, answer: B, tags: ["asr::ctc", leech, marked]}
  - {id: prefix, type: basic, prompt: Tagged like a marker, answer: C, tags: ["quizzer::tag::x"]}
  - {id: none, type: basic, prompt: No tags of its own, answer: D}
"""


def test_tags_the_export_also_gives_come_back(
    write_deck: Callable[[str, str], Path],
    decks_dir: Path,
    tmp_path: Path,
    anki: Callable[[], Any],
    capsys: pytest.CaptureFixture[str],
) -> None:
    """A question tagged with its folder (`asr` in `asr/ctc`), its deck, or `leech` and `marked`
    (which Anki's import takes off): Anki holds the first two once, with the export's own, and
    the import takes them all back, through Anki and back into the deck file (no conflict) or
    into a new folder (the same tags)."""
    from quizzer.import_.command import import_anki

    deck = write_deck("asr/ctc", TAGGED_DECK)
    write_deck(
        "top",
        "title: Top\nquestions:\n  - {id: q, type: basic, prompt: P, answer: A, tags: [top, a]}\n",
    )
    write_deck(  # its tag is its first folder, which the export does not give
        "lang/es/verbs",
        "title: Verbs\nquestions:\n  - {id: q, type: basic, prompt: P, answer: A, tags: [lang]}\n",
    )
    export(decks_dir, tmp_path / "out.apkg")
    col = anki()
    import_apkg(col, tmp_path / "out.apkg")
    assert set(note_for(col, "asr/ctc", "domain").tags) == {
        "asr",
        "asr::ctc",
        "loss",
        "quizzer::tag::asr",
    }
    assert set(note_for(col, "asr/ctc", "none").tags) == {"asr", "asr::ctc", "loss"}
    back = tmp_path / "from-anki.apkg"
    options = anki_collection.ExportAnkiPackageOptions(
        with_scheduling=False, with_deck_configs=False, with_media=True, legacy=False
    )
    col.export_anki_package(out_path=str(back), options=options, limit=None)

    before = deck.read_bytes()
    assert main(["import", "anki", str(back), "--into", str(decks_dir)]) == 0
    out = capsys.readouterr().out
    assert "0 questions added, 0 updated, 6 unchanged" in out and "kept" not in out
    assert deck.read_bytes() == before

    fresh = tmp_path / "fresh"
    import_anki(back, fresh, now_ms=to_ms(parse_instant(NOW)))
    tags = {
        f"{d}:{q.id}": sorted(q.tags)
        for d, loaded in load_decks(fresh).decks.items()
        for q in loaded.deck.questions
    }
    assert tags == {  # the deck's tags come back as its questions', but its folder
        "asr/ctc:domain": ["asr", "loss"],
        "asr/ctc:deck": ["asr::ctc", "leech", "loss", "marked"],
        "asr/ctc:prefix": ["loss", "quizzer::tag::x"],
        "asr/ctc:none": ["loss"],
        "top:q": ["a", "top"],
        "lang/es/verbs:q": ["lang"],
    }


# ---------------------------------------------------------------- re-import


def test_reimport_after_edit_updates_in_place(
    sample_tree: Path, tmp_path: Path, anki: Callable[[], Any]
) -> None:
    decks = sample_tree.parent.parent
    col = anki()
    first = tmp_path / "first.apkg"
    export(decks, first, when=NOW)
    assert len(import_apkg(col, first).new) == 6
    card_ids_before = sorted(col.find_cards(""))

    sample_tree.write_text(
        sample_tree.read_text().replace(
            "What is the capital of France?", "Which city is the capital of France?"
        ),
        encoding="utf-8",
    )
    second = tmp_path / "second.apkg"
    export(decks, second, when=LATER)
    log = import_apkg(col, second)
    assert len(log.new) == 0
    assert len(log.updated) == 6
    assert col.note_count() == 6
    assert sorted(col.find_cards("")) == card_ids_before
    assert "Which city" in note_for(col, "demo/sample", "basic-q")["Front"]

    again = import_apkg(col, second)  # the same package twice: nothing new, nothing changed
    assert (len(again.new), len(again.updated)) == (0, 0)
    assert col.note_count() == 6 and col.card_count() == 9


def test_new_question_and_deletion_are_added_on_reimport(
    sample_tree: Path, tmp_path: Path, anki: Callable[[], Any]
) -> None:
    decks = sample_tree.parent.parent
    col = anki()
    export(decks, tmp_path / "a.apkg", when=NOW)
    import_apkg(col, tmp_path / "a.apkg")
    text = (
        sample_tree.read_text().replace(
            "drops {{c3::blanks::symbol}}.", "drops {{c3::blanks::symbol}} per {{c4::frame}}."
        )
        + "  - {id: extra, type: basic, prompt: New?, answer: Yes indeed}\n"
    )
    sample_tree.write_text(text, encoding="utf-8")
    export(decks, tmp_path / "b.apkg", when=LATER)
    log = import_apkg(col, tmp_path / "b.apkg")
    assert len(log.new) == 1
    assert col.note_count() == 7
    assert len(note_for(col, "demo/sample", "cloze-q").cards()) == 4
    assert_counts_match(col, load_decks(decks))


def test_changed_question_type_is_reported_not_duplicated(
    sample_tree: Path, tmp_path: Path, anki: Callable[[], Any]
) -> None:
    decks = sample_tree.parent.parent
    col = anki()
    export(decks, tmp_path / "a.apkg", when=NOW)
    import_apkg(col, tmp_path / "a.apkg")
    text = sample_tree.read_text().replace(
        "    type: basic\n    prompt: What is the capital of France?\n    answer: Paris\n"
        "    reverse: true\n",
        "    type: typed\n    prompt: What is the capital of France?\n    answers: [Paris]\n",
    )
    sample_tree.write_text(text, encoding="utf-8")
    export(decks, tmp_path / "b.apkg", when=LATER)
    log = import_apkg(col, tmp_path / "b.apkg")
    assert len(log.conflicting) == 1 and len(log.new) == 0
    assert col.note_count() == 6


# ---------------------------------------------------------------- media


PNG = bytes.fromhex(
    "89504e470d0a1a0a0000000d49484452000000010000000108060000001f15c489"
    "0000000d49444154789c6360000002000154a24f5d0000000049454e44ae426082"
)


def test_images_are_packed_as_media(
    write_deck: Callable[[str, str], Path], decks_dir: Path, tmp_path: Path, anki: Callable[[], Any]
) -> None:
    (decks_dir / "asr" / "img").mkdir(parents=True)
    (decks_dir / "asr" / "img" / "ctc lattice.png").write_bytes(PNG)
    write_deck(
        "asr/ctc",
        """\
        title: CTC
        questions:
          - id: lattice
            type: basic
            prompt: 'What does this show? ![the CTC lattice](img/ctc%20lattice.png)'
            answer: The alignment lattice.
    """,
    )
    out = tmp_path / "out.apkg"
    result = export(decks_dir, out)
    assert result.media == 1
    col = anki()
    import_apkg(col, out)
    front = note_for(col, "asr/ctc", "lattice")["Front"]
    name = front.split('src="')[1].split('"')[0]
    assert name.startswith("quizzer-") and name.endswith("ctc-lattice.png")
    assert (Path(col.media.dir()) / name).read_bytes() == PNG
    assert 'alt="the CTC lattice"' in front


def media_references(note: Any) -> list[str]:
    """Every media file name a note's fields refer to, as `<img src>` or `[sound:...]`."""
    import re

    text = " ".join(note.fields)
    return re.findall(r'<img src="([^"]+)"', text) + re.findall(r"\[sound:([^\]]+)\]", text)


def test_figures_and_clips_reach_anki_with_stable_names(
    write_deck: Callable[[str, str], Path], decks_dir: Path, tmp_path: Path, anki: Callable[[], Any]
) -> None:
    media = decks_dir / "audio" / "media"
    media.mkdir(parents=True)
    (media / "tone.wav").write_bytes(wav_bytes())
    (media / "plot.png").write_bytes(PNG)
    write_deck(
        "audio/depth",
        """\
        title: Bit depth
        questions:
          - id: which
            type: choice
            prompt: 'Which bit depth is this? ![a tone at 3 bits](media/tone.wav)'
            choices:
              - {text: 3 bits, correct: true}
              - {text: 16 bits}
            explanation: 'The staircase: ![eight levels](media/plot.png)'
          - id: clip-back
            type: basic
            prompt: What does a 3-bit tone sound like?
            answer: 'Like this: ![the same tone](media/tone.wav)'
    """,
    )
    first, second = tmp_path / "a.apkg", tmp_path / "b.apkg"
    assert export(decks_dir, first).media == 2
    export(decks_dir, second)
    with zipfile.ZipFile(first) as a, zipfile.ZipFile(second) as b:
        assert json.loads(a.read("media")) == json.loads(b.read("media"))
        names = sorted(json.loads(a.read("media")).values())
    assert sorted(n.rsplit("-", 1)[-1] for n in names) == ["plot.png", "tone.wav"]
    col = anki()
    import_apkg(col, first)
    which = note_for(col, "audio/depth", "which")
    back = note_for(col, "audio/depth", "clip-back")
    wav = next(n for n in names if n.endswith(".wav"))
    png = next(n for n in names if n.endswith(".png"))
    assert f"[sound:{wav}]" in which.fields[0] and "<img" not in which.fields[0]
    assert f'<img src="{png}" alt="eight levels"' in " ".join(which.fields)
    assert f"[sound:{wav}]" in " ".join(back.fields)
    folder = Path(col.media.dir())
    for note in (which, back):
        for name in media_references(note):
            assert (folder / name).is_file(), name
    assert (folder / wav).read_bytes() == (media / "tone.wav").read_bytes()
    check = col.media.check()
    assert not check.missing and not check.unused, (check.missing, check.unused)


def test_image_outside_the_decks_folder_is_refused(
    write_deck: Callable[[str, str], Path],
    decks_dir: Path,
    tmp_path: Path,
    capsys: pytest.CaptureFixture[str],
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    (tmp_path / "secret.png").write_bytes(PNG)
    deck_file = write_deck(
        "asr/ctc",
        """\
        title: CTC
        questions:
          - id: sneaky
            type: basic
            prompt: Look ![x](../../secret.png)
            answer: No.
    """,
    )
    with pytest.raises(MediaError) as caught:
        export(decks_dir, tmp_path / "out.apkg")
    assert str(deck_file) in str(caught.value) and "../../secret.png" in str(caught.value)
    monkeypatch.chdir(tmp_path)
    assert main(["export", "anki"]) == 2
    err = capsys.readouterr().err
    assert err.count("\n") == 1 and "leaves the decks folder" in err
    assert not (tmp_path / "quizzer.apkg").exists()


# ---------------------------------------------------------------- command line


def test_cli_defaults_and_summary_line(
    two_decks: Path,
    tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch,
    capsys: pytest.CaptureFixture[str],
) -> None:
    monkeypatch.chdir(tmp_path)
    assert main(["export", "anki"]) == 0
    out = capsys.readouterr().out
    assert out == "wrote quizzer.apkg: 2 decks, 10 notes, 14 cards\n"
    assert (tmp_path / "quizzer.apkg").is_file()
    assert main(["export", "anki", "demo", "-o", "one.apkg"]) == 0
    assert capsys.readouterr().out.startswith("wrote one.apkg: 1 deck, 6 notes, 9 cards")
    (tmp_path / "out").mkdir()
    assert main(["export", "anki", "demo", "-o", "out"]) == 0
    assert capsys.readouterr().out.startswith("wrote out/quizzer.apkg: 1 deck")
    assert main(["export", "anki", "nope"]) == 2
    assert "no deck or folder 'nope'" in capsys.readouterr().err


def test_select_decks_by_id_folder_or_path(two_decks: Path) -> None:
    tree = load_decks(two_decks)
    assert select_decks(tree, []) == ["demo/sample", "speaker-verification/features"]
    assert select_decks(tree, ["demo/"]) == ["demo/sample"]
    assert select_decks(tree, [str(two_decks / "demo" / "sample.yaml")]) == ["demo/sample"]
    with pytest.raises(ExportError):
        select_decks(tree, ["asr"])


# ---------------------------------------------------------------- progress


def _ms(text: str) -> int:
    return to_ms(parse_instant(text))


@pytest.mark.parametrize(
    ("zone", "rollover"), [("UTC", 4), ("Asia/Tokyo", 0), ("America/Los_Angeles", 7)]
)
def test_with_progress_anki_shows_history_and_due_dates(
    sample_tree: Path,
    tmp_path: Path,
    anki: Callable[[], Any],
    zone: str,
    rollover: int,
    monkeypatch: pytest.MonkeyPatch,
    capsys: pytest.CaptureFixture[str],
) -> None:
    monkeypatch.setenv("TZ", zone)  # quizzer's study day and Anki's both follow TZ
    time.sleep(1.1)  # chrono, inside Anki, looks at TZ again only after a second
    home = Path(os.environ["QUIZZER_HOME"])
    home.mkdir(parents=True, exist_ok=True)
    (home / "config.toml").write_text(f"day_starts_at = {rollover}\n", encoding="utf-8")
    col = open_collection()
    session = col.session()
    basic = "demo/sample:basic-q"
    session.answer(basic, Rating.GOOD, _ms("2026-02-20T09:00:00Z"), duration_ms=4000)
    session.answer(basic, Rating.GOOD, _ms("2026-02-20T09:11:00Z"), duration_ms=3000)
    due = session.state(basic).due
    assert due is not None
    session.answer(basic, Rating.GOOD, due + 3_600_000, duration_ms=120_000)
    session.answer("demo/sample:cloze-q#c2", Rating.AGAIN, _ms("2026-03-01T10:00:00Z"))
    session.answer("demo/sample:typed-q", Rating.GOOD, _ms("2026-03-01T10:01:00Z"))
    session.undo(_ms("2026-03-01T10:01:05Z"))
    session.answer("demo/sample:order-q", Rating.EASY, _ms("2026-03-01T10:02:00Z"))
    session.suspend("demo/sample:order-q", _ms("2026-03-01T10:03:00Z"))
    col.session(cram=True).answer(basic, Rating.AGAIN, _ms("2026-03-01T11:00:00Z"))
    states = col.store.states()
    col.close()

    monkeypatch.chdir(tmp_path)
    assert main(["export", "anki", "--with-progress", "-o", "progress.apkg"]) == 0
    assert capsys.readouterr().out.rstrip().endswith("5 reviews of history")
    anki_col = anki()
    prefs = anki_col.get_preferences()
    prefs.scheduling.rollover = rollover  # Anki's "next day starts at", like day_starts_at
    anki_col.set_preferences(prefs)
    import_apkg(anki_col, tmp_path / "progress.apkg", with_scheduling=True)

    def card(card_id: str) -> Any:
        question, _, variant = card_id.partition("#")
        note = note_for(anki_col, *question.split(":"))
        ordinal = int(variant[1:]) - 1 if variant.startswith("c") else int(variant == "reverse")
        return next(c for c in note.cards() if c.ord == ordinal)

    review = card(basic)
    state = states[basic]
    assert state.state == CardPhase.REVIEW
    assert (review.type, review.queue) == (2, 2)
    assert review.reps == 3 and review.lapses == 0
    tz = ZoneInfo(zone)
    real_today = study_day(datetime.now(UTC), tz, rollover)
    quizzer_due_day = study_day(datetime.fromtimestamp(state.due / 1000, UTC), tz, rollover)
    assert review.due - anki_col.sched.today == (quizzer_due_day - real_today).days
    assert review.memory_state is not None
    assert review.memory_state.stability == pytest.approx(state.stability, abs=1e-3)
    assert review.memory_state.difficulty == pytest.approx(state.difficulty, abs=1e-3)
    assert review.last_review_time == state.last_review // 1000

    stats = anki_col.card_stats_data(review.id)
    assert len(stats.revlog) == 3  # the cram answer is not history
    revlog = anki_col.db.all(
        "SELECT id, ease, ivl, lastIvl, time, type FROM revlog WHERE cid = ? ORDER BY id",
        review.id,
    )
    assert [row[1] for row in revlog] == [3, 3, 3]
    assert revlog[0][0] == _ms("2026-02-20T09:00:00Z")
    assert [row[5] for row in revlog] == [0, 0, 1]  # learn, learn, review
    assert revlog[1][2] > 0 and revlog[0][2] < 0  # days once graduated, seconds while learning
    assert revlog[2][4] == 120_000  # as recorded (`quizzer answer --duration-ms`), as Anki keeps it

    learning = card("demo/sample:cloze-q#c2")
    assert (learning.type, learning.queue) == (1, 1)
    assert learning.due == states["demo/sample:cloze-q#c2"].due // 1000
    assert len(anki_col.card_stats_data(learning.id).revlog) == 1

    undone = card("demo/sample:typed-q")
    assert (undone.type, undone.queue) == (0, 0)
    assert anki_col.db.scalar("SELECT count() FROM revlog WHERE cid = ?", undone.id) == 0

    suspended = card("demo/sample:order-q")
    assert suspended.queue == -1 and suspended.type == int(states["demo/sample:order-q"].state)
    assert anki_col.db.scalar("SELECT count() FROM revlog") == 5
    untouched = card("demo/sample:cloze-q#c1")
    assert (untouched.type, untouched.queue, untouched.reps) == (0, 0, 0)


def test_without_progress_cards_arrive_new(
    sample_tree: Path, tmp_path: Path, anki: Callable[[], Any]
) -> None:
    col = open_collection()
    col.session().answer("demo/sample:basic-q", Rating.GOOD, _ms("2026-03-01T10:00:00Z"))
    col.close()
    out = tmp_path / "plain.apkg"
    result = export(sample_tree.parent.parent, out)
    assert result.reviews is None
    anki_col = anki()
    import_apkg(anki_col, out, with_scheduling=True)
    assert anki_col.db.scalar("SELECT count() FROM revlog") == 0
    assert anki_col.db.scalar("SELECT count() FROM cards WHERE type != 0") == 0


def test_progress_reaches_only_cards_new_to_anki(
    sample_tree: Path, tmp_path: Path, anki: Callable[[], Any]
) -> None:
    anki_col = anki()
    export(sample_tree.parent.parent, tmp_path / "plain.apkg")
    import_apkg(anki_col, tmp_path / "plain.apkg")
    col = open_collection()
    for rating in (Rating.AGAIN, Rating.AGAIN):
        col.session().answer("demo/sample:basic-q", rating, _ms("2026-03-01T10:00:00Z"))
    leech = col.store.state("demo/sample:basic-q").but(leech=True)
    col.store.replace_states([leech])
    progress = progress_from(col)
    col.close()
    out = tmp_path / "progress.apkg"
    assert export(sample_tree.parent.parent, out, when=LATER, progress=progress).reviews == 2
    log = import_apkg(anki_col, out, with_scheduling=True)
    assert len(log.updated) == 6
    assert anki_col.db.scalar("SELECT count() FROM revlog") == 0  # Anki keeps its own cards
    assert "leech" in note_for(anki_col, "demo/sample", "basic-q").tags
    fresh = anki()
    import_apkg(fresh, out, with_scheduling=True)
    assert fresh.db.scalar("SELECT count() FROM revlog") == 2


def test_progress_object_skips_cram_and_undone(sample_tree: Path) -> None:
    col = open_collection()
    col.session().answer("demo/sample:basic-q", Rating.GOOD, _ms("2026-03-01T10:00:00Z"))
    col.session().answer("demo/sample:typed-q", Rating.HARD, _ms("2026-03-01T10:01:00Z"))
    col.session().undo(_ms("2026-03-01T10:02:00Z"))
    col.session(cram=True).answer("demo/sample:order-q", Rating.GOOD, _ms("2026-03-01T10:03:00Z"))
    col.session().answer("demo/sample:basic-q", Rating.AGAIN, _ms("2026-03-02T10:00:00Z"))
    progress = progress_from(col)
    replayed = _replayed(col)  # the slow path, when the log lacks the recorded states
    col.close()
    assert [a.card_id for a in progress.answers] == ["demo/sample:basic-q"] * 2
    assert progress.answers == replayed.answers


# ---------------------------------------------------------------- the bundled decks


def test_bundled_decks_import_cleanly(
    tmp_path: Path, anki: Callable[[], Any], monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("QUIZZER_DECKS", str(paths.bundled_decks()))
    tree = load_decks()
    if not tree.decks:
        pytest.skip("no valid bundled decks yet")
    out = tmp_path / "bundled.apkg"
    result = export_anki(tree, out, now_ms=to_ms(parse_instant(NOW)))
    col = anki()
    log = import_apkg(col, out)
    assert len(log.new) == result.notes and not log.conflicting
    assert_counts_match(col, tree)
    kinds = {q.kind for d in tree.decks.values() for q in d.deck.questions}
    used = {col.get_note(nid).note_type()["name"] for nid in col.find_notes("")}
    assert used == {f"Quizzer {kind.capitalize()}" for kind in kinds}
    assert all(
        name.startswith("AI Speech")
        for name in (d.name for d in col.decks.all_names_and_ids())
        if name != "Default"
    )
    folder = Path(col.media.dir())
    notes = [col.get_note(nid) for nid in col.find_notes("")]
    referenced = {name for note in notes for name in media_references(note)}
    assert len(referenced) == result.media
    assert all((folder / name).is_file() for name in referenced)
    check = col.media.check()
    assert not check.missing and not check.unused, (check.missing, check.unused)
