"""`quizzer sync DIR`: exchange reviews with other devices through a shared folder."""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

from quizzer.commands.common import collection_for, now_ms
from quizzer.commands.spinner import on_terminal
from quizzer.sync import format_report, sync


def run(args: argparse.Namespace) -> int:
    """`quizzer sync DIR`: exchange reviews with other devices through a shared folder."""
    from quizzer.terminal import printable

    col, now = collection_for(args), now_ms()
    folder = Path(args.dir)
    with on_terminal() as stage:
        report = sync(col.store, col.settings, col.zone, folder, now, stage)
    for problem in report.problems:
        print(printable(f"quizzer: warning: {problem}"), file=sys.stderr)
    print(printable(format_report(folder, report)))
    return 0
