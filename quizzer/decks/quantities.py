"""Numbers as people type them: digit grouping, scale words, units, ratio signs; and the rules of
what a grader forgives, read from `forgiven.toml` beside this module.

A quantity is compared in its dimension's base unit, so `0.08 s` equals `80 ms` and `16 kHz` equals
`16000 Hz`. Units the tables do not know (`dB`, `BLEU`, `mel channels`) are taken as names: the
learner may write them or leave them out.
"""

from __future__ import annotations

import functools
import re
import tomllib
import unicodedata
from collections.abc import Collection, Iterable
from dataclasses import dataclass, replace
from pathlib import Path

RULES_FILE = Path(__file__).with_name("forgiven.toml")


class QuantityError(ValueError):
    """Text that cannot be read as a number (of the expected unit)."""


@dataclass(frozen=True, slots=True)
class Rules:
    """The forgiveness tables of `forgiven.toml`."""

    articles: frozenset[str]
    implied_nouns: frozenset[str]
    ratio_signs: frozenset[str]
    comparatives: frozenset[str]
    spellings: dict[str, str]
    """British word endings and their American spelling (`ise`: `ize`)."""
    hedges: frozenset[str]
    bounds: tuple[frozenset[str], ...]
    """Each side's bound words (`over`, `more than`, `+`; `up to`, `under`)."""
    short_forms: dict[str, str]
    prefixed: frozenset[str]
    """The dimensions whose units take the scale words as prefixes (`16k` for 16 kHz)."""
    scales: dict[str, float]
    ones: tuple[str, ...]
    """The numbers 0 to 19 in words, in order."""
    tens: tuple[str, ...]
    """20, 30 ... 90 in words, in order."""
    units: dict[str, tuple[str, float]]
    """Unit name (case-folded, singular) to its dimension and its size in the base unit."""


@functools.cache
def rules() -> Rules:
    """The forgiveness rules, read once."""
    data = tomllib.loads(RULES_FILE.read_text(encoding="utf-8"))
    units = {
        name.casefold(): (dimension, float(size))
        for dimension, table in data["units"].items()
        for name, size in table.items()
    }
    return Rules(
        articles=frozenset(data["articles"]),
        implied_nouns=frozenset(data["implied_nouns"]),
        ratio_signs=frozenset(data["ratio_signs"]),
        comparatives=frozenset(data["comparatives"]),
        spellings=dict(data["spellings"]),
        hedges=frozenset(data["hedges"]),
        bounds=tuple(frozenset(side) for side in data["bounds"].values()),
        short_forms=dict(data["short_forms"]),
        prefixed=frozenset(data["prefixed"]),
        scales={k.casefold(): float(v) for k, v in data["scales"].items()},
        ones=tuple(data["spelt_numbers"]["ones"]),
        tens=tuple(data["spelt_numbers"]["tens"]),
        units=units,
    )


@dataclass(frozen=True, slots=True)
class Unit:
    """A unit: its name as written, its dimension (`count`, `ratio`, a table of `forgiven.toml`,
    or empty for a unit known only by name) and its size in the dimension's base unit."""

    name: str
    dimension: str
    size: float = 1.0

    def same(self, other: Unit) -> bool:
        """True for the same dimension (or the same name, for units known only by name)."""
        if self.dimension or other.dimension:
            return self.dimension == other.dimension
        return _key(self.name) == _key(other.name)


RATIO = Unit("x", "ratio")


@dataclass(frozen=True, slots=True)
class Quantity:
    """A number with the unit it was written in (None: no unit written)."""

    value: float
    unit: Unit | None
    scaled: bool = False
    """Written with a scale word (`65M`, `680 thousand`): a plain count."""
    also: float | None = None
    """The value the digits mean when their dot groups thousands, as in much of Europe:
    `680.000` is 680, or 680000."""

    @property
    def readings(self) -> tuple[Quantity, ...]:
        """The quantity, and the other it may be (`680.000`: 680 or 680000)."""
        return (self,) if self.also is None else (self, replace(self, value=self.also, also=None))

    def base(self, default: Unit | None) -> float:
        """The value in its dimension's base unit; a bare number is taken in `default`, but a
        count with a scale word in the dimension's first unit where units take the scale words
        as prefixes (`64k` is 64000 bit/s for a question in kbit/s)."""
        unit = self.unit or default
        if self.unit is None and self.scaled and unit and unit.dimension in rules().prefixed:
            return self.value
        return self.value * (unit.size if unit else 1.0)


def _key(word: str) -> str:
    word = word.casefold().strip().rstrip(".")
    return word


def _singular(word: str) -> str:
    return word[:-1] if len(word) > 2 and word.endswith("s") and not word.endswith("ss") else word


def american(text: str) -> str:
    """Case-folded text with British spellings written the American way (`spellings`), so that
    both compare alike: `generalised` is `generalized`."""
    return _british().sub(lambda m: rules().spellings[m["ending"]] + m["plural"], text.casefold())


@functools.cache
def _british() -> re.Pattern[str]:
    endings = "|".join(sorted(rules().spellings, key=len, reverse=True))
    return re.compile(rf"(?<=[^\W\d_]{{2}})(?P<ending>{endings})(?P<plural>s?)(?![^\W_])")


def prompt_words(prompt: str) -> frozenset[str]:
    """The words a learner may add around an answer to this prompt: the implied nouns and the
    comparatives that the prompt itself uses, and the bound words of each side of which it asks
    with one (`over`, `more than` and `+` for "over how many?")."""
    used = {american(w) for w in word_set(prompt)}
    words = {w for w, forms in _addable().items() if not forms.isdisjoint(used)}
    folded = " ".join(re.findall(r"[^\W_]+", unicodedata.normalize("NFKC", prompt).casefold()))
    for side, asking in zip(rules().bounds, _asking(), strict=True):
        if asking.search(folded):
            words |= side
    return frozenset(words)


@functools.cache
def _addable() -> dict[str, frozenset[str]]:
    """Each implied noun and comparative, with the forms in which a prompt uses it."""
    r = rules()
    return {
        w: frozenset({american(w), american(_singular(w))})
        for w in r.implied_nouns | r.comparatives
    }


@functools.cache
def _asking() -> tuple[re.Pattern[str], ...]:
    """For each side of the bounds, its words asking for a number (`over how`, `up to what`)."""
    return tuple(
        re.compile(rf"(?<!\w)(?:{'|'.join(re.escape(w) for w in side)}) (?:how|what)\b")
        for side in rules().bounds
    )


def counted_words(prompt: str) -> frozenset[str]:
    """The words of a prompt that may follow a number answering it when the answer has no unit:
    what it counts (`512 samples` for "How many samples per hop?"). Words that name a unit, a
    scale or a ratio keep their meaning, and are left out."""
    return frozenset(
        w
        for w in word_set(prompt)
        if not w[:1].isdigit() and known_unit(w) is None and _scale(w) is None
    )


def word_set(text: str) -> frozenset[str]:
    """The words of a text, case-folded, each also in its singular form (for `implied` checks)."""
    words = re.findall(r"[^\W_]+", unicodedata.normalize("NFKC", text).casefold())
    return frozenset(words) | frozenset(_singular(w) for w in words)


_PER_SECOND = re.compile(r"[^\W\d_][\w-]*(?: [^\W\d_][\w-]*)?(?: ?/ ?| per )(?:s|sec|second)")


def known_unit(text: str) -> Unit | None:
    """The unit a word names, by the tables (`ms`, `kHz`, `hours`), or None. Something per
    second (`tokens/s`, `frames per second`) is a frequency."""
    key = _key(text)
    table = rules().units
    for candidate in (key, _singular(key)):
        if candidate in table:
            dimension, size = table[candidate]
            return Unit(text.strip(), dimension, size)
    if key in rules().ratio_signs:
        return RATIO
    if _PER_SECOND.fullmatch(" ".join(key.split())):
        return Unit(text.strip(), "frequency", 1.0)
    return None


def _scale(word: str) -> float | None:
    return rules().scales.get(_key(word))


def question_unit(text: str | None) -> tuple[Unit | None, frozenset[str]]:
    """How a question's `unit` reads: the unit, and the descriptive words around it that a learner
    may write or leave out (`M parameters`: the count scale M, and `parameters`)."""
    if not text or not text.strip():
        return None, frozenset()
    tokens = _tokens(text)
    for i, token in enumerate(tokens):
        unit = known_unit(token)
        scale = _scale(token)
        if unit is None and scale is not None and (len(token) > 1 or token.isupper()):
            unit = Unit(token, "count", scale)
        if unit is not None:
            return unit, frozenset(_key(t) for j, t in enumerate(tokens) if j != i)
    return Unit(text.strip(), ""), frozenset(_key(t) for t in tokens)


def _tokens(text: str) -> list[str]:
    text = text.strip().lstrip("-")
    if not text:
        return []
    if known_unit(text) is not None:
        return [text]
    return [t for t in re.split(r"[\s-]+", text) if t]


_NUMBER = re.compile(
    r"\s*(?P<num>[-+−]?(?:\d{1,3}(?:[,  _']\d{3})+|\d+)?(?:\.\d+)?(?:e[-+]?\d+)?)"
    r"(?:\s*/\s*(?P<over>\d+(?:\.\d+)?)(?![\d.,]))?(?P<rest>.*)",
    re.IGNORECASE | re.DOTALL,
)
_POWER_OF_TEN = re.compile(
    r"(?:(?P<times>[-+−]?[\d.,  _']*\d)\s*[x×*·]\s*)?10\s*\^\s*(?P<power>[-+−]?\d+)(?P<rest>.*)",
    re.IGNORECASE | re.DOTALL,
)
_DOT_GROUPS = re.compile(
    r"(?P<whole>[-+−]?[1-9]\d{0,2}(?P<by>[.   '])\d{3}(?:(?P=by)\d{3})*)(?:,(?P<fraction>\d+))?"
    r"(?![\d.,'e])",
    re.IGNORECASE,
)
_SUPERSCRIPT = re.compile(r"(?<=\d)[⁻⁺]?[⁰¹²³⁴⁵⁶⁷⁸⁹]+")
_SUPERSCRIPTS = str.maketrans("⁰¹²³⁴⁵⁶⁷⁸⁹⁻⁺", "0123456789-+")


_DECIMAL_COMMA = re.compile(r"[-+−]?\d+,(?!\d{3}(?!\d))\d+(?![\d,.])")


def read_quantity(
    text: str,
    unit: Unit | None = None,
    words: Collection[str] = (),
    *,
    any_name: bool = False,
) -> Quantity:
    """Read a number as people write it, with what follows it.

    `680000`, `680,000`, `680 000`, `680k`, `6.8e5`, `0.68 million`, `80ms`, `0.08 s`, `2.8x`,
    `2.8 times`, `about 680k`, `~93 ms`, `6.8 × 10^5`, `10⁶`, `5/4`. `unit` is the unit the
    question asks in: a word that names it (`m` for metres) is that unit rather than a scale.
    `words` may follow the number and are ignored (a unit's descriptive words, nouns the prompt
    uses); the bound words among them may come before it (`over`, `up to`), or `+` after it.
    With `any_name`, words after the number that name no known unit are taken as a unit known by
    name (`512 samples`). Raise QuantityError when it is no such number."""
    text = _SUPERSCRIPT.sub(lambda m: "^" + m.group().translate(_SUPERSCRIPTS), text)
    shown = unicodedata.normalize("NFKC", text).strip()
    text = shown.rstrip(".,;!?").strip()
    asked = [side for side in rules().bounds if all(w in words for w in side)]
    text = _digits(_unhedged(text, frozenset().union(*asked)))
    if power := _POWER_OF_TEN.fullmatch(text):
        exponent = power["power"].replace("−", "-")
        text = f"{power['times'] or '1'}e{exponent}{power['rest']}"
    text, dotted = _european(text)
    if _DECIMAL_COMMA.match(text):
        text = text.replace(",", ".", 1)
    match = _NUMBER.fullmatch(text)
    if not match or not re.search(r"\d", match.group("num")):
        raise QuantityError(f"{shown!r} is not a number")
    number = match.group("num").replace("−", "-")
    number = re.sub(r"(?<=\d)[,  _'](?=\d{3})", "", number)
    try:
        over = float(match.group("over") or 1)
        value = float(number) / over
        also = float(number.replace(".", "")) / over if dotted else None
    except (ValueError, ZeroDivisionError):
        raise QuantityError(f"{shown!r} is not a number") from None
    rest = _tokens(match.group("rest"))
    if number.endswith(".") or (rest and rest[0][:1].isdigit()):
        raise QuantityError(f"{shown!r} is not a number")
    ignored = {_word(w) for w in words}
    written: Unit | None = None
    remaining = [t for t in rest if _word(t) not in ignored]
    scaled = bool(remaining) and _scale(remaining[0]) is not None and not _names(unit, remaining[0])
    if scaled and unit is not None and unit.dimension:  # `B` is a byte for a size
        scaled = getattr(known_unit(remaining[0]), "dimension", None) != unit.dimension
    if scaled:
        scale = _scale(remaining.pop(0)) or 1.0
        value *= scale
        also = None if also is None else also * scale
    if remaining:
        phrase = " ".join(remaining)
        written = unit if unit is not None and _names(unit, phrase) else known_unit(phrase)
        if written is None and any_name and re.fullmatch(r"[^\W\d][\w/ -]*", phrase):
            written = Unit(phrase, "")
        if written is None:
            raise QuantityError(
                f"could not read {shown!r} as a number" + (f" of {unit.name}" if unit else "")
            )
    return Quantity(value, written, scaled, also)


def _digits(text: str) -> str:
    """The text with a number spelt out in words at its start written in digits: `eighty` is
    `80`, `twenty-five ms` is `25 ms`, `three hundred and twelve` is `312` (a scale word after
    it, as in `six hundred eighty thousand`, is read as it is after digits)."""
    words = list(re.finditer(r"[^\s-]+", text))
    first = _below(words, 0)
    if first is None:
        return text
    value, k = first
    if 0 < value < 10 and _is(words, k, "hundred"):
        value, k = value * 100, k + 1
        k += _is(words, k, "and")
        if (rest := _below(words, k)) is not None:
            value, k = value + rest[0], rest[1]
    return f"{value}{text[words[k - 1].end() :]}"


def _is(words: list[re.Match[str]], k: int, word: str) -> bool:
    return k < len(words) and words[k].group().casefold() == word


def _below(words: list[re.Match[str]], k: int) -> tuple[int, int] | None:
    """0 to 99 written in one or two of `words` from the k-th (`seven`, `forty`, `forty two`),
    and the index of the word after it; None when none is written there."""
    ones, tens = rules().ones, rules().tens
    first = words[k].group().casefold() if k < len(words) else ""
    if first in ones:
        return ones.index(first), k + 1
    if first not in tens:
        return None
    value = 20 + 10 * tens.index(first)
    second = words[k + 1].group().casefold() if k + 1 < len(words) else ""
    if second in ones[1:10]:
        return value + ones.index(second), k + 2
    return value, k + 1


def _word(word: str) -> str:
    """A word as compared with the words that may follow a number: case-folded, singular, and
    written out (`params` is `parameter`)."""
    singular = _singular(_key(word))
    return rules().short_forms.get(singular, singular)


def _european(text: str) -> tuple[str, bool]:
    """The text with a number written with a decimal comma after digits grouped by dots, spaces
    or apostrophes (`1.234,5`), or with two dot groups or more (`1.920.000`), written the English
    way; and whether its one dot may group thousands (`680.000`)."""
    grouped = _DOT_GROUPS.match(text)
    if grouped is None:
        return text, False
    whole, fraction, rest = grouped["whole"], grouped["fraction"], text[grouped.end() :]
    digits = re.sub(r"[.   ']", "", whole)
    if fraction is not None:
        return f"{digits}.{fraction}{rest}", False
    if whole.count(".") > 1:
        return digits + rest, False
    return text, "." in whole


def _unhedged(text: str, bounds: frozenset[str]) -> str:
    """The text without the hedges before its number (`about`, `~`), nor the `bounds` allowed
    (`over`, `up to` before it, `+` after it)."""
    text = _hedges(bounds).sub("", text)
    if "+" in bounds:
        text = re.sub(r"(?<=[^\s+])\+(?=\s|$)", "", text, count=1)
    return text


@functools.cache
def _hedges(bounds: frozenset[str]) -> re.Pattern[str]:
    words = sorted(rules().hedges | bounds - {"+"}, key=len, reverse=True)
    either = "|".join(re.escape(w) + (r"(?!\w)" if w[-1].isalnum() else "") for w in words)
    return re.compile(rf"^(?:(?:{either})\s*)+", re.IGNORECASE)


def _names(unit: Unit | None, phrase: str) -> bool:
    """True when `phrase` names `unit` itself (`hour` for `hours`)."""
    if unit is None:
        return False
    a, b = _key(phrase), _key(unit.name)
    return a == b or _singular(a) == _singular(b)


def interpretations(quantity: Quantity, unit: Unit | None) -> Iterable[float]:
    """The base values a response can mean for a question in `unit`: a bare number is in that
    unit, and also a plain count when the unit is a count scale (`65000000` for `65 million`);
    `680.000` is read both ways, and a percentage is a fraction for a question without unit."""
    counted = unit is not None and unit.dimension == "count"
    for reading in quantity.readings:
        if unit is None and reading.unit is not None and reading.unit.dimension == "percent":
            yield reading.base(None) / 100
            continue
        if reading.unit is None and counted and reading.scaled:
            yield reading.value
            continue
        yield reading.base(unit)
        if reading.unit is None and counted:
            yield reading.value


def compatible(written: Unit | None, unit: Unit | None) -> bool:
    """May a number written in `written` answer a question in `unit`?"""
    if written is None:
        return True
    if unit is None:
        return written.dimension in {"ratio", "percent"}
    return written.same(unit)
