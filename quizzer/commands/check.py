"""`quizzer check [--json]`: the database's integrity, and the card cache and the statistics
totals against the log."""

from __future__ import annotations

import argparse
import json
import sys

from quizzer.check import check_store
from quizzer.commands.spinner import on_terminal
from quizzer.store.db import Store
from quizzer.wording import counted


def run(args: argparse.Namespace) -> int:
    """`quizzer check [--json]`: exit status 0 when all is well, 1 when something was found."""
    from quizzer.clock import local_zone
    from quizzer.config import load_settings

    settings = load_settings()
    zone = local_zone(settings.timezone)
    with Store(create=False) as store, on_terminal() as stage:
        report = check_store(store, settings, zone, stage)
    if args.json:
        data = {
            "database": report.path,
            "integrity": report.integrity,
            "cards": report.cards,
            "unreadable": report.unreadable,
            "drift": report.drift,
            "rescheduled": report.rescheduled,
            "totals": report.totals,
            "ok": report.ok,
        }
        print(json.dumps(data, indent=2))
        return 0 if report.ok else 1
    if not report.sound:
        print(f"{report.path}: damaged; SQLite's integrity check found:")
        for line in report.integrity:
            print(f"  {line}")
        print(
            "nothing more is written to it: restore it from a backup, or move it aside and "
            "start afresh (sync brings back what other devices have)",
            file=sys.stderr,
        )
        return 1
    if report.unreadable:
        print(report.unreadable)
        return 1
    if report.drift:
        n = len(report.drift)
        print(
            f"{report.path}: sound, but {counted(n, 'card')} in the cache differ "
            f"from a replay of the log (first: {report.drift[0]}); 'quizzer rebuild' "
            "recomputes them"
        )
        return 1
    if report.totals == "differ":
        print(
            f"{report.path}: sound, but the statistics totals differ from a recomputation from "
            "the log; 'quizzer rebuild' recomputes them"
        )
        return 1
    cards = counted(report.cards, "card")
    totals = {
        "equal": "the statistics totals equal a recomputation",
        "stale": "the statistics totals are rebuilt by the next statistics",
    }[report.totals]
    if not report.rescheduled:
        equal = f"the card cache equals a replay of the log ({cards})"
        print(f"{report.path}: sound; {equal}; {totals}")
        return 0
    n = len(report.rescheduled)
    print(
        f"{report.path}: sound; the card cache holds what the log recorded ({cards}); {totals}\n"
        f"{counted(n, 'card')} would move if the log were replayed with today's "
        f"settings (first: {report.rescheduled[0]}): they were scheduled before a change of "
        "scheduling settings (parameters, desired retention, steps, maximum interval, leech "
        "threshold or action, time zone or day start), or their answers were changed outside "
        "quizzer; 'quizzer rebuild' reschedules them with today's settings"
    )
    return 0
