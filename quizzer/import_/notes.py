"""Anki notes to quizzer questions.

Stock note types map to their quizzer twins (Basic, and reversed, optional reversed, type in the
answer, Cloze); quizzer's own exported note types come back as the question they were made from,
id included. Any other note type becomes a basic question from its first two fields, or is
skipped with a reason.
"""

from __future__ import annotations

import hashlib
import html
import re
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

from bs4 import BeautifulSoup
from pydantic import ValidationError

from quizzer.decks.grading import shuffled
from quizzer.decks.models import ID_PATTERN, QUESTION_TYPES, slugify
from quizzer.export.anki import OWN_TAG, given_tags
from quizzer.import_.media import media_token
from quizzer.import_.package import Note
from quizzer.import_.to_markdown import html_to_markdown, plain_text

STOCK = {1: "Basic", 2: "Basic (and reversed card)", 3: "Basic (optional reversed card)"}
STOCK |= {4: "Basic (type in the answer)", 5: "Cloze", 6: "Image Occlusion"}
_STOCK_BY_NAME = {name: kind for kind, name in STOCK.items()}
_SHAPES = {
    1: ("basic", 2, 1),
    2: ("reversed", 2, 2),
    3: ("optional", 3, 2),
    4: ("typing", 2, 1),
}
"""Stock kind -> (kind, fields, card templates)."""
_QUIZZER_TAIL = ["Hint", "Explanation", "Source", "Quizzer ID"]
_QUIZZER_FIELDS = {
    "basic": ["Front", "Back", "Add Reverse"],
    "cloze": ["Text"],
    "choice": ["Prompt", "Options", "Answer"],
    "typed": ["Prompt", "Answer", "Also Accepted"],
    "numeric": ["Prompt", "Answer", "Unit", "Tolerance"],
    "order": ["Prompt", "Items", "Order"],
}
_ID_LENGTH = 40


@dataclass(slots=True)
class Mapped:
    """A note as a question, with where it goes."""

    deck_id: str
    """Where the question goes, before any `--deck` prefix (`speech/asr`)."""
    deck_title: str
    question: dict[str, Any]
    """The question as written to YAML (its id may still be replaced by a kept one)."""
    note_type: str
    """How the report counts it: Anki's note type name, or `Quizzer <Kind>`."""
    cards: dict[int, str]
    """Card suffix of each Anki card ordinal that maps to a quizzer card (`""`, `#reverse`,
    `#c2`)."""
    media: set[str] = field(default_factory=set)
    """Anki media names the question refers to: its text holds a token for each
    (`quizzer.import_.media`) until the writer gives them file names."""
    missing_media: list[str] = field(default_factory=list)
    converted: bool = False
    """True for a note of another type turned into a basic question."""


@dataclass(frozen=True, slots=True)
class Skipped:
    """A note that does not become a question."""

    guid: str
    what: str
    reason: str


def deck_path(name: str) -> tuple[str, str]:
    """(`a/b/c`, `C`): an Anki deck name `A::B::C` as a deck id and title."""
    parts = [p.strip() for p in name.split("::") if p.strip()] or ["Default"]
    return "/".join(slugify(p) for p in parts), parts[-1]


def question_id(first_field: str, guid: str) -> str:
    """A readable id that only this note gets: a slug of its first field and a hash of its GUID."""
    text = re.sub(r"\{\{c\d+::(.*?)(?:::[^{}]*)?\}\}", r"\1", plain_text(first_field))
    slug = slugify(text)[:_ID_LENGTH].rstrip("-")
    if len(slug) == _ID_LENGTH and "-" in slug:
        slug = slug.rsplit("-", 1)[0]
    digest = hashlib.blake2b(guid.encode(), digest_size=3).hexdigest()
    return f"{slug}-{digest}" if slug != "question" else f"note-{digest}"


def note_kind(note: Note) -> str:
    """`quizzer-<kind>`, a stock kind (`basic`, `reversed`, `optional`, `typing`, `cloze`,
    `occlusion`), or `other`."""
    nt = note.notetype
    for kind, head in _QUIZZER_FIELDS.items():
        if nt.fields == head + _QUIZZER_TAIL and nt.name.startswith(f"Quizzer {kind.title()}"):
            return f"quizzer-{kind}"
    # A note type made in Anki from a stock one keeps its stock kind: its shape must match too.
    stock = nt.stock_kind or _STOCK_BY_NAME.get(nt.name.rstrip("+"), 0)
    if stock in _SHAPES and _SHAPES[stock][1:] == (len(nt.fields), nt.templates):
        return _SHAPES[stock][0]
    if stock == 6:
        return "occlusion"
    return "cloze" if nt.cloze else "other"


class Mapper:
    """Turns notes into questions; `available` are the media files the package holds."""

    def __init__(self, available: set[str]) -> None:
        self.available = available

    def map(self, note: Note) -> Mapped | Skipped:
        """The question of one note, or why it has none."""
        kind = note_kind(note)
        what = f"note {plain_text(note.fields[0])[:40]!r} ({note.notetype.name})"
        media: set[str] = set()
        missing: list[str] = []

        def md(field_html: str) -> str:
            text, lost = html_to_markdown(field_html, lambda name: self._ref(name, media))
            missing.extend(lost)
            return text

        if kind.startswith("quizzer-"):
            mapped = _from_quizzer(note, kind.removeprefix("quizzer-"), md)
        elif kind == "occlusion":
            return Skipped(note.guid, what, "image occlusion notes need Anki's masks")
        else:
            mapped = _from_anki(note, kind, md)
        if isinstance(mapped, str):
            return Skipped(note.guid, what, mapped)
        mapped.media, mapped.missing_media = media, missing
        try:
            QUESTION_TYPES[mapped.question["type"]].model_validate(mapped.question)
        except ValidationError as exc:
            error = exc.errors()[0]
            where = ".".join(str(p) for p in error["loc"])
            return Skipped(note.guid, what, f"{where}: {error['msg']}")
        return mapped

    def _ref(self, name: str, used: set[str]) -> str | None:
        if name not in self.available:
            return None
        used.add(name)
        return f"media/{media_token(name)}"  # a file name once the question's folder is known


def _from_anki(note: Note, kind: str, md: Callable[[str], str]) -> Mapped | str:
    fields = note.fields
    deck_id, title = deck_path(note.deck)
    q: dict[str, Any] = {"id": question_id(fields[0], note.guid)}
    cards = {0: ""}
    converted = False
    if kind == "cloze":
        text = md(fields[0])
        if not re.search(r"\{\{c\d+::", text):
            return "a cloze note without deletions"
        q |= {"type": "cloze", "text": text}
        cards = {c.ord: f"#c{c.ord + 1}" for c in note.cards}
        extra = md(fields[1]) if len(fields) > 1 else ""
        if extra:
            q["explanation"] = extra
    elif len(fields) < 2:
        return f"note type {note.notetype.name!r} has one field; a question needs two"
    else:
        prompt, back = md(fields[0]), md(fields[1])
        if not prompt or not back:
            return "the front or the back is empty"
        if kind == "typing":
            answer = plain_text(fields[1])
            q |= {"type": "typed", "prompt": prompt, "answers": [answer]}
        else:
            q |= {"type": "basic", "prompt": prompt, "answer": back}
            reverse = kind == "reversed" or (
                kind == "optional" and len(fields) > 2 and bool(plain_text(fields[2]))
            )
            if reverse:
                q["reverse"] = True
                cards = {0: "", 1: "#reverse"}
            converted = kind == "other"
    if note.tags:
        q["tags"] = list(note.tags)
    return Mapped(deck_id, title, q, note.notetype.name.rstrip("+"), cards, converted=converted)


# ---------------------------------------------------------------- quizzer's own note types


def _from_quizzer(note: Note, kind: str, md: Callable[[str], str]) -> Mapped | str:
    names = _QUIZZER_FIELDS[kind] + _QUIZZER_TAIL
    f = dict(zip(names, note.fields, strict=False))
    deck_id, _, qid = html.unescape(plain_text(f.get("Quizzer ID", ""))).rpartition(":")
    if not deck_id or not ID_PATTERN.match(qid):
        return "a quizzer note whose Quizzer ID field is not deck:question"
    seed = f"{deck_id}:{qid}"
    q: dict[str, Any] = {"id": qid, "type": kind}
    cards = {0: ""}
    if kind == "basic":
        q |= {"prompt": md(f["Front"]), "answer": md(f["Back"])}
        if plain_text(f["Add Reverse"]):
            q["reverse"] = True
            cards = {0: "", 1: "#reverse"}
    elif kind == "cloze":
        q["text"] = md(f["Text"])
        cards = {c.ord: f"#c{c.ord + 1}" for c in note.cards}
    elif kind == "typed":
        aliases = _aliases(f["Also Accepted"])
        q |= {"prompt": md(f["Prompt"]), "answers": [plain_text(f["Answer"]), *aliases]}
    elif kind == "numeric":
        q |= {"prompt": md(f["Prompt"]), "answer": _number(plain_text(f["Answer"]))}
        tolerance = _tolerance(plain_text(f["Tolerance"]))
        if tolerance is not None:
            q["tolerance"] = tolerance
        if plain_text(f["Unit"]):
            q["unit"] = plain_text(f["Unit"])
    elif kind == "choice":
        q |= {"prompt": md(f["Prompt"]), "choices": _choices(f["Answer"], seed, md)}
    elif kind == "order":
        q |= {"prompt": md(f["Prompt"]), "items": _order(f["Order"], md)}
    for name, key in (("Hint", "hint"), ("Explanation", "explanation"), ("Source", "source")):
        text = md(f.get(name, ""))
        if text:
            q[key] = text
    tags = _quizzer_tags(note.tags, deck_id)
    if tags:
        q["tags"] = tags
    title = note.deck.rsplit("::", 1)[-1]
    return Mapped(deck_id, title, q, f"Quizzer {kind.title()}", cards)


def _quizzer_tags(tags: list[str], deck_id: str) -> list[str]:
    """The question's tags: the note's without those the export gives (folder, deck, leech),
    and those a marker (`OWN_TAG` and the tag) says the question has itself. A tag that starts
    like a marker and is marked itself is the question's, not a marker."""
    given = given_tags(deck_id)
    held = {t.casefold() for t in tags}
    kept: list[str] = []
    seen: set[str] = set()
    for tag in tags:
        folded = tag.casefold()
        if folded.startswith(OWN_TAG) and OWN_TAG + folded not in held:
            tag, folded = tag[len(OWN_TAG) :], folded[len(OWN_TAG) :]
        elif folded in given:
            continue
        if folded not in seen:
            seen.add(folded)
            kept.append(tag)
    return kept


def _aliases(field_html: str) -> list[str]:
    """The other accepted answers: one span each (older exports: separated by commas)."""
    spans = BeautifulSoup(field_html, "html.parser").select("span.qz-alias")
    if spans:
        return [plain_text(span.decode_contents()) for span in spans]
    return [a for a in plain_text(field_html).split(", ") if a]


def _number(text: str) -> float | int:
    value = float(text)
    return int(value) if value.is_integer() and abs(value) < 1e15 else value


def _tolerance(text: str) -> float | int | str | None:
    """`± 5% (accepted: ...)` -> '5%'; `± 0.5 (...)` -> 0.5; empty -> None."""
    match = re.match(r"±\s*(\S+)", text)
    if not match:
        return None
    shown = match.group(1)
    return shown if shown.endswith("%") else _number(shown)


def _choices(answer_html: str, seed: str, md: Callable[[str], str]) -> list[dict[str, Any]]:
    """The options of an exported choice note, back in the order they were written."""
    soup = BeautifulSoup(answer_html, "html.parser")
    shown = []
    for li in soup.select("ol.qz-options > li"):
        correct = "qz-right" in (li.get("class") or [])
        feedback_div = li.find("div", class_="qz-feedback")
        feedback = md(feedback_div.decode_contents()) if feedback_div else ""
        for part in li.find_all(["span", "div"], class_=["qz-mark", "qz-feedback"]):
            part.decompose()
        choice: dict[str, Any] = {"text": md(li.decode_contents())}
        if correct:
            choice["correct"] = True
        if feedback:
            choice["feedback"] = feedback
        shown.append(choice)
    order = shuffled(len(shown), seed)
    written: list[dict[str, Any]] = [{}] * len(shown)
    for position, original in enumerate(order):
        written[original] = shown[position]
    return written


def _order(order_html: str, md: Callable[[str], str]) -> list[str]:
    """The items of an exported order note, in their right order."""
    soup = BeautifulSoup(order_html, "html.parser")
    items = []
    for li in soup.select("ol.qz-order > li"):
        letter = li.find("b")
        if letter is not None:
            letter.decompose()
        items.append(md(li.decode_contents().strip()))
    return items
