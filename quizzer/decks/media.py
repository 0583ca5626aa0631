"""Figures and sound clips in deck text: Markdown images whose extension says which.

`![mel filterbank, 40 bands](media/mel-40.png)` is a figure, `![a 1 kHz tone](media/tone.wav)` a
clip; paths are relative to the deck file and must stay inside the decks folder. `check_deck` is
what `quizzer lint` runs: each file must exist, be a regular file, start with the bytes of its
declared format, and stay within a size limit. It never opens anything but a regular file (a FIFO
would block the reader).
"""

from __future__ import annotations

import os
import re
import stat
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Literal
from urllib.parse import unquote

from quizzer.decks.cards import Card
from quizzer.decks.loaded import LoadedDeck, Problem
from quizzer.decks.models import Basic, Cloze, MultipleChoice, Order, QuestionBase
from quizzer.decks.tree import DeckTree

MediaKind = Literal["image", "audio"]

FORMATS: dict[str, tuple[MediaKind, str]] = {
    ".png": ("image", "PNG"),
    ".svg": ("image", "SVG"),
    ".jpg": ("image", "JPEG"),
    ".jpeg": ("image", "JPEG"),
    ".webp": ("image", "WebP"),
    ".wav": ("audio", "WAV"),
    ".flac": ("audio", "FLAC"),
    ".ogg": ("audio", "Ogg"),
    ".mp3": ("audio", "MP3"),
}
"""File extension -> (kind, format name). The extension decides how a reference is shown."""

MAX_BYTES: dict[MediaKind, int] = {"image": 512 * 1024, "audio": 2 * 1024 * 1024}
"""The largest figure and clip a deck may carry: decks ship in the wheel and in Anki packages."""

_REF = re.compile(
    r"!\[(?P<alt>(?:[^\]\\\n]|\\.)*)\]\((?P<src><[^>\n]*>|[^)\s]+)(?:\s+\"[^\"\n]*\")?\)"
)
"""A figure or clip in Markdown: `![alt](path)`, `![alt](<path with spaces>)`, with an optional
title."""
_REF_LIKE = re.compile(r"!\[[^\]\n]*\]\([^)\n]*\)")
"""What a writer may mean as a figure or clip, read or not."""
_CODE = re.compile(r"^(```|~~~).*?^\1|(`+).+?\2", re.MULTILINE | re.DOTALL)
_SCHEME = re.compile(r"[a-zA-Z][a-zA-Z0-9+.-]*:|//")


@dataclass(frozen=True, slots=True)
class MediaRef:
    """One figure or clip referenced from a deck's text."""

    alt: str
    """The alt text: what the figure or clip shows, read aloud or shown when it cannot be."""
    src: str
    """The path as written, relative to the deck file."""
    kind: MediaKind | None
    """`image` or `audio`; None for an extension quizzer does not know."""

    def path(self, deck_file: Path) -> Path:
        """The file on disk, resolved against the deck file's folder."""
        return (deck_file.parent / self.src).resolve()


def _ref(match: re.Match[str]) -> MediaRef:
    src = unquote(match.group("src").strip("<>"))
    known = FORMATS.get(os.path.splitext(src)[1].lower())
    alt = re.sub(r"\\(.)", r"\1", match.group("alt"))
    return MediaRef(alt, src, known[0] if known else None)


def _without_code(text: str) -> str:
    return _CODE.sub(lambda m: " " * len(m.group(0)), text)


def references(text: str | None) -> list[MediaRef]:
    """The local figures and clips of a Markdown text, in order (web addresses and code
    left out)."""
    if not text or "![" not in text:
        return []
    return [
        _ref(m) for m in _REF.finditer(_without_code(text)) if not _SCHEME.match(m.group("src"))
    ]


def unread_references(text: str | None) -> list[str]:
    """The `![alt](path)` of a Markdown text, outside code, that `references` does not read (a
    path with spaces not between `<` and `>`, say), as written."""
    if not text or "![" not in text:
        return []
    plain = _without_code(text)
    read = {m.start() for m in _REF.finditer(plain)}
    return [m.group(0) for m in _REF_LIKE.finditer(plain) if m.start() not in read]


def strip_references(text: str) -> str:
    """The text with its local figure and clip references taken out (shown apart by the TUI)."""
    if "![" not in text:
        return text
    kept = _without_code(text)
    out: list[str] = []
    pos = 0
    for m in _REF.finditer(kept):
        if _SCHEME.match(m.group("src")):
            continue
        out.append(text[pos : m.start()])
        pos = m.end()
    out.append(text[pos:])
    return re.sub(r"\n{3,}", "\n\n", "".join(out)).strip()


def _fields(q: QuestionBase) -> Iterator[str | None]:
    for name in ("prompt", "answer", "text", "explanation", "hint"):
        value = getattr(q, name, None)
        yield value if isinstance(value, str) else None
    if isinstance(q, MultipleChoice):
        for c in q.choices:
            yield c.text
            yield c.feedback
    if isinstance(q, Order):
        yield from q.items


def question_media(q: QuestionBase) -> list[MediaRef]:
    """Every figure and clip a question refers to, in any of its text fields."""
    return [ref for text in _fields(q) for ref in references(text)]


def card_media(card: Card) -> tuple[list[MediaRef], list[MediaRef]]:
    """The media a card shows before answering and the media it adds after: the front's are
    the prompt's (the answer's for a reverse card, the text's for a cloze), the back's those of
    the answer and the explanation."""
    q = card.question
    if isinstance(q, Basic):
        front, back = (q.answer, q.prompt) if card.variant == "reverse" else (q.prompt, q.answer)
        return references(front), references(back) + references(q.explanation)
    if isinstance(q, Cloze):
        return references(q.text), references(q.explanation)
    return references(getattr(q, "prompt", None)), references(q.explanation)


def sniff(head: bytes) -> str | None:
    """The format name of a file from its first bytes (None when not a known media format)."""
    if head.startswith(b"\x89PNG\r\n\x1a\n"):
        return "PNG"
    if head.startswith(b"\xff\xd8\xff"):
        return "JPEG"
    if head[:4] == b"RIFF" and head[8:12] == b"WEBP":
        return "WebP"
    if head[:4] == b"RIFF" and head[8:12] == b"WAVE":
        return "WAV"
    if head.startswith(b"fLaC"):
        return "FLAC"
    if head.startswith(b"OggS"):
        return "Ogg"
    if head.startswith(b"ID3") or (len(head) > 1 and head[0] == 0xFF and head[1] & 0xE0 == 0xE0):
        return "MP3"
    text = head.lstrip(b"\xef\xbb\xbf \t\r\n")
    if text.startswith(b"<") and b"<svg" in head:
        return "SVG"
    return None


def check_file(ref: MediaRef, deck_file: Path, root: Path) -> str | None:
    """What is wrong with the file a reference names, or None when it is fine."""
    if ref.kind is None:
        known = ", ".join(sorted({name for _, name in FORMATS.values()}))
        return f"{ref.src!r}: unknown media type; use one of {known}"
    target = ref.path(deck_file)
    if not target.is_relative_to(root.resolve()):
        return f"{ref.src!r} leaves the decks folder"
    try:
        info = target.stat()
    except OSError:
        return f"{ref.src!r}: no such file ({target})"
    if not stat.S_ISREG(info.st_mode):
        return f"{ref.src!r} is not a regular file"
    limit = MAX_BYTES[ref.kind]
    if info.st_size > limit:
        size, most = info.st_size // 1024, limit // 1024
        return f"{ref.src!r} is {size} KiB; the limit for {ref.kind} is {most} KiB"
    try:
        with target.open("rb") as f:
            head = f.read(512)
    except OSError as exc:
        return f"{ref.src!r}: cannot read: {exc.strerror or exc}"
    declared = FORMATS[os.path.splitext(ref.src)[1].lower()][1]
    found = sniff(head)
    if found != declared:
        what = f"{found} data" if found else "not a known media format"
        return f"{ref.src!r} is named .{declared.lower()} but holds {what}"
    return None


def check_deck(loaded: LoadedDeck, root: Path, shown: str) -> list[Problem]:
    """Problems with every media reference of a loaded deck, located in its file."""
    refs = [(q.id, ref) for q in loaded.questions for ref in question_media(q)]
    if not refs:
        return []
    try:
        text_lines = loaded.path.read_text(encoding="utf-8").splitlines()
    except (OSError, UnicodeDecodeError):
        text_lines = []
    found = []
    for qid, ref in refs:
        message = check_file(ref, loaded.path, root)
        if message is None:
            continue
        line, column = loaded.lines.get(qid, 1), 1
        for number in range(line, len(text_lines) + 1):
            col = text_lines[number - 1].find(ref.src)
            if col >= 0:
                line, column = number, col + 1
                break
        found.append(Problem(shown, line, column, message))
    return found


def check_tree(tree: DeckTree, shown: Callable[[Path], str] = str) -> list[Problem]:
    """Media problems of every loaded deck of a tree."""
    return [p for d in tree.decks.values() for p in check_deck(d, tree.root, shown(d.path))]
