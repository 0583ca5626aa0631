"""`quizzer stats [DECK] [--days N] [--query Q] [--json]`: the statistics, drawn or as JSON."""

from __future__ import annotations

import argparse
import json
from typing import TYPE_CHECKING

from quizzer.commands.common import collection_for, now_ms, warn_unknown_terms

if TYPE_CHECKING:
    from quizzer.stats import Stats


def _show(args: argparse.Namespace, stats: Stats) -> int:
    if args.json:
        print(json.dumps(stats.to_json(), indent=2, ensure_ascii=False))
        return 0
    from rich.console import Console  # the JSON output needs neither Rich nor the view

    from quizzer.views.stats import render

    console = Console(highlight=False)
    console.print(render(stats, width=min(console.width, 100)))
    return 0


def run(args: argparse.Namespace) -> int:
    """`quizzer stats [DECK] [--days N] [--query Q] [--json]`."""
    from quizzer.stats.indexed import indexed_stats, write_stats_index

    now = now_ms()
    # from the stats index while the decks and settings are unchanged (no YAML or pydantic);
    # else by loading them, which prints the same warnings and writes the index again. A tag
    # or a search reads the questions themselves.
    indexed = args.query is None and not (args.deck or "").strip().startswith("tag:")
    if indexed:
        quick = indexed_stats(now, args.deck, args.days)
        if quick is not None:
            return _show(args, quick)
    from quizzer.stats import compute

    collection = collection_for(args)
    if args.query is not None:
        from quizzer.search import parse

        warn_unknown_terms(parse(args.query), collection)
    stats = compute(collection, now, args.deck, args.days, args.query)
    if indexed:
        write_stats_index(collection)
    return _show(args, stats)
