"""`quizzer lint [PATH...] [--strict]`: every problem of the deck files, located."""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

from quizzer.commands.common import EXIT_OK, EXIT_PROBLEMS, EXIT_USAGE
from quizzer.terminal import printable
from quizzer.wording import counted


def run(args: argparse.Namespace) -> int:
    """Check deck files; print one located line per problem, then per warning. A file is
    checked as part of the decks tree it belongs to (`decks/placement.py`)."""
    from quizzer import paths
    from quizzer.decks.lint import WARNING, deck_warnings
    from quizzer.decks.loader import LoadedDeck, Problem, load_file
    from quizzer.decks.media import check_deck, check_tree
    from quizzer.decks.placement import place
    from quizzer.decks.tree import load_tree

    targets = [Path(p) for p in args.paths] or [r for r in paths.deck_roots() if r.is_dir()]
    problems = []
    warnings = []
    missing: list[Path] = []
    decks = questions = 0
    found_in: dict[str, Path] = {}  # deck id -> the decks folder it was first found in
    replaced: list[str] = []
    for target in targets:
        if target.is_dir():
            tree = load_tree(target, display_root=None)
            problems += tree.problems + check_tree(tree)
            loaded = list(tree.decks.values())
            for deck_id in tree.decks:
                first = found_in.setdefault(deck_id, target)
                if first != target:  # a later folder's deck replaces an earlier one's
                    replaced.append(f"{deck_id} in {target} replaces the one in {first}")
        elif target.exists():  # a FIFO or a device is reported by load_file, never read
            placed = place(target, paths.deck_roots())
            if placed.unread is not None and placed.misnamed:
                problems.append(Problem(str(target), 1, 1, placed.unread))
            elif placed.unread is not None:
                warnings.append(Problem(str(target), 1, 1, WARNING + placed.unread))
            result = load_file(target, placed.deck_id, str(target))
            if isinstance(result, LoadedDeck):
                problems += check_deck(result, placed.root, str(target))
                loaded = [result]
            else:
                loaded, problems = [], problems + result
        else:
            missing.append(target)
            continue
        for deck in loaded:
            decks += 1
            questions += len(deck.deck.questions)
            warnings += [*deck.warnings, *deck_warnings(deck, str(deck.path))]
    if not args.paths:
        shown = str(paths.config_path())
        problems += [Problem(shown, n, 1, text) for n, text in paths.deck_folder_problems()]
    for problem in [*problems, *warnings]:
        print(problem)
    for line in replaced:  # so that the counts below, of files checked, are not a surprise
        print(f"quizzer: note: {line}", file=sys.stderr)
    failing = len(problems) + (len(warnings) if args.strict else 0)
    told = counted(len(warnings), "warning")
    if len(missing) < len(targets):
        if failing:
            print(
                f"{counted(len(problems), 'problem')} found, {told}; "
                f"{counted(decks, 'deck')} loaded",
                file=sys.stderr,
            )
        else:
            print(
                f"{counted(decks, 'deck')}, {counted(questions, 'question')}: "
                + (f"no problems, {told}" if warnings else "no problems"),
                file=sys.stderr,
            )
    for path in missing:  # after the others' problems, which are all printed
        print(f"quizzer: error: {printable(str(path))}: no such file or folder", file=sys.stderr)
    if missing:
        return EXIT_USAGE
    return EXIT_PROBLEMS if failing else EXIT_OK
