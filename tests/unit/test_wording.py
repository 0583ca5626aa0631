"""Counts in messages agree with their nouns."""

from __future__ import annotations

from quizzer.wording import counted


def test_one_is_singular_and_every_other_count_plural() -> None:
    assert counted(1, "card") == "1 card"
    assert [counted(n, "card") for n in (0, 2, 11)] == ["0 cards", "2 cards", "11 cards"]
    assert counted(-1, "day") == "-1 days"


def test_an_irregular_plural_and_grouped_thousands() -> None:
    assert counted(2, "query", "queries") == "2 queries"
    assert counted(1, "query", "queries") == "1 query"
    assert counted(1204, "review", grouped=True) == "1,204 reviews"
    assert counted(1, "other device") == "1 other device"
