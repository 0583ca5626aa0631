"""Benchmark: `quizzer optimize` on 100,000 synthetic reviews.

The log comes from `quizzer.optimize.simulate_learner` (a learner whose memory follows known FSRS-6
parameters) and is inserted into a fresh database row by row with plain SQL, as the optimizer
reads only the review columns. Each run is the real command (`quizzer.cli.main(["optimize"])`) in
this process, with config.toml removed between runs so every run does the same work; one more run
goes through a new interpreter to include start-up. Prints the figures; asserts nothing.

    python3 bench/bench_optimize.py [--reviews 100000] [--runs 5] [--reschedule] [--keep]
"""

from __future__ import annotations

import argparse
import contextlib
import io
import os
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from collections.abc import Callable
from datetime import UTC
from pathlib import Path
from typing import Any, TypeVar

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))  # run from a checkout

from quizzer.config import DEFAULT_PARAMETERS
from quizzer.optimize import EXAMPLE_LEARNER, fit, simulate_learner
from quizzer.state import CardState, Event
from quizzer.store.db import Store
from quizzer.store.log import review_answers
from quizzer.training_set import training_set

T = TypeVar("T")
ROOT = Path(__file__).resolve().parent.parent
TRUE = EXAMPLE_LEARNER


def synthetic_reviews(count: int) -> list[Event]:
    """At least `count` reviews of a synthetic learner, cut to the first `count` in time."""
    cards = count // 10
    while True:
        events = simulate_learner(TRUE, cards=cards, days=730, seed=2026, new_per_day=30)
        if len(events) >= count:
            return events[:count]
        cards = int(cards * 1.3) + 1


def insert_rows(store: Store, events: list[Event]) -> None:
    """Append the events with plain SQL (derived columns left at a new card's state)."""
    blank = CardState("x").to_json()
    with store.transaction() as db:
        db.executemany(
            "INSERT INTO log (uid, device, at, card_id, kind, rating, graded, duration_ms, "
            "before, after) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
            (
                (
                    e.uid,
                    e.device,
                    e.at,
                    e.card_id,
                    str(e.kind),
                    int(e.rating or 0),
                    e.graded,
                    e.duration_ms,
                    blank,
                    blank,
                )
                for e in events
            ),
        )


def timed(fn: Callable[..., T], *args: Any) -> tuple[float, T]:
    """Wall time of one call, and its result."""
    start = time.perf_counter()
    result = fn(*args)
    return time.perf_counter() - start, result


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--reviews", type=int, default=100_000)
    parser.add_argument("--runs", type=int, default=5)
    parser.add_argument(
        "--reschedule",
        action="store_true",
        help="also time one `quizzer optimize --reschedule` (a full replay)",
    )
    parser.add_argument("--keep", action="store_true", help="keep the synthetic data directory")
    args = parser.parse_args()
    try:
        load_average = f", load average {os.getloadavg()[0]:.1f}"
    except OSError:  # pragma: no cover - not on every platform
        load_average = ""
    print(f"{os.cpu_count()} CPUs{load_average}; Python {sys.version.split()[0]}")

    home = Path(tempfile.mkdtemp(prefix="quizzer-bench-"))
    (home / "decks").mkdir()
    os.environ.update(QUIZZER_HOME=str(home), QUIZZER_DECKS=str(home / "decks"), TZ="UTC")
    from quizzer import paths
    from quizzer.cli import main as quizzer

    generate, events = timed(synthetic_reviews, args.reviews)
    with Store() as store:
        insert, _ = timed(insert_rows, store, events)
        load, data = timed(lambda: training_set(review_answers(store.db), UTC, 4))
    fitting, report = timed(fit, data, DEFAULT_PARAMETERS)
    print(
        f"synthetic log: {len(events):,} reviews of {data.cards:,} cards "
        f"({len(data.items):,} predictable); generated in {generate:.1f}s, "
        f"inserted in {insert:.1f}s"
    )
    print(
        f"stages: read the log into the training set {load:.2f}s, "
        f"fit + evaluate + time-series splits {fitting:.2f}s"
    )
    print(
        f"log loss on the whole history: defaults {report.current_all.log_loss:.4f}, "
        f"fitted {report.fitted_all.log_loss:.4f}"
    )
    if report.current_split and report.fitted_split:
        print(
            f"log loss with time-series splits: defaults {report.current_split.log_loss:.4f}, "
            f"fitted on the past {report.fitted_split.log_loss:.4f}"
        )

    walls = []
    for _ in range(args.runs):
        paths.config_path().unlink(missing_ok=True)
        sink = io.StringIO()
        with contextlib.redirect_stdout(sink), contextlib.redirect_stderr(io.StringIO()):
            wall, status = timed(quizzer, ["optimize"])
        if status != 0:
            raise SystemExit(f"quizzer optimize failed:\n{sink.getvalue()}")
        walls.append(wall)
    print(
        f"quizzer optimize, {args.runs} runs in-process: median {statistics.median(walls):.2f}s "
        f"(min {min(walls):.2f}s, max {max(walls):.2f}s)"
    )

    paths.config_path().unlink(missing_ok=True)
    env = {**os.environ, "PYTHONPATH": str(ROOT)}
    wall, done = timed(
        lambda: subprocess.run(
            [sys.executable, "-m", "quizzer", "optimize"], capture_output=True, env=env, check=False
        )
    )
    print(f"quizzer optimize, new interpreter: {wall:.2f}s (exit {done.returncode})")
    if args.reschedule:
        paths.config_path().unlink(missing_ok=True)
        sink = io.StringIO()
        with contextlib.redirect_stdout(sink), contextlib.redirect_stderr(io.StringIO()):
            wall, _ = timed(quizzer, ["optimize", "--reschedule"])
        print(f"quizzer optimize --reschedule (fit + replay of every review): {wall:.2f}s")
    if args.keep:
        print(f"(data in {home})")
    else:
        shutil.rmtree(home, ignore_errors=True)


if __name__ == "__main__":
    main()
