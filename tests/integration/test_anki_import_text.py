"""`quizzer import anki` into a deck file the user also writes in: the import replaces and adds
its own questions and leaves every other line of the file as the user wrote it.

YAML 1.1 (what `yaml.safe_load` reads) takes an unquoted `017` for 15, `3.10` for 3.1, `12:30`
for 750 and `0x1F` for 31; quizzer reads them as written, and so must a rewrite of the file.
"""

from __future__ import annotations

import json
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest
import yaml

from quizzer.cli import main
from quizzer.clock import parse_instant, to_ms
from quizzer.collection import load_decks
from quizzer.decks.loader import LoadedDeck, load_file
from quizzer.export.anki import export_anki
from quizzer.import_.deck_text import DeckText, DeckTextError
from quizzer.import_.write import MANIFEST, question_hash

anki_collection = pytest.importorskip("anki.collection")

NOW_MS = to_ms(parse_instant("2026-03-02T09:00:00Z"))

OWN = """\
  # my own questions, written by hand
  - id: bond
    type: typed
    prompt: Which number is Bond's?
    answers: [007, 017]   # both spellings
    source: 1e3 pages, 0x1F

  - {id: start, type: basic, prompt: 0x1F, answer: 2024-01-01, tags: ["yes", 3.10, 12:30]}
  -   # the dash alone on its line
    id: ratio
    type: basic
    prompt: |
      Written as

      a block
    answer: 1e3
"""


def add_note(col: Any, front: str, back: str, deck: str = "Mine") -> Any:
    note = col.new_note(col.models.by_name("Basic"))
    note.fields[0], note.fields[1] = front, back
    col.add_note(note, col.decks.id(deck))
    return note


def export(col: Any, out: Path) -> Path:
    options = anki_collection.ExportAnkiPackageOptions(
        with_scheduling=False, with_deck_configs=False, with_media=True, legacy=False
    )
    col.export_anki_package(out_path=str(out), options=options, limit=None)
    return out


def run(package: Path, into: Path, *more: str) -> int:
    return main(["import", "anki", str(package), "--into", str(into), *more])


def read(path: Path) -> LoadedDeck:
    loaded = load_file(path, path.stem)
    assert isinstance(loaded, LoadedDeck), loaded
    return loaded


def test_reimport_leaves_the_users_own_lines_byte_for_byte(
    tmp_path: Path, anki: Callable[[], Any], capsys: pytest.CaptureFixture[str]
) -> None:
    col = anki()
    first = add_note(col, "What is CTC?", "A loss")
    add_note(col, "What is WER?", "An error rate")
    into = tmp_path / "d"
    assert run(export(col, tmp_path / "a.apkg"), into) == 0
    deck = into / "mine.yaml"
    imported = deck.read_text(encoding="utf-8")
    assert imported.endswith("    answer: An error rate\n")
    header = "# yaml-language-server: $schema=quizzer-deck.schema.json\n"
    mine = header + imported + OWN + "\n# drafts\n#  - id: later\n"
    deck.write_bytes(mine.encode())
    before = {q.id: q for q in read(deck).deck.questions}
    assert before["bond"].answers == ["007", "017"]
    assert before["start"].tags == ["yes", "3.10", "12:30"]

    first["Back"] = "A loss function"
    col.update_note(first)
    add_note(col, "What is MFCC?", "017 coefficients, 0x1F")
    capsys.readouterr()
    assert run(export(col, tmp_path / "b.apkg"), into) == 0
    assert "1 question added, 1 updated, 1 unchanged" in capsys.readouterr().out

    after = deck.read_text(encoding="utf-8")
    new_id = next(q.id for q in read(deck).deck.questions if q.prompt == "What is MFCC?")
    added = (
        f"  - id: {new_id}\n"
        "    type: basic\n"
        "    prompt: What is MFCC?\n"
        "    answer: 017 coefficients, 0x1F\n"
    )
    expected = (
        header
        + imported.replace("answer: A loss\n", "answer: A loss function\n")
        + OWN
        + added
        + "\n# drafts\n#  - id: later\n"
    )
    assert after == expected
    own = ("bond", "start", "ratio")
    assert [q for q in read(deck).deck.questions if q.id in own] == [before[q] for q in own]

    # the next import finds everything as it left it: no question taken for an edit
    assert run(tmp_path / "b.apkg", into) == 0
    assert "0 questions added, 0 updated, 3 unchanged" in capsys.readouterr().out
    assert deck.read_text(encoding="utf-8") == expected


def test_a_flow_list_of_questions_gets_flow_mappings(
    tmp_path: Path, anki: Callable[[], Any], capsys: pytest.CaptureFixture[str]
) -> None:
    col = anki()
    note = add_note(col, "What is CTC?", "A loss")
    into = tmp_path / "d"
    assert run(export(col, tmp_path / "a.apkg"), into) == 0
    deck = into / "mine.yaml"
    qid = read(deck).deck.questions[0].id
    own = "title: Mine\nquestions: [{id: own, type: typed, prompt: Bond?, answers: [007]},\n"
    deck.write_text(
        own + f"  {{id: {qid}, type: basic, prompt: What is CTC?, answer: A loss}}, ]\n"
    )
    note["Back"] = "A loss, for sure"
    col.update_note(note)
    add_note(col, "Second", "Two")
    capsys.readouterr()
    assert run(export(col, tmp_path / "b.apkg"), into) == 0
    assert "1 question added, 1 updated" in capsys.readouterr().out
    assert deck.read_text().startswith(own)
    loaded = read(deck).deck.questions
    assert [q.id for q in loaded][:2] == ["own", qid]
    assert loaded[0].answers == ["007"]  # type: ignore[union-attr]
    assert loaded[1].answer == "A loss, for sure"  # type: ignore[union-attr]
    assert loaded[2].prompt == "Second"


def test_a_file_with_crlf_line_ends_keeps_them(
    tmp_path: Path, anki: Callable[[], Any], capsys: pytest.CaptureFixture[str]
) -> None:
    col = anki()
    add_note(col, "What is CTC?", "A loss")
    package = export(col, tmp_path / "a.apkg")
    into = tmp_path / "d"
    assert run(package, into) == 0
    deck = into / "mine.yaml"
    qid = read(deck).deck.questions[0].id
    own = (
        "title: Mine\r\nquestions:\r\n  - {id: own, type: typed, prompt: Bond?, answers: [007]}\r\n"
    )
    edited = f"  - id: {qid}\r\n    type: basic\r\n    prompt: What is CTC?\r\n    answer: old\r\n"
    deck.write_bytes((own + edited + "# the end\r\n").encode())
    capsys.readouterr()
    assert run(package, into, "--force") == 0
    assert "0 questions added, 1 updated" in capsys.readouterr().out
    text = deck.read_bytes().decode()
    assert text == own + edited.replace("old", "A loss") + "# the end\r\n"


def test_a_numeric_question_imported_by_an_older_version_is_not_taken_for_an_edit(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    """Earlier imports hashed a question as YAML 1.1 types it (`answer: 8` the number 8); the
    question they left is still recognised as theirs, and updated."""
    decks = tmp_path / "decks"
    decks.mkdir(exist_ok=True)
    source = decks / "ml.yaml"
    source.write_text(
        "title: ML\nquestions:\n"
        "  - {id: heads, type: numeric, prompt: Heads in the base model, answer: 8,"
        " tolerance: 0, source: Vaswani 2017}\n",
        encoding="utf-8",
    )
    monkeypatch.setenv("QUIZZER_DECKS", str(decks))
    export_anki(load_decks(), tmp_path / "a.apkg", now_ms=NOW_MS)
    into = tmp_path / "d"
    assert run(tmp_path / "a.apkg", into) == 0
    manifest = json.loads((into / MANIFEST).read_text())
    (entry,) = manifest["notes"].values()
    written = yaml.safe_load((into / "ml.yaml").read_text())["questions"][0]
    assert written["answer"] == 8
    entry["hash"] = question_hash(written)  # what an older version recorded
    (into / MANIFEST).write_text(json.dumps(manifest))

    source.write_text(source.read_text().replace("base model", "base Transformer"))
    export_anki(load_decks(), tmp_path / "b.apkg", now_ms=NOW_MS + 1000)
    capsys.readouterr()
    assert run(tmp_path / "b.apkg", into) == 0
    out = capsys.readouterr().out
    assert "0 questions added, 1 updated" in out and "kept" not in out
    assert read(into / "ml.yaml").deck.questions[0].prompt == "Heads in the base Transformer"


def test_a_deck_file_that_does_not_load_is_left_alone(
    tmp_path: Path, anki: Callable[[], Any], capsys: pytest.CaptureFixture[str]
) -> None:
    """Before, the file was rewritten and only then found not to load; nor is another deck file
    the import changes written."""
    col = anki()
    other = add_note(col, "Another deck", "First", deck="Other")
    note = add_note(col, "What is CTC?", "A loss")
    into = tmp_path / "d"
    assert run(export(col, tmp_path / "a.apkg"), into) == 0
    other_deck = (into / "other.yaml").read_bytes()
    other["Back"] = "Changed too"
    col.update_note(other)
    deck = into / "mine.yaml"
    broken = deck.read_text() + "  - {id: mine, type: basic, prompt: P, answer: A, tags: [yes]}\n"
    deck.write_text(broken)
    manifest = (into / MANIFEST).read_bytes()
    note["Back"] = "Changed"
    col.update_note(note)
    capsys.readouterr()
    assert run(export(col, tmp_path / "b.apkg"), into) == 2
    err = capsys.readouterr().err
    assert "cannot update" in err and "mine.yaml:7:58: tags:" in err and "fix it" in err
    assert deck.read_text() == broken and (into / MANIFEST).read_bytes() == manifest
    assert (into / "other.yaml").read_bytes() == other_deck


# ---------------------------------------------------------------- the splicing itself


@pytest.mark.parametrize(
    "text",
    [
        "title: T\nquestions:\n- id: a\n  type: basic\n  prompt: P\n  answer: A",  # no newline
        "title: T\nquestions:\n  - id: a\n    type: basic\n    prompt: |+\n      P\n\n\n"
        "    answer: A   # note\n\n\ntags: [x]\n",
        "questions:\n  - id: a\n    type: basic\n    prompt: P\n    answer: |\n      A\n\n"
        "  - id: b\n    type: basic\n    prompt: Q\n    answer: B\ntitle: T\n",
        # a byte order mark, which PyYAML's C parser leaves out of its marks, and wide characters
        "\ufefftitle: Été\nquestions:\n  - {id: a, type: basic, prompt: é, answer: 🎉}\n"
        "  - id: b\n    type: basic\n    prompt: 🎉🎉\n    answer: ü\n",
    ],
)
def test_replacing_and_adding_keeps_every_other_line(text: str) -> None:
    deck = DeckText.read(text)
    new = {"id": "a", "type": "basic", "prompt": "017", "answer": "line\nnext\u2028after\n"}
    more = {"id": "c", "type": "basic", "prompt": "yes", "answer": "12:30"}
    changed = deck.changed({0: new}, [more])
    assert changed.questions[0] == new and changed.questions[-1] == more
    assert changed.questions[1:-1] == deck.questions[1:]
    kept = [line for line in text.splitlines() if line.startswith(("title", "tags", "  - id: b"))]
    assert all(line in changed.text.splitlines() for line in kept)
    assert changed.text.startswith("\ufeff") == text.startswith("\ufeff")


def test_a_file_quizzer_would_not_read_is_refused() -> None:
    for text, problem in (
        ("title: T\nquestions:\n  - &a {id: a}\n  - *a\n", "anchors and aliases"),
        ("title: T\nquestions: []\n", "no list of questions"),
        ("- a\n", "not a deck"),
        ("title: [\n", "flow"),
    ):
        with pytest.raises(DeckTextError, match=problem):
            DeckText.read(text)
