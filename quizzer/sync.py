"""Several devices, no server: each device appends its own events to `DIR/<device-id>.jsonl`.

A device only ever appends to its own file, so the folder can be anything that copies files
around (Syncthing, Dropbox, a git checkout) and no lock is needed across devices. A sync:

1. appends this device's events not yet written, its own and those it imported from Anki
   (one `Event.to_dict()` JSON per line, in
   O_APPEND writes of whole lines, then fsync), remembering in `sync_marks` the last log row
   written and the size the file then had. When the file is not that size (a sync cut short, a
   copy of the data directory writing it too), it is read again line by line first, to learn
   what it holds; its bad lines, which stay (the file is never rewritten), are reported the
   first time only (`Reported`);
2. reads every other device's file from where it stopped last time (`sync_marks` again), a part
   at a time, so that memory does not grow with the history. A last line without its newline is
   still being written or synced: it is reported and read next time;
3. inserts each part's events this database lacks (uids are unique, so nothing comes in twice),
   and replays every card they touch from all of its events in time order, rewriting the
   derived columns of its rows, so that every device ends with the same log and the same card
   states. An answer that reached one device through Anki (a package imported with its history)
   holds another uid there than the answer it was made from (`quizzer.returned`): received
   where its copy is held, the answer takes the copy's place, and a copy received where the
   answer is held is already here (`quizzer.sync_copies`), so every device counts it once.
   A card whose new events all come after every event it has (the usual case: the other device
   studied it later) needs no more than those events applied to its state, as answers are.

All of it runs in one database transaction: a crash leaves the database as before the sync (the
next sync notices what the crash left in the own file and does not write it twice). Deck files
and config.toml are not synced; keep the FSRS settings and the study calendar (time zone, day
start) alike on every device, since the replay uses this device's.
"""

from __future__ import annotations

import errno
import hashlib
import os
import re
import stat
from collections.abc import Callable, Iterable, Iterator, Sequence
from dataclasses import dataclass, field
from datetime import tzinfo
from itertools import chain
from pathlib import Path

from quizzer.clock import DAY_MS, from_ms
from quizzer.config import Settings
from quizzer.errors import QuizzerError
from quizzer.replay import DeckSettings, replay_rows
from quizzer.state import EVENT_COLUMNS, IMPORTED_DEVICE, Event, EventKind
from quizzer.store.db import Store
from quizzer.store.in_list import rows_in
from quizzer.sync_copies import held_as_imported, held_copies, replaced, take_originals
from quizzer.sync_lines import BadLine, NewerLine, event_line, parse_line
from quizzer.wording import counted

DEVICE_FILE = re.compile(r"^([0-9a-f]{12})\.jsonl$")
"""A device's file, named by its id (12 hex digits, as `Store` makes them). Anything else is
ignored: Syncthing's `<id>.sync-conflict-<date>-<time>-<device>.jsonl`, Dropbox's
`<id> (conflicted copy).jsonl`, or reviews exported there with `quizzer export reviews`."""
MAX_READ = 256 * 1024 * 1024
"""The most read from one device file in one sync; the rest waits for the next."""
READ_PIECE = 8 * 1024 * 1024
"""Bytes of a device file parsed and taken in at a time (about 40,000 events): the memory a sync
needs, however much it receives."""
SEND_BATCH = 10_000
"""This device's events read from the log and written to its file at a time."""
SENT_SUFFIX = "#sent"
"""`sync_marks` key suffix of the own file's mark: the last log `seq` written to it. The plain key
of a file holds its byte offset: read up to (other devices) or size after writing (own file)."""
BAD_SUFFIX = "#bad@"
"""`sync_marks` key suffix, followed by a byte offset, of a bad line of the own file already
reported; the key holds a digest of the line."""


class SyncError(QuizzerError, RuntimeError):
    """The folder cannot be used; the message says why."""


@dataclass(slots=True)
class Reported:
    """The bad lines of this device's own file reported before, by byte offset: a digest of
    each. The own file is read again from its start whenever it changed under this device (a
    crash, a copy of the data directory writing it too), and a bad line, which stays (the file
    only ever grows), is reported the first time only."""

    known: dict[int, int]
    found: dict[int, int] = field(default_factory=dict)
    """The bad lines of this read."""

    def first_time(self, offset: int, raw: bytes) -> bool:
        """Note the bad line `raw` at `offset`; whether it is new there."""
        digest = int.from_bytes(hashlib.blake2b(raw, digest_size=7).digest(), "big")
        self.found[offset] = digest
        return self.known.get(offset) != digest


@dataclass(slots=True)
class SyncReport:
    """What a sync did."""

    sent: int = 0
    """Events of this device appended to its file."""
    received: int = 0
    """Events new to this database, inserted."""
    already: int = 0
    """Events read that this database already had (an answer brought here through Anki counts
    as the answer it was made from: `quizzer.returned`)."""
    devices: list[str] = field(default_factory=list)
    """Other devices whose files were read."""
    replayed: int = 0
    """Cards whose states the new events changed: brought forward from their state when the
    events come after everything they had, replayed from their log otherwise."""
    problems: list[str] = field(default_factory=list)
    """Torn or bad lines, files that changed under us, clock trouble: reported, never fatal."""


# ---------------------------------------------------------------- files


def _open_file(path: Path, *, follow: bool) -> int:
    """A descriptor on a regular file, opened for reading. FIFOs and devices (a symlink to
    /dev/zero) are refused with an OSError instead of blocking or reading without end; with
    `follow=False` a symbolic link is refused too."""
    flags = os.O_RDONLY | os.O_NONBLOCK | (0 if follow else os.O_NOFOLLOW)
    fd = os.open(path, flags)
    if not stat.S_ISREG(os.fstat(fd).st_mode):
        os.close(fd)
        raise OSError(errno.EINVAL, "not a regular file")
    return fd


def read_events(
    path: Path,
    offset: int,
    problems: list[str],
    device: str | None = None,
    *,
    follow: bool = True,
    newer: list[tuple[str, int, str]] | None = None,
    reported: Reported | None = None,
) -> Iterator[tuple[list[Event], int]]:
    """The events of the complete lines of `path` from byte `offset`, a piece of about
    READ_PIECE bytes at a time, each with the offset after its last complete line; MAX_READ bytes
    in all (the rest waits for the next sync). Bad lines (and, when `device` is given, events of
    another device) are reported and skipped (those `reported` knows, silently); a partly written
    last line is reported and left for the next read. Lines a newer quizzer wrote go, as (uid,
    time, line), into `newer` when it is given (they are bad lines otherwise)."""
    with os.fdopen(_open_file(path, follow=follow), "rb") as fh:
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
        data, budget, begin = b"", MAX_READ, offset
        while True:
            piece = fh.read(min(READ_PIECE, budget))
            budget -= len(piece)
            data += piece
            end = data.rfind(b"\n") + 1
            if piece and budget:
                lines = _parse_lines(path, data[:end], offset, problems, device, newer, reported)
                yield lines, offset + end
                data, offset = data[end:], offset + end
                continue
            if offset + len(data) < size:  # a part is left for the next sync
                problems.append(
                    f"{path}: read {(MAX_READ - budget) >> 20} MB of {size >> 20} MB; "
                    "sync again for the rest"
                )
                if offset == begin and end == 0:  # no line end in a whole read: no valid line
                    problems.append(
                        f"{path}: byte {offset}: no line end in {MAX_READ >> 20} MB; skipped"
                    )
                    yield [], offset + len(data)
                    return
            elif data[end:].strip() and (
                reported is None or reported.first_time(offset + end, data[end:])
            ):
                # the own file's torn line, closed off by this device's next write, is that
                # same line once complete: it is not reported again
                problems.append(
                    f"{path}: the last line is incomplete (still being written or synced?); "
                    "skipped until it is complete"
                )
            lines = _parse_lines(path, data[:end], offset, problems, device, newer, reported)
            yield lines, offset + end
            return


def _parse_lines(
    path: Path,
    data: bytes,
    position: int,
    problems: list[str],
    device: str | None,
    newer: list[tuple[str, int, str]] | None,
    reported: Reported | None = None,
) -> list[Event]:
    """The events of whole lines `data`, read from byte `position` of `path`."""
    events = []
    mine = (device, IMPORTED_DEVICE)
    for raw in data.split(b"\n")[:-1]:
        start, position = position, position + len(raw) + 1
        if not raw.strip():
            continue
        try:
            event = parse_line(raw)
            if device is not None and event.device not in mine:
                raise BadLine(f"an event of device {event.device!r} in another device's file")
        except NewerLine as exc:
            if newer is not None and (device is None or exc.device in mine):
                newer.append((exc.uid, exc.at, raw.decode("utf-8")))
                continue
            bad: BadLine = exc
        except BadLine as exc:
            bad = exc
        else:
            events.append(event)
            continue
        if reported is None or reported.first_time(start, raw):
            problems.append(f"{path}: byte {start}: not a valid event ({bad}); skipped")
    return events


def append_lines(path: Path, chunks: Iterable[bytes]) -> int:
    """Append whole lines (given a run of them at a time) with O_APPEND writes and fsync; returns
    the file's size after. A torn line left by a crash is closed first, so it stays one bad line
    instead of spoiling the next."""
    created = not os.path.lexists(path)
    # never through a link: a link planted in place of the own file would have every event
    # appended to whatever file it points at
    fd = os.open(path, os.O_RDWR | os.O_APPEND | os.O_CREAT | os.O_NOFOLLOW | os.O_NONBLOCK, 0o644)
    try:
        info = os.fstat(fd)
        if not stat.S_ISREG(info.st_mode) or info.st_nlink != 1:
            raise OSError(errno.EINVAL, "not a regular file of its own")
        size = info.st_size
        for data in chunks:
            if size and data and os.pread(fd, 1, size - 1) != b"\n":
                data = b"\n" + data
            view = memoryview(data)
            while view:
                written = os.write(fd, view)
                view = view[written:]
            size += len(data)
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


def _own_events(store: Store, after_seq: int) -> Iterator[list[Event]]:
    """This device's events (its own, and those it imported) logged after row `after_seq`, in
    log order, `SEND_BATCH` at a time: a first sync of a long history never holds all of it."""
    rows = store.db.execute(
        f"SELECT {', '.join(EVENT_COLUMNS)} FROM log WHERE device IN (?, ?) AND seq > ? "
        "ORDER BY seq",
        (store.device, IMPORTED_DEVICE, after_seq),
    )
    while batch := rows.fetchmany(SEND_BATCH):
        yield [store.event(row) for row in batch]


def _known_uids(store: Store, uids: Sequence[str], device: str | None = None) -> set[str]:
    """Which of `uids` the log holds (when `device` is given, only of the events it writes to its
    file: its own and those it imported)."""
    if device is None:
        rows = rows_in(store.db, "SELECT uid FROM log WHERE uid IN ({marks})", uids)
    else:
        sql = "SELECT uid FROM log WHERE uid IN ({marks}) AND device IN (?, ?)"
        rows = rows_in(store.db, sql, uids, (device, IMPORTED_DEVICE))
    return {uid for (uid,) in rows}


def _out_of_order(store: Store, card_ids: set[str]) -> set[str]:
    """Cards whose events were logged in another order than their time order."""
    found = set()
    last: dict[str, tuple[int, str]] = {}
    sql = "SELECT card_id, at, uid FROM log WHERE card_id IN ({marks}) ORDER BY seq"
    for card_id, at, uid in rows_in(store.db, sql, sorted(card_ids)):
        if card_id in last and (at, uid) < last[card_id]:
            found.add(card_id)
        last[card_id] = (at, uid)
    return found


def _after_their_log(store: Store, fresh: Sequence[Event]) -> set[str]:
    """Cards whose new events all come after every event they have (in time, strictly), none
    of them an undo or undone by one the log has (an answer held back while dated ahead, undone
    meanwhile): a replay of those events from the cards' states gives what a replay of every
    event of theirs would."""
    first: dict[str, int] = {}
    undone = {e.card_id for e in fresh if e.kind == EventKind.UNDO}
    undone.update(_undone_already(store, fresh))
    for e in fresh:
        first[e.card_id] = min(first.get(e.card_id, e.at), e.at)
    ids = sorted(set(first) - undone)
    # a max per card seeks the end of its events in the (card_id, at) index; one max grouped
    # over an IN list would read every event of the cards
    sql = (
        "WITH ids(id) AS (VALUES {marks}) "
        "SELECT id, (SELECT max(at) FROM log WHERE card_id = id) FROM ids"
    )
    latest: dict[str, int | None] = dict(rows_in(store.db, sql, ids, mark="(?)"))
    return {c for c in ids if (last := latest.get(c)) is None or last < first[c]}


def _undone_already(store: Store, fresh: Sequence[Event]) -> set[str]:
    """The cards of the events of `fresh` that an undo in the log cancels."""
    card_of = {e.uid: e.card_id for e in fresh}
    rows = rows_in(store.db, "SELECT target FROM log WHERE target IN ({marks})", list(card_of))
    return {card_of[target] for (target,) in rows}


def _release_held(store: Store, now_ms: int, report: SyncReport) -> list[Event]:
    """Held-back events whose time has come (no longer more than a day ahead) and that this
    version reads (lines of a newer quizzer wait for an update)."""
    rows = store.db.execute(
        "SELECT uid, line FROM sync_held WHERE at <= ? ORDER BY at, uid", (now_ms + DAY_MS,)
    ).fetchall()
    released, gone = [], []
    for uid, line in rows:
        try:
            released.append(parse_line(line.encode("utf-8")))
        except NewerLine:
            continue
        except BadLine as exc:  # pragma: no cover - only valid or newer lines are ever held
            report.problems.append(f"held event {uid}: {exc}; dropped")
        gone.append((uid,))
    store.db.executemany("DELETE FROM sync_held WHERE uid = ?", gone)
    return released


def _hold_newer(store: Store, newer: list[tuple[str, int, str]]) -> None:
    """Keep aside the lines a newer quizzer wrote, until an update of this one reads them."""
    store.db.executemany("INSERT OR IGNORE INTO sync_held (uid, at, line) VALUES (?, ?, ?)", newer)
    newer.clear()


def _hold_future(store: Store, fresh: list[Event], now_ms: int) -> list[Event]:
    """Keep back events dated more than a day after this device's clock (a device whose clock is
    wrong, or a forged file): applied now they would move cards years ahead. They are stored and
    applied by the first sync once their time has come."""
    limit = now_ms + DAY_MS
    ahead = [e for e in fresh if e.at > limit]
    store.db.executemany(
        "INSERT OR IGNORE INTO sync_held (uid, at, line) VALUES (?, ?, ?)",
        [(e.uid, e.at, event_line(e).decode("utf-8").rstrip("\n")) for e in ahead],
    )
    return [e for e in fresh if e.at <= limit]


def _report_held(store: Store, now_ms: int, report: SyncReport) -> None:
    # what is held and due by now was not released: only this version cannot read it
    limit = now_ms + DAY_MS
    newer = store.count("SELECT count(*) FROM sync_held WHERE at <= ?", (limit,))
    if newer:
        report.problems.append(
            f"{counted(newer, 'received event')} written by a newer version of "
            "quizzer kept aside: update quizzer on this device, and the next sync takes "
            f"{'them' if newer != 1 else 'it'} in"
        )
    waiting, first = store.db.execute(
        "SELECT count(*), min(at) FROM sync_held WHERE at > ?", (limit,)
    ).fetchone()
    if waiting:
        report.problems.append(
            f"{counted(waiting, 'received event')} dated more than a day after "
            f"this device's clock (the first at {from_ms(first):%Y-%m-%d %H:%M} UTC) held back "
            "until then: check the devices' clocks"
        )


def _drop_bad_undos(store: Store, fresh: list[Event], report: SyncReport) -> list[Event]:
    """Refuse undo events whose target is an event of another card or another device, or another
    undo: an undo only ever cancels its own device's answer, bury or suspension of the same card
    (an unknown target is kept; it cancels nothing until its event arrives, and then only if it
    matches). A copy from Anki of the answer it cancels has by then become that answer, its
    device included (`quizzer.sync_copies`): the answer comes before its undo in the file."""
    undos = [e for e in fresh if e.kind == EventKind.UNDO and e.target]
    if not undos:
        return fresh
    by_uid = {e.uid: (e.card_id, e.device, e.kind == EventKind.UNDO) for e in fresh}
    targets = [e.target for e in undos if e.target not in by_uid]
    sql = "SELECT uid, card_id, device, kind FROM log WHERE uid IN ({marks})"
    for uid, card_id, device, kind in rows_in(store.db, sql, targets):
        by_uid[uid] = (card_id, device, kind == EventKind.UNDO)
    bad = set()
    for undo in undos:
        found = by_uid.get(undo.target or "")
        if found is not None and found != (undo.card_id, undo.device, False):
            bad.add(undo.uid)
            report.problems.append(
                f"undo {undo.uid} from device {undo.device}: its target is an event of another "
                "card or device, or an undo; ignored"
            )
    return [e for e in fresh if e.uid not in bad]


class _Intake:
    """Takes received events into the log, a part at a time: each part's new events are
    inserted and the cards they touch replayed, as a sync of that part alone would."""

    def __init__(
        self,
        store: Store,
        rules: DeckSettings,
        now_ms: int,
        report: SyncReport,
        say: Callable[[str], None],
    ) -> None:
        self.store, self.rules, self.now_ms = store, rules, now_ms
        self.report, self.say = report, say
        self.cards: set[str] = set()
        """The cards that received events."""

    def take(self, incoming: Sequence[Event], disordered: set[str] | None = None) -> None:
        """Insert the events of `incoming` the log lacks, and replay their cards (and the cards
        `disordered`: all of their events)."""
        store, report = self.store, self.report
        unique = list({e.uid: e for e in incoming}.values())
        known = _known_uids(store, [e.uid for e in unique])
        fresh = sorted((e for e in unique if e.uid not in known), key=lambda e: (e.at, e.uid))
        copies = held_copies(store, fresh)
        copies.update(held_as_imported(store, [e for e in unique if e.uid in known]))
        swapped = take_originals(store, unique, copies)
        fresh = [e for e in fresh if e.uid not in copies]
        report.already += len(unique) - len(fresh)
        fresh = _hold_future(store, fresh, self.now_ms)
        fresh = _drop_bad_undos(store, fresh, report)
        report.received += len(fresh)
        disordered = (disordered or set()) | swapped
        if not fresh and not disordered:
            return
        on_top = _after_their_log(store, fresh) - disordered
        affected = ({e.card_id for e in fresh} | disordered) - on_top
        if affected:
            self.say(
                f"replaying {counted(len(affected), 'card', grouped=True)} with "
                f"{counted(len(fresh), 'new event', grouped=True)}"
            )
        # the cards `on_top` replay their new events alone, from the states they hold (as
        # answering them here would); the others, all of their events
        existing = store.events(affected)
        start = {card_id: store.state(card_id) for card_id in on_top}
        states, derived = replay_rows([*existing, *fresh], self.rules, start)
        store.insert_events((e, derived[e.uid]) for e in fresh)
        store.rewrite_derived((e.uid, derived[e.uid]) for e in existing)
        store.replace_states(states[card_id] for card_id in sorted(states))
        self.cards.update(e.card_id for e in fresh)


def _send(
    store: Store, own: Path, marks: dict[str, int], report: SyncReport, incoming: list[Event]
) -> tuple[set[str], int]:
    """Append this device's unwritten events to its file; returns their cards and the file's
    size."""
    key = str(own)
    try:
        info = os.lstat(own)
    except FileNotFoundError:
        info = None
    if info is not None and (not stat.S_ISREG(info.st_mode) or info.st_nlink != 1):
        what = (
            "a symbolic link"
            if stat.S_ISLNK(info.st_mode)
            else "not a regular file"
            if not stat.S_ISREG(info.st_mode)
            else "hard-linked to another file"
        )
        raise SyncError(
            f"{own}: this device's file is {what}; refusing to write through it. Move it aside "
            "(the next sync writes a new one)"
        )
    size = info.st_size if info is not None else 0
    sent_seq = marks.get(key + SENT_SUFFIX)
    written: set[str] = set()
    if sent_seq is None or marks.get(key) != size:
        # Not written by this database as far as it knows (first sync into this folder, or a
        # crash, a copy or a restore): find out what it holds before adding to it.
        if sent_seq is not None:
            report.problems.append(
                f"{own}: changed since this device last wrote it; checked it line by line"
            )
        strangers = []
        prefix = key + BAD_SUFFIX
        reported = Reported(
            {int(k[len(prefix) :]): v for k, v in marks.items() if k.startswith(prefix)}
        )
        pieces = (
            read_events(own, 0, report.problems, store.device, follow=False, reported=reported)
            if size
            else []
        )
        for in_file, _ in pieces:
            written.update(e.uid for e in in_file)
            uids = [e.uid for e in in_file]
            mine = _known_uids(store, uids, store.device) | replaced(store, uids)
            strangers += [e for e in in_file if e.uid not in mine]
        if strangers:
            report.problems.append(
                f"{own}: holds {counted(len(strangers), 'event')} this database never wrote; "
                "taking them in (was the database restored from a backup, or copied to another "
                "device? each device needs its own data directory)"
            )
            incoming.extend(strangers)
        store.db.execute(
            "DELETE FROM sync_marks WHERE substr(file, 1, ?) = ?", (len(prefix), prefix)
        )
        store.db.executemany(
            "INSERT INTO sync_marks (file, offset) VALUES (?, ?)",
            [(f"{prefix}{at}", digest) for at, digest in sorted(reported.found.items())],
        )
        sent_seq = 0
    cards: set[str] = set()

    def unwritten() -> Iterator[bytes]:
        for batch in _own_events(store, sent_seq):
            pending = [e for e in batch if e.uid not in written]
            report.sent += len(pending)
            cards.update(e.card_id for e in pending)
            yield b"".join(map(event_line, pending))

    chunks = unwritten()
    first = next((chunk for chunk in chunks if chunk), b"")  # nothing to write: no write
    if first or info is None:
        size = append_lines(own, chain([first], chunks))
    return cards, size


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
        raise SyncError(
            f"{folder}: no such folder; create it where every device can reach it (a Syncthing "
            "or Dropbox folder, a network share) and sync each device into it"
        )
    if not folder.is_dir():
        raise SyncError(f"{folder}: not a folder")
    try:
        names = sorted(folder.iterdir())
    except OSError as exc:
        raise SyncError(f"{folder}: cannot list it ({exc.strerror or exc})") from None
    report = SyncReport()
    # marks are keyed by the folder's real path and the file's name (never a link's target)
    folder = folder.resolve()
    names = [folder / path.name for path in names]
    own = folder / f"{store.device}.jsonl"
    say(f"reading {folder}")
    with store.transaction() as db:
        marks = {str(k): int(v) for k, v in db.execute("SELECT file, offset FROM sync_marks")}
        new_marks: dict[str, int] = {}
        strangers: list[Event] = []
        try:
            sent, own_size = _send(store, own, marks, report, strangers)
        except OSError as exc:
            raise SyncError(f"{own}: cannot write ({exc.strerror or exc})") from None
        new_marks[str(own)] = own_size
        # Answered in time order, this device's cards already hold what a replay would give;
        # a clock that went back makes a card's log order differ from its time order.
        intake = _Intake(store, DeckSettings(settings, zone), now_ms, report, say)
        intake.take([*strangers, *_release_held(store, now_ms, report)], _out_of_order(store, sent))
        for path in names:
            match = DEVICE_FILE.match(path.name)
            if match is None:
                if path.suffix == ".jsonl" and "conflict" in path.name:
                    report.problems.append(
                        f"{path}: ignored (a sync conflict copy: do two devices share a data "
                        "directory?)"
                    )
                continue
            if match.group(1) == store.device or path.is_dir():
                continue
            key = str(path)
            newer: list[tuple[str, int, str]] = []
            try:
                for events, offset in read_events(
                    path, marks.get(key, 0), report.problems, match.group(1), newer=newer
                ):
                    intake.take(events)
                    _hold_newer(store, newer)
                    new_marks[key] = offset
            except OSError as exc:
                report.problems.append(f"{path}: cannot read ({exc.strerror or exc}); skipped")
                continue
            report.devices.append(match.group(1))
        report.replayed = len(intake.cards)
        _report_held(store, now_ms, report)
        last_seq = db.execute("SELECT coalesce(max(seq), 0) FROM log").fetchone()[0]
        new_marks[str(own) + SENT_SUFFIX] = int(last_seq)
        db.executemany(
            "INSERT OR REPLACE INTO sync_marks (file, offset) VALUES (?, ?)",
            sorted(new_marks.items()),
        )
    return report


def format_report(folder: Path, report: SyncReport) -> str:
    """The one-line summary of a sync."""
    n = len(report.devices)
    text = (
        f"synced with {folder}: sent {counted(report.sent, 'event')}; "
        f"received {report.received} new from {counted(n, 'other device')}"
    )
    if report.already:
        text += f" ({report.already} already here)"
    if report.replayed:
        text += f"; {counted(report.replayed, 'card')} updated"
    return text
