"""`quizzer cards [QUERY...] [--json] [--limit N] [--sort FIELD]`: find cards with the search
language and list them with their memory state."""

from __future__ import annotations

import argparse
import json
import sys
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from quizzer.collection import Collection


def run(args: argparse.Namespace) -> int:
    """List the cards matching the query."""
    from quizzer.commands.common import collection_for, warn_unknown_terms
    from quizzer.commands.common import now_ms as clock_ms
    from quizzer.finding import card_rows
    from quizzer.search import parse

    col: Collection = collection_for(args)
    query = parse(" ".join(args.query))
    warn_unknown_terms(query, col)
    rows, total = card_rows(
        query,
        col.tree,
        col.store,
        col.settings,
        col.zone,
        clock_ms(),
        sort=args.sort,
        limit=args.limit,
    )
    if args.json:
        print(json.dumps(rows, indent=2, ensure_ascii=False))
        return 0
    _print_table(rows, col)
    shown = f"{len(rows)} of {total}" if len(rows) < total else f"{total}"
    print(f"{shown} card{'s' if total != 1 else ''}", file=sys.stderr)
    return 0


def _print_table(rows: list[dict[str, Any]], col: Collection) -> None:
    """The rows as a fixed-width table; the question is cut to fit the terminal. The first
    column is the card's id (its deck, then the question), which `unsuspend`, `forget` and the
    other commands take."""
    import shutil

    from quizzer.finding import row_cells
    from quizzer.terminal import printable

    width = shutil.get_terminal_size((120, 24)).columns
    card_w = max((len(r["card_id"]) for r in rows), default=4)
    fixed = card_w + 8 + 11 + 16 + 8 + 7 + 6 + 6 + 9
    question_w = max(20, width - fixed)
    print(
        f"{'card':<{card_w}} {'question':<{question_w}} {'type':<7} {'state':<10} "
        f"{'due':<16} {'ivl':>7} {'stab':>6} {'recall':>6} {'lapses':>6}"
    )
    for r in rows:
        c = row_cells(r, col.zone)
        text = printable(c["question"])
        if len(text) > question_w:
            text = text[: question_w - 1] + "…"
        print(
            f"{printable(r['card_id']):<{card_w}} {text:<{question_w}} {c['type']:<7} "
            f"{c['state']:<10} {c['due']:<16} {c['interval']:>7} {c['stability']:>6} "
            f"{c['recall']:>6} {c['lapses']:>6}"
        )
