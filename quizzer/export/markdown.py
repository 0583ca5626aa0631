"""Deck Markdown to the HTML that Anki shows.

CommonMark with tables, raw HTML escaped. `$...$` and `$$...$$` become MathJax `\\(...\\)` and
`\\[...\\]`; the math is set aside before Markdown runs, so `_` and `*` inside it survive.
Figures and clips (`![alt](path)`, relative to the deck file; the extension says which) are
collected as media and renamed for Anki's flat media folder: a figure becomes `<img>`, a clip
Anki's `[sound:name]`.
A path that leaves the decks folder is refused.
"""

from __future__ import annotations

import hashlib
import html
import re
from pathlib import Path
from urllib.parse import unquote

from markdown_it import MarkdownIt
from markdown_it.token import Token

from quizzer.decks.cloze import parse_cloze
from quizzer.decks.media import FORMATS
from quizzer.errors import QuizzerError
from quizzer.files import MEDIA_LIMIT, read_regular

# Private-use characters frame placeholders: Markdown leaves them alone; a text's own are held
# as pieces of their own (`_hold_own`), so that they come back as they were.
_PH_OPEN, _PH_CLOSE = "\ue000", "\ue001"
_PLACEHOLDER = re.compile(f"{_PH_OPEN}(\\d+){_PH_CLOSE}")
_OWN = re.compile(f"[{_PH_OPEN}{_PH_CLOSE}]")
_MATH = re.compile(
    r"(?P<code>`+).+?(?<!`)(?P=code)(?!`)"  # a code span: left as it is
    r"|\\\$"  # an escaped dollar
    r"|\$\$(?P<display>.+?)\$\$"
    r"|\$(?P<inline>[^\s$](?:[^$\n]*?[^\s$\\])?)\$(?!\d)",  # pandoc's rule: no `$5 and $6` math
    re.DOTALL,
)
# Text with none of these (and no list or quote marker in front) renders as itself, escaped: most
# short fields take this path, which skips the Markdown parser.
_MARKUP = re.compile(r"[\\`*_\[\]!<>&~|#\n\r\t]|^[\s=+-]|^\d{1,9}[.)](?:\s|$)")
_SCHEME = re.compile(r"[a-zA-Z][a-zA-Z0-9+.-]*:|//")
_UNSAFE_NAME = re.compile(r"[^A-Za-z0-9._-]+")
SOUND_CLASS = "quizzer-sound"
"""The class of the span around a clip's `[sound:...]` in exported fields; its title is the alt
text."""


class MediaError(QuizzerError, ValueError):
    """A figure or clip a deck refers to cannot be packed; the message names the deck file and
    path."""


class Renderer:
    """Renders the text fields of one deck; images go into the shared `media` map."""

    def __init__(self, deck_file: Path, root: Path, media: dict[str, Path]) -> None:
        self.deck_file = deck_file
        self.root = root.resolve()
        self.media = media
        """Anki media file name -> file on disk, shared by every deck of an export."""
        self._md = _markdown()

    def html(self, text: str | None, *, inline: bool = False) -> str:
        """HTML for a Markdown text ("" for None). `inline` drops the paragraph around a
        single-paragraph text, for list items and short labels."""
        if not text:
            return ""
        saved: list[str] = []
        return self._render(_protect_math(_hold_own(text, saved), saved), saved, inline=inline)

    def cloze_html(self, text: str) -> str:
        """HTML for a cloze text, its `{{cN::answer::hint}}` markers kept for Anki."""
        saved: list[str] = []
        parts: list[str] = []
        pos = 0
        for d in parse_cloze(text).deletions:
            parts.append(_hold_own(text[pos : d.start], saved))
            parts.append(_hold(saved, f"{{{{c{d.number}::") + _hold_own(d.answer, saved))
            if d.hint:
                parts.append(_hold(saved, "::") + _hold_own(d.hint, saved))
            parts.append(_hold(saved, "}}"))
            pos = d.end
        parts.append(_hold_own(text[pos:], saved))
        return self._render(_protect_math("".join(parts), saved), saved, inline=False)

    def _render(self, text: str, saved: list[str], *, inline: bool) -> str:
        if not _MARKUP.search(text):
            rendered = html.escape(text.rstrip(), quote=False).replace('"', "&quot;")
            if not inline:
                rendered = f"<p>{rendered}</p>"
            return _restore(rendered, saved)
        env: dict[str, object] = {}
        tokens = self._md.parse(text, env)
        for token in tokens:
            for child in token.children or ():
                if child.type == "image":
                    self._pack_media(child)
        if inline and _single_paragraph(tokens):
            inner = tokens[1].children or []
            rendered = self._md.renderer.render(inner, self._md.options, env)
        else:
            rendered = self._md.renderer.render(tokens, self._md.options, env).strip()
        return _restore(rendered, saved)

    def _pack_media(self, token: Token) -> None:
        src = str(token.attrGet("src") or "")
        if not src or _SCHEME.match(src):
            return  # a web image: Anki loads it itself
        relative = unquote(src)
        target = (self.deck_file.parent / relative).resolve()
        if not target.is_relative_to(self.root):
            raise MediaError(
                f"{self.deck_file}: media path {relative!r} leaves the decks folder {self.root}"
            )
        try:
            data = read_regular(target, MEDIA_LIMIT)
        except FileNotFoundError:
            raise MediaError(
                f"{self.deck_file}: media file {relative!r} not found at {target}"
            ) from None
        except OSError as exc:
            raise MediaError(
                f"{self.deck_file}: image {relative!r} cannot be used: {exc.strerror or exc}"
            ) from None
        digest = hashlib.sha1(data).hexdigest()[:12]  # a file name, not security
        stem = _UNSAFE_NAME.sub("-", target.name).strip("-.") or "image"
        name = f"quizzer-{digest}-{stem}"
        self.media[name] = target
        if FORMATS.get(target.suffix.lower(), ("image",))[0] == "audio":
            # Anki plays `[sound:...]` (the name is safe already); the span keeps the alt text,
            # so that importing the package back gives the same Markdown
            alt = html.escape(token.content, quote=True)
            token.type, token.tag, token.children, token.content = (
                "html_inline",
                "",
                None,
                f'<span class="{SOUND_CLASS}" title="{alt}">[sound:{name}]</span>',
            )
            return
        token.attrSet("src", name)


def _markdown() -> MarkdownIt:
    return MarkdownIt("commonmark", {"html": False}).enable(["table", "strikethrough"])


def _hold(saved: list[str], html_text: str) -> str:
    saved.append(html_text)
    return f"{_PH_OPEN}{len(saved) - 1}{_PH_CLOSE}"


def _hold_own(text: str, saved: list[str]) -> str:
    """`text` with its own placeholder characters (private-use code points, rare but valid)
    held as pieces of their own, so that none is taken for a placeholder."""
    if _PH_OPEN not in text and _PH_CLOSE not in text:
        return text
    return _OWN.sub(lambda m: _hold(saved, m.group()), text)


def _restore(rendered: str, saved: list[str]) -> str:
    """`rendered` with every held piece back in one pass, each piece restored in turn (held
    math may itself hold cloze markers); a character of the text held by `_hold_own` comes
    back as it was."""

    def put(match: re.Match[str]) -> str:
        piece = saved[int(match.group(1))]
        return piece if piece in (_PH_OPEN, _PH_CLOSE) else _restore(piece, saved)

    return _PLACEHOLDER.sub(put, rendered)


def _protect_math(text: str, saved: list[str]) -> str:
    def swap(match: re.Match[str]) -> str:
        if match.group("display") is not None:
            return _hold(saved, f"\\[{html.escape(match.group('display'), quote=False)}\\]")
        if match.group("inline") is not None:
            return _hold(saved, f"\\({html.escape(match.group('inline'), quote=False)}\\)")
        return match.group(0)

    return _MATH.sub(swap, text)


def _single_paragraph(tokens: list[Token]) -> bool:
    return (
        len(tokens) == 3
        and tokens[0].type == "paragraph_open"
        and tokens[1].type == "inline"
        and tokens[2].type == "paragraph_close"
    )


def plain(text: str) -> str:
    """Text escaped for HTML, without Markdown (for Anki's `{{type:...}}` answers)."""
    return html.escape(text.strip(), quote=False)
