"""One row per deck of the scope: its cards, what is left today, retention over 30 days, mean
stability and predicted recall. Pure, given the cards, the per-deck reviews and the queue."""

from __future__ import annotations

from collections.abc import Mapping, Sequence

from quizzer import queue
from quizzer.stats.cards import CardInfo
from quizzer.stats.results import DeckRow, Rate, mean


def deck_rows(
    cards: Sequence[CardInfo],
    sizes: Mapping[str, int],
    titles: Mapping[str, str],
    retention: Mapping[str, list[float]],
    left: Mapping[str, queue.Counts],
) -> list[DeckRow]:
    """The rows of the decks of `sizes` (deck: its cards in the scope), sorted by id. `cards`
    are the scope's cards with a stored state (the others are new); `retention` maps a deck to
    [reviews, passed] over the last 30 days; `left` is what today's queue of a session on the
    deck holds."""
    groups: dict[str, list[CardInfo]] = {d: [] for d in sizes}
    for info in cards:
        groups[info.card.deck_id].append(info)
    rows = []
    for deck_id in sorted(groups):
        infos = groups[deck_id]
        reviewed = [i for i in infos if i.state != 0 and i.stability is not None]
        rs = [i.r for i in infos if i.r is not None]
        never = sizes[deck_id] - len(infos)
        total, passed = retention.get(deck_id, [0, 0])
        rows.append(
            DeckRow(
                deck_id,
                titles[deck_id],
                sizes[deck_id],
                never + sum(1 for i in infos if i.state == 0 and not i.suspended),
                left[deck_id],
                Rate.of(passed, total),
                mean(sum(i.stability or 0 for i in reviewed), len(reviewed)),
                mean(sum(rs), len(rs)),
            )
        )
    return rows
