"""`quizzer stats [DECK] [--days N] [--json]`: the statistics, drawn or as JSON."""

from __future__ import annotations

import argparse
import json
from typing import TYPE_CHECKING

from quizzer.commands.common import collection_for, now_ms
from quizzer.stats import compute

if TYPE_CHECKING:
    from quizzer.collection import Collection


def _report(args: argparse.Namespace, collection: Collection, now: int) -> int:
    """`quizzer stats [DECK] [--days N] [--json]`."""
    stats = compute(collection, now, args.deck, args.days, args.query)
    if args.json:
        print(json.dumps(stats.to_json(), indent=2, ensure_ascii=False))
        return 0
    from rich.console import Console  # the JSON output needs neither Rich nor the view

    from quizzer.views.stats import render

    console = Console(highlight=False)
    console.print(render(stats, width=min(console.width, 100)))
    return 0


def run(args: argparse.Namespace) -> int:
    """`quizzer stats [DECK] [--days N] [--json]`."""
    return _report(args, collection_for(args), now_ms())
