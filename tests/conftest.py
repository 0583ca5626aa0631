"""Shared fixtures: every test gets its own data directory, decks tree and a fixed clock."""

from __future__ import annotations

import textwrap
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import TYPE_CHECKING

import pytest

if TYPE_CHECKING:
    from quizzer.collection import Collection

SAMPLE_DECK = """\
title: Sample
description: One question of every type.
tags: [sample]
sources: [Made up for tests]
questions:
  - id: basic-q
    type: basic
    prompt: What is the capital of France?
    answer: Paris
    reverse: true
    source: An atlas
  - id: cloze-q
    type: cloze
    text: '{{c1::CTC}} merges {{c2::repeats}} and drops {{c3::blanks::symbol}}.'
  - id: choice-q
    type: choice
    prompt: Which are even?
    choices:
      - {text: '2', correct: true}
      - {text: '3', feedback: Odd.}
      - {text: '4', correct: true}
  - id: typed-q
    type: typed
    prompt: Name the blank-based loss.
    answers: [CTC, connectionist temporal classification]
  - id: numeric-q
    type: numeric
    prompt: How many hours?
    answer: 680000
    tolerance: 1%
    unit: hours
  - id: order-q
    type: order
    prompt: Order them.
    items: [one, two, three, four]
"""


@pytest.fixture(autouse=True)
def isolated(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    """A private data directory and decks tree; UTC; a fixed moment."""
    home = tmp_path / "home"
    decks = tmp_path / "decks"
    decks.mkdir()
    monkeypatch.setenv("QUIZZER_HOME", str(home))
    monkeypatch.setenv("QUIZZER_DECKS", str(decks))
    monkeypatch.setenv("TZ", "UTC")
    monkeypatch.setenv("QUIZZER_NOW", "2026-03-02T09:00:00Z")
    monkeypatch.delenv("QUIZZER_NO_CACHE", raising=False)
    return tmp_path


@pytest.fixture
def decks_dir(isolated: Path) -> Path:
    """The test's decks tree (empty until written)."""
    return isolated / "decks"


@pytest.fixture
def write_deck(decks_dir: Path) -> Callable[[str, str], Path]:
    """Write a deck file under the decks tree: write_deck('asr/ctc', yaml_text)."""

    def write(deck_id: str, text: str) -> Path:
        path = decks_dir / f"{deck_id}.yaml"
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(textwrap.dedent(text), encoding="utf-8")
        return path

    return write


@pytest.fixture
def sample_tree(write_deck: Callable[[str, str], Path]) -> Path:
    """A decks tree with one deck holding a question of every type."""
    return write_deck("demo/sample", SAMPLE_DECK)


def basic_deck(n: int) -> str:
    """A deck of n basic questions q0..q(n-1)."""
    rows = [f"  - {{id: q{i}, type: basic, prompt: P{i}, answer: A{i}}}" for i in range(n)]
    return "title: D\nquestions:\n" + "\n".join(rows) + "\n"


@pytest.fixture
def device(
    write_deck: Callable[[str, str], Path], isolated: Path, monkeypatch: pytest.MonkeyPatch
) -> Iterator[Callable[[str], Collection]]:
    """Open (or reopen) the collection of a named device: its own data directory, shared decks
    (`d/deck` with six basic questions)."""
    from quizzer.collection import open_collection

    write_deck("d/deck", basic_deck(6))
    opened: list[Collection] = []

    def open_device(name: str) -> Collection:
        monkeypatch.setenv("QUIZZER_HOME", str(isolated / name))
        col = open_collection()
        opened.append(col)
        return col

    yield open_device
    for col in opened:
        col.close()
