"""`quizzer forget CARD_ID...`: cards become new again; their reviews stay in the log."""

from __future__ import annotations

import argparse


def run(args: argparse.Namespace) -> int:
    """Forget each card named, after checking that every id is a card of the decks."""
    from quizzer.commands.common import collection_for
    from quizzer.commands.common import now_ms as clock_ms

    col = collection_for(args)
    session = col.session()
    ids = list(dict.fromkeys(args.card_ids))
    for card_id in ids:
        session.card(card_id)  # an unknown id fails before anything is written
    now_ms = clock_ms()
    for card_id in ids:
        before = session.state(card_id)
        if session.forget(card_id, now_ms) == before:
            print(f"{card_id} is new and was never reviewed: nothing to do")
            continue
        had = f"{before.reps} review{'s' if before.reps != 1 else ''} kept in the log"
        print(f"forgot {card_id}: new again ({had}; 'quizzer undo' restores it)")
    return 0
