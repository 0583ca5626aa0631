"""Opening a deck file in the learner's editor, at the line of a question."""

from __future__ import annotations

import os
import shlex
import subprocess
from pathlib import Path
from typing import Any

from textual.app import App, SuspendNotSupported

from quizzer.collection import editable_deck
from quizzer.decks.tree import DeckTree


def editor_command(path: Path, line: int) -> list[str]:
    """`$EDITOR +LINE FILE` (then `$VISUAL`, then `vi`); `+LINE` is understood by vi, vim, nano,
    emacs, micro, helix and most others."""
    editor = os.environ.get("EDITOR") or os.environ.get("VISUAL") or "vi"
    return [*shlex.split(editor), f"+{max(1, line)}", str(path)]


def run_editor(app: App[Any], path: Path, line: int) -> str | None:
    """Hand the terminal to the editor until it exits; returns a problem to report, or None.

    Where the app cannot suspend (tests, headless runs) the editor runs without the terminal."""
    command = editor_command(path, line)
    try:
        try:
            with app.suspend():
                result = subprocess.run(command, check=False)
        except SuspendNotSupported:
            result = subprocess.run(
                command, check=False, stdin=subprocess.DEVNULL, capture_output=True
            )
    except FileNotFoundError:
        return f"editor {command[0]!r} not found: set $EDITOR"
    except OSError as exc:
        return f"cannot run {command[0]!r}: {exc.strerror or exc}"
    if result.returncode != 0:
        return f"{command[0]} exited with status {result.returncode}"
    return None


def open_for_editing(app: App[Any], tree: DeckTree, deck_id: str) -> Path:
    """The file to edit for a deck; a bundled deck is first copied to the user decks folder
    (`collection.editable_deck`), and the learner is told so."""
    path, bundled = editable_deck(tree, deck_id)
    if bundled is not None:
        app.notify(
            f"Editing your own copy, {path}: it replaces the bundled deck, and keeps its history.",
            title="Bundled deck copied",
            timeout=10,
        )
    return path
