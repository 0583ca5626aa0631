"""`quizzer due [--json]`: what is left now and later today, per deck."""

from __future__ import annotations

import argparse

from quizzer.commands.common import EXIT_OK, collection_for, now_ms, print_json


def run(args: argparse.Namespace) -> int:
    """Cards left today per deck and in total."""
    from quizzer.collection import due_plan

    # from the card index when it is current (no YAML, pydantic or fsrs imported), else by
    # opening the collection in full, which prints the same warnings and refreshes the index
    queue = due_plan(now_ms(), lambda: collection_for(args))
    rows = {d: c.as_dict() for d, c in sorted(queue.per_deck.items())}
    if args.json:
        print_json({"total": queue.counts.as_dict(), "decks": rows})
        return EXIT_OK
    print(f"{'deck':<40} {'new':>5} {'learn':>5} {'due':>5}")
    for deck_id, c in rows.items():
        print(f"{deck_id:<40} {c['new']:>5} {c['learning']:>5} {c['review']:>5}")
    t = queue.counts
    print(f"{'total':<40} {t.new:>5} {t.learning:>5} {t.review:>5}")
    return EXIT_OK
