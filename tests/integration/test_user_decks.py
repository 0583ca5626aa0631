"""The learner's own decks load next to the bundled curriculum; `--decks` means only that tree;
a decks folder that does not exist is an error, not an empty collection."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import pytest

from quizzer import paths
from quizzer.cli import main
from quizzer.collection import deck_origin, editable_deck, load_decks

BUNDLED_ID = "foundations/digital-audio"
MINE = """\
title: Mine
questions:
  - {id: q, type: basic, prompt: Mine?, answer: 'yes'}
"""


@pytest.fixture
def default_decks(monkeypatch: pytest.MonkeyPatch, isolated: Path) -> Path:
    """No `--decks`: the bundled decks plus the user decks folder of the test's data dir."""
    monkeypatch.delenv("QUIZZER_DECKS")
    return paths.user_decks_dir()


def _write(root: Path, deck_id: str, text: str) -> Path:
    path = root / f"{deck_id}.yaml"
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(text, encoding="utf-8")
    return path


def test_user_decks_load_with_the_bundled_ones(default_decks: Path) -> None:
    _write(default_decks, "ml/attention", MINE)
    tree = load_decks()
    assert "ml/attention" in tree.decks and BUNDLED_ID in tree.decks
    assert deck_origin(tree, "ml/attention") == "user"
    assert deck_origin(tree, BUNDLED_ID) == "bundled"
    assert tree.ordered()[-1] == "ml/attention"  # after the curriculum


def test_a_user_deck_with_a_bundled_id_replaces_it_in_place(default_decks: Path) -> None:
    before = load_decks()
    position = before.ordered().index(BUNDLED_ID)
    original = before.decks[BUNDLED_ID].path.read_text(encoding="utf-8")
    _write(default_decks, BUNDLED_ID, original.replace("title: ", "title: My ", 1))
    after = load_decks()
    assert after.ordered().index(BUNDLED_ID) == position
    assert deck_origin(after, BUNDLED_ID) == "user"
    assert after.decks[BUNDLED_ID].deck.title.startswith("My ")
    # same card ids, so the history of the bundled deck carries over
    assert [c.id for c in after.decks[BUNDLED_ID].cards] == [
        c.id for c in before.decks[BUNDLED_ID].cards
    ]


def test_decks_option_means_only_that_tree(default_decks: Path, tmp_path: Path, capsys) -> None:
    _write(default_decks, "ml/attention", MINE)
    other = tmp_path / "other"
    _write(other, "x/only", MINE)
    assert main(["--decks", str(other), "decks", "--json"]) == 0
    assert [d["id"] for d in json.loads(capsys.readouterr().out)["decks"]] == ["x/only"]


def test_decks_lists_where_each_deck_comes_from(default_decks: Path, capsys) -> None:
    _write(default_decks, "ml/attention", MINE)
    assert main(["decks", "--json"]) == 0
    origins = {d["id"]: d["origin"] for d in json.loads(capsys.readouterr().out)["decks"]}
    assert origins["ml/attention"] == "user" and origins[BUNDLED_ID] == "bundled"
    assert main(["decks"]) == 0
    line = next(ln for ln in capsys.readouterr().out.splitlines() if "ml/attention" in ln)
    assert line.endswith("[user]")


def test_config_deck_folders_are_loaded_too(default_decks: Path, tmp_path: Path) -> None:
    extra = tmp_path / "extra"
    _write(extra, "extra/one", MINE)
    paths.config_path().parent.mkdir(parents=True, exist_ok=True)
    paths.config_path().write_text(f'deck_folders = ["{extra}"]\n')
    tree = load_decks()
    assert deck_origin(tree, "extra/one") == str(extra)


def test_deck_folders_that_are_not_there_are_told_by_lint_and_decks(
    default_decks: Path, tmp_path: Path, capsys
) -> None:
    extra = tmp_path / "extra"
    _write(extra, "extra/one", MINE)
    config = paths.config_path()
    config.parent.mkdir(parents=True, exist_ok=True)
    config.write_text(f'# mine\ndeck_folders = ["{extra}", "{tmp_path / "typo"}"]\n')
    typo = tmp_path / "typo"
    expected = f"{config}:2:1: deck_folders: {typo}: no such folder; its decks are not studied"
    assert main(["lint"]) == 1
    told = [line for line in capsys.readouterr().out.splitlines() if ": deck_folders:" in line]
    assert told == [expected]
    assert main(["decks"]) == 0
    assert capsys.readouterr().err.splitlines() == [f"quizzer: warning: {expected}"]
    assert deck_origin(load_decks(), "extra/one") == str(extra)  # the others still count
    config.write_text(f'deck_folders = "{extra}"\n')
    assert main(["lint"]) == 1
    assert capsys.readouterr().out.splitlines()[-1] == (
        f"{config}:1:1: deck_folders: a list of folders, such as [\"~/more-decks\"], not '{extra}'"
    )


def test_new_writes_into_the_user_decks_folder(default_decks: Path, capsys) -> None:
    assert main(["new", "ml/attention"]) == 0
    assert (default_decks / "ml" / "attention.yaml").is_file()
    assert "quizzer review ml/attention" in capsys.readouterr().out
    assert main(["next", "--deck", "ml/attention", "--json"]) == 0
    assert json.loads(capsys.readouterr().out)["card_id"].startswith("ml/attention:")


def test_editing_a_bundled_deck_edits_a_copy(default_decks: Path) -> None:
    tree = load_decks()
    bundled = tree.decks[BUNDLED_ID].path
    before = bundled.read_bytes()
    path, copied_from = editable_deck(tree, BUNDLED_ID)
    assert copied_from == bundled and path == default_decks / f"{BUNDLED_ID}.yaml"
    assert path.read_bytes() == before
    path.write_text(path.read_text().replace("title: ", "title: Edited ", 1))
    assert bundled.read_bytes() == before  # the installed copy is never touched
    again = load_decks()
    assert deck_origin(again, BUNDLED_ID) == "user"
    assert editable_deck(again, BUNDLED_ID) == (path, None)  # the copy is edited from now on


def test_editing_copies_the_media_a_bundled_deck_refers_to(
    monkeypatch: pytest.MonkeyPatch, tmp_path: Path, isolated: Path
) -> None:
    bundled = tmp_path / "bundled"
    monkeypatch.setattr(paths, "bundled_decks", lambda: bundled)
    monkeypatch.delenv("QUIZZER_DECKS")
    deck = _write(bundled, "a/fig", MINE.replace("Mine?", "Which window? ![hann](media/hann.png)"))
    (deck.parent / "media").mkdir()
    (deck.parent / "media" / "hann.png").write_bytes(b"\x89PNG\r\n\x1a\nfake")
    path, _ = editable_deck(load_decks(), "a/fig")
    assert (path.parent / "media" / "hann.png").read_bytes().endswith(b"fake")


@pytest.mark.parametrize("how", ["option", "env"])
def test_a_missing_decks_folder_is_an_error(tmp_path: Path, how: str) -> None:
    import os

    missing = tmp_path / "my-deck"
    env = {**os.environ, "QUIZZER_DECKS": str(missing) if how == "env" else ""}
    argv = ["--decks", str(missing)] if how == "option" else []
    for command in (["due"], ["next"], ["decks"], ["lint"]):
        result = subprocess.run(
            [sys.executable, "-m", "quizzer", *argv, *command],
            capture_output=True,
            text=True,
            env=env,
            timeout=60,
        )
        assert result.returncode == 2, command
        assert result.stderr.strip().splitlines() == [
            f"quizzer: error: decks folder {missing} does not exist (from --decks or QUIZZER_DECKS)"
        ]
