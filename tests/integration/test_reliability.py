"""Hard to break: crashes, concurrent writers, a full disk, hostile decks, time zones, huge logs.

Repetitions come from the environment so that CI runs a quick version and a release check runs
the long one:

- `QUIZZER_RELIABILITY_TRIALS` (default 6): SIGKILL trials; set 100 for the full run.
- `QUIZZER_RELIABILITY_LOG` (default 200000): reviews in the large-log test; set 5000000.
- `QUIZZER_RELIABILITY_EXAMPLES` (default 40): hypothesis examples per property.

Nothing here asserts a duration: the large-log test prints its timings (`pytest -s` shows them).
"""

from __future__ import annotations

import json
import os
import random
import signal
import sqlite3
import subprocess
import sys
import textwrap
import time
import uuid
from collections.abc import Callable
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any
from zoneinfo import ZoneInfo

import pytest
import yaml
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from quizzer.clock import calendar, to_ms
from quizzer.collection import due_plan, open_collection
from quizzer.config import DEFAULT_PARAMETERS
from quizzer.decks.loader import LoadedDeck, Problem, load_bytes
from quizzer.queue import day_at, done_today
from quizzer.replay import rebuild
from quizzer.scheduling import retrievability
from quizzer.state import CardState, Rating, recall_curve
from quizzer.store.db import Store, StoreError

REPO = Path(__file__).resolve().parents[2]
TRIALS = int(os.environ.get("QUIZZER_RELIABILITY_TRIALS", "6"))
LOG_SIZE = int(os.environ.get("QUIZZER_RELIABILITY_LOG", "200000"))
EXAMPLES = int(os.environ.get("QUIZZER_RELIABILITY_EXAMPLES", "40"))
T0 = 1_772_442_000_000  # 2026-03-02T09:00:00Z, QUIZZER_NOW of tests/conftest.py


def basic_deck(n: int, prefix: str = "q") -> str:
    """A deck of `n` basic questions."""
    rows = [f"  - {{id: {prefix}{i}, type: basic, prompt: P{i}, answer: A{i}}}" for i in range(n)]
    return "title: D\nquestions:\n" + "\n".join(rows) + "\n"


def child_env() -> dict[str, str]:
    """The test's environment, with the checkout importable."""
    env = dict(os.environ)
    env["PYTHONPATH"] = os.pathsep.join(filter(None, [str(REPO), env.get("PYTHONPATH")]))
    return env


def log_uids(store: Store) -> set[str]:
    """Every uid in the log."""
    return {r[0] for r in store.db.execute("SELECT uid FROM log")}


# ---------------------------------------------------------------- crashes

ANSWERING_CHILD = textwrap.dedent(
    """
    import sys
    from quizzer.collection import open_collection
    from quizzer.state import Rating

    col = open_collection()
    session = col.session()
    cards = [c.id for c in col.tree.cards()]
    start, step, count, t0 = (int(a) for a in sys.argv[1:5])
    print("ready", flush=True)
    for i in range(count):
        card_id = cards[(start + i * step) % len(cards)]
        done = session.answer(card_id, Rating(1 + i % 4), t0 + i * 1000)
        print(done.event.uid, flush=True)  # acknowledged: Session.answer has returned
    """
)


def spawn_answering(tmp: Path, start: int, step: int, count: int, t0: int) -> subprocess.Popen[str]:
    """A child that answers `count` cards and prints each acknowledged uid."""
    script = tmp / "answering_child.py"
    script.write_text(ANSWERING_CHILD)
    return subprocess.Popen(
        [sys.executable, str(script), str(start), str(step), str(count), str(t0)],
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
        env=child_env(),
    )


@pytest.mark.slow
def test_sigkill_at_random_moments_loses_no_acknowledged_answer(
    write_deck: Callable[[str, str], Path], isolated: Path
) -> None:
    """Kill a session at random moments; every acknowledged answer is in the log afterwards,
    the file is sound, and the card cache equals a replay of the log."""
    write_deck("d/deck", basic_deck(60))
    Store().close()
    rng = random.Random(20260302)
    acknowledged: list[str] = []
    for trial in range(TRIALS):
        child = spawn_answering(isolated, trial * 7, 1, 100_000, T0 + trial * 10**8)
        assert child.stdout is not None
        assert child.stdout.readline().strip() == "ready", child.stderr and child.stderr.read()
        deadline = time.monotonic() + rng.uniform(0.0, 0.4)  # a random moment mid-write
        while time.monotonic() < deadline:
            time.sleep(0.005)
        child.send_signal(signal.SIGKILL)
        out, _ = child.communicate()
        acknowledged += [line for line in out.split() if len(line) == 32]
        with Store() as store:
            assert store.integrity() == "ok"
            missing = set(acknowledged) - log_uids(store)
            assert not missing, f"trial {trial}: {len(missing)} acknowledged answers lost"
    col = open_collection()
    try:
        changed, _ = rebuild(col.store, col.settings, col.zone)
        assert changed == 0, "the card cache disagrees with the log after crashes"
    finally:
        col.close()
    print(f"\n{TRIALS} SIGKILL trials, {len(acknowledged)} acknowledged answers, none lost")


def test_two_writers_at_once_lose_nothing(
    write_deck: Callable[[str, str], Path], isolated: Path
) -> None:
    """Two processes answering at the same time: both finish, no 'database is locked', every
    answer is there, and the cache equals a replay."""
    write_deck("d/deck", basic_deck(80))
    Store().close()
    count = 60
    # even cards for one writer, odd cards for the other: interleaved in the file, never the
    # same card, so the replay order (by time) and the commit order agree card by card
    writers = [spawn_answering(isolated, k, 2, count, T0 + k) for k in (0, 1)]
    results = [w.communicate(timeout=300) for w in writers]
    for w, (_, err) in zip(writers, results, strict=True):
        assert w.returncode == 0, err
        assert "locked" not in err and "busy" not in err, err
    uids = [line for out, _ in results for line in out.split() if len(line) == 32]
    assert len(uids) == 2 * count
    with Store() as store:
        assert store.integrity() == "ok"
        assert log_uids(store) == set(uids)
    col = open_collection()
    try:
        assert rebuild(col.store, col.settings, col.zone)[0] == 0
    finally:
        col.close()


def test_full_disk_gives_a_store_error_and_corrupts_nothing(
    write_deck: Callable[[str, str], Path],
) -> None:
    """A write that cannot get space (PRAGMA max_page_count: SQLite's own SQLITE_FULL path)
    raises StoreError with a clear message; earlier answers stay; the file stays sound; once
    there is room again, answering works."""
    write_deck("d/deck", basic_deck(400))
    col = open_collection()
    session = col.session()
    ids = [c.id for c in col.tree.cards()]
    kept = [session.answer(ids[i], Rating.GOOD, T0 + i).event.uid for i in range(5)]
    pages = col.store.db.execute("PRAGMA page_count").fetchone()[0]
    col.store.db.execute(f"PRAGMA max_page_count = {pages}")
    with pytest.raises(StoreError, match="disk is full"):
        for i in range(5, len(ids)):
            kept.append(session.answer(ids[i], Rating.GOOD, T0 + i).event.uid)
    failed_at = len(kept)
    assert col.store.integrity() == "ok"
    assert set(kept) <= log_uids(col.store)
    assert col.store.count("SELECT count(*) FROM log") == failed_at
    # the failed answer left no trace, in the log or in the card cache
    assert col.store.state(ids[failed_at]) == CardState(ids[failed_at])
    col.store.db.execute("PRAGMA max_page_count = 1073741823")
    session.answer(ids[failed_at], Rating.GOOD, T0 + 10_000)
    assert col.store.count("SELECT count(*) FROM log") == failed_at + 1
    assert rebuild(col.store, col.settings, col.zone)[0] == 0
    col.close()


def test_state_cache_sees_another_connections_writes(
    write_deck: Callable[[str, str], Path],
) -> None:
    """The in-memory card states follow writes made by another connection (another process)."""
    write_deck("d/deck", basic_deck(5))
    col = open_collection()
    other = open_collection()
    try:
        session, card = col.session(), col.tree.cards().__next__()
        assert card.id not in col.store.states()
        other.session().answer(card.id, Rating.GOOD, T0)
        assert card.id in col.store.states()
        session.answer(card.id, Rating.GOOD, T0 + 600_000)
        assert col.store.states()[card.id].reps == 2
        assert other.store.states()[card.id].reps == 2
        # a raw write on the same connection also invalidates the cache
        col.store.db.execute("UPDATE cards SET reps = 99")
        assert col.store.states()[card.id].reps == 99
    finally:
        col.close()
        other.close()


# ---------------------------------------------------------------- the fast `due` path


def test_due_from_the_card_index_equals_the_full_path(
    write_deck: Callable[[str, str], Path], sample_tree: Path, isolated: Path
) -> None:
    """`due_plan` from the index gives the same counts as a full open, also after answers,
    a deck edit and a settings change (both invalidate the index)."""
    write_deck("a/one", basic_deck(30))
    write_deck("b/two", basic_deck(12, "x"))

    def both(now: int) -> tuple[Any, Any]:
        col = open_collection()
        try:
            full = col.session().plan(now)
        finally:
            col.close()
        quick = due_plan(now)
        return ((full.counts, full.per_deck), (quick.counts, quick.per_deck))

    due_plan(T0)  # writes the index
    full, quick = both(T0)
    assert full == quick
    col = open_collection()
    session = col.session()
    for i, card in enumerate(list(col.tree.cards())[:25]):
        session.answer(card.id, Rating(1 + i % 4), T0 + i * 1000)
    col.close()
    for later in (T0 + 60_000, T0 + 3_600_000, T0 + 86_400_000, T0 + 9 * 86_400_000):
        full, quick = both(later)
        assert full == quick
    write_deck("b/two", basic_deck(20, "x"))
    (isolated / "home" / "config.toml").write_text("new_per_day = 3\n")
    assert due_plan(T0).counts.new <= 3
    full, quick = both(T0)
    assert full == quick


def test_the_queue_recall_curve_is_the_fsrs_packages() -> None:
    """The queue computes recall without the fsrs package; it must agree with fsrs itself."""
    import fsrs

    scheduler = fsrs.Scheduler(parameters=DEFAULT_PARAMETERS)
    reviewed = datetime(2026, 1, 1, tzinfo=UTC)
    for s, days in ((0.5, 0), (3.0, 2), (40.0, 100)):
        card = fsrs.Card(
            card_id=1, state=fsrs.State.Review, stability=s, difficulty=5.0, last_review=reviewed
        )
        expected = scheduler.get_card_retrievability(card, reviewed + timedelta(days=days))
        assert retrievability(s, days, DEFAULT_PARAMETERS) == pytest.approx(expected, rel=1e-12)
    decay, factor = recall_curve(DEFAULT_PARAMETERS)
    for s, t in ((0.5, 0.0), (3.0, 2.5), (40.0, 100.0)):
        assert (1 + factor * t / s) ** decay == retrievability(s, t, DEFAULT_PARAMETERS)


# ---------------------------------------------------------------- hostile decks

_TEXT = st.text(
    alphabet=st.characters(blacklist_categories=("Cs", "Cc"), blacklist_characters="{}"),
    min_size=1,
    max_size=40,
).filter(lambda s: s.strip() == s and bool(s))


@st.composite
def decks(draw: st.DrawFn) -> dict[str, Any]:
    """A valid deck as data: every question type, with arbitrary Unicode text."""
    n = draw(st.integers(1, 8))
    questions: list[dict[str, Any]] = []
    for i in range(n):
        kind = draw(st.sampled_from(["basic", "cloze", "choice", "typed", "numeric", "order"]))
        q: dict[str, Any] = {"id": f"q{i}", "type": kind}
        if kind == "basic":
            q.update(prompt=draw(_TEXT), answer=draw(_TEXT), reverse=draw(st.booleans()))
        elif kind == "cloze":
            q["text"] = f"{draw(_TEXT)} {{{{c1::{draw(_TEXT)}}}}} {{{{c2::{draw(_TEXT)}}}}}"
        elif kind == "choice":
            q["prompt"] = draw(_TEXT)
            q["choices"] = [{"text": f"{j}. {draw(_TEXT)}", "correct": j == 0} for j in range(3)]
        elif kind == "typed":
            q.update(prompt=draw(_TEXT), answers=[f"a {draw(_TEXT)}"])
        elif kind == "numeric":
            q.update(prompt=draw(_TEXT), answer=draw(st.integers(-(10**6), 10**6)))
        else:
            q.update(prompt=draw(_TEXT), items=[f"{j}: {draw(_TEXT)}" for j in range(3)])
        if draw(st.booleans()):
            q["explanation"] = draw(_TEXT)
        questions.append(q)
    return {"title": draw(_TEXT), "tags": ["fuzz"], "questions": questions}


@settings(
    max_examples=max(5, EXAMPLES // 4),
    deadline=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)
@given(data=decks())
def test_generated_decks_load_export_and_import_into_anki(
    data: dict[str, Any], tmp_path: Path
) -> None:
    """Any valid deck loads, exports to .apkg, and a real Anki collection imports every note."""
    anki_collection = pytest.importorskip("anki.collection")
    try:
        from quizzer.export.anki import export_anki
    except ImportError:
        pytest.skip("quizzer.export.anki is not there yet")
    from quizzer.decks.tree import DeckTree

    text = yaml.safe_dump(data, allow_unicode=True, sort_keys=False)
    loaded = load_bytes(text.encode(), "fuzz/deck", "fuzz/deck.yaml")
    if isinstance(loaded, list):
        # the only refusals allowed of generated text are located, one-line messages
        assert all(isinstance(p, Problem) and "\n" not in p.message for p in loaded)
        return
    assert len(loaded.deck.questions) == len(data["questions"])
    folder = tmp_path / f"case-{uuid.uuid4().hex[:8]}"
    (folder / "fuzz").mkdir(parents=True)
    (folder / "fuzz" / "deck.yaml").write_text(text, encoding="utf-8")
    loaded.path = folder / "fuzz" / "deck.yaml"
    tree = DeckTree(folder, {"fuzz/deck": loaded})
    out = folder / "out.apkg"
    export_anki(tree, out, now_ms=T0)
    col = anki_collection.Collection(str(folder / "anki.anki2"))
    try:
        request = anki_collection.ImportAnkiPackageRequest(package_path=str(out))
        col.import_anki_package(request)
        assert col.note_count() == len(data["questions"])
        assert col.card_count() == len(loaded.cards)
    finally:
        col.close()


VALID = """\
title: Valid
tags: [t]
questions:
  - id: a
    type: basic
    prompt: P
    answer: A
  - id: b
    type: cloze
    text: 'x {{c1::y}} z'
  - id: c
    type: choice
    prompt: Q
    choices:
      - {text: one, correct: true}
      - {text: two}
"""


@st.composite
def mangled(draw: st.DrawFn) -> bytes:
    """A valid deck with random edits: deletions, insertions of YAML-significant characters,
    duplicated or swapped lines, random bytes."""
    text = bytearray(VALID.encode())
    for _ in range(draw(st.integers(1, 6))):
        op = draw(st.integers(0, 4))
        pos = draw(st.integers(0, len(text)))
        if op == 0 and text:
            del text[pos : pos + draw(st.integers(1, 8))]
        elif op == 1:
            text[pos:pos] = draw(
                st.sampled_from(
                    [
                        b":",
                        b"- ",
                        b"\t",
                        b"&a ",
                        b"*a",
                        b"!!python/object ",
                        b"<<: ",
                        b"{",
                        b"]",
                        b"'",
                        b'"',
                        b"\n  ",
                        b"#",
                        b"%",
                        b"@",
                        b"\xff",
                        b"\x00",
                        b"\xef\xbb\xbf",
                        b"? ",
                        b"|",
                        b">",
                        b"id: a\n",
                        b"type: nope\n",
                        b"{{c1::",
                        b"}}",
                    ]
                )
            )
        elif op == 2:
            lines = bytes(text).split(b"\n")
            i = draw(st.integers(0, len(lines) - 1))
            lines.insert(i, lines[draw(st.integers(0, len(lines) - 1))])
            text = bytearray(b"\n".join(lines))
        elif op == 3:
            text[pos:pos] = draw(st.binary(max_size=6))
        else:
            lines = bytes(text).split(b"\n")
            i, j = draw(st.integers(0, len(lines) - 1)), draw(st.integers(0, len(lines) - 1))
            lines[i], lines[j] = lines[j], lines[i]
            text = bytearray(b"\n".join(lines))
    return bytes(text)


def _check_clean(result: LoadedDeck | list[Problem]) -> None:
    if isinstance(result, LoadedDeck):
        return
    assert isinstance(result, list) and result
    for p in result:
        assert isinstance(p, Problem)
        assert p.line >= 1 and p.column >= 1
        assert p.message and "\n" not in p.message and "Traceback" not in p.message


@settings(max_examples=EXAMPLES * 8, deadline=None)
@given(data=mangled())
def test_mangled_yaml_only_gives_problems(data: bytes) -> None:
    """Edits of a valid deck load, or give located one-line problems; nothing else escapes."""
    _check_clean(load_bytes(data, "fuzz/deck", "fuzz/deck.yaml"))


@settings(max_examples=EXAMPLES * 4, deadline=None)
@given(data=st.one_of(st.binary(max_size=300), st.text(max_size=300).map(str.encode)))
def test_arbitrary_bytes_only_give_problems(data: bytes) -> None:
    """Arbitrary bytes or text load as a deck or give located one-line problems."""
    _check_clean(load_bytes(data, "fuzz/deck", "fuzz/deck.yaml"))


# ---------------------------------------------------------------- time zones and DST

# (zone, spring-forward date, fall-back date) in 2026
TRANSITIONS = [
    ("America/New_York", datetime(2026, 3, 8), datetime(2026, 11, 1)),
    ("Europe/Berlin", datetime(2026, 3, 29), datetime(2026, 10, 25)),
]


@pytest.mark.parametrize(("zone_name", "spring", "autumn"), TRANSITIONS)
@pytest.mark.parametrize("starts_at", [0, 2, 3, 4])
def test_study_days_tile_across_dst(
    zone_name: str, spring: datetime, autumn: datetime, starts_at: int
) -> None:
    """Every moment around both changes is in exactly one study day; days follow each other
    without gap or overlap; a day is 23, 24 or 25 hours, and begins at the wall-clock hour."""
    zone = ZoneInfo(zone_name)
    for change in (spring, autumn):
        start = to_ms(change.replace(tzinfo=UTC) - timedelta(days=3))
        previous = None
        lengths = set()
        for step in range(0, 6 * 24 * 4):  # every 15 minutes for six days
            now = start + step * 900_000
            day = day_at(now, calendar(zone, starts_at))
            assert day.start <= now < day.end
            lengths.add((day.end - day.start) // 3_600_000)
            if previous is not None and previous.start != day.start:
                assert day.start == previous.end
            previous = day
            local = datetime.fromtimestamp(day.start / 1000, zone)
            assert local.hour in (starts_at, starts_at + 1)  # +1: the hour did not exist
        assert lengths <= {23, 24, 25}
        if starts_at == 4:  # a day containing the change itself is short or long
            assert lengths == ({23, 24} if change is spring else {24, 25})


@pytest.mark.parametrize(("zone_name", "spring", "autumn"), TRANSITIONS)
def test_new_card_limit_resets_at_4am_local_across_dst(
    zone_name: str,
    spring: datetime,
    autumn: datetime,
    write_deck: Callable[[str, str], Path],
    isolated: Path,
) -> None:
    """With one new card a day: an answer at 03:30 local counts for the day before, one at
    04:30 for the new day, on the days the clocks change."""
    write_deck("d/deck", basic_deck(10))
    home = isolated / "home"
    home.mkdir(exist_ok=True)
    (home / "config.toml").write_text(f'timezone = "{zone_name}"\nnew_per_day = 1\n')
    zone = ZoneInfo(zone_name)
    col = open_collection()
    session = col.session()
    cards = [c.id for c in col.tree.cards()]
    used = 0
    try:
        for change in (spring, autumn):

            def at(hour: int, minute: int, change: datetime = change) -> int:
                return to_ms(change.replace(hour=hour, minute=minute, tzinfo=zone))

            before, after = at(3, 30), at(4, 30)
            assert session.plan(before).counts.new == 1
            session.answer(cards[used], Rating.GOOD, before)
            used += 1
            assert session.plan(at(3, 50)).counts.new == 0  # still the previous study day
            assert session.plan(after).counts.new == 1  # 04:00 local: a new day
            day = session.day(after)
            assert done_today(col.store.db, day).introduced["d/deck"] == 0
            assert (day.end - day.start) // 3_600_000 == 24
            assert datetime.fromtimestamp(day.start / 1000, zone).hour == 4
    finally:
        col.close()


# ---------------------------------------------------------------- a very large log


def _build_large_log(home: Path, card_ids: list[str], reviews: int) -> None:
    """`reviews` review rows over the given cards, inserted with executemany; the cards cache
    gets each card's last `after` state."""
    Store(home / "quizzer.sqlite3").close()
    db = sqlite3.connect(home / "quizzer.sqlite3", isolation_level=None)
    db.execute("PRAGMA synchronous = OFF")
    rng = random.Random(5)
    day = 86_400_000
    per_card = max(1, reviews // len(card_ids))
    start = T0 - per_card * 3 * day

    def state_json(k: int, at: int, first: int) -> str:  # CardState.to_json(), formatted fast
        if k == 0:
            return CardState("x").to_json()
        return (
            f'{{"state":2,"step":null,"stability":{2.0 + k},"difficulty":5.0,'
            f'"due":{at + 3 * day},"last_review":{at},"reps":{k},"lapses":0,'
            f'"suspended":false,"buried_until":null,"introduced":{first},"leech":false}}'
        )

    db.execute("BEGIN")
    indexes = db.execute(
        "SELECT name, sql FROM sqlite_master WHERE type = 'index' "
        "AND tbl_name = 'log' AND sql IS NOT NULL"
    ).fetchall()
    for name, _ in indexes:  # built once at the end: much faster than row by row
        db.execute(f"DROP INDEX {name}")
    batch: list[tuple[Any, ...]] = []
    finals = []
    n = 0
    for c, card_id in enumerate(card_ids):
        at = first = start + c * 1000
        before = state_json(0, at, first)
        k = 0
        for k in range(per_card):
            if n >= reviews:
                break
            after = state_json(k + 1, at, first)
            batch.append(
                (
                    f"{rng.getrandbits(128):032x}",
                    "dev",
                    at,
                    card_id,
                    "review",
                    1 + (k % 4),
                    "self",
                    None,
                    None,
                    3000,
                    None,
                    None,
                    0 if k == 0 else 2,
                    3.0,
                    0.9,
                    before,
                    after,
                )
            )
            before, at, n = after, at + 3 * day, n + 1
            if len(batch) >= 100_000:
                db.executemany(
                    "INSERT INTO log (uid, device, at, card_id, kind, rating, graded, "
                    "response, verdict, duration_ms, target, until, state_before, "
                    "ivl_before, r_before, before, after) "
                    "VALUES (?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?)",
                    batch,
                )
                batch.clear()
        last = at - 3 * day
        finals.append(
            (card_id, 2, None, 2.0 + k + 1, 5.0, last + 3 * day, last, k + 1, 0, 0, None, first, 0)
        )
    if batch:
        db.executemany(
            "INSERT INTO log (uid, device, at, card_id, kind, rating, graded, response, "
            "verdict, duration_ms, target, until, state_before, ivl_before, r_before, "
            "before, after) VALUES (?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?)",
            batch,
        )
    db.executemany(f"INSERT OR REPLACE INTO cards VALUES ({', '.join('?' * 13)})", finals)
    for _, sql in indexes:
        db.execute(sql)
    db.execute("COMMIT")
    db.close()


@pytest.mark.slow
def test_a_huge_log_still_opens_and_answers(
    write_deck: Callable[[str, str], Path], isolated: Path
) -> None:
    """A log of QUIZZER_RELIABILITY_LOG reviews (5,000,000 for the full run) opens, plans,
    answers and undoes; timings are printed, not asserted."""
    write_deck("big/deck", basic_deck(2000))
    home = isolated / "home"
    home.mkdir(exist_ok=True)
    ids = [f"big/deck:q{i}" for i in range(2000)]
    t = time.perf_counter()
    _build_large_log(home, ids, LOG_SIZE)
    built = time.perf_counter() - t
    timings: dict[str, float] = {}
    t = time.perf_counter()
    col = open_collection()
    timings["open"] = time.perf_counter() - t
    try:
        session = col.session()
        now = T0 + 86_400_000
        t = time.perf_counter()
        plan = session.plan(now)
        timings["plan"] = time.perf_counter() - t
        assert plan.counts.review > 0
        answer_times = []
        for i in range(20):
            card = session.next(now + i * 1000)
            assert card is not None
            t = time.perf_counter()
            session.answer(card.id, Rating.GOOD, now + i * 1000)
            answer_times.append(time.perf_counter() - t)
        t = time.perf_counter()
        undone = session.undo(now + 30_000)
        timings["undo"] = time.perf_counter() - t
        assert undone is not None
        timings["answer p50"] = sorted(answer_times)[len(answer_times) // 2]
        timings["answer max"] = max(answer_times)
        total = col.store.count("SELECT count(*) FROM log")
        assert total == LOG_SIZE + 21
    finally:
        col.close()
    shown = ", ".join(f"{k} {v * 1000:.1f} ms" for k, v in timings.items())
    print(f"\nlog of {LOG_SIZE:,} reviews (built in {built:.1f} s): {shown}")
    assert json.dumps(timings)  # timings are reported, never asserted
