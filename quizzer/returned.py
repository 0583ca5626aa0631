"""Answers that come back through Anki under another uid.

An answer exported to Anki comes back, when its package is imported with its history, as an
event of the device `anki` whose uid is made from its revlog id, so the log cannot tell it by its
uid from the answer it was made from. It is that answer when both are of the same card, kind and
rating and the import is dated 0 to `SAME_ANSWER_MS` after the other (a revlog id is the answer's
time in ms, moved on by 1 ms while another answer holds it). Importing a package leaves out the
answers the log holds this way, and so does a sync: a history brought to a second device through
Anki, and then synced with the first, is counted once on both.

An answer undone after its package was made is still that answer: its copy comes back undone
(taken as held), and the sync points an undo of an answer it took as a copy's at the copy.

A suspension comes back the same way (the export carries its time, and the import dates the
suspension it makes then: `quizzer.import_.history`), and so does a forget (a row of Anki's
review log at its time, as Anki records its Forget)."""

from __future__ import annotations

from collections.abc import Iterable

from quizzer.state import IMPORTED_DEVICE, Event, EventKind

SAME_ANSWER_MS = 1_000
"""How long after an answer its copy from Anki may be dated."""
ANSWERS = (EventKind.REVIEW, EventKind.CRAM)
RETURNING = (*ANSWERS, EventKind.SUSPEND, EventKind.FORGET)
"""The kinds of event that come back from Anki: answers, suspensions and forgets."""


def returned(held: Iterable[Event], incoming: Iterable[Event]) -> dict[str, str]:
    """The answers (and suspensions) of `incoming` that are answers of `held` under another uid,
    each uid with the uid of the held answer it is: of the same card, kind and rating, at least
    one of the two imported from Anki, the import dated 0 to `SAME_ANSWER_MS` after the other
    (two imports: either way). A held answer an undo cancelled counts too (the package was made
    before the undo: its copy is the undone answer). Each held answer stands for one incoming
    answer at most, in time order."""
    times: dict[tuple[str, str, int | None], list[tuple[int, bool, str]]] = {}
    for e in sorted(held, key=lambda e: (e.at, e.uid)):
        if e.kind in RETURNING:
            key = (e.card_id, e.kind, e.rating)
            times.setdefault(key, []).append((e.at, e.device == IMPORTED_DEVICE, e.uid))
    found = {}
    for e in sorted(incoming, key=lambda e: (e.at, e.uid)):
        candidates = times.get((e.card_id, e.kind, e.rating)) if e.kind in RETURNING else None
        if not candidates:
            continue
        imported = e.device == IMPORTED_DEVICE
        match = next((c for c in candidates if _same(e.at, imported, c[0], c[1])), None)
        if match is not None:
            candidates.remove(match)
            found[e.uid] = match[2]
    return found


def _same(at: int, imported: bool, held_at: int, held_imported: bool) -> bool:
    if imported and held_imported:
        return abs(at - held_at) <= SAME_ANSWER_MS
    if imported:
        return 0 <= at - held_at <= SAME_ANSWER_MS
    if held_imported:
        return 0 <= held_at - at <= SAME_ANSWER_MS
    return False
