"""`quizzer cards [QUERY...] [--json] [--limit N] [--sort FIELD]`: find cards with the search
language and list them with their memory state."""

from __future__ import annotations

import argparse
import json
import sys
from collections.abc import Callable
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from quizzer.collection import Collection
    from quizzer.decks.cards import Card
    from quizzer.search import Context
    from quizzer.state import CardState


def card_question(card: Card) -> str:
    """The text that identifies a card: its prompt (the answer for a reverse card), or its
    cloze text with this card's deletions hidden."""
    from quizzer.decks.cloze import render_cloze
    from quizzer.decks.models import Cloze

    q = card.question
    if isinstance(q, Cloze):
        return render_cloze(q.text, card.cloze_number or 1, reveal=False)
    if card.variant == "reverse":
        return str(getattr(q, "answer", ""))
    return str(getattr(q, "prompt", ""))


def card_row(card: Card, state: CardState, ctx: Context) -> dict[str, Any]:
    """One found card as JSON-ready data."""
    from quizzer.clock import from_ms

    recall = ctx.recall(state)
    interval = ctx.prop("ivl", state)
    return {
        "card_id": card.id,
        "deck": card.deck_id,
        "type": card.question.kind,
        "state": state.state.name.lower(),
        "due": None if state.due is None else from_ms(state.due).isoformat().replace("+00:00", "Z"),
        "suspended": state.suspended,
        "buried": state.buried_until is not None and state.buried_until > ctx.now,
        "leech": state.leech,
        "question": card_question(card),
        "interval_days": None if interval is None else round(interval, 2),
        "stability": None if state.stability is None else round(state.stability, 2),
        "difficulty": None if state.difficulty is None else round(state.difficulty, 2),
        "recall": None if recall is None else round(recall, 4),
        "lapses": state.lapses,
        "reps": state.reps,
    }


def _sort_key(field: str, states: dict[str, CardState], ctx: Context) -> Callable[[Card], Any]:
    """A key that puts cards without the value (new cards) last."""

    def value(card: Card) -> Any:
        state = states[card.id]
        if field == "type":
            return card.question.kind
        if field == "state":
            return int(state.state)
        if field == "due":
            return state.due
        if field == "interval":
            return ctx.prop("ivl", state)
        if field == "stability":
            return state.stability
        if field == "recall":
            return ctx.recall(state)
        return getattr(state, field)

    def key(card: Card) -> tuple[bool, Any]:
        v = value(card)
        return (v is None, v if v is not None else 0)

    return key


def run(args: argparse.Namespace) -> int:
    """List the cards matching the query."""
    from quizzer.commands.common import collection_for
    from quizzer.commands.common import now_ms as clock_ms
    from quizzer.finding import search_context
    from quizzer.search import parse
    from quizzer.state import CardState

    query = parse(" ".join(args.query))
    col: Collection = collection_for(args)
    now_ms = clock_ms()
    ctx = search_context(query, col.tree, col.store, col.settings, col.zone, now_ms)
    stored = col.store.states()
    cards = list(col.tree.cards())
    states = {c.id: stored.get(c.id) or CardState(c.id) for c in cards}
    found = query.filter(cards, states, ctx)
    if args.sort != "deck":
        found.sort(key=_sort_key(args.sort, states, ctx))
    total = len(found)
    if args.limit is not None:
        found = found[: args.limit]
    rows = [card_row(c, states[c.id], ctx) for c in found]
    if args.json:
        print(json.dumps(rows, indent=2, ensure_ascii=False))
        return 0
    _print_table(rows, [states[c.id].due for c in found], col)
    shown = f"{len(rows)} of {total}" if len(rows) < total else f"{total}"
    print(f"{shown} card{'s' if total != 1 else ''}", file=sys.stderr)
    return 0


def _print_table(rows: list[dict[str, Any]], dues: list[int | None], col: Collection) -> None:
    """The rows as a fixed-width table; the question is cut to fit the terminal."""
    import shutil

    from quizzer.clock import from_ms
    from quizzer.terminal import printable

    width = shutil.get_terminal_size((120, 24)).columns
    deck_w = min(28, max((len(r["deck"]) for r in rows), default=4))
    fixed = deck_w + 8 + 11 + 16 + 8 + 7 + 6 + 6 + 9
    question_w = max(20, width - fixed)
    print(
        f"{'deck':<{deck_w}} {'question':<{question_w}} {'type':<7} {'state':<10} "
        f"{'due':<16} {'ivl':>7} {'stab':>6} {'recall':>6} {'lapses':>6}"
    )
    for r, due_ms in zip(rows, dues, strict=True):
        text = printable(" ".join(r["question"].split()))
        if len(text) > question_w:
            text = text[: question_w - 1] + "…"
        state = r["state"]
        if r["suspended"]:
            state = "suspended"
        elif r["buried"]:
            state = "buried"
        due = "-"
        if due_ms is not None:
            due = from_ms(due_ms).astimezone(col.zone).strftime("%Y-%m-%d %H:%M")
        ivl = "-" if r["interval_days"] is None else f"{r['interval_days']:.1f}d"
        stab = "-" if r["stability"] is None else f"{r['stability']:.1f}"
        recall = "-" if r["recall"] is None else f"{r['recall']:.0%}"
        print(
            f"{r['deck'][:deck_w]:<{deck_w}} {text:<{question_w}} {r['type']:<7} {state:<10} "
            f"{due:<16} {ivl:>7} {stab:>6} {recall:>6} {r['lapses']:>6}"
        )
