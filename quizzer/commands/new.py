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

    if args.deck_id.endswith("/") and args.deck_id.strip("/"):
        raise CommandError(
            f"{args.deck_id!r} names a folder: add the deck's name, like "
            f"{args.deck_id.rstrip('/')}/my-topic"
        )
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
    bundled = paths.bundled_decks() / f"{deck_id}.yaml"
    if not chosen and bundled.exists() and not args.replace:
        raise CommandError(
            f"{deck_id} is a bundled deck, and a deck of yours with its id replaces it: choose "
            "another id, or pass --replace to start it afresh from the template"
        )
    template = (Path(__file__).parents[1] / "decks" / "template.yaml").read_text(encoding="utf-8")
    name = deck_id.rsplit("/", 1)[-1]
    title = name.replace("-", " ").title()
    text = template.replace("__TITLE__", yaml_text(title)).replace(
        "__TAG__", yaml_text(deck_id.split("/")[0])
    )
    target.parent.mkdir(parents=True, exist_ok=True)
    target.write_text(text, encoding="utf-8")
    # the commands to suggest need the same --decks or --data-dir this one ran with
    if chosen:
        where = f"--decks {root} "
    elif os.environ.get("QUIZZER_HOME") and args.data_dir:
        where = f"--data-dir {paths.data_dir()} "
    else:
        where = ""
    review = f"quizzer {where}review {deck_id}"
    print(
        f"created {target}; edit it, check it with 'quizzer lint {target}', "
        f"and review it with '{review}'"
    )
    return EXIT_OK


def yaml_text(text: str) -> str:
    """`text` as a YAML scalar that reads back as this very text, in a block or in a flow list:
    plain where YAML reads it as text, quoted where it would read a boolean, null or number
    (`no`, `null`, `2024`)."""
    import yaml

    return yaml.safe_dump([text], default_flow_style=True, allow_unicode=True, width=2**31)[1:-2]
