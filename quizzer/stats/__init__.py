"""Retention statistics over the review log and the card states.

`compute(collection, now_ms, scope, days)` returns a `Stats` value that the command line, the
JSON output and the terminal UI all show. Nothing here reads the clock or imports a UI toolkit.

The package: `results` (the values returned), `scope` (which cards), `context` (what one
computation shares), `scan` (the statistics' own SQL over the log, for a scope), the figure
groups as pure functions of rows (`activity`, `retention`, `cards`, `decks`), and `page`, which
puts them together. Figures and their JSON keys are documented in docs/statistics.md.
"""

from quizzer.clock import offset_segments
from quizzer.stats.cards import card_text
from quizzer.stats.context import StudyDays
from quizzer.stats.page import compute, compute_at
from quizzer.stats.results import (
    BUTTON_GROUPS,
    CATEGORIES,
    FORECAST_DAYS,
    HEATMAP_DAYS,
    JSON_VERSION,
    MATURE_DAYS,
    MAX_DAYS,
    MAX_LEECHES,
    PERIODS,
    RATINGS,
    STABILITY_EDGES,
    STABILITY_LABELS,
    TOP_CARDS,
    Bin,
    ButtonRow,
    Calibration,
    CalibrationBin,
    CardCounts,
    CardRow,
    DeckRow,
    Distribution,
    Forecast,
    ForecastDay,
    Hardest,
    Heatmap,
    Hour,
    Leeches,
    Meta,
    Rate,
    RetentionRow,
    ReviewsPerDay,
    ScopeInfo,
    Stats,
    Streaks,
    Today,
)
from quizzer.stats.retention import calibration_from_bins
from quizzer.stats.scope import Scope, StatsError, resolve_scope, scope_of
from quizzer.store.aggregates import calibration_bin, calibration_edges

__all__ = [
    "BUTTON_GROUPS",
    "CATEGORIES",
    "FORECAST_DAYS",
    "HEATMAP_DAYS",
    "JSON_VERSION",
    "MATURE_DAYS",
    "MAX_DAYS",
    "MAX_LEECHES",
    "PERIODS",
    "RATINGS",
    "STABILITY_EDGES",
    "STABILITY_LABELS",
    "TOP_CARDS",
    "Bin",
    "ButtonRow",
    "Calibration",
    "CalibrationBin",
    "CardCounts",
    "CardRow",
    "DeckRow",
    "Distribution",
    "Forecast",
    "ForecastDay",
    "Hardest",
    "Heatmap",
    "Hour",
    "Leeches",
    "Meta",
    "Rate",
    "RetentionRow",
    "ReviewsPerDay",
    "Scope",
    "ScopeInfo",
    "Stats",
    "StatsError",
    "Streaks",
    "StudyDays",
    "Today",
    "calibration_bin",
    "calibration_edges",
    "calibration_from_bins",
    "card_text",
    "compute",
    "compute_at",
    "offset_segments",
    "resolve_scope",
    "scope_of",
]
