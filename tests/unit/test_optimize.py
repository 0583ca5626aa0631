"""`quizzer optimize` and `quizzer retention`: fitting FSRS-6 to a learner whose memory is known."""

from __future__ import annotations

import io
import random
import re
import time
import tomllib
from datetime import UTC
from pathlib import Path

import pytest

from quizzer import paths
from quizzer.cli import main
from quizzer.commands.spinner import Spinner
from quizzer.config import DEFAULT_PARAMETERS, Settings, load_settings
from quizzer.optimize import (
    EXAMPLE_LEARNER,
    MIN_REVIEWS,
    RETENTIONS,
    FitReport,
    SimulatedRetention,
    evaluate,
    fit,
    fit_parameters,
    recommend,
    simulate_learner,
    simulate_retentions,
    splits_run,
    store_events,
)
from quizzer.state import Event, EventKind, Rating
from quizzer.store.db import Store
from quizzer.training_set import Evaluation, TrainingSet, review_rows, training_set

TRUE = EXAMPLE_LEARNER
"""The synthetic learner's memory: FSRS-6 parameters far enough from the defaults to matter."""
DAY = 86_400_000


def pairs(item: object) -> list[tuple[int, int]]:
    """(rating, delta_t) of each review of an FSRSItem (the bindings expose only its repr)."""
    return [(int(r), int(d)) for r, d in re.findall(r"rating: (\d+), delta_t: (\d+)", repr(item))]


def split_by_card(events: list[Event], share: float, seed: int) -> tuple[TrainingSet, TrainingSet]:
    rows = review_rows(events)
    ids = sorted({card for card, _, _ in rows})
    random.Random(seed).shuffle(ids)
    held = set(ids[: int(len(ids) * share)])
    train = training_set([r for r in rows if r[0] not in held], UTC, 4)
    test = training_set([r for r in rows if r[0] in held], UTC, 4)
    return train, test


@pytest.fixture(scope="module")
def learner() -> list[Event]:
    return simulate_learner(TRUE, cards=1200, days=300, seed=7)


# ---------------------------------------------------------------- the must-show


def test_fitted_parameters_beat_the_defaults_on_held_out_cards(learner: list[Event]) -> None:
    train, test = split_by_card(learner, 0.3, seed=1)
    assert len(train.items) > 5_000 and len(test.items) > 2_000
    fitted = fit_parameters(train)
    default = evaluate(test, DEFAULT_PARAMETERS)
    mine = evaluate(test, fitted)
    truth = evaluate(test, TRUE)
    assert mine.log_loss < default.log_loss - 0.001
    assert mine.rmse_bins < default.rmse_bins
    # the fit recovers most of what separates the defaults from the truth
    assert default.log_loss - mine.log_loss > 0.4 * (default.log_loss - truth.log_loss)


def test_fitted_parameters_beat_the_defaults_on_later_reviews(learner: list[Event]) -> None:
    data = training_set(review_rows(learner), UTC, 4)
    report = fit(data, DEFAULT_PARAMETERS)
    assert report.fitted_split is not None and report.current_split is not None
    # fitted on each split's past only, predicting its future, against the defaults on the same
    assert report.fitted_split.log_loss < report.current_split.log_loss
    assert report.fitted_all.log_loss < report.current_all.log_loss
    assert report.better


def test_the_synthetic_learner_is_reproducible_and_plausible(learner: list[Event]) -> None:
    again = simulate_learner(TRUE, cards=1200, days=300, seed=7)
    assert again == learner
    assert simulate_learner(TRUE, cards=50, days=30, seed=8) != simulate_learner(
        TRUE, cards=50, days=30, seed=9
    )
    assert len({e.uid for e in learner}) == len(learner)
    ratings = [e.rating for e in learner]
    recall = sum(r != Rating.AGAIN for r in ratings) / len(ratings)
    assert 0.7 < recall < 0.95


# ---------------------------------------------------------------- building the items


def review(
    uid: str,
    card: str,
    at: int,
    rating: int,
    kind: EventKind = EventKind.REVIEW,
    target: str | None = None,
) -> Event:
    return Event(
        uid=uid,
        device="d",
        at=at,
        card_id=card,
        kind=kind,
        rating=Rating(rating) if rating else None,
        target=target,
    )


def test_items_follow_fsrs_rs_conventions() -> None:
    t = 1_772_438_400_000  # 2026-03-02T08:00Z
    events = [
        review("a1", "x:a", t, 1),
        review("a2", "x:a", t + 600_000, 3),  # same day: in the history, not predicted
        review("a3", "x:a", t + DAY, 3),
        review("ac", "x:a", t + DAY + 5, 4, EventKind.CRAM),  # cram: left out
        review("a4", "x:a", t + 3 * DAY, 2),
        review("a5", "x:a", t + 4 * DAY, 1),
        review("u5", "x:a", t + 4 * DAY + 1, 0, EventKind.UNDO, target="a5"),  # undone
        review("b1", "x:b", t + DAY - 3_600_000 * 5, 3),  # 03:00 next morning: still day one
        review("b2", "x:b", t + 2 * DAY, 4),
        review("s1", "x:b", t + 2 * DAY + 5, 0, EventKind.SUSPEND),
    ]
    data = training_set(review_rows(events), UTC, 4)
    assert data.reviews == 6 and data.cards == 2
    assert [pairs(i) for i in data.items] == [
        [(1, 0), (3, 0), (3, 1)],
        [(3, 0), (4, 2)],
        [(1, 0), (3, 0), (3, 1), (2, 2)],
    ]
    assert len(set(data.card_ids)) == 2
    store_items = training_set(review_rows(reversed(events)), UTC, 4)
    assert [pairs(i) for i in store_items.items] == [pairs(i) for i in data.items]


def test_the_store_reads_the_answers_in_replay_order(learner: list[Event], tmp_path: Path) -> None:
    from quizzer.state import CardState
    from quizzer.store.db import Derived
    from quizzer.store.log import review_answers

    events = learner[:3000]
    undo = Event(
        uid="zz",
        device="d",
        at=events[-1].at + 1,
        card_id=events[-1].card_id,
        kind=EventKind.UNDO,
        target=events[-1].uid,
    )
    tie = [  # the same card thrice in the same millisecond: replay order goes by uid
        Event(
            uid=uid,
            device="d",
            at=events[0].at,
            card_id="x:tie",
            kind=EventKind.REVIEW,
            rating=Rating(rating),
        )
        for uid, rating in (("b", 1), ("a", 3), ("c", 4))
    ]
    with Store(tmp_path / "q.sqlite3") as store:
        blank = Derived(CardState("x"), CardState("x"))
        store.insert_events((e, blank) for e in [*tie, *events, undo])
        rows = list(review_answers(store.db))
    assert rows == review_rows([*events, undo, *tie])
    assert len(rows) == len(events) - 1 + 3
    assert [r for r in rows if r[0] == "x:tie"] == [
        ("x:tie", events[0].at, 3),
        ("x:tie", events[0].at, 1),
        ("x:tie", events[0].at, 4),
    ]


# ---------------------------------------------------------------- deciding


def test_a_fit_is_kept_only_when_it_predicts_better() -> None:
    e = Evaluation
    current, fitted = list(DEFAULT_PARAMETERS), list(TRUE)
    assert FitReport(current, fitted, e(0.40, 0.05), e(0.38, 0.03)).better
    assert not FitReport(current, fitted, e(0.38, 0.05), e(0.38, 0.03)).better
    assert not FitReport(current, current, e(0.40, 0.05), e(0.38, 0.03)).better
    assert FitReport(
        current, fitted, e(0.40, 0.05), e(0.38, 0.03), e(0.41, 0.05), e(0.40, 0.04)
    ).better
    # better on the history it was fitted to, worse on what it had not seen: kept out
    assert not FitReport(
        current, fitted, e(0.40, 0.05), e(0.38, 0.03), e(0.41, 0.05), e(0.42, 0.04)
    ).better


def test_fitted_parameters_are_valid_for_the_scheduler(learner: list[Event]) -> None:
    import fsrs

    data = training_set(review_rows(learner[:4000]), UTC, 4)
    fitted = fit_parameters(data)
    assert len(fitted) == 21 and all(round(p, 4) == p for p in fitted)
    fsrs.Scheduler(parameters=fitted)
    Settings.model_validate({"parameters": fitted})


# ---------------------------------------------------------------- the command


def test_optimize_below_the_minimum_says_how_many_more(capsys: pytest.CaptureFixture[str]) -> None:
    events = simulate_learner(TRUE, cards=40, days=20, seed=3)
    with Store() as store:
        store_events(store, events)
    assert main(["optimize"]) == 0
    out = capsys.readouterr().out
    usable = len(training_set(review_rows(events), UTC, 4).items)
    assert usable < MIN_REVIEWS
    assert f"review {MIN_REVIEWS - usable} more" in out
    assert "Nothing was changed" in out
    assert not paths.config_path().exists()
    # --reschedule still replays the log, with the current parameters
    with Store() as store:
        store.db.execute("UPDATE cards SET due = due + 86400000")
        cards = store.count("SELECT count(*) FROM cards")
    assert main(["optimize", "--reschedule"]) == 0
    out = capsys.readouterr().out
    assert "config.toml was not changed" in out
    assert f"replayed the log with the current parameters; {cards} of {cards} cards changed" in out
    assert not paths.config_path().exists()


def test_optimize_saves_better_parameters_and_reschedules(
    capsys: pytest.CaptureFixture[str],
) -> None:
    events = simulate_learner(TRUE, cards=500, days=200, seed=11)
    paths.config_path().parent.mkdir(parents=True, exist_ok=True)
    paths.config_path().write_text('new_per_day = 15\n\n[decks."asr/*"]\nfuzz = false\n')
    with Store() as store:
        store_events(store, events)
        before = store.states()
    assert main(["optimize", "--reschedule"]) == 0
    captured = capsys.readouterr()
    out = captured.out
    assert "current parameters, whole history" in out
    assert "fitted on the past, predicting the future" in out
    assert "saved the fitted parameters" in out
    assert "rescheduled" in out
    assert "quizzer: " in captured.err  # stage lines, stderr not being a terminal
    saved = load_settings()
    assert saved.new_per_day == 15 and saved.decks == {"asr/*": {"fuzz": False}}
    assert saved.parameters != list(DEFAULT_PARAMETERS)
    data = tomllib.loads(paths.config_path().read_text())
    assert data["parameters"] == saved.parameters
    with Store() as store:
        after = store.states()
    assert after.keys() == before.keys()
    assert any(after[c].stability != before[c].stability for c in after)

    # run again: the same fit ties with the saved parameters, which stay
    assert main(["optimize", "--reschedule"]) == 0
    out = capsys.readouterr().out
    assert "do not predict your reviews better" in out
    assert "replayed the log with the current parameters; 0 of" in out
    assert load_settings().parameters == saved.parameters


def test_the_splits_run_on_large_logs_only_when_asked(
    capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    from quizzer import optimize
    from quizzer.commands import optimize as command

    assert not splits_run(999) and splits_run(1_000) and splits_run(200_000)
    assert not splits_run(200_001) and splits_run(200_001, asked=True)
    assert not splits_run(999, asked=True)

    events = simulate_learner(TRUE, cards=300, days=150, seed=12)
    with Store() as store:
        store_events(store, events)
    usable = len(training_set(review_rows(events), UTC, 4).items)
    assert usable > 1_000
    for module in (optimize, command):
        monkeypatch.setattr(module, "SPLITS_MAX_REVIEWS", usable - 1)
    assert main(["optimize"]) == 0
    out = capsys.readouterr().out
    assert "fitted parameters, whole history" in out
    assert "fitted on the past" not in out
    assert f"(time-series splits run up to {usable - 1:,} predictable reviews; --splits" in out
    paths.config_path().unlink(missing_ok=True)
    assert main(["optimize", "--splits"]) == 0
    out = capsys.readouterr().out
    assert "fitted on the past, predicting the future" in out
    assert "--splits" not in out


# ---------------------------------------------------------------- retention


def test_retention_rows_and_recommendation() -> None:
    import fsrs_rs_python as rs

    config = rs.default_simulator_config()
    config.deck_size, config.learn_span, config.learn_limit = 300, 120, 10
    config.max_cost_perday = 1e9
    rows = simulate_retentions(DEFAULT_PARAMETERS, config)
    assert [r.retention for r in rows] == list(RETENTIONS)
    assert rows[0].retention == 0.70 and rows[-1].retention == 0.97
    assert rows[-1].reviews_per_day > rows[0].reviews_per_day
    assert rows[-1].remembered > rows[0].remembered
    assert simulate_retentions(DEFAULT_PARAMETERS, config, [0.8]) == [rows[10]]
    best, near = recommend(rows)
    assert best.minutes_per_card == min(r.minutes_per_card for r in rows)
    assert near.retention >= best.retention


def test_recommend_prefers_the_least_time_per_card() -> None:
    rows = [
        SimulatedRetention(0.70, 10, 10, 100, 30.0),
        SimulatedRetention(0.80, 12, 12, 130, 28.0),
        SimulatedRetention(0.90, 20, 20, 150, 29.0),
        SimulatedRetention(0.95, 40, 40, 160, 60.0),
    ]
    best, near = recommend(rows)
    assert best.retention == 0.80 and near.retention == 0.90


def test_retention_command(write_deck, capsys: pytest.CaptureFixture[str]) -> None:
    rows = [f"  - {{id: q{i}, type: basic, prompt: P{i}, answer: A{i}}}" for i in range(60)]
    write_deck("d/deck", "title: D\nquestions:\n" + "\n".join(rows) + "\n")
    assert main(["retention", "--days", "60"]) == 0
    out = capsys.readouterr().out
    assert "simulated learning 60 cards from scratch over 60 days" in out
    table = [line for line in out.splitlines() if re.match(r"\s+0\.\d\d ", line)]
    assert len(table) == len(RETENTIONS)
    assert "(current)" in next(line for line in table if line.strip().startswith("0.90"))
    assert re.search(r"recommended desired_retention: 0\.\d\d", out)
    assert main(["retention", "--days", "0"]) == 2
    assert capsys.readouterr().err.strip() == (
        "quizzer: error: --days must be between 1 and 36500, got 0"
    )


# ---------------------------------------------------------------- progress


def test_progress_lines_when_not_a_terminal() -> None:
    out = io.StringIO()
    with Spinner(out) as progress:
        progress.stage("fitting")
        progress.stage("evaluating")
    assert out.getvalue() == "quizzer: fitting...\nquizzer: evaluating...\n"


def test_progress_spinner_on_a_terminal() -> None:
    out = io.StringIO()
    with Spinner(out, live=True) as progress:
        progress.stage("fitting")
        time.sleep(0.35)
    text = out.getvalue()
    assert "fitting (0s)" in text and text.count("\r") >= 3
    assert text.endswith("\r\x1b[K")
