"""One row per deck of the scope: its cards, what is left today, retention over 30 days, mean
stability and predicted recall. Pure, given the cards' sums, the per-deck reviews and the queue."""

from __future__ import annotations

from collections.abc import Mapping

from quizzer import queue
from quizzer.stats.cards import DeckSums
from quizzer.stats.results import DeckRow, Rate, mean


def deck_rows(
    sums: Mapping[str, DeckSums],
    sizes: Mapping[str, int],
    titles: Mapping[str, str],
    retention: Mapping[str, list[float]],
    left: Mapping[str, queue.Counts],
) -> list[DeckRow]:
    """The rows of the decks of `sizes` (deck: its cards in the scope), in its order (the study
    order, as home lists them). `sums` are
    each deck's share of the cards with a stored state (`cards.scan`; the others are new);
    `retention` maps a deck to [reviews, passed] over the last 30 days; `left` is what today's
    queue of a session on the deck holds."""
    rows = []
    for deck_id in sizes:
        s = sums.get(deck_id) or DeckSums()
        total, passed = retention.get(deck_id, [0, 0])
        rows.append(
            DeckRow(
                deck_id,
                titles[deck_id],
                sizes[deck_id],
                sizes[deck_id] - s.stated + s.new,
                left[deck_id],
                Rate.of(passed, total),
                mean(s.stability, s.stable),
                mean(s.recall, s.recalled),
            )
        )
    return rows
