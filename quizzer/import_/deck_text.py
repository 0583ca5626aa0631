"""A deck file's text, changed one question at a time: the import replaces the questions it
wrote and adds new ones, and every other byte of the file stays as the user wrote it.

The questions are read as quizzer's deck loader reads them (`017` is `017`, not YAML 1.1's 15),
and a question is replaced by cutting out the lines it spans (from its `-` to its last line of
content; the comments and blank lines after it stay) and putting the new one in their place,
indented as the others. New questions follow the last one. A file whose questions are a flow
list (`questions: [{...}, {...}]`) gets flow mappings, spliced between its items. Every change
is read back before it is used: the file must hold the user's questions as they were and the new
ones as meant, or nothing is written.
"""

from __future__ import annotations

import bisect
import math
import re
from dataclasses import dataclass
from typing import Any

import yaml

from quizzer.decks.loader import YamlLoader, as_written


class DeckTextError(ValueError):
    """The deck file cannot be read, or changed without touching the user's text."""


class _Dumper(yaml.SafeDumper):
    def increase_indent(self, flow: bool = False, indentless: bool = False) -> None:
        """Lists indented under their key, as decks are written by hand."""
        super().increase_indent(flow, False)


def _str(dumper: yaml.SafeDumper, value: str) -> yaml.Node:
    style = "|" if "\n" in value and not any(c in value for c in "\r\t") else None
    return dumper.represent_scalar("tag:yaml.org,2002:str", value, style=style)


_Dumper.add_representer(str, _str)


def dump_deck(data: Any) -> str:
    """A deck (or a list of its questions) as YAML that reads like a hand-written one."""
    return yaml.dump(data, Dumper=_Dumper, sort_keys=False, allow_unicode=True, width=100, indent=2)


_BREAK = re.compile("(\n|\x85|\u2028|\u2029)")
"""The line breaks PyYAML writes: a block scalar's text keeps the rarer ones and is indented
after them too."""


def _block_item(question: dict[str, Any], column: int, newline: str) -> str:
    """`question` as one item of a block list whose `-` is at `column`."""
    text = dump_deck([question])
    pad = " " * column
    parts = _BREAK.split(text)  # lines, and the breaks between them
    return "".join(
        (newline if part == "\n" else part) if i % 2 else (pad + part if part.strip() else part)
        for i, part in enumerate(parts)
    )


def _flow_item(question: dict[str, Any]) -> str:
    """`question` as one flow mapping of a flow list, on one line."""
    text = yaml.dump(
        [question],
        Dumper=_Dumper,
        sort_keys=False,
        allow_unicode=True,
        default_flow_style=True,
        width=math.inf,
    ).strip()
    return text[1:-1]  # the list's brackets off


@dataclass(slots=True)
class DeckText:
    """A deck file's text and its questions, as quizzer reads them."""

    bom: str
    """The byte order mark the file starts with, or nothing (PyYAML's C parser does not count
    it in its marks, and its Python parser does: they read the text after it)."""
    body: str
    """The text after the mark."""
    data: dict[str, Any]
    """The whole file, as read."""
    questions: list[Any]
    """The `questions` list, as read."""
    _items: yaml.SequenceNode
    _dashes: list[int]
    """Where the `-` of every block list item in the file is."""

    @classmethod
    def read(cls, text: str) -> DeckText:
        """Read a deck file's text; DeckTextError (one line) when it is not a deck quizzer reads
        with at least one question."""
        body = text.removeprefix("\ufeff")
        try:
            root = yaml.compose(body, Loader=YamlLoader)
        except yaml.YAMLError as exc:
            raise DeckTextError(str(exc).splitlines()[0] if str(exc) else "invalid YAML") from None
        if not isinstance(root, yaml.MappingNode):
            raise DeckTextError("not a deck (no title and questions)")
        try:
            data = as_written(root, body)
        except ValueError as exc:
            raise DeckTextError(str(exc)) from None
        items = next((v for k, v in root.value if k.value == "questions"), None)
        if not isinstance(items, yaml.SequenceNode) or not items.value:
            raise DeckTextError("not a deck (no list of questions)")
        dashes = [
            t.start_mark.index
            for t in yaml.scan(body, Loader=YamlLoader)
            if isinstance(t, yaml.BlockEntryToken)
        ]
        bom = text[: len(text) - len(body)]
        return cls(bom, body, data, list(data["questions"]), items, dashes)

    @property
    def text(self) -> str:
        """The whole text of the file."""
        return self.bom + self.body

    def typed(self, index: int) -> Any:
        """Question `index` as YAML 1.1 types it (`017` is 15), as imports before this one read
        it to make their hashes."""
        return yaml.constructor.SafeConstructor().construct_object(
            self._items.value[index], deep=True
        )

    def changed(self, replaced: dict[int, dict[str, Any]], added: list[dict[str, Any]]) -> DeckText:
        """The file with the questions at the indexes of `replaced` replaced, and `added` after
        the last question; DeckTextError when the result would not hold what is meant."""
        newline = "\r\n" if "\r\n" in self.body else "\n"
        cuts: list[tuple[int, int, str]] = []
        flow = bool(self._items.flow_style)
        for index, question in replaced.items():
            node = self._items.value[index]
            if flow:
                cuts.append((node.start_mark.index, node.end_mark.index, _flow_item(question)))
            else:
                start, end, column = self._block_span(node)
                cuts.append((start, end, _block_item(question, column, newline)))
        if added:
            last = self._items.value[-1]
            if flow:
                at = last.end_mark.index
                cuts.append((at, at, "".join(", " + _flow_item(q) for q in added)))
            else:
                _, at, column = self._block_span(last)
                lead = newline if at == len(self.body) and not self.body.endswith("\n") else ""
                items = "".join(_block_item(q, column, newline) for q in added)
                cuts.append((at, at, lead + items))
        text = self.body
        for start, end, new in sorted(cuts, key=lambda c: c[0], reverse=True):
            text = text[:start] + new + text[end:]
        return self._check(self.bom + text, replaced, added)

    def _block_span(self, node: yaml.Node) -> tuple[int, int, int]:
        """(start, end, column of the `-`) of a block list item: from the start of its `-` line
        to the end of its last line of content."""
        at = bisect.bisect_left(self._dashes, node.start_mark.index) - 1
        if at < 0:
            raise DeckTextError("a question's '-' was not found")
        dash = self._dashes[at]
        start = self.body.rfind("\n", 0, dash) + 1
        if self.body[start:dash].strip(" "):
            raise DeckTextError("a question's '-' does not start its line")
        last = _content_end(node)
        while last > node.start_mark.index and self.body[last - 1] in " \t\r\n":
            last -= 1  # a block scalar's end takes in the blank lines after it
        end = self.body.find("\n", last)
        return start, len(self.body) if end < 0 else end + 1, dash - start

    def _check(
        self, text: str, replaced: dict[int, dict[str, Any]], added: list[dict[str, Any]]
    ) -> DeckText:
        """The changed text, read, when it holds the same file but for the questions meant."""
        try:
            again = DeckText.read(text)
        except DeckTextError as exc:
            raise DeckTextError(f"the change does not read back ({exc})") from None
        expected = list(self.questions)
        for index, question in replaced.items():
            expected[index] = _read_back(question)
        expected += [_read_back(q) for q in added]
        rest = {k: v for k, v in self.data.items() if k != "questions"}
        if (
            again.questions != expected
            or {k: v for k, v in again.data.items() if k != "questions"} != rest
        ):
            raise DeckTextError("the change does not read back as meant")
        return again


def _content_end(node: yaml.Node) -> int:
    """Where the last scalar or flow collection of a node ends."""
    if isinstance(node, yaml.ScalarNode) or getattr(node, "flow_style", False):
        return int(node.end_mark.index)
    children = (
        [n for pair in node.value for n in pair]
        if isinstance(node, yaml.MappingNode)
        else node.value
    )
    return max(_content_end(child) for child in children)


def _read_back(question: dict[str, Any]) -> Any:
    """A question as reading it back from the file gives it."""
    text = dump_deck({"questions": [question]})
    node = yaml.compose(text, Loader=YamlLoader)
    assert node is not None
    return as_written(node, text)["questions"][0]
