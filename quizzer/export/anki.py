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
from collections.abc import Container, Sequence
from dataclasses import dataclass
from pathlib import Path

import genanki

from quizzer import paths
from quizzer.decks.faces import shown_order
from quizzer.decks.files import in_deck, no_such_deck
from quizzer.decks.loaded import LoadedDeck
from quizzer.decks.models import Basic, Cloze, MultipleChoice, Numeric, Order, QuestionBase, Typed
from quizzer.decks.tree import DeckTree, folder_title
from quizzer.errors import QuizzerError
from quizzer.export.anki_progress import LearnerProgress, any_leech, write_progress
from quizzer.export.markdown import Renderer, plain
from quizzer.wording import counted

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
_TAIL = ["Hint", "Explanation", "Source", "Quizzer ID"]


class ExportError(QuizzerError, ValueError):
    """The export cannot be made as asked; the message says why."""


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
            f"wrote {self.path}: {counted(self.decks, 'deck')}, {counted(self.notes, 'note')}, "
            f"{counted(self.cards, 'card')}"
        )
        if self.media:
            line += f", {counted(self.media, 'media file')}"
        if self.reviews is not None:
            line += f", {counted(self.reviews, 'review')} of history"
        return line


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


_ANGLES = str.maketrans("<>", "\uff1c\uff1e")
"""`<` and `>` in a title as their full-width forms: the cards show the deck's name with Anki's
`{{Subdeck}}`, which puts it into the card's HTML as it is, so a title holding a tag would run."""


def _name_part(text: str) -> str:
    """One component of a deck name: `::` would start a sub-deck, and `<` `>` a tag on the cards
    (see `_ANGLES`)."""
    return " ".join(text.replace("::", ":").translate(_ANGLES).split()) or "Untitled"


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


OWN_TAG = "quizzer::tag::"
"""The prefix of a tag saying that the question itself has the tag after it. A note gets its
folder's and its deck's tags (and `leech`) from the export, and Anki holds a tag once: a question
tagged `asr` in `asr/ctc` would come back without it; and Anki's import without progress takes
its own tags `leech` and `marked` off. So such a tag of the question's is also written after this
prefix (as is one that starts with it), and the import reads it back from there."""


def given_tags(deck_id: str) -> set[str]:
    """The tags, folded, the export gives a note of the deck `deck_id` of its own accord: its
    folder's, its deck's and `leech` (with progress, for a leech)."""
    folder = deck_id.rpartition("/")[0]
    return {t.replace("/", "::").casefold() for t in (folder, deck_id, "leech") if t}


def note_tags(loaded: LoadedDeck, question: QuestionBase, *, leech: bool = False) -> list[str]:
    """Folder, deck, the deck's tags and the question's own, Anki-safe and without repeats, and
    `leech` when the learner's progress made a card of the question one. A question's own tag
    that would not come back as its own (see `OWN_TAG`) is also written after `OWN_TAG`. A deck's
    tag that is its folder (`asr` on `asr/ctc`, as most bundled decks have) is not: the deck
    file it goes back into has it, and marking it would put a marker on nearly every note."""
    marked = given_tags(loaded.id) | {"marked"}
    tags: list[str] = []
    seen: set[str] = set()

    def add(tag: str) -> None:
        if tag and tag.casefold() not in seen:
            seen.add(tag.casefold())
            tags.append(tag)

    for text in (loaded.domain, loaded.id, "leech" if leech else "", *loaded.deck.tags):
        add(anki_tag(text.replace("/", "::")))
    for text in question.tags:
        tag = anki_tag(text)
        if tag.casefold() in marked or tag.casefold().startswith(OWN_TAG):
            add(OWN_TAG + tag)
        add(tag)
    return tags


def select_decks(tree: DeckTree, wanted: Sequence[str]) -> list[str]:
    """The deck ids to export: all with no argument, else each deck id or folder named (a path
    to a deck file or folder inside the tree works too)."""
    if not wanted:
        return sorted(tree.decks)
    chosen: list[str] = []
    for raw in wanted:
        ref = _deck_ref(raw, tree.roots)
        matches = [d for d in sorted(tree.decks) if in_deck(d, ref)]
        if not matches:
            broken = [d for d in tree.failed if in_deck(d, ref)]
            if broken:
                raise ExportError(f"deck {broken[0]!r} has errors; run 'quizzer lint' to see them")
            raise ExportError(no_such_deck(tree.decks, raw))
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
                    # the front again (its clips are not played again), its options hidden
                    # by the CSS: the answer lists them marked
                    "afmt": '<div class="qz-asked">{{FrontSide}}</div>'
                    + _ANSWER_RULE
                    + "{{Answer}}"
                    + _FOOTER,
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
                    "afmt": "{{FrontSide}}" + _ANSWER_RULE + "{{Order}}" + _FOOTER,
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
    only: Container[str] | None = None,
) -> ExportResult:
    """Write the decks named (all when empty) to `output` as an .apkg. `now_ms` becomes the notes'
    modification time; with `progress`, the cards carry the learner's scheduling and history.
    `only`, when given, keeps the questions (`deck:question`) named in it: a search exports the
    notes of the cards it found, as Anki does. Raises ExportError or MediaError (ValueErrors)
    with a one-line message."""
    chosen = select_decks(tree, deck_ids)
    if only is not None:
        chosen = [
            d for d in chosen if any(f"{d}:{q.id}" in only for q in tree.decks[d].deck.questions)
        ]
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
            if only is not None and f"{deck_id}:{question.id}" not in only:
                continue
            guid = note_guid(deck_id, question.id)
            questions[guid] = (deck_id, question)
            leech = progress is not None and any_leech(deck_id, question, progress)
            tags = note_tags(loaded, question, leech=leech)
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
                reviews = write_progress(conn, questions, progress, now_ms)
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


# ---------------------------------------------------------------- the command
