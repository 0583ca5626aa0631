"""`quizzer answer CARD_ID RATING|--response TEXT`: record an answer."""

from __future__ import annotations

import argparse

from quizzer.commands import common
from quizzer.commands.common import EXIT_OK, collection_for, iso, local, print_json
from quizzer.errors import CommandError


def run(args: argparse.Namespace) -> int:
    """Record an answer: a rating, or a response that quizzer grades."""
    from quizzer.scheduling import describe_interval
    from quizzer.state import Rating

    if (args.rating is None) == (args.response is None):
        raise CommandError("give either a RATING (again, hard, good, easy, 1-4) or --response TEXT")
    if args.rating_override is not None and args.response is None:
        raise CommandError("--rating goes with --response; with a RATING, give only the RATING")
    col = collection_for(args)
    session = col.session()
    now_ms = common.now_ms()
    card = session.card(args.card_id)
    graded = None
    if args.response is not None:
        if not card.question.auto_graded:
            raise CommandError(f"{card.id} is a {card.question.kind} card: give a rating instead")
        graded = session.grade(card, args.response)
        rating = Rating(args.rating_override or graded.rating)
    else:
        try:
            rating = Rating.parse(args.rating)
        except ValueError as exc:
            raise CommandError(str(exc)) from None
        if card.question.auto_graded and args.rating is not None:
            pass  # a self-rating of an auto-graded card is allowed (the learner overrides)
    done = session.answer(
        card.id,
        rating,
        now_ms,
        graded=graded,
        response=args.response,
        duration_ms=args.duration_ms,
    )
    due = done.after.due
    result = {
        "card_id": card.id,
        "rating": rating.name.lower(),
        "verdict": str(graded.verdict) if graded else None,
        "expected": graded.expected if graded else None,
        "message": graded.message if graded else None,
        "due": iso(due),
        "interval": describe_interval((due or now_ms) - now_ms),
        "state": done.after.state.name.lower(),
    }
    if args.json:
        print_json(result)
    else:
        if graded:
            print(f"{graded.verdict}: {graded.message}")
        print(
            f"{rating.name.lower()}: next due {local(due or now_ms, col)} (in {result['interval']})"
        )
    return EXIT_OK
