"""`quizzer rebuild`: every card's state replayed from the log."""

from __future__ import annotations

import argparse

from quizzer.commands.common import EXIT_OK, collection_for
from quizzer.commands.spinner import on_terminal
from quizzer.wording import counted


def run(args: argparse.Namespace) -> int:
    """Recompute every card's state by replaying the review log."""
    from quizzer.replay import rebuild

    col = collection_for(args)
    with on_terminal() as stage:  # seconds at a million reviews
        if stage is not None:
            stage("replaying the log")
        changed, total = rebuild(col.store, col.settings, col.zone)
    print(f"replayed the log: {counted(total, 'card')}, {changed} changed")
    return EXIT_OK
