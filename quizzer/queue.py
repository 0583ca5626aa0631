"""What to study next: the daily queue, its limits and its counts.

Order: learning cards that have fallen due; then due reviews, lowest predicted recall first, up to
the daily review limit; then new cards in deck order, up to the daily new limit; then, when nothing
else is left, learning cards due within the next 20 minutes (Anki's learn-ahead).
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Iterable
from dataclasses import dataclass, field

from quizzer.decks.cards import Card
from quizzer.replay import DeckSettings
from quizzer.scheduling import retrievability
from quizzer.state import CardPhase, CardState

LEARN_AHEAD_MS = 20 * 60_000


@dataclass(frozen=True, slots=True)
class Day:
    """The moment of asking and the study day around it (UTC ms)."""

    now: int
    start: int
    end: int


@dataclass(slots=True)
class Counts:
    """New, learning and review cards left today."""

    new: int = 0
    learning: int = 0
    review: int = 0

    @property
    def total(self) -> int:
        """All cards left today."""
        return self.new + self.learning + self.review

    def as_dict(self) -> dict[str, int]:
        """For JSON output."""
        return {
            "new": self.new,
            "learning": self.learning,
            "review": self.review,
            "total": self.total,
        }


@dataclass(slots=True)
class Today:
    """What was already done today, from the log."""

    introduced: Counter[str] = field(default_factory=Counter)
    """New cards introduced today, by deck."""
    reviewed: Counter[str] = field(default_factory=Counter)
    """Review-state cards answered today, by deck."""
    touched_questions: set[str] = field(default_factory=set)
    """`deck:question` of every card answered today (for burying siblings)."""
    touched_cards: set[str] = field(default_factory=set)


@dataclass(slots=True)
class Plan:
    """The cards in queue order, split by kind, and the counts they make."""

    learning: list[Card]
    review: list[Card]
    new: list[Card]
    ahead: list[Card]
    counts: Counts
    per_deck: dict[str, Counts]


def card_tags(card: Card, deck_tags: Iterable[str]) -> set[str]:
    """A card's tags: its deck's and its question's."""
    return {*deck_tags, *card.question.tags}


def available(state: CardState, day: Day) -> bool:
    """Not suspended and not buried today."""
    return not state.suspended and not (state.buried_until and state.buried_until > day.now)


def plan(
    cards: list[Card],
    states: dict[str, CardState],
    settings: DeckSettings,
    day: Day,
    today: Today,
) -> Plan:
    """Sort the given cards (already filtered, in deck order) into today's queue."""
    learning: list[tuple[int, Card]] = []
    ahead: list[tuple[int, Card]] = []
    review: list[tuple[float, Card]] = []
    new: list[Card] = []
    params = settings.parameters
    global_settings = settings.settings
    for card in cards:
        state = states.get(card.id)
        if state is None or state.state == CardPhase.NEW:
            if (state is None or available(state, day)) and (
                not _sibling_buried(card, today, global_settings.bury_siblings)
            ):
                new.append(card)
            continue
        if not available(state, day) or state.due is None:
            continue
        if state.state in (CardPhase.LEARNING, CardPhase.RELEARNING):
            if state.due <= day.now:
                learning.append((state.due, card))
            elif state.due <= day.now + LEARN_AHEAD_MS:
                ahead.append((state.due, card))
        elif state.due < day.end and not _sibling_buried(
            card, today, global_settings.bury_siblings
        ):
            elapsed = (day.now - (state.last_review or day.now)) / 86_400_000
            review.append((retrievability(state.stability, elapsed, params), card))
    learning.sort(key=lambda x: x[0])
    ahead.sort(key=lambda x: x[0])
    review.sort(key=lambda x: x[0])

    per_deck: dict[str, Counts] = {}
    review_left = global_settings.reviews_per_day - sum(today.reviewed.values())
    new_left = global_settings.new_per_day - sum(today.introduced.values())
    deck_review_left: dict[str, int] = {}
    deck_new_left: dict[str, int] = {}
    chosen_review: list[Card] = []
    for _, card in review:
        d = card.deck_id
        if d not in deck_review_left:
            deck_review_left[d] = settings.for_card(card.id).reviews_per_day - today.reviewed[d]
        if review_left > 0 and deck_review_left[d] > 0:
            chosen_review.append(card)
            review_left -= 1
            deck_review_left[d] -= 1
            per_deck.setdefault(d, Counts()).review += 1
    chosen_new: list[Card] = []
    for card in new:
        d = card.deck_id
        if d not in deck_new_left:
            deck_new_left[d] = settings.for_card(card.id).new_per_day - today.introduced[d]
        if new_left > 0 and deck_new_left[d] > 0:
            chosen_new.append(card)
            new_left -= 1
            deck_new_left[d] -= 1
            per_deck.setdefault(d, Counts()).new += 1
    chosen_learning = [c for _, c in learning]
    for card in chosen_learning:
        per_deck.setdefault(card.deck_id, Counts()).learning += 1
    counts = Counts(len(chosen_new), len(chosen_learning), len(chosen_review))
    return Plan(chosen_learning, chosen_review, chosen_new, [c for _, c in ahead], counts, per_deck)


def _sibling_buried(card: Card, today: Today, bury_siblings: bool) -> bool:
    """A sibling (same question, other side) was answered today and this card was not."""
    return (
        bury_siblings
        and card.question_id in today.touched_questions
        and card.id not in today.touched_cards
    )


def next_card(queue: Plan) -> Card | None:
    """The first card of the queue, learn-ahead cards last."""
    for group in (queue.learning, queue.review, queue.new, queue.ahead):
        if group:
            return group[0]
    return None
