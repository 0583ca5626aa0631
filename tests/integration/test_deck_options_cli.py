"""`quizzer options`: what a learner sees and changes, and what the queue then does."""

from __future__ import annotations

import json
import subprocess
import sys
import time
import tomllib
from pathlib import Path

import pytest

from quizzer.cli import main
from tests.conftest import basic_deck

CONFIG = '# mine\nnew_per_day = 4  # weekdays\n\n[decks."lang/*"]\ndesired_retention = 0.85\n'


def _home(isolated: Path) -> Path:
    home = isolated / "home"
    home.mkdir(exist_ok=True)
    (home / "config.toml").write_text(CONFIG, encoding="utf-8")
    return home


def test_options_show_sources_and_set_what_the_queue_uses(
    write_deck, isolated: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    home = _home(isolated)
    write_deck("lang/fr", basic_deck(8))
    write_deck("lang/de", basic_deck(8))
    assert main(["options", "lang/fr", "--json"]) == 0
    shown = {o["key"]: o for o in json.loads(capsys.readouterr().out)["options"]}
    assert (shown["new_per_day"]["value"], shown["new_per_day"]["source"]) == (4, "global")
    assert shown["desired_retention"] == {
        "key": "desired_retention",
        "value": 0.85,
        "source": "folder",
        "table": "lang/*",
    }
    argv = ["options", "lang/fr", "--set", "new_per_day=6", "--set", "learning_steps=2,20"]
    assert main(argv) == 0
    out = capsys.readouterr().out
    assert "new_per_day        6" in out and "own" in out
    assert (home / "config.toml").read_text().startswith(CONFIG)
    for deck, new in (("lang/fr", 6), ("lang/de", 4)):
        assert main(["next", "--deck", deck, "--json"]) == 0
        assert json.loads(capsys.readouterr().out)["counts"]["new"] == new


def test_a_bad_option_is_one_line_and_nothing_is_written(
    write_deck, isolated: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    home = _home(isolated)
    write_deck("lang/fr", basic_deck(2))
    for argv, message in [
        (["--set", "desired_retention=2"], "desired_retention: Input should be less than"),
        (["--set", "leech_action=delete"], "leech_action: Input should be 'tag' or 'suspend'"),
        (["--set", "new_per_day"], "write KEY=VALUE"),
        (["--set", "colour=red"], "colour: not a deck option"),
    ]:
        assert main(["options", "lang/fr", *argv]) == 2
        err = capsys.readouterr().err
        assert message in err and err.count("\n") == 1
    assert main(["options", "nowhere"]) == 2
    assert "no deck or folder 'nowhere'" in capsys.readouterr().err
    assert (home / "config.toml").read_text() == CONFIG


def test_a_deck_setting_wins_over_its_folder_set_after_it(
    write_deck, isolated: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    home = _home(isolated)
    (home / "config.toml").write_text("new_per_day = 4\n", encoding="utf-8")
    write_deck("lang/french", basic_deck(8))
    write_deck("lang/german", basic_deck(8))
    assert main(["options", "lang/french", "--set", "desired_retention=0.88"]) == 0
    assert main(["options", "lang", "--set", "desired_retention=0.95"]) == 0
    capsys.readouterr()
    assert main(["options", "lang/french", "--json"]) == 0
    shown = {o["key"]: o for o in json.loads(capsys.readouterr().out)["options"]}
    assert shown["desired_retention"] == {
        "key": "desired_retention",
        "value": 0.88,
        "source": "own",
        "table": "lang/french",
    }
    # the queue reads the same rule: the deck's own limit, though the folder's glob comes later
    config = home / "config.toml"
    config.write_text(
        '[decks."lang/french"]\nnew_per_day = 6\n\n[decks."lang/*"]\nnew_per_day = 2\n',
        encoding="utf-8",
    )
    for deck, new in (("lang/french", 6), ("lang/german", 2)):
        assert main(["next", "--deck", deck, "--json"]) == 0
        assert json.loads(capsys.readouterr().out)["counts"]["new"] == new


def test_options_are_set_in_a_config_written_with_inline_tables(
    write_deck, isolated: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    home = _home(isolated)
    config = home / "config.toml"
    config.write_text('decks = { "math/algebra" = { leech_threshold = 5 } }\n', encoding="utf-8")
    write_deck("lang/french", basic_deck(8))
    write_deck("math/algebra", basic_deck(2))
    assert main(["options", "lang/french", "--set", "new_per_day=3"]) == 0
    assert "new_per_day        3          own" in capsys.readouterr().out
    assert main(["options", "math/algebra", "--json"]) == 0
    shown = {o["key"]: o for o in json.loads(capsys.readouterr().out)["options"]}
    assert (shown["leech_threshold"]["value"], shown["leech_threshold"]["source"]) == (5, "own")


def test_a_decks_key_that_is_not_a_table_is_one_line(
    write_deck, isolated: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    home = _home(isolated)
    (home / "config.toml").write_text("decks = 5\n", encoding="utf-8")
    write_deck("lang/french", basic_deck(2))
    for argv in (["due"], ["options", "lang/french", "--set", "new_per_day=3"]):
        assert main(argv) == 2
        err = capsys.readouterr().err
        assert err.endswith("config.toml: decks: Input should be a valid dictionary (got 5)\n")
        assert err.count("\n") == 1


def test_options_set_as_the_wrong_type_or_set_and_reset_at_once_are_refused(
    write_deck, isolated: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    home = _home(isolated)
    write_deck("lang/fr", basic_deck(2))
    for argv, message in [
        (["--set", "new_per_day=1e3"], "new_per_day: Input should be a valid integer (got 1000.0)"),
        (["--set", "leech_threshold=2.0"], "leech_threshold: Input should be a valid integer"),
        (
            ["--set", "new_per_day=3", "--reset", "new_per_day"],
            "new_per_day: both set and reset; give one or the other",
        ),
    ]:
        assert main(["options", "lang/fr", *argv]) == 2
        err = capsys.readouterr().err
        assert message in err and err.count("\n") == 1
    assert (home / "config.toml").read_text() == CONFIG


def test_a_config_saved_by_a_windows_editor_is_read_and_kept_as_it_is(
    write_deck, isolated: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    """A byte order mark and CRLF line breaks: every command reads the file, and an edit keeps
    both."""
    home = _home(isolated)
    config = home / "config.toml"
    windows = b"\xef\xbb\xbf" + CONFIG.replace("\n", "\r\n").encode("utf-8")
    config.write_bytes(windows)
    write_deck("lang/fr", basic_deck(8))
    assert main(["next", "--deck", "lang/fr", "--json"]) == 0
    assert json.loads(capsys.readouterr().out)["counts"]["new"] == 4
    assert main(["options", "lang/fr", "--set", "new_per_day=6"]) == 0
    capsys.readouterr()
    data = config.read_bytes()
    assert data.startswith(windows) and b"\n" not in data.replace(b"\r\n", b"")
    assert main(["next", "--deck", "lang/fr", "--json"]) == 0
    assert json.loads(capsys.readouterr().out)["counts"]["new"] == 6


WAIT_THEN_SET = """\
import sys, time
from pathlib import Path
from quizzer.cli import main
import quizzer.config_edit, quizzer.collection  # loaded before the start, as a running command has
go = Path(sys.argv[1])
Path(f"{go}-{sys.argv[2].replace('/', '-')}").touch()  # ready
while not go.exists():
    time.sleep(0.005)
sys.exit(main(["options", sys.argv[2], "--set", sys.argv[3]]))
"""


def test_options_set_by_several_commands_at_once_are_all_kept(write_deck, isolated: Path) -> None:
    """Each command reads config.toml, edits it and replaces it: run together, none may replace
    the file with an edit of a text that another has changed meanwhile."""
    home = _home(isolated)
    decks = [f"lang/d{i}" for i in range(10)]
    for deck in decks:
        write_deck(deck, basic_deck(2))
    go = isolated / "go"
    procs = [
        subprocess.Popen(
            [sys.executable, "-c", WAIT_THEN_SET, str(go), deck, f"new_per_day={i + 1}"],
            stdout=subprocess.DEVNULL,
            stderr=subprocess.PIPE,
            text=True,
        )
        for i, deck in enumerate(decks)
    ]
    ready = [isolated / f"go-{deck.replace('/', '-')}" for deck in decks]
    deadline = time.monotonic() + 120
    while not all(r.exists() for r in ready) and time.monotonic() < deadline:
        time.sleep(0.01)  # until each has imported what it needs and waits at the start
    go.touch()
    for proc in procs:
        _, err = proc.communicate(timeout=120)
        assert proc.returncode == 0, err
    config = tomllib.loads((home / "config.toml").read_text(encoding="utf-8"))
    assert {
        deck: config["decks"][deck]["new_per_day"] for deck in decks if deck in config["decks"]
    } == {deck: i + 1 for i, deck in enumerate(decks)}
    assert config["decks"]["lang/*"] == {"desired_retention": 0.85} and config["new_per_day"] == 4
