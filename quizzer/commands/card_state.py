"""`quizzer suspend|unsuspend|bury CARD_ID`: take a card out of the queues or bring it back."""

from __future__ import annotations

import argparse

from quizzer.commands.common import EXIT_OK, collection_for, now_ms


def run(args: argparse.Namespace) -> int:
    """Suspend, unsuspend or bury a card (the command's name says which)."""
    action = args.command
    col = collection_for(args)
    getattr(col.session(), action)(args.card_id, now_ms())
    done = {"suspend": "suspended", "unsuspend": "unsuspended", "bury": "buried"}[action]
    print(f"{done} {args.card_id}")
    return EXIT_OK
