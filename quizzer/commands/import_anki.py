"""`quizzer import anki FILE`: an Anki package or backup as YAML decks."""

from __future__ import annotations

import argparse
from pathlib import Path

from quizzer.import_.package import require_extra


def run(args: argparse.Namespace) -> int:
    """`quizzer import anki FILE [--into DIR] [--deck PREFIX] [--with-history] [--use-params]
    [--force] [--dry-run]`: import and print the report."""
    require_extra()
    from quizzer import paths
    from quizzer.clock import now, to_ms
    from quizzer.import_.command import import_anki

    # without --into, the decks tree in use: `--decks` (or QUIZZER_DECKS) when given, so that
    # the imported decks are studied from it, else the learner's decks folder
    into = Path(args.into).expanduser() if args.into else None
    into = into or paths.decks_override() or paths.user_decks_dir()
    report = import_anki(
        Path(args.file).expanduser(),
        into,
        prefix=args.deck or "",
        with_history=args.with_history,
        use_params=args.use_params,
        force=args.force,
        dry_run=args.dry_run,
        now_ms=to_ms(now()),
    )
    print("\n".join(report.lines()))
    return 0
