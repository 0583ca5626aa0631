"""`quizzer lint [PATH...] [--strict]`: every problem of the deck files, located."""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

from quizzer.commands.common import EXIT_OK, EXIT_PROBLEMS
from quizzer.errors import CommandError


def run(args: argparse.Namespace) -> int:
    """Check deck files; print one located line per problem, then per warning."""
    from quizzer import paths
    from quizzer.decks.lint import deck_warnings
    from quizzer.decks.loader import LoadedDeck, deck_id_for, load_file
    from quizzer.decks.media import check_deck, check_tree
    from quizzer.decks.tree import load_tree

    targets = [Path(p) for p in args.paths] or [r for r in paths.deck_roots() if r.is_dir()]
    problems = []
    warnings = []
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
    for line in replaced:  # so that the counts below, of files checked, are not a surprise
        print(f"quizzer: note: {line}", file=sys.stderr)
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
