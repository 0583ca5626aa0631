"""`quizzer answer` from the card index says and writes exactly what the full path does.

Each case runs twice from copies of one data directory: once with the card index current (the
light path, which must not open the collection) and once with the caches off (the full path).
Standard output, standard error, the exit status and everything written (the log rows, the card
states, the statistics totals) must be the same. Event ids come from a counter in both runs, so
that fuzz, which is seeded by them, draws alike.
"""

from __future__ import annotations

import shutil
import sqlite3
import subprocess
import sys
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import pytest

from quizzer.cli import main
from quizzer.collection import open_collection
from quizzer.state import Rating
from quizzer.store import aggregates
from quizzer.store.db import Store

T0 = 1_772_442_000_000  # 2026-03-02T09:00:00Z, QUIZZER_NOW of tests/conftest.py
DAY = 86_400_000
CONFIG = """\
learning_steps = [2, 15]
leech_threshold = 2

[decks."demo/*"]
desired_retention = 0.85
relearning_steps = [5, 30]
maximum_interval = 400
leech_action = "suspend"
"""


@pytest.fixture
def base(sample_tree: Path, isolated: Path) -> dict[str, str]:
    """A data directory with some history: cards in review, in learning, suspended, buried.
    Returns the responses that are right for the choice and order questions as shown."""
    home = isolated / "home"
    home.mkdir(exist_ok=True)
    (home / "config.toml").write_text(CONFIG, encoding="utf-8")
    col = open_collection()
    try:
        session = col.session()
        for at, rating in ((T0 - 30 * DAY, Rating.GOOD), (T0 - 20 * DAY, Rating.EASY)):
            for card_id in ("demo/sample:basic-q", "demo/sample:typed-q"):
                session.answer(card_id, rating, at)
        for minutes, rating in ((0, Rating.AGAIN), (10, Rating.GOOD), (60, Rating.GOOD)):
            session.answer("demo/sample:typed-q", rating, T0 - 10 * DAY + minutes * 60_000)
        session.answer("demo/sample:cloze-q#c1", Rating.GOOD, T0 - 60_000)
        session.suspend("demo/sample:cloze-q#c2", T0 - 50_000)
        session.bury("demo/sample:cloze-q#c3", T0 - 40_000)
        right = {}
        for card_id, correct in (("choice-q", (0, 2)), ("order-q", (0, 1, 2, 3))):
            card = session.card(f"demo/sample:{card_id}")
            order = session.shown_order(card)
            if card_id == "choice-q":
                right[card_id] = ",".join(str(i + 1) for i, j in enumerate(order) if j in correct)
            else:
                right[card_id] = ",".join(str(order.index(j) + 1) for j in correct)
    finally:
        col.close()
    return right


def _cases(right: dict[str, str]) -> list[list[str]]:
    choice, order = right["choice-q"], right["order-q"]
    swapped = ",".join([*order.split(",")[1::-1], *order.split(",")[2:]])
    return [
        ["demo/sample:basic-q", "good"],  # a review card: fuzz, per-deck retention
        ["demo/sample:basic-q", "again", "--json"],  # a lapse: relearning steps, leech
        ["demo/sample:typed-q", "1"],  # a second lapse: a leech, suspended in this deck
        ["demo/sample:basic-q#reverse", "3", "--duration-ms", "4200"],  # new: learning steps
        ["demo/sample:cloze-q#c1", "hard"],  # in learning
        ["demo/sample:cloze-q#c1", "easy", "--json"],
        ["demo/sample:cloze-q#c1", "--rating", "good"],  # the rating given as an option
        ["demo/sample:cloze-q#c1", "--rating", "2", "--json"],
        ["demo/sample:choice-q", "--response", choice],
        ["demo/sample:choice-q", "--response", choice, "--json"],
        ["demo/sample:choice-q", "--response", "1"],
        ["demo/sample:choice-q", "--response", "9"],  # out of range
        ["demo/sample:choice-q", "--response", choice, "--rating", "4"],
        ["demo/sample:typed-q", "--response", "connectionist temporal classification"],
        ["demo/sample:typed-q", "--response", "connectionist temporal clasification", "--json"],
        ["demo/sample:typed-q", "--response", "RNN-T"],
        ["demo/sample:typed-q", "--response", "  "],  # nothing typed
        ["demo/sample:numeric-q", "--response", "680k hours"],
        ["demo/sample:numeric-q", "--response", "0.68 million", "--json"],
        ["demo/sample:numeric-q", "--response", "690000"],  # close: within twice the tolerance
        ["demo/sample:numeric-q", "--response", "1000 hours"],
        ["demo/sample:numeric-q", "--response", "68 kg"],  # another dimension
        ["demo/sample:order-q", "--response", order],
        ["demo/sample:order-q", "--response", swapped, "--json"],
        ["demo/sample:order-q", "--response", "1,1,2,3"],
        ["demo/sample:nope", "good"],  # unknown card
        ["demo/sample:nope", "--response", "1"],
        ["demo/sample:basic-q", "great"],  # unknown rating
        ["demo/sample:cloze-q#c2", "good"],  # suspended
        ["demo/sample:cloze-q#c3", "good", "--json"],  # buried
        ["demo/sample:basic-q", "--response", "Paris"],  # a self-graded card
    ]


def _uids(monkeypatch: pytest.MonkeyPatch) -> None:
    counter = iter(range(10**6))
    monkeypatch.setattr(Store, "new_uid", lambda self: f"{T0 * 10**6:016x}{next(counter):016x}")


def _written(home: Path) -> dict[str, Any]:
    db = sqlite3.connect(home / "quizzer.sqlite3")
    try:
        cols = "uid, at, card_id, kind, rating, graded, response, verdict, duration_ms, target, "
        cols += "until, state_before, ivl_before, r_before, before, after"
        return {
            "log": db.execute(f"SELECT {cols} FROM log ORDER BY seq").fetchall(),
            "cards": db.execute("SELECT * FROM cards ORDER BY card_id").fetchall(),
            "totals": aggregates.read(db),
            "current": db.execute(
                "SELECT value FROM meta WHERE key = ?", (aggregates.CALENDAR_KEY,)
            ).fetchall(),
        }
    finally:
        db.close()


def _run(
    args: list[str], home: Path, capsys: pytest.CaptureFixture[str], mp: pytest.MonkeyPatch
) -> tuple[int, str, str, dict[str, Any]]:
    mp.setenv("QUIZZER_HOME", str(home))
    _uids(mp)
    code = main(["answer", *args])
    out, err = capsys.readouterr()
    return code, out, err, _written(home)


@pytest.fixture
def light_only(monkeypatch: pytest.MonkeyPatch) -> Iterator[Callable[[bool], None]]:
    """Make opening the collection in full fail (or allow it again)."""
    import quizzer.commands.answer as command

    real = command.collection_for

    def refuse(args: Any) -> Any:
        raise AssertionError("the full path ran")

    def light(only: bool) -> None:
        monkeypatch.setattr(command, "collection_for", refuse if only else real)

    yield light


def test_every_case_says_and_writes_what_the_full_path_does(
    base: dict[str, str],
    isolated: Path,
    capsys: pytest.CaptureFixture[str],
    monkeypatch: pytest.MonkeyPatch,
    light_only: Callable[[bool], None],
) -> None:
    home = isolated / "home"
    outcomes = set()
    for i, args in enumerate(_cases(base)):
        full, quick = isolated / f"full{i}", isolated / f"quick{i}"
        shutil.copytree(home, full)
        shutil.copytree(home, quick)
        with monkeypatch.context() as mp:
            mp.setenv("QUIZZER_NO_CACHE", "1")
            light_only(False)
            expected = _run(args, full, capsys, mp)
        with monkeypatch.context() as mp:
            mp.setenv("QUIZZER_HOME", str(quick))
            assert main(["due"]) == 0  # writes the card index
            capsys.readouterr()
            # a response to a self-graded card is the one case the light path hands over
            light_only("basic-q" not in args[0] or "--response" not in args)
            got = _run(args, quick, capsys, mp)
        light_only(False)
        assert got[:3] == expected[:3], args
        assert got[3] == expected[3], args
        outcomes.add((got[0], got[1].startswith("{"), got[1].split(":")[0]))
    # every verdict, as text and as JSON, and refusals
    assert {(0, False, v) for v in ("correct", "close", "incorrect", "good")} <= outcomes
    assert (0, True, '{\n  "card_id"') in outcomes and (2, False, "") in outcomes


def test_a_card_not_due_yet_is_answered_only_with_early(
    base: dict[str, str],
    isolated: Path,
    capsys: pytest.CaptureFixture[str],
    monkeypatch: pytest.MonkeyPatch,
    light_only: Callable[[bool], None],
) -> None:
    """A new card answered Easy is next due in days: answered again now, both paths refuse it
    alike and write nothing; with --early, both record it alike."""
    results = []
    for name, light in (("full", False), ("quick", True)):
        home = isolated / name
        shutil.copytree(isolated / "home", home)
        with monkeypatch.context() as mp:
            if light:
                mp.setenv("QUIZZER_HOME", str(home))
                assert main(["due"]) == 0  # writes the card index
            else:
                mp.setenv("QUIZZER_NO_CACHE", "1")
            capsys.readouterr()
            light_only(light)
            mp.setenv("QUIZZER_HOME", str(home))
            _uids(mp)
            runs = []
            card = "demo/sample:basic-q#reverse"
            for args in ([card, "easy"], [card, "good"], [card, "good", "--early"]):
                code = main(["answer", *args])
                runs.append((code, *capsys.readouterr(), _written(home)))
            refused, early = runs[1:]
        light_only(False)
        assert refused[0] == 2 and refused[1] == ""
        assert refused[2].startswith(f"quizzer: error: {card} is not due until 2026-03-")
        assert refused[2].rstrip().endswith("give --early to answer it now (an early review)")
        assert early[0] == 0, early[2]
        assert len(early[3]["log"]) == len(refused[3]["log"]) + 1
        results.append((refused[:3], early[:3], early[3]))
    assert results[0] == results[1]


def test_a_stale_index_is_refreshed_by_the_full_path(
    base: dict[str, str],
    isolated: Path,
    write_deck: Callable[[str, str], Path],
    capsys: pytest.CaptureFixture[str],
    light_only: Callable[[bool], None],
) -> None:
    """An edited deck or config.toml makes the full path answer, and it writes the index again,
    so the next answer is light."""
    assert main(["answer", "demo/sample:basic-q#reverse", "good"]) == 0  # no index yet
    light_only(True)
    assert main(["answer", "demo/sample:order-q", "--response", base["order-q"]]) == 0
    deck = (isolated / "decks" / "demo" / "sample.yaml").read_text(encoding="utf-8")
    write_deck("demo/sample", deck.replace("How many hours?", "How many hours of audio?"))
    with pytest.raises(AssertionError, match="the full path ran"):
        main(["answer", "demo/sample:numeric-q", "--response", "680000"])
    light_only(False)
    assert main(["answer", "demo/sample:numeric-q", "--response", "680000"]) == 0
    light_only(True)
    assert main(["answer", "demo/sample:numeric-q", "--response", "680000", "--json"]) == 0
    (isolated / "home" / "config.toml").write_text("fuzz = false\n", encoding="utf-8")
    with pytest.raises(AssertionError, match="the full path ran"):
        main(["answer", "demo/sample:typed-q", "good"])
    capsys.readouterr()


def test_damaged_answer_keys_hand_over_to_the_full_path(
    base: dict[str, str],
    isolated: Path,
    capsys: pytest.CaptureFixture[str],
    light_only: Callable[[bool], None],
) -> None:
    """The keys file is a cache anyone could write: a wrong shape is never trusted."""
    assert main(["due"]) == 0
    (keys,) = (isolated / "home" / "cache").glob("index-*-keys.json")
    fingerprint = keys.read_text(encoding="utf-8").split('"')[1]
    keys.write_text(
        f'["{fingerprint}", {{"demo/sample:typed-q": ["typed", "P", [1]]}}]', encoding="utf-8"
    )
    light_only(True)
    with pytest.raises(AssertionError, match="the full path ran"):
        main(["answer", "demo/sample:typed-q", "--response", "CTC"])
    light_only(False)
    assert main(["answer", "demo/sample:typed-q", "--response", "CTC", "--json"]) == 0
    assert '"verdict": "correct"' in capsys.readouterr().out


def test_a_light_answer_loads_neither_yaml_nor_pydantic(base: dict[str, str]) -> None:
    assert main(["due"]) == 0
    code = (
        "import contextlib, io, sys\nfrom quizzer.cli import main\n"
        "with contextlib.redirect_stdout(io.StringIO()):\n"
        f"    assert main(['answer', 'demo/sample:choice-q', '--response', '{base['choice-q']}'])"
        " == 0\n"
        "print(' '.join(sorted(m for m in sys.modules if m.split('.')[0] in "
        "('yaml', 'pydantic', 'pydantic_core', 'fsrs', 'quizzer'))))"
    )
    loaded = subprocess.run(
        [sys.executable, "-c", code], capture_output=True, text=True, check=True
    ).stdout.split()
    assert "quizzer.answering" in loaded
    assert not [m for m in loaded if m.split(".")[0] in ("yaml", "pydantic", "pydantic_core")]
    assert "quizzer.decks.models" not in loaded and "fsrs" not in loaded


def test_the_index_carries_every_setting_a_review_reads() -> None:
    """A setting added to `Scheduling` must reach the index too, or light answers would ignore
    it: every one is a scheduling rule or a queue limit."""
    from dataclasses import fields

    from quizzer.collection import RULE_FIELDS, Limits
    from quizzer.config import Scheduling

    limits = {f.name for f in fields(Limits)} - {"limits_start_from_top"}
    assert set(Scheduling.model_fields) == set(RULE_FIELDS) | limits
