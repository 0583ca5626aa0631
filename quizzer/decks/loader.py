"""Load and validate deck files, reporting every problem as `path:line:column: message`.

YAML is composed into nodes (safe: no tag builds a Python object) and turned into plain data by
hand, so that duplicate keys, aliases and foreign tags are caught; then the pydantic models
validate it. Each validation error is traced back to the node it concerns, which gives its line and
column.
"""

from __future__ import annotations

import difflib
import functools
import re
from collections.abc import Iterable
from pathlib import Path
from typing import Any

import yaml
from pydantic import TypeAdapter, ValidationError

from quizzer.decks.cards import expand
from quizzer.decks.files import DECK_SUFFIX, deck_id_for, find_deck_files
from quizzer.decks.loaded import LoadedDeck, Problem
from quizzer.decks.models import QUESTION_TYPES, Choice, Deck, QuestionBase
from quizzer.files import DECK_LIMIT, read_regular
from quizzer.terminal import CONTROL

try:  # the C parser is several times faster; fall back to pure Python where it is missing
    from yaml import CSafeLoader as _Parser
except ImportError:  # pragma: no cover - depends on how PyYAML was built
    from yaml import SafeLoader as _Parser  # type: ignore[assignment]

YamlLoader = _Parser
"""What every deck file is read with, lint's warnings included: PyYAML's C parser where it was
built, else its pure Python one (the same nodes, with the same marks)."""

DECK_NAME = re.compile(r"[a-z0-9][a-z0-9_-]*\Z")
_STANDARD_TAGS = {
    "tag:yaml.org,2002:str",
    "tag:yaml.org,2002:int",
    "tag:yaml.org,2002:float",
    "tag:yaml.org,2002:bool",
    "tag:yaml.org,2002:null",
    "tag:yaml.org,2002:timestamp",
    "tag:yaml.org,2002:seq",
    "tag:yaml.org,2002:map",
}
_constructor = yaml.constructor.SafeConstructor()


@functools.cache
def _deck_adapter() -> TypeAdapter[Deck]:
    """The deck validator, built on first use: a start that only reads cached decks skips it."""
    return TypeAdapter(Deck)


__all__ = [
    "DECK_SUFFIX",
    "LoadedDeck",
    "Problem",
    "as_written",
    "deck_id_for",
    "find_deck_files",
    "load_bytes",
    "load_file",
]


class _Located(Exception):
    def __init__(self, mark: Any, message: str) -> None:
        super().__init__(message)
        self.mark = mark
        self.message = message


def load_file(path: Path, deck_id: str, shown: str | None = None) -> LoadedDeck | list[Problem]:
    """Read one deck file; return the deck or every problem found in it."""
    shown = shown or str(path)
    try:
        data = read_regular(path, DECK_LIMIT)
    except OSError as exc:
        return [Problem(shown, 1, 1, f"cannot read file: {exc.strerror or exc}")]
    return load_bytes(data, deck_id, shown, path)


def load_bytes(
    data: bytes, deck_id: str, shown: str, path: Path | None = None
) -> LoadedDeck | list[Problem]:
    """Parse and validate the bytes of a deck file."""
    problems: list[Problem] = []
    for part in deck_id.split("/"):
        if not DECK_NAME.match(part):
            problems.append(
                Problem(
                    shown,
                    1,
                    1,
                    f"deck file or folder name {part!r} must use lowercase letters, digits, "
                    "'-' or '_' (it becomes the deck id)",
                )
            )
    try:
        text = data.decode("utf-8")
    except UnicodeDecodeError as exc:
        before = data[: exc.start]
        line = before.count(b"\n") + 1
        column = exc.start - (before.rfind(b"\n") + 1) + 1
        return [Problem(shown, line, column, "file is not UTF-8 text; save it as UTF-8")]
    text = text.removeprefix("\ufeff")
    fast = None if problems else _fast_data(text)
    if fast is not None and isinstance(fast[0], dict):
        try:
            deck = _deck_adapter().validate_python(fast[0])
        except ValidationError:
            deck = None
        ids = [q.id for q in deck.questions] if deck else []
        if deck is not None and len(set(ids)) == len(ids):
            lines = dict(zip(ids, fast[1], strict=False))
            loaded = LoadedDeck(deck_id, path or Path(shown), deck, lines)
            loaded.cards = expand(deck_id, deck.questions)
            loaded.warnings = _control_warnings(text, shown)
            return loaded
    try:
        root = yaml.compose(text, Loader=YamlLoader)
    except yaml.MarkedYAMLError as exc:
        return [*problems, _yaml_problem(shown, text, exc)]
    except yaml.reader.ReaderError as exc:
        head = text[: exc.position]
        line = head.count("\n") + 1
        column = exc.position - (head.rfind("\n") + 1) + 1
        code = exc.character if isinstance(exc.character, int) else ord(exc.character)
        return [
            *problems,
            Problem(shown, line, column, f"control character U+{code:04X} is not allowed in YAML"),
        ]
    except yaml.YAMLError as exc:  # pragma: no cover - errors without a mark are rare
        return [*problems, Problem(shown, 1, 1, f"YAML error: {' '.join(str(exc).split())}")]
    if root is None:
        return [
            *problems,
            Problem(shown, 1, 1, "file is empty; a deck needs a title and questions"),
        ]
    if not isinstance(root, yaml.MappingNode):
        return [
            *problems,
            _at(shown, root.start_mark, "top level must be a mapping with title and questions"),
        ]
    try:
        raw = _to_data(root, set(), text)
    except _Located as exc:
        return [*problems, _at(shown, exc.mark, exc.message)]
    except _DuplicateKeys as exc:
        return [*problems, *(_at(shown, m, msg) for m, msg in exc.found)]
    problems.extend(_duplicate_ids(shown, root))
    try:
        deck = _deck_adapter().validate_python(raw)
    except ValidationError as exc:
        problems.extend(_validation_problems(shown, root, exc))
        return sorted(set(problems))
    if problems:
        return sorted(set(problems))
    lines = _question_lines(root)
    loaded = LoadedDeck(deck_id, path or Path(shown), deck, lines)
    loaded.cards = expand(deck_id, deck.questions)
    loaded.warnings = _control_warnings(text, shown)
    return loaded


def _control_warnings(text: str, shown: str) -> list[Problem]:
    """Text values holding control characters (written as escapes such as `"\\e[31m"` in a
    double-quoted string; YAML refuses them raw). They are replaced by U+FFFD when loaded, so
    that no terminal obeys them; lint says where they are."""
    if "\\" not in text and not CONTROL.search(text):
        return []
    found = []
    for event in yaml.parse(text, Loader=YamlLoader):
        if isinstance(event, yaml.ScalarEvent) and CONTROL.search(event.value):
            code = ord(CONTROL.search(event.value).group())  # type: ignore[union-attr]
            found.append(
                _at(
                    shown,
                    event.start_mark,
                    f"warning: control character U+{code:04X} in text; it is shown as \ufffd",
                )
            )
    return found


def _at(shown: str, mark: Any, message: str) -> Problem:
    return Problem(shown, mark.line + 1, mark.column + 1, message)


def _yaml_problem(shown: str, text: str, exc: yaml.MarkedYAMLError) -> Problem:
    mark = exc.problem_mark or exc.context_mark
    line = mark.line if mark else 0
    column = mark.column if mark else 0
    problem = (exc.problem or exc.context or "invalid YAML").strip()
    lines = text.splitlines()
    here = lines[line] if line < len(lines) else ""
    if "\t" in problem or "'\\t'" in problem or (here[: column + 1].strip(" ") == "\t"):
        message = "tab character in indentation; YAML indents with spaces only"
        column = here.find("\t") if "\t" in here else column
    elif "single document" in (exc.context or ""):
        message = "a deck file holds one YAML document; remove this '---' or split the file"
    elif (opened := _unclosed(exc, len(lines))) is not None:
        # where the parser gave up can be far below (the end of the file): name the opening
        message, mark = opened
        line, column = mark.line, mark.column
    else:
        message = f"YAML syntax error: {problem}"
        if exc.context and exc.context != exc.problem:
            message += f" ({exc.context.strip()})"
        message += _likely_cause(problem, here, column)
    return Problem(shown, line + 1, column + 1, message)


_FLOW_VALUE = re.compile(r"^\s*(?:-\s+)?[^\s:#'\"]+:\s+[\[{]")
"""A line whose value starts with `{` or `[`: a cloze written without quotes, say."""


def _likely_cause(problem: str, here: str, column: int) -> str:
    """What a deck author most often did to get this YAML error on the line `here`, said in
    the deck's terms (the parser's words name its state, not the mistake); "" when unsure."""
    if _FLOW_VALUE.match(here):
        example = " ('{{c1::...}} ...')" if "{{" in here else ""
        return f"; a text that starts with '{{' or '[' must be quoted{example}"
    if "mapping values are not allowed" in problem:
        if ": " in here[:column]:
            return "; a text holding ': ' must be quoted ('...')"
        return "; is this line indented more than the one above?"
    return ""


def _unclosed(exc: yaml.MarkedYAMLError, lines: int) -> tuple[str, Any] | None:
    """The message and mark for a quote, '[' or '{' left open in a text of `lines` lines, or
    None for another error."""
    context, mark, found = exc.context or "", exc.context_mark, exc.problem_mark
    if mark is None:
        return None
    at_end = found is None or found.line >= lines or "end of stream" in (exc.problem or "")
    if "quoted scalar" in context and at_end:
        return "YAML syntax error: the quoted text that starts here is never closed", mark
    kinds = {"flow sequence": "[ list", "flow mapping": "{ mapping"}
    kind = next((name for key, name in kinds.items() if key in context), None)
    if kind is None:
        return None
    if at_end or found is None:
        return f"YAML syntax error: the {kind} that starts here is never closed", mark
    where = f" (line {found.line + 1}, column {found.column + 1})"
    problem = (exc.problem or "").strip()
    return f"YAML syntax error: the {kind} that starts here is not closed: {problem}{where}", mark


class _DuplicateKeys(Exception):
    def __init__(self, found: list[tuple[Any, str]]) -> None:
        super().__init__("duplicate keys")
        self.found = found


MAX_DEPTH = 32
"""The deepest nesting of lists and mappings accepted (a deck needs six levels)."""


def _to_data(node: yaml.Node, seen: set[int], text: str, depth: int = 0) -> Any:
    """Plain data from a node: refuses aliases, non-standard tags, duplicate keys and nesting
    past MAX_DEPTH."""
    if depth > MAX_DEPTH:
        raise _Located(node.start_mark, f"nested more than {MAX_DEPTH} levels deep")
    if id(node) in seen:
        raise _Located(
            _alias_mark(text) or node.start_mark,
            "YAML anchors and aliases are not allowed in decks; write the text out",
        )
    seen.add(id(node))
    if node.tag not in _STANDARD_TAGS:
        tag = node.tag.replace("tag:yaml.org,2002:", "!!")
        raise _Located(node.start_mark, f"YAML tag {tag!r} is not allowed in decks")
    if isinstance(node, yaml.ScalarNode):
        try:
            return _scalar(node)
        except KeyError:  # `!!bool` on a word that is not one
            raise _Located(node.start_mark, f"{node.value!r} is not true or false") from None
    if isinstance(node, yaml.SequenceNode):
        return [_to_data(item, seen, text, depth + 1) for item in node.value]
    result: dict[Any, Any] = {}
    first_mark: dict[Any, Any] = {}
    duplicates: list[tuple[Any, str]] = []
    for key_node, value_node in node.value:
        if key_node.tag == "tag:yaml.org,2002:merge" or key_node.value == "<<":
            raise _Located(key_node.start_mark, "YAML merge keys (<<) are not allowed in decks")
        key = _to_data(key_node, seen, text, depth + 1)
        if isinstance(key_node, yaml.MappingNode) and getattr(node, "flow_style", False):
            raise _Located(  # `text: {{c1::x}}`: a mapping whose key is a mapping
                node.start_mark,
                "a text that starts with '{' must be quoted ('{{c1::...}} ...'): YAML reads "
                "it as a mapping",
            )
        if not isinstance(key, str):
            raise _Located(key_node.start_mark, f"key {key!r} must be text")
        if key in result:
            first = first_mark[key]
            duplicates.append(
                (
                    key_node.start_mark,
                    f"duplicate key {key!r} (first defined on line {first.line + 1})",
                )
            )
            continue
        first_mark[key] = key_node.start_mark
        result[key] = _to_data(value_node, seen, text, depth + 1)
    if duplicates:
        raise _DuplicateKeys(duplicates)
    return result


def as_written(node: yaml.Node, text: str) -> Any:
    """The plain data of a node composed from a deck file's `text`, read as a deck is read:
    scalars as written (`017` is `017`), no aliases, foreign tags or duplicate keys. Raises
    ValueError, its message `line:column: problem`, for what a deck refuses."""
    try:
        return _to_data(node, set(), text)
    except _Located as exc:
        mark, message = exc.mark, exc.message
    except _DuplicateKeys as exc:
        mark, message = exc.found[0]
    raise ValueError(f"{mark.line + 1}:{mark.column + 1}: {message}")


_AS_WRITTEN = {
    "tag:yaml.org,2002:str",
    "tag:yaml.org,2002:int",
    "tag:yaml.org,2002:float",
    "tag:yaml.org,2002:timestamp",
}
"""Scalars kept as the text written in the file. YAML 1.1 reads `017` as 15, `12:30` as 750 and
`3.10` as 3.1; a deck wants the text (prompts, answers, ids, tags), and its number fields read
numbers from text themselves (decks/numbers.py), with the forms YAML 1.1 misses (`1e3`)."""


def _scalar(node: yaml.ScalarNode) -> Any:
    """The value of a scalar node: text as written, or a boolean or None (built without the
    constructor's cache of every node it ever built)."""
    if node.tag in _AS_WRITTEN:
        return node.value
    return _constructor.yaml_constructors[node.tag](_constructor, node)


_resolver = yaml.resolver.Resolver()
_NOT_TEXT_START = set("~nNtTfFyYoO")
"""The first letters of the plain scalars YAML reads as booleans or null."""


def _fast_data(text: str) -> tuple[Any, list[int]] | None:
    """Plain data straight from the parser's events, and the line of each question, for a file
    that uses nothing unusual. None whenever anything is off (duplicate keys, aliases, explicit
    tags, syntax errors): the careful path then finds and locates the problem."""
    root: Any = None
    stack: list[list[Any]] = []  # [container, pending key] pairs
    question_lines: list[int] = []

    def add(value: Any) -> bool:
        nonlocal root
        if not stack:
            root = value
            return True
        top = stack[-1]
        container = top[0]
        if isinstance(container, list):
            container.append(value)
            return True
        if top[1] is _NO_KEY:
            if not isinstance(value, str) or value in container or value == "<<":
                return False
            top[1] = value
            return True
        container[top[1]] = value
        top[1] = _NO_KEY
        return True

    documents = 0
    try:
        for event in yaml.parse(text, Loader=YamlLoader):
            if isinstance(event, yaml.DocumentStartEvent):
                documents += 1
                if documents > 1:
                    return None
            elif isinstance(event, yaml.ScalarEvent):
                if event.tag is not None or event.anchor is not None:
                    return None
                value: Any = event.value
                if event.implicit[0] and (not value or value[0] in _NOT_TEXT_START):
                    tag = _resolver.resolve(  # type: ignore[no-untyped-call]
                        yaml.ScalarNode, value, (True, False)
                    )
                    if tag not in _STANDARD_TAGS:
                        return None
                    if tag not in _AS_WRITTEN:
                        value = _scalar(yaml.ScalarNode(tag, value))
                if not add(value):
                    return None
            elif isinstance(event, yaml.CollectionStartEvent):
                is_mapping = isinstance(event, yaml.MappingStartEvent)
                if event.tag is not None or event.anchor is not None:
                    return None
                if (
                    is_mapping
                    and len(stack) == 2
                    and stack[0][1] == "questions"
                    and isinstance(stack[1][0], list)
                ):
                    question_lines.append(event.start_mark.line + 1 if event.start_mark else 0)
                stack.append([{} if is_mapping else [], _NO_KEY])
                if len(stack) > MAX_DEPTH:
                    return None
            elif isinstance(event, yaml.CollectionEndEvent):
                container = stack.pop()[0]
                if not add(container):
                    return None
            elif isinstance(event, yaml.AliasEvent):
                return None
    except yaml.YAMLError:
        return None
    return root, question_lines


_NO_KEY = object()


def _alias_mark(text: str) -> Any:
    for event in yaml.parse(text, Loader=YamlLoader):
        if isinstance(event, yaml.AliasEvent):
            return event.start_mark
    return None


class _Keys:
    """Each mapping node's pairs by key, built once per node: looking keys up by scanning made
    reporting N unknown keys take N² steps."""

    def __init__(self) -> None:
        self._by_node: dict[int, dict[Any, tuple[yaml.Node, yaml.Node]]] = {}

    def get(self, node: yaml.Node, key: str) -> tuple[yaml.Node, yaml.Node] | None:
        if not isinstance(node, yaml.MappingNode):
            return None
        pairs = self._by_node.get(id(node))
        if pairs is None:
            pairs = {}
            for k, v in node.value:
                if isinstance(k.value, str):
                    pairs.setdefault(k.value, (k, v))
            self._by_node[id(node)] = pairs
        return pairs.get(key)


def _mapping_get(node: yaml.Node, key: str) -> tuple[yaml.Node, yaml.Node] | None:
    if isinstance(node, yaml.MappingNode):
        for k, v in node.value:
            if k.value == key:
                return k, v
    return None


def _locate(
    root: yaml.Node, loc: tuple[Any, ...], keys: _Keys
) -> tuple[yaml.Node, yaml.Node | None, list[Any]]:
    """Follow a pydantic error location through the nodes.

    Returns the deepest node reached, the key node of the last mapping step (if any), and the
    location with pydantic's union-tag steps removed."""
    node = root
    key_node: yaml.Node | None = None
    clean: list[Any] = []
    for step in loc:
        if isinstance(step, int) and isinstance(node, yaml.SequenceNode):
            if step >= len(node.value):
                break
            node, key_node = node.value[step], None
            clean.append(step)
        elif isinstance(step, str):
            pair = keys.get(node, step)
            if pair is None:
                type_pair = keys.get(node, "type")
                if type_pair is not None and type_pair[1].value == step:
                    continue  # the discriminator step pydantic adds for tagged unions
                clean.append(step)
                break
            key_node, node = pair
            clean.append(step)
        else:
            break
    return node, key_node, clean


def _model_at(clean: list[Any], root: yaml.Node, keys: _Keys) -> type | None:
    """Which model describes the mapping at `clean` (used to suggest keys)."""
    if not clean or clean == []:
        return Deck
    if clean[0] == "questions" and len(clean) >= 2:
        if "choices" in clean[2:]:
            return Choice
        question_node = root
        for step in clean[:2]:
            question_node = (
                question_node.value[step]
                if isinstance(step, int)
                else keys.get(question_node, step)[1]  # type: ignore[index]
            )
        pair = keys.get(question_node, "type")
        if pair is not None:
            return QUESTION_TYPES.get(str(pair[1].value))
        return QuestionBase
    return Deck


def _validation_problems(shown: str, root: yaml.Node, exc: ValidationError) -> list[Problem]:
    problems = []
    keys = _Keys()
    for err in exc.errors(include_url=False):
        loc = tuple(err["loc"])
        node, key_node, clean = _locate(root, loc, keys)
        kind = err["type"]
        field_name = next((s for s in reversed(clean) if isinstance(s, str)), None)
        mark = node.start_mark
        if kind == "extra_forbidden":
            unknown = str(loc[-1])
            model = _model_at(clean[:-1], root, keys)
            known = list(getattr(model, "model_fields", {})) if model else []
            hint = difflib.get_close_matches(unknown, known, n=1, cutoff=0.6)
            message = f"unknown key {unknown!r}"
            message += (
                f", did you mean {hint[0]!r}?" if hint else f"; allowed keys: {', '.join(known)}"
            )
            mark = key_node.start_mark if key_node is not None else mark
        elif kind == "missing":
            message = f"missing required key {str(loc[-1])!r}"
            if clean and clean[-1] == loc[-1]:
                clean = clean[:-1]
        elif kind == "union_tag_invalid":
            pair = keys.get(node, "type")
            found = pair[1].value if pair else "?"
            mark = pair[1].start_mark if pair else mark
            allowed = ", ".join(QUESTION_TYPES)
            message = f"unknown question type {found!r}; expected one of {allowed}"
            hint = difflib.get_close_matches(str(found), list(QUESTION_TYPES), n=1, cutoff=0.5)
            if hint:
                message += f" (did you mean {hint[0]!r}?)"
        elif kind == "union_tag_not_found":
            message = f"question has no 'type' key; expected one of {', '.join(QUESTION_TYPES)}"
        elif kind == "too_short":
            minimum = (err.get("ctx") or {}).get("min_length", 1)
            what = {
                "questions": "question",
                "choices": "choice",
                "items": "item",
                "answers": "answer",
            }.get(str(field_name), "entry")
            message = f"{field_name!r} needs at least {minimum} {what}{'s' if minimum > 1 else ''}"
        elif kind in {"string_type", "str_type"}:
            message = f"{field_name!r} must be text, not {_kind_of(node)}"
            message += _quote_hint(node)
        elif kind == "list_type":
            message = f"{field_name!r} must be a list, not {_kind_of(node)}"
        elif kind in {"bool_type", "bool_parsing"}:
            message = f"{field_name!r} must be true or false"
        elif kind in {"model_type", "model_attributes_type", "dict_type"}:
            message = f"expected a mapping (key: value lines), not {_kind_of(node)}"
        elif kind in {"float_type", "float_parsing", "int_type", "int_parsing"}:
            message = f"{field_name!r} must be a number"
        else:
            message = str(err["msg"]).removeprefix("Value error, ")
            if field_name and kind != "bad_id" and not message.startswith(field_name):
                message = f"{field_name}: {message}"
        problems.append(_at(shown, mark, message))
    return problems


def _quote_hint(node: yaml.Node) -> str:
    """Why YAML made a collection of what was meant as text, when it was written inline: a
    text opening with `{` or `[`, or one holding ': ' in a `[...]` list; "" otherwise."""
    if isinstance(node, yaml.SequenceNode) and node.flow_style:
        return "; a text that starts with '[' must be quoted"
    if isinstance(node, yaml.MappingNode) and node.flow_style:
        first_key = node.value[0][0] if node.value else None
        if first_key is None or first_key.start_mark.index > node.start_mark.index:
            return "; a text that starts with '{' must be quoted"
        return "; a text holding ': ' must be quoted"  # `[a: b]` is a list of one mapping
    return ""


def _kind_of(node: yaml.Node) -> str:
    if isinstance(node, yaml.MappingNode):
        return "a mapping"
    if isinstance(node, yaml.SequenceNode):
        return "a list"
    if node.tag.endswith(":null"):
        return "empty (null)"
    return f"{node.tag.rsplit(':', 1)[-1]} {node.value!r}"


def _question_nodes(root: yaml.Node) -> list[yaml.Node]:
    pair = _mapping_get(root, "questions")
    if pair is None or not isinstance(pair[1], yaml.SequenceNode):
        return []
    return list(pair[1].value)


def _question_lines(root: yaml.Node) -> dict[str, int]:
    lines = {}
    for qnode in _question_nodes(root):
        pair = _mapping_get(qnode, "id")
        if pair is not None:
            lines[str(pair[1].value)] = qnode.start_mark.line + 1
    return lines


def _duplicate_ids(shown: str, root: yaml.Node) -> Iterable[Problem]:
    """Question ids used twice, read from the YAML itself, so that they are reported with the
    deck's other problems (ids are taken as written: the model only checks their form)."""
    first: dict[str, int] = {}
    for qnode in _question_nodes(root):
        pair = _mapping_get(qnode, "id")
        if pair is None or not isinstance(pair[1], yaml.ScalarNode):
            continue
        qid = str(pair[1].value)
        if qid in first:
            yield _at(
                shown,
                pair[1].start_mark,
                f"duplicate question id {qid!r} (first used on line {first[qid]})",
            )
        else:
            first[qid] = qnode.start_mark.line + 1
