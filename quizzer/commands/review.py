"""`quizzer` and `quizzer review`: the terminal UI, which needs a terminal."""

from __future__ import annotations

import argparse
import sys

from quizzer.commands.common import EXIT_OK
from quizzer.errors import CommandError


def _has_terminal() -> bool:
    return sys.stdin.isatty() and sys.stdout.isatty()


def run(args: argparse.Namespace) -> int:
    """Open the terminal UI (home, or straight into a session)."""
    if getattr(args, "cram", False) and getattr(args, "ahead", None) is not None:
        raise CommandError(
            "--cram and --ahead do not go together: --ahead reschedules the cards it reviews, "
            "--cram leaves every schedule as it is"
        )
    if not _has_terminal():
        raise CommandError(
            "the review screen needs a terminal; without one, use 'quizzer next' and "
            "'quizzer answer' (add --json for scripts)"
        )
    from quizzer.tui.graphics import start_probe

    start_probe()  # the terminal's answers are awaited while the app is imported
    from quizzer.custom_study import custom_query
    from quizzer.tui import pause_collector

    query, cram = custom_query(args.query, args.ahead, args.forgotten), args.cram
    if query is not None:
        from quizzer.search import parse

        parse(query)  # a bad query fails before the screen is taken
    pause_collector()  # the imports too (see quizzer.tui)
    from quizzer.tui.app import make_app

    app = make_app(
        decks=args.decks_filter or (),
        tag=args.tag,
        query=query,
        cram=cram or args.forgotten is not None,
        ahead=args.ahead is not None,
        start_session=args.command == "review",
    )
    app.run()
    if app.failure is not None:
        raise app.failure
    return EXIT_OK
