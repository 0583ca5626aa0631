"""The streamed training set fits and scores exactly as fsrs-rs does on every item held in memory.

The reference is how quizzer built its items before they were streamed: each card's history as
a dict, every item a whole-prefix FSRSItem in one list sorted by (time, fsrs card id), handed to
fsrs-rs's own `compute_parameters`, `evaluate` and `evaluate_with_time_series_splits`."""

from __future__ import annotations

import re
from collections import defaultdict
from collections.abc import Iterable
from datetime import UTC

import fsrs_rs_python as rs
import pytest

from quizzer.clock import Calendar
from quizzer.config import DEFAULT_PARAMETERS
from quizzer.optimize import (
    EPOCHS,
    EXAMPLE_LEARNER,
    N_SPLITS,
    compute_parameters,
    evaluate,
    fit,
    fit_parameters,
    simulate_learner,
    time_series_splits,
)
from quizzer.scheduling import fsrs_card_id
from quizzer.state import Event, EventKind, Rating
from quizzer.training_set import Evaluation, TrainingSet, review_rows, training_set

DAY = 86_400_000


def pairs(item: object) -> list[tuple[int, int]]:
    """(rating, delta_t) of each review of an FSRSItem (the bindings expose only its repr)."""
    return [(int(r), int(d)) for r, d in re.findall(r"rating: (\d+), delta_t: (\d+)", repr(item))]


def reference_items(rows: Iterable[tuple[str, int, int]]) -> tuple[list[rs.FSRSItem], list[int]]:
    """Every item with its whole prefix, in one list, as quizzer built them before streaming."""
    days = Calendar(UTC, 4).day_number
    histories: dict[str, list[tuple[int, int]]] = defaultdict(list)
    for card_id, at, rating in rows:
        histories[card_id].append((at, rating))
    dated = []
    for card_id, history in histories.items():
        so_far: list[rs.FSRSReview] = []
        previous = None
        for at, rating in history:
            delta = 0 if previous is None else days(at) - previous
            so_far.append(rs.FSRSReview(rating, delta))
            if previous is not None and delta > 0:
                dated.append((at, fsrs_card_id(card_id), rs.FSRSItem(list(so_far))))
            previous = days(at)
    dated.sort(key=lambda d: (d[0], d[1]))
    return [d[2] for d in dated], [d[1] for d in dated]


def close(ours: Evaluation, theirs: rs.ModelEvaluation) -> bool:
    """Equal but for rounding: fsrs-rs adds up in 32-bit floats, quizzer in 64-bit ones."""
    return ours.log_loss == pytest.approx(theirs.log_loss, rel=1e-5) and (
        ours.rmse_bins == pytest.approx(theirs.rmse_bins, rel=1e-4)
    )


@pytest.fixture(scope="module")
def rows() -> list[tuple[str, int, int]]:
    events = simulate_learner(EXAMPLE_LEARNER, cards=600, days=300, seed=5)
    return review_rows(events)


@pytest.fixture(scope="module")
def data(rows: list[tuple[str, int, int]]) -> TrainingSet:
    return training_set(rows, UTC, 4)


@pytest.fixture(scope="module")
def reference(rows: list[tuple[str, int, int]]) -> tuple[list[rs.FSRSItem], list[int]]:
    return reference_items(rows)


def test_the_streamed_items_are_the_items_held_in_memory(
    data: TrainingSet, reference: tuple[list[rs.FSRSItem], list[int]]
) -> None:
    items, card_ids = reference
    assert 3_000 < len(items) == len(data.items)
    assert [pairs(i) for i in data.items] == [pairs(i) for i in items]
    assert list(data.card_ids) == card_ids
    assert pairs(data.items[-1]) == pairs(items[-1])
    assert [pairs(i) for i in data.items[100:103]] == [pairs(i) for i in items[100:103]]
    assert len(data.items[10:]) == len(items) - 10 and len(data.items[5:2]) == 0


def test_the_streamed_fit_is_the_fit_of_the_items_in_memory(
    data: TrainingSet, reference: tuple[list[rs.FSRSItem], list[int]]
) -> None:
    items, card_ids = reference
    theirs = rs.FSRS(DEFAULT_PARAMETERS).compute_parameters(
        items,
        card_ids=card_ids,
        enable_short_term=True,
        num_relearning_steps=1,
        training_config=rs.TrainingConfig(num_epochs=EPOCHS),
    )
    assert compute_parameters(data.items) == theirs
    assert fit_parameters(data) == [round(p, 4) for p in theirs]


def test_scores_card_by_card_are_fsrs_rs_evaluations(
    data: TrainingSet, reference: tuple[list[rs.FSRSItem], list[int]]
) -> None:
    items, card_ids = reference
    for parameters in (DEFAULT_PARAMETERS, EXAMPLE_LEARNER):
        assert close(evaluate(data, parameters), rs.FSRS(parameters).evaluate(items))
    splits = rs.evaluate_with_time_series_splits(
        items,
        card_ids=card_ids,
        enable_short_term=True,
        num_relearning_steps=1,
        training_config=rs.TrainingConfig(num_epochs=EPOCHS),
    )
    assert close(time_series_splits(data), splits)

    report = fit(data, DEFAULT_PARAMETERS)
    held_out = items[len(items) // (N_SPLITS + 1) :]
    assert report.current_split is not None and report.fitted_split is not None
    assert close(report.current_split, rs.FSRS(DEFAULT_PARAMETERS).evaluate(held_out))
    assert close(report.fitted_split, splits)
    assert close(report.fitted_all, rs.FSRS(report.fitted).evaluate(items))


def review(card: str, at: int, rating: int, uid: str) -> Event:
    return Event(
        uid=uid, device="d", at=at, card_id=card, kind=EventKind.REVIEW, rating=Rating(rating)
    )


def test_reviews_of_one_millisecond_are_items_in_card_id_order() -> None:
    t = 1_772_438_400_000
    cards = [f"x:c{n}" for n in range(6)]
    events = [review(c, t, 3, f"a{c}") for c in cards]
    events += [review(c, t + 2 * DAY, 1 + n % 4, f"b{c}") for n, c in enumerate(cards)]
    events += [review(cards[0], t + 3 * DAY, 4, "c")]
    rows = review_rows(events)
    data = training_set(rows, UTC, 4)
    items, card_ids = reference_items(rows)
    numbers = [fsrs_card_id(c) for c in cards]
    assert numbers != sorted(numbers)  # the log's order is not the items' order
    assert list(data.card_ids) == [*sorted(numbers), numbers[0]] == card_ids
    assert [pairs(i) for i in data.items] == [pairs(i) for i in items]
    assert close(evaluate(data, DEFAULT_PARAMETERS), rs.FSRS(DEFAULT_PARAMETERS).evaluate(items))
