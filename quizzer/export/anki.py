"""`quizzer export anki`: the decks as an Anki package (.apkg) that imports cleanly, and again.

genanki builds the collection. Everything Anki matches on is derived from ids that never change:
note GUIDs from the deck and question ids, note-type ids are constants, deck ids are hashes of the
deck ids. Notes carry the export time as their modification time, so re-importing a newer export
updates the notes in place (Anki's default "update if newer").

With the learner's progress, the cards' scheduling (type, queue, due, interval, FSRS memory state)
and the review history (revlog) are written into the package's SQLite before it is zipped; genanki
knows nothing about them. Anki keeps them when "Import any learning progress" is ticked.
"""

from __future__ import annotations

import hashlib
import html
import itertools
import json
import os
import sqlite3
import tempfile
import zipfile
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date, datetime, timedelta, tzinfo
from pathlib import Path
from typing import TYPE_CHECKING, Any

import genanki

from quizzer import paths
from quizzer.clock import day_start, from_ms, study_day
from quizzer.decks.cards import card_ids
from quizzer.decks.faces import shown_order
from quizzer.decks.loader import DeckTree, LoadedDeck, folder_title
from quizzer.decks.models import Basic, Cloze, MultipleChoice, Numeric, Order, QuestionBase, Typed
from quizzer.errors import QuizzerError
from quizzer.export.markdown import Renderer, plain
from quizzer.state import CardPhase, CardState, Event, EventKind
from quizzer.store.db import NOT_UNDONE

if TYPE_CHECKING:
    from quizzer.collection import Collection
    from quizzer.config import Settings
    from quizzer.store.db import Derived

BUNDLED_ROOT_DECK = "AI Speech"
"""The top Anki deck of the bundled decks; another tree is named after its folder."""
DEFAULT_OUTPUT = "quizzer.apkg"

# Fixed forever: Anki matches note types by id. A change of fields needs new ids.
MODEL_IDS = {
    "basic": 1_252_981_893,
    "cloze": 1_666_582_841,
    "choice": 1_166_341_634,
    "typed": 1_781_238_841,
    "numeric": 1_565_210_620,
    "order": 1_210_725_389,
}
_ID_LOW, _ID_SPAN = 1 << 30, 1 << 30  # genanki's recommended id range [2^30, 2^31)
_DAY_MS = 86_400_000
_ANKI_EPOCH = date(2020, 1, 1)
"""The creation day written into a package with progress; review due days count from it."""
_MAX_ANSWER_MS = 60_000  # Anki's cap on the time of one answer
_TAIL = ["Hint", "Explanation", "Source", "Quizzer ID"]


class ExportError(QuizzerError, ValueError):
    """The export cannot be made as asked; the message says why."""


@dataclass(frozen=True, slots=True)
class Answer:
    """One review answer, with what Anki's review log needs of the card before and after it."""

    card_id: str
    at: int
    rating: int
    duration_ms: int | None
    phase_before: CardPhase
    due_before: int | None
    last_review_before: int | None
    phase_after: CardPhase
    due_after: int | None
    difficulty_after: float | None

    @classmethod
    def from_event(cls, event: Event, derived: Derived) -> Answer:
        """From a replayed event."""
        before, after = derived.before, derived.after
        return cls(
            event.card_id,
            event.at,
            int(event.rating or 0),
            event.duration_ms,
            before.state,
            before.due,
            before.last_review,
            after.state,
            after.due,
            after.difficulty,
        )


@dataclass(frozen=True, slots=True)
class LearnerProgress:
    """The learner's memory, as the export needs it."""

    states: dict[str, CardState]
    """Card states by card id (the store's cache)."""
    answers: list[Answer]
    """Review answers not undone (no cram), oldest first."""
    settings: Settings
    zone: tzinfo


@dataclass(frozen=True, slots=True)
class ExportResult:
    """What was written."""

    path: Path
    decks: int
    notes: int
    cards: int
    media: int
    reviews: int | None
    """Review-log rows written, or None without progress."""

    def summary(self) -> str:
        """One line for the terminal."""
        line = (
            f"wrote {self.path}: {_plural(self.decks, 'deck')}, {_plural(self.notes, 'note')}, "
            f"{_plural(self.cards, 'card')}"
        )
        if self.media:
            line += f", {_plural(self.media, 'media file')}"
        if self.reviews is not None:
            line += f", {_plural(self.reviews, 'review')} of history"
        return line


def _plural(n: int, word: str) -> str:
    return f"{n} {word}{'' if n == 1 else 's'}"


# ---------------------------------------------------------------- names and ids


def root_deck_name(root: Path) -> str:
    """The top Anki deck for a decks tree: `AI Speech` for the bundled decks, otherwise the
    tree's folder name (`Quizzer` for a folder called `decks`)."""
    if root.resolve() == paths.bundled_decks().resolve():
        return BUNDLED_ROOT_DECK
    return "Quizzer" if root.name in ("", "decks") else folder_title(root.name)


def anki_deck_name(deck_id: str, title: str, root_name: str) -> str:
    """`Root::Folder::Title`, e.g. `AI Speech::ASR::CTC` for `asr/ctc` titled `CTC`."""
    folders = [folder_title(part) for part in deck_id.split("/")[:-1]]
    return "::".join([root_name, *folders, _name_part(title)])


def _name_part(text: str) -> str:
    """One component of a deck name: `::` would start a sub-deck."""
    return " ".join(text.replace("::", ":").split()) or "Untitled"


def anki_deck_id(key: str) -> int:
    """A stable Anki deck id for a deck id or deck name, in genanki's range."""
    digest = hashlib.blake2b(f"quizzer-deck:{key}".encode(), digest_size=8).digest()
    return _ID_LOW + int.from_bytes(digest, "big") % _ID_SPAN


def note_guid(deck_id: str, question_id: str) -> str:
    """The GUID of a question's note: Anki updates the note with this GUID on re-import."""
    return str(genanki.guid_for("quizzer", deck_id, question_id))


def anki_tag(text: str) -> str:
    """A tag Anki accepts: no spaces (they separate tags); `::` kept as hierarchy."""
    tag = "_".join(text.split()).replace('"', "")
    while ":::" in tag:
        tag = tag.replace(":::", "::")
    return tag.strip(":")


def note_tags(loaded: LoadedDeck, question: QuestionBase) -> list[str]:
    """Domain, deck, the deck's tags and the question's own, Anki-safe and without repeats."""
    raw = [
        loaded.domain.replace("/", "::"),
        loaded.id.replace("/", "::"),
        *loaded.deck.tags,
        *question.tags,
    ]
    tags: list[str] = []
    seen: set[str] = set()
    for text in raw:
        tag = anki_tag(text)
        if tag and tag.casefold() not in seen:
            seen.add(tag.casefold())
            tags.append(tag)
    return tags


def select_decks(tree: DeckTree, wanted: Sequence[str]) -> list[str]:
    """The deck ids to export: all with no argument, else each deck id or folder named (a path
    to a deck file or folder inside the tree works too)."""
    if not wanted:
        return sorted(tree.decks)
    chosen: list[str] = []
    for raw in wanted:
        ref = _deck_ref(raw, tree.roots)
        matches = [d for d in sorted(tree.decks) if d == ref or d.startswith(ref + "/")]
        if not matches:
            broken = [d for d in tree.failed if d == ref or d.startswith(ref + "/")]
            if broken:
                raise ExportError(f"deck {broken[0]!r} has errors; run 'quizzer lint' to see them")
            raise ExportError(f"no deck or folder {raw!r}; 'quizzer decks' lists them")
        chosen += [m for m in matches if m not in chosen]
    return chosen


def _deck_ref(raw: str, roots: Sequence[Path]) -> str:
    path = Path(raw).expanduser()
    if path.exists():
        for root in roots:
            try:
                return path.resolve().relative_to(root.resolve()).with_suffix("").as_posix()
            except ValueError:
                pass
    return raw.strip().strip("/").removesuffix(".yaml")


# ---------------------------------------------------------------- note types


_META = '<div class="qz-meta">{{Subdeck}}</div>'
_HINT = '{{#Hint}}<div class="qz-hint">{{hint:Hint}}</div>{{/Hint}}'
_FOOTER = (
    '{{#Explanation}}<div class="qz-explanation">{{Explanation}}</div>{{/Explanation}}'
    '{{#Source}}<div class="qz-source">{{Source}}</div>{{/Source}}'
    '<div class="qz-id">{{Quizzer ID}}</div>'
)
_ANSWER_RULE = '<hr id="answer">'


def _prompt(field: str) -> str:
    return f'<div class="qz-prompt">{{{{{field}}}}}</div>'


def _templates() -> dict[str, tuple[list[str], list[dict[str, str]]]]:
    """Fields (before the common tail) and card templates of each note type."""
    prompt = _META + _prompt("Prompt")
    typed_back = prompt + _ANSWER_RULE + "{{type:Answer}}"
    return {
        "basic": (
            ["Front", "Back", "Add Reverse"],
            [
                {
                    "name": "Forward",
                    "qfmt": _META + _prompt("Front") + _HINT,
                    "afmt": "{{FrontSide}}"
                    + _ANSWER_RULE
                    + '<div class="qz-answer">{{Back}}</div>'
                    + _FOOTER,
                },
                {
                    "name": "Reverse",
                    "qfmt": "{{#Add Reverse}}" + _META + _prompt("Back") + "{{/Add Reverse}}",
                    "afmt": "{{FrontSide}}"
                    + _ANSWER_RULE
                    + '<div class="qz-answer">{{Front}}</div>'
                    + _FOOTER,
                },
            ],
        ),
        "cloze": (
            ["Text"],
            [
                {
                    "name": "Cloze",
                    "qfmt": _META + '<div class="qz-prompt">{{cloze:Text}}</div>' + _HINT,
                    "afmt": _META + '<div class="qz-prompt">{{cloze:Text}}</div>' + _FOOTER,
                },
            ],
        ),
        "choice": (
            ["Prompt", "Options", "Answer"],
            [
                {
                    "name": "Choice",
                    "qfmt": prompt + "{{Options}}" + _HINT,
                    "afmt": prompt + _ANSWER_RULE + "{{Answer}}" + _FOOTER,
                },
            ],
        ),
        "typed": (
            ["Prompt", "Answer", "Also Accepted"],
            [
                {
                    "name": "Typed",
                    "qfmt": prompt + _HINT + "{{type:Answer}}",
                    "afmt": typed_back
                    + "{{#Also Accepted}}"
                    + '<div class="qz-aliases">Also accepted: {{Also Accepted}}</div>'
                    + "{{/Also Accepted}}"
                    + _FOOTER,
                },
            ],
        ),
        "numeric": (
            ["Prompt", "Answer", "Unit", "Tolerance"],
            [
                {
                    "name": "Numeric",
                    "qfmt": prompt
                    + _HINT
                    + "{{type:Answer}}"
                    + '{{#Unit}}<div class="qz-unit">Answer in {{Unit}}</div>{{/Unit}}',
                    "afmt": typed_back + '<div class="qz-numeric">{{Answer}} {{Unit}}'
                    '{{#Tolerance}} <span class="qz-tolerance">{{Tolerance}}</span>{{/Tolerance}}'
                    "</div>" + _FOOTER,
                },
            ],
        ),
        "order": (
            ["Prompt", "Items", "Order"],
            [
                {
                    "name": "Order",
                    "qfmt": prompt + "{{Items}}" + _HINT,
                    "afmt": prompt + "{{Items}}" + _ANSWER_RULE + "{{Order}}" + _FOOTER,
                },
            ],
        ),
    }


def build_models() -> dict[str, genanki.Model]:
    """The six quizzer note types, one per question type, with their fixed ids."""
    css = Path(__file__).with_name("anki_card.css").read_text(encoding="utf-8")
    models = {}
    for kind, (fields, templates) in _templates().items():
        models[kind] = genanki.Model(
            MODEL_IDS[kind],
            f"Quizzer {kind.capitalize()}",
            fields=[{"name": name} for name in [*fields, *_TAIL]],
            templates=templates,
            css=css,
            model_type=genanki.Model.CLOZE if kind == "cloze" else genanki.Model.FRONT_BACK,
        )
    return models


# ---------------------------------------------------------------- fields


def note_fields(question: QuestionBase, deck_id: str, r: Renderer) -> list[str]:
    """The HTML fields of a question's note, in the order of its note type."""
    q = question
    if isinstance(q, Basic):
        head = [r.html(q.prompt), r.html(q.answer), "y" if q.reverse else ""]
    elif isinstance(q, Cloze):
        head = [r.cloze_html(q.text)]
    elif isinstance(q, MultipleChoice):
        head = _choice_fields(q, deck_id, r)
    elif isinstance(q, Typed):
        # one span per alias: an alias may itself hold a comma, and the import splits on spans
        aliases = ", ".join(f'<span class="qz-alias">{plain(a)}</span>' for a in q.answers[1:])
        head = [r.html(q.prompt), plain(q.answers[0]), aliases]
    elif isinstance(q, Numeric):
        head = [r.html(q.prompt), _number(q.answer), plain(q.unit or ""), _tolerance_text(q)]
    elif isinstance(q, Order):
        head = _order_fields(q, deck_id, r)
    else:  # pragma: no cover - the models list every type
        raise ExportError(f"{deck_id}:{q.id}: cannot export a {q.kind} question")
    tail = [
        r.html(q.hint, inline=True),
        r.html(q.explanation),
        r.html(q.source, inline=True),
        html.escape(f"{deck_id}:{q.id}"),
    ]
    return [*head, *tail]


def _letter(i: int) -> str:
    return chr(ord("A") + i) if i < 26 else str(i + 1)


def _choice_fields(q: MultipleChoice, deck_id: str, r: Renderer) -> list[str]:
    order = shown_order(q, f"{deck_id}:{q.id}")  # the same from one export to the next
    texts = [r.html(choice.text, inline=True) for choice in q.choices]
    instruction = "Choose all that apply." if q.multi else "Choose one."
    options = "".join(f"<li>{texts[i]}</li>" for i in order)
    marked = []
    for i in order:
        choice = q.choices[i]
        kind, mark = ("qz-right", "✓") if choice.correct else ("qz-wrong", "✗")
        feedback = (
            f'<div class="qz-feedback">{r.html(choice.feedback, inline=True)}</div>'
            if choice.feedback
            else ""
        )
        marked.append(
            f'<li class="{kind}"><span class="qz-mark">{mark}</span>{texts[i]}{feedback}</li>'
        )
    key = ", ".join(_letter(pos) for pos, i in enumerate(order) if q.choices[i].correct)
    return [
        r.html(q.prompt),
        f'<div class="qz-instruction">{instruction}</div>'
        f'<ol type="A" class="qz-options">{options}</ol>',
        f'<div class="qz-key">Answer: {key}</div><ol type="A" class="qz-options">'
        f"{''.join(marked)}</ol>",
    ]


def _order_fields(q: Order, deck_id: str, r: Renderer) -> list[str]:
    order = shown_order(q, f"{deck_id}:{q.id}")
    texts = [r.html(item, inline=True) for item in q.items]
    shown = "".join(f"<li>{texts[i]}</li>" for i in order)
    letter_of = {i: _letter(pos) for pos, i in enumerate(order)}
    key = " → ".join(letter_of[i] for i in range(len(q.items)))
    right = "".join(f"<li><b>{letter_of[i]}</b> {text}</li>" for i, text in enumerate(texts))
    return [
        r.html(q.prompt),
        '<div class="qz-instruction">Put these in order.</div>'
        f'<ol type="A" class="qz-items">{shown}</ol>',
        f'<div class="qz-key">Answer: {key}</div><ol class="qz-order">{right}</ol>',
    ]


def _number(value: float) -> str:
    """680000.0 -> '680000', 0.25 -> '0.25': the shortest faithful spelling."""
    if value.is_integer() and abs(value) < 1e15:
        return str(int(value))
    return repr(value)


def _tolerance_text(q: Numeric) -> str:
    error = q.allowed_error
    if not error:
        return ""
    shown = q.tolerance if isinstance(q.tolerance, str) else _number(q.tolerance)
    low, high = _number(round(q.answer - error, 10)), _number(round(q.answer + error, 10))
    return html.escape(f"± {shown} (accepted: {low} to {high})", quote=False)


# ---------------------------------------------------------------- the export


def export_anki(
    tree: DeckTree,
    output: Path,
    *,
    now_ms: int,
    deck_ids: Sequence[str] = (),
    progress: LearnerProgress | None = None,
) -> ExportResult:
    """Write the decks named (all when empty) to `output` as an .apkg. `now_ms` becomes the notes'
    modification time; with `progress`, the cards carry the learner's scheduling and history.
    Raises ExportError or MediaError (ValueErrors) with a one-line message."""
    chosen = select_decks(tree, deck_ids)
    if not chosen:
        raise ExportError(f"no decks to export in {tree.root}")
    models = build_models()
    root_name = root_deck_name(tree.root)
    media: dict[str, Path] = {}
    anki_decks: dict[str, genanki.Deck] = {}
    questions: dict[str, tuple[str, QuestionBase]] = {}
    names_taken: set[str] = set()
    position = itertools.count()
    notes = 0
    for deck_id in chosen:
        loaded = tree.decks[deck_id]
        name = anki_deck_name(deck_id, loaded.deck.title, root_name)
        if name.casefold() in names_taken:  # two decks with one title in a folder
            name = f"{name} ({deck_id.rsplit('/', 1)[-1]})"
        names_taken.add(name.casefold())
        renderer = Renderer(loaded.path, tree.root_of(deck_id), media)
        deck = genanki.Deck(anki_deck_id(deck_id), name, _deck_description(loaded, renderer))
        for question in loaded.deck.questions:
            guid = note_guid(deck_id, question.id)
            questions[guid] = (deck_id, question)
            tags = note_tags(loaded, question)
            if progress and _any_leech(deck_id, question, progress):
                tags.append("leech")
            deck.add_note(
                genanki.Note(
                    model=models[question.kind],
                    fields=note_fields(question, deck_id, renderer),
                    tags=tags,
                    guid=guid,
                    due=next(position),
                )
            )
            notes += 1
        anki_decks[name.casefold()] = deck
    for name in sorted({d.name for d in anki_decks.values()}):
        parts = name.split("::")
        for depth in range(1, len(parts)):
            parent = "::".join(parts[:depth])
            if parent.casefold() not in anki_decks:
                anki_decks[parent.casefold()] = genanki.Deck(anki_deck_id(parent), parent)
    package_decks = sorted(anki_decks.values(), key=lambda d: d.name)
    cards = sum(len(note.cards) for deck in package_decks for note in deck.notes)
    reviews = _write_package(package_decks, media, output, now_ms, questions, progress)
    return ExportResult(output, len(chosen), notes, cards, len(media), reviews)


def _deck_description(loaded: LoadedDeck, r: Renderer) -> str:
    parts = [r.html(loaded.deck.description)] if loaded.deck.description else []
    if loaded.deck.sources:
        items = "".join(f"<li>{r.html(s, inline=True)}</li>" for s in loaded.deck.sources)
        parts.append(f"<p>Sources:</p><ul>{items}</ul>")
    parts.append(f"<p><small>quizzer deck <code>{html.escape(loaded.id)}</code></small></p>")
    return "".join(parts)


def _any_leech(deck_id: str, question: QuestionBase, progress: LearnerProgress) -> bool:
    return any(
        (state := progress.states.get(card_id)) is not None and state.leech
        for card_id, _ in card_ids(deck_id, question)
    )


def _write_package(
    decks: list[genanki.Deck],
    media: dict[str, Path],
    output: Path,
    now_ms: int,
    questions: dict[str, tuple[str, QuestionBase]],
    progress: LearnerProgress | None,
) -> int | None:
    """Build the collection with genanki, add the progress, zip it with the media."""
    if not output.parent.is_dir():
        raise ExportError(f"cannot write {output}: folder {output.parent} does not exist")
    timestamp = now_ms / 1000
    reviews: int | None = None
    with tempfile.TemporaryDirectory(prefix="quizzer-apkg-") as tmp:
        db_path = Path(tmp) / "collection.anki2"
        conn = sqlite3.connect(db_path)
        try:
            genanki.Package(decks).write_to_db(
                conn.cursor(), timestamp, itertools.count(int(timestamp * 1000))
            )
            if progress is not None:
                reviews = _write_progress(conn, questions, progress, now_ms)
            conn.commit()
        finally:
            conn.close()
        partial = output.with_name(f".{output.name}.{os.getpid()}.tmp")
        try:
            with zipfile.ZipFile(partial, "w", compression=zipfile.ZIP_DEFLATED) as out:
                out.write(db_path, "collection.anki2")
                names = sorted(media)
                out.writestr("media", json.dumps({str(i): n for i, n in enumerate(names)}))
                for i, name in enumerate(names):
                    out.write(media[name], str(i))
            os.replace(partial, output)
        except OSError as exc:
            partial.unlink(missing_ok=True)
            raise ExportError(f"cannot write {output}: {exc.strerror or exc}") from None
    return reviews


# ---------------------------------------------------------------- progress


def progress_from(col: Collection) -> LearnerProgress:
    """The learner's card states and review history, from the collection's store.

    The log keeps the card state before and after every answer (what the session computed), so
    the history is read as recorded, in SQL for speed; undone and cram answers are left out."""
    try:
        rows = col.store.db.execute(
            "SELECT card_id, at, rating, duration_ms, json_extract(before, '$.state'), "
            "json_extract(before, '$.due'), json_extract(before, '$.last_review'), "
            "json_extract(after, '$.state'), json_extract(after, '$.due'), "
            "json_extract(after, '$.difficulty') FROM log "
            f"WHERE kind = 'review' AND {NOT_UNDONE} "
            "ORDER BY at, uid"
        ).fetchall()
    except sqlite3.OperationalError:  # an SQLite built without JSON functions
        return _replayed(col)
    if any(row[4] is None or row[7] is None for row in rows):
        return _replayed(col)  # states missing from the log: compute them again
    answers = [
        Answer(
            card_id,
            at,
            rating,
            duration,
            CardPhase(phase),
            due,
            last,
            CardPhase(phase_after),
            due_after,
            difficulty,
        )
        for (
            card_id,
            at,
            rating,
            duration,
            phase,
            due,
            last,
            phase_after,
            due_after,
            difficulty,
        ) in rows
    ]
    return LearnerProgress(col.store.states(), answers, col.settings, col.zone)


def _replayed(col: Collection) -> LearnerProgress:
    from quizzer.replay import DeckSettings, replay

    events = col.store.events()
    _, derived = replay(events, DeckSettings(col.settings, col.zone))
    by_uid = {e.uid: e for e in events}
    answers = [
        Answer.from_event(by_uid[uid], d)
        for uid, d in derived
        if by_uid[uid].kind == EventKind.REVIEW
    ]
    return LearnerProgress(col.store.states(), answers, col.settings, col.zone)


def _variant_suffix(question: QuestionBase, ordinal: int) -> str:
    if isinstance(question, Cloze):
        return f"#c{ordinal + 1}"
    return "#reverse" if ordinal == 1 else ""


def _write_progress(
    conn: sqlite3.Connection,
    questions: dict[str, tuple[str, QuestionBase]],
    progress: LearnerProgress,
    now_ms: int,
) -> int:
    """Give the package's cards the learner's scheduling, and add the review log.

    Anki counts review due dates in days since the collection's creation, and when importing it
    shifts them by the difference between the two collections' day counts. So the package gets a
    known creation day (with the learner's day rollover and time zone) and due days counted from it.
    """
    settings, zone = progress.settings, progress.zone
    rollover = settings.day_starts_at
    created = day_start(_ANKI_EPOCH, zone, rollover)
    offset = created.astimezone(zone).utcoffset() or timedelta(0)
    conf = json.loads(conn.execute("SELECT conf FROM col").fetchone()[0])
    conf.update(schedVer=2, rollover=rollover, creationOffset=int(-offset.total_seconds() // 60))
    conn.execute("UPDATE col SET crt = ?, conf = ?", (int(created.timestamp()), json.dumps(conf)))

    anki_ids: dict[str, int] = {}
    for card_id, guid, ordinal in conn.execute(
        "SELECT cards.id, notes.guid, cards.ord FROM cards JOIN notes ON cards.nid = notes.id"
    ):
        deck_id, question = questions[guid]
        anki_ids[f"{deck_id}:{question.id}{_variant_suffix(question, ordinal)}"] = card_id

    now = from_ms(now_ms)
    today_ends = _day_end(now, zone, rollover)
    mod = now_ms // 1000
    for quizzer_id, anki_id in anki_ids.items():
        state = progress.states.get(quizzer_id)
        if state is None or state.state == CardPhase.NEW:
            if state is not None and state.suspended:
                conn.execute("UPDATE cards SET queue = -1, mod = ? WHERE id = ?", (mod, anki_id))
            continue
        row = _card_row(state, settings, zone, today_ends)
        conn.execute(
            "UPDATE cards SET type = ?, queue = ?, due = ?, ivl = ?, factor = ?, reps = ?, "
            "lapses = ?, left = ?, data = ?, mod = ? WHERE id = ?",
            (*row, mod, anki_id),
        )

    used: set[int] = set()
    rows = []
    for answer in progress.answers:
        reviewed = anki_ids.get(answer.card_id)
        if reviewed is None:
            continue
        revlog_id = answer.at
        while revlog_id in used:  # the revlog id is a time in ms and must be unique
            revlog_id += 1
        used.add(revlog_id)
        rows.append((revlog_id, reviewed, -1, answer.rating, *_revlog_fields(answer)))
    conn.executemany("INSERT INTO revlog VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)", rows)
    return len(rows)


def _day_end(moment: datetime, zone: tzinfo, rollover: int) -> datetime:
    return day_start(study_day(moment, zone, rollover) + timedelta(days=1), zone, rollover)


def _anki_day(ms: int, zone: tzinfo, rollover: int) -> int:
    """A time as Anki's day number: study days since the package's creation day."""
    return (study_day(from_ms(ms), zone, rollover) - _ANKI_EPOCH).days


def _card_row(
    state: CardState, settings: Settings, zone: tzinfo, today_ends: datetime
) -> tuple[Any, ...]:
    """(type, queue, due, ivl, factor, reps, lapses, left, data) of a card that has been
    reviewed (Anki's card types are numbered like quizzer's phases)."""
    rollover = settings.day_starts_at
    ctype = int(state.state)
    due_ms = state.due if state.due is not None else int(today_ends.timestamp() * 1000)
    if state.state == CardPhase.REVIEW:
        queue, due = 2, _anki_day(due_ms, zone, rollover)
        ivl, left = max(1, round(_interval_days(state))), 0
    else:
        scheduling = settings.for_deck(state.card_id.rpartition(":")[0])
        steps = (
            scheduling.learning_steps
            if state.state == CardPhase.LEARNING
            else scheduling.relearning_steps
        )
        left = max(1, len(steps) - (state.step or 0))
        ivl = 0 if state.state == CardPhase.LEARNING else max(1, round(state.stability or 1))
        if due_ms < today_ends.timestamp() * 1000:
            queue, due = 1, due_ms // 1000  # learning due today: a time in seconds
        else:
            queue, due = 3, _anki_day(due_ms, zone, rollover)  # due on a later day
    if state.suspended:
        queue = -1
    data: dict[str, Any] = {}
    if state.stability is not None and state.difficulty is not None:
        scheduling = settings.for_deck(state.card_id.rpartition(":")[0])
        data = {
            "s": round(state.stability, 4),
            "d": round(state.difficulty, 4),
            "dr": scheduling.desired_retention,
            "decay": settings.parameters[20],
        }
        if state.last_review is not None:
            data["lrt"] = state.last_review // 1000
    return (
        ctype,
        queue,
        due,
        ivl,
        2500,
        state.reps,
        state.lapses,
        left,
        json.dumps(data, separators=(",", ":")) if data else "",
    )


def _interval_days(state: CardState) -> float:
    if state.due is None or state.last_review is None:
        return 0.0
    return (state.due - state.last_review) / _DAY_MS


def _revlog_interval(phase: CardPhase, due: int | None, since_ms: int | None) -> int:
    """Anki's revlog interval: days when in review, negative seconds when (re)learning."""
    if phase == CardPhase.NEW or due is None or since_ms is None:
        return 0
    if phase == CardPhase.REVIEW:
        return max(1, round((due - since_ms) / _DAY_MS))
    return -max(1, round((due - since_ms) / 1000))


_REVLOG_KIND = {
    CardPhase.NEW: 0,
    CardPhase.LEARNING: 0,
    CardPhase.REVIEW: 1,
    CardPhase.RELEARNING: 2,
}
"""Anki's revlog type (learn, review, relearn) by the phase the card was in when answered."""


def _revlog_fields(a: Answer) -> tuple[int, int, int, int, int]:
    """(ivl, lastIvl, factor, time, type) of the revlog row of one answer."""
    ivl = _revlog_interval(a.phase_after, a.due_after, a.at)
    last = _revlog_interval(a.phase_before, a.due_before, a.last_review_before)
    # Anki keeps FSRS difficulty in the revlog's ease column, as (D - 1) / 9 + 0.1 in thousandths
    factor = round(((a.difficulty_after - 1) / 9 + 0.1) * 1000) if a.difficulty_after else 0
    taken = min(max(a.duration_ms or 0, 0), _MAX_ANSWER_MS)
    return ivl, last, factor, taken, _REVLOG_KIND[a.phase_before]


# ---------------------------------------------------------------- the command
