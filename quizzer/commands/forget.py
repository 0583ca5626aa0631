"""`quizzer forget CARD_ID...`: cards become new again; their reviews stay in the log."""

from __future__ import annotations

import argparse

from quizzer.wording import counted


def run(args: argparse.Namespace) -> int:
    """Forget each card named, after checking that every id is a card of the decks."""
    from quizzer.commands.common import collection_for
    from quizzer.commands.common import now_ms as clock_ms
    from quizzer.store.log import reviews_of

    col = collection_for(args)
    session = col.session()
    ids = list(dict.fromkeys(args.card_ids))
    for card_id in ids:
        session.card(card_id)  # an unknown id fails before anything is written
    now_ms = clock_ms()
    for card_id in ids:
        before = session.state(card_id)
        changed = session.forget(card_id, now_ms) != before
        reviews = reviews_of(col.store.db, card_id)
        kept = f"{counted(reviews, 'review')} kept in the log"
        if changed:
            print(f"forgot {card_id}: new again ({kept}; 'quizzer undo' restores it)")
        elif reviews:
            print(f"{card_id} is already new ({kept}): nothing to do")
        else:
            print(f"{card_id} is new and was never reviewed: nothing to do")
    return 0
