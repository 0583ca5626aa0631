"""Today's queue kept between calls: built once, then updated card by card.

`queue.plan` sorts every card of a selection on each call. A session asks for the next card after
every answer, so it keeps the sorted candidates (`queue.Candidates`) instead, and moves only the
card a write changed. What is served from them goes through the same `queue.assemble` and
`queue.serve` as `plan`, so the two cannot disagree (a property test replays random histories
against a full `plan`).

The candidates stay valid while nothing else writes the database (`Store.version`: another
connection's commit moves `PRAGMA data_version`), the study day is the same, the clock has not
gone back before the build, and no buried card has come back (`Candidates.wake`); otherwise the
next call rebuilds them.
"""

from __future__ import annotations

from bisect import bisect_left, insort
from collections.abc import Mapping, Sequence
from typing import Any

from quizzer.queue import (
    Candidates,
    Day,
    DoneToday,
    Plan,
    QueueCard,
    QueueSettings,
    StateRow,
    assemble,
    classify,
    first_card,
)
from quizzer.state import CardState


class LiveQueue:
    """The candidates of one selection for one study day, with what was done today."""

    def __init__(
        self, cards: Sequence[QueueCard], settings: QueueSettings, start: str = ""
    ) -> None:
        self.cards = cards
        self.settings = settings
        self.start = start
        """The deck or folder the session studies, where the daily limits start."""
        self.position = {c.id: i for i, c in enumerate(cards)}
        self.version: tuple[int, int] | None = None
        """The store's version the candidates reflect; None: rebuild before use."""
        self.day: Day | None = None
        self.today = DoneToday()
        self.found = Candidates()
        self.where: dict[int, tuple[list[Any], Any]] = {}
        """Each candidate's list and entry in it, by the card's position (`entry[-2]`)."""

    def valid(self, now_ms: int, version: tuple[int, int]) -> bool:
        """Whether the candidates still hold at `now_ms` for a store at `version`."""
        day = self.day
        return (
            day is not None
            and version == self.version
            and day.now <= now_ms < day.end
            and now_ms < self.found.wake
        )

    def rebuild(
        self,
        states: Mapping[str, CardState] | Mapping[str, StateRow],
        day: Day,
        today: DoneToday,
        version: tuple[int, int],
    ) -> None:
        """Classify every card afresh."""
        found = classify(enumerate(self.cards), states, self.settings, day)
        found.learning.sort()
        found.review.sort()
        self.found, self.day, self.today, self.version = found, day, today, version
        self.where = {
            entry[-2]: (entries, entry)
            for entries in (found.learning, found.review, found.new)
            for entry in entries
        }

    def at(self, now_ms: int) -> Day:
        """The study day of the build, seen at `now_ms` (which `valid` accepted)."""
        assert self.day is not None
        return Day(now_ms, self.day.start, self.day.end, self.day.calendar)

    def plan(self, now_ms: int) -> Plan:
        """What `queue.plan` gives at `now_ms`."""
        return assemble(self.found, self.settings, self.at(now_ms), self.today, self.start)

    def next(self, now_ms: int) -> Any:
        """What `queue.next_card(queue.plan(...))` gives at `now_ms`."""
        return first_card(self.found, self.settings, self.at(now_ms), self.today, self.start)

    def move(self, state: CardState) -> None:
        """Put one card where its new state belongs (a card outside the selection is ignored)."""
        idx = self.position.get(state.card_id)
        if idx is None or self.day is None:
            return
        card = self.cards[idx]
        found = self.found
        where = self.where.pop(idx, None)
        if where is not None:
            entries, entry = where
            del entries[bisect_left(entries, entry)]
        # classified at the build's moment: what is held back is judged as of then (see `wake`)
        one = classify([(idx, card)], {state.card_id: state}, self.settings, self.day)
        pairs: tuple[tuple[list[Any], list[Any]], ...] = (
            (found.learning, one.learning),
            (found.review, one.review),
            (found.new, one.new),
        )
        for entries, added in pairs:
            for entry in added:
                insort(entries, entry)
                self.where[idx] = (entries, entry)
        found.wake = min(found.wake, one.wake)
