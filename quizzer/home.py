"""What the home screen shows: per-deck counts, today's totals and the study streak, and how a
moment is written there. Core code (no Textual), so the TUI never reads the store itself."""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass
from datetime import date, timedelta, tzinfo

from quizzer.clock import calendar, current_run, day_start, from_ms, study_day, to_ms
from quizzer.collection import Collection
from quizzer.decks.tree import DeckTree
from quizzer.queue import (
    Candidates,
    Counts,
    assemble,
    card_tags,
    classify,
    counts_hold_until,
    node_ids,
    state_rows,
)
from quizzer.scheduling import describe_interval
from quizzer.session import Selection, Session
from quizzer.store import aggregates, totals_reader
from quizzer.store.db import Store
from quizzer.store.log import answered_between, answers_between


def deck_counts(session: Session, now_ms: int) -> dict[str, Counts]:
    """New, learning and review cards left today for every deck, every folder and the root (`""`).

    Each node is counted on its own, as a session started on it would count: see
    `counts_and_until`."""
    return counts_and_until(session, now_ms)[0]


def counts_and_until(session: Session, now_ms: int) -> tuple[dict[str, Counts], int]:
    """`deck_counts`, and the moment up to which they hold while nothing is written
    (`queue.counts_hold_until`: a learning card coming due, a buried card's return, the day's
    end).

    Each node is counted on its own, as a session started on it would count, so a folder shows
    what reviewing that folder gives (daily limits included) rather than the sum of its decks.
    The cards are sorted into today's candidates once; a node's candidates are those of its
    cards, in the same order, which is what a plan of the node's cards alone would sort."""
    day = session.day(now_ms)
    today = session.today(day)
    settings = session.deck_settings
    found = classify(enumerate(session.cards), state_rows(session.store.db), settings, day)
    found.learning.sort()
    found.review.sort()
    nodes = {d: node_ids(d) for d in dict.fromkeys(card.deck_id for card in session.cards)}
    shares = {node: Candidates(wake=day.end) for chain in nodes.values() for node in chain}
    for part in ("learning", "review", "new"):
        for entry in getattr(found, part):
            for node in nodes[entry[-1].deck_id]:
                getattr(shares[node], part).append(entry)
    counts = {
        node: assemble(share, settings, day, today, node).counts for node, share in shares.items()
    }
    return counts, counts_hold_until(found, day)


@dataclass(frozen=True, slots=True)
class TodayTotals:
    """What was done in the current study day."""

    answers: int
    """Answers given today (reviews and cram), undone ones excluded."""
    cram: int
    """How many of them were cram answers (the statistics' `today.cram`; the others are its
    `today.reviews`)."""
    time_ms: int
    """Time spent answering them."""


def today_totals(session: Session, now_ms: int) -> TodayTotals:
    """Answers given today, the cram ones among them and the time they took, from the log."""
    day = session.day(now_ms)
    return TodayTotals(*answers_between(session.store.db, day.start, day.end))


def current_streak(session: Session, now_ms: int) -> int:
    """Consecutive study days with at least one answer (undone ones excluded), ending today, or
    yesterday when nothing was studied yet today.

    Read from the statistics' running totals (the study days with an answer) when they are
    current, as the statistics' streak is; else walks back one study day at a time with a range
    query on the log's time index, a query per day of streak, however long the log."""
    zone, starts_at = session.zone, session.settings.day_starts_at
    db = session.store.db
    cal = calendar(zone, starts_at)
    with aggregates.snapshot(db):
        reader = totals_reader.reader(db, cal, now_ms + 1)
        if reader is not None:
            today = cal.day_number(now_ms)
            return current_run(reader.active_days(today), today)

    def studied(day: date) -> bool:
        start, end = day_start(day, zone, starts_at), day_start(day + timedelta(1), zone, starts_at)
        return answered_between(db, to_ms(start), to_ms(end))

    day = study_day(from_ms(now_ms), zone, starts_at)
    if not studied(day):
        day -= timedelta(days=1)
    count = 0
    while studied(day):
        count += 1
        day -= timedelta(days=1)
    return count


@dataclass(frozen=True, slots=True)
class HomeFigures:
    """Everything home shows about the collection, computed together off the UI thread."""

    counts: dict[str, Counts]
    totals: TodayTotals
    streak: int
    until: int
    """The moment (UTC ms) up to which `counts` hold while nothing is written; home counts
    again once it has passed."""


def home_figures(session: Session, now_ms: int) -> HomeFigures:
    """Per-node counts, today's totals and the streak at `now_ms`."""
    counts, until = counts_and_until(session, now_ms)
    return HomeFigures(
        counts, today_totals(session, now_ms), current_streak(session, now_ms), until
    )


def home_figures_apart(
    collection: Collection, now_ms: int, selection: Selection | None = None
) -> HomeFigures:
    """`home_figures` (of the cards `selection` covers) through a database connection of its
    own, for a worker thread: SQLite connections must not be shared with the UI thread, which may
    close its own meanwhile."""
    with Store(collection.store.path) as store:
        session = Session(
            store, collection.tree, collection.settings, collection.zone, selection or Selection()
        )
        return home_figures(session, now_ms)


def tag_decks(tree: DeckTree) -> dict[str, set[str]]:
    """Every tag of the tree's cards (a deck's tags and its questions'), with the decks that
    have cards carrying it. Tags differing only in case are one (a selection ignores case),
    named as first met."""
    found: dict[str, set[str]] = defaultdict(set)
    spelt: dict[str, str] = {}
    for card in tree.cards():
        for tag in card_tags(card, tree.decks[card.deck_id].deck.tags):
            found[spelt.setdefault(tag.casefold(), tag)].add(card.deck_id)
    return dict(sorted(found.items()))


def describe_when(ms: int, now_ms: int, zone: tzinfo) -> str:
    """A moment as the learner reads it: `today 09:10 (in 10m)`, `tomorrow 04:00 (in 19h)`,
    `Thu 5 Mar 04:00 (in 3d)`. The time is rounded to the minute, as the interval is."""
    local = from_ms(ms + 30_000).astimezone(zone)
    days = (local.date() - from_ms(now_ms).astimezone(zone).date()).days
    if days == 0:
        day = "today"
    elif days == 1:
        day = "tomorrow"
    else:
        day = f"{local:%a} {local.day} {local:%b}"
    return f"{day} {local:%H:%M} (in {describe_interval(max(0, ms - now_ms))})"
