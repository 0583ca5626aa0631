"""`quizzer undo`: cancel the last answer, bury, suspension or forget."""

from __future__ import annotations

import argparse

from quizzer.commands.common import EXIT_OK, EXIT_PROBLEMS, collection_for, iso, now_ms, print_json

NOTHING = "nothing to undo"


def run(args: argparse.Namespace) -> int:
    """Undo the last answer, bury, suspension or forget; with nothing to undo, say so (as JSON
    too) and exit 1."""
    col = collection_for(args)
    result = col.session().undo(now_ms())
    if result is None:
        if args.json:
            print_json({"undone": None, "message": NOTHING})
        else:
            print(NOTHING)
        return EXIT_PROBLEMS
    event, state = result
    if args.json:
        print_json(
            {"undone": event.to_dict(), "state": state.state.name.lower(), "due": iso(state.due)}
        )
    else:
        print(f"undid {event.kind} of {event.card_id}")
    return EXIT_OK
