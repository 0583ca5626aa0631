"""`quizzer new DECK_ID`: a deck file from the commented template."""

from __future__ import annotations

import argparse
import os
from pathlib import Path

from quizzer.commands.common import EXIT_OK
from quizzer.errors import CommandError


def run(args: argparse.Namespace) -> int:
    """Create a deck file from the commented template."""
    from quizzer.decks.loader import DECK_NAME

    deck_id = args.deck_id.removesuffix(".yaml").strip("/")
    if not deck_id or not all(DECK_NAME.match(p) for p in deck_id.split("/")):
        raise CommandError(
            f"invalid deck id {args.deck_id!r}: use lowercase folder/name parts like asr/my-topic"
        )
    # Never into the installed package: without --decks, into the user decks folder, which is
    # loaded together with the bundled decks.
    from quizzer import paths

    # the one command that may name a decks folder that does not exist yet: it creates it
    chosen = os.environ.get("QUIZZER_DECKS")
    root = Path(chosen) if chosen else paths.user_decks_dir()
    target = root / f"{deck_id}.yaml"
    if target.exists():
        raise CommandError(f"{target} already exists; not overwriting it")
    template = (Path(__file__).parents[1] / "decks" / "template.yaml").read_text(encoding="utf-8")
    name = deck_id.rsplit("/", 1)[-1]
    text = template.replace("__TITLE__", name.replace("-", " ").title()).replace(
        "__TAG__", deck_id.split("/")[0]
    )
    target.parent.mkdir(parents=True, exist_ok=True)
    target.write_text(text, encoding="utf-8")
    review = f"quizzer --decks {root} review {deck_id}" if chosen else f"quizzer review {deck_id}"
    print(
        f"created {target}; edit it, check it with 'quizzer lint {target}', "
        f"and review it with '{review}'"
    )
    return EXIT_OK
