"""The JSON Schema of the deck format, generated from the models (field docstrings included)."""

from __future__ import annotations

import ast
import inspect
import json
import textwrap
from typing import Any

from quizzer import __version__

SCHEMA_ID = "https://quizzer.invalid/schema/deck.json"


def deck_schema() -> dict[str, Any]:
    """The JSON Schema of one deck file, for editors and the YAML language server."""
    from pydantic import TypeAdapter

    from quizzer.decks import models

    schema = TypeAdapter(models.Deck).json_schema()
    for name, part in [("Deck", schema), *schema.get("$defs", {}).items()]:
        model = getattr(models, name, None)
        if isinstance(model, type):
            properties = part.get("properties", {})
            for field, doc in field_docs(model).items():
                if field in properties:  # keys in pydantic's order: sorted
                    described = {"description": doc, **properties[field]}
                    properties[field] = dict(sorted(described.items()))
    schema["$schema"] = "https://json-schema.org/draft/2020-12/schema"
    schema["$id"] = SCHEMA_ID
    schema["title"] = f"quizzer deck (format of quizzer {__version__})"
    return schema


def field_docs(model: type) -> dict[str, str]:
    """The docstring under each field of a model class and of its bases, read from their source
    (pydantic can do this at class creation, which costs every start that imports the models
    about 30 ms; only the schema needs them)."""
    docs: dict[str, str] = {}
    for cls in reversed(model.__mro__):
        if cls.__module__ != model.__module__:
            continue
        body = ast.parse(textwrap.dedent(inspect.getsource(cls))).body[0]
        assert isinstance(body, ast.ClassDef)
        for field, after in zip(body.body, body.body[1:], strict=False):
            if (
                isinstance(field, ast.AnnAssign)
                and isinstance(field.target, ast.Name)
                and isinstance(after, ast.Expr)
                and isinstance(after.value, ast.Constant)
                and isinstance(after.value.value, str)
            ):
                docs[field.target.id] = inspect.cleandoc(after.value.value)
    return docs


def schema_json() -> str:
    """The schema as indented JSON text."""
    return json.dumps(deck_schema(), indent=2, ensure_ascii=False) + "\n"
