"""Hostile input: every class of bad input ends in a clean message, and sync never stays broken.

Each test tries several variants of its class, beyond the one first reported. Real SQLite, real
files (FIFOs, links, device files), real subprocesses where a hang or a traceback is the risk.
"""

from __future__ import annotations

import json
import os
import shutil
import sqlite3
import subprocess
import sys
from pathlib import Path

import pytest

from quizzer.cli import main
from quizzer.collection import Collection
from quizzer.decks.cache import dump_body, load_body
from quizzer.replay import DeckSettings, replay
from quizzer.state import CardState, Event, EventKind, Rating
from quizzer.store.db import APPLICATION_ID, DB_NAME, Store, StoreError
from quizzer.sync import sync
from quizzer.sync_lines import event_line

T0 = 1_772_438_400_000  # 2026-03-02T08:00Z
MINUTE, DAY = 60_000, 86_400_000
OTHER, EVIL = "0000000000aa", "0000000000bb"  # other devices' ids, as quizzer makes them


def card(i: int) -> str:
    return f"d/deck:q{i}"


def cache_equals_replay(col: Collection) -> bool:
    """The card cache equals a replay of the whole log at once."""
    events = col.store.events()
    expected, _ = replay(events, DeckSettings(col.settings, col.zone))
    for event in events:
        expected.setdefault(event.card_id, CardState(event.card_id))
    return expected == col.store.states()


def good_line(uid: str, device: str = OTHER, **changes: object) -> dict[str, object]:
    data: dict[str, object] = {
        "uid": uid,
        "device": device,
        "at": T0,
        "card_id": card(0),
        "kind": "review",
        "rating": 3,
        "graded": "self",
    }
    data.update(changes)
    return {k: v for k, v in data.items() if v is not None}


# ---------------------------------------------------------------- sync: bad lines

BAD_LINES: list[bytes] = [
    # times outside the years quizzer handles, or not integers
    json.dumps(good_line("t1", at=-62_135_596_800_001)).encode(),
    json.dumps(good_line("t2", at=253_402_300_800_000)).encode(),
    json.dumps(good_line("t3", at=True)).encode(),
    json.dumps(good_line("t4", at=1.5e12)).encode(),
    json.dumps(good_line("t5", at="2026-03-02")).encode(),
    # integers beyond 64 bits in any field, and one of thousands of digits
    json.dumps(good_line("i1", at=2**70)).encode(),
    json.dumps(good_line("i2", rating=2**64 + 3)).encode(),
    json.dumps(good_line("i3", duration_ms=2**63)).encode(),
    json.dumps(good_line("i4", kind="bury", rating=None, until=2**80)).encode(),
    b'{"uid":"i5","device":"0000000000aa","at":'
    + b"9" * 5000
    + b',"card_id":"d/deck:q0","kind":"cram"}',
    # deep nesting, containers and constants where scalars belong
    b'{"uid":"n1","device":"0000000000aa","at":1,"card_id":"d/deck:q0","kind":"review","rating":'
    + b"[" * 100_000
    + b"]" * 100_000
    + b"}",
    json.dumps(good_line("n2", response={"a": [1, 2]})).encode(),
    json.dumps(good_line("n3", card_id=["d/deck:q0"])).encode(),
    json.dumps({**good_line("n4"), "uid": {"x": 1}}).encode(),
    b'{"uid":"n5","device":"0000000000aa","at":NaN,"card_id":"d/deck:q0","kind":"review","rating":3}',
    b'{"uid":"n6","device":"0000000000aa","at":Infinity,"card_id":"d/deck:q0","kind":"cram","rating":3}',
    # coerced values that are not ratings or durations
    json.dumps(good_line("r1", rating=3.7)).encode(),
    json.dumps(good_line("r2", rating=True)).encode(),
    json.dumps(good_line("r3", rating="3")).encode(),
    json.dumps(good_line("r4", rating=0)).encode(),
    json.dumps(good_line("r5", kind="suspend")).encode(),  # a suspension with a rating
    json.dumps(good_line("d1", duration_ms="slow")).encode(),
    json.dumps(good_line("d2", duration_ms=-5)).encode(),
    json.dumps(good_line("d3", duration_ms=3.5)).encode(),
    # bad ids, kinds, keys, shapes, encodings
    json.dumps(good_line("c1", card_id="no-colon")).encode(),
    json.dumps(good_line("c2", card_id="d/deck:q0#c99999999999999999999")).encode(),
    json.dumps(good_line("c3", card_id="D/Deck:Q0")).encode(),
    json.dumps(good_line("k3", verdict="maybe")).encode(),
    json.dumps(good_line("k4", kind="undo", rating=None)).encode(),  # undo without a target
    json.dumps(good_line("k5", kind="bury", rating=None)).encode(),  # bury without a time
    json.dumps(good_line("k6", response="x" * 20_000)).encode(),
    json.dumps(good_line("dev", device="someone-else")).encode(),  # not this file's device
    b'{"uid":"dup","uid":"dup2","device":"0000000000aa","at":1,"card_id":"d/deck:q0","kind":"cram"}',
    b"[1, 2, 3]",
    b'"just a string"',
    b"\xff\xfe not utf-8",
    b"{not json",
]


def test_bad_lines_are_reported_once_and_sync_goes_on(device, isolated: Path) -> None:
    a = device("a")
    folder = isolated / "shared"
    folder.mkdir()
    valid = [good_line(f"ok{i}", card_id=card(i), at=T0 + i * MINUTE) for i in range(3)]
    lines = [json.dumps(valid[0]).encode(), *BAD_LINES, json.dumps(valid[1]).encode()]
    (folder / f"{OTHER}.jsonl").write_bytes(b"\n".join(lines) + b"\n")
    report = sync(a.store, a.settings, a.zone, folder, T0 + DAY)
    assert report.received == 2
    bad = [p for p in report.problems if "not a valid event" in p]
    assert len(bad) == len(BAD_LINES)
    assert all(f"{OTHER}.jsonl: byte " in p for p in bad)
    offsets = {int(p.split("byte ")[1].split(":")[0]) for p in bad}
    assert len(offsets) == len(BAD_LINES)  # each names its own place

    # the read mark moved past them: the next sync does not report them again, and goes on
    with (folder / f"{OTHER}.jsonl").open("ab") as fh:
        fh.write(json.dumps(valid[2]).encode() + b"\n")
    report = sync(a.store, a.settings, a.zone, folder, T0 + DAY)
    assert report.received == 1
    assert not [p for p in report.problems if "not a valid event" in p]
    assert cache_equals_replay(a)
    # the exports that read stored fields still work
    assert main(["export", "reviews", "-o", str(isolated / "r.csv")]) == 0


def test_lines_of_a_newer_quizzer_wait_for_an_update(
    device, isolated: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """An event of a kind, or with a key, this version does not know is what a newer quizzer
    writes: it is kept aside, said once a sync, and taken in once quizzer reads it."""
    import quizzer.sync as sync_module
    from quizzer.sync_lines import check_event

    a = device("a")
    folder = isolated / "shared"
    folder.mkdir()
    lines = [
        good_line("ok0", at=T0),
        good_line("new1", card_id=card(1), at=T0 + MINUTE, elapsed_days=0),
        good_line("new2", card_id=card(2), at=T0 + 2 * MINUTE, kind="flag", rating=None),
        good_line("ok1", card_id=card(3), at=T0 + 3 * MINUTE),
    ]
    other = folder / f"{OTHER}.jsonl"
    other.write_bytes(b"".join(json.dumps(line).encode() + b"\n" for line in lines))
    for _ in range(2):  # kept, and said again at the next sync
        report = sync(a.store, a.settings, a.zone, folder, T0 + DAY)
        assert not [p for p in report.problems if "not a valid event" in p]
        assert [p for p in report.problems if "newer" in p] == [
            "2 received events written by a newer version of quizzer kept aside: update "
            "quizzer on this device, and the next sync takes them in"
        ]
    assert a.store.state(card(1)).reps == 0

    def updated(raw: bytes) -> Event:  # a version that knows the new key (and ignores it)
        data = json.loads(raw)
        data.pop("elapsed_days", None)
        return check_event(data)

    monkeypatch.setattr(sync_module, "parse_line", updated)
    report = sync(a.store, a.settings, a.zone, folder, T0 + DAY)
    assert report.received == 1 and a.store.state(card(1)).reps == 1
    assert any(p.startswith("1 received event written by a newer") for p in report.problems)
    assert cache_equals_replay(a)


def test_a_bad_line_does_not_break_another_device(device, isolated: Path) -> None:
    """Every device reading the folder skips the same line and agrees on the rest."""
    a, b = device("a"), device("b")
    folder = isolated / "shared"
    folder.mkdir()
    (folder / f"{EVIL}.jsonl").write_bytes(
        json.dumps(good_line("e1", device=EVIL, duration_ms="slow")).encode()
        + b"\n"
        + json.dumps(good_line("e2", device=EVIL, card_id=card(1))).encode()
        + b"\n"
    )
    for col in (a, b):
        report = sync(col.store, col.settings, col.zone, folder, T0 + DAY)
        assert report.received == 1
    sync(a.store, a.settings, a.zone, folder, T0 + DAY)
    assert a.store.states() == b.store.states()


# ---------------------------------------------------------------- sync: the own file


@pytest.mark.parametrize(
    "kind", ["symlink-to-file", "dangling-symlink", "fifo", "folder", "hard-link"]
)
def test_the_own_file_is_never_followed_or_written_through(device, isolated: Path, kind) -> None:
    a = device("a")
    a.session().answer(card(0), Rating.GOOD, T0)
    folder = isolated / "shared"
    folder.mkdir()
    own = folder / f"{a.store.device}.jsonl"
    victim = isolated / "victim.txt"
    victim.write_text("precious\n")
    if kind == "symlink-to-file":
        own.symlink_to(victim)
    elif kind == "dangling-symlink":
        own.symlink_to(isolated / "nowhere.txt")
    elif kind == "fifo":
        os.mkfifo(own)
    elif kind == "hard-link":
        os.link(victim, own)
    else:
        own.mkdir()
    assert main(["sync", str(folder)]) == 2
    assert victim.read_text() == "precious\n"
    assert not (isolated / "nowhere.txt").exists()
    # after moving it aside, sync works
    if own.is_dir() and not own.is_symlink():
        own.rmdir()
    else:
        own.unlink()
    assert main(["sync", str(folder)]) == 0
    assert own.is_file() and not own.is_symlink()


@pytest.mark.parametrize("special", ["fifo", "dev-zero"])
def test_other_devices_special_files_are_skipped(device, isolated: Path, special) -> None:
    a = device("a")
    folder = isolated / "shared"
    folder.mkdir()
    target = folder / f"{OTHER}.jsonl"
    if special == "fifo":
        os.mkfifo(target)
    else:
        target.symlink_to("/dev/zero")
    report = sync(a.store, a.settings, a.zone, folder, T0)
    assert any("not a regular file" in p for p in report.problems)


@pytest.mark.parametrize("piece", [8 * 1024 * 1024, 300])
def test_a_huge_device_file_is_read_in_bounded_parts(
    device, isolated: Path, monkeypatch: pytest.MonkeyPatch, piece: int
) -> None:
    """A sync reads at most MAX_READ bytes of a file (in pieces of READ_PIECE); the next reads
    on from there."""
    import quizzer.sync

    monkeypatch.setattr(quizzer.sync, "MAX_READ", 1000)
    monkeypatch.setattr(quizzer.sync, "READ_PIECE", piece)
    a = device("a")
    folder = isolated / "shared"
    folder.mkdir()
    lines = [json.dumps(good_line(f"h{i}", card_id=card(i % 6), at=T0 + i)) for i in range(30)]
    (folder / f"{OTHER}.jsonl").write_text("\n".join(lines) + "\n" + "x" * 3000 + "\n")
    received, rounds = 0, 0
    while rounds < 20:
        report = sync(a.store, a.settings, a.zone, folder, T0 + DAY)
        received += report.received
        rounds += 1
        if not any("sync again" in p for p in report.problems):
            break
    assert received == 30 and rounds > 3
    assert cache_equals_replay(a)


# ---------------------------------------------------------------- sync: forged undo and the future


def test_a_forged_undo_cannot_cancel_another_cards_or_devices_answer(
    device, isolated: Path
) -> None:
    a, b = device("a"), device("b")
    folder = isolated / "shared"
    folder.mkdir()
    mine = a.session().answer(card(0), Rating.EASY, T0).event
    sync(a.store, a.settings, a.zone, folder, T0 + MINUTE)
    before = a.store.state(card(0))
    theirs = good_line("t1", card_id=card(2), at=T0 + MINUTE)
    forged = [
        # an undo on another card naming this device's answer
        good_line("f1", kind="undo", rating=None, card_id=card(1), target=mine.uid),
        # an undo of the same card, but from another device
        good_line("f2", kind="undo", rating=None, card_id=card(0), target=mine.uid),
        theirs,
        # their own undo of their answer (valid), then an undo of that undo
        good_line("u1", kind="undo", rating=None, card_id=card(2), target="t1", at=T0 + 2 * MINUTE),
        good_line("u2", kind="undo", rating=None, card_id=card(2), target="u1", at=T0 + 3 * MINUTE),
    ]
    other = folder / f"{OTHER}.jsonl"
    other.write_bytes(b"".join(json.dumps(f).encode() + b"\n" for f in forged))
    report = sync(a.store, a.settings, a.zone, folder, T0 + 2 * MINUTE)
    refused = [p for p in report.problems if "its target is an event of another card" in p]
    assert len(refused) == 3
    assert a.store.state(card(2)).reps == 0  # their answer stays undone
    assert a.store.state(card(0)) == before
    assert cache_equals_replay(a)
    # a real undo travels: device b learns of a's answer and of its undo
    a.session().undo(T0 + 3 * MINUTE)
    sync(a.store, a.settings, a.zone, folder, T0 + 4 * MINUTE)
    sync(b.store, b.settings, b.zone, folder, T0 + 4 * MINUTE)
    assert b.store.state(card(0)).reps == 0


def test_events_from_the_future_wait_for_their_time(device, isolated: Path) -> None:
    a = device("a")
    folder = isolated / "shared"
    folder.mkdir()
    now = T0
    future = [
        good_line("soon", at=now + DAY - 1),  # within a day: applied
        good_line("later", at=now + 3 * DAY, card_id=card(1)),
        good_line("far", at=now + 3650 * DAY, card_id=card(2)),
    ]
    other = folder / f"{OTHER}.jsonl"
    other.write_bytes(b"".join(json.dumps(f).encode() + b"\n" for f in future))
    report = sync(a.store, a.settings, a.zone, folder, now)
    assert report.received == 1
    assert any("2 received events" in p and "held back" in p for p in report.problems)
    assert a.store.state(card(1)).reps == 0 and a.store.state(card(2)).reps == 0
    report = sync(a.store, a.settings, a.zone, folder, now + 2 * DAY + 1)
    assert report.received == 1 and a.store.state(card(1)).reps == 1
    assert any("1 received event " in p for p in report.problems)
    assert a.store.state(card(2)).reps == 0
    assert cache_equals_replay(a)


def test_an_answer_held_back_and_undone_meanwhile_stays_undone(device, isolated: Path) -> None:
    """Device A answers with its clock three days ahead, then, its clock set right, undoes that
    answer. B holds the answer back until its time, and has meanwhile received the undo: when the
    answer is let in, it arrives undone, and both devices hold the same card."""
    a, b = device("a"), device("b")
    folder = isolated / "shared"
    folder.mkdir()
    first = a.session()
    first.answer(card(0), Rating.GOOD, T0)
    first.answer(card(0), Rating.GOOD, T0 + 15 * MINUTE)
    ahead = T0 + 3 * DAY
    first.answer(card(0), Rating.GOOD, ahead)
    sync(a.store, a.settings, a.zone, folder, ahead)
    report = sync(b.store, b.settings, b.zone, folder, T0 + 15 * MINUTE)
    assert any("held back" in p for p in report.problems)
    assert a.session().undo(T0 + 20 * MINUTE) is not None
    for col in (a, b):
        sync(col.store, col.settings, col.zone, folder, T0 + 20 * MINUTE)
    for col in (b, a):
        sync(col.store, col.settings, col.zone, folder, ahead + DAY)
    assert b.store.state(card(0)) == a.store.state(card(0))
    assert b.store.state(card(0)).reps == 2
    assert cache_equals_replay(a) and cache_equals_replay(b)


# ---------------------------------------------------------------- the cache never drifts


def test_out_of_time_order_answers_keep_the_cache_equal_to_a_replay(device) -> None:
    a = device("a")
    session = a.session()
    # a clock that steps back, then two answers in one millisecond, then a bury and an undo
    session.answer(card(0), Rating.GOOD, T0 + 10 * MINUTE)
    session.answer(card(0), Rating.AGAIN, T0 + 5 * MINUTE)
    session.answer(card(0), Rating.EASY, T0 + 5 * MINUTE)
    session.answer(card(0), Rating.HARD, T0 + 5 * MINUTE)
    session.answer(card(1), Rating.GOOD, T0 + DAY)
    session.bury(card(1), T0 + MINUTE)
    session.undo(T0)
    assert cache_equals_replay(a)
    assert main(["rebuild"]) == 0


def test_two_processes_in_one_millisecond_keep_the_cache_equal(device, isolated: Path) -> None:
    device("a").close()
    script = (
        "import sys\n"
        "from quizzer.collection import open_collection\n"
        "from quizzer.state import Rating\n"
        "col = open_collection(); s = col.session()\n"
        "for i in range(40):\n"
        "    s.answer('d/deck:q%d' % (i % 3), Rating(1 + i % 4), 1772438400000 + i // 4)\n"
    )
    env = {**os.environ, "QUIZZER_HOME": str(isolated / "a")}
    procs = [subprocess.Popen([sys.executable, "-c", script], env=env) for _ in range(2)]
    assert [p.wait(timeout=120) for p in procs] == [0, 0]
    a = device("a")
    assert a.store.count("SELECT count(*) FROM log") == 80
    assert cache_equals_replay(a)


# ---------------------------------------------------------------- the database file


def foreign_databases(folder: Path) -> list[Path]:
    made = []
    for name, setup in [
        ("plain", "CREATE TABLE notes (id INTEGER PRIMARY KEY, body TEXT)"),
        ("app-id", "PRAGMA application_id = 1234; CREATE TABLE t (x)"),
        ("lookalike", "CREATE TABLE log (x); CREATE TABLE other (y)"),
        ("marked-empty", "PRAGMA application_id = 99"),
        ("journal-newer", "PRAGMA user_version = 99; CREATE TABLE meta (k); CREATE TABLE log (x)"),
    ]:
        home = folder / name
        home.mkdir()
        db = sqlite3.connect(home / DB_NAME)
        db.executescript(setup)
        db.close()
        made.append(home / DB_NAME)
    return made


def test_other_sqlite_files_are_refused_without_changing_a_byte(isolated: Path) -> None:
    for path in foreign_databases(isolated):
        before = path.read_bytes()
        with pytest.raises(StoreError, match=r"not a quizzer database|newer quizzer"):
            Store(path)
        assert path.read_bytes() == before, path
        assert not path.with_name(DB_NAME + "-wal").exists()
        # the command line says the same in one line
        assert main(["due", "--data-dir", str(path.parent)]) == 2


def test_quizzer_databases_are_marked_and_old_ones_adopted(isolated: Path) -> None:
    store = Store()
    path = store.path
    assert store.db.execute("PRAGMA application_id").fetchone()[0] == APPLICATION_ID
    store.db.execute("PRAGMA application_id = 0")  # as quizzer wrote them before the mark
    store.close()
    with Store(path) as again:
        assert again.db.execute("PRAGMA application_id").fetchone()[0] == APPLICATION_ID
    empty = isolated / "empty" / DB_NAME
    empty.parent.mkdir()
    empty.touch()
    Store(empty).close()  # a zero-byte file is a new database


def flip_bytes(path: Path, seed: int, count: int = 8) -> None:
    import random

    rng = random.Random(seed)
    data = bytearray(path.read_bytes())
    for _ in range(count):
        i = rng.randrange(100, len(data))
        data[i] ^= 1 << rng.randrange(8)
    path.write_bytes(bytes(data))


def run_quizzer(*args: str, env: dict[str, str]) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-m", "quizzer", *args],
        env=env,
        capture_output=True,
        text=True,
        timeout=120,
        stdin=subprocess.DEVNULL,
    )


def test_damaged_databases_give_one_line_and_are_not_written(
    device, isolated: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    a = device("a")
    s = a.session()
    for i in range(300):
        s.answer(card(i % 6), Rating(1 + i % 4), T0 + i * MINUTE)
    a.close()
    base = isolated / "a" / DB_NAME
    db = sqlite3.connect(base)
    db.execute("PRAGMA wal_checkpoint(TRUNCATE)")
    db.execute("PRAGMA journal_mode = DELETE")
    db.close()
    pristine = base.read_bytes()
    commands = [["due"], ["next"], ["stats", "--json"], ["answer", card(0), "good"], ["check"]]
    for seed in range(int(os.environ.get("QUIZZER_HOSTILE_SEEDS", "12"))):
        home = isolated / f"flip{seed}"
        home.mkdir()
        (home / DB_NAME).write_bytes(pristine)
        flip_bytes(home / DB_NAME, seed)
        env = {**os.environ, "QUIZZER_HOME": str(home)}
        for command in commands:
            result = run_quizzer(*command, env=env)
            assert "Traceback" not in result.stderr, (seed, command, result.stderr)
            assert result.returncode in (0, 1, 2), (seed, command)
            if result.returncode == 2:
                assert len(result.stderr.strip().splitlines()) == 1, result.stderr
        if (home / (DB_NAME + ".damaged")).exists():
            damaged = (home / DB_NAME).read_bytes()
            result = run_quizzer("answer", card(1), "good", env=env)
            assert result.returncode == 2 and "quizzer check" in result.stderr
            assert (home / DB_NAME).read_bytes() == damaged


def test_a_file_that_is_no_database_is_named_and_check_is_not_sent_to_itself(
    isolated: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    """SQLite cannot read the file at all: every command, `check` included, says so in one line
    and what to do, and none sends the learner to `quizzer check`, which can say no more."""
    home = isolated / "home"
    home.mkdir()
    garbage = b"not a database at all\n" * 50
    (home / DB_NAME).write_bytes(garbage)
    for command in (["due"], ["check"], ["check", "--json"], ["answer", card(0), "good"]):
        assert main(command) == 2
        err = capsys.readouterr().err
        assert err.count("\n") == 1 and "damaged beyond reading" in err, err
        assert "quizzer check" not in err and "move it aside" in err
    assert (home / DB_NAME).read_bytes() == garbage


def test_check_reports_drift_and_damage(device, isolated: Path, capsys) -> None:
    a = device("a")
    a.session().answer(card(0), Rating.GOOD, T0)
    assert main(["check"]) == 0
    assert "sound; the card cache equals a replay of the log (1 card)" in capsys.readouterr().out
    a.store.db.execute("UPDATE cards SET reps = 7")
    assert main(["check", "--json"]) == 1
    out = json.loads(capsys.readouterr().out)
    assert out["drift"] == [card(0)] and out["integrity"] == ["ok"] and not out["ok"]
    assert out["totals"] == "equal"
    assert main(["rebuild"]) == 0
    assert main(["check"]) == 0
    assert "the statistics totals equal a recomputation" in capsys.readouterr().out
    # totals that disagree with the log (a script editing them) are found, and rebuilt
    for edit in ("UPDATE agg_days SET n = n + 1", "DELETE FROM agg_hours"):
        a.store.db.execute(edit)
        assert main(["check"]) == 1
        assert "statistics totals differ" in capsys.readouterr().out
        assert main(["rebuild"]) == 0
        assert main(["check"]) == 0


def test_check_tells_cards_scheduled_under_other_settings_from_drift(
    device, isolated: Path, capsys
) -> None:
    """After a change of desired retention, a replay would move the cards answered before it:
    they hold what their log recorded, so check names them as what `rebuild` would reschedule,
    and passes; a cache edited behind quizzer's back still fails."""
    (isolated / "a").mkdir(parents=True, exist_ok=True)
    config = isolated / "a" / "config.toml"
    config.write_text("learning_steps = []\n", encoding="utf-8")
    a = device("a")
    for i in range(3):
        a.session().answer(card(i), Rating.GOOD, T0 + i * 60_000)
    config.write_text("learning_steps = []\ndesired_retention = 0.75\n", encoding="utf-8")
    assert main(["check", "--json"]) == 0
    out = json.loads(capsys.readouterr().out)
    assert out["rescheduled"] == [card(0), card(1), card(2)] and out["drift"] == [] and out["ok"]
    assert main(["check"]) == 0
    assert "3 cards would move if the log were replayed with today's settings" in (
        capsys.readouterr().out
    )
    a.store.db.execute("UPDATE cards SET reps = 7 WHERE card_id = ?", (card(1),))
    assert main(["check", "--json"]) == 1
    out = json.loads(capsys.readouterr().out)
    assert out["drift"] == [card(1)] and out["rescheduled"] == [card(0), card(2)]
    assert main(["rebuild"]) == 0
    assert "3 changed" in capsys.readouterr().out
    assert main(["check", "--json"]) == 0
    out = json.loads(capsys.readouterr().out)
    assert out["drift"] == out["rescheduled"] == []


@pytest.mark.skipif(shutil.which("unshare") is None, reason="needs unshare to mount a tmpfs")
def test_a_full_disk_is_named(isolated: Path, device) -> None:
    mount = isolated / "small"
    mount.mkdir()
    script = f"""
set -e
mount -t tmpfs -o size=1m tmpfs {mount}
export QUIZZER_HOME={mount}/home
"{sys.executable}" -m quizzer answer d/deck:q0 good >/dev/null
rm -f {mount}/home/{DB_NAME}-wal {mount}/home/{DB_NAME}-shm
dd if=/dev/zero of={mount}/fill bs=4k 2>/dev/null || true
for c in due next decks; do "{sys.executable}" -m quizzer $c || true; done
"""
    probe = subprocess.run(["unshare", "-rm", "true"], capture_output=True)
    if probe.returncode != 0:
        pytest.skip("user namespaces are not available")
    result = subprocess.run(
        ["unshare", "-rm", "sh", "-c", script], capture_output=True, text=True, timeout=120
    )
    errors = [ln for ln in result.stderr.splitlines() if ln.startswith("quizzer: error")]
    assert len(errors) >= 2, result.stderr
    assert all("the disk is full" in ln for ln in errors), result.stderr
    assert "Traceback" not in result.stderr


# ---------------------------------------------------------------- command line and time


def test_answers_are_bounded_and_held_to_the_queue(sample_tree, capsys) -> None:
    for bad in ("-1", "86400001", str(2**63), "1e3", "lots"):
        assert main(["answer", "demo/sample:basic-q", "good", "--duration-ms", bad]) == 2
    assert main(["suspend", "demo/sample:basic-q"]) == 0
    capsys.readouterr()
    assert main(["answer", "demo/sample:basic-q", "good"]) == 2
    assert "quizzer unsuspend demo/sample:basic-q" in capsys.readouterr().err
    assert main(["bury", "demo/sample:typed-q"]) == 0
    assert main(["answer", "demo/sample:typed-q", "--response", "CTC"]) == 2
    assert "buried" in capsys.readouterr().err


@pytest.mark.parametrize(
    "argv",
    [
        ["answer", "demo/sample:basic-q", "good", "--rating", "4"],
        ["answer", "demo/sample:basic-q", "--rating", "great"],
        ["answer", "demo/sample:basic-q", "good", "--response", "x"],
        ["export", "reviews", "--with-progress"],
        ["export", "reviews", "demo/sample"],
        ["export", "anki", "--format", "csv"],
        ["stats", "--days", "0"],
        ["stats", "--days", "-3"],
    ],
)
def test_conflicting_or_out_of_range_options_are_usage_errors(sample_tree, argv, capsys) -> None:
    assert main(argv) == 2
    err = capsys.readouterr().err
    assert "error" in err and "Traceback" not in err


@pytest.mark.parametrize(
    "now",
    [
        "0001-01-01T00:00:00",
        "0001-01-01T00:00:00+14:00",
        "9999-12-31T23:59:59",
        "9999-12-31T23:59:59-14:00",
        "1969-12-31T23:59:59Z",
        "9000-01-01",
    ],
)
def test_quizzer_now_at_the_ends_of_time_is_a_clean_error(sample_tree, now, monkeypatch, capsys):
    monkeypatch.setenv("QUIZZER_NOW", now)
    for command in (["due"], ["next"], ["answer", "demo/sample:basic-q", "good"], ["stats"]):
        assert main(command) == 2
        assert "QUIZZER_NOW" in capsys.readouterr().err


@pytest.mark.parametrize(
    ("tz", "hour"),
    [
        ("UTC0", 9),
        ("JST-9", 18),
        (":/usr/share/zoneinfo/Europe/Paris", 10),
        ("EST5EDT,M3.2.0,M11.1.0", 4),
        ("<+0330>-3:30", 12),
        (":Asia/Tokyo", 18),
    ],
)
def test_posix_tz_values_are_honoured(sample_tree, monkeypatch, tz, hour, capsys) -> None:
    if tz.startswith(":/") and not Path(tz[1:]).exists():
        pytest.skip("no system zoneinfo")
    monkeypatch.setenv("TZ", tz)
    monkeypatch.setenv("QUIZZER_NOW", "2026-03-02T09:00:00Z")
    import quizzer.clock

    quizzer.clock._env_zone.cache_clear()
    from quizzer.clock import from_ms, local_zone

    assert from_ms(T0 + 3_600_000).astimezone(local_zone()).hour == hour
    assert main(["due"]) == 0
    assert main(["answer", "demo/sample:basic-q", "good"]) == 0
    assert "warning" not in capsys.readouterr().err


@pytest.mark.parametrize(
    "line",
    [
        "parameters = [" + ", ".join(["nan"] + ["0.5"] * 20) + "]",
        "parameters = [" + ", ".join(["inf"] * 21) + "]",
        "learning_steps = [inf]",
        "relearning_steps = [nan]",
        "learning_steps = [1e308]",
        "desired_retention = nan",
        "day_starts_at = 99999999999999999999999",
        "timezone = 'Mars/Olympus'",
        "new_per_day = " + "[" * 5000 + "]" * 5000,
    ],
)
def test_hostile_config_values_are_one_line_errors(sample_tree, isolated, line, capsys) -> None:
    (isolated / "home").mkdir(exist_ok=True)
    (isolated / "home" / "config.toml").write_text(line + "\n")
    assert main(["next"]) == 2
    err = capsys.readouterr().err
    assert err.startswith("quizzer: error: ") and len(err.strip().splitlines()) == 1


def test_without_tz_the_system_zone_goes_by_its_name(monkeypatch) -> None:
    """Without TZ the zone comes from /etc/localtime and is named as its link names it (stats
    and `export reviews` then say the same name), not 'localtime'."""
    import os

    from quizzer.clock import local_zone

    target = os.path.realpath("/etc/localtime")
    if "zoneinfo/" not in target:
        pytest.skip("/etc/localtime is not a link into a zoneinfo folder")
    monkeypatch.delenv("TZ")
    zone = local_zone()
    name = getattr(zone, "key", "")
    assert name != "localtime" and target.endswith("zoneinfo/" + name)


def test_a_meaningless_tz_falls_back_to_utc_with_a_warning(sample_tree, monkeypatch, capsys):
    import quizzer.clock

    for tz in ("Not/AZone", "garbage!", ":/nonexistent/file", "\x1b[31m"):
        quizzer.clock._env_zone.cache_clear()
        monkeypatch.setenv("TZ", tz)
        assert main(["due"]) == 0
        assert "is not a time zone; using UTC" in capsys.readouterr().err


def test_written_lines_read_back_exactly() -> None:
    from quizzer.sync_lines import parse_line

    event = Event(
        "u1", "dev", T0, card(0), EventKind.REVIEW, Rating.HARD, "auto", "é\x1b", "close", 5
    )
    assert parse_line(event_line(event).rstrip(b"\n")) == event


# ---------------------------------------------------------------- decks

GOOD_DECK = "title: Good\nquestions:\n  - {id: a, type: basic, prompt: P, answer: A}\n"
NUMERIC = "title: T\nquestions:\n  - {id: a, type: numeric, prompt: P, "
BROKEN_DECKS = {
    "deep-flow": "title: T\nquestions:\n  - {id: a, type: basic, prompt: P, answer: "
    + "[" * 900
    + "]" * 900
    + "}\n",
    "deep-block": "title: T\nquestions:\n"
    + "".join("  " * i + "- \n" for i in range(1, 60))
    + "\n",
    "deep-map": "title: T\nextra: " + "{a: " * 200 + "1" + "}" * 200 + "\nquestions: []\n",
    "long-int-answer": "title: T\nquestions:\n  - {id: a, type: numeric, prompt: P, answer: "
    + "7" * 5000
    + "}\n",
    "long-int-key": "title: T\n" + "9" * 4400 + ": x\nquestions: []\n",
    "two-documents": GOOD_DECK + "---\n" + GOOD_DECK,
    "empty-second-document": GOOD_DECK + "---\n",
    "inf-answer": NUMERIC + "answer: .inf}\n",
    "minus-inf-answer": NUMERIC + "answer: -.Inf}\n",
    "nan-answer": NUMERIC + "answer: .NaN}\n",
    "overflow-answer": NUMERIC + "answer: 1e999}\n",
    "huge-int-answer": NUMERIC + "answer: " + "9" * 400 + "}\n",
    "huge-int-tolerance": NUMERIC + "answer: 1, tolerance: " + "9" * 400 + "}\n",
    "inf-tolerance": "title: T\nquestions:\n"
    "  - {id: a, type: numeric, prompt: P, answer: 1, tolerance: .inf}\n",
    "nan-tolerance-text": "title: T\nquestions:\n"
    "  - {id: a, type: numeric, prompt: P, answer: 1, tolerance: 'nan'}\n",
    "inf-percent": "title: T\nquestions:\n"
    "  - {id: a, type: numeric, prompt: P, answer: 1, tolerance: 'inf%'}\n",
    "huge-cloze": "title: T\nquestions:\n"
    "  - {id: a, type: cloze, text: 'x {{c9223372036854775808::y}}'}\n",
    "cloze-1000": "title: T\nquestions:\n  - {id: a, type: cloze, text: 'x {{c1000::y}}'}\n",
}


@pytest.fixture
def hostile_tree(write_deck) -> Path:
    path = write_deck("good", GOOD_DECK)
    for name, text in BROKEN_DECKS.items():
        (path.parent / f"{name}.yaml").write_text(text, encoding="utf-8")
    return path.parent


def test_each_broken_deck_is_a_located_lint_error(hostile_tree: Path, capsys) -> None:
    assert main(["lint", str(hostile_tree)]) == 1
    out = capsys.readouterr().out.splitlines()
    for name in BROKEN_DECKS:
        lines = [ln for ln in out if ln.startswith(f"{hostile_tree}/{name}.yaml:")]
        assert lines, f"{name} was accepted"
        assert all(ln.split(":")[1].isdigit() and ln.split(":")[2].isdigit() for ln in lines)
    assert not [ln for ln in out if "/good.yaml" in ln and ": warning: " not in ln]


@pytest.mark.parametrize(
    "argv",
    [
        ["due"],
        ["next"],
        ["next", "--json"],
        ["decks"],
        ["stats", "--json"],
        ["answer", "good:a", "good"],
        ["export", "anki", "-o", "OUT"],
        ["export", "anki", "--with-progress", "-o", "OUT"],
        ["orphans"],
    ],
)
def test_every_command_skips_broken_decks(hostile_tree: Path, argv, capsys, isolated) -> None:
    argv = [str(isolated / "out.apkg") if a == "OUT" else a for a in argv]
    assert main(argv) == 0
    assert "Traceback" not in capsys.readouterr().err


def special_files(root: Path, isolated: Path) -> None:
    os.mkfifo(root / "fifo.yaml")
    (root / "zero.yaml").symlink_to("/dev/zero")
    (root / "folder.yaml").mkdir()
    with (root / "huge.yaml").open("wb") as fh:  # sparse: 9 MB of nothing on disk
        fh.truncate(9 * 1024 * 1024)
    os.mkfifo(root / "_order.txt")


def test_special_files_never_hang_or_exhaust_memory(write_deck, isolated: Path) -> None:
    """FIFOs, device files, folders and oversized files where decks, the order file, the config
    and images are expected: every command finishes with located messages."""
    root = write_deck("good", GOOD_DECK).parent
    special_files(root, isolated)
    home = isolated / "home"
    home.mkdir(exist_ok=True)
    os.mkfifo(home / "config.toml")
    env = {**os.environ, "QUIZZER_HOME": str(home), "QUIZZER_DECKS": str(root)}
    result = run_quizzer("lint", str(root), env=env)
    assert result.returncode == 1
    for name in ("fifo", "zero", "folder"):
        assert f"{name}.yaml:1:1: cannot read file: not a regular file" in result.stdout
    assert "huge.yaml:1:1: cannot read file: larger than the 8 MB limit" in result.stdout
    result = run_quizzer("due", env=env)
    assert (
        result.returncode == 2 and "config.toml: cannot read: not a regular file" in result.stderr
    )
    (home / "config.toml").unlink()
    for command in (["due"], ["next"], ["decks"]):
        result = run_quizzer(*command, env=env)
        assert result.returncode == 0, result.stderr
        assert "Traceback" not in result.stderr


def without_root_powers(command: list[str]) -> list[str]:
    """`command` run so that file permissions hold, as for any user: root's power to read past
    them is dropped (it would otherwise read a folder of mode 000)."""
    if os.geteuid() != 0:
        return command
    if shutil.which("setpriv") is None:
        pytest.skip("needs setpriv to drop root's power over file permissions")
    return ["setpriv", "--bounding-set=-dac_override,-dac_read_search", *command]


def test_an_unreadable_folder_is_named_and_the_rest_studied(write_deck, isolated: Path) -> None:
    root = write_deck("good", GOOD_DECK).parent
    write_deck("locked/hidden", GOOD_DECK)
    (root / "locked").chmod(0)
    env = {**os.environ, "QUIZZER_HOME": str(isolated / "home"), "QUIZZER_DECKS": str(root)}
    try:
        for command in (["lint", str(root)], ["decks"], ["due"], ["due"]):
            result = subprocess.run(
                without_root_powers([sys.executable, "-m", "quizzer", *command]),
                env=env,
                capture_output=True,
                text=True,
                timeout=120,
                stdin=subprocess.DEVNULL,
            )
            said = result.stdout + result.stderr
            assert "Traceback" not in said
            assert "locked:1:1: cannot read folder: Permission denied; its decks" in said
            assert result.returncode == (1 if command[0] == "lint" else 0), said
        assert (
            "good"
            in subprocess.run(
                without_root_powers([sys.executable, "-m", "quizzer", "decks"]),
                env=env,
                capture_output=True,
                text=True,
                timeout=120,
                stdin=subprocess.DEVNULL,
            ).stdout
        )
    finally:
        (root / "locked").chmod(0o755)


@pytest.mark.parametrize("kind", ["fifo", "dev-zero", "folder", "huge"])
def test_special_image_files_are_refused_by_export(write_deck, isolated: Path, kind) -> None:
    root = isolated / "decks"
    write_deck("pics", GOOD_DECK.replace("answer: A", "answer: '![x](media/x.png)'"))
    media = root / "media"
    media.mkdir()
    target = media / "x.png"
    if kind == "fifo":
        os.mkfifo(target)
    elif kind == "dev-zero":
        target.symlink_to("/dev/zero")
    elif kind == "folder":
        target.mkdir()
    else:
        with target.open("wb") as fh:
            fh.truncate(65 * 1024 * 1024)
    env = {**os.environ, "QUIZZER_DECKS": str(root)}
    result = run_quizzer("export", "anki", "-o", str(isolated / "o.apkg"), env=env)
    assert result.returncode == 2
    # a link out of the decks folder is refused before it is opened
    assert "cannot be used" in result.stderr or "leaves the decks folder" in result.stderr
    assert "Traceback" not in result.stderr


def test_many_unknown_keys_are_each_reported(write_deck, capsys) -> None:
    keys = "".join(f"    k{i}: v\n" for i in range(5000))
    path = write_deck(
        "keys",
        "title: T\nquestions:\n  - id: a\n    type: basic\n    prompt: P\n    answer: A\n" + keys,
    )
    assert main(["lint", str(path)]) == 1
    out = capsys.readouterr().out.splitlines()
    assert len(out) == 5000
    assert out[-1].startswith(f"{path}:5006:5: unknown key 'k4999'")


def test_control_characters_never_reach_the_terminal(write_deck, capsys) -> None:
    text = (
        'title: "T\\e]0;owned\\a"\n'
        "questions:\n"
        '  - {id: a, type: basic, prompt: "red \\e[31mP\\x1b[0m\\r\\x9b2J", answer: "A\\u0007"}\n'
        '  - {id: b, type: choice, prompt: P, choices: [{text: "\\x1b[2J", correct: true},'
        " {text: ok}]}\n"
        '  - {id: c, type: typed, prompt: P, answers: ["\\e[5m"], hint: "\\b\\b"}\n'
        '  - {id: d, type: cloze, text: "{{c1::\\e[8mhidden}}"}\n'
    )
    path = write_deck("ctrl", text)
    assert main(["lint", str(path)]) == 0
    out = capsys.readouterr().out
    assert out.count("warning: control character") == 7
    for argv in (["next"], ["next", "--json"], ["decks"], ["decks", "--json"]):
        assert main(argv) == 0
        printed = capsys.readouterr()
        for stream in (printed.out, printed.err):
            assert not any(ch in stream for ch in "\x1b\x07\x08\r\x9b"), argv
    for card_id in ("ctrl:a", "ctrl:b", "ctrl:c", "ctrl:d#c1"):
        main(
            ["answer", card_id, "again"]
            if card_id != "ctrl:c"
            else ["answer", card_id, "--response", "x"]
        )
        printed = capsys.readouterr()
        assert not any(ch in printed.out + printed.err for ch in "\x1b\x07\x08\r\x9b")


def test_file_names_with_control_characters_are_printed_harmlessly(decks_dir, capsys) -> None:
    (decks_dir / "\x1b[31mred.yaml").write_text(GOOD_DECK)
    assert main(["lint", str(decks_dir)]) == 1
    printed = capsys.readouterr()
    assert "\x1b" not in printed.out + printed.err and "\ufffd[31mred.yaml" in printed.out


# ---------------------------------------------------------------- caches


def cache_files(home: Path) -> list[Path]:
    """Every cache file: the deck cache and the indexes, and each cached deck's data."""
    return sorted(p for p in (home / "cache").rglob("*") if p.suffix in (".json", ".jsonl"))


def test_planted_cache_files_never_run_and_are_rebuilt(sample_tree, isolated: Path, capsys):
    home = isolated / "home"
    assert main(["next", "--json"]) == 0
    expected = json.loads(capsys.readouterr().out)
    assert main(["due", "--json"]) == 0
    due = capsys.readouterr().out
    files = cache_files(home)
    assert {f.name.split("-")[0] for f in files if f.parent.name == "cache"} == {"decks", "index"}
    assert any(f.parent.name.startswith("decks-") for f in files)  # the sample deck's data
    sentinel = isolated / "ran"
    # a pickle that would create a file when loaded, under every name a cache ever had
    import pickle

    class Evil:
        def __reduce__(self):
            return (open, (str(sentinel), "w"))

    payload = pickle.dumps(Evil())
    for f in files:
        for variant in (f, f.with_suffix(".pickle")):
            variant.write_bytes(payload)
    assert main(["next", "--json"]) == 0
    assert json.loads(capsys.readouterr().out) == expected
    assert not sentinel.exists()
    assert main(["due", "--json"]) == 0 and capsys.readouterr().out == due
    # JSON of the right outline but wrong values: rebuilt silently
    decks_file = next(f for f in cache_files(home) if f.name.startswith("decks"))
    good = json.loads(decks_file.read_text())
    bodies = {f: load_body(f.read_text()) for f in cache_files(home) if f.suffix == ".jsonl"}
    for entry_change, deck_change in (
        (None, lambda d: d.update(title=["not", "text"])),
        (None, lambda d: d["questions"][0].update(id="Not An Id")),
        (None, lambda d: d["questions"][1].update(text="no deletion left")),
        (None, lambda d: d["questions"][0].update(prompt="\x1b]0;owned\x07")),
        (None, lambda d: d["questions"][4].update(tolerance="lots")),
        (None, lambda d: d["questions"][4].update(answer=1e400)),
        (None, lambda d: d.update(questions=[])),
        (None, lambda d: d.update(extra=1)),
        (lambda e: e.update(cards=[["x", 99, "", 0]]), None),
        (lambda e: e.update(ids=["Not An Id"]), None),
        (lambda e: e.update(title=["not", "text"], lines={"a": "b"}), None),
        (lambda e: e.update(warnings=[[1, 1, "planted"]] * 3 + [None]), None),
    ):
        data = json.loads(json.dumps(good))
        for entry in data.values():
            if entry_change is not None:
                entry_change(entry)
        decks_file.write_text(json.dumps(data))
        for body_file, stored in bodies.items():
            body = json.loads(json.dumps(stored))
            if deck_change is not None:
                deck_change(body)
            body_file.parent.mkdir(parents=True, exist_ok=True)
            body_file.write_text(dump_body(body))
        assert main(["next", "--json"]) == 0
        printed = capsys.readouterr()
        assert json.loads(printed.out) == expected
        assert printed.err == ""
    for junk in (b"", b"\xff\xfe", b"[" * 100_000, b'{"a": 1}', b"null", b"9" * 5000):
        for f in cache_files(home):
            f.write_bytes(junk)
        assert main(["next", "--json"]) == 0
        assert json.loads(capsys.readouterr().out) == expected
        assert main(["due", "--json"]) == 0 and capsys.readouterr().out == due


def test_lint_warnings_survive_the_cache(write_deck, capsys) -> None:
    path = write_deck(
        "ctrl", 'title: "T\\e[1m"\nquestions:\n  - {id: a, type: basic, prompt: P, answer: A}\n'
    )
    for _ in range(2):
        assert main(["lint", str(path.parent)]) == 0
        assert "warning: control character U+001B" in capsys.readouterr().out
