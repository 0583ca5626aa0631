"""What every figure group shares: the connection, the study calendar, the scope's cards, today's
queue; set up once per computation."""

from __future__ import annotations

import functools
import sqlite3
from collections.abc import Callable, Iterable, Mapping, Sequence
from datetime import date, timedelta, tzinfo
from typing import TYPE_CHECKING, Any, Protocol

from quizzer import queue
from quizzer.clock import calendar, day_start, from_ms, study_day, to_ms
from quizzer.stats.cards import tree_card_text
from quizzer.stats.results import FORECAST_DAYS
from quizzer.stats.scope import Scope

if TYPE_CHECKING:
    from quizzer.stats.kept import Kept


class DeckRules(Protocol):
    """What the figures read of one deck's settings."""

    @property
    def leech_threshold(self) -> int: ...


class StatsSettings(Protocol):
    """What the figures read of the settings: `config.Settings`, or the stats index's copy."""

    @property
    def parameters(self) -> Sequence[float]: ...
    @property
    def day_starts_at(self) -> int: ...
    @property
    def leech_threshold(self) -> int:
        """The global one."""
        ...

    def for_deck(self, deck_id: str) -> DeckRules:
        """The settings in force for one deck."""
        ...


class DeckInfo(Protocol):
    """What the figures read of a deck (its title comes from `LoadedInfo`, without its models)."""

    @property
    def tags(self) -> Sequence[str]: ...


class LoadedInfo(Protocol):
    """What the figures read of a loaded deck: the deck, and its cards in study order."""

    @property
    def deck(self) -> DeckInfo: ...
    @property
    def title(self) -> str: ...
    @property
    def cards(self) -> Sequence[Any]: ...


class Tree(Protocol):
    """What the figures read of the decks tree: `DeckTree`, or the stats index's copy."""

    @property
    def decks(self) -> Mapping[str, LoadedInfo]: ...
    def ordered(self) -> list[str]: ...
    def card_index(self) -> Mapping[str, Any]: ...
    def card_positions(self) -> Mapping[str, int]: ...


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


class Context:
    """One computation's inputs: a connection holding one snapshot of the database, the decks
    tree and settings, the moment asked about, the scope and its cards, the period."""

    def __init__(
        self,
        db: sqlite3.Connection,
        tree: Tree,
        settings: StatsSettings,
        zone: tzinfo,
        now_ms: int,
        scope: Scope,
        days: int,
        queue_settings: queue.QueueSettings | None = None,
        text: Callable[[Any], str] | None = None,
        kept: Kept | None = None,
    ) -> None:
        """`queue_settings` are the limits today's queue applies (by default, `DeckSettings` of
        `settings`); `text` gives a card's question on one line (by default `card_text`, worked
        out once per card of the tree: `tree_card_text`); `kept`: what is kept of the database
        between computations (`kept.kept`), when anything is."""
        self.db = db
        self.kept = kept
        self.tree = tree
        self.settings = settings
        self.zone = zone
        self.now = now_ms
        self.cut = now_ms + 1  # events after the moment asked about are ignored
        self.scope = scope
        self.days = days
        self.queue_settings = queue_settings
        self.text = text or tree_card_text(tree)
        self.params = tuple(settings.parameters)
        self.hour = settings.day_starts_at
        self.today = study_day(from_ms(now_ms), zone, self.hour)
        self.calendar = StudyDays(
            self.today, self.today + timedelta(days=FORECAST_DAYS + 1), zone, self.hour
        )
        """Today and the days of the forecast."""
        selection = scope.selection()
        every = not scope.decks and scope.tag is None and scope.card_ids is None
        self.cards: Mapping[str, Any] = {}
        """The scope's cards by id, in study order."""
        self.position: Mapping[str, int] = {}
        """Each card's place in `cards`."""
        self.sizes: dict[str, int] = {}
        """The scope's decks, each with its number of cards in the scope, in study order (the
        cards of a deck are consecutive in `cards`)."""
        self.parts: dict[str, tuple[int, Mapping[str, Any]]] = {}
        """Each of those decks' first card's place in `cards`, and its cards in the scope by id,
        in study order."""
        self.every = every
        """Whether the scope is every card of the tree."""
        if every:  # the tree's own index, made once per loaded tree
            self.cards, self.position = tree.card_index(), tree.card_positions()
            self.parts = _deck_parts(tree)
            self.sizes = {deck_id: len(cards) for deck_id, (_, cards) in self.parts.items()}
        else:
            cards: dict[str, Any] = {}
            for deck_id in tree.ordered():
                loaded = tree.decks[deck_id]
                tags = loaded.deck.tags
                chosen = [
                    c
                    for c in loaded.cards
                    if selection.matches(c, tags)
                    and (scope.card_ids is None or c.id in scope.card_ids)
                ]
                if chosen:
                    self.sizes[deck_id] = len(chosen)
                    self.parts[deck_id] = (len(cards), {c.id: c for c in chosen})
                    cards.update(self.parts[deck_id][1])
            self.cards, self.position = cards, dict(zip(cards, range(len(cards)), strict=True))
        self.scope_decks = set(self.sizes)
        self.day = queue.day_at(now_ms, calendar(zone, self.hour))
        """Today's study day, as the queue sees it."""

    @functools.cached_property
    def rules(self) -> queue.QueueSettings:
        """The limits today's queue applies."""
        if self.queue_settings is not None:
            return self.queue_settings
        from quizzer.replay import DeckSettings

        return DeckSettings(self.settings, self.zone)  # type: ignore[arg-type]

    def left(
        self, found: queue.Candidates, shares: Mapping[str, queue.Candidates]
    ) -> tuple[queue.Counts, dict[str, queue.Counts]]:
        """What is left today in a session on the scope, and in one on each of its decks, as
        `queue.plan` counts it, from the scope's candidates and each deck's share of them
        (`deck_scans.scan_decks`, sorted), which are not changed."""
        day, settings = self.day, self.rules
        done = queue.done_today(self.db, day)
        whole = queue.assemble(found, settings, day, done, self.scope.selection().start).counts
        counts = {
            d: queue.deck_counts(share, settings, day, done, d) for d, share in shares.items()
        }
        # a deck that is also a folder: a session on it serves the decks below too
        folders = {d.rsplit("/", i)[0] for d in shares for i in range(1, d.count("/") + 1)}
        for deck_id in folders.intersection(shares):
            below = [d for d in shares if d.startswith(deck_id + "/")]
            if below:
                node = queue.Candidates(wake=day.end)
                for part in ("learning", "review", "new"):
                    entries = [e for d in (deck_id, *below) for e in getattr(shares[d], part)]
                    getattr(node, part).extend(sorted(entries, key=_sort_key))
                counts[deck_id] = queue.assemble(node, settings, day, done, deck_id).counts
        return whole, counts


def _deck_parts(tree: Tree) -> dict[str, tuple[int, Mapping[str, Any]]]:
    """`Context.parts` of every card of the tree (made once per loaded tree, where it keeps
    what it works out)."""
    derived: dict[str, Any] | None = getattr(tree, "derived", None)
    if derived is not None and "stats.deck_parts" in derived:
        known: dict[str, tuple[int, Mapping[str, Any]]] = derived["stats.deck_parts"]
        return known
    parts: dict[str, tuple[int, Mapping[str, Any]]] = {}
    first = 0
    for deck_id in tree.ordered():
        cards = tree.decks[deck_id].cards
        if cards:
            parts[deck_id] = (first, {c.id: c for c in cards})
            first += len(cards)
    if derived is not None:
        derived["stats.deck_parts"] = parts
    return parts


def _sort_key(entry: tuple[Any, ...]) -> tuple[Any, ...]:
    """A candidate's place in its list: everything but the card (which does not compare)."""
    return entry[:-1]
