"""`quizzer optimize [--reschedule] [--splits]`: FSRS parameters fitted to the learner's reviews."""

from __future__ import annotations

import argparse

from quizzer import paths
from quizzer.collection import Collection, open_collection
from quizzer.commands.spinner import Spinner
from quizzer.config import Settings
from quizzer.config_edit import save_parameters
from quizzer.decks.tree import DeckTree
from quizzer.errors import CommandError
from quizzer.optimize import (
    DECIMALS,
    MIN_REVIEWS,
    SPLITS_MAX_REVIEWS,
    SPLITS_MIN_REVIEWS,
    fit,
    format_report,
)
from quizzer.store.log import review_answers
from quizzer.training_set import training_set
from quizzer.wording import counted


def run(args: argparse.Namespace) -> int:
    """`quizzer optimize [--reschedule] [--splits]`: fit FSRS parameters to the review log, save
    them when they predict better, and with --reschedule replay the log with them."""
    # the log, the settings and the time zone: the decks are not read (on 10,000 questions that
    # saves a tenth of a second and 20 MB)
    col = open_collection(tree=DeckTree(paths.data_dir()))
    settings = col.settings
    with Spinner() as progress:
        progress.stage("reading the review log")
        data = training_set(review_answers(col.store.db), col.zone, settings.day_starts_at)
        if len(data.items) < MIN_REVIEWS:
            report = None
        else:
            try:
                report = fit(
                    data,
                    settings.parameters,
                    len(settings.relearning_steps),
                    progress,
                    splits=args.splits,
                )
            except (ValueError, RuntimeError, OverflowError) as exc:  # raised by fsrs-rs
                raise CommandError(f"fsrs-rs could not fit your reviews: {exc}") from None
    reviews = counted(data.reviews, "review", grouped=True)
    cards = counted(data.cards, "card", grouped=True)
    print(
        f"{reviews} of {cards}; {len(data.items):,} made a day or more after the card's "
        "previous review can be predicted"
    )
    if report is None:
        missing = MIN_REVIEWS - len(data.items)
        print(
            f"optimize needs at least {MIN_REVIEWS} of those: review {missing} more and try "
            "again. "
            + ("config.toml was not changed." if args.reschedule else "Nothing was changed.")
        )
        if args.reschedule:
            _reschedule(col, settings, "current")
        return 0
    for line in format_report(report):
        print(line)
    if report.fitted_split is None and len(data.items) < SPLITS_MIN_REVIEWS:
        print(f"(time-series splits run from {SPLITS_MIN_REVIEWS:,} predictable reviews)")
    elif report.fitted_split is None:
        print(
            f"(time-series splits run up to {SPLITS_MAX_REVIEWS:,} predictable reviews; "
            "--splits runs them however many, five more fits)"
        )
    parameters = settings.parameters
    if report.better:
        save_parameters(report.fitted)
        parameters = report.fitted
        print(f"saved the fitted parameters to {paths.config_path()}:")
        print("  " + ", ".join(f"{p:.{DECIMALS}f}" for p in report.fitted))
    else:
        print(
            "the fitted parameters do not predict your reviews better than the current ones; "
            "config.toml was not changed"
        )
    if args.reschedule:
        which = "new" if report.better else "current"
        _reschedule(col, settings.model_copy(update={"parameters": parameters}), which)
    elif report.better:
        print(
            "cards keep their due dates until answered; 'quizzer rebuild' replays the log with "
            "the new parameters now"
        )
    return 0


def _reschedule(col: Collection, settings: Settings, which: str) -> None:
    """Replay the whole log with `settings` (the `which` parameters), and say what it changed."""
    from quizzer.replay import rebuild

    with Spinner() as progress:
        progress.stage(f"replaying the log with the {which} parameters")
        changed, total = rebuild(col.store, settings, col.zone)
    print(
        f"rescheduled: replayed the log with the {which} parameters; {changed} of {total} "
        "cards changed"
    )
