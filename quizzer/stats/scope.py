"""Which cards the statistics cover: a deck, a folder, a tag, or everything."""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING

from quizzer.decks.files import names_deck, no_such_deck
from quizzer.errors import QuizzerError

if TYPE_CHECKING:
    from quizzer.decks.tree import DeckTree
    from quizzer.selection import Selection


class StatsError(QuizzerError, ValueError):
    """The deck, folder or tag asked for does not exist."""


@dataclass(frozen=True, slots=True)
class Scope:
    """The cards statistics cover: decks or folders (none: all) and optionally a tag."""

    decks: tuple[str, ...] = ()
    tag: str | None = None
    spec: str | None = None
    """What the learner typed (`asr`, `asr/ctc`, `tag:loss`), for display."""
    card_ids: frozenset[str] | None = None
    """When a search query narrows the scope: the cards it matched."""

    def selection(self) -> Selection:
        """The same cards as a session selection."""
        from quizzer.selection import Selection

        return Selection(self.decks, self.tag)


def resolve_scope(tree: DeckTree, spec: str | None) -> Scope:
    """Read a deck id, a folder, `tag:NAME` or None (everything); raise StatsError when it names
    nothing in the decks tree."""
    if spec is None or not spec.strip():
        return Scope()
    text = spec.strip()
    if text.startswith("tag:"):
        tag = text[4:].strip()
        if not tag:
            raise StatsError("tag: needs a name, e.g. tag:loss")
        from quizzer.selection import no_such_tag, tag_in_use

        if not tag_in_use(tree, tag):
            raise StatsError(no_such_tag(tree, tag))
        return Scope(tag=tag, spec=text)
    name = text.rstrip("/")
    if not names_deck(tree.decks, name):
        raise StatsError(no_such_deck(tree.decks, name))
    return Scope(decks=(name,), spec=text)


def scope_of(selection: Selection) -> Scope:
    """The scope of a session selection (as the home screen passes it)."""
    spec = ", ".join(selection.decks) or None
    if selection.tag:
        spec = f"{spec + ' ' if spec else ''}tag:{selection.tag}"
    return Scope(tuple(selection.decks), selection.tag, spec)
