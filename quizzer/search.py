"""The search language, modelled on Anki's: a query is parsed once into a tree of terms, then
matched against cards and their memory states.

    ctc "blank symbol"        words and phrases, in any text of the question
    deck:asr/ctc deck:asr*    a deck, every deck under a folder, `*` as a wildcard
    tag:metric type:cloze     a tag, a question type
    is:new is:learn is:review is:due is:suspended is:buried is:leech
    prop:ivl>=30 prop:r<0.8   properties: ivl, due, lapses, reps, s, r
    rated:7 rated:7:1         answered in the last 7 study days (rated Again: `:1`)
    cid:asr/ctc:blank-role    cards by id, several separated by commas
    -term  a or b  (a or b) c negation, or, grouping; terms side by side must all match

Pure: no store, no clock. The caller gives the moment, the calendar and, for `rated:`, the cards
answered since each cut-off (`Query.rated_terms` says which). docs/searching.md is the reference.
"""

from __future__ import annotations

import re
import unicodedata
import weakref
from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any, Protocol

from quizzer.errors import QuizzerError
from quizzer.state import CardPhase, CardState, recall_curve

if TYPE_CHECKING:
    from quizzer.clock import Calendar
    from quizzer.decks.cards import Card

DAY_MS = 86_400_000
QUESTION_TYPES = ("basic", "cloze", "choice", "typed", "numeric", "order")
STATES = ("new", "learn", "review", "due", "suspended", "buried", "leech")
PROPERTIES = ("ivl", "due", "lapses", "reps", "s", "r")
_OPERATORS = ("<=", ">=", "!=", "=", "<", ">")
MAX_QUERY = 2_000
"""The longest query read, in characters."""


class SearchError(QuizzerError):
    """A query that cannot be parsed; the message quotes it and names the column at fault."""

    def __init__(self, query: str, column: int, reason: str) -> None:
        self.column = column
        self.reason = reason
        super().__init__(f"query {query!r}, column {column}: {reason}")


# ---------------------------------------------------------------- the tree


class Node(Protocol):
    """A term of a parsed query."""

    def test(self, card: Card, state: CardState, ctx: Context) -> bool:
        """True when the card, in this state, matches."""
        ...


@dataclass(frozen=True, slots=True)
class And:
    """Every part matches (terms side by side, or `and`)."""

    parts: tuple[Node, ...]

    def test(self, card: Card, state: CardState, ctx: Context) -> bool:
        """All parts match."""
        for part in self.parts:  # noqa: SIM110 - a generator costs more than the tests
            if not part.test(card, state, ctx):
                return False
        return True


@dataclass(frozen=True, slots=True)
class Or:
    """At least one part matches (`a or b`)."""

    parts: tuple[Node, ...]

    def test(self, card: Card, state: CardState, ctx: Context) -> bool:
        """Any part matches."""
        for part in self.parts:  # noqa: SIM110
            if part.test(card, state, ctx):
                return True
        return False


@dataclass(frozen=True, slots=True)
class Not:
    """The term does not match (`-term`)."""

    part: Node

    def test(self, card: Card, state: CardState, ctx: Context) -> bool:
        """The part does not match."""
        return not self.part.test(card, state, ctx)


@dataclass(frozen=True, slots=True)
class Text:
    """A word or a quoted phrase, found in any text of the question (folded: no case, no
    accents); `*` stands for any run of characters, `_` for one."""

    pattern: str
    rx: re.Pattern[str] | None
    """The pattern with wildcards, else None: a plain substring test is faster."""

    def test(self, card: Card, state: CardState, ctx: Context) -> bool:
        """The folded text of the card's question contains the pattern."""
        question = card.question
        found = _FOLDED.get(id(question))
        text = found[1] if found is not None and found[0]() is question else folded_text(question)
        return self.pattern in text if self.rx is None else self.rx.search(text) is not None


@dataclass(frozen=True, slots=True)
class DeckTerm:
    """`deck:ID`: the deck, and every deck under it when it is a folder; `*` is a wildcard."""

    pattern: str
    rx: re.Pattern[str]
    seen: dict[str, bool] = field(default_factory=dict, compare=False, hash=False)
    """The answer for each deck id met so far."""

    def test(self, card: Card, state: CardState, ctx: Context) -> bool:
        """The card's deck is the named one or lies under it."""
        return self.names(card.deck_id)

    def names(self, deck: str) -> bool:
        """The deck is the named one or lies under it."""
        found = self.seen.get(deck)
        if found is None:
            parts = deck.split("/")
            found = self.seen[deck] = any(
                self.rx.match("/".join(parts[:n])) for n in range(1, len(parts) + 1)
            )
        return found


@dataclass(frozen=True, slots=True)
class TagTerm:
    """`tag:NAME`: the deck's or the question's tags hold it (`*` is a wildcard)."""

    pattern: str
    rx: re.Pattern[str]

    def test(self, card: Card, state: CardState, ctx: Context) -> bool:
        """One of the card's tags matches."""
        rx = self.rx
        return any(rx.match(t) for t in ctx.tags(card))


@dataclass(frozen=True, slots=True)
class TypeTerm:
    """`type:KIND`: the question type (basic, cloze, choice, typed, numeric, order)."""

    kind: str

    def test(self, card: Card, state: CardState, ctx: Context) -> bool:
        """The card's question is of this type."""
        return card.question.kind == self.kind


@dataclass(frozen=True, slots=True)
class IsTerm:
    """`is:STATE`, with Anki's meanings: `learn` and `review` both include relearning cards;
    `due` is a review card due by the end of the study day or a learning card due now."""

    what: str

    def test(self, card: Card, state: CardState, ctx: Context) -> bool:
        """The card is in this state now."""
        return _IS[self.what](state, ctx.now, ctx.day_end)


def _due(state: CardState, now: int, day_end: int) -> bool:
    phase = state.state
    if state.held_at(now) or state.due is None or phase == CardPhase.NEW:
        return False
    return state.due < day_end if phase == CardPhase.REVIEW else state.due <= now


_LEARNING = (CardPhase.LEARNING, CardPhase.RELEARNING)
_REVIEW = (CardPhase.REVIEW, CardPhase.RELEARNING)
_IS: dict[str, Callable[[CardState, int, int], bool]] = {
    "new": lambda s, now, end: s.state == CardPhase.NEW,
    "learn": lambda s, now, end: s.state in _LEARNING,
    "review": lambda s, now, end: s.state in _REVIEW,
    "suspended": lambda s, now, end: s.suspended,
    "buried": lambda s, now, end: s.buried_at(now),
    "leech": lambda s, now, end: s.leech,
    "due": _due,
}


@dataclass(frozen=True, slots=True)
class PropTerm:
    """`prop:NAME OP VALUE`: a number of the card's memory state compared with a value.
    ivl, s (stability) and due are in days (due counts from today: 0 today, 1 tomorrow); r is
    the predicted recall now (0 to 1). ivl, due, s and r never match a new card."""

    name: str
    op: str
    value: float

    def test(self, card: Card, state: CardState, ctx: Context) -> bool:
        """The property exists for this card and compares as asked."""
        value = ctx.prop(self.name, state)
        return value is not None and _COMPARE[self.op](value, self.value)


@dataclass(frozen=True, slots=True)
class RatedTerm:
    """`rated:N`: answered (reviewed or crammed) during the last N study days, today included;
    `rated:N:R`: answered with rating R (1 Again to 4 Easy) then."""

    days: int
    rating: int | None = None

    def test(self, card: Card, state: CardState, ctx: Context) -> bool:
        """The card was answered (with the rating) since the cut-off."""
        return card.id in ctx.rated.get((self.days, self.rating), ())


@dataclass(frozen=True, slots=True)
class CardIdTerm:
    ids: frozenset[str]

    def test(self, card: Card, state: CardState, ctx: Context) -> bool:
        return card.id in self.ids


class Everything:
    """The empty query: every card."""

    def test(self, card: Card, state: CardState, ctx: Context) -> bool:
        """Always true."""
        return True


_COMPARE: dict[str, Callable[[float, float], bool]] = {
    "<": lambda a, b: a < b,
    ">": lambda a, b: a > b,
    "<=": lambda a, b: a <= b,
    ">=": lambda a, b: a >= b,
    "=": lambda a, b: a == b,
    "!=": lambda a, b: a != b,
}


# ---------------------------------------------------------------- matching


@dataclass(slots=True)
class Context:
    """What matching needs besides a card and its state: the moment, the study day's end, the
    calendar that counts elapsed days, the FSRS parameters, the deck tags, and for `rated:N` and
    `rated:N:R` (keyed `(N, R or None)`) the ids of the cards answered so in the last N days."""

    now: int
    day_end: int
    calendar: Calendar
    parameters: tuple[float, ...]
    deck_tags: Mapping[str, Iterable[str]]
    rated: Mapping[tuple[int, int | None], frozenset[str]] = field(default_factory=dict)
    _tags: dict[int, frozenset[str]] = field(default_factory=dict)

    def tags(self, card: Card) -> frozenset[str]:
        """The card's tags, its deck's and its question's, folded."""
        key = id(card.question)
        found = self._tags.get(key)
        if found is None:
            tags = (*self.deck_tags.get(card.deck_id, ()), *card.question.tags)
            found = self._tags[key] = frozenset(t.casefold() for t in tags)
        return found

    def prop(self, name: str, state: CardState) -> float | None:
        """A property of a card's state now; None where it does not apply (a new card)."""
        if name == "lapses":
            return state.lapses
        if name == "reps":
            return state.reps
        if state.state == CardPhase.NEW or state.last_review is None:
            return None
        if name == "ivl":
            return None if state.due is None else (state.due - state.last_review) / DAY_MS
        if name == "due":
            if state.due is None:
                return None
            day = self.calendar.day_number
            return day(state.due) - day(self.now)
        if name == "s":
            return state.stability
        return self.recall(state)

    def recall(self, state: CardState) -> float | None:
        """Predicted recall now, after the study days elapsed since the last review (what the
        queue and the memory update count); None for a card never reviewed."""
        if not state.stability or state.last_review is None:
            return None
        decay, factor = recall_curve(self.parameters)
        elapsed = self.calendar.elapsed_days(state.last_review, self.now)
        return float((1 + factor * elapsed / state.stability) ** decay)


@dataclass(frozen=True, slots=True)
class Query:
    """A parsed query."""

    text: str
    root: Node

    @property
    def rated_terms(self) -> set[tuple[int, int | None]]:
        """(N, R or None) of every `rated:N[:R]` in the query: the caller looks up who was
        answered (so) since."""
        return {(n.days, n.rating) for n in _walk(self.root) if isinstance(n, RatedTerm)}

    def unknown_decks(self, deck_ids: Iterable[str]) -> list[str]:
        """The patterns of `deck:` terms that name none of the decks (or the folders above
        them) of `deck_ids`."""
        ids = list(deck_ids)
        terms = [n for n in _walk(self.root) if isinstance(n, DeckTerm)]
        return [t.pattern for t in terms if not any(map(t.names, ids))]

    def unknown_tags(self, tags: Callable[[], Iterable[str]]) -> list[str]:
        """The patterns of `tag:` terms that match none of the tags `tags()` gives (case folded;
        asked for only when the query has such a term)."""
        terms = [n for n in _walk(self.root) if isinstance(n, TagTerm)]
        known = list(tags()) if terms else []
        return [t.pattern for t in terms if not any(map(t.rx.match, known))]

    def matches(self, card: Card, state: CardState, ctx: Context) -> bool:
        """True when the card, in this state, matches the query."""
        return self.root.test(card, state, ctx)

    def filter(
        self, cards: Iterable[Card], states: Mapping[str, CardState], ctx: Context
    ) -> list[Card]:
        """The cards that match, in the order given (a card without a state is new)."""
        test, get, new = self.root.test, states.get, CardState("")
        return [c for c in cards if test(c, get(c.id) or new, ctx)]


def _walk(node: Node) -> Iterable[Node]:
    yield node
    if isinstance(node, And | Or):
        for part in node.parts:
            yield from _walk(part)
    elif isinstance(node, Not):
        yield from _walk(node.part)


_FOLDED: dict[int, tuple[weakref.ref[Any], str]] = {}
_FOLDED_MAX = 500_000


def folded_text(question: Any) -> str:
    """Every text of a question, folded, joined by newlines; kept while the question lives (its
    models are frozen), so that searching again as one types does not fold them again."""
    key = id(question)
    found = _FOLDED.get(key)
    if found is not None and found[0]() is question:
        return found[1]
    if len(_FOLDED) > _FOLDED_MAX:  # entries of questions gone since (decks reloaded)
        _FOLDED.clear()
    text = fold("\n".join(question_texts(question)))
    _FOLDED[key] = (weakref.ref(question), text)
    return text


def fold(text: str) -> str:
    """Text as searches compare it: case folded, accents dropped."""
    text = text.casefold()
    if text.isascii():
        return text
    return "".join(c for c in unicodedata.normalize("NFKD", text) if not unicodedata.combining(c))


_TEXT_FIELDS = ("prompt", "answer", "text", "unit", "explanation", "hint", "source")
_FIELDS_OF: dict[type, tuple[tuple[str, ...], tuple[str, ...], bool]] = {}


def question_texts(question: Any) -> list[str]:
    """Every text of a question: prompt, answer(s), cloze text, choices, items, unit,
    explanation, hint and source."""
    kind = type(question)
    names = _FIELDS_OF.get(kind)
    if names is None:
        fields = set(getattr(kind, "model_fields", ())) or set(vars(question))
        names = _FIELDS_OF[kind] = (
            tuple(n for n in _TEXT_FIELDS if n in fields),
            tuple(n for n in ("answers", "items") if n in fields),
            "choices" in fields,
        )
    single, lists, choices = names
    texts = [str(v) for n in single if (v := getattr(question, n)) is not None]
    for n in lists:
        texts += getattr(question, n)
    if choices:
        texts += [c.text for c in question.choices]
    return texts


def _wild(pattern: str, *, whole: bool) -> re.Pattern[str]:
    """A compiled regex of a search pattern: `*` any run, `_` one character (only in text
    terms); anchored at both ends when `whole`."""
    body = "".join(
        ".*" if ch == "*" else "." if ch == "_" and not whole else re.escape(ch) for ch in pattern
    )
    return re.compile(f"(?:{body})\\Z" if whole else body, re.IGNORECASE | re.DOTALL)


# ---------------------------------------------------------------- parsing


@dataclass(frozen=True, slots=True)
class _Token:
    kind: str  # "(", ")", "or", "and", "-", "term"
    text: str
    column: int  # 1-based
    field: bool = False
    """A `name:value` term: its first `:` comes before any quote (`"deck:asr"` is a phrase)."""


def _tokens(query: str) -> list[_Token]:
    tokens: list[_Token] = []
    i, n = 0, len(query)
    while i < n:
        ch = query[i]
        if ch.isspace():
            i += 1
            continue
        if ch in "()":
            tokens.append(_Token(ch, ch, i + 1))
            i += 1
            continue
        if ch == "-" and i + 1 < n and not query[i + 1].isspace():
            tokens.append(_Token("-", ch, i + 1))
            i += 1
            continue
        start = i
        text = []
        while i < n and not query[i].isspace() and query[i] not in "()":
            if query[i] == '"':
                end = query.find('"', i + 1)
                if end < 0:
                    raise SearchError(query, i + 1, 'this quote is never closed: add a "')
                text.append(query[i + 1 : end])
                i = end + 1
            else:
                text.append(query[i])
                i += 1
        word = "".join(text)
        raw = query[start:i]
        quote, colon = raw.find('"'), raw.find(":")
        kind = "term"
        if quote < 0 and word.lower() in ("or", "and"):
            kind = word.lower()
        field = colon >= 0 and (quote < 0 or colon < quote)
        tokens.append(_Token(kind, word, start + 1, field))
    return tokens


class _Parser:
    def __init__(self, query: str) -> None:
        self.query = query
        self.tokens = _tokens(query)
        self.pos = 0

    def fail(self, column: int, reason: str) -> SearchError:
        return SearchError(self.query, column, reason)

    def peek(self) -> _Token | None:
        return self.tokens[self.pos] if self.pos < len(self.tokens) else None

    def parse(self) -> Node:
        if not self.tokens:
            return Everything()
        node = self.or_expr()
        token = self.peek()
        if token is not None:  # only a stray ")" stops the top level
            raise self.fail(token.column, "this ')' closes nothing")
        return node

    def or_expr(self) -> Node:
        parts = [self.and_expr()]
        while (token := self.peek()) is not None and token.kind == "or":
            self.pos += 1
            parts.append(self.and_expr())
        return parts[0] if len(parts) == 1 else Or(tuple(parts))

    def and_expr(self) -> Node:
        parts = [self.unary()]
        while (token := self.peek()) is not None and token.kind not in ("or", ")"):
            if token.kind == "and":
                self.pos += 1
            parts.append(self.unary())
        return parts[0] if len(parts) == 1 else And(tuple(parts))

    def unary(self) -> Node:
        token = self.peek()
        if token is None:
            raise self.fail(len(self.query) + 1, "the query ends where a term was expected")
        self.pos += 1
        if token.kind == "-":
            return Not(self.unary())
        if token.kind == "(":
            if (inner := self.peek()) is not None and inner.kind == ")":
                raise self.fail(inner.column, "empty parentheses")
            node = self.or_expr()
            close = self.peek()
            if close is None or close.kind != ")":
                raise self.fail(token.column, "this '(' is never closed: add a ')'")
            self.pos += 1
            return node
        if token.kind in ("or", "and", ")"):
            raise self.fail(token.column, f"{token.text!r} needs a term before it")
        return self.term(token)

    def term(self, token: _Token) -> Node:
        text = token.text
        key, _, value = text.partition(":")
        key = key.lower()
        unknown = key not in _FIELDS and key.isascii() and key.isalpha()
        if token.field and unknown and not value.startswith("//"):  # a web address is text
            # an Anki term quizzer lacks (`added:7`, `flag:1`) would otherwise find nothing
            raise self.fail(
                token.column,
                f"unknown search term '{key}:': use deck:, tag:, type:, is:, prop:, rated: or "
                f'cid:, or quotes to search the text ("{text}")',
            )
        if not token.field or key not in _FIELDS:
            if not text:
                raise self.fail(token.column, "empty phrase")
            folded = fold(text)
            wild = "*" in folded or "_" in folded
            return Text(folded, _wild(folded, whole=False) if wild else None)
        column = token.column + len(key) + 1
        if not value:
            raise self.fail(column, f"{key}: needs a value")
        return _FIELDS[key](self, value, column)


def _deck(p: _Parser, value: str, column: int) -> Node:
    pattern = value.lower().rstrip("/")
    return DeckTerm(pattern, _wild(pattern, whole=True))


def _tag(p: _Parser, value: str, column: int) -> Node:
    return TagTerm(value.casefold(), _wild(value.casefold(), whole=True))


def _type(p: _Parser, value: str, column: int) -> Node:
    kind = value.lower()
    if kind not in QUESTION_TYPES:
        raise p.fail(column, f"unknown type {value!r}: use {', '.join(QUESTION_TYPES)}")
    return TypeTerm(kind)


def _is(p: _Parser, value: str, column: int) -> Node:
    what = value.lower()
    if what not in STATES:
        raise p.fail(column, f"unknown is:{value}: use {', '.join(STATES)}")
    return IsTerm(what)


_PROP = re.compile(r"([a-z]+)(<=|>=|!=|=|<|>)(.*)\Z")


def _prop(p: _Parser, value: str, column: int) -> Node:
    m = _PROP.match(value.lower())
    if m is None:
        raise p.fail(column, "write prop:NAME OP NUMBER, e.g. prop:ivl>=30")
    name, op, number = m.groups()
    if name not in PROPERTIES:
        raise p.fail(column, f"unknown property {name!r}: use {', '.join(PROPERTIES)}")
    try:
        amount = float(number)
    except ValueError:
        amount = float("nan")
    if amount != amount or amount in (float("inf"), float("-inf")):
        raise p.fail(column + m.start(3), f"{number!r} is not a number")
    return PropTerm(name, op, amount)


def _rated(p: _Parser, value: str, column: int) -> Node:
    days, colon, rating = value.partition(":")
    if not days.isdigit() or not 1 <= int(days) <= 36_500:
        raise p.fail(column, f"rated:{value}: give a number of days from 1 to 36500")
    if not colon:
        return RatedTerm(int(days))
    if rating not in ("1", "2", "3", "4"):
        raise p.fail(
            column, f"rated:{value}: give a rating from 1 (Again) to 4 (Easy) after the days"
        )
    return RatedTerm(int(days), int(rating))


def _cid(p: _Parser, value: str, column: int) -> Node:
    ids = frozenset(v for v in value.split(",") if v)
    if not ids:
        raise p.fail(column, "cid: needs card ids, separated by commas")
    return CardIdTerm(ids)


_FIELDS: dict[str, Callable[[_Parser, str, int], Node]] = {
    "cid": _cid,
    "deck": _deck,
    "tag": _tag,
    "type": _type,
    "is": _is,
    "prop": _prop,
    "rated": _rated,
}


def parse(query: str) -> Query:
    """Parse a query; raise SearchError (one line, with the column at fault) when it is not
    one. The empty query matches every card."""
    if len(query) > MAX_QUERY:
        raise SearchError(query[:40] + "...", MAX_QUERY + 1, f"longer than {MAX_QUERY} characters")
    return Query(query, _Parser(query).parse())


def rated_cutoff(days: int, today_start: int, calendar: Calendar) -> int:
    """The moment (UTC ms) `rated:days` counts from: the start of the study day `days - 1`
    days before today (whose start is `today_start`)."""
    from datetime import timedelta

    from quizzer.clock import day_start, from_ms, study_day, to_ms

    today = study_day(from_ms(today_start), calendar.zone, calendar.day_starts_at)
    start = day_start(today - timedelta(days=days - 1), calendar.zone, calendar.day_starts_at)
    return to_ms(start)
