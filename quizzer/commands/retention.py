"""`quizzer retention [--days N]`: workload and knowledge simulated at several desired
retentions."""

from __future__ import annotations

import argparse
import math

from quizzer.commands.common import collection_for
from quizzer.commands.spinner import Spinner
from quizzer.config import DEFAULT_PARAMETERS
from quizzer.errors import CommandError
from quizzer.optimize import NEAR_BEST, recommend, simulate_retentions, simulator_config


def run(args: argparse.Namespace) -> int:
    """`quizzer retention [--days N]`: simulate workload and knowledge at desired retentions
    from 0.70 to 0.97 and recommend one."""
    col = collection_for(args)
    days = int(args.days)
    if not 1 <= days <= 36_500:
        raise CommandError(f"--days must be between 1 and 36500, got {days}")
    settings = col.settings
    if settings.new_per_day == 0:
        raise CommandError("the simulation learns your cards from scratch, and new_per_day is 0")
    config, yours = simulator_config(col, days)
    with Spinner() as progress:
        rows = simulate_retentions(settings.parameters, config, progress=progress)
    best, near = recommend(rows)
    print(
        f"simulated learning {config.deck_size:,} cards from scratch over {days} days: "
        f"{settings.new_per_day} new and at most {settings.reviews_per_day} reviews a day"
    )
    default = list(settings.parameters) == list(DEFAULT_PARAMETERS)
    print(
        f"with the {'default' if default else 'fitted'} FSRS parameters, and "
        + (f"your {', '.join(yours)} from the log" if yours else "typical rating habits")
        + (" (fsrs-rs's typical values for the rest)" if yours and len(yours) < 3 else "")
    )
    print(
        f"{'retention':>9} {'reviews/day':>12} {'minutes/day':>12} {'remembered':>11} "
        f"{'minutes per card remembered':>28}"
    )
    current = round(settings.desired_retention, 2)
    for row in rows:
        mark = "  <- best" if row is best else ""
        if math.isclose(row.retention, current):
            mark += "  (current)"
        print(
            f"{row.retention:>9.2f} {row.reviews_per_day:>12.1f} {row.minutes_per_day:>12.1f} "
            f"{row.remembered:>11.0f} {row.minutes_per_card:>28.2f}{mark}"
        )
    print(
        f"recommended desired_retention: {best.retention:.2f} (the least time per card you "
        "will remember)"
    )
    if near.retention > best.retention:
        print(
            f"up to {near.retention:.2f} costs at most {NEAR_BEST:.0%} more per card remembered "
            f"and leaves {near.remembered - best.remembered:.0f} more cards remembered"
        )
    print("set it in config.toml: desired_retention = " + f"{best.retention:.2f}")
    return 0
