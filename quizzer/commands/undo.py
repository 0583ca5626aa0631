"""`quizzer undo`: cancel the last answer, bury or suspension."""

from __future__ import annotations

import argparse

from quizzer.commands.common import EXIT_OK, collection_for, iso, now_ms, print_json
from quizzer.errors import CommandError


def run(args: argparse.Namespace) -> int:
    """Undo the last answer, bury or suspension."""
    col = collection_for(args)
    result = col.session().undo(now_ms())
    if result is None:
        raise CommandError("nothing to undo")
    event, state = result
    if args.json:
        print_json(
            {"undone": event.to_dict(), "state": state.state.name.lower(), "due": iso(state.due)}
        )
    else:
        print(f"undid {event.kind} of {event.card_id}")
    return EXIT_OK
