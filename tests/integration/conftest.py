"""Fixtures shared by the tests that drive the real Anki core."""

from __future__ import annotations

from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import pytest


@pytest.fixture
def anki(tmp_path: Path) -> Iterator[Callable[[], Any]]:
    """A factory of empty Anki collections, closed at the end of the test."""
    from anki.collection import Collection

    opened: list[Any] = []

    def make() -> Any:
        folder = tmp_path / f"anki{len(opened)}"
        folder.mkdir()
        col = Collection(str(folder / "collection.anki2"))
        opened.append(col)
        return col

    yield make
    for col in opened:
        if col.db:
            col.close()
