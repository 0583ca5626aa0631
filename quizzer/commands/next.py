"""`quizzer next [--json]`: the card to study now, with everything needed to show it."""

from __future__ import annotations

import argparse
from typing import TYPE_CHECKING, Any

from quizzer.commands import common
from quizzer.commands.common import EXIT_OK, collection_for, iso, local, print_json, selection_for

if TYPE_CHECKING:
    from quizzer.decks.cards import Card
    from quizzer.session import Session


def card_payload(session: Session, card: Card, now_ms: int) -> dict[str, Any]:
    """Everything needed to show a card, as JSON-ready data."""
    from quizzer.decks.faces import faces
    from quizzer.decks.media import card_media
    from quizzer.decks.models import MultipleChoice, Numeric, Order
    from quizzer.scheduling import describe_interval

    q = card.question
    deck = session.tree.decks[card.deck_id]
    state = session.state(card.id)
    data: dict[str, Any] = {
        "card_id": card.id,
        "deck": card.deck_id,
        "deck_title": deck.deck.title,
        "type": q.kind,
        "state": state.state.name.lower(),
        "hint": q.hint,
    }
    order = session.shown_order(card)
    shown = faces(card, order)
    data["prompt"] = shown.front
    if shown.back is not None:
        data["answer"] = shown.back
    if isinstance(q, MultipleChoice):
        data["multi"] = q.multi
    entries: list[dict[str, Any]] = [
        {"number": i + 1, "text": text} for i, text in enumerate(shown.options)
    ]
    if isinstance(q, MultipleChoice):  # shown beside each option once answered
        for entry, j in zip(entries, order, strict=True):
            entry["feedback"] = q.choices[j].feedback
    if isinstance(q, MultipleChoice | Order):
        data["choices" if isinstance(q, MultipleChoice) else "items"] = entries
    if isinstance(q, Numeric):
        data["unit"] = shown.unit
    front, back = card_media(card)
    data["media"] = [
        {"side": side, "kind": ref.kind, "path": str(ref.path(deck.path)), "alt": ref.alt}
        for side, refs in (("front", front), ("back", back))
        for ref in refs
    ]
    intervals = session.preview(card, now_ms)
    data["intervals"] = {r.name.lower(): describe_interval(ms) for r, ms in intervals.items()}
    data["auto_graded"] = q.auto_graded
    data["explanation"] = q.explanation  # shown after answering, with the source
    data["source"] = q.source
    return data


def run(args: argparse.Namespace) -> int:
    """Show the next card (as JSON for scripts)."""
    col = collection_for(args)
    session = col.session(selection_for(args.deck, args.tag, col, args.query))
    now_ms = common.now_ms()
    card = session.next(now_ms)
    if card is None:
        nxt = session.next_due(now_ms)
        message = "nothing is due" + (f"; next card at {local(nxt, col)}" if nxt else "")
        counts = session.counts(now_ms)  # `later_today` may still be counted
        if args.json:
            print_json(
                {
                    "card_id": None,
                    "message": message,
                    "next_due": iso(nxt),
                    "counts": counts.as_dict(),
                }
            )
        else:
            print(message + (f" ({counts.later_today} later today)" if counts.later_today else ""))
        return EXIT_OK
    data = card_payload(session, card, now_ms)
    counts = session.counts(now_ms)
    data["counts"] = counts.as_dict()
    if args.json:
        print_json(data)
        return EXIT_OK
    print(f"[{data['deck']}] {data['card_id']} ({data['type']})")
    print(data["prompt"])
    for entry in data.get("choices", []) + data.get("items", []):
        print(f"  {entry['number']}. {entry['text']}")
    if data.get("unit"):
        print(f"  (answer in {data['unit']})")
    later = f"; {counts.later_today} later today" if counts.later_today else ""
    print(
        f"left now: {counts.new} new, {counts.learning} learning, {counts.review} review"
        f" (this card included){later}"
    )
    return EXIT_OK
