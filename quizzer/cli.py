"""The `quizzer` command line: the parser and the dispatch. Each command's body is a module of
`quizzer.commands`, imported only when that command runs, so `quizzer due` never pays for Textual
or genanki. Exit status: 0 success; 1 `lint` or `check` found problems, or `undo` found nothing to
undo; 2 bad usage or unreadable input.
"""

from __future__ import annotations

import argparse
import importlib
import os
import sys
from collections.abc import Callable, Sequence
from pathlib import Path
from typing import Any, NoReturn

from quizzer.state import MAX_DURATION_MS, Rating
from quizzer.terminal import printable

EXIT_OK, EXIT_USAGE = 0, 2


class _Parser(argparse.ArgumentParser):
    """argparse with its usage errors on one line, as every other error is (its commands'
    parsers are of this class too), and search terms negated with a leading `-` taken as
    terms, not options: after `--query` (`--query -is:new`), and as the query words of a
    command whose positionals are a search (`quizzer cards -is:new`)."""

    search_terms = False
    """Whether this command's positionals are search terms."""

    intermixed = False
    """Whether options may come between this command's positionals (`answer ID --json good`):
    plain argparse gives an optional positional no value once an option stands before it."""
    _mixing = False

    def error(self, message: str) -> NoReturn:
        self.exit(EXIT_USAGE, f"{self.prog}: error: {message} (see '{self.prog} --help')\n")

    def _is_term(self, arg: str) -> bool:
        """A word with one leading `-` that names none of this parser's options (nor a short
        one with its value attached): a negated search term."""
        options = self._option_string_actions
        return (
            len(arg) > 1
            and arg[0] == "-"
            and arg[1] != "-"
            and arg not in options
            and arg[:2] not in options
        )

    def _parse_known_args(
        self, arg_strings: list[str], *rest: Any
    ) -> tuple[argparse.Namespace, list[str]]:
        # argparse takes `-is:new` after `--query` for an unknown option, and `--query` then
        # for an option without its value: join them as `--query=-is:new` says it
        if "--query" in self._option_string_actions:
            joined: list[str] = []
            args = iter(arg_strings)
            for arg in args:
                if arg == "--":
                    joined += [arg, *args]
                    break
                joined.append(arg)
                if arg == "--query":
                    value = next(args, None)
                    if value is not None and self._is_term(value):
                        joined[-1] = f"--query={value}"
                    elif value is not None:
                        joined.append(value)
            arg_strings = joined
        if self.intermixed and not self._mixing:
            self._mixing = True  # parse_known_intermixed_args parses twice through here
            try:
                # the namespace only: newer Pythons pass `_parse_known_args` more than that
                return self.parse_known_intermixed_args(arg_strings, *rest[:1])
            finally:
                self._mixing = False
        return super()._parse_known_args(arg_strings, *rest)

    def _parse_optional(self, arg_string: str) -> Any:
        if self.search_terms and self._is_term(arg_string):
            return None  # a positional: a negated search term
        return super()._parse_optional(arg_string)


def build_parser() -> argparse.ArgumentParser:
    """The argument parser of every command."""
    parser = _Parser(
        prog="quizzer",
        parents=[_common_options(None)],
        description="Spaced-repetition quizzes and flashcards for the terminal. "
        "Without a command, opens the review screen's home.",
    )
    parser.add_argument("--version", action="version", version=_version())
    sub = parser.add_subparsers(dest="command", metavar="COMMAND")
    # after the command, an option left out must not overwrite the value given before it
    after_command = _common_options(argparse.SUPPRESS)

    def add(name: str, help: str, module: str | None = None) -> Any:
        """A command whose body is `quizzer.commands.<module>` (by default, its name)."""
        p = sub.add_parser(name, parents=[after_command], help=help, description=help)
        p.set_defaults(module=module or name)
        return p

    p = add("review", "start a review session (all decks, or the ones named)")
    p.add_argument("decks_filter", nargs="*", metavar="DECK", help="deck ids or folders")
    p.add_argument("--tag", help="only cards with this tag")
    p.add_argument("--query", metavar="Q", help="only cards matching a search (a filtered session)")
    p.add_argument("--cram", action="store_true", help="practise cards that are not due")
    custom = p.add_mutually_exclusive_group()
    custom.add_argument(
        "--ahead",
        type=_days,
        metavar="N",
        help="review cards due within N days, earliest first, without daily limits (rescheduled)",
    )
    custom.add_argument(
        "--forgotten",
        type=_days,
        metavar="N",
        help="practise the cards rated Again in the last N days (not rescheduled)",
    )

    p = add("next", "show the next card due")
    p.add_argument("--deck", action="append", metavar="D", help="deck id or folder (repeatable)")
    p.add_argument("--tag", help="only cards with this tag")
    p.add_argument("--query", metavar="Q", help="only cards matching a search")
    p.add_argument("--json", action="store_true", help="machine-readable output")

    p = add("answer", "record an answer to a card")
    p.intermixed = True
    p.add_argument("card_id", metavar="CARD_ID")
    p.add_argument("rating", nargs="?", metavar="RATING", help="again, hard, good, easy or 1-4")
    p.add_argument(
        "--response",
        metavar="TEXT",
        help="your answer, graded by quizzer (option numbers for choice/order)",
    )
    p.add_argument(
        "--rating",
        dest="rating_override",
        type=_rating_number,
        metavar="N",
        help="the rating (again, hard, good, easy or 1-4); with --response, recorded instead of "
        "the suggested one",
    )
    p.add_argument(
        "--duration-ms", type=_duration, metavar="MS", help="time spent answering (up to a day)"
    )
    p.add_argument(
        "--early",
        action="store_true",
        help="answer a card that is not due yet (FSRS counts it as an early review)",
    )
    p.add_argument("--json", action="store_true", help="machine-readable output")

    p = add("undo", "undo the last answer, bury, suspension or forget")
    p.add_argument("--json", action="store_true", help="machine-readable output")
    for action in ("suspend", "unsuspend", "bury"):
        p = add(action, f"{action} a card", "card_state")
        p.add_argument("card_id", metavar="CARD_ID")

    p = add("options", "show or change a deck or folder's options (saved in config.toml)")
    p.add_argument("deck", metavar="DECK", help="deck id or folder")
    p.add_argument(
        "--set",
        action="append",
        metavar="KEY=VALUE",
        help="set this deck or folder's own value (repeatable), e.g. new_per_day=10",
    )
    p.add_argument(
        "--reset",
        action="append",
        metavar="KEY",
        help="remove its own value, so it inherits again (repeatable)",
    )
    p.add_argument("--json", action="store_true", help="machine-readable output")

    p = add("extend", "study more new or review cards in a deck or folder today only")
    p.intermixed = True
    p.add_argument(
        "deck", nargs="?", metavar="DECK", help="deck id or folder (none: studying everything)"
    )
    p.add_argument("--new", type=_cards, metavar="N", help="N more new cards today (0 to 9999)")
    p.add_argument(
        "--reviews", type=_cards, metavar="N", help="N more review cards today (0 to 9999)"
    )

    p = add("cards", "find cards with a search query and list them")
    p.search_terms = True
    p.add_argument("query", nargs="*", metavar="QUERY", help="a search (docs/searching.md)")
    p.add_argument("--json", action="store_true", help="machine-readable output")
    p.add_argument("--limit", type=_whole(1, 10**9, "cards"), metavar="N", help="at most N cards")
    p.add_argument(
        "--sort",
        choices=_CARD_SORTS,
        default="deck",
        help="order of the list (deck order by default)",
    )

    p = add("forget", "make cards new again (their history stays in the log)")
    p.add_argument("card_ids", nargs="+", metavar="CARD_ID")

    p = add("due", "count the cards left today, per deck")
    p.add_argument("--deck", action="append", metavar="D", help="deck id or folder (repeatable)")
    p.add_argument("--tag", help="only cards with this tag")
    p.add_argument("--query", metavar="Q", help="only cards matching a search")
    p.add_argument("--json", action="store_true", help="machine-readable output")
    p = add("decks", "list decks with question and card counts")
    p.add_argument("--json", action="store_true", help="machine-readable output")
    p = add("stats", "retention statistics")
    p.intermixed = True
    p.add_argument("deck", nargs="?", metavar="DECK", help="deck id, folder, or tag:NAME")
    p.add_argument("--days", type=_days, default=30, metavar="N", help="period in days (30)")
    p.add_argument("--query", metavar="Q", help="only cards matching a search")
    p.add_argument("--json", action="store_true", help="every figure as JSON")

    p = add("lint", "check deck files and report every problem")
    p.add_argument("paths", nargs="*", metavar="PATH", help="deck files or folders")
    p.add_argument("--strict", action="store_true", help="count warnings as problems (exit 1)")
    add("schema", "print the JSON Schema of the deck format")
    p = add("new", "create a deck file from a template")
    p.add_argument("deck_id", metavar="DECK_ID", help="e.g. asr/my-topic")
    p.add_argument(
        "--replace", action="store_true", help="a bundled deck's id: replace that deck with it"
    )
    p = add("orphans", "list cards whose question left the decks")
    p.add_argument("--json", action="store_true", help="machine-readable output")
    add("rebuild", "replay the review log to recompute every card")

    p = add("export", "export to Anki, or export the review log")
    p.add_argument("what", choices=["anki", "reviews"], help="anki: an .apkg; reviews: the log")
    p.add_argument("export_decks", nargs="*", metavar="DECK", help="anki: decks or folders")
    p.add_argument("-o", "--output", metavar="FILE", help="output file")
    p.add_argument(
        "--with-progress",
        action="store_true",
        help="anki: include your scheduling and review history",
    )
    p.add_argument("--format", choices=["csv", "jsonl"], help="reviews: format (csv)")
    p.add_argument("--query", metavar="Q", help="anki: only notes of the cards matching a search")

    p = add("import", "import an Anki package (.apkg, .colpkg) into YAML decks", "import_anki")
    p.add_argument("what", choices=["anki"], help="anki: an .apkg or .colpkg file")
    p.add_argument("file", metavar="FILE", help="the Anki package")
    p.add_argument("--into", metavar="DIR", help="decks folder to write (your decks folder)")
    p.add_argument("--deck", metavar="PREFIX", help="folder under DIR for the imported decks")
    p.add_argument(
        "--with-history", action="store_true", help="add Anki's reviews to your review log"
    )
    p.add_argument(
        "--use-params", action="store_true", help="write Anki's FSRS parameters to config.toml"
    )
    p.add_argument("--force", action="store_true", help="overwrite questions you edited")
    p.add_argument("--dry-run", action="store_true", help="print the report, write nothing")

    p = add("optimize", "fit FSRS parameters to your review history")
    p.add_argument(
        "--reschedule", action="store_true", help="replay the log with the new parameters"
    )
    p.add_argument(
        "--splits",
        action="store_true",
        help="run the time-series splits however many reviews (slow on large logs)",
    )
    p = add("retention", "simulate workload for several desired retentions")
    p.add_argument("--days", type=int, default=365, metavar="N", help="horizon in days (365)")
    p = add("sync", "exchange reviews with other devices through a folder")
    p.add_argument("dir", metavar="DIR", help="a folder every device can reach")
    p = add("check", "check the database for damage and the card cache for drift")
    p.add_argument("--json", action="store_true", help="machine-readable output")
    return parser


def _common_options(default: Any) -> _Parser:
    """The options every command takes, before or after its name, with this default."""
    common = _Parser(add_help=False)
    common.add_argument(
        "--decks",
        metavar="DIR",
        default=default,
        help="use only the decks tree in DIR, not the bundled and your own decks "
        "(or QUIZZER_DECKS)",
    )
    common.add_argument(
        "--data-dir",
        metavar="DIR",
        default=default,
        help="folder of the database, config.toml and your decks (or QUIZZER_HOME)",
    )
    return common


def _whole(low: int, high: int, unit: str) -> Callable[[str], int]:
    """An argparse type: a whole number from `low` to `high` (`unit` names it in errors)."""

    def parse(text: str) -> int:
        try:
            value = int(text)
        except ValueError:
            raise argparse.ArgumentTypeError(f"{text!r} is not a whole number of {unit}") from None
        if not low <= value <= high:
            raise argparse.ArgumentTypeError(f"{value} is not between {low} and {high} {unit}")
        return value

    return parse


def _rating_number(text: str) -> int:
    """An argparse type: a rating given as again, hard, good, easy or 1-4, as its number."""
    try:
        return int(Rating.parse(text))
    except ValueError as exc:
        raise argparse.ArgumentTypeError(str(exc)) from None


_days = _whole(1, 36_500, "days")
_CARD_SORTS = ("deck", "due", "interval", "stability", "recall", "lapses", "reps", "type", "state")
_duration = _whole(0, MAX_DURATION_MS, "ms")
_cards = _whole(0, 9999, "cards")


def _version() -> str:
    from quizzer import __version__

    return f"quizzer {__version__}"


def main(argv: Sequence[str] | None = None) -> int:
    """Run the command line; returns the exit status."""
    parser = build_parser()
    try:
        args, extra = parser.parse_known_args(argv)
        if extra:  # told by the command's parser, so that its --help is the one named
            commands = next(a for a in parser._actions if isinstance(a, argparse._SubParsersAction))
            owner = commands.choices.get(args.command, parser) if args.command else parser
            owner.error(f"unrecognized arguments: {' '.join(extra)}" + _term_hint(owner, extra))
    except SystemExit as exc:
        return int(exc.code or 0)
    if args.decks:
        os.environ["QUIZZER_DECKS"] = str(Path(args.decks).expanduser().resolve())
    if args.data_dir:
        os.environ["QUIZZER_HOME"] = str(Path(args.data_dir).expanduser().resolve())
    if args.command is None:
        args.decks_filter, args.tag, args.query, args.cram = [], None, None, False
        args.ahead = args.forgotten = None
        args.module = "review"
    try:
        return run_command(args)
    except KeyboardInterrupt:
        return 130
    except BrokenPipeError:
        return EXIT_OK
    except Exception as exc:
        message = _known_error(exc)
        if message is None:
            raise
        print(f"quizzer: error: {printable(message)}", file=sys.stderr)
        return EXIT_USAGE


def _term_hint(parser: argparse.ArgumentParser, extra: list[str]) -> str:
    """How to give a negated search term that was read as an unknown option."""
    term = next((a for a in extra if a[:1] == "-" and a[1:2] not in ("", "-")), None)
    if term is None or "--query" not in parser._option_string_actions:
        return ""
    return f"; a search term that starts with '-' goes in --query: --query={term}"


def run_command(args: argparse.Namespace) -> int:
    """Run the command `args` names (its module of `quizzer.commands`)."""
    module = importlib.import_module(f"quizzer.commands.{args.module}")
    run: Callable[[argparse.Namespace], int] = module.run
    return int(run(args))


def _known_error(exc: Exception) -> str | None:
    import sqlite3

    from quizzer.errors import QuizzerError
    from quizzer.store.damage import damage_behind, explain_unguarded
    from quizzer.store.db import default_path

    if isinstance(exc, QuizzerError):
        return str(exc)
    if isinstance(exc, sqlite3.DatabaseError) and not isinstance(exc, sqlite3.ProgrammingError):
        # raised while a cursor was read, after its statement ran
        return explain_unguarded(exc, default_path())
    return damage_behind(exc, default_path())
