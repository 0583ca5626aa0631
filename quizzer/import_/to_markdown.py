"""Anki field HTML to deck Markdown, with markdownify.

MathJax `\\(...\\)` and `\\[...\\]` become `$...$` and `$$...$$`; `<img>` and `[sound:...]` become
Markdown images whose path a `media` callback chooses; scripts, styles and tags Markdown has no
spelling for are dropped (their text kept). Characters are escaped only where Markdown would
otherwise read them as markup, so a text exported by quizzer comes back as it was written.
"""

from __future__ import annotations

import functools
import html
import re
from collections.abc import Callable
from html.entities import html5
from typing import Any

from markdownify import ATX, BACKSLASH, MarkdownConverter

from quizzer.export.markdown import _MATH as _DECK_MATH
from quizzer.export.markdown import SOUND_CLASS, _markdown

MediaRef = Callable[[str], str | None]
"""Anki media file name -> the path a deck uses for it, or None when the file is missing."""

# Private-use characters frame placeholders: no field text has them.
_PH_OPEN, _PH_CLOSE = "\ue000", "\ue001"
_PLACEHOLDER = re.compile(f"{_PH_OPEN}(\\d+){_PH_CLOSE}")
_MATH = re.compile(r"\\\((?P<inline>.+?)\\\)|\\\[(?P<display>.+?)\\\]", re.DOTALL)
_SOUND = re.compile(r"\[sound:(?P<name>[^\]]+)\]")
_OWN_SOUND = re.compile(
    rf'<span class="{SOUND_CLASS}" title="(?P<alt>[^"]*)">\[sound:(?P<name>[^\]]+)\]</span>'
)
"""A clip as quizzer's own export writes it, with its alt text."""
_DROPPED = ("script", "style", "head", "title", "meta", "link", "template", "object", "iframe")
_LINE_START = re.compile(r"^(\s*)([#>+]|[-*](?=\s)|\d+(?=[.)]\s))", re.MULTILINE)
_BLOCKS = {"br", "p", "div", "li", "ul", "ol", "pre", "table", "tr", "blockquote", "hr"}
_MAYBE_MARKUP = re.compile(r"[\\`*_\[\]!<&~|$]|https?:|www\.")
_inline_parser = functools.cache(_markdown)
_HTML_ESCAPES = str.maketrans({"&": "&amp;", "<": "&lt;", ">": "&gt;", '"': "&quot;"})
_ENTITY = re.compile(
    r"&(?:#[xX][0-9a-fA-F]{1,6};|#[0-9]{1,7};|(?P<name>[A-Za-z][A-Za-z0-9]{1,31};))"
)
"""A character reference as CommonMark reads one (a name counts only when HTML5 knows it)."""


class _Converter(MarkdownConverter):
    def __init__(self, media: MediaRef, missing: list[str]) -> None:
        super().__init__(
            heading_style=ATX,
            bullets="-",
            newline_style=BACKSLASH,
            escape_asterisks=False,
            escape_underscores=False,
            table_infer_header=True,
        )
        self._media = media
        self._missing = missing
        self._line_start = True

    def convert_soup(self, soup: Any) -> str:
        """Scripts, styles and the like go, with everything inside them."""
        for tag in soup.find_all(_DROPPED):
            tag.decompose()
        return super().convert_soup(soup)

    def process_text(self, el: Any, parent_tags: Any = None) -> str:
        """Text, knowing whether it starts a line (where `-`, `#`, `>` and `1.` are markup)."""
        previous = el.previous_sibling
        self._line_start = previous is None or getattr(previous, "name", None) in _BLOCKS
        return str(super().process_text(el, parent_tags=parent_tags))  # type: ignore[misc]

    def escape(self, text: str, parent_tags: Any) -> str:
        """Backslashes only where the text would otherwise turn into markup."""
        if not text:
            return ""
        if "_inline" in parent_tags:
            return _escape_all(text, line_start=False).replace("|", "\\|")
        if _is_literal(text):
            return _escape_line_starts(text, self._line_start)
        return _escape_all(text, line_start=self._line_start)

    def convert_img(self, el: Any, text: str, parent_tags: Any) -> str:
        """An image (or, from `[sound:...]`, a sound) as a Markdown image to the deck's copy."""
        src = str(el.attrs.get("src") or "").strip()
        alt = " ".join(str(el.attrs.get("alt") or "").split())
        if not src:
            return ""
        if re.match(r"[a-zA-Z][a-zA-Z0-9+.-]*:|//", src):  # a web image: kept as a link
            target = src
        else:
            found = self._media(html.unescape(src))
            if found is None:
                self._missing.append(src)
                return alt
            target = found
        alt = _escape_entities(alt.replace("[", "\\[").replace("]", "\\]"))
        return f"![{alt}]({target.replace(' ', '%20').replace(')', '%29')})"

    def convert_u(self, el: Any, text: str, parent_tags: Any) -> str:
        """Underline has no Markdown: the text stays, plain."""
        return text

    def convert_span(self, el: Any, text: str, parent_tags: Any) -> str:
        """Spans (colours, fonts) carry no meaning Markdown keeps."""
        return text


def _is_literal(text: str) -> bool:
    """True when the text, written as it is, renders as itself (no math, link or emphasis)."""
    if any(m.group("inline") or m.group("display") for m in _DECK_MATH.finditer(text)):
        return False
    if not _MAYBE_MARKUP.search(text):
        return True
    if "\\" in text:
        return False
    rendered = _inline_parser().renderInline(text)
    return bool(rendered == text.translate(_HTML_ESCAPES))


def _escape_line_starts(text: str, line_start: bool) -> str:
    """A backslash before list, heading and quote markers at the start of a line."""

    def mark(match: re.Match[str]) -> str:
        if match.start() == 0 and not line_start:
            return match.group(0)
        return match.group(1) + "\\" + match.group(2)

    return _LINE_START.sub(mark, text)


def _escape_all(text: str, *, line_start: bool) -> str:
    """Every character that could be markup, escaped."""
    text = text.replace("\\", "\\\\").replace("`", "\\`").replace("$", "\\$")
    text = re.sub(r"[\[\]*_]", lambda m: "\\" + m.group(0), text)
    text = re.sub(r"<(?=[A-Za-z/!?])", "\\<", text)
    return _escape_line_starts(_escape_entities(text), line_start)


def _escape_entities(text: str) -> str:
    """A backslash before each `&` that Markdown would read as a character reference: the
    text `&amp;` shown in Anki stays `&amp;`, not `&`."""

    def mark(match: re.Match[str]) -> str:
        name = match.group("name")
        return match.group(0) if name and name not in html5 else "\\" + match.group(0)

    return _ENTITY.sub(mark, text)


def html_to_markdown(field: str, media: MediaRef) -> tuple[str, list[str]]:
    """The Markdown of one Anki field, and the media names it refers to that are missing."""
    saved: list[str] = []

    def hold(text: str) -> str:
        saved.append(text)
        return f"{_PH_OPEN}{len(saved) - 1}{_PH_CLOSE}"

    def math(match: re.Match[str]) -> str:
        if match.group("inline") is not None:
            return hold(f"${html.unescape(match.group('inline')).strip()}$")
        return hold(f"$${html.unescape(match.group('display')).strip()}$$")

    text = field.replace(_PH_OPEN, "").replace(_PH_CLOSE, "")
    text = _MATH.sub(math, text)
    text = _OWN_SOUND.sub(
        lambda m: f'<img src="{html.escape(m.group("name"))}" alt="{m.group("alt")}">', text
    )
    text = _SOUND.sub(lambda m: f'<img src="{html.escape(m.group("name"))}" alt="">', text)
    missing: list[str] = []
    markdown = _Converter(media, missing).convert(text)
    markdown = "\n".join(line.rstrip() for line in markdown.strip().splitlines())
    while _PH_OPEN in markdown:
        markdown = _PLACEHOLDER.sub(lambda m: saved[int(m.group(1))], markdown)
    return markdown, missing


def plain_text(field: str) -> str:
    """A field as one line of plain text (for ids, reports and typed answers)."""
    text = re.sub(r"<br\s*/?>|</(?:div|p|li)>", " ", field, flags=re.IGNORECASE)
    text = re.sub(r"<(script|style)\b.*?</\1\s*>", "", text, flags=re.IGNORECASE | re.DOTALL)
    text = _SOUND.sub("", re.sub(r"<[^>]*>", "", text))
    return " ".join(html.unescape(text).split())
