"""`quizzer undo`: cancel the last answer, bury, suspension or forget."""

from __future__ import annotations

import argparse
import sys

from quizzer.commands.common import EXIT_OK, EXIT_PROBLEMS, collection_for, iso, now_ms, print_json

NOTHING = "nothing to undo"
ELSEWHERE = (
    "undo takes back what this device did; answers synced here from another device are undone "
    "there (and the undo comes with the next sync)"
)


def run(args: argparse.Namespace) -> int:
    """Undo the last answer, bury, suspension or forget; with nothing to undo, say so (as JSON
    too) and exit 1."""
    col = collection_for(args)
    result = col.session().undo(now_ms())
    if result is None:
        elsewhere = col.store.count(
            "SELECT count(*) FROM (SELECT 1 FROM log WHERE device != ? AND kind != 'undo' "
            "AND target IS NULL LIMIT 1)",
            (col.store.device,),
        )
        if args.json:
            print_json({"undone": None, "message": NOTHING})
        else:
            print(NOTHING)
        if elsewhere:  # the learner may expect to undo what another device sent here
            print(f"quizzer: {ELSEWHERE}", file=sys.stderr)
        return EXIT_PROBLEMS
    event, state = result
    if args.json:
        print_json(
            {"undone": event.to_dict(), "state": state.state.name.lower(), "due": iso(state.due)}
        )
    else:
        print(f"undid {event.kind} of {event.card_id}")
    return EXIT_OK
