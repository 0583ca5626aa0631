"""`quizzer options DECK [--set KEY=VALUE...] [--reset KEY...] [--json]`: a deck or folder's
options, the value in force and where it comes from; changes are saved in config.toml."""

from __future__ import annotations

import argparse

from quizzer.commands.common import print_json
from quizzer.errors import CommandError


def run(args: argparse.Namespace) -> int:
    """Show (after changing, when asked) the options of one deck or folder."""
    from quizzer import paths
    from quizzer.commands.common import collection_for, selection_for
    from quizzer.config_edit import options_for, parse_value, save_options

    col = collection_for(args)
    try:
        selection_for([args.deck], None, col)
    finally:
        col.close()
    node = args.deck.rstrip("/")
    folder = node not in col.tree.decks
    changes = {}
    for item in args.set or ():
        key, sep, value = item.partition("=")
        if not sep:
            raise CommandError(f"--set {item!r}: write KEY=VALUE, e.g. new_per_day=10")
        changes[key.strip()] = parse_value(key.strip(), value)
    settings = col.settings
    if changes or args.reset:
        settings = save_options(paths.config_path(), node, changes, args.reset or (), folder)
    options = options_for(settings, node, folder)
    if args.json:
        print_json({"deck": node, "folder": folder, "options": [o.as_dict() for o in options]})
        return 0
    print(f"{node} ({'folder' if folder else 'deck'})")
    for o in options:
        value = " ".join(f"{m:g}" for m in o.value) if isinstance(o.value, tuple) else o.value
        where = f'  [decks."{o.table}"]' if o.table else ""
        print(f"  {o.key:<18} {value!s:<10} {o.source}{where}")
    return 0
