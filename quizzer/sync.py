"""Several devices, no server: each device appends its own events to `DIR/<device-id>.jsonl`.

A device only ever appends to its own file, so the folder can be anything that copies files
around (Syncthing, Dropbox, a git checkout) and no lock is needed across devices. A sync:

1. appends this device's events not yet written (one `Event.to_dict()` JSON per line, in one
   O_APPEND write, then fsync), remembering in `sync_marks` the last log row written and the size
   the file then had;
2. reads every other device's file from where it stopped last time (`sync_marks` again). A last
   line without its newline is still being written or synced: it is reported and read next time;
3. inserts the events this database lacks (uids are unique, so nothing comes in twice), and
   replays every card they touch from all of its events in time order, rewriting the derived
   columns of its rows, so that every device ends with the same log and the same card states.

All of it runs in one database transaction: a crash leaves the database as before the sync (the
next sync notices what the crash left in the own file and does not write it twice). Deck files
and config.toml are not synced; keep the FSRS settings and the study calendar (time zone, day
start) alike on every device, since the replay uses this device's.
"""

from __future__ import annotations

import argparse
import json
import os
import re
from collections import defaultdict
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass, field
from datetime import tzinfo
from enum import IntEnum, StrEnum
from pathlib import Path

from quizzer.clock import DAY_MS
from quizzer.collection import Collection
from quizzer.config import Settings
from quizzer.decks.cards import split_card_id
from quizzer.replay import DeckSettings, derive, replay_cards
from quizzer.state import EVENT_COLUMNS, CardState, Event, EventKind
from quizzer.store.db import Derived, Store

DEVICE_FILE = re.compile(r"^([A-Za-z0-9_-]+)\.jsonl$")
"""A device's file. Anything else is ignored, such as Syncthing's
`<id>.sync-conflict-<date>-<time>-<device>.jsonl` or Dropbox's `<id> (conflicted copy).jsonl`."""
SENT_SUFFIX = "#sent"
"""`sync_marks` key suffix of the own file's mark: the last log `seq` written to it. The plain key
of a file holds its byte offset: read up to (other devices) or size after writing (own file)."""


class SyncError(RuntimeError):
    """The folder cannot be used; the message says why."""


@dataclass(slots=True)
class SyncReport:
    """What a sync did."""

    sent: int = 0
    """Events of this device appended to its file."""
    received: int = 0
    """Events new to this database, inserted."""
    already: int = 0
    """Events read that this database already had."""
    devices: list[str] = field(default_factory=list)
    """Other devices whose files were read."""
    replayed: int = 0
    """Cards replayed because they got new events."""
    problems: list[str] = field(default_factory=list)
    """Torn or bad lines, files that changed under us, clock trouble: reported, never fatal."""


# ---------------------------------------------------------------- replay


def replay_rows(
    events: Iterable[Event], settings: DeckSettings
) -> tuple[dict[str, CardState], dict[str, Derived]]:
    """Each card's final state and the derived columns of every event (undo events and undone
    ones included), computed as one device answering them in time order would have: an event is
    applied to the state left by those before it, and an undo restores the replay of the
    events before it without its target (what `Store.undo` writes)."""
    by_card: dict[str, list[Event]] = defaultdict(list)
    for event in events:
        by_card[event.card_id].append(event)
    states: dict[str, CardState] = {}
    derived: dict[str, Derived] = {}
    for card_id, card_events in by_card.items():
        card_events.sort(key=lambda e: (e.at, e.uid))
        state = CardState(card_id)
        for i, event in enumerate(card_events):
            if event.kind == EventKind.UNDO:
                restored = replay_cards(card_events[: i + 1], settings)[card_id]
                derived[event.uid] = Derived(state, restored)
                state = restored
            else:
                result = derive(state, event, settings)
                derived[event.uid] = result
                state = result.after
        states[card_id] = state
    return states, derived


# ---------------------------------------------------------------- lines


def event_line(event: Event) -> bytes:
    """One line of a device file: `event.to_dict()` as compact JSON."""
    # Built by hand: `to_dict` goes through dataclasses.asdict, slow on a first sync of a big log.
    data = {}
    for name in EVENT_COLUMNS:
        value = getattr(event, name)
        if value is not None:
            data[name] = (
                int(value)
                if isinstance(value, IntEnum)
                else str(value)
                if isinstance(value, StrEnum)
                else value
            )
    text = json.dumps(data, separators=(",", ":"), ensure_ascii=False)
    return (text + "\n").encode("utf-8")


def parse_line(raw: bytes) -> Event:
    """The event of one line; ValueError (or KeyError/TypeError) when it is not a valid one."""
    data = json.loads(raw.decode("utf-8"))
    if not isinstance(data, dict):
        raise ValueError("not a JSON object")
    event = Event.from_dict(data)
    for name in ("uid", "device", "card_id"):
        if not isinstance(getattr(event, name), str):
            raise ValueError(f"{name} must be a string")
    split_card_id(event.card_id)
    if event.kind in (EventKind.REVIEW, EventKind.CRAM) and event.rating is None:
        raise ValueError(f"a {event.kind} event needs a rating")
    if event.kind == EventKind.UNDO and not isinstance(event.target, str):
        raise ValueError("an undo event needs a target")
    if event.kind == EventKind.BURY and not isinstance(event.until, int):
        raise ValueError("a bury event needs an until time")
    return event


def read_events(path: Path, offset: int, problems: list[str]) -> tuple[list[Event], int]:
    """The events of the complete lines of `path` from byte `offset`, and the offset after the
    last complete line. Bad lines are reported and skipped; a partly written last line is
    reported and left for the next read."""
    with path.open("rb") as fh:
        size = os.fstat(fh.fileno()).st_size
        if offset > size:
            problems.append(f"{path}: shorter than when last read; reading it again from the start")
            offset = 0
        elif offset > 0:
            fh.seek(offset - 1)
            if fh.read(1) != b"\n":
                problems.append(f"{path}: changed since last read; reading it again from the start")
                offset = 0
        fh.seek(offset)
        data = fh.read()
    end = data.rfind(b"\n") + 1
    if data[end:].strip():
        problems.append(
            f"{path}: the last line is incomplete (still being written or synced?); "
            "skipped until it is complete"
        )
    events = []
    position = offset
    for raw in data[:end].split(b"\n")[:-1]:
        start, position = position, position + len(raw) + 1
        if not raw.strip():
            continue
        try:
            events.append(parse_line(raw))
        except (ValueError, KeyError, TypeError) as exc:
            problems.append(f"{path}: byte {start}: not a valid event ({exc}); skipped")
    return events, offset + end


def append_lines(path: Path, lines: Sequence[bytes]) -> int:
    """Append whole lines in one O_APPEND write and fsync; returns the file's size after. A torn
    line left by a crash is closed first, so it stays one bad line instead of spoiling the next."""
    created = not path.exists()
    fd = os.open(path, os.O_WRONLY | os.O_APPEND | os.O_CREAT, 0o644)
    try:
        size = os.fstat(fd).st_size
        data = b"".join(lines)
        if size and data:
            with path.open("rb") as fh:
                fh.seek(size - 1)
                if fh.read(1) != b"\n":
                    data = b"\n" + data
        view = memoryview(data)
        while view:
            written = os.write(fd, view)
            view = view[written:]
        os.fsync(fd)
        size = os.fstat(fd).st_size
    finally:
        os.close(fd)
    if created:
        _fsync_dir(path.parent)
    return size


def _fsync_dir(folder: Path) -> None:
    try:
        fd = os.open(folder, os.O_RDONLY)
    except OSError:  # pragma: no cover - e.g. Windows cannot open a folder
        return
    try:
        os.fsync(fd)
    except OSError:  # pragma: no cover
        pass
    finally:
        os.close(fd)


# ---------------------------------------------------------------- sync


def _own_events(store: Store, after_seq: int) -> list[tuple[int, Event]]:
    cols = ", ".join(EVENT_COLUMNS)
    rows = store.db.execute(
        f"SELECT seq, {cols} FROM log WHERE device = ? AND seq > ? ORDER BY seq",
        (store.device, after_seq),
    )
    return [(r[0], Event.from_dict(dict(zip(EVENT_COLUMNS, r[1:], strict=True)))) for r in rows]


def _known_uids(store: Store, uids: Sequence[str]) -> set[str]:
    known: set[str] = set()
    for i in range(0, len(uids), 500):
        chunk = list(uids[i : i + 500])
        marks = ",".join("?" * len(chunk))
        known.update(
            r[0] for r in store.db.execute(f"SELECT uid FROM log WHERE uid IN ({marks})", chunk)
        )
    return known


def _out_of_order(store: Store, card_ids: set[str]) -> set[str]:
    """Cards whose events were logged in another order than their time order."""
    found = set()
    ids = sorted(card_ids)
    for i in range(0, len(ids), 500):
        chunk = ids[i : i + 500]
        marks = ",".join("?" * len(chunk))
        last: dict[str, tuple[int, str]] = {}
        for card_id, at, uid in store.db.execute(
            f"SELECT card_id, at, uid FROM log WHERE card_id IN ({marks}) ORDER BY seq", chunk
        ):
            if card_id in last and (at, uid) < last[card_id]:
                found.add(card_id)
            last[card_id] = (at, uid)
    return found


def _send(
    store: Store, own: Path, marks: dict[str, int], report: SyncReport, incoming: list[Event]
) -> tuple[list[Event], int]:
    """Append this device's unwritten events to its file; returns them and the file's size."""
    key = str(own.resolve())
    size = own.stat().st_size if own.exists() else 0
    sent_seq = marks.get(key + SENT_SUFFIX)
    if sent_seq is not None and marks.get(key) == size:
        pending = [e for _, e in _own_events(store, sent_seq)]
    else:
        # Not written by this database as far as it knows (first sync into this folder, or a
        # crash, a copy or a restore): find out what it holds before adding to it.
        if sent_seq is not None:
            report.problems.append(
                f"{own}: changed since this device last wrote it; checked it line by line"
            )
        in_file = read_events(own, 0, report.problems)[0] if size else []
        mine = [e for _, e in _own_events(store, 0)]
        mine_uids = {e.uid for e in mine}
        strangers = [e for e in in_file if e.uid not in mine_uids]
        if strangers:
            report.problems.append(
                f"{own}: holds {len(strangers)} event(s) this database never wrote; taking them "
                "in (was the database restored from a backup, or copied to another device? each "
                "device needs its own data directory)"
            )
            incoming.extend(strangers)
        written = {e.uid for e in in_file}
        pending = [e for e in mine if e.uid not in written]
    if pending or not own.exists():
        size = append_lines(own, [event_line(e) for e in pending])
    report.sent = len(pending)
    return pending, size


def sync(
    store: Store,
    settings: Settings,
    zone: tzinfo,
    folder: Path,
    now_ms: int,
    stage: Callable[[str], None] | None = None,
) -> SyncReport:
    """Exchange events with the other devices' files in `folder` (see the module's doc);
    `stage` is told what is running, for a progress indicator."""
    say = stage or (lambda text: None)
    folder = folder.expanduser()
    if not folder.exists():
        raise SyncError(f"{folder}: no such folder")
    if not folder.is_dir():
        raise SyncError(f"{folder}: not a folder")
    try:
        names = sorted(folder.iterdir())
    except OSError as exc:
        raise SyncError(f"{folder}: cannot list it ({exc.strerror or exc})") from None
    report = SyncReport()
    own = folder / f"{store.device}.jsonl"
    say(f"reading {folder}")
    with store.transaction() as db:
        marks = {str(k): int(v) for k, v in db.execute("SELECT file, offset FROM sync_marks")}
        new_marks: dict[str, int] = {}
        incoming: list[Event] = []
        for path in names:
            match = DEVICE_FILE.match(path.name)
            if match is None:
                if path.suffix == ".jsonl" and "conflict" in path.name:
                    report.problems.append(
                        f"{path}: ignored (a sync conflict copy: do two devices share a data "
                        "directory?)"
                    )
                continue
            if match.group(1) == store.device or not path.is_file():
                continue
            key = str(path.resolve())
            try:
                events, offset = read_events(path, marks.get(key, 0), report.problems)
            except OSError as exc:
                report.problems.append(f"{path}: cannot read ({exc.strerror or exc}); skipped")
                continue
            report.devices.append(match.group(1))
            incoming.extend(events)
            new_marks[key] = offset
        try:
            sent, own_size = _send(store, own, marks, report, incoming)
        except OSError as exc:
            raise SyncError(f"{own}: cannot write ({exc.strerror or exc})") from None
        new_marks[str(own.resolve())] = own_size

        unique = list({e.uid: e for e in incoming}.values())
        known = _known_uids(store, [e.uid for e in unique])
        fresh = sorted((e for e in unique if e.uid not in known), key=lambda e: (e.at, e.uid))
        report.received, report.already = len(fresh), len(unique) - len(fresh)
        ahead = sum(1 for e in fresh if e.at > now_ms + DAY_MS)
        if ahead:
            report.problems.append(
                f"{ahead} received event{'s are' if ahead != 1 else ' is'} dated more than a day "
                "after this device's clock: check the devices' clocks (reviews replay in time "
                "order)"
            )

        # Answered in time order, this device's cards already hold what a replay would give;
        # a clock that went back makes a card's log order differ from its time order.
        affected = {e.card_id for e in fresh} | _out_of_order(store, {e.card_id for e in sent})
        if affected:
            say(f"replaying {len(affected):,} cards with {len(fresh):,} new events")
            existing = store.events(affected)
            states, derived = replay_rows([*existing, *fresh], DeckSettings(settings, zone))
            store.insert_events((e, derived[e.uid]) for e in fresh)
            store.rewrite_derived((e.uid, derived[e.uid]) for e in existing)
            store.replace_states(states[card_id] for card_id in sorted(affected))
        report.replayed = len({e.card_id for e in fresh})
        last_seq = db.execute("SELECT coalesce(max(seq), 0) FROM log").fetchone()[0]
        new_marks[str(own.resolve()) + SENT_SUFFIX] = int(last_seq)
        db.executemany(
            "INSERT OR REPLACE INTO sync_marks (file, offset) VALUES (?, ?)",
            sorted(new_marks.items()),
        )
    return report


def format_report(folder: Path, report: SyncReport) -> str:
    """The one-line summary of a sync."""
    n = len(report.devices)
    text = (
        f"synced with {folder}: sent {report.sent} event{'s' if report.sent != 1 else ''}; "
        f"received {report.received} new from {n} other device{'s' if n != 1 else ''}"
    )
    if report.already:
        text += f" ({report.already} already here)"
    if report.replayed:
        text += f"; {report.replayed} card{'s' if report.replayed != 1 else ''} replayed"
    return text


def run_sync(args: argparse.Namespace, col: Collection, now_ms: int) -> int:
    """`quizzer sync DIR`: exchange reviews with other devices through a shared folder."""
    import sys

    from quizzer.cli import CommandError
    from quizzer.optimize import Progress

    folder = Path(args.dir)
    # a spinner on a terminal only: a script syncing from cron wants the summary line alone
    progress = Progress() if sys.stderr.isatty() else None
    try:
        if progress is None:
            report = sync(col.store, col.settings, col.zone, folder, now_ms)
        else:
            with progress:
                report = sync(col.store, col.settings, col.zone, folder, now_ms, progress.stage)
    except SyncError as exc:
        raise CommandError(str(exc)) from None
    for problem in report.problems:
        print(f"quizzer: warning: {problem}", file=sys.stderr)
    print(format_report(folder, report))
    return 0
