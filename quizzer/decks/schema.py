"""The JSON Schema of the deck format, generated from the models (field docstrings included)."""

from __future__ import annotations

import json
from typing import Any

from quizzer import __version__

SCHEMA_ID = "https://quizzer.invalid/schema/deck.json"


def deck_schema() -> dict[str, Any]:
    """The JSON Schema of one deck file, for editors and the YAML language server."""
    from pydantic import TypeAdapter

    from quizzer.decks.models import Deck

    schema = TypeAdapter(Deck).json_schema()
    schema["$schema"] = "https://json-schema.org/draft/2020-12/schema"
    schema["$id"] = SCHEMA_ID
    schema["title"] = f"quizzer deck (format of quizzer {__version__})"
    return schema


def schema_json() -> str:
    """The schema as indented JSON text."""
    return json.dumps(deck_schema(), indent=2, ensure_ascii=False) + "\n"
