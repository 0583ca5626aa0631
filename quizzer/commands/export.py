"""`quizzer export anki|reviews`: an Anki package, or the review log for other FSRS tools."""

from __future__ import annotations

import argparse
import os
import sys
import tempfile
from pathlib import Path
from typing import TYPE_CHECKING

from quizzer.commands.common import collection_for, warn_failed_decks
from quizzer.errors import CommandError
from quizzer.export.anki import DEFAULT_OUTPUT, export_anki
from quizzer.export.anki_progress import progress_from
from quizzer.export.reviews import _zone_name, review_rows, write_reviews
from quizzer.wording import counted

if TYPE_CHECKING:
    from quizzer.collection import Collection


def _anki(args: argparse.Namespace, col: Collection | None) -> int:
    """`quizzer export anki [DECK...] [-o FILE] [--with-progress] [--query Q]`: write the
    package and print one line saying what it holds."""
    from quizzer.clock import now, to_ms
    from quizzer.collection import load_decks, open_collection

    if (args.with_progress or args.query is not None) and col is None:
        col = open_collection()
    tree = col.tree if col is not None else load_decks()
    if col is None:  # collection_for warned of decks with errors already
        warn_failed_decks(tree)
    output = Path(args.output or DEFAULT_OUTPUT).expanduser()
    if output.is_dir():
        output = output / DEFAULT_OUTPUT
    elif not output.suffix:
        output = output.with_suffix(".apkg")
    now_ms = to_ms(now())
    only = None
    if args.query is not None and col is not None:
        from quizzer.finding import find

        found = find(args.query, tree, col.store, col.settings, col.zone, now_ms)
        if not found:
            raise CommandError(f"no card matches {args.query!r}; nothing to export")
        only = {card.question_id for card in found}
    result = export_anki(
        tree,
        output,
        now_ms=now_ms,
        deck_ids=args.export_decks or (),
        progress=progress_from(col) if args.with_progress and col is not None else None,
        only=only,
    )
    print(result.summary())
    return 0


def _reviews(args: argparse.Namespace, col: Collection) -> int:
    """`quizzer export reviews [--format csv|jsonl] [-o FILE]`: the review log for FSRS tools."""
    fmt = args.format or "csv"
    if fmt not in ("csv", "jsonl"):
        raise CommandError(f"unknown format {fmt!r}: use csv or jsonl")
    rows = review_rows(col.store)
    if args.output is None or args.output == "-":
        count = write_reviews(rows, sys.stdout, fmt)
        sys.stdout.flush()
    else:
        target = Path(args.output).expanduser()
        if target.is_dir():
            raise CommandError(f"{target} is a folder: give a file name")
        if not target.parent.is_dir():
            raise CommandError(f"{target.parent}: no such folder")
        # written aside and renamed, so an interrupted export never leaves half a file
        fd, temp = tempfile.mkstemp(prefix=f".{target.name}.", dir=target.parent)
        try:
            with os.fdopen(fd, "w", encoding="utf-8", newline="") as fh:
                count = write_reviews(rows, fh, fmt)
            umask = os.umask(0)
            os.umask(umask)
            os.chmod(temp, 0o666 & ~umask)  # mkstemp's 0600 would make the export private
            os.replace(temp, target)
        except BaseException as exc:
            Path(temp).unlink(missing_ok=True)
            if isinstance(exc, OSError):
                raise CommandError(f"{target}: cannot write ({exc.strerror or exc})") from None
            raise
        print(f"exported {counted(count, 'review')} to {target}", file=sys.stderr)
    print(
        f"for fsrs-optimizer: timezone {_zone_name(col)}, day_start {col.settings.day_starts_at}",
        file=sys.stderr,
    )
    return 0


def run(args: argparse.Namespace) -> int:
    """Export decks to Anki, or the review log for other FSRS tools."""
    if args.what == "anki" and args.format is not None:
        raise CommandError("--format is for 'export reviews'; 'export anki' writes an .apkg")
    if args.what == "reviews" and (args.with_progress or args.export_decks or args.query):
        raise CommandError(
            "'export reviews' writes the whole review log; --with-progress, --query and DECK are "
            "for 'export anki'"
        )
    if args.what == "anki":
        return _anki(args, collection_for(args) if args.with_progress else None)
    return _reviews(args, collection_for(args))
