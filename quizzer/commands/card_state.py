"""`quizzer suspend|unsuspend|bury CARD_ID`: take a card out of the queues or bring it back."""

from __future__ import annotations

import argparse

from quizzer.commands.common import EXIT_OK, collection_for, now_ms

DONE = {"suspend": "suspended", "unsuspend": "unsuspended", "bury": "buried"}
ALREADY = {
    "suspend": "is already suspended",
    "unsuspend": "is not suspended",
    "bury": "is already buried until the next study day",
}


def run(args: argparse.Namespace) -> int:
    """Suspend, unsuspend or bury a card (the command's name says which). Doing it to a card it
    would not change records nothing, and says so."""
    action = args.command
    col = collection_for(args)
    session = col.session()
    before = col.store.state(args.card_id)
    after = getattr(session, action)(args.card_id, now_ms())
    if after == before:
        print(f"{args.card_id} {ALREADY[action]}: nothing to do")
    else:
        print(f"{DONE[action]} {args.card_id}")
    return EXIT_OK
