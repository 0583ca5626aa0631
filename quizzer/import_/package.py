"""Reading an Anki package (.apkg, legacy or current) or collection backup (.colpkg).

Anki's own core (the `anki` package, an optional extra) opens the file: it restores the
collection inside into a temporary folder, as it restores a backup, so every format Anki has
written (and genanki's) reads the same way, media and presets included. Before Anki sees the
file, the zip is checked: a member that unpacks to far more than it weighs, or a package that
unpacks to more than `MAX_UNPACKED`, is refused.
"""

from __future__ import annotations

import json
import tempfile
import zipfile
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from importlib.util import find_spec
from pathlib import Path
from typing import Any

from quizzer.errors import QuizzerError

MAX_UNPACKED = 8 << 30
"""The most bytes a package may unpack to (8 GiB)."""
_BOMB_SIZE, _BOMB_RATIO = 32 << 20, 200
"""A member past 32 MiB that unpacked is 200 times its packed size is not an Anki file."""
EXTRA = {"anki": "anki", "bs4": "beautifulsoup4", "markdownify": "markdownify"}
"""What the `anki` extra brings, by module name: the package it comes in."""


class PackageError(QuizzerError, ValueError):
    """The package cannot be read; the message is one line naming the file."""


@dataclass(frozen=True, slots=True)
class NoteType:
    """An Anki note type, as far as the import needs it."""

    id: int
    name: str
    fields: list[str]
    templates: int
    cloze: bool
    stock_kind: int
    """Anki's original stock kind: 1 Basic, 2 and reversed, 3 optional reversed, 4 typing,
    5 Cloze, 6 Image Occlusion; 0 when the note type is not a stock one."""


@dataclass(slots=True)
class Card:
    """One Anki card."""

    id: int
    ord: int
    deck: str
    queue: int
    """-1 suspended, -2 and -3 buried; otherwise in the schedule."""
    mod: int
    """Last change, seconds."""
    custom_data: str = ""
    """The card's custom data, a JSON object as text (`""` when it has none): what scheduling
    scripts keep there, and quizzer's export the uid of the card's last answer."""


@dataclass(slots=True)
class Note:
    """One Anki note with its cards."""

    id: int
    guid: str
    notetype: NoteType
    fields: list[str]
    tags: list[str]
    cards: list[Card] = field(default_factory=list)

    @property
    def deck(self) -> str:
        """The deck of the note's first card (Anki lets cards of a note sit in other decks)."""
        return min(self.cards, key=lambda c: c.ord).deck if self.cards else "Default"


@dataclass(frozen=True, slots=True)
class Review:
    """One row of Anki's review log."""

    id: int
    """Milliseconds since the epoch when answered; unique in the collection."""
    card_id: int
    ease: int
    """1 Again, 2 Hard, 3 Good, 4 Easy; 0 for a change made by hand."""
    duration_ms: int
    kind: int
    """0 learn, 1 review, 2 relearn, 3 filtered deck, 4 manual, 5 rescheduled."""
    reset: bool = False
    """A manual row that left the card new, with no interval and no ease: Anki's Forget (Reset
    card), as it records one and as quizzer's export writes a forget."""


@dataclass(slots=True)
class Package:
    """What a package holds, read out of Anki's collection."""

    path: Path
    notes: list[Note]
    reviews: list[Review]
    deck_descriptions: dict[str, str]
    media_dir: Path
    fsrs_params: dict[str, list[float]]
    """FSRS-6 parameters by preset name, for presets that have them."""


def require_extra() -> None:
    """Raise PackageError with the install line when a package of the `anki` extra is missing
    (before anything imports it: a missing one would otherwise end in a traceback)."""
    missing = [package for module, package in EXTRA.items() if find_spec(module) is None]
    if missing:
        raise PackageError(
            f"reading Anki packages needs {', '.join(missing)}: pip install 'quizzer[anki]'"
        )


def check_zip(path: Path) -> None:
    """Refuse what is not a zip, and zip bombs, before Anki unpacks anything."""
    if path.is_dir():
        raise PackageError(f"{path}: a folder; name the .apkg or .colpkg file to import")
    if not path.exists():
        raise PackageError(f"{path}: no such file")
    if not path.is_file():
        raise PackageError(f"{path}: not a regular file")
    try:
        with zipfile.ZipFile(path) as zf:
            members = zf.infolist()
    except (zipfile.BadZipFile, OSError) as exc:
        raise PackageError(f"{path}: not an Anki package (not a zip file: {exc})") from None
    names = {m.filename for m in members}
    if not names & {"collection.anki2", "collection.anki21", "collection.anki21b"}:
        raise PackageError(f"{path}: not an Anki package (no collection inside)")
    total = 0
    for member in members:
        total += member.file_size
        packed = max(member.compress_size, 1)
        if member.file_size > _BOMB_SIZE and member.file_size > _BOMB_RATIO * packed:
            raise PackageError(
                f"{path}: member {member.filename!r} unpacks to {member.file_size:,} bytes from "
                f"{member.compress_size:,}; refusing what looks like a zip bomb"
            )
    if total > MAX_UNPACKED:
        raise PackageError(
            f"{path}: unpacks to {total:,} bytes, more than the {MAX_UNPACKED:,} allowed"
        )


@contextmanager
def open_package(path: Path) -> Iterator[Package]:
    """Read a package with Anki's core into a temporary collection, removed on exit."""
    require_extra()
    check_zip(path)
    from anki._backend import RustBackend
    from anki.collection import Collection

    with tempfile.TemporaryDirectory(prefix="quizzer-anki-") as tmp:
        col_path = Path(tmp) / "collection.anki2"
        col: Any = None
        try:
            # an .apkg holds a collection laid out like a backup's: restoring it, rather than
            # importing it into another collection, keeps its note types and presets as they are
            RustBackend().import_collection_package(
                col_path=str(col_path),
                backup_path=str(path.resolve()),
                media_folder=str(Path(tmp) / "collection.media"),
                media_db=str(Path(tmp) / "collection.media.db2"),
            )
            col = Collection(str(col_path))
            package = _read(col, path)
        except Exception as exc:
            if col is not None:
                col.close()
            if type(exc).__module__.startswith("anki") or isinstance(exc, OSError):
                raise PackageError(f"{path}: Anki cannot read it: {_first_line(exc)}") from None
            raise
        try:
            yield package
        finally:
            col.close()


def _custom_data(data: Any) -> str:
    """The custom data in a card's `data` column (JSON whose `cd` is JSON text), or `""`."""
    try:
        found = json.loads(data).get("cd", "") if data else ""
    except (ValueError, AttributeError):
        return ""
    return found if isinstance(found, str) else ""


def _first_line(exc: Exception) -> str:
    text = str(exc).strip() or type(exc).__name__
    return text.splitlines()[0]


def _read(col: Any, path: Path) -> Package:
    """Everything the import uses, as plain values."""
    types: dict[int, NoteType] = {}
    for model in col.models.all():
        types[int(model["id"])] = NoteType(
            id=int(model["id"]),
            name=str(model["name"]),
            fields=[f["name"] for f in model["flds"]],
            templates=len(model["tmpls"]),
            cloze=model.get("type") == 1,
            stock_kind=int(model.get("originalStockKind") or 0),
        )
    decks = {int(d.id): d.name for d in col.decks.all_names_and_ids()}
    descriptions = {}
    for deck_id, name in decks.items():
        deck = col.decks.get(deck_id, default=False)
        if deck and deck.get("desc"):
            descriptions[name] = str(deck["desc"])
    notes: dict[int, Note] = {}
    for nid, guid, mid, tags, flds in col.db.execute(
        "SELECT id, guid, mid, tags, flds FROM notes ORDER BY id"
    ):
        notes[nid] = Note(nid, guid, types[mid], flds.split("\x1f"), tags.split())
    for cid, nid, did, ord_, queue, mod, data in col.db.execute(
        "SELECT id, nid, did, ord, queue, mod, data FROM cards ORDER BY nid, ord"
    ):
        if nid in notes:
            deck = decks.get(did, "Default")
            notes[nid].cards.append(Card(cid, ord_, deck, queue, mod, _custom_data(data)))
    reviews = [
        Review(*row)
        for row in col.db.execute(
            "SELECT id, cid, ease, time, type, type = 4 AND ease = 0 AND ivl = 0 AND factor = 0 "
            "FROM revlog ORDER BY id"
        )
    ]
    params: dict[str, list[float]] = {}
    for conf in col.decks.all_config():
        found = [float(x) for x in conf.get("fsrsParams6") or []]
        if len(found) == 21:
            params[str(conf.get("name", conf.get("id")))] = found
    return Package(
        path,
        list(notes.values()),
        reviews,
        descriptions,
        Path(col.media.dir()),
        params,
    )
