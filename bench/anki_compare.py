"""The same synthetic collection in a real Anki collection, and Anki's timings of the matching
operations.

The notes are added through the Anki API (`Collection.add_notes`), one per question, with the
note type that matches (Basic, Basic (and reversed card), Cloze), in one Anki deck per quizzer
deck, all under a root deck `bench` that is selected for study (the whole collection, like
`quizzer review`). Each card's scheduling (type, queue, due, interval, FSRS memory state, last
review) is set through `Collection.update_cards`, and the review log is copied into `revlog` with
`executemany`.
FSRS is switched on. Anki reads the system clock, so the synthetic time line is shifted so that
quizzer's `NOW` is Anki's now.

Matching operations, all on the same data:

- due counts: `col.sched.deck_due_tree()` (quizzer: `Session.plan`, the `due` command)
- next card: `col.sched.get_queued_cards()` (quizzer: `Session.next`)
- answering: `col.sched.answer_card(build_answer(...))` (quizzer: `Session.answer`)
- statistics: the graphs backend, `col._backend.graphs(search="", days=365)` (`quizzer stats`)
- optimizing: `col._backend.compute_fsrs_params` over the whole collection, as the deck options'
  Optimize button asks for it: fitted from the default parameters, then both evaluated and the
  better kept (`quizzer optimize`, which fits, compares and saves the same way)
- cold: a fresh process that imports anki, opens the collection and does one of the above
"""

from __future__ import annotations

import json
import os
import shutil
import sqlite3
import statistics
import sys
import time
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from bench.generate import DAY_MS, NOW_MS, Generated, settle

ANKI_VERSION_KEY = "a3"
DUE_SAMPLES = 25
"""Due counts in-process are timed this many times at least on both sides: a call takes a fraction
of a millisecond, and the median of a few moved with the machine by a third."""
STATS_SAMPLES = 9
"""The statistics in-process, likewise (the first of them pays what a session's first pays)."""
DAY_START_HOUR = 4  # quizzer's default day_starts_at, and Anki's default rollover


@dataclass(frozen=True, slots=True)
class AnkiCollection:
    """A built Anki collection file and what it holds."""

    path: Path
    notes: int
    cards: int
    revlog: int


def _utc() -> None:
    os.environ["TZ"] = "UTC"
    time.tzset()


def build(gen: Generated, *, force: bool = False, quiet: bool = False) -> AnkiCollection:
    """Build (or reuse, for today's date) the Anki twin of a generated collection."""
    _utc()
    from anki.collection import AddNoteRequest, Collection
    from anki.decks import DeckConfigId, DeckId

    today_key = time.strftime("%Y%m%d")
    folder = gen.root / f"anki-{ANKI_VERSION_KEY}-{today_key}"
    path = folder / "collection.anki2"
    marker = folder / "done.json"
    if marker.exists() and not force:
        info = json.loads(marker.read_text())
        return AnkiCollection(path, info["notes"], info["cards"], info["revlog"])
    for old in gen.root.glob("anki-*"):
        shutil.rmtree(old)
    folder.mkdir(parents=True)
    started = time.perf_counter()
    col = Collection(str(path))
    col.set_config("fsrs", True)
    conf = col.decks.get_config(DeckConfigId(1))
    assert conf is not None
    conf["new"]["perDay"] = 20
    conf["rev"]["perDay"] = 200
    conf["desiredRetention"] = 0.9
    col.decks.update_config(conf)
    basic = col.models.by_name("Basic")
    reverse = col.models.by_name("Basic (and reversed card)")
    cloze = col.models.by_name("Cloze")
    assert basic and reverse and cloze

    quiz = sqlite3.connect(gen.db)
    questions: list[tuple[str, str]] = []  # (deck id, question id) in deck order
    for deck_file in sorted(gen.decks.rglob("*.yaml")):
        deck_id = deck_file.relative_to(gen.decks).with_suffix("").as_posix()
        for line in deck_file.read_text(encoding="utf-8").splitlines():
            if line.startswith("  - id: "):
                questions.append((deck_id, line.removeprefix("  - id: ").strip()))
    deck_ids: dict[str, DeckId] = {}
    requests = []
    for deck_id, qid in questions:
        if deck_id not in deck_ids:
            did = col.decks.id("bench::" + deck_id.replace("/", "::"))
            assert did is not None
            deck_ids[deck_id] = did
        number = int(qid[1:])
        kind = number % 10
        model = reverse if kind == 0 else cloze if kind in (5, 6) else basic
        note = col.new_note(model)
        note.guid = f"{deck_id}:{qid}"
        if model is cloze:
            note["Text"] = (
                f"In {qid}, {{{{c1::the first part}}}} comes before "
                f"{{{{c2::the second part::a hint}}}}."
            )
        else:
            note["Front"] = f"What does {qid} mean?"
            note["Back"] = f"It means {qid}."
        requests.append(AddNoteRequest(note=note, deck_id=deck_ids[deck_id]))
    col.add_notes(requests)

    # quizzer card id -> Anki card id
    anki_ids: dict[str, int] = {}
    assert col.db is not None
    for cid, guid, ord_, mid in col.db.all(
        "SELECT c.id, n.guid, c.ord, n.mid FROM cards c JOIN notes n ON c.nid = n.id"
    ):
        if mid == cloze["id"]:
            anki_ids[f"{guid}#c{ord_ + 1}"] = cid
        else:
            anki_ids[f"{guid}#reverse" if ord_ == 1 else guid] = cid

    offset = int(time.time() * 1000) - NOW_MS  # synthetic ms -> real ms
    today = col.sched.today
    day_start = NOW_MS - (NOW_MS - DAY_START_HOUR * 3_600_000) % DAY_MS
    from anki.cards import Card, CardId, FSRSMemoryState  # after anki.collection (cycle)

    updated = []
    for row in quiz.execute(
        "SELECT card_id, state, stability, difficulty, due, last_review, reps, lapses, "
        "suspended FROM cards"
    ):
        card_id, state, s, d, due, last, reps, lapses, suspended = row
        if card_id not in anki_ids or state == 0:
            continue
        card = Card(col, CardId(anki_ids[card_id]))
        card.reps, card.lapses = reps, lapses
        if s is not None and d is not None:
            card.memory_state = FSRSMemoryState(stability=s, difficulty=d)
        card.last_review_time = (last + offset) // 1000 if last else None
        card.factor = 2500
        if state == 2:
            card.type, card.queue = 2, 2  # type: ignore[assignment]
            card.due = today + (due - day_start) // DAY_MS
            card.ivl = max(1, round((due - last) / DAY_MS))
        else:
            card.type, card.queue = (1 if state == 1 else 3), 1  # type: ignore[assignment]
            card.due = (due + offset) // 1000
            card.ivl = 0 if state == 1 else 1
            card.left = 1
        if suspended:
            card.queue = -1  # type: ignore[assignment]
        updated.append(card)
    col.update_cards(updated)
    root = col.decks.id("bench")
    assert root is not None
    col.decks.select(root)  # study the whole tree, as `quizzer review` does
    notes = col.note_count()
    cards = col.card_count()
    col.close()

    # the review log, straight into revlog (Anki's own file is plain SQLite)
    revlog: list[tuple[int, ...]] = []
    seen: set[int] = set()
    type_of = {0: 0, 1: 0, 2: 1, 3: 2}
    for at, card_id, rating, dur, sb, ib, after_due, after_state in quiz.execute(
        "SELECT at, card_id, rating, duration_ms, state_before, ivl_before, "
        "json_extract(after, '$.due'), json_extract(after, '$.state') FROM log "
        "WHERE kind = 'review' ORDER BY at"
    ):
        rid = at + offset
        while rid in seen:
            rid += 1
        seen.add(rid)
        ivl = (after_due - at) // DAY_MS if after_state == 2 else -max(1, (after_due - at) // 1000)
        revlog.append(
            (
                rid,
                anki_ids[card_id],
                -1,
                rating,
                ivl,
                round(ib or 0),
                0,
                min(dur or 0, 60_000),
                type_of.get(sb or 0, 0),
            )
        )
    quiz.close()
    db = sqlite3.connect(path)
    db.execute("PRAGMA journal_mode = DELETE")
    db.executemany("INSERT INTO revlog VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)", revlog)
    db.commit()
    db.execute("ANALYZE revlog")
    db.close()
    info = {
        "notes": notes,
        "cards": cards,
        "revlog": len(revlog),
        "build_s": round(time.perf_counter() - started, 1),
    }
    marker.write_text(json.dumps(info))
    if not quiet:
        print(
            f"built the Anki twin of {gen.spec.label} in {info['build_s']} s -> {path}",
            file=sys.stderr,
        )
    return AnkiCollection(path, notes, cards, len(revlog))


def private_copy(anki: AnkiCollection, dest: Path) -> Path:
    """A copy of the collection file to write to."""
    dest.mkdir(parents=True, exist_ok=True)
    target = dest / "collection.anki2"
    shutil.copyfile(anki.path, target)
    settle()
    return target


_COLD = """
import sys, time
from anki.collection import Collection
col = Collection(sys.argv[1])
op = sys.argv[2]
if op == "due":
    col.sched.deck_due_tree()
elif op == "stats":
    col._backend.graphs(search="", days=365)
elif op == "next":
    col.sched.get_queued_cards()
elif op == "optimize":
    relearning = len(col.decks.get_config(1)["lapse"]["delays"])
    col._backend.compute_fsrs_params(
        search="", current_params=[], ignore_revlogs_before_ms=0,
        num_of_relearning_steps=relearning, health_check=False,
    )
col.close()
"""


def cold(path: Path, op: str, runs: int) -> tuple[list[float], int]:
    """Wall times (s) of a fresh process that opens the collection and does `op`, and the
    largest peak RSS (KB) of those processes."""
    from bench.run import run_child

    env = dict(os.environ, TZ="UTC")
    result = run_child([sys.executable, "-c", _COLD, str(path), op], env, runs)
    return result.times, result.peak_kb


def in_process(path: Path, runs: int, answers: int) -> dict[str, list[float]]:
    """Times (s) of due counts, next card, answering and statistics in one open collection."""
    _utc()
    from anki.collection import Card, Collection  # anki.cards first is a circular import
    from anki.scheduler_pb2 import CardAnswer

    col = Collection(str(path))
    sched: Any = col.sched  # the v3 scheduler (FSRS collections always use it)
    out: dict[str, list[float]] = {
        k: [] for k in ("due", "next", "answer", "answer_cpu", "turn", "stats")
    }
    col.sched.deck_due_tree()  # warm-up
    for _ in range(max(DUE_SAMPLES, runs)):
        t0 = time.perf_counter()
        col.sched.deck_due_tree()
        out["due"].append(time.perf_counter() - t0)
    ratings = (CardAnswer.GOOD, CardAnswer.GOOD, CardAnswer.AGAIN, CardAnswer.HARD, CardAnswer.EASY)
    for i in range(answers):
        t0 = time.perf_counter()
        queued = sched.get_queued_cards()  # the card, and its four next states (the FSRS step)
        out["next"].append(time.perf_counter() - t0)
        if not queued.cards:
            break
        top = queued.cards[0]
        card = Card(col, backend_card=top.card)
        card.start_timer()
        # answering is `build_answer` (the answer from the states the queue gave and the rating)
        # then `answer_card`, as Anki's reviewer does; quizzer's `Session.answer` does both
        t1, c0 = time.perf_counter(), time.process_time()
        answer = sched.build_answer(card=card, states=top.states, rating=ratings[i % len(ratings)])
        sched.answer_card(answer)
        out["answer"].append(time.perf_counter() - t1)
        out["answer_cpu"].append(time.process_time() - c0)
        out["turn"].append(out["next"][-1] + out["answer"][-1])
    col._backend.graphs(search="", days=365)  # warm-up
    for _ in range(max(STATS_SAMPLES, runs)):
        # as a learner looks at the statistics: after studying (one more answer each time)
        queued = sched.get_queued_cards()
        if queued.cards:
            top = queued.cards[0]
            card = Card(col, backend_card=top.card)
            card.start_timer()
            sched.answer_card(sched.build_answer(card=card, states=top.states, rating=ratings[0]))
        t0 = time.perf_counter()
        col._backend.graphs(search="", days=365)
        out["stats"].append(time.perf_counter() - t0)
    col.close()
    return out


def main() -> int:
    """Build the Anki twin of a generated collection and print Anki's timings."""
    import argparse

    from bench.generate import Spec, generate

    parser = argparse.ArgumentParser(description="Anki timings on a synthetic collection")
    parser.add_argument("questions", type=int)
    parser.add_argument("reviews", type=int)
    parser.add_argument("--force", action="store_true")
    args = parser.parse_args()
    gen = generate(Spec(args.questions, args.reviews))
    anki = build(gen, force=args.force)
    tmp = gen.root / "tmp-anki"
    copy = private_copy(anki, tmp)
    for op in ("due", "stats"):
        times, peak = cold(copy, op, 3)
        print(f"cold {op}: {statistics.median(times) * 1000:.0f} ms, {peak // 1024} MB")
    for op, times in in_process(copy, 5, 50).items():
        if times:
            print(f"{op}: median {statistics.median(times) * 1000:.1f} ms")
    shutil.rmtree(tmp)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
