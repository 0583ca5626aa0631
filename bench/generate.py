"""Synthetic collections for the benchmarks: decks of YAML, and a review log with FSRS histories.

A collection is N questions spread over many decks (written as YAML into a decks tree) and M
review events. Each reviewed card gets a history simulated with the real scheduler
(`quizzer.replay.derive`, the function the live session uses), by a learner who recalls with the
predicted probability and reviews between 15% early and 20% late (earlier for long intervals, so
that a card's history spans about four years). The log rows carry the same derived columns and
before / after JSON the real code writes, and the `cards` cache holds each card's final state, so
a `quizzer rebuild` of a generated collection changes nothing.

Histories are simulated on a relative time line and then shifted so that each card's next due date
falls somewhere around `NOW`. The shift is a whole number of days: FSRS's elapsed time is counted
in study days (from 04:00 UTC here), so the reviews keep their study days and the shift changes
no state.
Generation runs on every core and the result is cached under `bench/out/` (keyed by the spec), so
the 1,000,000-review collection is built once.

    python3 -m bench.generate 10000 1000000
"""

from __future__ import annotations

import argparse
import hashlib
import json
import multiprocessing
import os
import random
import shutil
import sqlite3
import sys
import time
from dataclasses import dataclass
from pathlib import Path
from typing import Any

OUT = Path(__file__).resolve().parent / "out"
GENERATOR_VERSION = 8
NOW_ISO = "2026-03-02T09:00:00Z"
NOW_MS = 1_772_442_000_000  # NOW_ISO in UTC milliseconds
DAY_MS = 86_400_000
DEVICE = "benchdevice0"
BASE_MS = 946_684_800_000  # 2000-01-01: simulation time line start, shifted afterwards
DECKS_PER_FOLDER = 10


@dataclass(frozen=True, slots=True)
class Spec:
    """What to generate: questions, review events, and the random seed."""

    questions: int
    reviews: int
    seed: int = 7

    @property
    def name(self) -> str:
        """The cache folder name."""
        return f"q{self.questions}-r{self.reviews}-s{self.seed}-v{GENERATOR_VERSION}"

    @property
    def deck_size(self) -> int:
        """Questions per deck: 50 for small collections, 100 for large ones."""
        return 50 if self.questions <= 2000 else 100

    @property
    def label(self) -> str:
        """Short human label, like `10k q / 1M rev`."""
        return f"{_short(self.questions)} q / {_short(self.reviews)} rev"


@dataclass(frozen=True, slots=True)
class Generated:
    """A generated collection on disk."""

    spec: Spec
    root: Path
    decks: Path
    home: Path
    cards: int
    reviewed_cards: int

    @property
    def db(self) -> Path:
        """The quizzer database file."""
        return self.home / "quizzer.sqlite3"

    def env(self, home: Path | None = None, *, no_cache: bool = False) -> dict[str, str]:
        """Environment for a `quizzer` child process on this collection."""
        env = dict(os.environ)
        env.update(
            QUIZZER_DECKS=str(self.decks),
            QUIZZER_HOME=str(home or self.home),
            QUIZZER_NOW=NOW_ISO,
            TZ="UTC",
        )
        env.pop("QUIZZER_NO_CACHE", None)
        if no_cache:
            env["QUIZZER_NO_CACHE"] = "1"
        return env

    def copy_home(self, dest: Path) -> Path:
        """A private copy of the data directory (for benchmarks that write)."""
        if dest.exists():
            shutil.rmtree(dest)
        shutil.copytree(self.home, dest)
        settle()
        return dest


def settle() -> None:
    """Write a fresh copy out to the disk before anything is timed on it: otherwise the first
    `fsync` of the copied database (a checkpoint, such as the one a process runs when it closes
    the file) flushes the whole copy, 0.4 s at 1,000,000 reviews, and that one measurement pays
    for the benchmark's own setup."""
    if hasattr(os, "sync"):
        os.sync()


def _short(n: int) -> str:
    if n >= 1_000_000 and n % 1_000_000 == 0:
        return f"{n // 1_000_000}M"
    if n >= 1000 and n % 1000 == 0:
        return f"{n // 1000}k"
    return str(n)


# ---------------------------------------------------------------- decks


def _question(i: int, rng: random.Random) -> tuple[str, list[str]]:
    """YAML of question number `i` and the variants of its cards ('' plain, 'reverse', 'cN')."""
    qid = f"q{i:05d}"
    words = " ".join(rng.choice(_WORDS) for _ in range(8))
    kind = i % 10
    if kind <= 4:
        reverse = kind == 0
        text = (
            f"  - id: {qid}\n    type: basic\n    prompt: What does {words} mean (#{i})?\n"
            f"    answer: It means {words}.\n    explanation: Because {words}.\n"
            f"    source: Synthetic et al. {2000 + i % 25}, section {i % 7 + 1}\n"
        )
        if reverse:
            text += "    reverse: true\n"
        return text, ["", "reverse"] if reverse else [""]
    if kind <= 6:
        return (
            f"  - id: {qid}\n    type: cloze\n    text: 'In {words}, {{{{c1::the first part}}}}"
            f" comes before {{{{c2::the second part::a hint}}}} (#{i}).'\n"
            f"    tags: [cloze-{i % 3}]\n",
            ["c1", "c2"],
        )
    if kind == 7:
        return (
            f"  - id: {qid}\n    type: choice\n    prompt: Which is right about {words}?\n"
            f"    choices:\n      - {{text: 'Option A {i}', correct: true}}\n"
            f"      - {{text: 'Option B {i}'}}\n      - {{text: 'Option C {i}'}}\n",
            [""],
        )
    if kind == 8:
        return (
            f"  - id: {qid}\n    type: typed\n    prompt: Name the thing called {words}.\n"
            f"    answers: ['answer {i}', 'alias {i}']\n",
            [""],
        )
    if i % 20 == 19:
        return (
            f"  - id: {qid}\n    type: order\n    prompt: Order the steps of {words}.\n"
            f"    items: [first {i}, second {i}, third {i}, fourth {i}]\n",
            [""],
        )
    return (
        f"  - id: {qid}\n    type: numeric\n    prompt: How many units in {words}?\n"
        f"    answer: {i * 3}\n    tolerance: 1%\n    unit: hours\n",
        [""],
    )


_WORDS = (
    "spectral",
    "mel",
    "frame",
    "token",
    "encoder",
    "decoder",
    "alignment",
    "speaker",
    "vocoder",
    "pitch",
    "energy",
    "attention",
    "stride",
    "kernel",
    "gradient",
    "loss",
    "blank",
    "beam",
    "lattice",
    "phoneme",
    "grapheme",
    "codec",
    "latent",
    "prior",
)


def write_decks(spec: Spec, decks: Path) -> list[tuple[str, str]]:
    """Write the YAML deck tree; return (card id, question type family) in deck order."""
    rng = random.Random(spec.seed)
    cards: list[tuple[str, str]] = []
    n_decks = max(1, -(-spec.questions // spec.deck_size))
    q = 0
    for d in range(n_decks):
        folder = f"topic-{d // DECKS_PER_FOLDER:02d}"
        deck_id = f"{folder}/deck-{d:03d}"
        parts = [
            f"title: Synthetic deck {d}\ndescription: Generated for benchmarks.\n"
            f"tags: [bench, {folder}]\nsources: [Generated]\nquestions:\n"
        ]
        for _ in range(min(spec.deck_size, spec.questions - q)):
            text, variants = _question(q, rng)
            parts.append(text)
            base = f"{deck_id}:q{q:05d}"
            cards += [(f"{base}#{v}" if v else base, "self") for v in variants]
            q += 1
        path = decks / f"{deck_id}.yaml"
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text("".join(parts), encoding="utf-8")
    return cards


# ---------------------------------------------------------------- histories


def _j(value: Any) -> str:
    if value is None:
        return "null"
    if value is True:
        return "true"
    if value is False:
        return "false"
    return repr(value) if isinstance(value, float) else str(int(value))


def state_json(s: Any, shift: int) -> str:
    """`CardState.to_json()` of the state shifted by `shift` ms, without dataclasses.asdict."""

    def t(v: int | None) -> str:
        return "null" if v is None else str(v + shift)

    return (
        f'{{"state":{int(s.state)},"step":{_j(s.step)},"stability":{_j(s.stability)},'
        f'"difficulty":{_j(s.difficulty)},"due":{t(s.due)},"last_review":{t(s.last_review)},'
        f'"reps":{s.reps},"lapses":{s.lapses},"suspended":{_j(s.suspended)},'
        f'"buried_until":{t(s.buried_until)},"introduced":{t(s.introduced)},'
        f'"leech":{_j(s.leech)}}}'
    )


def _simulate(job: tuple[list[tuple[str, int]], int]) -> tuple[list[tuple[Any, ...]], list[Any]]:
    """Simulate the histories of some cards; returns log rows and final `cards` rows."""
    from datetime import UTC

    from quizzer.config import Settings
    from quizzer.replay import DeckSettings, derive
    from quizzer.scheduling import retrievability
    from quizzer.state import CardPhase, CardState, Event, EventKind, Rating

    todo, seed = job
    settings = DeckSettings(Settings(), UTC)  # the bench runs with TZ=UTC
    params = settings.parameters
    rng = random.Random(seed)
    rows: list[tuple[Any, ...]] = []
    finals: list[Any] = []
    for card_id, k in todo:
        state = CardState(card_id)
        at = BASE_MS + rng.randrange(0, DAY_MS)
        events: list[tuple[Any, ...]] = []
        # the learner reviews early enough that a card's history spans about four years
        cap = max(3, 4 * 365 // max(k, 1)) * DAY_MS
        for _ in range(k):
            if state.state == CardPhase.REVIEW:
                elapsed = (at - (state.last_review or at)) / DAY_MS
                recalled = rng.random() < retrievability(state.stability, elapsed, params)
            else:
                recalled = rng.random() < 0.8
            if not recalled:
                rating = Rating.AGAIN
            else:
                x = rng.random()
                rating = Rating.HARD if x < 0.12 else Rating.EASY if x > 0.92 else Rating.GOOD
            # as `Store.new_uid` makes them: the time, then 64 random bits (the simulated time
            # here, before the shift below: the uids of answers made now sort after all of them)
            uid = f"{at * 1_000_000:016x}{rng.getrandbits(64):016x}"
            event = Event(uid, DEVICE, at, card_id, EventKind.REVIEW, rating, "self")
            d = derive(state, event, settings)
            events.append(
                (
                    uid,
                    at,
                    card_id,
                    int(rating),
                    rng.randrange(2000, 25000),
                    d.state_before,
                    d.ivl_before,
                    d.r_before,
                    d.before,
                    d.after,
                )
            )
            state = d.after
            due = state.due or at
            if state.state == CardPhase.REVIEW:
                gap = int((due - at) * rng.uniform(0.85, 1.2))
                at = at + max(60_000, min(gap, int(cap * rng.uniform(0.5, 1.0))))
            else:
                at = due + rng.randrange(0, 600_000)
        # place the history so that the card's next due date lands between 6 weeks before
        # and 3 weeks after NOW (a realistic mix of due, overdue and not-yet-due cards), and
        # the last review before today's study day began (NOW is 09:00, days start at 04:00:
        # the learner opens quizzer for the first time today)
        last = state.last_review or at
        anchor = (state.due or last) + rng.randrange(-21 * DAY_MS, 42 * DAY_MS)
        anchor = max(anchor, last + 6 * 3_600_000)
        shift = NOW_MS - anchor
        shift -= shift % DAY_MS
        for uid, at0, cid, rating, dur, sb, ib, rb, before, after in events:
            rows.append(
                (
                    uid,
                    DEVICE,
                    at0 + shift,
                    cid,
                    "review",
                    rating,
                    "self",
                    None,
                    None,
                    dur,
                    None,
                    None,
                    sb,
                    ib,
                    rb,
                    state_json(before, shift),
                    state_json(after, shift),
                )
            )
        s = state
        finals.append(
            (
                s.card_id,
                int(s.state),
                s.step,
                s.stability,
                s.difficulty,
                None if s.due is None else s.due + shift,
                (s.last_review or 0) + shift,
                s.reps,
                s.lapses,
                int(s.suspended),
                None,
                (s.introduced or 0) + shift,
                int(s.leech),
            )
        )
    return rows, finals


def _plan_reviews(spec: Spec, card_ids: list[str], rng: random.Random) -> list[tuple[str, int]]:
    """Which cards get a history, and how many reviews each."""
    if spec.reviews <= 0:
        return []
    n_cards = min(len(card_ids), max(1, spec.reviews // 8))
    chosen = sorted(rng.sample(range(len(card_ids)), n_cards))
    base, extra = divmod(spec.reviews, n_cards)
    return [(card_ids[i], base + (1 if j < extra else 0)) for j, i in enumerate(chosen)]


def generate(spec: Spec, out: Path = OUT, *, force: bool = False, quiet: bool = False) -> Generated:
    """Build (or reuse from `out`) the collection of `spec`."""
    root = out / spec.name
    marker = root / "done.json"
    if marker.exists() and not force:
        info = json.loads(marker.read_text())
        _no_planner_stats(root / "home" / "quizzer.sqlite3")
        build_totals(root / "home" / "quizzer.sqlite3")
        return Generated(
            spec, root, root / "decks", root / "home", info["cards"], info["reviewed_cards"]
        )
    if root.exists():
        shutil.rmtree(root)
    decks, home = root / "decks", root / "home"
    decks.mkdir(parents=True)
    home.mkdir()
    started = time.perf_counter()
    cards = write_decks(spec, decks)
    rng = random.Random(spec.seed)
    plan = _plan_reviews(spec, [c for c, _ in cards], rng)
    workers = max(1, min(os.cpu_count() or 1, 8))
    chunks = [plan[i :: workers * 4] for i in range(workers * 4)]
    jobs = [(chunk, spec.seed * 1000 + i) for i, chunk in enumerate(chunks) if chunk]
    rows: list[tuple[Any, ...]] = []
    finals: list[Any] = []
    ctx = multiprocessing.get_context("fork" if sys.platform == "linux" else "spawn")
    with ctx.Pool(workers) as pool:
        for r, f in pool.imap_unordered(_simulate, jobs):
            rows += r
            finals += f
    simulated = time.perf_counter()
    rows.sort(key=lambda r: (r[2], r[0]))
    _write_db(home / "quizzer.sqlite3", rows, finals)
    info = {
        "cards": len(cards),
        "reviewed_cards": len(finals),
        "reviews": len(rows),
        "simulate_s": round(simulated - started, 1),
        "total_s": round(time.perf_counter() - started, 1),
    }
    marker.write_text(json.dumps(info))
    if not quiet:
        print(
            f"generated {spec.label} in {info['total_s']} s "
            f"(simulation {info['simulate_s']} s) -> {root}",
            file=sys.stderr,
        )
    return Generated(spec, root, decks, home, len(cards), len(finals))


_LOG_INSERT = (
    "INSERT INTO log (uid, device, at, card_id, kind, rating, graded, response, verdict, "
    "duration_ms, target, until, state_before, ivl_before, r_before, before, after) "
    "VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)"
)


def _write_db(path: Path, rows: list[tuple[Any, ...]], finals: list[Any]) -> None:
    """Create the schema with the real Store, then load the log in its order with the indexes
    in place, as a collection in use grows and as Anki's twin is loaded: each index's pages are
    then as full as answers leave them. (Indexes built after the load are packed full, so that
    every answer of the bench split a page of each, writing 19 pages per answer at 1,000,000
    reviews instead of 8.)"""
    from quizzer.store.db import Store

    Store(path).close()
    db = sqlite3.connect(path, isolation_level=None)
    db.execute("PRAGMA synchronous = OFF")
    db.execute("PRAGMA cache_size = -1000000")
    db.execute("BEGIN")
    db.executemany(_LOG_INSERT, rows)
    db.executemany(f"INSERT INTO cards VALUES ({', '.join('?' * 13)})", finals)
    db.execute("UPDATE meta SET value = ? WHERE key = 'device'", (DEVICE,))
    db.execute("COMMIT")
    db.execute("PRAGMA wal_checkpoint(TRUNCATE)")
    db.close()
    build_totals(path)


def build_totals(path: Path) -> None:
    """Bring the statistics totals up to date for the bench's calendar (UTC, days from 04:00),
    as a collection in use has them; a no-op when they already are (or quizzer has none)."""
    from quizzer.clock import calendar, local_zone
    from quizzer.config import Settings

    try:
        from quizzer.store import aggregates
    except ImportError:
        return
    from quizzer.store.db import Store

    with Store(path) as store:  # migrates an older generated database first
        cal = calendar(local_zone("UTC"), Settings().day_starts_at)
        if not aggregates.current(store.db, cal):
            with store.transaction():
                aggregates.rebuild(store.db, cal)


def _no_planner_stats(path: Path) -> None:
    """Drop `sqlite_stat1` (left by earlier generator versions that ran ANALYZE). quizzer never
    runs ANALYZE, so a real database has no planner statistics; with them, some statistics
    queries were measured 20 times slower, which would misrepresent what users see."""
    db = sqlite3.connect(path)
    try:
        if db.execute("SELECT 1 FROM sqlite_master WHERE name = 'sqlite_stat1'").fetchone():
            db.execute("DROP TABLE sqlite_stat1")
            db.commit()
    finally:
        db.close()


def fingerprint(gen: Generated) -> str:
    """A short hash of the generated decks (for cache keys of derived artefacts)."""
    h = hashlib.blake2b(digest_size=8)
    h.update(gen.spec.name.encode())
    return h.hexdigest()


def main(argv: list[str] | None = None) -> int:
    """Generate one collection from the command line."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("questions", type=int)
    parser.add_argument("reviews", type=int)
    parser.add_argument("--seed", type=int, default=7)
    parser.add_argument("--force", action="store_true")
    args = parser.parse_args(argv)
    gen = generate(Spec(args.questions, args.reviews, args.seed), force=args.force)
    print(gen.root)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
