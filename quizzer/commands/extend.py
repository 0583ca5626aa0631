"""`quizzer extend DECK --new N --reviews N`: more new or review cards today in a deck or
folder (custom study); the next study day is back to the usual limits."""

from __future__ import annotations

import argparse

from quizzer.errors import CommandError


def run(args: argparse.Namespace) -> int:
    """Raise today's limits of one deck or folder and say what is left to study there."""
    from quizzer.commands.common import collection_for, now_ms, selection_for

    if not (args.new or args.reviews):
        raise CommandError("give --new N or --reviews N (more cards today)")
    col = collection_for(args)
    try:
        selection = selection_for([args.deck] if args.deck else [], None, col)
        session = col.session(selection)
        moment = now_ms()
        session.extend(selection.start, args.new, args.reviews, moment)
        counts = session.counts(moment)
    finally:
        col.close()
    print(
        f"{selection.start or 'all decks'}: today only, {args.new} more new and "
        f"{args.reviews} more review cards; left now: {counts.new} new, "
        f"{counts.learning} learning, {counts.review} review"
    )
    return 0
