"""What every figure group shares: the connection, the study calendar, the scope's cards, today's
queue; set up once per computation."""

from __future__ import annotations

import sqlite3
from collections.abc import Iterable, Mapping, Sequence
from datetime import date, timedelta, tzinfo
from typing import TYPE_CHECKING, Any

from quizzer import queue
from quizzer.clock import calendar, day_start, from_ms, study_day, to_ms
from quizzer.stats.results import FORECAST_DAYS
from quizzer.stats.scope import Scope

if TYPE_CHECKING:
    from quizzer.config import Settings
    from quizzer.decks.cards import Card
    from quizzer.decks.loader import DeckTree


class StudyDays:
    """Consecutive study days with their UTC bounds (ms), from the clock helpers."""

    def __init__(self, first: date, last: date, zone: tzinfo, day_starts_at: int) -> None:
        self.first = first
        self.last = last
        count = (last - first).days + 1
        self.starts = [
            to_ms(day_start(first + timedelta(days=i), zone, day_starts_at))
            for i in range(count + 1)
        ]

    def start(self, day: date) -> int:
        """UTC ms at which `day` begins."""
        return self.starts[(day - self.first).days]

    def end(self, day: date) -> int:
        """UTC ms at which `day` ends."""
        return self.starts[(day - self.first).days + 1]

    def rows(self, first: date, last: date) -> Iterable[tuple[int, int, int]]:
        """(ordinal, start, end) of each day from `first` to `last`."""
        for i in range((first - self.first).days, (last - self.first).days + 1):
            yield (self.first + timedelta(days=i)).toordinal(), self.starts[i], self.starts[i + 1]


_QueueInputs = tuple[Mapping[str, queue.StateRow], Any, queue.Day, queue.DoneToday]


class Context:
    """One computation's inputs: a connection holding one snapshot of the database, the decks
    tree and settings, the moment asked about, the scope and its cards, the period."""

    def __init__(
        self,
        db: sqlite3.Connection,
        tree: DeckTree,
        settings: Settings,
        zone: tzinfo,
        now_ms: int,
        scope: Scope,
        days: int,
    ) -> None:
        self.db = db
        self.tree = tree
        self.settings = settings
        self.zone = zone
        self.now = now_ms
        self.cut = now_ms + 1  # events after the moment asked about are ignored
        self.scope = scope
        self.days = days
        self.params = tuple(settings.parameters)
        self.hour = settings.day_starts_at
        self.today = study_day(from_ms(now_ms), zone, self.hour)
        self.calendar = StudyDays(
            self.today, self.today + timedelta(days=FORECAST_DAYS + 1), zone, self.hour
        )
        """Today and the days of the forecast."""
        selection = scope.selection()
        every = not scope.decks and scope.tag is None and scope.card_ids is None
        self.cards: dict[str, Card] = {
            c.id: c
            for c in tree.cards()
            if every
            or (
                selection.matches(c, tree.decks[c.deck_id].deck.tags)
                and (scope.card_ids is None or c.id in scope.card_ids)
            )
        }
        self.scope_decks = {c.deck_id for c in self.cards.values()}
        self.state_rows: Mapping[str, queue.StateRow] | None = None
        """The queue's view of the card states, once the figures over cards have read them."""
        self._queue_inputs: (
            tuple[Mapping[str, queue.StateRow], Any, queue.Day, queue.DoneToday] | None
        ) = None

    def plan(self, cards: Sequence[Card], start: str | None = None) -> queue.Plan:
        """Today's queue over these cards, as a session on them (started on `start`, else on
        the scope) would serve it."""
        from quizzer.replay import DeckSettings

        if self._queue_inputs is None:
            day = queue.day_at(self.now, calendar(self.zone, self.hour))
            self._queue_inputs = (
                self.state_rows if self.state_rows is not None else queue.state_rows(self.db),
                DeckSettings(self.settings, self.zone),
                day,
                queue.done_today(self.db, day),
            )
        states, deck_settings, day, today = self._queue_inputs
        if start is None:
            start = self.scope.selection().start
        return queue.plan(cards, states, deck_settings, day, today, start)
