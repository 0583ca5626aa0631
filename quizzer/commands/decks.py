"""`quizzer decks [--json]`: the deck tree with its counts and where each deck comes from."""

from __future__ import annotations

import argparse
import sys
from typing import Any

from quizzer import paths
from quizzer.commands.common import EXIT_OK, print_json
from quizzer.wording import counted


def deck_summary(tree: Any) -> dict[str, Any]:
    """The deck tree with question and card counts per deck, per folder and in total."""
    from collections import Counter

    from quizzer.collection import deck_origin

    decks = []
    folders: dict[str, dict[str, Any]] = {}
    total: Counter[str] = Counter()
    for deck_id in tree.ordered():
        loaded = tree.decks[deck_id]
        by_type = Counter(q.type for q in loaded.deck.questions)
        entry = {
            "id": deck_id,
            "title": loaded.deck.title,
            "folder": loaded.domain,
            "questions": len(loaded.deck.questions),
            "cards": len(loaded.cards),
            "types": dict(sorted(by_type.items())),
            "origin": deck_origin(tree, deck_id),
            "path": str(loaded.path),
        }
        decks.append(entry)
        folder = folders.setdefault(loaded.domain, {"decks": 0, "questions": 0, "cards": 0})
        folder["decks"] += 1
        folder["questions"] += entry["questions"]
        folder["cards"] += entry["cards"]
        total.update(decks=1, questions=entry["questions"], cards=entry["cards"])
    return {
        "roots": [str(r) for r in tree.roots],
        "decks": decks,
        "folders": folders,
        "total": dict(total),
        "problems": [str(p) for p in tree.problems],
    }


def run(args: argparse.Namespace) -> int:
    """List the deck tree with question and card counts."""
    from quizzer.collection import load_decks

    summary = deck_summary(load_decks())
    if args.json:
        print_json(summary)
        return EXIT_OK
    current = None
    for deck in summary["decks"]:
        if deck["folder"] != current:
            current = deck["folder"]
            f = summary["folders"][current]
            print(f"{current or '(top)'}/  {_counts(f)}")
        types = ", ".join(f"{n} {t}" for t, n in deck["types"].items())
        origin = "" if deck["origin"] == "bundled" else f"  [{deck['origin']}]"
        title = deck["title"] if len(deck["title"]) <= 28 else deck["title"][:27] + "…"
        cards = "card " if deck["cards"] == 1 else "cards"
        print(
            f"  {deck['id']:<40} {title:<28} {deck['questions']:>4} q "
            f"{deck['cards']:>4} {cards}  ({types}){origin}"
        )
    print(f"total: {_counts(summary['total'])}")
    for problem in summary["problems"]:
        print(f"quizzer: warning: skipped {problem}", file=sys.stderr)
    for line, text in paths.deck_folder_problems():
        print(f"quizzer: warning: {paths.config_path()}:{line}:1: {text}", file=sys.stderr)
    return EXIT_OK


def _counts(sums: dict[str, int]) -> str:
    """'2 decks, 1 question, 3 cards'."""
    return ", ".join(
        counted(n, what)
        for what, n in ((w, sums.get(f"{w}s", 0)) for w in ("deck", "question", "card"))
    )
