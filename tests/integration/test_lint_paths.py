"""`quizzer lint FILE` says what linting the file's decks tree says about it, and every path
named is checked."""

from __future__ import annotations

from pathlib import Path

import pytest
from media_support import png_bytes

from quizzer.cli import main

DECK = """\
title: Attention
questions:
  - id: fig
    type: basic
    prompt: 'What does this show? ![a figure](../media/{figure})'
    answer: Attention weights.
    explanation: E.
    source: S.
"""
PLAIN = (
    "title: T\nquestions:\n"
    "  - {id: a, type: basic, prompt: P, answer: A, explanation: E, source: S}\n"
)


def lint(capsys: pytest.CaptureFixture[str], *paths: Path) -> tuple[int, list[str], str]:
    code = main(["lint", *map(str, paths)])
    out = capsys.readouterr()
    assert "Traceback" not in out.out + out.err
    return code, out.out.splitlines(), out.err


def test_a_file_of_a_tree_made_with_decks_is_linted_with_that_tree_as_root(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    """`quizzer --decks ~/my-decks new ml/attention`, then `quizzer lint
    ~/my-decks/ml/attention.yaml` without `--decks`: media beside the decks are inside the tree,
    media above it are not, as when the tree is linted."""
    monkeypatch.setenv("HOME", str(tmp_path))
    tree = tmp_path / "my-decks"
    (tree / "ml").mkdir(parents=True)
    (tree / "media").mkdir()
    (tree / "media" / "fig.png").write_bytes(png_bytes())
    (tmp_path / "outside.png").write_bytes(png_bytes())
    deck = tree / "ml" / "attention.yaml"
    deck.write_text(DECK.format(figure="fig.png"), encoding="utf-8")
    assert lint(capsys, tree)[:2] == (0, [])
    assert lint(capsys, deck)[:2] == (0, [])
    deck.write_text(DECK.format(figure="../../outside.png"), encoding="utf-8")
    code, lines, _ = lint(capsys, tree)
    assert code == 1 and lines == [
        f"{deck}:5:47: '../media/../../outside.png' leaves the decks folder"
    ]
    assert lint(capsys, deck)[:2] == (1, lines)


def test_a_file_in_a_badly_named_folder_is_refused_as_the_tree_refuses_it(
    decks_dir: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    (decks_dir / "Sub").mkdir()
    deck = decks_dir / "Sub" / "x.yaml"
    deck.write_text(PLAIN, encoding="utf-8")
    code, lines, _ = lint(capsys, decks_dir)
    message = (
        "1:1: deck file or folder name 'Sub' must use lowercase letters, digits, '-' or '_' "
        "(it becomes the deck id)"
    )
    assert (code, lines) == (1, [f"{deck}:{message}"])
    assert lint(capsys, deck)[:2] == (1, [f"{deck}:{message}"])


@pytest.mark.parametrize("name", ["deck.yml", "deck.YAML", "deck"])
def test_a_file_the_tree_does_not_read_is_said_to_be_so(
    decks_dir: Path, name: str, capsys: pytest.CaptureFixture[str]
) -> None:
    deck = decks_dir / name
    deck.write_text(PLAIN, encoding="utf-8")
    assert lint(capsys, decks_dir)[0] == 0  # nothing to lint: the tree does not read it
    code, lines, _ = lint(capsys, deck)
    assert code == 1
    assert lines == [
        f"{deck}:1:1: not read as a deck: deck files end in '.yaml'; rename it 'deck.yaml'"
    ]


@pytest.mark.parametrize("where", ["_drafts/x.yaml", "_x.yaml", ".hidden/x.yaml"])
def test_a_file_the_tree_skips_by_name_is_checked_and_said_to_be_skipped(
    decks_dir: Path, where: str, capsys: pytest.CaptureFixture[str]
) -> None:
    deck = decks_dir / where
    deck.parent.mkdir(exist_ok=True)
    deck.write_text(PLAIN.replace("answer: A", "answer: A, promt: x"), encoding="utf-8")
    code, lines, _ = lint(capsys, deck)
    skipped = where.split("/")[0]
    kind = "file" if skipped == where else "folder"
    assert code == 1
    assert lines == [
        f"{deck}:3:48: unknown key 'promt', did you mean 'prompt'?",
        f"{deck}:1:1: warning: not read as a deck: the decks folder skips names starting with "
        f"'_' or '.' ({kind} {skipped!r})",
    ]


def test_every_path_named_is_checked_even_when_one_is_missing(
    decks_dir: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    bad = decks_dir / "a.yaml"
    bad.write_text(PLAIN.replace("type: basic", "type: mcq"), encoding="utf-8")
    typo = tmp_path / "typo"
    code, lines, err = lint(capsys, bad, typo)
    assert code == 2
    assert len(lines) == 1 and lines[0].startswith(f"{bad}:3:19: unknown question type 'mcq'")
    assert err.splitlines()[-1] == f"quizzer: error: {typo}: no such file or folder"
    assert "1 problem found" in err
