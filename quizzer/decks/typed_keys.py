"""How typed answers are compared: the key a response and an answer are compared by, the edits
that make a near miss, and the character diff shown after a wrong answer.

A key folds what a learner who knows the answer may type differently (case, spacing, accents where
the answer has none, articles, the prompt's generic nouns, separators between the parts of a
name). A near miss is a few edits away from a key, never in a short answer, a number, an answer
written in capitals (`VITS`, `GE2E`) or a one-letter part of a name (`x-vector`, `PaLM 2-S`):
there one letter is another answer.
"""

from __future__ import annotations

import difflib
import re
import unicodedata
from collections.abc import Sequence

from quizzer.decks.quantities import american, rules

_TRAILING = ".,;:!?。、"


def normalize(text: str, *, strip_accents: bool = False) -> str:
    """Fold a typed answer for comparison: NFKC, case, spacing, trailing punctuation, and accents
    when `strip_accents`."""
    text = unicodedata.normalize("NFKC", text).casefold()
    text = " ".join(text.split()).strip().rstrip(_TRAILING).strip()
    if strip_accents:
        text = _without_accents(text)
    return text


def _without_accents(text: str) -> str:
    decomposed = unicodedata.normalize("NFD", text)
    return unicodedata.normalize(
        "NFC", "".join(ch for ch in decomposed if not unicodedata.combining(ch))
    )


def has_accents(text: str) -> bool:
    """True when the text holds a combining accent (it is then compared with its accents)."""
    return any(unicodedata.combining(ch) for ch in unicodedata.normalize("NFD", text))


_SEPARATORS = re.compile(r"[\s\-_.,/:;'‘’\"“”()\[\]{}]+")
_DASHES = str.maketrans("−–—", "---")
"""The minus sign and the dashes, read as `-` (a range `3–7`, a minus sign `–5`)."""
_LAST_OF_A_LIST = re.compile(r"(?<=\d),? and (?=-?\d)")
"""The `and` before the last number of a list: `2, 3 and 4` is `2, 3, 4`."""
_VERSION_WORD = re.compile(r"(?<![\w.])(?:version|ver\.?) (?=v?\d)")
_VERSION = re.compile(r"(?<![\d.])v(?=\0?\d{1,2}(?:\.\d+)*(?![\d.]))|(?<=\d)\.0+(?!\d)")
"""In a marked key, the `v` before a version number (`v2`, `large-v3`, `largev3`, not the `V` of
`V100`) and the version's `.0` (`2.0` is `2`)."""
_MARK = "\0"
"""Where a separator between the parts of a name was removed, in a marked key."""


def _join_parts(match: re.Match[str]) -> str:
    """Between two digits a separator stays (one space, or the decimal point); elsewhere it goes,
    so `Name-V2`, `Name V2` and `NameV2` read alike. A minus sign stays: `-5` is not `5`."""
    text, start, end = match.string, match.start(), match.end()
    between_digits = start > 0 and end < len(text) and text[start - 1].isdigit()
    if is_minus_sign(text, start, end):
        return (" " if between_digits else "") + "-"
    if between_digits and text[end].isdigit():
        return "." if match.group() == "." else " "
    return _MARK


def is_minus_sign(text: str, start: int, end: int) -> bool:
    """True when the separators `text[start:end]` end with a minus sign: a `-` just before a
    digit, at the start, after a space or a sign (`-5`, `x = -5`, `2, -3`), or in an exponent
    (`1e-3`). Between the parts of a name (`GPT-2`) it is a hyphen."""
    if not text[start:end].endswith("-") or end >= len(text) or not text[end].isdigit():
        return False
    if start == 0 or len(text[start:end]) > 1 or not text[start - 1].isalnum():
        return True
    return text[start - 1] in "eE" and start >= 2 and text[start - 2].isdigit()


def answer_key(text: str, words: frozenset[str], *, strip_accents: bool) -> str:
    """The form in which typed answers are compared: folded (`normalize`), British spellings
    written the American way, a version without `v` or `.0` (`v2.0` is `2`), `&`, `×` and
    dashes read as `and`, `x` and `-`, no `and` before the last number of a list, a leading
    article and the prompt's generic nouns around the answer dropped, and the separators between
    the parts of a name removed."""
    return _marked_key(text, words, strip_accents=strip_accents).replace(_MARK, "")


def _marked_key(text: str, words: frozenset[str], *, strip_accents: bool) -> str:
    """`answer_key` with `_MARK` where a separator between the parts of a name was removed."""
    folded = american(normalize(text, strip_accents=strip_accents)).replace("&", " and ")
    folded = _LAST_OF_A_LIST.sub(", ", _VERSION_WORD.sub("", " ".join(folded.split())))
    parts = folded.replace("×", "x").translate(_DASHES).split()
    forgiven = rules()
    if len(parts) > 1 and parts[0] in forgiven.articles:
        parts = parts[1:]
    nouns = sorted({american(w) for w in words & forgiven.implied_nouns}, key=len, reverse=True)
    while len(parts) > 1 and _noun_at(parts[0], nouns, start=True) == len(parts[0]):
        parts.pop(0)
    marked = _VERSION.sub("", _SEPARATORS.sub(_join_parts, " ".join(parts)))
    key = whole = marked.replace(_MARK, "")
    while (cut := _noun_at(key, nouns, start=False)) and cut < len(key):
        key = key[:-cut]
    if key == whole:
        return marked
    kept = 0
    for end, ch in enumerate(marked):  # the marked key up to the characters of `key`
        kept += ch != _MARK
        if kept == len(key):
            return marked[: end + 1]
    return ""


def fixed_positions(answer: str, words: frozenset[str], *, strip_accents: bool) -> set[int]:
    """The positions of the answer's key where no typo is forgiven: every one for an answer
    written in capitals of up to five letters and digits (`VITS`, `GE2E`, `H/ASP`), and a letter
    that is a part of a name by itself (the `x` of `x-vector`, the `S` of `PaLM 2-S`)."""
    marked = _marked_key(answer, words, strip_accents=strip_accents)
    key = marked.replace(_MARK, "")
    letters = [ch for ch in unicodedata.normalize("NFKC", answer) if ch.isalnum()]
    if len(letters) <= 5 and all(ch.isupper() or ch.isdigit() for ch in letters):
        return set(range(len(key)))
    fixed = set()
    position = 0
    for i, ch in enumerate(marked):
        if ch == _MARK:
            continue
        alone = not (i and marked[i - 1].isalpha()) and not marked[i + 1 : i + 2].isalpha()
        if ch.isalpha() and alone:
            fixed.add(position)
        position += 1
    return fixed


def _noun_at(text: str, nouns: Sequence[str], *, start: bool) -> int:
    """The length of a noun (or its plural) at the start or end of `text`; 0 when none is."""
    for noun in nouns:
        for form in (noun + "es", noun + "s", noun):
            if text.startswith(form) if start else text.endswith(form):
                return len(form)
    return 0


def edit_distance(a: str, b: str, fixed: frozenset[int] | set[int] = frozenset()) -> int:
    """The edits that turn `a` into `b`, where a swap of two neighbouring characters counts as one
    (optimal string alignment), so `blnak` is one edit from `blank`. An edit that changes, drops or
    swaps a `fixed` position of `b`, or adds a character next to one, counts as more edits than
    either string has characters."""
    never = len(a) + len(b) + 1

    def cost(*positions: int) -> int:
        return never if any(p in fixed for p in positions) else 1

    rows = [[0] + [0] * len(b)]
    for j in range(1, len(b) + 1):
        rows[0][j] = rows[0][j - 1] + cost(j - 1)
    for i in range(1, len(a) + 1):
        row = [rows[i - 1][0] + cost(0)] + [0] * len(b)
        for j in range(1, len(b) + 1):
            same = a[i - 1] == b[j - 1]
            row[j] = min(
                rows[i - 1][j] + cost(j - 1, j),
                row[j - 1] + cost(j - 1),
                rows[i - 1][j - 1] + (0 if same else cost(j - 1)),
            )
            if i > 1 and j > 1 and a[i - 1] == b[j - 2] and a[i - 2] == b[j - 1]:
                row[j] = min(row[j], rows[i - 2][j - 2] + cost(j - 2, j - 1))
        rows.append(row)
    return rows[-1][-1]


def near_miss_allowance(expected: str) -> int:
    """How many edits still count as `close`: none below 4 characters, then about one in six."""
    if len(expected) < 4 or expected.replace(".", "").replace(" ", "").isdigit():
        return 0
    return max(1, min(3, len(expected) // 6))


def accepted(response: str, answers: Sequence[str], words: frozenset[str]) -> str | None:
    """The accepted answer whose key the response has, if any; a response with a part in
    brackets (`Montreal Forced Aligner (MFA)`) has one when both parts are accepted."""
    found = _same_key(response, answers, words)
    if found is None and (parts := glossed(response)):
        found, gloss = (_same_key(part, answers, words) for part in parts)
        return found if gloss else None
    return found


def _same_key(response: str, answers: Sequence[str], words: frozenset[str]) -> str | None:
    misaccented = wrong_accents(response, answers, words)
    for answer in answers:
        loose = not has_accents(answer)
        want = answer_key(answer, words, strip_accents=loose)
        if answer_key(response, words, strip_accents=loose) == want and not (loose and misaccented):
            return answer
    return None


_GLOSSED = re.compile(r"(?P<head>[^()]*[^()\s])\s*\((?P<gloss>[^()]*[^()\s][^()]*)\)")


def glossed(text: str) -> tuple[str, str] | None:
    """The two parts of `name (other name)`, or None."""
    match = _GLOSSED.fullmatch(text.strip().rstrip(_TRAILING).strip())
    return (match["head"], match["gloss"]) if match else None


def wrong_accents(response: str, answers: Sequence[str], words: frozenset[str]) -> bool:
    """True when the response has the letters of an answer written with accents, but other
    accents: an answer without accents then does not forgive them (`nàng` is not `nặng`, though
    `nang` is)."""
    if not has_accents(response):
        return False
    bare = answer_key(response, words, strip_accents=True)
    return any(
        has_accents(answer)
        and answer_key(answer, words, strip_accents=True) == bare
        and answer_key(answer, words, strip_accents=False)
        != answer_key(response, words, strip_accents=False)
        for answer in answers
    )


def near_miss(response: str, answers: Sequence[str], words: frozenset[str]) -> str | None:
    """The accepted answer of which the response is a near miss, if any: within
    `near_miss_allowance` edits of its key, with the same numbers, and none of the edits on a
    fixed position of an answer with that key (`xvector` shares the `x` of `x-vector`)."""
    fixed: dict[tuple[bool, str], set[int]] = {}
    keyed = []
    misaccented = wrong_accents(response, answers, words)
    for answer in answers:
        loose = not has_accents(answer)
        if loose and misaccented:
            continue
        want = answer_key(answer, words, strip_accents=loose)
        fixed.setdefault((loose, want), set()).update(
            fixed_positions(answer, words, strip_accents=loose)
        )
        keyed.append((loose, want, answer))
    best: tuple[int, str] | None = None
    for loose, want, answer in keyed:
        got = answer_key(response, words, strip_accents=loose)
        if re.findall(r"-?\d+", got) != re.findall(r"-?\d+", want):
            continue  # another number or version is another answer, not a typo
        distance = edit_distance(got, want, fixed[loose, want])
        if distance <= near_miss_allowance(want) and (best is None or distance < best[0]):
            best = (distance, answer)
    return best[1] if best else None


def diff(response: str, expected: str) -> list[tuple[str, str]]:
    """Character spans of the response against the expected answer, for display.

    Each span is (`equal` | `wrong` | `missing`, text): `wrong` is typed but not expected,
    `missing` is expected but not typed. What the grader forgives (case, accents, separators
    between the parts of a name) is never marked."""
    spans: list[tuple[str, str]] = []
    matcher = difflib.SequenceMatcher(
        None, [_fold(c) for c in response], [_fold(c) for c in expected], autojunk=False
    )
    for op, i1, i2, j1, j2 in matcher.get_opcodes():
        typed, wanted = response[i1:i2], expected[j1:j2]
        if op == "equal":
            spans.append(("equal", typed))
            continue
        if typed:
            forgiven = _forgivable(typed) and not is_minus_sign(response, i1, i2)
            spans.append(("equal" if forgiven else "wrong", typed))
        if wanted and (not _forgivable(wanted) or is_minus_sign(expected, j1, j2)):
            spans.append(("missing", wanted))
    merged: list[tuple[str, str]] = []
    for kind, text in spans:
        if merged and merged[-1][0] == kind:
            merged[-1] = (kind, merged[-1][1] + text)
        else:
            merged.append((kind, text))
    return merged


def _fold(ch: str) -> str:
    if _SEPARATORS.fullmatch(ch.translate(_DASHES)):
        return " "
    return _without_accents(unicodedata.normalize("NFKC", ch).casefold())


def _forgivable(text: str) -> bool:
    return bool(_SEPARATORS.fullmatch(text)) or all(ch in _TRAILING for ch in text)
