"""The rows the browser and `quizzer cards` share, the `cid:` term, and one card's history as the
browser's card info shows it: every answer with its rating, the interval it set and the recall
predicted before it; undone events left out."""

from __future__ import annotations

from collections.abc import Callable, Iterator
from datetime import UTC
from pathlib import Path

import pytest

from quizzer.card_info import card_history, card_info
from quizzer.collection import Collection, open_collection
from quizzer.finding import card_rows, row_cells
from quizzer.search import SearchError, parse
from quizzer.state import CardPhase, EventKind, Rating

T0 = 1_772_442_000_000  # 2026-03-02T09:00Z
MINUTE, DAY = 60_000, 86_400_000
DECK = """\
title: D
questions:
  - {id: a, type: basic, prompt: First prompt, answer: one}
  - {id: b, type: basic, prompt: Second prompt, answer: two}
  - {id: c, type: cloze, text: 'The {{c1::blank}} symbol'}
"""


@pytest.fixture
def col(write_deck: Callable[[str, str], Path]) -> Iterator[Collection]:
    write_deck("x/d", DECK)
    c = open_collection()
    yield c
    c.close()


def rows(col: Collection, query: str, **kw: object) -> tuple[list[dict[str, object]], int]:
    return card_rows(query, col.tree, col.store, col.settings, col.zone, T0 + 5 * DAY, **kw)  # type: ignore[arg-type]


def test_card_ids_select_cards_and_need_a_value(col: Collection) -> None:
    found, total = rows(col, "cid:x/d:b,x/d:c#c1")
    assert [r["card_id"] for r in found] == ["x/d:b", "x/d:c#c1"] and total == 2
    assert [r["card_id"] for r in rows(col, "-cid:x/d:a")[0]] == ["x/d:b", "x/d:c#c1"]
    with pytest.raises(SearchError, match="card ids"):
        parse("cid:,")


def test_rows_sort_limit_and_cells(col: Collection) -> None:
    s = col.session()
    s.answer("x/d:b", Rating.GOOD, T0)
    s.answer("x/d:b", Rating.GOOD, T0 + 10 * MINUTE)
    s.suspend("x/d:a", T0)
    found, total = rows(col, "", sort="due", limit=2)
    assert total == 3 and [r["card_id"] for r in found] == ["x/d:b", "x/d:a"]
    cells = row_cells(found[0], UTC)
    assert cells["state"] == "review" and cells["interval"].endswith("d")
    assert cells["recall"].endswith("%") and cells["due"].startswith("2026-03-")
    assert row_cells(found[1], UTC)["state"] == "suspended"
    assert row_cells(rows(col, "cid:x/d:c#c1")[0][0], UTC)["question"] == "The […] symbol"


def test_history_lists_every_answer_with_interval_and_recall_before(col: Collection) -> None:
    s = col.session()
    s.answer("x/d:a", Rating.GOOD, T0, duration_ms=4000)
    s.answer("x/d:a", Rating.GOOD, T0 + 10 * MINUTE)
    s.answer("x/d:a", Rating.AGAIN, T0 + 4 * DAY)
    s.bury("x/d:a", T0 + 4 * DAY + MINUTE)
    s.undo(T0 + 4 * DAY + 2 * MINUTE)  # the bury is undone: it leaves the history
    s.suspend("x/d:a", T0 + 4 * DAY + 3 * MINUTE)
    history = card_history(col.store, "x/d:a")
    assert [(h.kind, h.rating) for h in history] == [
        (EventKind.REVIEW, Rating.GOOD),
        (EventKind.REVIEW, Rating.GOOD),
        (EventKind.REVIEW, Rating.AGAIN),
        (EventKind.SUSPEND, None),
    ]
    first, second, lapse, _ = history
    assert first.duration_ms == 4000 and first.phase_before == CardPhase.NEW
    assert first.recall_before is None and first.interval_before is None
    assert second.phase_before == CardPhase.LEARNING
    assert second.interval_after is not None and second.interval_after >= 1
    assert lapse.phase_before == CardPhase.REVIEW
    assert lapse.recall_before is not None and 0 < lapse.recall_before < 1
    assert lapse.interval_before == pytest.approx(second.interval_after)
    assert card_history(col.store, "x/d:b") == []

    info = card_info("x/d:a", col.tree, col.store, col.settings, col.zone, T0 + 5 * DAY)
    assert info.state.suspended and info.state.lapses == 1 and info.row["suspended"]
    assert info.history == history


def test_row_cells_write_math_as_unicode() -> None:
    row = {
        "deck": "d",
        "question": "Why is $\\alpha^2$\n used?",
        "type": "basic",
        "state": "new",
        "suspended": False,
        "buried": False,
        "due": None,
        "interval_days": None,
        "stability": None,
        "recall": None,
        "lapses": 0,
    }
    assert row_cells(row, UTC)["question"] == "Why is α² used?"
