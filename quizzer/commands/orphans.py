"""`quizzer orphans`: cards with history whose question left the decks."""

from __future__ import annotations

import argparse
import sys

from quizzer.commands.common import EXIT_OK, collection_for, print_json
from quizzer.wording import counted


def run(args: argparse.Namespace) -> int:
    """Cards with history whose question is gone from the decks."""
    col = collection_for(args)
    orphans = col.orphans()
    if args.json:
        print_json({"orphans": orphans})
    else:
        for card_id in orphans:
            print(card_id)
        print(
            f"{counted(len(orphans), 'orphan card')}; their history returns when the question does",
            file=sys.stderr,
        )
    return EXIT_OK
