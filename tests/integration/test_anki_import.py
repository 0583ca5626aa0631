"""`quizzer import anki`, proven on packages that Anki's own core writes in each test.

The `anki` package from PyPI is Anki's Rust core: each test builds a collection with it (notes of
every stock note type, subdecks, tags, an image and a sound, answers given through its scheduler,
a suspended card), exports it the way Anki desktop does, and imports the file.
"""

from __future__ import annotations

import json
import os
import re
import subprocess
import sys
import zipfile
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest
import yaml

from quizzer import paths
from quizzer.cli import main
from quizzer.clock import local_zone, parse_instant, to_ms
from quizzer.collection import load_decks
from quizzer.config import load_settings
from quizzer.export.anki import export_anki
from quizzer.import_.command import ImportError_, import_anki
from quizzer.import_.write import MANIFEST
from quizzer.replay import DeckSettings, replay
from quizzer.state import CardPhase
from quizzer.store.db import Store

anki_collection = pytest.importorskip("anki.collection")
ExportAnkiPackageOptions = anki_collection.ExportAnkiPackageOptions
ImportAnkiPackageOptions = anki_collection.ImportAnkiPackageOptions
ImportAnkiPackageRequest = anki_collection.ImportAnkiPackageRequest
from anki.scheduler.v3 import CardAnswer  # noqa: E402

NOW_MS = to_ms(parse_instant("2026-03-02T09:00:00Z"))
PNG = bytes.fromhex(
    "89504e470d0a1a0a0000000d49484452000000010000000108060000001f15c489"
    "0000000d49444154789c6360000002000154a24f5d0000000049454e44ae426082"
)
SOUND = b"ID3\x03\x00\x00\x00\x00\x00\x00fake mp3"
PARAMS = [round(0.2 + i * 0.05, 4) for i in range(19)] + [0.1, 0.2]


# ---------------------------------------------------------------- making packages with Anki


def add_note(col: Any, notetype: str, fields: list[str], deck: str, tags: list[str] = []) -> Any:  # noqa: B006
    note = col.new_note(col.models.by_name(notetype))
    for i, text in enumerate(fields):
        note.fields[i] = text
    note.tags = tags
    col.add_note(note, col.decks.id(deck))
    return note


def answer(col: Any, card_id: int, rating: Any) -> None:
    """Answer a card through Anki's v3 scheduler, as the review screen does."""
    card = col.get_card(card_id)
    card.start_timer()
    states = col._backend.get_scheduling_states(card.id)
    col.sched.answer_card(col.sched.build_answer(card=card, states=states, rating=rating))


def build_collection(col: Any) -> dict[str, Any]:
    """Notes of every stock type in a deck tree, with media, answers and a suspended card."""
    image = col.media.write_data("ctc lattice.png", PNG)
    sound = col.media.write_data("blank.mp3", SOUND)
    notes = {
        "basic": add_note(
            col,
            "Basic",
            [
                "What does the <b>blank</b> let CTC do?",
                f'Emit <i>no label</i> for a frame.<br>See <img src="{image}" alt="lattice"> '
                f"[sound:{sound}]",
            ],
            "Speech::ASR::CTC",
            ["asr", "loss::ctc"],
        ),
        "reversed": add_note(
            col, "Basic (and reversed card)", ["Paris", "capital of France"], "Speech::Geo"
        ),
        "optional": add_note(
            col, "Basic (optional reversed card)", ["uno", "one", "y"], "Speech::Geo"
        ),
        "optional-off": add_note(
            col, "Basic (optional reversed card)", ["dos", "two", ""], "Speech::Geo"
        ),
        "typing": add_note(
            col, "Basic (type in the answer)", ["Spell the loss", "CTC"], "Speech::ASR::CTC"
        ),
        "cloze": add_note(
            col,
            "Cloze",
            [
                r"{{c1::CTC}} merges {{c2::repeats::what}}, and \(x_1^2\) stays math.",
                "<ul><li>first</li><li>second</li></ul>",
            ],
            "Speech::ASR",
            ["cloze"],
        ),
        "table": add_note(
            col,
            "Basic",
            [
                "Read <code>a_b</code> in the table<script>alert(1)</script>",
                "<table><tr><th>a</th><th>b</th></tr><tr><td>1</td><td>2</td></tr></table>"
                "<style>p{}</style>",
            ],
            "Speech",
        ),
    }
    # answers through the scheduler: the basic card twice, the cloze's second card, the reverse
    basic_card = notes["basic"].cards()[0].id
    answer(col, basic_card, CardAnswer.GOOD)
    answer(col, basic_card, CardAnswer.GOOD)
    cloze_c2 = next(c for c in notes["cloze"].cards() if c.ord == 1).id
    answer(col, cloze_c2, CardAnswer.AGAIN)
    reverse = next(c for c in notes["reversed"].cards() if c.ord == 1).id
    answer(col, reverse, CardAnswer.EASY)
    suspended = notes["typing"].cards()[0].id
    col.sched.suspend_cards([suspended])
    return {"notes": notes, "suspended": suspended}


def export_package(col: Any, out: Path) -> Path:
    """Export the whole collection with scheduling and media, in the format the suffix names."""
    if out.suffix == ".colpkg":
        col.export_collection_package(str(out), include_media=True, legacy=False)
        return out
    options = ExportAnkiPackageOptions(
        with_scheduling=True,
        with_deck_configs=True,
        with_media=True,
        legacy=out.stem.endswith("legacy"),
    )
    col.export_anki_package(out_path=str(out), options=options, limit=None)
    return out


def run(*argv: str) -> int:
    return main(["import", "anki", *argv])


def load_yaml(path: Path) -> dict[str, Any]:
    data = yaml.safe_load(path.read_text(encoding="utf-8"))
    assert isinstance(data, dict)
    return data


def questions(into: Path) -> dict[str, dict[str, Any]]:
    """Every question under `into`, by `deck:id`."""
    found = {}
    for path in sorted(into.rglob("*.yaml")):
        deck = path.relative_to(into).with_suffix("").as_posix()
        for q in load_yaml(path)["questions"]:
            found[f"{deck}:{q['id']}"] = q
    return found


def snapshot(into: Path) -> dict[str, bytes]:
    return {p.relative_to(into).as_posix(): p.read_bytes() for p in into.rglob("*") if p.is_file()}


# ---------------------------------------------------------------- the stock note types


def test_without_into_the_decks_go_to_the_tree_decks_names(
    tmp_path: Path, anki: Callable[[], Any], isolated: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    """`quizzer --decks DIR import anki FILE` writes into DIR, the tree the next `--decks DIR`
    command studies, not into the data directory's decks folder."""
    col = anki()
    build_collection(col)
    package = export_package(col, tmp_path / "current.apkg")
    mine = tmp_path / "my-decks"
    mine.mkdir()
    assert main(["--decks", str(mine), "import", "anki", str(package)]) == 0
    assert f"wrote into {mine}:" in capsys.readouterr().out
    assert (mine / "speech/asr/ctc.yaml").is_file()
    assert not (isolated / "home" / "decks").exists()
    assert main(["--decks", str(mine), "cards", "deck:speech/asr/ctc"]) == 0
    assert "speech/asr/ctc:" in capsys.readouterr().out


@pytest.mark.parametrize("name", ["current.apkg", "legacy.apkg", "backup.colpkg"])
def test_stock_package_imports_with_text_media_and_history(
    name: str, tmp_path: Path, anki: Callable[[], Any], capsys: pytest.CaptureFixture[str]
) -> None:
    col = anki()
    made = build_collection(col)
    revlog = col.db.all("SELECT id, cid, ease FROM revlog ORDER BY id")
    note_count = col.note_count()
    package = export_package(col, tmp_path / name)
    into = tmp_path / "decks"

    assert run(str(package), "--into", str(into), "--with-history") == 0
    out = capsys.readouterr().out
    assert "read " in out and "7 notes" in out
    assert "4 reviews added (0 already there), 1 suspended, 0 buried" in out

    found = questions(into)
    assert len(found) == note_count
    assert sorted(p.relative_to(into).as_posix() for p in into.rglob("*.yaml")) == [
        "speech.yaml",
        "speech/asr.yaml",
        "speech/asr/ctc.yaml",
        "speech/geo.yaml",
    ]
    assert load_yaml(into / "speech/asr/ctc.yaml")["title"] == "CTC"
    by_prompt = {q.get("prompt") or q.get("text"): q for q in found.values()}
    basic = by_prompt["What does the **blank** let CTC do?"]
    assert basic["type"] == "basic" and "reverse" not in basic
    assert basic["answer"] == (
        "Emit *no label* for a frame.\\\nSee ![lattice](media/ctc-lattice.png) ![](media/blank.mp3)"
    )
    assert basic["tags"] == ["asr", "loss::ctc"]
    assert (into / "speech/asr/media/ctc-lattice.png").read_bytes() == PNG
    assert (into / "speech/asr/media/blank.mp3").read_bytes() == SOUND
    assert by_prompt["Paris"]["reverse"] is True
    assert by_prompt["uno"]["reverse"] is True and "reverse" not in by_prompt["dos"]
    assert by_prompt["Spell the loss"] | {"id": ""} == {
        "id": "",
        "type": "typed",
        "prompt": "Spell the loss",
        "answers": ["CTC"],
    }
    cloze = next(q for q in found.values() if q["type"] == "cloze")
    assert cloze["text"] == "{{c1::CTC}} merges {{c2::repeats::what}}, and $x_1^2$ stays math."
    assert cloze["explanation"] == "- first\n- second"
    table = by_prompt["Read `a_b` in the table"]
    assert table["answer"] == "| a | b |\n| --- | --- |\n| 1 | 2 |"
    assert "alert" not in json.dumps(found) and "p{}" not in json.dumps(found)

    assert main(["lint", str(into)]) == 0
    capsys.readouterr()

    # the history: every Anki answer once, on the right card, and states that follow from it
    store = Store()
    events = store.events()
    reviews = [e for e in events if e.kind == "review"]
    assert sorted(e.at for e in reviews) == [row[0] for row in revlog]
    assert {e.device for e in events} == {"anki"}
    cloze_id = next(k for k, q in found.items() if q["type"] == "cloze")
    paris_id = next(k for k, q in found.items() if q.get("prompt") == "Paris")
    basic_id = next(k for k, q in found.items() if q is basic)
    assert [e.rating for e in reviews if e.card_id == f"{cloze_id}#c2"] == [1]
    assert [e.rating for e in reviews if e.card_id == f"{paris_id}#reverse"] == [4]
    assert [e.rating for e in reviews if e.card_id == basic_id] == [3, 3]
    states = store.states()
    replayed, _ = replay(events, DeckSettings(load_settings(), local_zone(None)))
    assert states == replayed
    assert states[basic_id].state == CardPhase.REVIEW
    assert states[f"{cloze_id}#c2"].state == CardPhase.LEARNING
    typed_id = next(k for k, q in found.items() if q["type"] == "typed")
    assert states[typed_id].suspended and states[typed_id].state == CardPhase.NEW
    store.close()
    assert made["suspended"]

    # a second import of the same package changes nothing and adds no review
    before = snapshot(into)
    assert run(str(package), "--into", str(into), "--with-history") == 0
    again = capsys.readouterr().out
    assert "0 questions added, 0 updated, 7 unchanged" in again
    assert "0 reviews added (4 already there), 0 suspended, 0 buried" in again
    assert snapshot(into) == before
    store = Store()
    assert len(store.events()) == len(events)
    store.close()


def test_other_note_types_become_basic_with_a_warning(
    tmp_path: Path, anki: Callable[[], Any], capsys: pytest.CaptureFixture[str]
) -> None:
    col = anki()
    vocab = col.models.new("Vocabulary")
    for name in ("Word", "Meaning", "Example"):
        col.models.add_field(vocab, col.models.new_field(name))
    template = col.models.new_template("Card 1")
    template["qfmt"], template["afmt"] = "{{Word}}", "{{Meaning}}"
    col.models.add_template(vocab, template)
    col.models.add(vocab)
    add_note(col, "Vocabulary", ["perro", "dog", "el perro"], "Spanish")
    add_note(col, "Vocabulary", ["gato", "cat", ""], "Spanish")
    add_note(col, "Vocabulary", ["vacío", "", ""], "Spanish")
    package = export_package(col, tmp_path / "vocab.apkg")
    assert run(str(package), "--into", str(tmp_path / "d")) == 0
    out = capsys.readouterr().out
    assert "warning: 2 notes of other note types became basic questions" in out
    assert "(Vocabulary 2)" in out
    assert "skipped note 'vacío' (Vocabulary): the front or the back is empty" in out
    found = questions(tmp_path / "d")
    assert sorted(q["answer"] for q in found.values()) == ["cat", "dog"]


def shown_media(into: Path, deck: str) -> dict[str, bytes]:
    """The bytes of the picture each question of a deck shows, by its prompt's first word."""
    shown = {}
    for q in load_yaml(into / f"{deck}.yaml")["questions"]:
        path = re.search(r"!\[[^\]]*\]\(([^)]+)\)", q["prompt"])
        assert path, q["prompt"]
        shown[q["prompt"].split()[0]] = (into / path.group(1)).read_bytes()
    return shown


def test_media_whose_names_flatten_alike_each_keep_their_picture(
    tmp_path: Path, anki: Callable[[], Any], capsys: pytest.CaptureFixture[str]
) -> None:
    """`a b.png` and `a-b.png` both become `a-b.png`: the second comes under a name of its own."""
    col = anki()
    green = col.media.write_data("a b.png", PNG + b"green")
    blue = col.media.write_data("a-b.png", PNG + b"blue")
    add_note(col, "Basic", [f'green <img src="{green}">', "G"], "Deck")
    add_note(col, "Basic", [f'blue <img src="{blue}">', "B"], "Deck")
    package = export_package(col, tmp_path / "p.apkg")
    into = tmp_path / "d"
    into.mkdir()
    assert run(str(package), "--into", str(into)) == 0
    out = capsys.readouterr().out
    assert "2 questions added" in out and "2 media files" in out
    assert shown_media(into, "deck") == {"green": PNG + b"green", "blue": PNG + b"blue"}
    assert "already" not in out and "holds the package's 'a b.png'" in out
    assert main(["lint", str(into)]) == 0

    capsys.readouterr()
    before = snapshot(into)
    assert run(str(package), "--into", str(into)) == 0
    out = capsys.readouterr().out
    assert "0 updated, 2 unchanged; 0 media files" in out and "media file '" not in out
    assert snapshot(into) == before


def test_media_named_like_another_file_already_there_comes_under_its_own_name(
    tmp_path: Path, anki: Callable[[], Any], capsys: pytest.CaptureFixture[str]
) -> None:
    """A different file of that name in the decks' media/ is left as it is and the question
    shows the package's picture; the very same file is used as it is."""
    into = tmp_path / "d"
    (into / "media").mkdir(parents=True)
    (into / "media" / "lattice.png").write_bytes(PNG + b"old")
    (into / "media" / "same.png").write_bytes(PNG + b"same")
    col = anki()
    new = col.media.write_data("lattice.png", PNG + b"new")
    same = col.media.write_data("same.png", PNG + b"same")
    add_note(col, "Basic", [f'new <img src="{new}">', "N"], "Deck")
    add_note(col, "Basic", [f'same <img src="{same}">', "S"], "Deck")
    assert run(str(export_package(col, tmp_path / "p.apkg")), "--into", str(into)) == 0
    out = capsys.readouterr().out
    assert shown_media(into, "deck") == {"new": PNG + b"new", "same": PNG + b"same"}
    assert (into / "media" / "lattice.png").read_bytes() == PNG + b"old"
    assert "1 media file" in out and "lattice.png already holds a different file" in out
    assert len(list((into / "media").iterdir())) == 3


# ---------------------------------------------------------------- stable ids and edits


def test_reimport_updates_in_place_and_keeps_user_edits(
    tmp_path: Path, anki: Callable[[], Any], capsys: pytest.CaptureFixture[str]
) -> None:
    col = anki()
    first = add_note(col, "Basic", ["What is CTC?", "A loss"], "Speech")
    second = add_note(col, "Basic", ["What is WER?", "An error rate"], "Speech")
    into = tmp_path / "d"
    assert run(str(export_package(col, tmp_path / "a.apkg")), "--into", str(into)) == 0
    ids = sorted(questions(into))
    assert ids == sorted(["speech:what-is-ctc-" + ids[0][-6:], "speech:what-is-wer-" + ids[1][-6:]])

    # the user edits one question in YAML; in Anki both notes change, and one is added
    deck = into / "speech.yaml"
    deck.write_text(deck.read_text().replace("An error rate", "Word error rate"))
    first["Front"] = "What does CTC stand for?"
    first["Back"] = "Connectionist temporal classification"
    col.update_note(first)
    second["Back"] = "Changed in Anki"
    col.update_note(second)
    add_note(col, "Basic", ["New one", "Yes"], "Speech")
    capsys.readouterr()
    assert run(str(export_package(col, tmp_path / "b.apkg")), "--into", str(into)) == 0
    out = capsys.readouterr().out
    assert "1 question added, 1 updated, 0 unchanged" in out
    assert "kept 1 question edited since the last import" in out
    now = questions(into)
    assert len(now) == 3
    assert set(ids) <= set(now)  # ids stay when the first field changes
    by_id = {k.split(":")[1][:9]: q for k, q in now.items()}
    assert by_id["what-is-c"]["prompt"] == "What does CTC stand for?"
    assert by_id["what-is-w"]["answer"] == "Word error rate"

    assert run(str(tmp_path / "b.apkg"), "--into", str(into), "--force") == 0
    assert "0 questions added, 1 updated" in capsys.readouterr().out
    assert {q["answer"] for q in questions(into).values()} >= {"Changed in Anki"}

    # a question the user removed is not added back without --force
    data = load_yaml(deck)
    data["questions"] = data["questions"][1:]
    deck.write_text(yaml.safe_dump(data))
    assert run(str(tmp_path / "b.apkg"), "--into", str(into)) == 0
    assert "did not add back 1 question removed since the last import" in capsys.readouterr().out
    assert len(questions(into)) == 2


def test_a_package_of_ones_own_decks_imports_back_unchanged(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    """Exported from a decks folder and imported back into it: a question that leaves a key at
    its default is the same question (not "edited"), and one that differs but no import wrote
    is named as the user's own, kept."""
    decks = tmp_path / "decks"
    (decks / "ml").mkdir(parents=True)
    deck = decks / "ml" / "attention.yaml"
    deck.write_text(
        "title: Attention\n"
        "questions:\n"
        "  - id: scale\n    type: basic\n    prompt: Why scale the scores by sqrt(d)\n"
        "    answer: Softmax saturates\n    source: Vaswani et al. 2017\n    reverse: false\n"
        "  - id: heads\n    type: numeric\n    prompt: Heads in the base model\n    answer: 8\n"
        "    source: Vaswani et al. 2017\n    tolerance: 0\n",
        encoding="utf-8",
    )
    monkeypatch.setenv("QUIZZER_DECKS", str(decks))
    package = tmp_path / "mine.apkg"
    export_anki(load_decks(), package, now_ms=NOW_MS)
    before = deck.read_bytes()
    assert run(str(package), "--into", str(decks)) == 0
    out = capsys.readouterr().out
    assert "0 questions added, 0 updated, 2 unchanged" in out and "kept" not in out
    assert deck.read_bytes() == before

    deck.write_text(deck.read_text().replace("Softmax saturates", "Dot products grow"))
    assert run(str(package), "--into", str(decks)) == 0
    out = capsys.readouterr().out
    assert "0 questions added, 0 updated, 1 unchanged" in out
    assert "kept 1 question already in the decks under the ids the package gives" in out
    assert "edited since the last import" not in out
    assert "Dot products grow" in deck.read_text()


def test_ones_own_tagged_decks_import_back_unchanged(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    """The export gives every note its deck's tags, spelled as Anki spells tags (no spaces):
    brought back into the deck they came from, the questions are unchanged, and --force does
    not copy the deck's tags into them."""
    decks = tmp_path / "decks"
    (decks / "speech").mkdir(parents=True)
    deck = decks / "speech" / "asr.yaml"
    deck.write_text(
        "title: ASR\n"
        "tags: [speech recognition, asr]\n"
        "questions:\n"
        "  - {id: ctc, type: basic, prompt: What is CTC, answer: A loss}\n"
        "  - {id: wer, type: basic, prompt: What is WER, answer: An error rate,"
        " tags: [word error, metrics]}\n"
        "  - {id: blank, type: cloze, text: 'CTC emits a {{c1::blank}}', tags: [ASR]}\n",
        encoding="utf-8",
    )
    monkeypatch.setenv("QUIZZER_DECKS", str(decks))
    package = tmp_path / "mine.apkg"
    export_anki(load_decks(), package, now_ms=NOW_MS)
    before = deck.read_bytes()
    assert run(str(package), "--into", str(decks)) == 0
    out = capsys.readouterr().out
    assert "0 questions added, 0 updated, 3 unchanged" in out and "kept" not in out
    assert deck.read_bytes() == before

    deck.write_text(deck.read_text().replace("An error rate", "A rate"), encoding="utf-8")
    assert run(str(package), "--into", str(decks), "--force") == 0
    assert "0 questions added, 1 updated, 2 unchanged" in capsys.readouterr().out
    data = load_yaml(deck)
    assert data["tags"] == ["speech recognition", "asr"]
    assert {q["id"]: q.get("tags") for q in data["questions"]} == {
        "ctc": None,
        "wer": ["word error", "metrics"],
        "blank": ["ASR"],
    }
    assert data["questions"][1]["answer"] == "An error rate"


def test_ones_own_history_exported_and_imported_back_adds_no_answer_twice(
    decks_dir: Path, write_deck: Callable[[str, str], Path], capsys: pytest.CaptureFixture[str]
) -> None:
    """A package exported with progress and imported back into the same collection with its
    history brings no answer twice, though the package's answers carry Anki's ids, not the
    log's uids."""
    from quizzer.collection import open_collection
    from quizzer.state import Rating

    rows = [f"  - {{id: q{i}, type: basic, prompt: P{i}, answer: A{i}}}" for i in range(3)]
    write_deck("d/deck", "title: D\nquestions:\n" + "\n".join(rows) + "\n")
    col = open_collection()
    session = col.session()
    for i, rating in enumerate((Rating.GOOD, Rating.AGAIN, Rating.EASY)):
        # the same millisecond: the package's revlog ids move on by 1 ms to stay unique
        session.answer(f"d/deck:q{i}", rating, NOW_MS - 3_600_000, duration_ms=5_000)
    session.answer("d/deck:q1", Rating.GOOD, NOW_MS - 3_000_000, duration_ms=5_000)
    session.answer("d/deck:q2", Rating.HARD, NOW_MS - 2_000_000)
    session.undo(NOW_MS - 1_900_000)  # an undone answer is not exported
    session.suspend("d/deck:q1", NOW_MS - 1_800_000)  # exported as a suspended Anki card
    states, logged = col.store.states(), len(col.store.events())
    col.close()

    package = decks_dir.parent / "mine.apkg"
    assert main(["export", "anki", "-o", str(package), "--with-progress"]) == 0
    capsys.readouterr()
    assert run(str(package), "--into", str(decks_dir), "--with-history") == 0
    out = capsys.readouterr().out
    assert "history: 0 reviews added (4 already there), 0 suspended, 0 buried" in out
    col = open_collection()
    assert len(col.store.events()) == logged and col.store.states() == states
    col.close()


def test_a_history_brought_through_anki_and_then_synced_is_counted_once(
    decks_dir: Path,
    write_deck: Callable[[str, str], Path],
    tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch,
    capsys: pytest.CaptureFixture[str],
) -> None:
    """A learner moves to a second device with an Anki package and its history, then syncs the
    two through a folder: each device keeps its own copy of every answer and takes the other's
    as already held, so both end with the first device's answers once, and the same cards."""
    from quizzer.collection import open_collection
    from quizzer.state import EventKind, Rating

    write_deck(
        "d/deck",
        "title: D\nquestions:\n"
        + "".join(f"  - {{id: q{i}, type: basic, prompt: P{i}, answer: A{i}}}\n" for i in range(3)),
    )
    day = 86_400_000
    col = open_collection()
    session = col.session()
    for offset in (-9 * day, -8 * day, -5 * day):
        for i, rating in enumerate((Rating.GOOD, Rating.AGAIN, Rating.EASY)):
            # the same millisecond: the package's revlog ids move on by 1 ms to stay unique
            session.answer(f"d/deck:q{i}", rating, NOW_MS + offset, duration_ms=5_000)
    session.answer("d/deck:q1", Rating.HARD, NOW_MS - 2 * day)
    session.undo(NOW_MS - 2 * day + 60_000)
    col.close()
    package = tmp_path / "mine.apkg"
    assert main(["export", "anki", "-o", str(package), "--with-progress"]) == 0
    first_home, second_home = tmp_path / "home", tmp_path / "second"
    monkeypatch.setenv("QUIZZER_HOME", str(second_home))
    assert run(str(package), "--into", str(tmp_path / "decks2"), "--with-history") == 0
    assert "history: 9 reviews added" in capsys.readouterr().out

    def answers_and_cards(home: Path) -> tuple[int, dict[str, tuple[object, ...]]]:
        monkeypatch.setenv("QUIZZER_HOME", str(home))
        col = open_collection()
        undone = {e.target for e in col.store.events() if e.kind == EventKind.UNDO}
        answers = [e for e in col.store.events() if e.kind == EventKind.REVIEW]
        cards = {
            s.card_id: (s.due, s.reps, s.lapses, round(s.stability or 0, 6))
            for s in col.store.states().values()
        }
        col.close()
        return sum(1 for e in answers if e.uid not in undone), cards

    before = answers_and_cards(first_home)
    assert before[0] == 9
    folder = tmp_path / "shared folder"
    folder.mkdir()
    for home in (first_home, second_home, first_home, second_home):
        monkeypatch.setenv("QUIZZER_HOME", str(home))
        assert main(["sync", str(folder)]) == 0
    reports = capsys.readouterr().out.splitlines()
    # the second device takes the undone answer and its undo, which no package carries; each
    # device holds the other's copies of the 9 answers already
    assert "received 2 new from 1 other device (9 already here)" in reports[1]
    assert "received 0 new from 1 other device (9 already here)" in reports[2]
    assert answers_and_cards(first_home) == before
    assert answers_and_cards(second_home) == before


def test_a_trip_through_anki_keeps_each_cards_due_date(
    decks_dir: Path,
    write_deck: Callable[[str, str], Path],
    tmp_path: Path,
    anki: Callable[[], Any],
    monkeypatch: pytest.MonkeyPatch,
    capsys: pytest.CaptureFixture[str],
) -> None:
    """quizzer -> Anki (with progress, then an answer there) -> Anki's export -> a new quizzer:
    each card's last answer in quizzer comes back under its uid and time, so its interval gets
    the same fuzz and the card the same due date; the one answered in Anki follows that answer."""
    from quizzer.collection import open_collection
    from quizzer.state import Rating

    day = 86_400_000
    rows = [f"  - {{id: q{i}, type: basic, prompt: P{i}, answer: A{i}}}" for i in range(8)]
    write_deck("d/deck", "title: D\nquestions:\n" + "\n".join(rows) + "\n")
    col = open_collection()
    session = col.session()
    start = NOW_MS - 60 * day
    for offset in (0, 600_000, day, 4 * day, 12 * day, 30 * day):
        for i in range(8):
            session.answer(f"d/deck:q{i}", Rating.GOOD, start + offset + i, duration_ms=4_000)
    states = col.store.states()
    last = {e.card_id: e for e in col.store.events()}
    assert all(s.due - s.last_review >= 5 * day for s in states.values())  # fuzzed intervals
    col.close()
    mine = tmp_path / "mine.apkg"
    assert main(["export", "anki", "-o", str(mine), "--with-progress"]) == 0

    anki_col = anki()
    anki_col.import_anki_package(
        ImportAnkiPackageRequest(
            package_path=str(mine), options=ImportAnkiPackageOptions(with_scheduling=True)
        )
    )
    nid = anki_col.find_notes("P7")[0]
    answer(anki_col, anki_col.get_note(nid).cards()[0].id, CardAnswer.HARD)
    back = export_package(anki_col, tmp_path / "from-anki.apkg")

    monkeypatch.setenv("QUIZZER_HOME", str(tmp_path / "new-device"))
    capsys.readouterr()
    assert run(str(back), "--into", str(tmp_path / "decks2"), "--with-history") == 0
    assert "49 reviews added (0 already there)" in capsys.readouterr().out
    col = open_collection()
    events = col.store.events()
    moved = {i: col.store.state(f"d/deck:q{i}") for i in range(8)}
    col.close()
    assert all(e.device == "anki" for e in events)
    by_uid = {e.uid: e for e in events}
    for i in range(7):
        assert moved[i].due == states[f"d/deck:q{i}"].due
        original = last[f"d/deck:q{i}"]
        assert by_uid[original.uid].at == original.at
    assert moved[7].due != states["d/deck:q7"].due and moved[7].reps == 7
    assert last["d/deck:q7"].uid in by_uid


def test_a_carried_uid_the_log_holds_for_another_answer_is_not_taken(
    write_deck: Callable[[str, str], Path],
) -> None:
    """A package made by hand that names, in a card's custom data, the uid of another answer of
    the log: the answer it comes with is added under the uid it gets otherwise."""
    from quizzer.collection import open_collection
    from quizzer.import_.history import HistoryResult, add_history, carried_answer
    from quizzer.state import IMPORTED_DEVICE as DEVICE
    from quizzer.state import Event, EventKind, Rating

    assert carried_answer('{"qz":"0123abcd@1772438400000"}') == ("0123abcd", 1772438400000)
    for bad in ("", "[]", '{"qz": 5}', '{"qz":"a b@1"}', '{"qz":"abc@x"}', '{"qz":"abc"}'):
        assert carried_answer(bad) is None
    rows = [f"  - {{id: q{i}, type: basic, prompt: P{i}, answer: A{i}}}" for i in range(2)]
    write_deck("d/deck", "title: D\nquestions:\n" + "\n".join(rows) + "\n")
    col = open_collection()
    col.session().answer("d/deck:q0", Rating.GOOD, NOW_MS - 3_600_000)
    (logged,) = col.store.events()
    taken = Event(logged.uid, DEVICE, NOW_MS - 60_000, "d/deck:q1", EventKind.REVIEW, Rating.EASY)
    result = HistoryResult(carried={logged.uid: "anki-1-fallback"})
    add_history(col.store, load_settings(), local_zone(None), [taken], result)
    assert (result.reviews, result.already) == (1, 0)
    assert [(e.uid, e.card_id) for e in col.store.events()] == [
        (logged.uid, "d/deck:q0"),
        ("anki-1-fallback", "d/deck:q1"),
    ]
    col.close()


def test_an_answer_made_in_anki_is_not_taken_for_one_of_the_log(
    write_deck: Callable[[str, str], Path],
) -> None:
    """Only an answer of the same card, kind and rating at most a second after one of the log's
    (undone there or not) is that answer coming back; anything else is a new answer."""
    from quizzer.collection import open_collection
    from quizzer.returned import returned
    from quizzer.state import IMPORTED_DEVICE as DEVICE
    from quizzer.state import Event, EventKind, Rating

    write_deck("d/deck", "title: D\nquestions:\n  - {id: q, type: basic, prompt: P, answer: A}\n")
    col = open_collection()
    session = col.session()
    session.answer("d/deck:q", Rating.AGAIN, NOW_MS - 7_200_000)
    session.answer("d/deck:q", Rating.GOOD, NOW_MS - 3_600_000)
    session.undo(NOW_MS - 3_500_000)

    def answer(at: int, rating: Rating) -> Event:
        return Event(f"anki-{at}", DEVICE, at, "d/deck:q", EventKind.REVIEW, rating=rating)

    back = answer(NOW_MS - 7_200_000 + 2, Rating.AGAIN)  # the first answer, its id moved on
    later = answer(NOW_MS - 7_200_000 + 2_000, Rating.AGAIN)
    other = answer(NOW_MS - 7_200_000, Rating.HARD)
    undone = answer(NOW_MS - 3_600_000, Rating.GOOD)  # exported before its undo
    twice = answer(NOW_MS - 7_200_000 + 3, Rating.AGAIN)  # one log answer matches one only
    logged = col.store.events(["d/deck:q"])
    assert returned(logged, [back, later, other, undone, twice]) == {
        back.uid: logged[0].uid,
        undone.uid: logged[1].uid,
    }
    col.close()


def test_a_card_already_suspended_or_buried_gets_no_event_for_it(
    write_deck: Callable[[str, str], Path],
) -> None:
    """A suspension or burial from Anki is added only where it changes the card: not on one
    quizzer already suspended, or buried until the same time."""
    from quizzer.collection import open_collection
    from quizzer.import_.history import HistoryResult, add_history
    from quizzer.state import IMPORTED_DEVICE as DEVICE
    from quizzer.state import Event, EventKind

    rows = [f"  - {{id: q{i}, type: basic, prompt: P{i}, answer: A{i}}}" for i in range(4)]
    write_deck("d/deck", "title: D\nquestions:\n" + "\n".join(rows) + "\n")
    col = open_collection()
    session = col.session()
    session.suspend("d/deck:q0", NOW_MS - 60_000)
    until = session.day(NOW_MS).end
    session.bury("d/deck:q1", NOW_MS - 60_000)
    logged = len(col.store.events())

    def mark(card: str, kind: EventKind) -> Event:
        at = NOW_MS - 1_000
        bury_until = until if kind == EventKind.BURY else None
        return Event(f"anki-{kind}-{card}", DEVICE, at, f"d/deck:{card}", kind, until=bury_until)

    events = [
        mark("q0", EventKind.SUSPEND),  # already suspended
        mark("q1", EventKind.BURY),  # already buried until then
        mark("q2", EventKind.SUSPEND),
        mark("q3", EventKind.BURY),
    ]
    settings = load_settings()
    result = HistoryResult()
    add_history(col.store, settings, local_zone(None), events, result)
    assert (result.reviews, result.already, result.suspended, result.buried) == (0, 0, 1, 1)
    added = col.store.events()[logged:]
    assert sorted((e.card_id, e.kind) for e in added) == [
        ("d/deck:q2", EventKind.SUSPEND),
        ("d/deck:q3", EventKind.BURY),
    ]
    col.close()


def test_dry_run_writes_nothing_and_prefix_places_decks(
    tmp_path: Path, anki: Callable[[], Any], capsys: pytest.CaptureFixture[str]
) -> None:
    col = anki()
    build_collection(col)
    package = export_package(col, tmp_path / "p.apkg")
    into = tmp_path / "d"
    assert run(str(package), "--into", str(into), "--dry-run", "--with-history") == 0
    out = capsys.readouterr().out
    assert "would write into" in out and "4 reviews to add" in out and "dry run" in out
    assert not into.exists()
    store = Store()
    assert store.events() == []
    store.close()
    assert run(str(package), "--into", str(into), "--deck", "From Anki") == 0
    assert (into / "from-anki/speech/asr/ctc.yaml").is_file()


def test_a_dry_run_creates_no_file(
    tmp_path: Path, anki: Callable[[], Any], capsys: pytest.CaptureFixture[str]
) -> None:
    """Not the database of a fresh data directory, nor a byte of an existing one."""
    col = anki()
    build_collection(col)
    conf = col.decks.get_config(1)
    conf["fsrsParams6"] = PARAMS
    col.decks.update_config(conf)
    package = export_package(col, tmp_path / "p.apkg")
    home = paths.data_dir()
    into = tmp_path / "d"
    options = ("--with-history", "--use-params", "--dry-run")
    assert run(str(package), "--into", str(into), *options) == 0
    assert "4 reviews to add" in capsys.readouterr().out
    assert not home.exists() and not paths.config_path().exists() and not into.exists()

    assert run(str(package), "--into", str(tmp_path / "first"), "--with-history") == 0
    before = snapshot(home)
    assert run(str(package), "--into", str(into), *options) == 0
    assert snapshot(home) == before and not into.exists()


def test_default_folder_is_the_user_decks_folder(
    tmp_path: Path,
    anki: Callable[[], Any],
    capsys: pytest.CaptureFixture[str],
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    """Without --into or --decks, the import writes into the data directory's decks folder."""
    monkeypatch.delenv("QUIZZER_DECKS")
    col = anki()
    add_note(col, "Basic", ["Front", "Back"], "Mine")
    assert run(str(export_package(col, tmp_path / "p.apkg"))) == 0
    assert paths.user_decks_dir() == paths.data_dir() / "decks"
    assert (paths.user_decks_dir() / "mine.yaml").is_file()
    assert (paths.user_decks_dir() / MANIFEST).is_file()


def test_fsrs_parameters_are_shown_and_written_on_request(
    tmp_path: Path, anki: Callable[[], Any], capsys: pytest.CaptureFixture[str]
) -> None:
    col = anki()
    add_note(col, "Basic", ["Front", "Back"], "Mine")
    plain = export_package(col, tmp_path / "plain.apkg")  # FSRS still off: no parameters
    assert run(str(plain), "--into", str(tmp_path / "d"), "--use-params") == 0
    out = capsys.readouterr().out
    assert "--use-params: no preset of the package has FSRS parameters" in out
    assert not paths.config_path().exists()
    col.set_config("fsrs", True)
    conf = col.decks.get_config(1)
    conf["fsrsParams6"] = PARAMS
    col.decks.update_config(conf)
    package = export_package(col, tmp_path / "p.apkg")
    assert run(str(package), "--into", str(tmp_path / "d"), "--use-params", "--dry-run") == 0
    assert "(without --dry-run, --use-params writes them" in capsys.readouterr().out
    assert run(str(package), "--into", str(tmp_path / "d")) == 0
    out = capsys.readouterr().out
    assert "FSRS-6 parameters of Anki preset 'Default': [0.2000, 0.2500" in out
    assert "--use-params writes them" in out
    assert load_settings().parameters != PARAMS
    assert run(str(package), "--into", str(tmp_path / "d"), "--use-params") == 0
    assert load_settings().parameters == pytest.approx(PARAMS, abs=1e-4)


# ---------------------------------------------------------------- the round trip


def test_bundled_decks_survive_a_round_trip_through_anki(
    tmp_path: Path, anki: Callable[[], Any], monkeypatch: pytest.MonkeyPatch
) -> None:
    """quizzer export -> Anki import -> Anki export -> quizzer import: same ids, same text."""
    monkeypatch.setenv("QUIZZER_DECKS", str(paths.bundled_decks()))
    tree = load_decks()
    out = tmp_path / "quizzer.apkg"
    export_anki(tree, out, now_ms=NOW_MS)
    col = anki()
    col.import_anki_package(
        ImportAnkiPackageRequest(package_path=str(out), options=ImportAnkiPackageOptions())
    )
    again = export_package(col, tmp_path / "from-anki.apkg")
    into = tmp_path / "back"
    report = import_anki(again, into, now_ms=NOW_MS)
    assert not report.skipped
    back = questions(into)
    original = {
        f"{deck_id}:{q.id}": q.model_dump(exclude_defaults=True, exclude={"tags"})
        for deck_id, loaded in tree.decks.items()
        for q in loaded.deck.questions
    }
    assert len(original) > 1000
    assert sorted(back) == sorted(original)
    differing = [
        key
        for key, q in original.items()
        if {k: v for k, v in back[key].items() if k != "tags"} != q
    ]
    assert differing == []
    kinds = {q["type"] for q in original.values()}
    assert kinds == {"basic", "cloze", "choice", "typed", "numeric", "order"}


def test_a_package_of_the_bundled_decks_as_they_ship_writes_no_copy_of_them(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    """Imported into the learner's own decks folder (on a new machine, say), the bundled decks
    as they ship are left to the bundled decks: a copy there would replace them, and hide every
    later change to them. A deck the package holds changed is written as before."""
    monkeypatch.delenv("QUIZZER_DECKS")
    shipped = tmp_path / "shipped.apkg"
    export_anki(load_decks(), shipped, now_ms=NOW_MS, deck_ids=["asr/wav2vec2", "asr/chunkformer"])
    changed_tree = tmp_path / "changed"
    (changed_tree / "asr").mkdir(parents=True)
    text = (paths.bundled_decks() / "asr" / "chunkformer.yaml").read_text(encoding="utf-8")
    first_prompt = next(line for line in text.splitlines() if "prompt:" in line)
    edited = text.replace(first_prompt, first_prompt.rstrip() + " (edited)", 1)
    (changed_tree / "asr" / "chunkformer.yaml").write_text(edited, encoding="utf-8")
    monkeypatch.setenv("QUIZZER_DECKS", str(changed_tree))
    changed = tmp_path / "changed.apkg"
    export_anki(load_decks(), changed, now_ms=NOW_MS)
    monkeypatch.delenv("QUIZZER_DECKS")
    capsys.readouterr()

    assert run(str(shipped)) == 0
    out = capsys.readouterr().out
    shipped_questions = sum(
        len(load_yaml(paths.bundled_decks() / "asr" / f"{d}.yaml")["questions"])
        for d in ("wav2vec2", "chunkformer")
    )
    assert f"left {shipped_questions} questions to the bundled decks" in out
    assert not list(paths.user_decks_dir().rglob("*.yaml"))

    assert run(str(changed)) == 0
    assert "(edited)" in (paths.user_decks_dir() / "asr" / "chunkformer.yaml").read_text()
    assert not (paths.user_decks_dir() / "asr" / "wav2vec2.yaml").exists()


# ---------------------------------------------------------------- hostile packages


def test_zip_bomb_is_refused(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    bomb = tmp_path / "bomb.apkg"
    with (
        zipfile.ZipFile(bomb, "w", compression=zipfile.ZIP_DEFLATED) as zf,
        zf.open("collection.anki2", "w", force_zip64=True) as member,
    ):
        block = bytes(1 << 20)
        for _ in range(64):
            member.write(block)
    into = tmp_path / "d"
    assert run(str(bomb), "--into", str(into)) == 2
    err = capsys.readouterr().err
    assert err.count("\n") == 1 and "zip bomb" in err
    assert not into.exists()


def test_without_the_extra_import_says_what_to_install(tmp_path: Path) -> None:
    """On an install without `quizzer[anki]`, `quizzer import anki` is one line naming what is
    missing and how to add it, not a traceback (nothing of the extra is imported first)."""
    package = tmp_path / "some.apkg"
    package.write_bytes(b"not read")
    script = (
        "import sys\n"
        "for name in ('anki', 'bs4', 'markdownify'):\n"
        "    sys.modules[name] = None  # as if not installed\n"
        "from quizzer.cli import main\n"
        f"sys.exit(main(['import', 'anki', {str(package)!r}]))\n"
    )
    done = subprocess.run([sys.executable, "-c", script], capture_output=True, text=True)
    assert done.returncode == 2, done.stderr
    assert done.stderr.count("\n") == 1 and "Traceback" not in done.stderr
    assert "anki, beautifulsoup4, markdownify" in done.stderr
    assert "pip install 'quizzer[anki]'" in done.stderr


def test_corrupt_and_foreign_files_are_clean_errors(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    corrupt = tmp_path / "corrupt.apkg"
    with zipfile.ZipFile(corrupt, "w") as zf:
        zf.writestr("collection.anki2", b"SQLite format 3\x00" + os.urandom(4000))
        zf.writestr("media", "{}")
    text = tmp_path / "notes.apkg"
    text.write_text("hello")
    for path, expected in (
        (corrupt, "Anki cannot read it"),
        (text, "not a zip file"),
        (tmp_path / "missing.apkg", "no such file"),
        (tmp_path, "a folder; name the .apkg or .colpkg file to import"),
    ):
        assert run(str(path), "--into", str(tmp_path / "d")) == 2
        err = capsys.readouterr().err
        assert err.count("\n") == 1 and expected in err and str(path) in err, err
    assert not (tmp_path / "d").exists()


def test_media_names_cannot_leave_the_decks_folder(
    tmp_path: Path, anki: Callable[[], Any], capsys: pytest.CaptureFixture[str]
) -> None:
    """A legacy package whose media list names `../../escaped.png`."""
    col = anki()
    add_note(
        col,
        "Basic",
        ['Look <img src="../../escaped.png"> <img src="..%2Fx.png">', "Back"],
        "Deck",
    )
    package = export_package(col, tmp_path / "clean-legacy.apkg")
    hostile = tmp_path / "hostile.apkg"
    with zipfile.ZipFile(package) as src, zipfile.ZipFile(hostile, "w") as dst:
        for item in src.infolist():
            if item.filename != "media":
                dst.writestr(item, src.read(item.filename))
        dst.writestr("0", PNG)
        dst.writestr("media", json.dumps({"0": "../../escaped.png"}))
    into = tmp_path / "work" / "d"
    into.mkdir(parents=True)
    assert run(str(hostile), "--into", str(into)) == 2
    err = capsys.readouterr().err
    assert err.count("\n") == 1 and "Anki cannot read it" in err
    assert list(into.iterdir()) == []
    assert [p for p in tmp_path.rglob("*escaped*")] == []

    # fields that point outside: the reference is reported, nothing is copied from anywhere
    (tmp_path / "escaped.png").write_bytes(PNG)
    assert run(str(package), "--into", str(into)) == 0
    out = capsys.readouterr().out
    assert "warning: 2 media references to files the package lacks" in out
    assert all(p.resolve().is_relative_to(into.resolve()) for p in into.rglob("*"))
    assert not (into / "media").exists()
    assert main(["lint", str(into)]) == 0


def test_into_must_be_a_folder(tmp_path: Path) -> None:
    (tmp_path / "file").write_text("x")
    with pytest.raises(ImportError_, match="not a folder"):
        import_anki(tmp_path / "p.apkg", tmp_path / "file", now_ms=NOW_MS)


def test_manifest_records_guid_and_hash(tmp_path: Path, anki: Callable[[], Any]) -> None:
    col = anki()
    note = add_note(col, "Basic", ["Front", "Back"], "Mine")
    import_anki(export_package(col, tmp_path / "p.apkg"), tmp_path / "d", now_ms=NOW_MS)
    manifest = json.loads((tmp_path / "d" / MANIFEST).read_text())
    entry = manifest["notes"][note.guid]
    assert entry["deck"] == "mine" and entry["id"].startswith("front-")
    assert len(entry["hash"]) == 16
