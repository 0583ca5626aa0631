"""Options common to every command mean the same before and after the command's name."""

from __future__ import annotations

import argparse
import json
from pathlib import Path

import pytest

from quizzer.cli import build_parser, main

COMMON = {"--decks": "decks", "--data-dir": "data_dir"}


def _subcommands() -> dict[str, argparse.ArgumentParser]:
    parser = build_parser()
    for action in parser._actions:
        if isinstance(action, argparse._SubParsersAction):
            return dict(action.choices)
    raise AssertionError("the parser has no subcommands")


def _required(sub: argparse.ArgumentParser) -> list[str]:
    """Values for a command's required positionals, so that it parses."""
    values = []
    for action in sub._actions:
        if action.option_strings or action.nargs in ("*", "?"):
            continue
        values.append(str(next(iter(action.choices))) if action.choices else "x")
    return values


@pytest.mark.parametrize("command", sorted(_subcommands()))
@pytest.mark.parametrize("where", ["before", "after", "both"])
def test_common_options_parse_in_either_position(command: str, where: str) -> None:
    parser = build_parser()
    positionals = _required(_subcommands()[command])
    before = ["--decks", "D1", "--data-dir", "H1"] if where != "after" else []
    after = ["--decks", "D2", "--data-dir", "H2"] if where != "before" else []
    args = parser.parse_args([*before, command, *positionals, *after])
    expected = ("D1", "H1") if where == "before" else ("D2", "H2")
    assert (args.decks, args.data_dir) == expected


@pytest.mark.parametrize("command", sorted(_subcommands()))
def test_every_command_takes_the_common_options(command: str) -> None:
    options = {s for a in _subcommands()[command]._actions for s in a.option_strings}
    assert set(COMMON) <= options


def test_data_dir_before_the_command_moves_the_answers(
    sample_tree: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    elsewhere = tmp_path / "elsewhere"
    assert main(["--data-dir", str(elsewhere), "next", "--json"]) == 0
    card = json.loads(capsys.readouterr().out)["card_id"]
    assert main(["--data-dir", str(elsewhere), "answer", card, "good"]) == 0
    assert (elsewhere / "quizzer.sqlite3").exists()
    assert not (tmp_path / "home" / "quizzer.sqlite3").exists()


def test_decks_before_new_writes_into_that_tree(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.chdir(tmp_path)
    mine = tmp_path / "my-decks"
    mine.mkdir()
    assert main(["--decks", str(mine), "new", "ml/attention"]) == 0
    assert (mine / "ml" / "attention.yaml").is_file()
    assert not (tmp_path / "decks" / "ml").exists()


def test_decks_before_the_command_selects_that_tree(
    tmp_path: Path, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.delenv("QUIZZER_DECKS")
    mine = tmp_path / "my-decks"
    (mine / "ml").mkdir(parents=True)
    (mine / "ml" / "attention.yaml").write_text(
        "title: Attention\nquestions:\n  - {id: q, type: basic, prompt: Why?, answer: Because}\n"
    )
    assert main(["--decks", str(mine), "next", "--deck", "ml/attention", "--json"]) == 0
    assert json.loads(capsys.readouterr().out)["card_id"] == "ml/attention:q"
