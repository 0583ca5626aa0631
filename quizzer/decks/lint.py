"""Authoring warnings: what loads fine but lets a learner down.

A wrong choice without feedback, a question without source or explanation, control characters in
text, dollar signs that were meant as math but show as dollar signs, and a typed answer that
another question of the same deck also accepts. Each is a located
`Problem` whose message starts with `warning:`; `quizzer lint --strict` counts them as errors.
"""

from __future__ import annotations

import re
from collections.abc import Iterator, Sequence

import yaml

from quizzer.decks.cloze import parse_cloze, render_cloze
from quizzer.decks.loaded import LoadedDeck, Problem
from quizzer.decks.loader import YamlLoader
from quizzer.decks.media import unread_references
from quizzer.decks.models import MultipleChoice, QuestionBase, Typed
from quizzer.decks.overlap import shared_answers
from quizzer.mathtext import plain_math

WARNING = "warning: "

_INVISIBLE = {0x200B, 0x200C, 0x200D, 0x200E, 0x200F, 0x2060, 0xFEFF, *range(0x202A, 0x202F)}


def deck_warnings(loaded: LoadedDeck, shown: str) -> list[Problem]:
    """Every warning for a deck that loaded, located in its file."""
    try:
        text = loaded.path.read_text(encoding="utf-8")
        root = yaml.compose(text, Loader=YamlLoader)
    except (OSError, UnicodeDecodeError, yaml.YAMLError):
        return []
    nodes = _questions(root)
    found: list[Problem] = []

    def at(node: yaml.Node, message: str) -> None:
        mark = node.start_mark
        found.append(Problem(shown, mark.line + 1, mark.column + 1, WARNING + message))

    for question, node in zip(loaded.deck.questions, nodes, strict=False):
        for missing in ("source", "explanation"):
            if getattr(question, missing) is None:
                at(node, f"question {question.id!r} has no {missing}")
        if isinstance(question, MultipleChoice):
            choice_nodes = _list(node, "choices")
            for choice, choice_node in zip(question.choices, choice_nodes, strict=False):
                if not choice.correct and not choice.feedback:
                    at(
                        choice_node,
                        f"wrong choice {choice.text!r} of {question.id!r} has no feedback "
                        "saying why it is wrong",
                    )
    for scalar in _scalars(root):
        bad = _control(scalar.value)
        if bad is not None:
            at(scalar, f"control character U+{ord(bad):04X} in text")
        for written in unread_references(scalar.value):
            at(
                scalar,
                f"{written!r} is not read as a figure or clip: a path with spaces goes between "
                "'<' and '>', as in ![alt](<my figure.png>)",
            )
        if "$" in scalar.value and _loose_dollars(scalar.value):
            at(
                scalar,
                "a pair of '$' here does not read as math, so the dollar signs show: no space "
                "may follow the opening '$' or come before the closing one, and no letter or "
                r"digit may follow it (write \$ for a dollar sign)",
            )
    for node, message in _shared_answers(loaded.deck.questions, nodes):
        at(node, message)
    return sorted(found)


_DOLLAR = re.compile(r"(?<!\\)\$")


def _loose_dollars(text: str) -> bool:
    """Whether `text`, its clozes shown or hidden, keeps two or more `$` once its math is
    rendered: a pair meant as math that `mathtext` does not read as such."""
    variants = [text]
    if "{{" in text:
        try:
            numbers = {d.number for d in parse_cloze(text).deletions}
        except ValueError:  # a malformed cloze, which loading reports
            numbers = set()
        variants += [render_cloze(text, 0, reveal=True)]
        variants += [render_cloze(text, n, reveal=False) for n in numbers]
    return any(len(_DOLLAR.findall(plain_math(v))) >= 2 for v in variants)


def _shared_answers(
    questions: Sequence[QuestionBase], nodes: list[yaml.Node]
) -> Iterator[tuple[yaml.Node, str]]:
    typed = [(q, n) for q, n in zip(questions, nodes, strict=False) if isinstance(q, Typed)]
    answer_nodes = [_list(node, "answers") for _, node in typed]
    for i, j, o in shared_answers([q for q, _ in typed]):
        if j < len(answer_nodes[i]):
            question, other = typed[i][0], typed[o][0]
            yield (
                answer_nodes[i][j],
                f"answer {question.answers[j]!r} of {question.id!r} is also accepted by "
                f"{other.id!r}",
            )


def _control(text: str) -> str | None:
    """An invisible formatting character (zero-width space, direction marks...). The loader
    itself warns about C0 and C1 control characters (`LoadedDeck.warnings`)."""
    for ch in text:
        if ord(ch) in _INVISIBLE:
            return ch
    return None


def _value(node: yaml.Node, key: str) -> yaml.Node | None:
    if isinstance(node, yaml.MappingNode):
        for k, v in node.value:
            if k.value == key:
                found: yaml.Node = v
                return found
    return None


def _list(node: yaml.Node, key: str) -> list[yaml.Node]:
    value = _value(node, key)
    return list(value.value) if isinstance(value, yaml.SequenceNode) else []


def _questions(root: yaml.Node | None) -> list[yaml.Node]:
    return _list(root, "questions") if root is not None else []


def _scalars(node: yaml.Node | None) -> Iterator[yaml.ScalarNode]:
    if isinstance(node, yaml.ScalarNode):
        if node.tag.endswith(":str"):
            yield node
    elif isinstance(node, yaml.SequenceNode):
        for item in node.value:
            yield from _scalars(item)
    elif isinstance(node, yaml.MappingNode):
        for _, value in node.value:
            yield from _scalars(value)
