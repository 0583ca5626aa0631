"""What the commands share: the time, how times are written, the collection with its warnings,
and a checked deck selection."""

from __future__ import annotations

import json
import sys
from collections.abc import Sequence
from typing import TYPE_CHECKING, Any

from quizzer.errors import CommandError
from quizzer.wording import counted

if TYPE_CHECKING:
    from quizzer.collection import AnswerIndex, Collection
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
    if col.tree.problems:
        n = len(col.tree.failed)
        print(
            f"quizzer: warning: {counted(n, 'deck')} with errors skipped "
            f"(first: {col.tree.problems[0]}); run 'quizzer lint' for all",
            file=sys.stderr,
        )
    return col


def selection_for(
    decks: Sequence[str] | None, tag: str | None, col: Collection, query: str | None = None
) -> Selection:
    """The decks or folders, tag and search query asked for, each checked (a bad query fails
    here, as one line)."""
    from quizzer.decks.files import names_deck, no_such_deck
    from quizzer.search import parse
    from quizzer.selection import tag_in_use
    from quizzer.session import Selection

    if query is not None:
        warn_unknown_decks(parse(query), col)
    for d in decks or ():
        if not names_deck(col.tree.decks, d):
            raise CommandError(no_such_deck(col.tree.decks, d))
    if tag is not None and not tag_in_use(col.tree, tag):
        raise CommandError(f"no card has the tag {tag!r}")
    return Selection(tuple(d.rstrip("/") for d in decks or ()), tag, query)


def warn_unknown_decks(query: Query, col: Collection) -> None:
    """One warning line for each `deck:` term of the query that names no deck or folder (the
    query then finds nothing there, which a typo should not look like)."""
    for pattern in query.unknown_decks(col.tree.decks):
        print(f"quizzer: warning: no deck or folder matches deck:{pattern}", file=sys.stderr)
