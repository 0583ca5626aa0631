"""`quizzer extend DECK --new N --reviews N`: more new or review cards today in a deck or
folder (custom study); the next study day is back to the usual limits."""

from __future__ import annotations

import argparse

from quizzer.errors import CommandError


def run(args: argparse.Namespace) -> int:
    """Raise today's limits of one deck or folder and say what is left to study there."""
    from quizzer.commands.common import collection_for, now_ms, selection_for

    if args.new is None and args.reviews is None:
        raise CommandError("give --new N or --reviews N (more cards today)")
    new, reviews = args.new or 0, args.reviews or 0
    col = collection_for(args)
    try:
        selection = selection_for([args.deck] if args.deck else [], None, col)
        session = col.session(selection)
        moment = now_ms()
        if new or reviews:
            session.extend(selection.start, new, reviews, moment)
        counts = session.counts(moment)
    finally:
        col.close()
    added = (
        f"today only, {new} more new and {reviews} more review cards"
        if new or reviews
        else "no more cards asked for, limits unchanged"
    )
    print(
        f"{selection.start or 'all decks'}: {added}; left now: {counts.new} new, "
        f"{counts.learning} learning, {counts.review} review"
    )
    return 0
