"""Validated decks as plain JSON data, for the deck cache, and back.

The cache folder is only as trustworthy as anything else the user can write to, so its files are
data that cannot run code (JSON, never pickle), and what comes back is checked against the deck
models' fields before it is used: every key present and no other, every value of its type (text
non-empty, numbers finite; control characters are looked for in the whole file at once), then the
models' own checks (ids well formed, cloze texts that parse, enough choices). The checks are
compiled once per model from its annotations without building pydantic's validators, which keeps
a start from the cache fast. Anything that fails is `StoredError`, and the deck is validated
again from its file.
"""

from __future__ import annotations

import functools
import math
import re
import types
from collections.abc import Callable
from typing import Annotated, Any, Literal, Union, get_args, get_origin

from pydantic import BaseModel, BeforeValidator
from pydantic_core import PydanticCustomError

from quizzer.decks.models import Deck, QuestionBase, Text


class StoredError(ValueError):
    """Stored data that does not describe a valid deck."""


def dump_deck(deck: Deck) -> dict[str, Any]:
    """The deck as JSON-ready data, every field included."""
    return deck.model_dump(mode="json")


def load_deck(data: Any) -> Deck:
    """The deck stored by `dump_deck`, checked but not validated again; StoredError if wrong."""
    deck = _checker(Deck)(data)
    assert isinstance(deck, Deck)
    return deck


def load_question(data: Any) -> QuestionBase:
    """One question of a deck stored by `dump_deck`, checked as `load_deck` checks it."""
    question = _checker(get_args(Deck.model_fields["questions"].annotation)[0])(data)
    assert isinstance(question, QuestionBase)
    return question


def _fail(value: Any) -> Any:
    raise StoredError(f"unexpected {type(value).__name__}")


def _text(value: Any) -> str:
    # control characters are looked for in the whole file at once (`has_controls`)
    return value if type(value) is str and value else _fail(value)


_ESCAPES = re.compile(r"\\(?:\\|u00[01][0-9a-fA-F]|u007[fF]|u00[89][0-9a-fA-F]|[bfr])")
"""In JSON text: an escaped backslash, or an escaped control character."""
_RAW = re.compile(r"[\x7f-\x9f]")
"""DEL and the C1 controls, which JSON leaves unescaped."""


def has_controls(json_text: str) -> bool:
    """True when JSON text holds a control character other than tab and newline in a string
    (the loader replaces them all, so a cache file holding one was not written by quizzer)."""
    if ("\x7f" in json_text or not json_text.isascii()) and _RAW.search(json_text):
        return True
    if "\\" not in json_text:
        return False
    return any(m.group() != "\\\\" for m in _ESCAPES.finditer(json_text))


def _optional_text(value: Any) -> str | None:
    return None if value is None else _text(value)


def _texts(value: Any) -> list[str]:
    if type(value) is not list or not all(type(v) is str and v for v in value):
        _fail(value)
    return list(value)


def _bool(value: Any) -> bool:
    return value if type(value) is bool else _fail(value)


def _number(value: Any) -> float:
    try:
        if type(value) not in (int, float) or not math.isfinite(value):
            _fail(value)
    except OverflowError:  # an int too large for a float
        _fail(value)
    number: float = value
    return number


@functools.cache
def _checker(annotation: Any) -> Callable[[Any], Any]:
    """A function that returns the value (models built) when it fits `annotation`."""
    origin = get_origin(annotation)
    if origin is Annotated:
        base, *metadata = get_args(annotation)
        return _with_metadata(_checker(base), metadata)
    if annotation is str:
        return _text
    if annotation is bool:
        return _bool
    if annotation is float:
        return _number
    if origin is Literal:
        allowed = get_args(annotation)
        return lambda v: v if type(v) is str and v in allowed else _fail(v)
    if origin is list:
        item = _checker(get_args(annotation)[0])
        if item is _text:
            return _texts
        return lambda v: [item(x) for x in v] if type(v) is list else _fail(v)
    if origin in (Union, types.UnionType):
        return _union(get_args(annotation))
    if isinstance(annotation, type) and issubclass(annotation, BaseModel):
        return _model(annotation)
    raise TypeError(f"no stored form for {annotation!r}")  # pragma: no cover - a new field type


def _with_metadata(check: Callable[[Any], Any], metadata: list[Any]) -> Callable[[Any], Any]:
    """`check`, then the field's own validators (BeforeValidator functions, minimum lengths)."""
    steps: list[Callable[[Any], Any]] = []
    for item in metadata:
        if item is _TEXT:
            continue  # what it ensures is checked by `_text` and `has_controls`, faster
        if isinstance(item, BeforeValidator):
            steps.append(item.func)  # type: ignore[arg-type]
        elif isinstance(getattr(item, "min_length", None), int):
            steps.append(functools.partial(_at_least, item.min_length))
    if not steps:
        return check

    def checked(value: Any) -> Any:
        value = check(value)
        for step in steps:
            value = step(value)
        return value

    return checked


_TEXT = get_args(Text)[1]


def _at_least(least: int, value: Any) -> Any:
    return value if len(value) >= least else _fail(value)


def _union(arms: tuple[Any, ...]) -> Callable[[Any], Any]:
    models = [a for a in arms if isinstance(a, type) and issubclass(a, BaseModel)]
    if models and len(models) == len(arms):  # the question types, told apart by `type`
        by_type = {get_args(m.model_fields["type"].annotation)[0]: _checker(m) for m in models}

        def tagged(value: Any) -> Any:
            build = by_type.get(value.get("type")) if type(value) is dict else None
            return build(value) if build is not None else _fail(value)

        return tagged
    optional = type(None) in arms
    checks = [_checker(a) for a in arms if a is not type(None)]
    if optional and checks == [_text]:
        return _optional_text

    def either(value: Any) -> Any:
        if value is None and optional:
            return None
        for check in checks:
            try:
                return check(value)
            except StoredError:
                pass
        return _fail(value)

    return either


def _model(model: type[BaseModel]) -> Callable[[Any], Any]:
    """Build `model` from stored data. Fields of the common plain kinds are checked in loops
    without a call per value (this runs for every question at every start)."""
    checks = {
        name: _with_metadata(
            _with_metadata(_checker(info.annotation), info.metadata),  # type: ignore[arg-type]
            [BeforeValidator(d.func) for d in _validators(model, name)],
        )
        for name, info in model.model_fields.items()
    }
    names = set(checks)
    texts = [n for n, c in checks.items() if c is _text]
    optional = [n for n, c in checks.items() if c is _optional_text]
    flags = [n for n, c in checks.items() if c is _bool]
    rest = [(n, c) for n, c in checks.items() if c not in (_text, _optional_text, _bool)]
    new, setattr_ = model.__new__, object.__setattr__

    def build(value: Any) -> Any:
        if type(value) is not dict or value.keys() != names:
            return _fail(value)
        for name in texts:
            v = value[name]
            if type(v) is not str or not v:
                _fail(v)
        for name in optional:
            v = value[name]
            if v is not None and (type(v) is not str or not v):
                _fail(v)
        for name in flags:
            if type(value[name]) is not bool:
                _fail(value[name])
        values = dict(value)
        try:
            for name, check in rest:
                values[name] = check(value[name])
        except (PydanticCustomError, ValueError, TypeError) as exc:
            raise StoredError(str(exc)) from None
        made = new(model)
        # what unpickling a pydantic model does (`BaseModel.__setstate__`): set the fields
        # without validating them
        setattr_(made, "__dict__", values)
        setattr_(made, "__pydantic_fields_set__", names)
        setattr_(made, "__pydantic_extra__", None)
        setattr_(made, "__pydantic_private__", None)
        return made

    return build


def _validators(model: type[BaseModel], name: str) -> list[Any]:
    """The model's own field validators of one field (e.g. a cloze text must parse)."""
    found = model.__pydantic_decorators__.field_validators.values()
    return [d for d in found if name in d.info.fields]
