"""What the commands share: the time, how times are written, the collection with its warnings,
and a checked deck selection."""

from __future__ import annotations

import functools
import json
import sys
from collections.abc import Sequence
from typing import TYPE_CHECKING, Any

from quizzer.errors import CommandError
from quizzer.wording import counted

if TYPE_CHECKING:
    from quizzer.collection import AnswerIndex, Collection
    from quizzer.decks.tree import DeckTree
    from quizzer.search import Query
    from quizzer.session import Selection

EXIT_OK, EXIT_PROBLEMS, EXIT_USAGE = 0, 1, 2


def now_ms() -> int:
    """The time now (honours QUIZZER_NOW), in UTC ms."""
    from quizzer.clock import now, to_ms

    return to_ms(now())


def iso(ms: int | None) -> str | None:
    """A UTC moment as ISO 8601 with a Z, for JSON."""
    if ms is None:
        return None
    from quizzer.clock import from_ms

    return from_ms(ms).isoformat().replace("+00:00", "Z")


def local(ms: int, col: Collection | AnswerIndex) -> str:
    """A moment in the learner's zone, rounded to the minute (as intervals are)."""
    from quizzer.clock import from_ms

    return from_ms(ms + 30_000).astimezone(col.zone).strftime("%Y-%m-%d %H:%M")


def print_json(data: Any) -> None:
    """Indented JSON on stdout."""
    print(json.dumps(data, indent=2, ensure_ascii=False))


def collection_for(args: Any) -> Collection:
    """The learner's collection, with one warning line when some decks failed to load."""
    from quizzer.collection import open_collection

    col = open_collection()
    warn_failed_decks(col.tree)
    return col


def warn_failed_decks(tree: DeckTree) -> None:
    """One warning line when some decks of `tree` failed to load (none when all loaded)."""
    if tree.problems:
        print(
            f"quizzer: warning: {counted(len(tree.failed), 'deck')} with errors skipped "
            f"(first: {tree.problems[0]}); run 'quizzer lint' for all",
            file=sys.stderr,
        )


def selection_for(
    decks: Sequence[str] | None, tag: str | None, col: Collection, query: str | None = None
) -> Selection:
    """The decks or folders, tag and search query asked for, each checked (a bad query fails
    here, as one line)."""
    from quizzer.decks.files import names_deck, no_such_deck
    from quizzer.search import parse
    from quizzer.selection import no_such_tag, tag_in_use
    from quizzer.session import Selection

    if query is not None:
        warn_unknown_terms(parse(query), col)
    for d in decks or ():
        if not names_deck(col.tree.decks, d):
            raise CommandError(no_such_deck(col.tree.decks, d))
    if tag is not None and not tag_in_use(col.tree, tag):
        raise CommandError(no_such_tag(col.tree, tag))
    return Selection(tuple(d.rstrip("/") for d in decks or ()), tag, query)


def warn_unknown_terms(query: Query, col: Collection) -> None:
    """One warning line for each `deck:` term of the query that names no deck or folder, and
    each `tag:` term that no card's tag matches, with what it is spelt most like (the query then
    finds nothing there, which a typo should not look like)."""
    from quizzer.decks.files import closest_deck
    from quizzer.selection import closest_tag, tree_tags

    for pattern in query.unknown_decks(col.tree.decks):
        close = closest_deck(col.tree.decks, pattern)
        meant = f"; did you mean deck:{close}?" if close else ""
        print(f"quizzer: warning: no deck or folder matches deck:{pattern}{meant}", file=sys.stderr)
    tags = functools.cache(lambda: tree_tags(col.tree))  # every card walked once, if at all
    for pattern in query.unknown_tags(tags):
        close = closest_tag(tags(), pattern)
        meant = f"; did you mean tag:{close}?" if close else ""
        print(f"quizzer: warning: no card has a tag matching tag:{pattern}{meant}", file=sys.stderr)
