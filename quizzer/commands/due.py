"""`quizzer due [--deck D] [--tag T] [--query Q] [--json]`: what is left now and later today,
per deck, in a session on everything or on the cards asked for."""

from __future__ import annotations

import argparse

from quizzer.commands.common import EXIT_OK, collection_for, now_ms, print_json, selection_for


def run(args: argparse.Namespace) -> int:
    """Cards left today per deck and in total: what `quizzer next` with the same options serves
    before it says nothing is due."""
    from quizzer.collection import due_plan

    if args.deck or args.tag or args.query is not None:
        col = collection_for(args)
        try:
            selection = selection_for(args.deck, args.tag, col, args.query)
            queue = col.session(selection).plan(now_ms())
        finally:
            col.close()
    else:
        # from the card index when it is current (no YAML, pydantic or fsrs imported), else by
        # opening the collection in full, which prints the same warnings and refreshes the index
        queue = due_plan(now_ms(), lambda: collection_for(args))
    rows = {d: c.as_dict() for d, c in sorted(queue.per_deck.items())}
    if args.json:
        print_json({"total": queue.counts.as_dict(), "decks": rows})
        return EXIT_OK
    # `later`: learning cards that fall due before the study day ends (a row may be only that)
    print(f"{'deck':<40} {'new':>5} {'learn':>5} {'due':>5} {'later':>5}")
    for deck_id, c in rows.items():
        n, learn, due, later = c["new"], c["learning"], c["review"], c["later_today"]
        print(f"{deck_id:<40} {n:>5} {learn:>5} {due:>5} {later:>5}")
    t = queue.counts
    print(f"{'total':<40} {t.new:>5} {t.learning:>5} {t.review:>5} {t.later_today:>5}")
    return EXIT_OK
