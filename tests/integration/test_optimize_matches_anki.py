"""`quizzer optimize` fits what Anki's own optimizer fits on the same reviews.

A simulated learner's reviews go into quizzer's training set and, as a review log, into a real
Anki collection whose cards were made in the order of quizzer's fsrs card ids (fsrs-rs orders
cards of equal history length by their ids). Anki's `compute_fsrs_params` and quizzer's fit then
see the same items in the same order, and must give the same parameters."""

from __future__ import annotations

from collections.abc import Callable
from datetime import UTC
from typing import Any

import pytest

from quizzer.optimize import EXAMPLE_LEARNER, compute_parameters, simulate_learner
from quizzer.scheduling import fsrs_card_id
from quizzer.training_set import review_rows, training_set

LEARNING, REVIEW = 0, 1  # Anki's revlog types


def test_the_fit_is_ankis_on_the_same_reviews(anki: Callable[[], Any]) -> None:
    rows = review_rows(simulate_learner(EXAMPLE_LEARNER, cards=300, days=200, seed=11))
    data = training_set(rows, UTC, 4)  # Anki's default day rollover, 4:00
    assert len(data.items) > 1_500

    col = anki()
    deck = col.decks.id("learner")
    basic = col.models.by_name("Basic")
    ids = sorted({card_id for card_id, _, _ in rows}, key=fsrs_card_id)
    for card_id in ids:  # cards are numbered in the order they are made
        note = col.new_note(basic)
        note["Front"], note["Back"] = card_id, "-"
        col.add_note(note, deck)
    anki_id = dict(zip(ids, col.find_cards("deck:learner", order="c.id"), strict=True))
    revlog, seen = [], set()
    for card_id, at, rating in rows:
        first = card_id not in seen
        seen.add(card_id)
        # a card's history starts with a learning step, as Anki's optimizer requires
        kind = LEARNING if first else REVIEW
        revlog.append((at, anki_id[card_id], -1, rating, 1, 0, 0, 4_000, kind))
    col.db.executemany("INSERT INTO revlog VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)", revlog)

    theirs = col._backend.compute_fsrs_params(
        search="deck:learner",
        current_params=[],
        ignore_revlogs_before_ms=0,
        num_of_relearning_steps=1,
        health_check=False,
    )
    assert theirs.fsrs_items == len(data.items)
    ours = compute_parameters(data.items)
    assert list(theirs.params) == pytest.approx(ours, abs=1e-4)
