"""The benchmark's generated collections are what quizzer itself would have written: their card
cache and statistics totals equal a replay of their log, so `quizzer check` passes and a
`quizzer rebuild` of one changes nothing."""

from __future__ import annotations

from pathlib import Path

import pytest

from bench.generate import NOW_ISO, Spec, generate
from quizzer.cli import main


def test_a_generated_collection_equals_a_replay_of_its_log(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    generated = generate(Spec(60, 900, seed=3), tmp_path, quiet=True)
    monkeypatch.setenv("QUIZZER_HOME", str(generated.home))
    monkeypatch.setenv("QUIZZER_DECKS", str(generated.decks))
    monkeypatch.setenv("QUIZZER_NOW", NOW_ISO)
    monkeypatch.setenv("TZ", "UTC")
    assert main(["check"]) == 0
    assert "the card cache equals a replay of the log" in capsys.readouterr().out
    assert main(["rebuild"]) == 0
    assert ", 0 changed" in capsys.readouterr().out
