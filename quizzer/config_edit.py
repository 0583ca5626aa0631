"""Deck options: the settings in force for one deck or folder, where each comes from, and edits
to config.toml (deck options, fitted parameters) that keep the learner's comments and layout
(tomlkit).

A deck or folder's own values live in a `[decks."<id>"]` table; a glob table (`[decks."asr/*"]`)
is a folder's setting for the decks below it; top-level keys are the global values, and what
config.toml leaves out is the built-in default. Of the tables that match, the most specific wins
(`Settings.matching_tables`, which `Settings.for_deck` applies too).
"""

from __future__ import annotations

import contextlib
import copy
import os
import re
import tempfile
import tomllib
from collections.abc import Iterable, Iterator, Mapping, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import tomlkit
from pydantic import ValidationError
from tomlkit.items import InlineTable, KeyType, SingleKey

from quizzer import paths
from quizzer.config import ConfigError, Scheduling, Settings, validate_settings

OPTION_KEYS: tuple[str, ...] = (
    "new_per_day",
    "reviews_per_day",
    "desired_retention",
    "learning_steps",
    "relearning_steps",
    "leech_threshold",
    "leech_action",
)
"""The options a deck or folder shows and edits, in the order they are shown."""


LIMIT_KEYS = frozenset({"new_per_day", "reviews_per_day"})
"""Options a folder has for itself (its daily limits); its other options are those of the decks
below it (a `[decks."<folder>/*"]` table)."""


@dataclass(frozen=True, slots=True)
class Option:
    """One option of a deck or folder: its value in force and where that value comes from."""

    key: str
    value: Any
    source: str
    """`default` (built in), `global` (a top-level key of config.toml), `folder` (a table for
    the decks of a folder above) or `own` (this deck or folder's own table)."""
    table: str | None = None
    """The `[decks."..."]` pattern that set it, for `folder` and `own`."""

    def as_dict(self) -> dict[str, Any]:
        """For JSON output."""
        value = list(self.value) if isinstance(self.value, tuple) else self.value
        return {"key": self.key, "value": value, "source": self.source, "table": self.table}


def own_table(node: str, key: str, folder: bool) -> str:
    """The `[decks."..."]` pattern that holds `key` for the deck or folder `node` itself."""
    node = node.rstrip("/")
    return node + "/*" if folder and key not in LIMIT_KEYS else node


def options_for(settings: Settings, node: str, folder: bool = False) -> list[Option]:
    """The options of the deck or folder `node`, with the value in force and its source. A
    folder's limits are its own (`queue.LimitTree`); its other options are those its decks get."""
    node = node.rstrip("/")
    found: dict[str, Option] = {}
    for key in OPTION_KEYS:
        source = "global" if key in settings.model_fields_set else "default"
        found[key] = Option(key, getattr(settings, key), source)
    for key in OPTION_KEYS:
        own = own_table(node, key, folder)
        for pattern, override in settings.matching_tables(own):  # the most specific last
            if key in override:
                value = getattr(Scheduling.model_validate({key: override[key]}), key)
                found[key] = Option(key, value, "own" if pattern == own else "folder", pattern)
    return [found[key] for key in OPTION_KEYS]


def parse_value(key: str, text: str) -> Any:
    """A value typed on the command line or in a form, as TOML would hold it: numbers, words,
    and for steps a list of minutes (`1 10`, `1,10` or `[1, 10]`). Unknown keys are errors."""
    if key not in OPTION_KEYS:
        raise ConfigError(f"{key}: not a deck option (one of {', '.join(OPTION_KEYS)})")
    text = text.strip()
    if key.endswith("_steps"):
        parts = text.strip("[]").replace(",", " ").split()
        try:
            return [_number(p) for p in parts]
        except ValueError:
            raise ConfigError(f"{key}: give minutes as numbers, e.g. '1 10' (got {text!r})") from (
                None
            )
    try:
        return _number(text)
    except ValueError:
        return text


def _number(text: str) -> int | float:
    try:
        return int(text)
    except ValueError:
        return float(text)


def edit_options(
    text: str,
    node: str,
    changes: Mapping[str, Any],
    resets: Iterable[str] = (),
    folder: bool = False,
) -> str:
    """config.toml's text with the deck or folder `node`'s own values (`own_table`) changed
    (`changes`) or removed (`resets`: back to what it inherits), everything else byte for byte
    as it was. Raises ConfigError naming the key when a value is not allowed."""
    node = node.rstrip("/")
    if not node:
        raise ConfigError("name a deck or folder")
    resets = list(resets)
    for key in [*changes, *resets]:
        if key not in OPTION_KEYS:
            raise ConfigError(f"{key}: not a deck option (one of {', '.join(OPTION_KEYS)})")
        if key in changes and key in resets:
            raise ConfigError(f"{key}: both set and reset; give one or the other")
    for key, value in changes.items():
        try:
            Scheduling.model_validate({key: value})
        except ValidationError as exc:
            err = exc.errors(include_url=False)[0]
            message = str(err["msg"]).removeprefix("Value error, ")
            raise ConfigError(f"{key}: {message} (got {value!r})") from None
    try:
        doc = tomlkit.parse(text)
    except tomlkit.exceptions.ParseError as exc:
        raise ConfigError(f"config.toml: {exc}") from None
    try:
        before = tomllib.loads(text)
    except tomllib.TOMLDecodeError as exc:
        raise ConfigError(f"config.toml: {exc}") from None
    validate_settings(before, "config.toml")  # `decks` is a table of tables from here on
    try:
        _edit_decks(doc, node, changes, resets, folder)
        result = _dumps(doc, text)
        done = tomllib.loads(result)
    except (tomlkit.exceptions.TOMLKitError, ValueError, TypeError, AttributeError, KeyError):
        done = None  # a layout tomlkit cannot change so: refused below
    if done is None or _without_empty(done) != _expected(before, node, changes, resets, folder):
        raise ConfigError(
            "config.toml: cannot edit the [decks] tables as they are written; write each as "
            'its own [decks."<deck>"] table, then try again'
        )
    validate_settings(done, "config.toml")
    return result


def _edit_decks(
    doc: tomlkit.TOMLDocument,
    node: str,
    changes: Mapping[str, Any],
    resets: Iterable[str],
    folder: bool,
) -> None:
    """Change `doc` in place as `edit_options` describes, whatever the form of its `decks`: a
    table per deck, dotted keys, tables out of order, or inline tables."""
    decks: Any = doc.get("decks")
    if decks is None:
        if not changes:
            return
        decks = tomlkit.table(is_super_table=True)
        doc.append("decks", decks)
    for key in resets:
        pattern = own_table(node, key, folder)
        table = decks.get(pattern)
        if table is not None and key in table:
            del table[key]
            if not table and not _has_comment(table):
                del decks[pattern]  # nothing of the person's left in it, not even a comment
    added: dict[str, Any] = {}
    for key, value in changes.items():
        pattern = own_table(node, key, folder)
        table = decks.get(pattern)
        if table is None:
            table = added.get(pattern)
        if table is None:
            inline = isinstance(decks, InlineTable)  # an inline table holds only inline tables
            table = added[pattern] = tomlkit.inline_table() if inline else tomlkit.table()
        table[key] = value
    for pattern, table in added.items():
        # assigning, not `append`: that also works on dotted keys; the name quoted, as every
        # deck table is written (tomlkit would leave a name such as `asr` bare)
        decks[SingleKey(pattern, t=KeyType.Basic)] = table


def _has_comment(table: Any) -> bool:
    if table.trivia.comment:
        return True
    return not isinstance(table, InlineTable) and bool(table.as_string().strip())


def _expected(
    data: dict[str, Any],
    node: str,
    changes: Mapping[str, Any],
    resets: Iterable[str],
    folder: bool,
) -> dict[str, Any]:
    """What config.toml must hold after `edit_options`, as parsed TOML (empty deck tables left
    out): the check that an edit in whatever layout changed exactly what was asked."""
    expected = copy.deepcopy(data)
    decks = expected.setdefault("decks", {})
    for key in resets:
        decks.get(own_table(node, key, folder), {}).pop(key, None)
    for key, value in changes.items():
        decks.setdefault(own_table(node, key, folder), {})[key] = value
    return _without_empty(expected)


def _without_empty(data: dict[str, Any]) -> dict[str, Any]:
    decks = {p: t for p, t in data.get("decks", {}).items() if t}
    rest = {k: v for k, v in data.items() if k != "decks"}
    return {**rest, "decks": decks} if decks else rest


def save_options(
    path: Path,
    node: str,
    changes: Mapping[str, Any],
    resets: Iterable[str] = (),
    folder: bool = False,
) -> Settings:
    """Apply `edit_options` to the config.toml at `path` (created when missing), written whole
    or not at all; returns the settings it now holds."""
    with _editing(path):
        text, bom = _read(path)
        new = edit_options(text, node, changes, resets, folder)
        _write_whole(path, bom + new)
    return validate_settings(tomllib.loads(new), str(path))


def save_parameters(parameters: Sequence[float], path: Path | None = None) -> None:
    """Make `parameters` config.toml's FSRS parameters (its top-level `parameters`, created
    with the file when missing), everything else kept as it was, comments and layout included;
    written whole or not at all."""
    path = path or paths.config_path()
    with _editing(path):
        text, bom = _read(path)
        try:
            doc = tomlkit.parse(text)
        except tomlkit.exceptions.ParseError as exc:
            raise ConfigError(f"{path}: {exc}") from None
        doc["parameters"] = [float(p) for p in parameters]
        new = _dumps(doc, text)
        validate_settings(tomllib.loads(new), str(path))
        _write_whole(path, bom + new)


@contextlib.contextmanager
def _editing(path: Path) -> Iterator[None]:
    """Hold an exclusive lock on the folder of config.toml while the file is read, edited and
    replaced: two commands editing it at once (`options --set` in two terminals, `optimize`
    while the options screen saves) then each keep the other's change, where the second to
    write would have replaced the file with its edit of the text both had read."""
    path.parent.mkdir(parents=True, exist_ok=True)
    try:
        import fcntl
    except ImportError:  # pragma: no cover - a system without advisory locks
        yield
        return
    fd = os.open(path.parent, os.O_RDONLY)
    try:
        fcntl.flock(fd, fcntl.LOCK_EX)  # released when the descriptor is closed
        yield
    finally:
        os.close(fd)


def _read(path: Path) -> tuple[str, str]:
    """The text of config.toml as written (line endings untouched), and the byte order mark it
    starts with (`""` when none): TOML has no place for one, but some editors write it."""
    try:
        data = path.read_bytes()
    except FileNotFoundError:
        return "", ""
    try:
        text = data.decode("utf-8")
    except UnicodeDecodeError:
        raise ConfigError(f"{path}: not UTF-8 text") from None
    bom = "\ufeff" if text.startswith("\ufeff") else ""
    return text.removeprefix(bom), bom


def _dumps(doc: tomlkit.TOMLDocument, original: str) -> str:
    """The edited document's text, the lines tomlkit adds (which end in LF) ending as those
    of `original` do when all of them end in CRLF."""
    text = tomlkit.dumps(doc)
    if "\r\n" in original and "\n" not in original.replace("\r\n", ""):
        return _LONE_LF.sub("\r\n", text)
    return text


_LONE_LF = re.compile(r"(?<!\r)\n")


def _write_whole(path: Path, text: str) -> None:
    """Replace the file at `path` with `text`, byte for byte (no newline translation): a reader
    sees the old file or the new one."""
    path.parent.mkdir(parents=True, exist_ok=True)
    fd, tmp = tempfile.mkstemp(dir=path.parent, prefix=".config-", suffix=".toml")
    try:
        with os.fdopen(fd, "wb") as out:
            out.write(text.encode("utf-8"))
        os.replace(tmp, path)
    except BaseException:
        Path(tmp).unlink(missing_ok=True)
        raise
