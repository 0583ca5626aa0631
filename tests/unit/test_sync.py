"""`quizzer sync DIR`: devices that diverge, then sync in any order, end with the same log and
the same card states."""

from __future__ import annotations

import contextlib
import io
import json
import shutil
from pathlib import Path

import pytest
from sql_support import add_other_answers, vm_steps

from quizzer.cli import main
from quizzer.collection import Collection
from quizzer.import_.history import HistoryResult, add_history
from quizzer.replay import DeckSettings, replay, replay_rows
from quizzer.state import CARD_COLUMNS, IMPORTED_DEVICE, MAX_RESPONSE, Event, EventKind, Rating
from quizzer.store.db import DB_NAME
from quizzer.store.migrations import m015_send_imported
from quizzer.sync import READ_PIECE, SEND_BATCH, event_line, parse_line, sync

T0 = 1_772_438_400_000  # 2026-03-02T08:00Z
MINUTE, DAY = 60_000, 86_400_000
LOG_COLUMNS = (
    "uid, device, at, card_id, kind, rating, graded, response, verdict, duration_ms, "
    "target, until, state_before, ivl_before, r_before, before, after"
)


def card(i: int) -> str:
    return f"d/deck:q{i}"


def diverge(a: Collection, b: Collection) -> None:
    """Two devices study overlapping cards at interleaved times, with an undo, a bury and a
    suspension, over a few days."""
    sa, sb = a.session(), b.session()
    for i in range(4):
        sa.answer(card(i), Rating.GOOD, T0 + i * MINUTE)
    for i in range(2, 6):
        sb.answer(card(i), Rating.HARD if i % 2 else Rating.GOOD, T0 + i * MINUTE + 30_000)
    sa.answer(card(1), Rating.AGAIN, T0 + 10 * MINUTE)
    sb.answer(card(1), Rating.GOOD, T0 + 10 * MINUTE + 30_000)  # between A's answer and its undo
    sa.undo(T0 + 11 * MINUTE)
    sa.answer(card(1), Rating.EASY, T0 + 12 * MINUTE)
    sb.bury(card(4), T0 + 13 * MINUTE)
    sb.suspend(card(5), T0 + 14 * MINUTE)
    sb.answer(card(0), Rating.AGAIN, T0 + 2 * DAY)
    sa.answer(card(0), Rating.GOOD, T0 + 3 * DAY)
    sa.answer(card(2), Rating.GOOD, T0 + 3 * DAY + MINUTE)
    sb.answer(card(2), Rating.EASY, T0 + 4 * DAY)


def log_rows(col: Collection) -> list[tuple[object, ...]]:
    return col.store.db.execute(f"SELECT {LOG_COLUMNS} FROM log ORDER BY uid").fetchall()


def card_rows(col: Collection) -> list[tuple[object, ...]]:
    return col.store.db.execute(
        f"SELECT {', '.join(CARD_COLUMNS)} FROM cards ORDER BY card_id"
    ).fetchall()


def run(col: Collection, folder: Path, now: int = T0 + 5 * DAY):
    return sync(col.store, col.settings, col.zone, folder, now)


def copy_device(isolated: Path, source: str, target: str) -> None:
    shutil.copytree(isolated / source, isolated / target)


@pytest.mark.parametrize("piece", [READ_PIECE, 200])
def test_two_devices_converge_whichever_syncs_first(
    device, isolated: Path, monkeypatch, piece
) -> None:
    """Also when the files are read and taken in a line or two at a time."""
    monkeypatch.setattr("quizzer.sync.READ_PIECE", piece)
    a, b = device("a"), device("b")
    assert a.store.device != b.store.device
    diverge(a, b)
    a.close()
    b.close()
    copy_device(isolated, "a", "a2")
    copy_device(isolated, "b", "b2")
    a, b, a2, b2 = device("a"), device("b"), device("a2"), device("b2")
    first, second = isolated / "shared1", isolated / "shared2"
    first.mkdir()
    second.mkdir()

    report = run(a, first)
    assert (report.sent, report.received) == (9, 0)
    report = run(b, first)
    assert (report.sent, report.received) == (9, 9)
    assert report.replayed == 4  # cards 0-3; A's undo and its target came along
    report = run(a, first)
    assert (report.sent, report.received) == (0, 9)

    run(b2, second)
    run(a2, second)
    run(b2, second)

    expected_log, expected_cards = log_rows(a), card_rows(a)
    assert len(expected_log) == 18
    for col in (b, a2, b2):
        assert log_rows(col) == expected_log
        assert card_rows(col) == expected_cards

    # what one device replaying every event in time order computes
    events = a.store.events()
    states, _ = replay(events, DeckSettings(a.settings, a.zone))
    assert {s.card_id: s for s in states.values()} == a.store.states()
    assert a.store.state(card(5)).suspended
    assert a.store.state(card(0)).last_review == T0 + 3 * DAY


def test_second_sync_adds_nothing(device, isolated: Path) -> None:
    a, b = device("a"), device("b")
    diverge(a, b)
    shared = isolated / "shared"
    shared.mkdir()
    for col in (a, b, a, b):
        run(col, shared)
    before = (log_rows(a), card_rows(a), (shared / f"{a.store.device}.jsonl").read_bytes())
    for col in (a, b):
        report = run(col, shared)
        assert (report.sent, report.received, report.replayed, report.problems) == (0, 0, 0, [])
    assert (log_rows(a), card_rows(a), (shared / f"{a.store.device}.jsonl").read_bytes()) == before
    assert log_rows(b) == before[0]


@pytest.mark.parametrize("batch", [SEND_BATCH, 2])
def test_each_device_writes_only_its_own_events(device, isolated: Path, monkeypatch, batch) -> None:
    """In log order, each once, however many are read from the log at a time."""
    monkeypatch.setattr("quizzer.sync.SEND_BATCH", batch)
    a, b = device("a"), device("b")
    diverge(a, b)
    shared = isolated / "shared"
    shared.mkdir()
    for col in (a, b, a, b):
        run(col, shared)
    for col in (a, b):
        lines = (shared / f"{col.store.device}.jsonl").read_bytes().splitlines()
        events = [parse_line(line) for line in lines]
        assert {e.device for e in events} == {col.store.device}
        assert len({e.uid for e in events}) == len(events)
        own = col.store.db.execute(
            "SELECT uid FROM log WHERE device = ? ORDER BY seq", (col.store.device,)
        ).fetchall()
        assert [e.uid for e in events] == [uid for (uid,) in own]


@pytest.mark.parametrize("piece", [READ_PIECE, 100])
def test_torn_last_line_is_reported_and_read_once_complete(
    device, isolated: Path, monkeypatch, piece
) -> None:
    monkeypatch.setattr("quizzer.sync.READ_PIECE", piece)
    a, b = device("a"), device("b")
    shared = isolated / "shared"
    shared.mkdir()
    b.session().answer(card(0), Rating.GOOD, T0)
    run(b, shared)
    late = Event(
        uid="f" * 32,
        device=b.store.device,
        at=T0 + DAY,
        card_id=card(0),
        kind=EventKind.REVIEW,
        rating=Rating.GOOD,
        graded="self",
    )
    line = event_line(late)
    b_file = shared / f"{b.store.device}.jsonl"
    with b_file.open("ab") as fh:
        fh.write(line[:25])

    report = run(a, shared)
    assert report.received == 1
    assert any("incomplete" in p and str(b_file) in p for p in report.problems)
    assert a.store.count("SELECT count(*) FROM log WHERE uid = ?", (late.uid,)) == 0

    report = run(a, shared)  # still torn: reported again, still not read
    assert report.received == 0 and any("incomplete" in p for p in report.problems)

    with b_file.open("ab") as fh:
        fh.write(line[25:])
    report = run(a, shared)
    assert (report.received, report.problems) == (1, [])
    assert a.store.state(card(0)).reps == 2
    assert run(a, shared).received == 0


def test_bad_lines_and_conflict_copies_are_skipped(device, isolated: Path) -> None:
    a, b = device("a"), device("b")
    shared = isolated / "shared"
    shared.mkdir()
    b.session().answer(card(0), Rating.GOOD, T0)
    b.session().answer(card(1), Rating.GOOD, T0 + MINUTE)
    run(b, shared)
    b_file = shared / f"{b.store.device}.jsonl"
    first, second = b_file.read_bytes().splitlines(keepends=True)
    b_file.write_bytes(first + b'{"uid": "x", "kind": "review"}\n' + b"not json\n" + second)
    conflict = shared / f"{b.store.device}.sync-conflict-20260302-080000-ABCDEFG.jsonl"
    stray = Event(
        uid="e" * 32,
        device=b.store.device,
        at=T0,
        card_id=card(3),
        kind=EventKind.REVIEW,
        rating=Rating.EASY,
    )
    conflict.write_bytes(event_line(stray))
    (shared / "notes.txt").write_text("hello")
    with contextlib.redirect_stdout(io.StringIO()):  # reviews exported into the folder
        assert main(["export", "reviews", "--format", "jsonl", "-o", str(shared / "r.jsonl")]) == 0
    assert (shared / "r.jsonl").stat().st_size

    report = run(a, shared)
    assert report.received == 2 and report.devices == [b.store.device]
    assert sum("not a valid event" in p for p in report.problems) == 2
    assert any("conflict" in p for p in report.problems)
    assert a.store.count("SELECT count(*) FROM log WHERE uid = ?", (stray.uid,)) == 0


@pytest.mark.parametrize("batch", [SEND_BATCH, 1])
def test_a_crash_during_the_own_append_writes_nothing_twice(
    device, isolated: Path, monkeypatch, batch
) -> None:
    """Read back line by line: the written events are not written again, the rest are (the
    first ones read from the log, one at a time, being those already in the file)."""
    monkeypatch.setattr("quizzer.sync.SEND_BATCH", batch)
    a, b = device("a"), device("b")
    shared = isolated / "shared"
    shared.mkdir()
    session = a.session()
    session.answer(card(0), Rating.GOOD, T0)
    run(a, shared)
    session.answer(card(1), Rating.GOOD, T0 + MINUTE)
    session.answer(card(2), Rating.GOOD, T0 + 2 * MINUTE)
    a_file = shared / f"{a.store.device}.jsonl"
    events = {e.uid: e for e in a.store.events()}
    pending = [e for e in events.values() if e.card_id != card(0)]
    with a_file.open("ab") as fh:  # a crash: one line written, half of the next, no mark saved
        fh.write(event_line(pending[0]) + event_line(pending[1])[:30])

    report = run(a, shared)
    assert report.sent == 1
    assert any("changed since this device last wrote it" in p for p in report.problems)
    lines = a_file.read_bytes().splitlines()
    good = []
    for line in lines:
        with contextlib.suppress(ValueError):
            good.append(parse_line(line).uid)
    assert sorted(good) == sorted(events)

    report = run(b, shared)
    assert report.received == 3
    assert sum("not a valid event" in p for p in report.problems) == 1
    assert card_rows(b) == card_rows(a)


def test_a_bad_line_in_the_own_file_is_reported_once(device, isolated: Path) -> None:
    """The own file is read again line by line whenever it changed under this device (here a
    copy of its data directory writes to it too, and a sync is cut short): a bad line in it,
    which stays there, is reported the first time only, and no event is lost."""
    a = device("a")
    shared = isolated / "shared"
    shared.mkdir()
    a.session().answer(card(0), Rating.GOOD, T0)
    run(a, shared)
    a_file = shared / f"{a.store.device}.jsonl"
    with a_file.open("ab") as fh:
        fh.write(b"damaged\n")

    def bad(report) -> list[str]:
        return [p for p in report.problems if "not a valid event" in p or "incomplete" in p]

    report = run(a, shared)
    assert [p.split(": ", 1)[1] for p in bad(report)] == [
        "byte 151: not a valid event (not JSON: Expecting value: line 1 column 1 (char 0)); skipped"
    ]
    assert run(a, shared).problems == []

    def written_elsewhere(i: int, rating: Rating) -> None:
        """An answer a copy of the data directory wrote to this device's file."""
        stray = Event(
            f"{i:032x}", a.store.device, T0 + i * MINUTE, card(i), EventKind.REVIEW, rating
        )
        with a_file.open("ab") as fh:
            fh.write(event_line(stray))

    for i in (1, 2):
        written_elsewhere(i, Rating.EASY)
        report = run(a, shared)
        assert report.received == 1 and bad(report) == []
        assert any("changed since this device last wrote it" in p for p in report.problems)
    a.session().answer(card(3), Rating.GOOD, T0 + 3 * MINUTE)
    assert run(a, shared).sent == 1

    # a sync cut short: one line written whole, the next torn; reported once, as incomplete
    a.session().answer(card(4), Rating.GOOD, T0 + 4 * MINUTE)
    a.session().answer(card(5), Rating.GOOD, T0 + 5 * MINUTE)
    pending = [e for e in a.store.events() if e.card_id in (card(4), card(5))]
    with a_file.open("ab") as fh:
        fh.write(event_line(pending[0]) + event_line(pending[1])[:30])
    report = run(a, shared)
    assert report.sent == 1 and len(bad(report)) == 1 and "incomplete" in bad(report)[0]
    written_elsewhere(6, Rating.HARD)
    report = run(a, shared)
    assert report.received == 1 and bad(report) == []
    assert a_file.read_bytes().count(b"damaged\n") == 1  # the file is never rewritten

    b = device("b")  # another device reads each bad line once, and every event
    report = run(b, shared)
    assert report.received == len(a.store.events()) and len(bad(report)) == 2
    assert card_rows(b) == card_rows(a)


def test_replay_rows_matches_what_the_live_session_wrote(device) -> None:
    a = device("a")
    session = a.session()
    for i in range(3):
        session.answer(card(i), Rating(1 + i), T0 + i * MINUTE)
    session.answer(card(0), Rating.GOOD, T0 + 10 * MINUTE)
    session.undo(T0 + 11 * MINUTE)
    session.undo(T0 + 12 * MINUTE)
    session.answer(card(2), Rating.AGAIN, T0 + DAY)
    session.bury(card(1), T0 + DAY + MINUTE)
    session.undo(T0 + DAY + 2 * MINUTE)
    session.answer(card(1), Rating.GOOD, T0 + 2 * DAY)
    states, derived = replay_rows(a.store.events(), DeckSettings(a.settings, a.zone))
    assert states == a.store.states()
    rows = a.store.db.execute(
        "SELECT uid, state_before, ivl_before, r_before, before, after FROM log"
    ).fetchall()
    for uid, state_before, ivl_before, r_before, before, after in rows:
        d = derived[uid]
        assert (d.state_before, d.ivl_before, d.r_before) == (state_before, ivl_before, r_before)
        assert (d.before.to_json(), d.after.to_json()) == (before, after)


def test_event_line_is_to_dict_as_json(device) -> None:
    a = device("a")
    a.session().answer(card(0), Rating.GOOD, T0, duration_ms=1234)
    a.session().bury(card(1), T0 + 1)
    a.session().undo(T0 + 2)
    for event in a.store.events():
        assert json.loads(event_line(event)) == event.to_dict()
        assert parse_line(event_line(event)) == event


def test_the_command(
    device, isolated: Path, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    a = device("a")
    a.session().answer(card(0), Rating.GOOD, T0)
    a.close()
    shared = isolated / "shared"
    shared.mkdir()
    monkeypatch.setenv("QUIZZER_HOME", str(isolated / "a"))
    assert main(["sync", str(shared)]) == 0
    out = capsys.readouterr().out
    assert out.startswith(f"synced with {shared}: sent 1 event;")
    device("b").close()
    monkeypatch.setenv("QUIZZER_HOME", str(isolated / "b"))
    assert main(["sync", str(shared)]) == 0
    assert capsys.readouterr().out == (
        f"synced with {shared}: sent 0 events; received 1 new from 1 other device; 1 card updated\n"
    )
    assert main(["sync", str(isolated / "missing")]) == 2
    err = capsys.readouterr().err.strip().splitlines()
    assert err == [
        f"quizzer: error: {isolated / 'missing'}: no such folder; create it where every device "
        "can reach it (a Syncthing or Dropbox folder, a network share) and sync each device into it"
    ]
    assert (isolated / "a" / DB_NAME).exists()
    (isolated / "a-file").write_text("")
    assert main(["sync", str(isolated / "a-file")]) == 2
    assert capsys.readouterr().err.strip().endswith("a-file: not a folder")


def test_undo_after_a_sync_undoes_this_devices_last_answer(device, isolated: Path) -> None:
    a, b = device("a"), device("b")
    shared = isolated / "shared"
    shared.mkdir()
    a.session().answer(card(0), Rating.GOOD, T0)
    b.session().answer(card(1), Rating.GOOD, T0 + MINUTE)
    run(b, shared)
    run(a, shared)  # B's answer is now the newest row of A's log
    undone = a.session().undo(T0 + 2 * MINUTE)
    assert undone is not None and undone[0].card_id == card(0)
    assert a.store.state(card(1)).reps == 1
    run(a, shared)
    assert run(b, shared).received == 2  # A's answer and its undo
    assert card_rows(b) == card_rows(a)
    assert log_rows(b) == log_rows(a)


def test_finding_what_to_undo_skips_what_other_devices_sent(device) -> None:
    """Looking for this device's last answer takes the same work whether the log holds 20 or
    4,000 events of another device after it (it read every one of them, newest first)."""
    steps = []
    for others in (20, 4_000):
        col = device(f"undo{others}")
        col.session().answer(card(0), Rating.GOOD, T0)
        add_other_answers(col.store.db, others, T0 + DAY * 30)
        steps.append(vm_steps(col.store.db, col.store.last_undoable))
        found = col.store.last_undoable()
        assert found is not None and found[0].card_id == card(0)
    assert steps[1] <= steps[0] + 1, steps


def imported(col: Collection, *cards: int) -> None:
    """Add a review of each of `cards` as an import of Anki's history does."""
    events = [
        Event(
            f"anki-{col.store.device}-{i}",
            IMPORTED_DEVICE,
            T0 - DAY,
            card(i),
            EventKind.REVIEW,
            Rating.GOOD,
        )
        for i in cards
    ]
    add_history(col.store, col.settings, col.zone, events, HistoryResult())


def test_history_imported_from_anki_travels_with_the_device_that_imported_it(
    device, isolated: Path
) -> None:
    a, b = device("a"), device("b")
    shared = isolated / "shared"
    shared.mkdir()
    imported(a, 0)
    a.session().answer(card(1), Rating.GOOD, T0)
    assert run(a, shared).sent == 2
    assert run(b, shared).received == 2
    imported(b, 2)
    assert run(b, shared).sent == 1
    assert run(a, shared).received == 1
    assert card_rows(a) == card_rows(b) and log_rows(a) == log_rows(b)
    assert a.session().undo(T0 + MINUTE)[0].card_id == card(1)  # type: ignore[index]
    assert a.session().undo(T0 + MINUTE) is None  # the imported review is Anki's


def test_history_imported_before_sync_sent_it_is_sent_after_the_upgrade(
    device, isolated: Path
) -> None:
    """A database that synced imported history before sync sent it: the migration makes the
    next sync send what the device's file lacks, and nothing twice."""
    a, b = device("a"), device("b")
    shared = isolated / "shared"
    shared.mkdir()
    a.session().answer(card(1), Rating.GOOD, T0)
    imported(a, 0)
    run(a, shared)
    own = shared / f"{a.store.device}.jsonl"
    lines = own.read_bytes().splitlines(keepends=True)
    own.write_bytes(b"".join(line for line in lines if IMPORTED_DEVICE.encode() not in line))
    a.store.db.execute(
        "UPDATE sync_marks SET offset = ? WHERE file = ?", (own.stat().st_size, str(own))
    )
    m015_send_imported(a.store.db)
    report = run(a, shared)
    assert (report.sent, report.problems) == (1, [])
    assert len(own.read_bytes().splitlines()) == 2
    run(b, shared)
    assert card_rows(a) == card_rows(b) and log_rows(a) == log_rows(b)


def studied_on_both(device, isolated: Path, answers: int) -> tuple[Collection, Collection, Path]:
    """Device A answers five cards `answers` times each over as many days, both devices sync;
    then B answers, buries and suspends them on a later day and syncs: A has yet to receive."""
    a, b = device("a"), device("b")
    folder = isolated / f"shared{answers}"
    folder.mkdir()
    session = a.session()
    for day in range(answers):
        for i in range(5):
            session.answer(card(i), Rating.GOOD if (day + i) % 4 else Rating.AGAIN, T0 + day * DAY)
    later = T0 + answers * DAY
    run(a, folder, later)
    run(b, folder, later)
    other = b.session()
    for i in range(5):
        other.answer(card(i), Rating.HARD, later + i * MINUTE)
    other.bury(card(3), later + 10 * MINUTE)
    other.suspend(card(4), later + 11 * MINUTE)
    run(b, folder, later)
    return a, b, folder


def test_answers_made_later_elsewhere_are_applied_as_a_replay_would(device, isolated) -> None:
    """Events that come after everything a card has are applied to its state; the card ends
    where a replay of its whole log ends, every row's derived columns as a replay gives them."""
    a, b, folder = studied_on_both(device, isolated, 6)
    report = run(a, folder, T0 + 7 * DAY)
    assert (report.received, report.replayed) == (7, 5)
    states, derived = replay_rows(a.store.events(), DeckSettings(a.settings, a.zone))
    assert states == a.store.states() == b.store.states()
    rows = a.store.db.execute(
        "SELECT uid, state_before, ivl_before, r_before, before, after FROM log"
    )
    for uid, state_before, ivl_before, r_before, before, after in rows:
        d = derived[uid]
        assert (d.state_before, d.ivl_before, d.r_before) == (state_before, ivl_before, r_before)
        assert (d.before.to_json(), d.after.to_json()) == (before, after)
    assert log_rows(a) == log_rows(b)


def received_steps(col: Collection, folder: Path, now: int) -> int:
    """SQLite's work (in hundreds of steps) for a sync that receives the seven events."""
    reports = []
    steps = vm_steps(col.store.db, lambda: reports.append(run(col, folder, now)))
    assert reports[0].received == 7
    return steps


def test_receiving_later_answers_does_not_read_the_cards_histories(device, isolated) -> None:
    """SQLite's work to receive the same seven events is the same whether the cards have ten
    answers each or two hundred (the whole history of each card was read and replayed, and
    every row of it rewritten)."""
    steps = []
    for answers in (10, 200):
        a, _, folder = studied_on_both(device, isolated, answers)
        steps.append(received_steps(a, folder, T0 + (answers + 1) * DAY))
        for name in ("a", "b"):
            shutil.rmtree(isolated / name)
    assert steps[1] < steps[0] * 1.5, steps


def test_an_answer_with_a_long_response_reaches_the_other_device(device, isolated: Path) -> None:
    """A response is graded whole and recorded up to `MAX_RESPONSE` characters, as much as a
    device file may carry: the answer counts on every device, not only where it was made."""
    a, b = device("a"), device("b")
    shared = isolated / "shared"
    shared.mkdir()
    a.session().answer(card(0), Rating.AGAIN, T0, response="é" * (MAX_RESPONSE + 5))
    run(a, shared)
    report = run(b, shared)
    assert (report.received, report.problems) == (1, [])
    assert log_rows(b) == log_rows(a)
    assert card_rows(b) == card_rows(a)
    (event,) = b.store.events()
    assert event.response == "é" * MAX_RESPONSE
