"""Retention and calibration: true retention over six periods, and FSRS's predicted recall
against what happened. Pure functions of aggregate rows."""

from __future__ import annotations

import math
from collections.abc import Mapping
from typing import Any

from quizzer.stats.results import (
    PERIODS,
    Calibration,
    CalibrationBin,
    Rate,
    RetentionRow,
    rounded,
)
from quizzer.store.aggregates import calibration_edges

_SPANS = {
    "today": (0,),
    "yesterday": (1,),
    "last_7_days": (0, 1, 2),
    "last_30_days": (0, 1, 2, 3),
    "last_365_days": (0, 1, 2, 3, 4),
    "all_time": (0, 1, 2, 3, 4, 5),
}
"""The disjoint ranges (today, yesterday, 2-6, 7-29, 30-364 days ago, before) each period adds."""


def true_retention(rows: Mapping[tuple[Any, ...], list[float]]) -> dict[str, RetentionRow]:
    """The true-retention table from [reviews, passes] per (range, interval class)."""
    table = {}
    for name in PERIODS:
        yp = yt = mp = mt = 0.0
        for (i, ivl_class), (n, passed) in rows.items():
            if i not in _SPANS[name]:
                continue
            if ivl_class == 2:
                mt += n
                mp += passed
            else:
                yt += n
                yp += passed
        table[name] = RetentionRow(Rate.of(yp, yt), Rate.of(mp, mt), Rate.of(yp + mp, yt + mt))
    return table


def calibration_from_bins(
    sums: Mapping[int, tuple[float, float, float, float]],
) -> Calibration:
    """Log loss and RMSE (bins) from per-bin sums: (count, sum of predictions, passes, sum of
    log-likelihoods). RMSE (bins) is the count-weighted root mean square of (mean prediction -
    pass rate) over bins, as fsrs-rs computes it; log loss is the mean negative log-likelihood."""
    n = sum(s[0] for s in sums.values())
    bins = []
    for k, (lo, hi) in enumerate(calibration_edges()):
        count, sum_p, passed, _ = sums.get(k, (0, 0.0, 0, 0.0))
        bins.append(
            CalibrationBin(
                rounded(lo),
                rounded(hi),
                round(count),
                rounded(sum_p / count) if count else None,
                rounded(passed / count) if count else None,
            )
        )
    if not n:
        return Calibration(0, None, None, None, None, bins)
    square = sum(c * (sp / c - sy / c) ** 2 for c, sp, sy, _ in sums.values() if c)
    return Calibration(
        round(n),
        rounded(sum(s[1] for s in sums.values()) / n),
        rounded(sum(s[2] for s in sums.values()) / n),
        rounded(-sum(s[3] for s in sums.values()) / n),
        rounded(math.sqrt(square / n)),
        bins,
    )
