"""Imported questions into YAML deck files, with their media, without losing the user's edits.

A manifest beside the decks (`.anki-import.json` in the `--into` folder) remembers, for each
Anki note GUID, the question it became (deck and id) and a hash of the question as the deck file
held it after the import, read as quizzer reads decks. On the next import a question whose YAML
still has that hash is updated in place; one that differs was edited by the user and is kept
unless `--force`; one the user removed is not added back unless `--force`. Questions the import
did not write are never touched: a deck file it changes keeps every line but those of the
questions it replaces, byte for byte (`quizzer.import_.deck_text`).
"""

from __future__ import annotations

import hashlib
import json
import os
from collections.abc import Sequence
from dataclasses import dataclass, field
from functools import cache
from pathlib import Path
from typing import TYPE_CHECKING, Any

from quizzer.errors import QuizzerError
from quizzer.files import DECK_LIMIT, read_regular
from quizzer.import_.deck_text import DeckText, DeckTextError, dump_deck
from quizzer.import_.media import MediaPlacer, Placement, with_paths
from quizzer.import_.notes import Mapped
from quizzer.import_.tags import respelled, same_tags, tag_list, without_deck_tags

if TYPE_CHECKING:
    from pydantic import TypeAdapter

MANIFEST = ".anki-import.json"
_KEY_ORDER = [
    "id",
    "type",
    "prompt",
    "text",
    "answer",
    "answers",
    "choices",
    "items",
    "tolerance",
    "unit",
    "reverse",
    "hint",
    "explanation",
    "source",
    "tags",
]


class WriteError(QuizzerError, ValueError):
    """A deck file or media file cannot be written as asked; one line naming it."""


@dataclass(slots=True)
class Placed:
    """Where a note's question ended up."""

    deck_id: str
    question_id: str
    written: bool
    """False when the user's edited version was kept."""


@dataclass(slots=True)
class WriteResult:
    """What the writing did (or, in a dry run, would do)."""

    placed: dict[str, Placed] = field(default_factory=dict)
    """By note GUID."""
    added: int = 0
    updated: int = 0
    unchanged: int = 0
    kept_edited: list[str] = field(default_factory=list)
    """`deck:question` ids the user edited since the last import, kept."""
    kept_own: list[str] = field(default_factory=list)
    """`deck:question` ids of questions no import wrote that the package has too, kept."""
    not_restored: list[str] = field(default_factory=list)
    """`deck:question` ids the user removed since the last import, not added back."""
    deck_files: list[Path] = field(default_factory=list)
    """Deck files created or changed."""
    media: int = 0
    """Media files copied (or that would be)."""
    media_renamed: list[Placement] = field(default_factory=list)
    """Media files copied under another name than their own, which held a different file."""
    bundled: int = 0
    """Questions left to the bundled decks, which hold them as the package does."""


def question_hash(question: dict[str, Any]) -> str:
    """A hash of a question's content, as YAML gives it back."""
    text = json.dumps(question, sort_keys=True, ensure_ascii=False, separators=(",", ":"))
    return hashlib.sha256(text.encode()).hexdigest()[:16]


def same_question(current: Any, new: dict[str, Any], deck_tags: Sequence[str] = ()) -> bool:
    """Whether the question in the deck file says what the imported one says: the same as
    written, or once read (a key left out and that key at its default are one question), with
    the same tags as Anki holds them in a deck tagged `deck_tags`."""
    if current == new:
        return True
    if not isinstance(current, dict):
        return False
    current_tags = tag_list(current.get("tags"))
    if current_tags is None or not same_tags(current_tags, new.get("tags", []), deck_tags):
        return False
    current = {k: v for k, v in current.items() if k != "tags"}
    new = {k: v for k, v in new.items() if k != "tags"}
    if current == new:
        return True
    from pydantic import ValidationError

    read = _question_reader()
    try:
        return bool(read.validate_python(current) == read.validate_python(new))
    except ValidationError:
        return False


@cache
def _question_reader() -> TypeAdapter[Any]:
    from pydantic import TypeAdapter

    from quizzer.decks.models import Question

    return TypeAdapter(Question)


def ordered(question: dict[str, Any]) -> dict[str, Any]:
    """The question's keys in the order a person writes them."""
    rank = {key: i for i, key in enumerate(_KEY_ORDER)}
    return dict(sorted(question.items(), key=lambda kv: rank.get(kv[0], len(rank))))


class DeckWriter:
    """Places questions into deck files under `into` (deck ids prefixed by `prefix`)."""

    def __init__(
        self, into: Path, *, prefix: str = "", force: bool = False, beside: Path | None = None
    ) -> None:
        self.into = into
        self.beside = beside
        """The bundled decks, when `into` is the folder whose decks replace them: a deck the
        package holds as it is bundled is not copied there (the copy would hide every later
        change to the bundled deck); its history goes to the bundled deck's cards."""
        self.prefix = prefix.strip("/")
        self.force = force
        path = into / MANIFEST
        try:
            self.manifest: dict[str, Any] = json.loads(path.read_text(encoding="utf-8"))
        except FileNotFoundError:
            self.manifest = {}
        except (OSError, ValueError) as exc:
            raise WriteError(f"{path}: unreadable ({exc}); remove it to import afresh") from None
        self.manifest.setdefault("version", 1)
        self.notes: dict[str, dict[str, str]] = self.manifest.setdefault("notes", {})

    def deck_id(self, mapped: Mapped) -> str:
        """The deck id a question goes to."""
        return f"{self.prefix}/{mapped.deck_id}" if self.prefix else mapped.deck_id

    def plan(
        self, items: list[tuple[str, Mapped]], media_dir: Path, *, dry_run: bool
    ) -> WriteResult:
        """Write (unless `dry_run`) every (note GUID, question) into its deck file."""
        result = WriteResult()
        media = MediaPlacer(media_dir)
        by_deck: dict[str, list[tuple[str, Mapped]]] = {}
        for guid, mapped in items:
            known = self.notes.get(guid)
            if known:  # the id it got the first time, whatever the note's text says now
                mapped.question["id"] = known["id"]
            deck_id = known["deck"] if known else self.deck_id(mapped)
            by_deck.setdefault(deck_id, []).append((guid, mapped))
        # every deck file is made before any is written: one that cannot be changed stops the
        # import with no deck file changed
        changed = [
            self._deck(deck_id, group, media, result, dry_run=dry_run)
            for deck_id, group in by_deck.items()
        ]
        if not dry_run and result.deck_files:
            for path, text in filter(None, changed):
                _write_text(path, text)
            self._save_manifest()
        return result

    def _deck(
        self,
        deck_id: str,
        group: list[tuple[str, Mapped]],
        media: MediaPlacer,
        result: WriteResult,
        *,
        dry_run: bool,
    ) -> tuple[Path, str] | None:
        """Place a deck's questions; its file and new text, or None when it is unchanged."""
        path = self.into / f"{deck_id}.yaml"
        self._inside(path)
        before = self._read(path) if path.exists() else None
        if before is None and self._as_bundled(deck_id, group, media, result):
            return None
        data = before.data if before else {"title": group[0][1].deck_title}
        questions: list[Any] = list(before.questions) if before else []
        kept = len(questions)  # the questions past it are added by this import
        index = {str(q.get("id")): i for i, q in enumerate(questions) if isinstance(q, dict)}
        owners = {e["id"]: g for g, e in self.notes.items() if e.get("deck") == deck_id}
        deck_tags = tag_list(data.get("tags")) or []
        replaced: dict[int, dict[str, Any]] = {}
        written_at: dict[str, tuple[str, int]] = {}  # by GUID: the id and index recorded
        for guid, mapped in group:
            placements, new = _as_written(mapped, media, path.parent, deck_tags)
            for placement in placements:
                self._inside(placement.target)
            qid = new["id"]
            if owners.get(qid, guid) != guid:  # another note already has this id here
                qid = new["id"] = (
                    f"{qid}-{hashlib.blake2b(guid.encode(), digest_size=2).hexdigest()}"
                )
            known = self.notes.get(guid)
            full = f"{deck_id}:{qid}"
            at = index.get(qid)
            written = True
            if at is None:
                if known and not self.force:
                    result.not_restored.append(full)
                    written = False
                else:
                    at = index[qid] = len(questions)
                    questions.append(new)
                    result.added += 1
            else:
                current = questions[at]
                if same_question(current, new, deck_tags):
                    result.unchanged += 1
                elif (
                    known
                    and before is not None
                    and at < kept
                    and not _unedited(before, at, known.get("hash"))
                    and not self.force
                ):
                    result.kept_edited.append(full)
                    written = False
                elif not known and not self.force:
                    result.kept_own.append(full)
                    written = False
                else:
                    questions[at] = _with_tags(new, deck_tags, spelled_as=current)
                    if at < kept:
                        replaced[at] = questions[at]
                    result.updated += 1
            owners[qid] = guid
            result.placed[guid] = Placed(deck_id, qid, written)
            if written and at is not None:
                written_at[guid] = (qid, at)
                copied = media.copy(placements, dry_run=dry_run)
                result.media += len(copied)
                result.media_renamed += [p for p in copied if p.taken is not None]
        after = before
        if replaced or len(questions) > kept:
            try:
                if before is None:
                    after = DeckText.read(dump_deck(data | {"questions": questions}))
                else:
                    _loads(path, before.text, deck_id)
                    after = before.changed(replaced, questions[kept:])
            except DeckTextError as exc:
                raise WriteError(f"{path}: cannot update it ({exc}); nothing written") from None
            result.deck_files.append(path)
        for guid, (qid, at) in written_at.items():
            shown = after.questions[at] if after else questions[at]
            self.notes[guid] = {"deck": deck_id, "id": qid, "hash": question_hash(shown)}
        return (path, after.text) if after is not None and after is not before else None

    def _as_bundled(
        self,
        deck_id: str,
        group: list[tuple[str, Mapped]],
        media: MediaPlacer,
        result: WriteResult,
    ) -> bool:
        """Place the deck's questions on the bundled deck of that id, writing nothing, when the
        package holds every one of them as the bundled deck has it."""
        bundled = self.beside / f"{deck_id}.yaml" if self.beside else None
        if bundled is None or not bundled.is_file():
            return False
        try:
            deck = DeckText.read(bundled.read_text(encoding="utf-8"))
        except (OSError, UnicodeDecodeError, DeckTextError):
            return False
        deck_tags = tag_list(deck.data.get("tags")) or []
        by_id = {str(q.get("id")): q for q in deck.questions if isinstance(q, dict)}
        for _, mapped in group:
            _, new = _as_written(mapped, media, bundled.parent, deck_tags)
            if not same_question(by_id.get(str(new["id"])), new, deck_tags):
                return False
        for guid, mapped in group:
            result.placed[guid] = Placed(deck_id, str(mapped.question["id"]), False)
        result.bundled += len(group)
        return True

    def _inside(self, path: Path) -> None:
        root = self.into.resolve()
        if not path.resolve().is_relative_to(root):
            raise WriteError(f"{path}: outside {root}; refusing to write there")

    def _read(self, path: Path) -> DeckText:
        """The deck file the import adds to, its questions as quizzer reads them."""
        try:
            return DeckText.read(read_regular(path, DECK_LIMIT).decode("utf-8"))
        except (OSError, UnicodeDecodeError, DeckTextError) as exc:
            why = exc.strerror if isinstance(exc, OSError) and exc.strerror else exc
            raise WriteError(
                f"{path}: cannot update it ({str(why).splitlines()[0]}); fix it or move it away"
            ) from None

    def _save_manifest(self) -> None:
        text = json.dumps(self.manifest, indent=1, sort_keys=True, ensure_ascii=False)
        _write_text(self.into / MANIFEST, text + "\n")


def _as_written(
    mapped: Mapped, media: MediaPlacer, folder: Path, deck_tags: list[str]
) -> tuple[list[Placement], dict[str, Any]]:
    """Where the question's media would go in `folder`, and the question as a deck file there
    holds it: media paths, key order, tags beside the deck's `deck_tags`."""
    placements = media.choose(mapped.media, folder)
    question = with_paths(mapped.question, {p.name: p.target.name for p in placements})
    return placements, _with_tags(ordered(question), deck_tags)


def _with_tags(
    question: dict[str, Any], deck_tags: list[str], *, spelled_as: Any = None
) -> dict[str, Any]:
    """The question without the tags its deck gives it anyway, and with those of the question
    it replaces (`spelled_as`) spelled as they were."""
    tags = without_deck_tags(question.get("tags", []), deck_tags)
    if isinstance(spelled_as, dict):
        tags = respelled(tags, tag_list(spelled_as.get("tags")) or [])
    rest = {k: v for k, v in question.items() if k != "tags"}
    return ordered(rest | {"tags": tags}) if tags else rest


def _loads(path: Path, text: str, deck_id: str) -> None:
    """A deck file the import is about to change loads as a deck: the import changes its own
    questions only, so it would not load after the change either."""
    from quizzer.decks.loader import LoadedDeck, load_bytes

    loaded = load_bytes(text.encode("utf-8"), deck_id, str(path), path)
    if not isinstance(loaded, LoadedDeck):
        more = f" (and {len(loaded) - 1} more: quizzer lint lists them)" if len(loaded) > 1 else ""
        raise WriteError(f"cannot update {loaded[0]}{more}; fix it or move it away")


def _unedited(deck: DeckText, at: int, known_hash: str | None) -> bool:
    """Whether question `at` of the deck file is as the last import left it: its hash as read
    now, or as imports before this one read it (YAML 1.1's types: `680000` a number)."""
    if question_hash(deck.questions[at]) == known_hash:
        return True
    try:
        return question_hash(deck.typed(at)) == known_hash
    except (TypeError, ValueError):  # a date, which JSON has no form for
        return False


def _write_text(path: Path, text: str) -> None:
    """Write through a temporary file and a rename: a crash never leaves half a deck. The text
    is written as it is (no newline translation), so the lines it kept stay byte for byte."""
    path.parent.mkdir(parents=True, exist_ok=True)
    partial = path.with_name(f".{path.name}.{os.getpid()}.tmp")
    try:
        partial.write_bytes(text.encode("utf-8"))
        os.replace(partial, path)
    except OSError as exc:
        partial.unlink(missing_ok=True)
        raise WriteError(f"{path}: cannot write ({exc.strerror or exc})") from None
