"""Turning cards into what the review screen shows: Markdown for the card, Content for verdicts.

Math written `$...$` or `$$...$$` has no renderer in a terminal, so it is turned into Unicode text
(`quizzer.mathtext`) and shown as code, which sets it apart from the prose around it.
"""

from __future__ import annotations

import contextlib
import re
from collections.abc import Sequence
from dataclasses import replace

from textual.content import Content

from quizzer.decks.cards import Card
from quizzer.decks.cloze import BLANK, Deletion, blank, parse_cloze
from quizzer.decks.faces import Faces, faces
from quizzer.decks.grading import Graded, Verdict, format_number, parse_number
from quizzer.decks.media import strip_references
from quizzer.decks.models import Cloze, Numeric, Typed
from quizzer.decks.typed_keys import diff
from quizzer.mathtext import DISPLAY_MATH, INLINE_MATH, latex_to_text

_FENCE = re.compile(r"^(```|~~~).*?^\1", re.MULTILINE | re.DOTALL)
_CODE_SPAN = re.compile(r"(`+).+?\1", re.DOTALL)
_INLINE = re.compile(
    r"(`+)(.+?)\1|\*\*(.+?)\*\*|(?<![\w*\\])\*(?=\S)(.+?)(?<=\S)\*(?![\w*])"
    r"|\\([!-/:-@\[-`{-~])"  # a backslash escape, as in Markdown: `\_\_init\_\_`
)


def _code(text: str) -> str:
    """`text` as an inline code span, with a fence longer than any backtick run inside it."""
    longest = max((len(m) for m in re.findall(r"`+", text)), default=0)
    fence = "`" * (longest + 1)
    pad = " " if text.startswith("`") or text.endswith("`") else ""
    return f"{fence}{pad}{text}{pad}{fence}"


def math_as_code(markdown: str) -> str:
    """Replace `$...$` and `$$...$$` math by code, leaving code spans and fenced blocks alone."""
    out: list[str] = []
    pos = 0
    protected = sorted(
        [m.span() for m in _FENCE.finditer(markdown)]
        + [m.span() for m in _CODE_SPAN.finditer(markdown)]
    )
    for start, end in protected:
        if start < pos:
            continue
        out.append(_convert_math(markdown[pos:start]))
        out.append(markdown[start:end])
        pos = end
    out.append(_convert_math(markdown[pos:]))
    return "".join(out)


def _convert_math(text: str) -> str:
    text = DISPLAY_MATH.sub(
        lambda m: "\n\n```\n" + latex_to_text(m.group(1).strip()) + "\n```\n\n", text
    )
    return INLINE_MATH.sub(lambda m: _code(latex_to_text(m.group(1))), text)


def inline(markdown: str, code_style: str = "$text-warning on $warning 10%") -> Content:
    """One line of Markdown (an option, an item) as Content: code, math, bold and italics."""
    text = math_as_code(markdown).replace("\n", " ")
    parts: list[tuple[str, str] | str] = []
    pos = 0
    for m in _INLINE.finditer(text):
        parts.append(text[pos : m.start()])
        if m.group(2) is not None:
            parts.append((m.group(2).strip(" ") or m.group(2), code_style))
        elif m.group(3) is not None:
            parts.append((m.group(3), "bold"))
        elif m.group(4) is not None:
            parts.append((m.group(4), "italic"))
        else:
            parts.append(m.group(5))
        pos = m.end()
    parts.append(text[pos:])
    return Content.assemble(*parts)


def labelled(label: str, markdown: str) -> Content:
    """`Source: ...` or `Hint: ...`: a bold label, then a line of deck Markdown (its math, code
    and emphasis rendered, as in the card's text)."""
    return Content.assemble((f"{label}: ", "bold"), inline(markdown))


def right_order(items: Sequence[str]) -> Content:
    """An order question's items in their right order, `a → b → c`, each rendered as in the
    list of items."""
    return Content(" → ").join(inline(item) for item in items)


def _escape(text: str) -> str:
    return re.sub(r"([\\`*_\[\]<>])", r"\\\1", text)


_SLOT = re.compile("\ue000(\\d+)(c?)\ue001")
"""Where a deletion goes while the code spans around it are cut (`c`: it is in one)."""


def _slot(deletion: Deletion) -> str:
    return f"\ue000{deletion.start}\ue001"


def _boldable(text: str, before: str, after: str) -> bool:
    """Whether `**text**` is bold between `before` and `after` (CommonMark's flanking rules: a
    `**` against punctuation inside needs a space or punctuation outside)."""

    def loose(ch: str) -> bool:  # the slot marks of a neighbouring deletion count as punctuation
        return not ch or ch.isspace() or not ch.isalnum()

    if not text or text[0].isspace() or text[-1].isspace():
        return False
    return (text[0].isalnum() or loose(before)) and (text[-1].isalnum() or loose(after))


def _spell(deletion: Deletion, reveal: bool, code: bool, before: str, after: str) -> str:
    """A deletion of the card in bold: its answer, or its hint or `…` in brackets."""
    if not reveal:
        inner = _escape(deletion.hint.strip()) if deletion.hint else BLANK
        hidden = f"\\[{inner}\\]"
        # `**\[…\]**x` is not bold (nor is `x**\[…\]**`): the brackets go outside then
        return f"**{hidden}**" if _boldable(hidden, before, after) else f"\\[**{inner}**\\]"
    answer = _code(deletion.answer) if code else deletion.answer
    return f"**{answer}**" if _boldable(answer, before, after) else answer


def _code_piece(text: str) -> str:
    """Part of a code span cut around a deletion, its edge spaces kept outside the new span
    (Markdown would strip them inside)."""
    core = text.strip(" ")
    if not core:
        return text
    lead = text[: len(text) - len(text.lstrip(" "))]
    return lead + _code(core) + text[len(text.rstrip(" ")) :]


def _cut_code(match: re.Match[str], deletions: dict[int, Deletion]) -> str:
    fence = match.group(1)
    body = match.group(0)[len(fence) : -len(fence)]
    # the text's own characters in a slot's shape are not deletions: the span stays whole there
    cuts = [m for m in _SLOT.finditer(body) if int(m.group(1)) in deletions]
    if not cuts:
        return match.group(0)
    out, pos = [], 0
    for m in cuts:
        out += [_code_piece(body[pos : m.start()]), f"\ue000{m.group(1)}c\ue001"]
        pos = m.end()
    out.append(_code_piece(body[pos:]))
    return "".join(out)


def _fill(markdown: str, deletions: dict[int, Deletion], reveal: bool) -> str:
    """Put a cloze card's deletions back in bold. Markdown has no bold inside code: a code span
    holding a deletion is cut around it, and one in a fenced block is written plainly."""

    def plain(slot: re.Match[str]) -> str:
        found = deletions.get(int(slot.group(1)))
        return slot.group(0) if found is None else _plain(found, reveal)

    markdown = _FENCE.sub(lambda m: _SLOT.sub(plain, m.group(0)), markdown)
    markdown = _CODE_SPAN.sub(lambda m: _cut_code(m, deletions), markdown)
    out: list[str] = []
    pos = 0
    for m in _SLOT.finditer(markdown):
        found = deletions.get(int(m.group(1)))
        if found is None:  # the text's own characters in a slot's shape
            continue
        out.append(markdown[pos : m.start()])
        before = markdown[m.start() - 1 : m.start()] if m.start() else ""
        after = markdown[m.end() : m.end() + 1]
        out.append(_spell(found, reveal, bool(m.group(2)), before, after))
        pos = m.end()
    out.append(markdown[pos:])
    return "".join(out)


def _plain(deletion: Deletion, reveal: bool) -> str:
    return deletion.answer if reveal else blank(deletion)


def _text(markdown: str) -> str:
    """Markdown for the screen: math made readable, figures and clips taken out (the review
    screen shows them in their own widgets)."""
    return math_as_code(strip_references(markdown))


def screen_faces(card: Card, order: Sequence[int] = ()) -> Faces:
    """A card's faces for the screen: math made readable, cloze deletions in bold, figures and
    clips left to their own widgets (options stay Markdown: `inline` renders them)."""
    q = card.question
    if not isinstance(q, Cloze):
        shown = faces(card, order)
        back = _text(shown.back) if shown.back is not None else None
        return replace(shown, front=_text(shown.front), back=back)
    shown = faces(card, order, hidden=_slot, shown=_slot)
    deletions = {d.start: d for d in parse_cloze(q.text).deletions}
    front = _fill(shown.front, deletions, reveal=False)
    back = _fill(shown.back or "", deletions, reveal=True)
    return replace(shown, front=_text(front), back=_text(back))


def after_notes(card: Card) -> str:
    """The explanation shown after answering, as Markdown (empty when there is none)."""
    explanation = card.question.explanation
    return _text(explanation) if explanation else ""


_VERDICT = {
    Verdict.CORRECT: ("✓ Correct", "bold $text-success"),
    Verdict.CLOSE: ("≈ Close", "bold $text-warning"),
    Verdict.INCORRECT: ("✗ Wrong", "bold $text-error"),
}


def verdict_line(graded: Graded) -> Content:
    """`✓ Correct`, `≈ Close` or `✗ Wrong`, then the grader's sentence."""
    label, style = _VERDICT[graded.verdict]
    message = "" if graded.message == "Correct." else graded.message
    word = label.split()[-1]
    if message.startswith(f"{word}: "):
        message = message[len(word) + 2 :]
        message = message[:1].upper() + message[1:]
    return Content.assemble((label, style), ("  " + message) if message else "")


def diff_content(response: str, expected: str) -> Content:
    """The response against the expected answer: wrong characters struck through, missing ones
    underlined (readable without colour too)."""
    parts: list[tuple[str, str] | str] = []
    for kind, text in diff(response, expected):
        if kind == "equal":
            parts.append(text)
        elif kind == "wrong":
            parts.append((text, "strike $text-error"))
        else:
            parts.append((text, "underline $text-success"))
    return Content.assemble(*parts)


def typed_feedback(card: Card, response: str, graded: Graded) -> Content:
    """The verdict of a typed or numeric answer: the diff of the response against the answer
    when it was not right, the answer alone when it was right in other words."""
    lines = [verdict_line(graded)]
    shown = response.strip()
    if isinstance(card.question, Numeric) and shown:
        unit = card.question.unit
        with contextlib.suppress(ValueError):
            number = parse_number(shown, unit, near=card.question.answer)
            shown = format_number(number) + (f" {unit}" if unit else "")
    if graded.verdict != Verdict.CORRECT and shown:
        # a number is off by an amount (said in the verdict), not by its characters
        yours = shown if graded.as_number else diff_content(shown, graded.expected)
        lines.append(Content.assemble(("  yours    ", "dim"), yours))
    if shown != graded.expected:
        lines.append(Content.assemble(("  answer   ", "dim"), (graded.expected, "bold")))
    return Content("\n").join(lines)


def not_answered(card: Card) -> Graded:
    """The verdict of a typed or numeric card left blank: wrong, with the answer shown."""
    q = card.question
    if isinstance(q, Typed):
        expected = q.answers[0]
    elif isinstance(q, Numeric):
        expected = format_number(q.answer) + (f" {q.unit}" if q.unit else "")
    else:
        raise TypeError(f"{q.kind} questions are not typed")
    return Graded(Verdict.INCORRECT, expected, "Not answered.")


def deck_path(card: Card, title: str) -> str:
    """`speech › CTC`: the folders of the card's deck, then the deck's title."""
    folders = card.deck_id.split("/")[:-1]
    return " › ".join([*folders, title])
