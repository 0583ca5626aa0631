"""Devices that meet both through an Anki package (exported with progress, imported with its
history) and through a sync folder: whatever the learner does on one, every device ends with the
same cards, and every answer counted once."""

from __future__ import annotations

import json
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest

from quizzer.cli import main
from quizzer.clock import parse_instant, to_ms
from quizzer.collection import open_collection
from quizzer.state import CardPhase, CardState, EventKind, Rating

pytest.importorskip("anki")

NOW_MS = to_ms(parse_instant("2026-03-02T09:00:00Z"))
DAY = 86_400_000


class Devices:
    """Data directories of one learner, each used in turn, sharing the decks and a folder."""

    def __init__(self, root: Path, monkeypatch: pytest.MonkeyPatch) -> None:
        self.root, self.monkeypatch = root, monkeypatch
        self.folder = root / "shared"
        self.folder.mkdir()

    def use(self, name: str) -> None:
        self.monkeypatch.setenv("QUIZZER_HOME", str(self.root / name))

    def sync(self, *names: str) -> None:
        for name in names:
            self.use(name)
            assert main(["sync", str(self.folder)]) == 0

    def seen(self, name: str) -> tuple[int, dict[str, CardState]]:
        """The answers the device counts (not undone), and its card states."""
        self.use(name)
        col = open_collection()
        events = col.store.events()
        undone = {e.target for e in events if e.kind == EventKind.UNDO}
        answers = sum(1 for e in events if e.kind == EventKind.REVIEW and e.uid not in undone)
        states = col.store.states()
        col.close()
        self.use(name)
        assert main(["check"]) == 0
        return answers, states


@pytest.fixture
def devices(
    write_deck: Callable[[str, str], Path], tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> Devices:
    write_deck(
        "d/deck",
        "title: D\nquestions:\n"
        + "".join(f"  - {{id: q{i}, type: basic, prompt: P{i}, answer: A{i}}}\n" for i in range(2)),
    )
    found = Devices(tmp_path, monkeypatch)
    found.use("first")
    col = open_collection()
    session = col.session()
    for i in range(2):
        session.answer(f"d/deck:q{i}", Rating.GOOD, NOW_MS - 6 * DAY + i)
        session.answer(f"d/deck:q{i}", Rating.GOOD, NOW_MS - 3 * DAY + i)
    col.close()
    return found


def export_and_import(devices: Devices) -> None:
    """The first device's package, with progress, imported with its history on the second."""
    package = devices.root / "mine.apkg"
    devices.use("first")
    assert main(["export", "anki", "-o", str(package), "--with-progress"]) == 0
    devices.use("second")
    args = ["import", "anki", str(package), "--into", str(devices.root / "decks2")]
    assert main([*args, "--with-history"]) == 0


def undo_all(devices: Devices, count: int) -> None:
    devices.use("first")
    col = open_collection()
    for step in range(count):
        assert col.session().undo(NOW_MS - DAY + step) is not None
    col.close()


def seen_alike(devices: Devices) -> tuple[int, dict[str, CardState]]:
    """What the first device shows, which the second and the third show too."""
    first = devices.seen("first")
    assert devices.seen("second") == first
    assert devices.seen("third") == first
    return first


def undone_after_sync(devices: Devices, count: int) -> tuple[int, dict[str, CardState]]:
    """The first and the second device synced, `count` answers undone on the first, then the
    first, the second and a third synced: what they show, alike (`seen_alike`)."""
    devices.sync("first", "second", "first")
    undo_all(devices, count)
    devices.sync("first", "second", "third")
    return seen_alike(devices)


def test_answers_undone_after_the_devices_synced_are_undone_on_the_new_device(
    devices: Devices, capsys: pytest.CaptureFixture[str]
) -> None:
    """Only a card's last answer reaches the new device under its own uid; undone on the first
    device, its earlier answers are undone on the new one too, and on a third that syncs later."""
    export_and_import(devices)
    first = undone_after_sync(devices, 4)
    assert first[0] == 0
    assert "ignored" not in capsys.readouterr().err


def test_answers_undone_after_their_export_stay_undone_on_both_devices(devices: Devices) -> None:
    """The package was made before the undo: its copies of the undone answers come back to the
    first device as those answers, undone, and the undo reaches the second."""
    export_and_import(devices)
    undo_all(devices, 4)
    devices.sync("second", "first", "second", "third")
    first = seen_alike(devices)
    assert first[0] == 0


def total_time(devices: Devices, name: str, capsys: pytest.CaptureFixture[str]) -> object:
    devices.use(name)
    capsys.readouterr()
    assert main(["stats", "--json"]) == 0
    return json.loads(capsys.readouterr().out)["reviews"]["total_time_ms"]


def test_an_answer_longer_than_a_minute_took_as_long_on_both_devices(
    devices: Devices, capsys: pytest.CaptureFixture[str]
) -> None:
    """`quizzer answer --duration-ms` records up to a day: the package carries the time as
    recorded, so the copy the second device keeps and the answer the first keeps agree."""
    devices.use("first")
    args = ["answer", "d/deck:q0", "good", "--early", "--duration-ms", "95000"]
    assert main(args) == 0
    export_and_import(devices)
    devices.sync("first", "second", "first")
    assert total_time(devices, "first", capsys) == 95_000
    assert total_time(devices, "second", capsys) == 95_000


def test_an_anki_answer_timed_over_a_day_reaches_every_device(
    devices: Devices, anki: Callable[[], Any]
) -> None:
    """A review log edited by hand may time an answer at more than a day, which no device file
    may carry: imported as a day, the answer reaches the other devices and counts on each."""
    from anki.collection import ExportAnkiPackageOptions

    col = anki()
    note = col.new_note(col.models.by_name("Basic"))
    note["Front"], note["Back"] = "hello", "world"
    col.add_note(note, col.decks.id("Long"))
    card = note.cards()[0].id
    sql = "INSERT INTO revlog VALUES (?, ?, -1, 3, 1, 0, 2500, ?, 0)"
    col.db.execute(sql, NOW_MS - DAY, card, 100_000_000)
    package = devices.root / "long.apkg"
    options = ExportAnkiPackageOptions(with_scheduling=True, with_media=False)
    col.export_anki_package(out_path=str(package), options=options, limit=None)
    devices.use("second")
    assert main(["import", "anki", str(package), "--with-history"]) == 0
    devices.sync("second", "first", "second")
    first = devices.seen("first")
    assert first[0] == 5  # its own 4, and this one
    assert devices.seen("second") == first


@pytest.mark.parametrize("undone", ["after the sync", "before the import"])
def test_a_suspension_undone_on_the_first_device_is_undone_on_every_device(
    devices: Devices, undone: str
) -> None:
    """The package carries when each card was suspended, and the import dates the suspension
    it makes then: a sync knows it for the first device's, and the undo of that one leaves the
    card unsuspended on every device (it stayed suspended, on the first device too)."""
    devices.use("first")
    col = open_collection()
    for i in range(2):
        col.session().suspend(f"d/deck:q{i}", NOW_MS - 2 * DAY + i)
    col.close()
    if undone == "after the sync":
        export_and_import(devices)
        devices.sync("first", "second", "first")
        undo_all(devices, 2)
    else:
        package = devices.root / "mine.apkg"
        assert main(["export", "anki", "-o", str(package), "--with-progress"]) == 0
        undo_all(devices, 2)
        devices.use("second")
        args = ["import", "anki", str(package), "--into", str(devices.root / "decks2")]
        assert main([*args, "--with-history"]) == 0
    devices.sync("first", "second", "first", "third")
    first = seen_alike(devices)
    assert first[0] == 4 and not any(s.suspended for s in first[1].values())


def studied(devices: Devices, cards: int) -> None:
    """The first device learns `cards` more cards over nine days: reviews, with fuzzed
    intervals."""
    devices.use("first")
    col = open_collection()
    session = col.session()
    for offset in (9, 6, 3):
        for i in range(cards):
            session.answer(f"d/deck:q{i}", Rating.GOOD, NOW_MS - offset * DAY + i)
    col.close()


@pytest.fixture
def eight(write_deck: Callable[[str, str], Path], devices: Devices) -> Devices:
    write_deck(
        "d/deck",
        "title: D\nquestions:\n"
        + "".join(f"  - {{id: q{i}, type: basic, prompt: P{i}, answer: A{i}}}\n" for i in range(8)),
    )
    devices.use("first")
    col = open_collection()
    for _ in range(4):
        col.session().undo(NOW_MS - 2 * DAY)  # the fixture's answers
    col.close()
    studied(devices, 8)
    return devices


def test_undoing_each_cards_last_answer_brings_it_back_to_the_same_day_everywhere(
    eight: Devices, capsys: pytest.CaptureFixture[str]
) -> None:
    """Undone on the first device, a card's last answer leaves the answer before it, which the
    second device got from Anki under an id of Anki's, with another fuzz: the sync puts the
    first device's answer in place of that copy, so the card is due on the same day on both."""
    export_and_import(eight)
    first = undone_after_sync(eight, 8)
    assert first[0] == 16
    # the second device's own file still holds the copies: read again, it is still its own
    eight.use("second")
    col = open_collection()
    col.store.db.execute("DELETE FROM sync_marks WHERE file LIKE '%#sent'")
    col.close()
    capsys.readouterr()
    eight.sync("second")
    assert capsys.readouterr().err == ""
    assert eight.seen("second") == first


def test_the_statistics_totals_stay_current_where_answers_take_their_copies_places(
    eight: Devices,
) -> None:
    """The sync that puts the first device's answers in place of their copies from Anki keeps
    the statistics' running totals current and equal to a recomputation from the log, where the
    changed rows used to leave them stale (a rebuild of every total at the next statistics)."""
    import sqlite3

    from quizzer.clock import calendar, local_zone
    from quizzer.config import load_settings
    from quizzer.store import aggregates
    from quizzer.store.db import DB_NAME

    export_and_import(eight)
    db = sqlite3.connect(eight.root / "second" / DB_NAME, isolation_level=None)
    cal = calendar(local_zone(None), load_settings().day_starts_at)
    db.execute("BEGIN")
    aggregates.rebuild(db, cal)  # every answer counted in the totals, none left in their tail
    db.execute("COMMIT")
    eight.sync("first", "second")
    # read as the sync left it: opening a collection rebuilds the stale totals of a small log
    assert db.execute("SELECT count(*) FROM sync_copies").fetchone()[0] > 0
    assert aggregates.current(db, cal)
    kept = aggregates.read(db, cal)
    db.execute("BEGIN")
    aggregates.rebuild(db, cal)
    assert aggregates.read(db) == kept
    db.execute("ROLLBACK")
    db.close()


def test_a_forget_travels_through_anki_and_its_undo_through_the_sync(eight: Devices) -> None:
    """Forgotten in quizzer, a card reaches Anki as Anki's Forget in its review log, and comes
    back new; undone on the first device, the forget is undone on the second, and the card is
    due on the same day on both."""
    eight.use("first")
    col = open_collection()
    for i in range(8):
        col.session().forget(f"d/deck:q{i}", NOW_MS - 2 * DAY + i)
    col.close()
    first = eight.seen("first")
    export_and_import(eight)
    assert eight.seen("second")[1] == first[1]
    first = undone_after_sync(eight, 8)
    assert first[0] == 24 and all(s.reps == 3 for s in first[1].values())


def test_a_card_reset_in_anki_comes_back_new(
    devices: Devices, anki: Callable[[], Any], capsys: pytest.CaptureFixture[str]
) -> None:
    """Anki's Forget leaves a card new with its reviews kept; so does the import."""
    from anki.collection import ExportAnkiPackageOptions
    from anki.scheduler.v3 import CardAnswer

    col = anki()
    note = col.new_note(col.models.by_name("Basic"))
    note["Front"], note["Back"] = "hello", "world"
    col.add_note(note, col.decks.id("Reset"))
    card_id = note.cards()[0].id
    for _ in range(3):
        card = col.get_card(card_id)
        card.start_timer()
        states = col._backend.get_scheduling_states(card_id)
        col.sched.answer_card(
            col.sched.build_answer(card=card, states=states, rating=CardAnswer.GOOD)
        )
    col.sched.schedule_cards_as_new([card_id], restore_position=True, reset_counts=True)
    package = devices.root / "reset.apkg"
    options = ExportAnkiPackageOptions(with_scheduling=True, with_media=False)
    col.export_anki_package(out_path=str(package), options=options, limit=None)
    devices.use("second")
    capsys.readouterr()
    assert main(["import", "anki", str(package), "--with-history"]) == 0
    assert "history: 3 reviews added (0 already there), 0 suspended, 0 buried, 1 forgotten" in (
        capsys.readouterr().out
    )
    answers, states = devices.seen("second")
    assert answers == 3
    assert [(s.state, s.reps) for s in states.values()] == [(CardPhase.NEW, 0)]


def test_both_devices_export_the_same_review_log(
    devices: Devices, capsys: pytest.CaptureFixture[str]
) -> None:
    """A card's last answer comes back from Anki under its own uid, without what Anki has no
    room for (no time taken when none was recorded, no response): synced, the answer made on
    the first device takes the copy's place, and the two devices hold the same answers."""
    export_and_import(devices)
    devices.sync("second", "first", "second")
    exported = []
    for name in ("first", "second"):
        devices.use(name)
        out = devices.root / f"{name}.csv"
        assert main(["export", "reviews", "-o", str(out)]) == 0
        exported.append(out.read_text())
    assert exported[0] == exported[1]
    assert devices.seen("second") == devices.seen("first")
