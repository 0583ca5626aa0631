"""Benchmark `quizzer stats`: a synthetic collection of 1,000,000 reviews of 10,000 cards.

The history is spread over two years the way a daily learner's is: each card is introduced on some
day, goes through same-day learning steps, then is reviewed at intervals that grow on success and
shrink after a lapse; sessions fall in the morning and the evening; about one answer in ten is
Again. Rows go straight into the log with `executemany` (no scheduler in the loop), with `before`
and `after` JSON of realistic size so the table is as large as a real one.

    python3 -m bench.bench_stats              # build once under bench/out/stats, time 5 runs
    python3 -m bench.bench_stats --rebuild    # build a fresh collection first
    python3 -m bench.bench_stats --reviews 200000 --runs 3

It prints figures and asserts nothing: timings depend on the machine.
"""

from __future__ import annotations

import argparse
import json
import math
import os
import random
import sqlite3
import statistics
import subprocess
import sys
import time
import uuid
from datetime import datetime
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent
NOW = "2026-03-02T09:00:00Z"
DAY_MS = 86_400_000
FOLDERS = ("lang", "math", "music", "speech")
DECKS_PER_FOLDER = 5


def write_decks(root: Path, cards: int) -> list[str]:
    """Write a decks tree of basic questions (one card each); return the card ids in order."""
    decks = [f"{f}/deck-{i:02d}" for f in FOLDERS for i in range(DECKS_PER_FOLDER)]
    per_deck = math.ceil(cards / len(decks))
    ids: list[str] = []
    for n, deck_id in enumerate(decks):
        path = root / f"{deck_id}.yaml"
        path.parent.mkdir(parents=True, exist_ok=True)
        lines = [f"title: Deck {n}", f"tags: [{deck_id.split('/')[0]}, bench]", "questions:"]
        for q in range(per_deck):
            if len(ids) == cards:
                break
            lines += [
                f"  - id: q{q:05d}",
                "    type: basic",
                f"    prompt: Question {q} of deck {n}?",
                f"    answer: Answer {q}.",
            ]
            ids.append(f"{deck_id}:q{q:05d}")
        path.write_text("\n".join(lines) + "\n", encoding="utf-8")
    return ids


def _hour_of_day(rng: random.Random) -> float:
    """Local hour of a session: mornings and evenings, a little at lunch."""
    mode = rng.random()
    if mode < 0.45:
        return rng.gauss(7.5, 1.0)
    if mode < 0.6:
        return rng.gauss(12.5, 0.7)
    return rng.gauss(21.0, 1.3)


def _card_history(
    rng: random.Random,
    card_id: str,
    intro_day: float,
    cap: float,
    start_ms: int,
    now_ms: int,
    rows: list[tuple[Any, ...]],
) -> tuple[Any, ...]:
    """Append one card's answers to `rows`; return its final `cards` row.

    A crude FSRS-like learner: a first answer and a learning step the same day, then reviews
    after the interval; recall succeeds with the true recall probability (the model's stability
    times a per-card factor), stability grows on success (up to the card's maximum interval)
    and falls after a lapse, which is relearned ten minutes later."""
    pad = "x" * 60  # `before`/`after` JSON carry ~150 bytes each in a real log
    truth = rng.lognormvariate(0, 0.25)  # how much better or worse than predicted
    stability, difficulty = 0.0, rng.uniform(2, 9)
    state, ivl, lapses, reps = 0, 0.0, 0, 0
    day, last_ms = intro_day, None
    while True:
        at = start_ms + int(math.floor(day) * DAY_MS + _hour_of_day(rng) * 3_600_000)
        if state in (1, 3):
            at = last_ms + 600_000 if last_ms is not None else at
        if at >= now_ms:
            break
        elapsed = (at - last_ms) // DAY_MS if last_ms is not None else 0
        r_model = (1 + 19 / 81 * elapsed / stability) ** -0.5 if stability else None
        if state == 0:
            rating = rng.choices((1, 2, 3, 4), (25, 10, 55, 10))[0]
        elif state in (1, 3):
            rating = 1 if rng.random() < 0.12 else 3
        else:
            r_true = (1 + 19 / 81 * elapsed / (stability * truth)) ** -0.5
            roll = rng.random()
            rating = 1 if roll > r_true else rng.choices((2, 3, 4), (15, 75, 10))[0]
        cram = rng.random() < 0.01
        rows.append(
            (
                uuid.UUID(int=rng.getrandbits(128)).hex,
                "bench",
                at,
                card_id,
                "cram" if cram else "review",
                rating,
                "self",
                int(rng.lognormvariate(math.log(7000), 0.6)),
                state,
                ivl if last_ms is not None else None,
                r_model if state else None,
                f'{{"state":{state},"pad":"{pad}"}}',
                f'{{"state":{state},"pad":"{pad}"}}',
            )
        )
        if cram:
            continue
        reps += 1
        last_ms = at
        if state == 0:
            stability = {1: 0.3, 2: 1.0, 3: 2.5, 4: 8.0}[rating]
            state, ivl = (2, stability) if rating == 4 else (1, 10 / 1440)
        elif state in (1, 3):
            if rating == 1:
                ivl = 10 / 1440
            else:
                state, ivl = 2, max(1.0, min(cap, stability))
        elif rating == 1:
            lapses += 1
            stability = max(0.3, stability * 0.35)
            difficulty = min(10.0, difficulty + 0.8)
            state, ivl = 3, 10 / 1440
        else:
            stability = min(cap, stability * {2: 1.3, 3: 2.4, 4: 3.6}[rating])
            difficulty = max(1.0, difficulty - 0.1 * (rating - 2))
            ivl = max(1.0, round(stability * rng.uniform(0.95, 1.05)))
        day = (at - start_ms) / DAY_MS + ivl
        if state == 2:
            day = math.floor(day) + rng.random() * 0.2  # a review falls on a calendar day
    due = last_ms + int(ivl * DAY_MS) if last_ms is not None else None
    return (
        card_id,
        state,
        None,
        stability or None,
        difficulty if last_ms else None,
        due,
        last_ms,
        reps,
        lapses,
        int(rng.random() < 0.01),
        None,
        None,
        int(lapses >= 8),
    )


def build_store(home: Path, card_ids: list[str], reviews: int, now_ms: int, seed: int = 7) -> int:
    """Create `home/quizzer.sqlite3` through the real migrations and fill its log and card cache
    with `reviews` review and cram rows (plus a few undos). Returns the rows written."""
    sys.path.insert(0, str(ROOT))
    from quizzer.store.db import Store

    home.mkdir(parents=True, exist_ok=True)
    Store(home / "quizzer.sqlite3").close()  # migrations, WAL, device id
    span_days = 730
    start_ms = now_ms - span_days * DAY_MS

    def generate(ids: list[str], scale: float) -> tuple[list[tuple[Any, ...]], list[Any]]:
        rng = random.Random(seed)
        rows: list[tuple[Any, ...]] = []
        states = []
        for index, card_id in enumerate(ids):
            # most cards are introduced early; a steady trickle until the last weeks
            intro = span_days * 0.95 * (index / len(ids)) ** 1.6 + rng.uniform(0, 3)
            cap = max(2.0, rng.lognormvariate(math.log(scale), 0.7))
            states.append(_card_history(rng, card_id, intro, cap, start_ms, now_ms, rows))
        return rows, states

    # the maximum interval sets how many reviews two years hold: measure on a sample, then scale
    sample = card_ids[:: max(1, len(card_ids) // 300)]
    trial, _ = generate(sample, 8.0)
    per_card = len(trial) / len(sample)
    scale = 8.0 * per_card / (reviews / len(card_ids))
    while True:
        rows, states = generate(card_ids, scale)
        if len(rows) >= reviews:
            break
        scale *= len(rows) / reviews * 0.97
    rng = random.Random(seed + 1)
    if len(rows) > reviews:
        rows = rng.sample(rows, reviews)
    rows.sort(key=lambda r: r[2])
    # a few undos, each cancelling an answer, as in a real log
    extra = [
        (
            uuid.UUID(int=rng.getrandbits(128)).hex,
            "bench",
            victim[2] + 5000,
            victim[3],
            "undo",
            None,
            None,
            None,
            None,
            None,
            None,
            None,
            None,
            victim[0],
        )
        for victim in rng.sample(rows, len(rows) // 1000)
    ]
    db = sqlite3.connect(home / "quizzer.sqlite3", isolation_level=None)
    db.execute("PRAGMA synchronous = OFF")
    db.execute("PRAGMA cache_size = -200000")
    db.execute("BEGIN")
    db.executemany(
        "INSERT INTO log (uid, device, at, card_id, kind, rating, graded, duration_ms, "
        "state_before, ivl_before, r_before, before, after) "
        "VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
        rows,
    )
    db.executemany(
        "INSERT INTO log (uid, device, at, card_id, kind, rating, graded, duration_ms, "
        "state_before, ivl_before, r_before, before, after, target) "
        "VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
        extra,
    )
    db.executemany("INSERT OR REPLACE INTO cards VALUES (?,?,?,?,?,?,?,?,?,?,?,?,?)", states)
    db.execute("COMMIT")
    db.execute("ANALYZE")
    db.close()
    return len(rows)


def _time_command(args: list[str], env: dict[str, str], runs: int) -> tuple[list[float], str]:
    times = []
    out = ""
    for _ in range(runs):
        start = time.perf_counter()
        done = subprocess.run(args, env=env, capture_output=True, text=True, check=True)
        times.append(time.perf_counter() - start)
        out = done.stdout
    return times, out


def main(argv: list[str] | None = None) -> int:
    """Build the synthetic collection (if needed) and time `quizzer stats`."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--out", type=Path, default=ROOT / "bench" / "out" / "stats")
    parser.add_argument("--reviews", type=int, default=1_000_000)
    parser.add_argument("--cards", type=int, default=10_000)
    parser.add_argument("--runs", type=int, default=5)
    parser.add_argument("--rebuild", action="store_true")
    args = parser.parse_args(argv)

    home, decks = args.out / "home", args.out / "decks"
    now_ms = int(datetime.fromisoformat(NOW.replace("Z", "+00:00")).timestamp() * 1000)
    marker = args.out / "built.json"
    wanted = {"reviews": args.reviews, "cards": args.cards}
    if args.rebuild or not marker.exists() or json.loads(marker.read_text())["want"] != wanted:
        import shutil

        shutil.rmtree(args.out, ignore_errors=True)
        started = time.perf_counter()
        ids = write_decks(decks, args.cards)
        written = build_store(home, ids, args.reviews, now_ms)
        marker.write_text(json.dumps({"want": wanted, "rows": written}))
        print(
            f"built {written:,} review/cram rows of {len(ids):,} cards in "
            f"{time.perf_counter() - started:.1f} s under {args.out}"
        )
    rows = json.loads(marker.read_text())["rows"]
    size = (home / "quizzer.sqlite3").stat().st_size / 1e6

    env = {
        **os.environ,
        "QUIZZER_HOME": str(home),
        "QUIZZER_DECKS": str(decks),
        "QUIZZER_NOW": NOW,
        "TZ": "Europe/Paris",
        "PYTHONPATH": str(ROOT),
    }
    cli = [sys.executable, "-m", "quizzer"]
    subprocess.run([*cli, "decks"], env=env, capture_output=True, check=True)  # warm deck cache
    print(f"collection: {rows:,} review rows, {args.cards:,} cards, database {size:.0f} MB")

    base, _ = _time_command([*cli, "decks", "--json"], env, args.runs)
    print(
        f"baseline `quizzer decks --json` (start-up, deck tree): "
        f"median {statistics.median(base):.3f} s"
    )
    for label, extra in (
        ("stats --json", ["--json"]),
        ("stats --json --days 365", ["--json", "--days", "365"]),
        ("stats lang --json", ["lang", "--json"]),
        ("stats tag:bench --json", ["tag:bench", "--json"]),
        ("stats (Rich view)", []),
    ):
        times, _ = _time_command([*cli, "stats", *extra], env, args.runs)
        print(
            f"quizzer {label:<24} median {statistics.median(times):.3f} s  "
            f"(min {min(times):.3f}, max {max(times):.3f}, {args.runs} runs)"
        )
    _in_process(home, decks, now_ms, args.runs)
    return 0


def _in_process(home: Path, decks: Path, now_ms: int, runs: int) -> None:
    """Time `stats.compute` alone (no start-up, no deck loading, no output), each run with
    nothing kept from the one before (`quizzer.stats.kept`): a session's first statistics."""
    os.environ |= {"QUIZZER_HOME": str(home), "QUIZZER_DECKS": str(decks), "TZ": "Europe/Paris"}
    sys.path.insert(0, str(ROOT))
    from quizzer.collection import open_collection
    from quizzer.stats import compute

    col = open_collection()
    for spec in (None, "lang", "tag:bench"):
        wall, cpu = [], []
        for _ in range(runs):
            col.tree.derived.pop("stats.kept", None)
            w, c = time.perf_counter(), time.process_time()
            result = compute(col, now_ms, spec, 30)
            wall.append(time.perf_counter() - w)
            cpu.append(time.process_time() - c)
        print(
            f"in-process compute({spec!r}): median {statistics.median(wall):.3f} s wall, "
            f"{statistics.median(cpu):.3f} s CPU; all-time true retention "
            f"{result.true_retention['all_time'].all.rate} over "
            f"{result.true_retention['all_time'].all.total:,} reviews"
        )
    col.close()


if __name__ == "__main__":
    raise SystemExit(main())
