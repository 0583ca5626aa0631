"""`quizzer schema`: the JSON Schema of the deck format."""

from __future__ import annotations

import argparse
import sys

from quizzer.commands.common import EXIT_OK


def run(args: argparse.Namespace) -> int:
    """Print the JSON Schema of the deck format."""
    from quizzer.decks.schema import schema_json

    sys.stdout.write(schema_json())
    return EXIT_OK
