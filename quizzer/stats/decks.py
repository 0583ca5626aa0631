"""One row per deck of the scope: its cards, what is left today, retention over 30 days, mean
stability and predicted recall. Pure, given the cards, the per-deck reviews and the queue."""

from __future__ import annotations

from collections.abc import Callable, Iterable, Mapping, Sequence
from typing import TYPE_CHECKING

from quizzer import queue
from quizzer.stats.cards import CardInfo
from quizzer.stats.results import DeckRow, Rate, mean

if TYPE_CHECKING:
    from quizzer.decks.cards import Card


def deck_rows(
    cards: Sequence[CardInfo],
    decks: Iterable[str],
    titles: Mapping[str, str],
    retention: Mapping[str, list[float]],
    plan: Callable[[list[Card], str], queue.Plan],
) -> list[DeckRow]:
    """The rows of `decks`, sorted by id; `retention` maps a deck to [reviews, passed] over the
    last 30 days, and `plan(cards, deck)` is today's queue of a session on that deck."""
    groups: dict[str, list[CardInfo]] = {d: [] for d in decks}
    for info in cards:
        groups[info.card.deck_id].append(info)
    rows = []
    for deck_id in sorted(groups):
        infos = groups[deck_id]
        reviewed = [i for i in infos if i.state != 0 and i.stability is not None]
        rs = [i.r for i in infos if i.r is not None]
        left = plan([i.card for i in infos], deck_id).counts
        total, passed = retention.get(deck_id, [0, 0])
        rows.append(
            DeckRow(
                deck_id,
                titles[deck_id],
                len(infos),
                sum(1 for i in infos if i.state == 0 and not i.suspended),
                left,
                Rate.of(passed, total),
                mean(sum(i.stability or 0 for i in reviewed), len(reviewed)),
                mean(sum(rs), len(rs)),
            )
        )
    return rows
