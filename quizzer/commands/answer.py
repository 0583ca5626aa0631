"""`quizzer answer CARD_ID RATING|--response TEXT`: record an answer.

When the card index is current (the decks and config.toml unchanged since a command last loaded
them), the answer is recorded from it, without loading the decks: the index knows every card and
each deck's scheduling settings, and the answer keys of the auto-graded questions (and, for
`--json`, what each question shows once answered) are read from the files beside it. Otherwise
the collection is opened in full, which refreshes the index. Both paths go through the same
checks, write (`answering.record_answer`) and report, in the same order, so their output and exit
status are the same.
"""

from __future__ import annotations

import argparse
from typing import TYPE_CHECKING, Any

from quizzer.commands import common
from quizzer.commands.common import EXIT_OK, collection_for, iso, local, print_json
from quizzer.errors import CommandError

if TYPE_CHECKING:
    from quizzer.collection import AnswerIndex, Collection
    from quizzer.decks.grading import Graded
    from quizzer.state import CardState, Rating


def run(args: argparse.Namespace) -> int:
    """Record an answer: a rating, or a response that quizzer grades."""
    from quizzer.collection import answer_index

    if args.rating is None and args.response is None and args.rating_override is not None:
        args.rating, args.rating_override = str(args.rating_override), None  # `--rating N` alone
    if (args.rating is None) == (args.response is None):
        raise CommandError("give either a RATING (again, hard, good, easy, 1-4) or --response TEXT")
    if args.rating_override is not None and args.response is None:
        raise CommandError("--rating goes with --response; with a RATING, give only the RATING")
    index = answer_index()
    if index is not None:
        done = _from_index(args, index)
        if done is not None:
            return done
    col = collection_for(args)
    if index is None or (args.json and index.notes(args.card_id) is None):
        from quizzer.collection import write_card_index

        write_card_index(col)
    return _in_full(args, col)


def _in_full(args: argparse.Namespace, col: Collection) -> int:
    """Answer with the collection opened in full."""
    from quizzer.answering import grade_response

    session = col.session()
    now_ms = common.now_ms()
    card = session.card(args.card_id)
    graded = None
    order = session.shown_order(card)
    if args.response is not None:
        if not card.question.auto_graded:
            raise CommandError(f"{card.id} is a {card.question.kind} card: give a rating instead")
        graded = grade_response(card.question, args.response, order)
    rating = _rating(args, graded)
    shown = None
    if args.json:
        from quizzer.after_answer import AfterNotes, after_answer
        from quizzer.decks.grading import AnswerKey

        q = card.question
        shown = after_answer(AfterNotes.of(q), AnswerKey.of(q) if q.auto_graded else None, order)
    done = session.answer(
        card.id,
        rating,
        now_ms,
        graded=graded,
        response=args.response,
        duration_ms=args.duration_ms,
        early=args.early,
    )
    return _report(args, card.id, rating, graded, done.after, now_ms, col, shown)


def _from_index(args: argparse.Namespace, index: AnswerIndex) -> int | None:
    """Answer from the card index; None when the full path must answer instead (a replay is
    pending, a response was given to a card the answer keys do not hold, or `--json` asks for
    notes the index does not hold)."""
    from quizzer.answering import grade_response, order_seed, record_answer, unknown_card
    from quizzer.store.db import Store

    with Store() as store:
        store.use_calendar(index.rules.calendar)
        if store.pending_replay() is not None:
            return None  # the full open replays first
        now_ms = common.now_ms()
        card_id = args.card_id
        if card_id not in index.card_ids:
            raise unknown_card(card_id, index.card_ids)
        graded = None
        key = index.answer_key(card_id) if args.response is not None or args.json else None
        order = key.shown_order(order_seed(card_id, store.state(card_id).reps)) if key else []
        if args.response is not None:
            if key is None:
                return None  # a self-graded card (the full path says so), or no keys
            graded = grade_response(key, args.response, order)
        rating = _rating(args, graded)
        shown = None
        if args.json:
            from quizzer.after_answer import after_answer

            notes = index.notes(card_id)
            if notes is None:
                return None
            shown = after_answer(notes, key, order)
        _, derived, _ = record_answer(
            store,
            index.rules,
            card_id,
            rating,
            now_ms,
            graded=graded,
            response=args.response,
            duration_ms=args.duration_ms,
            early=args.early,
        )
    return _report(args, card_id, rating, graded, derived.after, now_ms, index, shown)


def _rating(args: argparse.Namespace, graded: Graded | None) -> Rating:
    """The rating given, or the graded one (unless `--rating` overrides it)."""
    from quizzer.state import Rating

    if graded is not None:
        return Rating(args.rating_override or graded.rating)
    try:
        return Rating.parse(args.rating)
    except ValueError as exc:
        raise CommandError(str(exc)) from None


def _report(
    args: argparse.Namespace,
    card_id: str,
    rating: Rating,
    graded: Graded | None,
    after: CardState,
    now_ms: int,
    where: Collection | AnswerIndex,
    shown: dict[str, Any] | None = None,
) -> int:
    """Print what the answer did, as text or JSON (with `shown`: what the card shows once
    answered, `after_answer.after_answer`)."""
    from quizzer.scheduling import describe_interval

    due = after.due
    result = {
        "card_id": card_id,
        "rating": rating.name.lower(),
        "verdict": str(graded.verdict) if graded else None,
        "expected": graded.expected if graded else None,
        "message": graded.message if graded else None,
        "due": iso(due),
        "interval": describe_interval((due or now_ms) - now_ms),
        "state": after.state.name.lower(),
    }
    if args.json:
        print_json({**result, **(shown or {})})
    else:
        if graded:
            print(f"{graded.verdict}: {graded.message}")
        print(
            f"{rating.name.lower()}: next due {local(due or now_ms, where)} "
            f"(in {result['interval']})"
        )
    return EXIT_OK
