"""The README's tour, the authoring walkthrough and the examples of searching and statistics,
run literally as written, in order, in a fresh home directory: a newcomer who types them gets
what the docs promise, not an error.

Commands that open the terminal UI run headless (Textual's test driver) and must show a card."""

from __future__ import annotations

import asyncio
import os
import re
import shlex
from pathlib import Path
from typing import Any

import pytest

from quizzer.cli import main
from quizzer.commands import review

ROOT = Path(__file__).resolve().parents[2]
DOCS = [
    ROOT / "README.md",
    *(ROOT / "docs" / f"{n}.md" for n in ("authoring", "searching", "statistics")),
]


def documented_commands(path: Path) -> list[str]:
    """Every `quizzer ...` line of the shell blocks of a Markdown file, comments dropped."""
    commands = []
    for block in re.findall(r"```sh\n(.*?)```", path.read_text(encoding="utf-8"), re.S):
        for line in block.splitlines():
            line = re.split(r"\s+#\s", line, maxsplit=1)[0].strip()
            if line.startswith("quizzer") and ">" not in line:
                commands.append(line)
    return commands


def test_the_docs_show_commands_to_try() -> None:
    readme, authoring, searching, statistics = (documented_commands(p) for p in DOCS)
    assert len(readme) >= 10 and len(authoring) >= 4
    assert len(searching) >= 5 and len(statistics) >= 5
    assert "quizzer new ml/attention" in readme and "quizzer review asr" in readme


def _headless_run(shown: list[str]) -> Any:
    def run(app: Any) -> None:
        from textual.widgets import Markdown

        async def drive() -> None:
            async with app.run_test(size=(100, 30)) as pilot:
                for _ in range(200):
                    await pilot.pause(0.05)
                    if app.collection is not None and app.screen.query(Markdown):
                        break
                    if type(app.screen).__name__ == "SummaryScreen":
                        break  # the session had nothing to show
                await pilot.pause(0.1)
                errors = [n for n in app._notifications if n.severity == "error"]
                assert not errors, [str(n.message) for n in errors]
                shown.append(type(app.screen).__name__)

        asyncio.run(drive())

    return run


@pytest.mark.parametrize("doc", DOCS, ids=lambda p: p.name)
def test_documented_commands_work_as_written(
    doc: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    from quizzer.tui.app import QuizzerApp

    home = tmp_path / "home"
    home.mkdir()
    for name in ("QUIZZER_HOME", "QUIZZER_DECKS", "XDG_DATA_HOME", "XDG_CONFIG_HOME"):
        monkeypatch.delenv(name, raising=False)
    monkeypatch.setenv("HOME", str(home))  # ~ in the docs, and the default data directory
    monkeypatch.setenv("XDG_CACHE_HOME", str(tmp_path / "cache"))
    monkeypatch.chdir(home)
    shown: list[str] = []
    monkeypatch.setattr(review, "_has_terminal", lambda: True)
    monkeypatch.setattr(QuizzerApp, "run", _headless_run(shown))
    (home / "Sync" / "quizzer").mkdir(parents=True)  # the shared folder a sync tool made
    environment = dict(os.environ)
    for command in documented_commands(doc):
        argv = [os.path.expanduser(a) for a in shlex.split(command)[1:]]
        status = main(argv)
        out = capsys.readouterr()
        assert status == 0, f"{command!r} exited {status}: {out.err.strip()}"
        assert "Traceback" not in out.err, command
        if "review" in argv and "rated:" not in command:  # nothing is rated in a new home
            assert shown and shown[-1] == "ReviewScreen", f"{command!r} showed no card"
        os.environ.clear()  # main() records --decks/--data-dir in the environment
        os.environ.update(environment)
    assert (home / ".local" / "share" / "quizzer" / "quizzer.sqlite3").exists()
