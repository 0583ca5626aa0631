"""`quizzer export reviews`: the review log in the layout FSRS tools read."""

from __future__ import annotations

import csv
import io
import json
from collections.abc import Callable, Iterator
from pathlib import Path

import pytest

from quizzer.cli import main
from quizzer.collection import Collection, open_collection
from quizzer.export.reviews import COLUMNS, reviews_text
from quizzer.scheduling import fsrs_card_id
from quizzer.state import Rating
from quizzer.store.log import review_answers

T0 = 1_772_438_400_000  # 2026-03-02T08:00Z
MINUTE, DAY = 60_000, 86_400_000


@pytest.fixture
def col(write_deck: Callable[[str, str], Path]) -> Iterator[Collection]:
    rows = [f"  - {{id: q{i}, type: basic, prompt: P{i}, answer: A{i}}}" for i in range(4)]
    write_deck("d/deck", "title: D\nquestions:\n" + "\n".join(rows) + "\n")
    collection = open_collection()
    session = collection.session()
    session.answer("d/deck:q0", Rating.AGAIN, T0, duration_ms=8_000)
    session.answer("d/deck:q0", Rating.GOOD, T0 + 10 * MINUTE, duration_ms=4_000)
    session.answer("d/deck:q1", Rating.EASY, T0 + 11 * MINUTE)
    session.answer("d/deck:q2", Rating.HARD, T0 + 12 * MINUTE)
    session.undo(T0 + 13 * MINUTE)  # the q2 answer is gone
    session.bury("d/deck:q3", T0 + 14 * MINUTE)
    collection.session(cram=True).answer("d/deck:q1", Rating.GOOD, T0 + 15 * MINUTE)
    session.answer("d/deck:q0", Rating.GOOD, T0 + 2 * DAY, duration_ms=3_000)
    yield collection
    collection.close()


def test_csv_has_the_fsrs_optimizer_columns(col: Collection) -> None:
    text = reviews_text(col.store, "csv")
    lines = text.splitlines()
    assert lines[0] == (
        "card_id,review_time,review_rating,review_state,review_duration,quizzer_card_id"
    )
    q0, q1 = fsrs_card_id("d/deck:q0"), fsrs_card_id("d/deck:q1")
    assert lines[1:] == [
        f"{q0},{T0},1,0,8000,d/deck:q0",
        f"{q0},{T0 + 10 * MINUTE},3,1,4000,d/deck:q0",
        f"{q1},{T0 + 11 * MINUTE},4,0,,d/deck:q1",
        f"{q0},{T0 + 2 * DAY},3,1,3000,d/deck:q0",  # still learning: one step left
    ]


def test_jsonl_has_the_same_rows(col: Collection) -> None:
    rows = [json.loads(line) for line in reviews_text(col.store, "jsonl").splitlines()]
    assert [tuple(r) for r in rows] == [COLUMNS] * 4
    from_csv = list(csv.DictReader(io.StringIO(reviews_text(col.store, "csv"))))
    assert [{k: str(v) if v is not None else "" for k, v in r.items()} for r in rows] == from_csv
    assert rows[2]["review_duration"] is None


def test_csv_reads_back_into_the_histories_the_optimizer_uses(col: Collection) -> None:
    """As fsrs-rs-python's train_csv example reads a revlog.csv: group by card_id, sort by time."""
    by_card: dict[int, list[tuple[int, int]]] = {}
    for row in csv.DictReader(io.StringIO(reviews_text(col.store))):
        by_card.setdefault(int(row["card_id"]), []).append(
            (int(row["review_time"]), int(row["review_rating"]))
        )
    expected: dict[int, list[tuple[int, int]]] = {}
    for card, at, rating in review_answers(col.store.db):
        expected.setdefault(fsrs_card_id(card), []).append((at, rating))
    assert {c: sorted(h) for c, h in by_card.items()} == expected


def test_the_command_writes_a_file_or_stdout(
    col: Collection, isolated: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    target = isolated / "revlog.csv"
    assert main(["export", "reviews", "-o", str(target)]) == 0
    captured = capsys.readouterr()
    assert target.read_text() == reviews_text(col.store, "csv")
    assert f"exported 4 reviews to {target}" in captured.err
    assert "for fsrs-optimizer: timezone UTC, day_start 4" in captured.err
    assert captured.out == ""
    assert not [p for p in isolated.iterdir() if p.name.startswith(".revlog.csv")]

    assert main(["export", "reviews", "--format", "jsonl"]) == 0
    assert capsys.readouterr().out == reviews_text(col.store, "jsonl")

    assert main(["export", "reviews", "-o", str(isolated / "nowhere" / "r.csv")]) == 2
    assert capsys.readouterr().err.strip() == (
        f"quizzer: error: {isolated / 'nowhere'}: no such folder"
    )


def test_an_empty_log_exports_just_the_header(isolated: Path) -> None:
    collection = open_collection()
    try:
        assert reviews_text(collection.store).splitlines() == [",".join(COLUMNS)]
        assert reviews_text(collection.store, "jsonl") == ""
    finally:
        collection.close()
