"""The `quizzer` command. Thin: it parses arguments, calls the core, and prints what comes back.

Modules are imported inside each command, so `quizzer due` never pays for Textual or genanki.
Exit status: 0 success, 1 `lint` found problems, 2 bad usage or unreadable input.
"""

from __future__ import annotations

import argparse
import json
import os
import sys
from collections.abc import Callable, Sequence
from pathlib import Path
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from quizzer.collection import Collection
    from quizzer.decks.cards import Card
    from quizzer.session import Session

from quizzer.state import MAX_DURATION_MS
from quizzer.terminal import printable

EXIT_OK, EXIT_PROBLEMS, EXIT_USAGE = 0, 1, 2


class CommandError(Exception):
    """A failure to report as one line on stderr with exit status 2."""


# ---------------------------------------------------------------- helpers


def _now_ms() -> int:
    from quizzer.clock import now, to_ms

    return to_ms(now())


def _iso(ms: int | None) -> str | None:
    if ms is None:
        return None
    from quizzer.clock import from_ms

    return from_ms(ms).isoformat().replace("+00:00", "Z")


def _local(ms: int, col: Collection) -> str:
    from quizzer.clock import from_ms

    return from_ms(ms).astimezone(col.zone).strftime("%Y-%m-%d %H:%M")


def _print_json(data: Any) -> None:
    print(json.dumps(data, indent=2, ensure_ascii=False))


def _open(args: argparse.Namespace) -> Collection:
    from quizzer.collection import open_collection

    col = open_collection()
    if col.tree.problems:
        n = len(col.tree.failed)
        print(
            f"quizzer: warning: {n} deck{'s' if n != 1 else ''} with errors skipped "
            f"(first: {col.tree.problems[0]}); run 'quizzer lint' for all",
            file=sys.stderr,
        )
    return col


def _selection(
    decks: Sequence[str] | None, tag: str | None, col: Collection, query: str | None = None
) -> Any:
    from quizzer.search import parse
    from quizzer.session import Selection

    if query is not None:
        parse(query)  # a bad query fails here, as one line
    for d in decks or ():
        d = d.rstrip("/")
        if d not in col.tree.decks and not any(k.startswith(d + "/") for k in col.tree.decks):
            raise CommandError(f"no deck or folder {d!r}; 'quizzer decks' lists them")
    return Selection(tuple(d.rstrip("/") for d in decks or ()), tag, query)


# ---------------------------------------------------------------- deck commands


def cmd_lint(args: argparse.Namespace) -> int:
    """Check deck files; print one located line per problem, then per warning."""
    from quizzer import paths
    from quizzer.decks.lint import deck_warnings
    from quizzer.decks.loader import LoadedDeck, deck_id_for, load_file, load_tree
    from quizzer.decks.media import check_deck, check_tree

    targets = [Path(p) for p in args.paths] or [r for r in paths.deck_roots() if r.is_dir()]
    problems = []
    warnings = []
    decks = questions = 0
    for target in targets:
        if target.is_dir():
            tree = load_tree(target, display_root=None)
            problems += tree.problems + check_tree(tree)
            loaded = list(tree.decks.values())
        elif target.exists():  # a FIFO or a device is reported by load_file, never read
            result = load_file(target, deck_id_for(target, target.parent), str(target))
            if isinstance(result, LoadedDeck):
                # media may not leave the decks tree the file is in (its folder when outside one)
                where = target.resolve()
                root = next(
                    (r for r in map(Path.resolve, paths.deck_roots()) if where.is_relative_to(r)),
                    target.parent,
                )
                problems += check_deck(result, root, str(target))
                loaded = [result]
            else:
                loaded, problems = [], problems + result
        else:
            raise CommandError(f"{target}: no such file or folder")
        for deck in loaded:
            decks += 1
            questions += len(deck.deck.questions)
            warnings += [*deck.warnings, *deck_warnings(deck, str(deck.path))]
    for problem in [*problems, *warnings]:
        print(problem)
    failing = len(problems) + (len(warnings) if args.strict else 0)
    told = f"{len(warnings)} warning{'s' if len(warnings) != 1 else ''}"
    if failing:
        print(
            f"{len(problems)} problem{'s' if len(problems) != 1 else ''} found, {told}; "
            f"{decks} deck{'s' if decks != 1 else ''} loaded",
            file=sys.stderr,
        )
        return EXIT_PROBLEMS
    print(
        f"{decks} deck{'s' if decks != 1 else ''}, {questions} questions: "
        + (f"no problems, {told}" if warnings else "no problems"),
        file=sys.stderr,
    )
    return EXIT_OK


def cmd_schema(args: argparse.Namespace) -> int:
    """Print the JSON Schema of the deck format."""
    from quizzer.decks.schema import schema_json

    sys.stdout.write(schema_json())
    return EXIT_OK


def cmd_new(args: argparse.Namespace) -> int:
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
    template = (Path(__file__).parent / "decks" / "template.yaml").read_text(encoding="utf-8")
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


def deck_summary(tree: Any) -> dict[str, Any]:
    """The deck tree with question and card counts per deck, per folder and in total."""
    from collections import Counter

    from quizzer.collection import deck_origin

    decks = []
    folders: dict[str, dict[str, Any]] = {}
    total: Counter[str] = Counter()
    for deck_id in tree.ordered():
        loaded = tree.decks[deck_id]
        by_type = Counter(q.type for q in loaded.deck.questions)
        entry = {
            "id": deck_id,
            "title": loaded.deck.title,
            "folder": loaded.domain,
            "questions": len(loaded.deck.questions),
            "cards": len(loaded.cards),
            "types": dict(sorted(by_type.items())),
            "origin": deck_origin(tree, deck_id),
            "path": str(loaded.path),
        }
        decks.append(entry)
        folder = folders.setdefault(loaded.domain, {"decks": 0, "questions": 0, "cards": 0})
        folder["decks"] += 1
        folder["questions"] += entry["questions"]
        folder["cards"] += entry["cards"]
        total.update(decks=1, questions=entry["questions"], cards=entry["cards"])
    return {
        "roots": [str(r) for r in tree.roots],
        "decks": decks,
        "folders": folders,
        "total": dict(total),
        "problems": [str(p) for p in tree.problems],
    }


def cmd_decks(args: argparse.Namespace) -> int:
    """List the deck tree with question and card counts."""
    from quizzer.collection import load_decks

    summary = deck_summary(load_decks())
    if args.json:
        _print_json(summary)
        return EXIT_OK
    current = None
    for deck in summary["decks"]:
        if deck["folder"] != current:
            current = deck["folder"]
            f = summary["folders"][current]
            print(
                f"{current or '(top)'}/  {f['decks']} decks, {f['questions']} questions, "
                f"{f['cards']} cards"
            )
        types = ", ".join(f"{n} {t}" for t, n in deck["types"].items())
        origin = "" if deck["origin"] == "bundled" else f"  [{deck['origin']}]"
        print(
            f"  {deck['id']:<40} {deck['title'][:28]:<28} {deck['questions']:>4} q "
            f"{deck['cards']:>4} cards  ({types}){origin}"
        )
    t = summary["total"]
    print(
        f"total: {t.get('decks', 0)} decks, {t.get('questions', 0)} questions, "
        f"{t.get('cards', 0)} cards"
    )
    for problem in summary["problems"]:
        print(f"error: {problem}", file=sys.stderr)
    return EXIT_OK


# ---------------------------------------------------------------- study commands


def cmd_due(args: argparse.Namespace) -> int:
    """Cards left today per deck and in total."""
    from quizzer.collection import due_plan

    # from the card index when it is current (no YAML, pydantic or fsrs imported), else by
    # opening the collection in full, which prints the same warnings and refreshes the index
    queue = due_plan(_now_ms(), lambda: _open(args))
    rows = {d: c.as_dict() for d, c in sorted(queue.per_deck.items())}
    if args.json:
        _print_json({"total": queue.counts.as_dict(), "decks": rows})
        return EXIT_OK
    print(f"{'deck':<40} {'new':>5} {'learn':>5} {'due':>5}")
    for deck_id, c in rows.items():
        print(f"{deck_id:<40} {c['new']:>5} {c['learning']:>5} {c['review']:>5}")
    t = queue.counts
    print(f"{'total':<40} {t.new:>5} {t.learning:>5} {t.review:>5}")
    return EXIT_OK


def card_payload(session: Session, card: Card, now_ms: int) -> dict[str, Any]:
    """Everything needed to show a card, as JSON-ready data."""
    from quizzer.decks.cloze import render_cloze
    from quizzer.decks.media import card_media
    from quizzer.decks.models import Basic, Cloze, MultipleChoice, Numeric, Order, Typed
    from quizzer.scheduling import describe_interval

    q = card.question
    deck = session.tree.decks[card.deck_id]
    state = session.state(card.id)
    data: dict[str, Any] = {
        "card_id": card.id,
        "deck": card.deck_id,
        "deck_title": deck.deck.title,
        "type": q.kind,
        "state": state.state.name.lower(),
        "hint": q.hint,
    }
    order = session.shown_order(card)
    if isinstance(q, Basic):
        data["prompt"] = q.answer if card.variant == "reverse" else q.prompt
        data["answer"] = q.prompt if card.variant == "reverse" else q.answer
    elif isinstance(q, Cloze):
        n = card.cloze_number or 1
        data["prompt"] = render_cloze(q.text, n, reveal=False)
        data["answer"] = render_cloze(q.text, n, reveal=True)
    elif isinstance(q, MultipleChoice):
        data["prompt"] = q.prompt
        data["multi"] = q.multi
        data["choices"] = [
            {"number": i + 1, "text": q.choices[j].text} for i, j in enumerate(order)
        ]
    elif isinstance(q, Order):
        data["prompt"] = q.prompt
        data["items"] = [{"number": i + 1, "text": q.items[j]} for i, j in enumerate(order)]
    elif isinstance(q, Typed | Numeric):
        data["prompt"] = q.prompt
        if isinstance(q, Numeric):
            data["unit"] = q.unit
    front, back = card_media(card)
    data["media"] = [
        {"side": side, "kind": ref.kind, "path": str(ref.path(deck.path)), "alt": ref.alt}
        for side, refs in (("front", front), ("back", back))
        for ref in refs
    ]
    intervals = session.preview(card, now_ms)
    data["intervals"] = {r.name.lower(): describe_interval(ms) for r, ms in intervals.items()}
    data["auto_graded"] = q.auto_graded
    return data


def cmd_next(args: argparse.Namespace) -> int:
    """Show the next card (as JSON for scripts)."""
    col = _open(args)
    session = col.session(_selection(args.deck, args.tag, col, args.query))
    now_ms = _now_ms()
    card = session.next(now_ms)
    if card is None:
        nxt = session.next_due(now_ms)
        message = "nothing is due" + (f"; next card at {_local(nxt, col)}" if nxt else "")
        if args.json:
            _print_json({"card_id": None, "message": message, "next_due": _iso(nxt)})
        else:
            print(message)
        return EXIT_OK
    data = card_payload(session, card, now_ms)
    data["counts"] = session.counts(now_ms).as_dict()
    if args.json:
        _print_json(data)
        return EXIT_OK
    print(f"[{data['deck']}] {data['card_id']} ({data['type']})")
    print(data["prompt"])
    for entry in data.get("choices", []) + data.get("items", []):
        print(f"  {entry['number']}. {entry['text']}")
    if data.get("unit"):
        print(f"  (answer in {data['unit']})")
    return EXIT_OK


def cmd_answer(args: argparse.Namespace) -> int:
    """Record an answer: a rating, or a response that quizzer grades."""
    from quizzer.scheduling import describe_interval
    from quizzer.session import SessionError
    from quizzer.state import Rating

    if (args.rating is None) == (args.response is None):
        raise CommandError("give either a RATING (again, hard, good, easy, 1-4) or --response TEXT")
    if args.rating_override is not None and args.response is None:
        raise CommandError("--rating goes with --response; with a RATING, give only the RATING")
    col = _open(args)
    session = col.session()
    now_ms = _now_ms()
    card = session.card(args.card_id)
    graded = None
    if args.response is not None:
        if not card.question.auto_graded:
            raise CommandError(f"{card.id} is a {card.question.kind} card: give a rating instead")
        graded = session.grade(card, args.response)
        rating = Rating(args.rating_override or graded.rating)
    else:
        try:
            rating = Rating.parse(args.rating)
        except ValueError as exc:
            raise CommandError(str(exc)) from None
        if card.question.auto_graded and args.rating is not None:
            pass  # a self-rating of an auto-graded card is allowed (the learner overrides)
    try:
        done = session.answer(
            card.id,
            rating,
            now_ms,
            graded=graded,
            response=args.response,
            duration_ms=args.duration_ms,
        )
    except SessionError as exc:
        raise CommandError(str(exc)) from None
    due = done.after.due
    result = {
        "card_id": card.id,
        "rating": rating.name.lower(),
        "verdict": str(graded.verdict) if graded else None,
        "expected": graded.expected if graded else None,
        "message": graded.message if graded else None,
        "due": _iso(due),
        "interval": describe_interval((due or now_ms) - now_ms),
        "state": done.after.state.name.lower(),
    }
    if args.json:
        _print_json(result)
    else:
        if graded:
            print(f"{graded.verdict}: {graded.message}")
        print(
            f"{rating.name.lower()}: next due {_local(due or now_ms, col)} "
            f"(in {result['interval']})"
        )
    return EXIT_OK


def cmd_undo(args: argparse.Namespace) -> int:
    """Undo the last answer, bury or suspension."""
    col = _open(args)
    result = col.session().undo(_now_ms())
    if result is None:
        raise CommandError("nothing to undo")
    event, state = result
    if args.json:
        _print_json(
            {"undone": event.to_dict(), "state": state.state.name.lower(), "due": _iso(state.due)}
        )
    else:
        print(f"undid {event.kind} of {event.card_id}")
    return EXIT_OK


def _card_command(action: str) -> Callable[[argparse.Namespace], int]:
    def run(args: argparse.Namespace) -> int:
        col = _open(args)
        session = col.session()
        getattr(session, action)(args.card_id, _now_ms())
        done = {"suspend": "suspended", "unsuspend": "unsuspended", "bury": "buried"}[action]
        print(f"{done} {args.card_id}")
        return EXIT_OK

    run.__doc__ = f"{action.capitalize()} a card."
    return run


def cmd_orphans(args: argparse.Namespace) -> int:
    """Cards with history whose question is gone from the decks."""
    col = _open(args)
    orphans = col.orphans()
    if args.json:
        _print_json({"orphans": orphans})
    else:
        for card_id in orphans:
            print(card_id)
        print(
            f"{len(orphans)} orphan card{'s' if len(orphans) != 1 else ''}; their history "
            "returns when the question does",
            file=sys.stderr,
        )
    return EXIT_OK


def cmd_rebuild(args: argparse.Namespace) -> int:
    """Recompute every card's state by replaying the review log."""
    from quizzer.replay import rebuild

    col = _open(args)
    changed, total = rebuild(col.store, col.settings, col.zone)
    print(f"replayed the log: {total} cards, {changed} changed")
    return EXIT_OK


def _has_terminal() -> bool:
    return sys.stdin.isatty() and sys.stdout.isatty()


def cmd_review(args: argparse.Namespace) -> int:
    """Open the terminal UI (home, or straight into a session)."""
    if not _has_terminal():
        raise CommandError(
            "the review screen needs a terminal; without one, use 'quizzer next' and "
            "'quizzer answer' (add --json for scripts)"
        )
    from quizzer.search import parse
    from quizzer.tui.app import make_app

    if args.query is not None:
        parse(args.query)  # a bad query fails before the screen is taken
    app = make_app(
        decks=args.decks_filter or (),
        tag=args.tag,
        query=args.query,
        cram=args.cram,
        start_session=args.command == "review",
    )
    app.run()
    return EXIT_OK


def cmd_stats(args: argparse.Namespace) -> int:
    """Retention statistics."""
    from quizzer.stats_view import run_stats

    return run_stats(args, _open(args), _now_ms())


def cmd_export(args: argparse.Namespace) -> int:
    """Export decks to Anki, or the review log for other FSRS tools."""
    if args.what == "anki" and args.format is not None:
        raise CommandError("--format is for 'export reviews'; 'export anki' writes an .apkg")
    if args.what == "reviews" and (args.with_progress or args.export_decks or args.query):
        raise CommandError(
            "'export reviews' writes the whole review log; --with-progress, --query and DECK are "
            "for 'export anki'"
        )
    if args.what == "anki":
        from quizzer.export.anki import run_export

        return run_export(args, _open(args) if args.with_progress else None)
    from quizzer.export.reviews import run_export_reviews

    return run_export_reviews(args, _open(args))


def cmd_import(args: argparse.Namespace) -> int:
    """Import an Anki package or collection backup into YAML decks."""
    from quizzer.import_.command import run_import

    return run_import(args)


def cmd_optimize(args: argparse.Namespace) -> int:
    """Fit FSRS parameters to your reviews."""
    from quizzer.optimize import run_optimize

    return run_optimize(args, _open(args))


def cmd_retention(args: argparse.Namespace) -> int:
    """Simulate workload and knowledge for several desired retentions."""
    from quizzer.optimize import run_retention

    return run_retention(args, _open(args))


def cmd_check(args: argparse.Namespace) -> int:
    """Check the database: SQLite's integrity check, and the card cache against a replay."""
    from quizzer.check import run_check

    return run_check(args)


def cmd_sync(args: argparse.Namespace) -> int:
    """Exchange reviews with other devices through a shared folder."""
    from quizzer.sync import run_sync

    return run_sync(args, _open(args), _now_ms())


def cmd_forget(args: argparse.Namespace) -> int:
    """Make cards new again, keeping their history."""
    from quizzer.commands import forget

    return forget.run(args)


def cmd_cards(args: argparse.Namespace) -> int:
    """Find cards with the search language and list them."""
    from quizzer.commands import cards

    return cards.run(args)


# ---------------------------------------------------------------- parser


def build_parser() -> argparse.ArgumentParser:
    """The argument parser of every command."""
    parser = argparse.ArgumentParser(
        prog="quizzer",
        parents=[_common_options(None)],
        description="Spaced-repetition quizzes and flashcards for the terminal. "
        "Without a command, opens the review screen's home.",
    )
    parser.add_argument("--version", action="version", version=_version())
    sub = parser.add_subparsers(dest="command", metavar="COMMAND")
    # after the command, an option left out must not overwrite the value given before it
    after_command = _common_options(argparse.SUPPRESS)

    def add(name: str, func: Callable[[argparse.Namespace], int], help: str) -> Any:
        p = sub.add_parser(name, parents=[after_command], help=help, description=help)
        p.set_defaults(func=func)
        return p

    p = add("review", cmd_review, "start a review session (all decks, or the ones named)")
    p.add_argument("decks_filter", nargs="*", metavar="DECK", help="deck ids or folders")
    p.add_argument("--tag", help="only cards with this tag")
    p.add_argument("--query", metavar="Q", help="only cards matching a search (a filtered session)")
    p.add_argument("--cram", action="store_true", help="practise cards that are not due")

    p = add("next", cmd_next, "show the next card due")
    p.add_argument("--deck", action="append", metavar="D", help="deck id or folder (repeatable)")
    p.add_argument("--tag", help="only cards with this tag")
    p.add_argument("--query", metavar="Q", help="only cards matching a search")
    p.add_argument("--json", action="store_true", help="machine-readable output")

    p = add("answer", cmd_answer, "record an answer to a card")
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
        type=int,
        choices=range(1, 5),
        metavar="N",
        help="with --response: the rating to record instead of the suggested one",
    )
    p.add_argument(
        "--duration-ms", type=_duration, metavar="MS", help="time spent answering (up to a day)"
    )
    p.add_argument("--json", action="store_true", help="machine-readable output")

    p = add("undo", cmd_undo, "undo the last answer, bury, suspension or forget")
    p.add_argument("--json", action="store_true", help="machine-readable output")
    for action in ("suspend", "unsuspend", "bury"):
        p = add(action, _card_command(action), f"{action} a card")
        p.add_argument("card_id", metavar="CARD_ID")

    p = add("cards", cmd_cards, "find cards with a search query and list them")
    p.add_argument("query", nargs="*", metavar="QUERY", help="a search (docs/searching.md)")
    p.add_argument("--json", action="store_true", help="machine-readable output")
    p.add_argument("--limit", type=_whole(1, 10**9, "cards"), metavar="N", help="at most N cards")
    p.add_argument(
        "--sort",
        choices=_CARD_SORTS,
        default="deck",
        help="order of the list (deck order by default)",
    )

    p = add("forget", cmd_forget, "make cards new again (their history stays in the log)")
    p.add_argument("card_ids", nargs="+", metavar="CARD_ID")

    p = add("due", cmd_due, "count the cards left today, per deck")
    p.add_argument("--json", action="store_true", help="machine-readable output")
    p = add("decks", cmd_decks, "list decks with question and card counts")
    p.add_argument("--json", action="store_true", help="machine-readable output")
    p = add("stats", cmd_stats, "retention statistics")
    p.add_argument("deck", nargs="?", metavar="DECK", help="deck id, folder, or tag:NAME")
    p.add_argument("--days", type=_days, default=30, metavar="N", help="period in days (30)")
    p.add_argument("--query", metavar="Q", help="only cards matching a search")
    p.add_argument("--json", action="store_true", help="every figure as JSON")

    p = add("lint", cmd_lint, "check deck files and report every problem")
    p.add_argument("paths", nargs="*", metavar="PATH", help="deck files or folders")
    p.add_argument("--strict", action="store_true", help="count warnings as problems (exit 1)")
    add("schema", cmd_schema, "print the JSON Schema of the deck format")
    p = add("new", cmd_new, "create a deck file from a template")
    p.add_argument("deck_id", metavar="DECK_ID", help="e.g. asr/my-topic")
    p = add("orphans", cmd_orphans, "list cards whose question left the decks")
    p.add_argument("--json", action="store_true", help="machine-readable output")
    add("rebuild", cmd_rebuild, "replay the review log to recompute every card")

    p = add("export", cmd_export, "export to Anki, or export the review log")
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

    p = add("import", cmd_import, "import an Anki package (.apkg, .colpkg) into YAML decks")
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

    p = add("optimize", cmd_optimize, "fit FSRS parameters to your review history")
    p.add_argument(
        "--reschedule", action="store_true", help="replay the log with the new parameters"
    )
    p = add("retention", cmd_retention, "simulate workload for several desired retentions")
    p.add_argument("--days", type=int, default=365, metavar="N", help="horizon in days (365)")
    p = add("sync", cmd_sync, "exchange reviews with other devices through a folder")
    p.add_argument("dir", metavar="DIR", help="a folder every device can reach")
    p = add("check", cmd_check, "check the database for damage and the card cache for drift")
    p.add_argument("--json", action="store_true", help="machine-readable output")
    return parser


def _common_options(default: Any) -> argparse.ArgumentParser:
    """The options every command takes, before or after its name, with this default."""
    common = argparse.ArgumentParser(add_help=False)
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


_days = _whole(1, 36_500, "days")
_CARD_SORTS = ("deck", "due", "interval", "stability", "recall", "lapses", "reps", "type", "state")
_duration = _whole(0, MAX_DURATION_MS, "ms")


def _version() -> str:
    from quizzer import __version__

    return f"quizzer {__version__}"


def main(argv: Sequence[str] | None = None) -> int:
    """Run the command line; returns the exit status."""
    parser = build_parser()
    try:
        args = parser.parse_args(argv)
    except SystemExit as exc:
        return int(exc.code or 0)
    if args.decks:
        os.environ["QUIZZER_DECKS"] = str(Path(args.decks).expanduser().resolve())
    if args.data_dir:
        os.environ["QUIZZER_HOME"] = str(Path(args.data_dir).expanduser().resolve())
    if args.command is None:
        args.decks_filter, args.tag, args.query, args.cram = [], None, None, False
        args.func = cmd_review
    try:
        return int(args.func(args))
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


def _known_error(exc: Exception) -> str | None:
    import sqlite3

    from quizzer.clock import ClockError
    from quizzer.config import ConfigError
    from quizzer.errors import QuizzerError
    from quizzer.session import SessionError
    from quizzer.store.db import StoreError, explain_unguarded

    if isinstance(
        exc, QuizzerError | CommandError | ClockError | ConfigError | SessionError | StoreError
    ):
        return str(exc)
    if isinstance(exc, sqlite3.DatabaseError) and not isinstance(exc, sqlite3.ProgrammingError):
        return explain_unguarded(exc)  # raised while a cursor was read, after its statement ran
    return None
