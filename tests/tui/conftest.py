"""Fixtures for the terminal UI: a small decks tree with one question of each type, an open
collection over it, and apps built by `make_app` with a fixed clock and a fake answer timer.

The root conftest already points QUIZZER_HOME and QUIZZER_DECKS at tmp_path, fixes QUIZZER_NOW and
sets TZ=UTC for every test.
"""

from __future__ import annotations

import asyncio
import inspect
import textwrap
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import pytest
from tui_support import DECKS, FakeTimer

from quizzer.collection import Collection, open_collection
from quizzer.tui.app import QuizzerApp, make_app


@pytest.hookimpl(tryfirst=True)
def pytest_pyfunc_call(pyfuncitem: pytest.Function) -> bool | None:
    """Run `async def` tests in a fresh event loop (no async plugin needed)."""
    if not inspect.iscoroutinefunction(pyfuncitem.obj):
        return None
    names = pyfuncitem._fixtureinfo.argnames
    asyncio.run(pyfuncitem.obj(**{name: pyfuncitem.funcargs[name] for name in names}))
    return True


@pytest.fixture
def deck_tree(write_deck: Callable[[str, str], Path], decks_dir: Path) -> Path:
    """The TUI fixture decks written under the test's decks tree."""
    for deck_id, text in DECKS.items():
        write_deck(deck_id, textwrap.dedent(text))
    return decks_dir


@pytest.fixture
def collection(deck_tree: Path, monkeypatch: pytest.MonkeyPatch) -> Iterator[Collection]:
    """An open collection over the fixture decks; colours on, whatever the caller's terminal."""
    monkeypatch.delenv("NO_COLOR", raising=False)
    monkeypatch.delenv("EDITOR", raising=False)
    monkeypatch.delenv("VISUAL", raising=False)
    col = open_collection()
    yield col
    col.close()


@pytest.fixture
def build(collection: Collection) -> Callable[..., QuizzerApp]:
    """`build(start_session=True, tag='order')`: an app over the fixture collection."""

    def make(**kwargs: Any) -> QuizzerApp:
        kwargs.setdefault("timer", FakeTimer())
        return make_app(collection=collection, **kwargs)

    return make
