"""The statistics screen: the figures of `quizzer stats` on tabs, with plots.

Figures come from `quizzer.stats.compute`, run in a thread worker on its own database connection,
so a million reviews never freeze the screen. One computation runs at a time: a scope or period
asked for meanwhile is computed when it ends, and the figures no longer wanted are dropped.
Tables, the calendar heatmap and the per-day bar charts reuse the Rich renderables of the command
line (`quizzer.views.stats`: a column of block characters per day is exact where a plot's bars
are not); the memory histograms and the calibration curve are plotted by textual-plotext.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import TYPE_CHECKING, Any, ClassVar

from rich.cells import cell_len, set_cell_size
from rich.console import Group
from rich.text import Text
from textual import on, work
from textual.app import ComposeResult
from textual.binding import Binding, BindingType
from textual.containers import Horizontal, VerticalScroll
from textual.screen import Screen
from textual.widgets import DataTable, LoadingIndicator, Select, Static, TabbedContent, TabPane
from textual_plotext import PlotextPlot

from quizzer import stats as core
from quizzer.tui.widgets.keybar import KeyBar
from quizzer.views import stats as view
from quizzer.wording import counted

if TYPE_CHECKING:
    from quizzer.collection import Collection
    from quizzer.session import Selection

PERIODS = (7, 30, 90, 365)
BAR_WIDTH = 0.6  # plotext's default (0.8) makes neighbouring bars touch on a character grid
Request = tuple[str | None, int]
"""A scope (None: everything) and a period in days."""
TITLES = {
    "overview": "Overview",
    "activity": "Activity",
    "forecast": "Forecast",
    "memory": "Memory",
    "decks": "Decks",
    "calibration": "Calibration",
    "watch": "Cards to watch",
}
"""Each tab's id and title, in the order of the keys 1 to 7."""
TABS = tuple(TITLES)
SHORT_TITLES = {"calibration": "Calib.", "watch": "Watch"}
"""The titles that give way when the seven do not fit in full (below 74 columns), so that every
tab shows on a 60-column screen instead of the last ones falling off its edge."""


class StatsScreen(Screen[None]):
    """Retention statistics of the whole collection or of one deck, folder or tag."""

    CSS_PATH = "../stats.tcss"
    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("escape,q", "back", "Back"),
        Binding("left_square_bracket", "period(-1)", "Shorter period"),
        Binding("right_square_bracket", "period(1)", "Longer period"),
        *(
            Binding(str(i + 1), f"tab('{tab}')", "Tabs", show=i == 0, key_display="1-7")
            for i, tab in enumerate(TABS)
        ),
        Binding("pageup", "page(-1)", "Page up", show=False),
        Binding("pagedown", "page(1)", "Page down", show=False),
        Binding("question_mark,f1", "help", "Help"),
    ]

    def __init__(
        self,
        collection: Collection,
        now_ms: Callable[[], int],
        selection: Selection | None = None,
        *,
        days: int = 30,
    ) -> None:
        super().__init__()
        self.collection = collection
        self.now_ms = now_ms
        """The clock: each computation is of the moment it starts (a screen left open over the
        day's end shows the new day's figures when the period or the scope changes)."""
        self.days = days
        scope = core.scope_of(selection) if selection is not None else core.Scope()
        self.scope_key = self._key(scope)
        self.result: core.Stats | None = None
        self._titles: tuple[str, ...] = ("Statistics",)
        self._asked: Request | None = None
        """The scope and period asked for last: the only figures to show."""
        self._computing: Request | None = None
        """The scope and period being computed, if any."""

    # ------------------------------------------------------------ layout

    @staticmethod
    def _key(scope: core.Scope) -> str:
        if scope.tag and not scope.decks:
            return f"tag:{scope.tag}"
        return scope.decks[0] if len(scope.decks) == 1 and not scope.tag else ""

    def _scopes(self) -> list[tuple[str, str]]:
        tree = self.collection.tree
        folders = sorted({d.rpartition("/")[0] for d in tree.decks} - {""})
        options = [("All decks", "")]
        options += [(f"{f}/", f) for f in folders]
        options += [(f"  {d}" if "/" in d else d, d) for d in sorted(tree.decks)]
        if self.scope_key and self.scope_key not in {v for _, v in options}:
            options.append((self.scope_key, self.scope_key))
        return options

    def compose(self) -> ComposeResult:
        with Horizontal(id="stats-top"):
            yield Static(id="stats-title")
            yield Select(
                self._scopes(),
                value=self.scope_key,
                allow_blank=False,
                id="stats-scope",
                compact=True,
            )
            yield Select(
                [(f"{d} days", d) for d in PERIODS],
                value=self.days,
                allow_blank=False,
                id="stats-period",
                compact=True,
            )
        yield LoadingIndicator(id="stats-loading")
        with TabbedContent(id="stats-tabs", initial="overview"):
            with TabPane(TITLES["overview"], id="overview"), VerticalScroll():
                yield Static(id="overview-today")
                yield Static(id="overview-retention")
                yield Static(id="overview-counts")
            with TabPane(TITLES["activity"], id="activity"), VerticalScroll():
                yield Static(id="activity-heatmap")
                yield Static(id="activity-days")
                yield Static(id="activity-hours")
                yield Static(id="activity-buttons")
            with TabPane(TITLES["forecast"], id="forecast"), VerticalScroll():
                yield Static(id="forecast-plot")
            with TabPane(TITLES["memory"], id="memory"), VerticalScroll():
                for name in ("stability", "difficulty", "retrievability"):
                    yield Static(id=f"memory-{name}-text", classes="caption")
                    yield PlotextPlot(id=f"memory-{name}", classes="chart")
            with TabPane(TITLES["decks"], id="decks"):
                yield DataTable(id="decks-table", zebra_stripes=True, cursor_type="row")
            with TabPane(TITLES["calibration"], id="calibration"), VerticalScroll():
                yield Static(id="calibration-summary")
                yield PlotextPlot(id="calibration-plot", classes="chart tall")
            with TabPane(TITLES["watch"], id="watch"), VerticalScroll():
                yield Static(id="watch-text")
        yield KeyBar()

    def on_mount(self) -> None:
        """Compute the figures off the UI thread."""
        self.query_one("#stats-tabs").display = False
        self.refresh_stats()

    # ------------------------------------------------------------ computing

    def refresh_stats(self) -> None:
        """Compute again for the chosen scope and period: at once, or when the computation under
        way ends (its figures, no longer wanted, are dropped), so the latest request wins however
        fast the keys come."""
        self._asked = (self.scope_key or None, self.days)
        self.query_one("#stats-loading").display = True
        self._title("Statistics · computing…", "computing…")
        if self._computing is None:
            self._start()

    def _start(self) -> None:
        self._computing = self._asked
        assert self._computing is not None
        self._compute(*self._computing)

    @work(thread=True, group="stats")
    def _compute(self, scope: str | None, days: int) -> None:
        outcome: core.Stats | str
        try:
            outcome = core.compute(self.collection, self.now_ms(), scope, days)
        except core.StatsError as exc:
            outcome = str(exc)
        self.app.call_from_thread(self._computed, (scope, days), outcome)

    def _computed(self, asked: Request, outcome: core.Stats | str) -> None:
        self._computing = None
        if not self.is_attached:  # the screen was closed meanwhile
            return
        if asked != self._asked:
            self._start()
        elif isinstance(outcome, str):
            self._failed(outcome)
        else:
            self._show(outcome)

    def _failed(self, message: str) -> None:
        self.query_one("#stats-loading").display = False
        self._title(f"Statistics · {message}", message)

    def _title(self, *variants: str) -> None:
        """Show the first of `variants` (longest first) that fits the title's width; the scope
        is not among them, its menu beside the title shows it."""
        self._titles = variants
        self._fit_title()

    def _fit_title(self) -> None:
        title = self.query_one("#stats-title", Static)
        width = title.size.width  # 0 before the first layout: the longest, fitted on resize
        fits = [t for t in self._titles if not width or len(t) <= width]
        title.update(Text(fits[0] if fits else self._titles[-1], style="bold"))

    # ------------------------------------------------------------ showing

    def _show(self, result: core.Stats) -> None:
        self.result = result
        self.query_one("#stats-loading").display = False
        self.query_one("#stats-tabs").display = True
        n, day = result.scope.cards, result.meta.study_day
        cards = counted(n, "card", grouped=True)
        full = f"{cards} · study day {day}"
        self._title(f"Statistics · {full}", full, f"{cards} · {day}", cards)
        self._overview(result)
        self._activity(result)
        self._forecast(result)
        self._memory(result)
        self._decks(result)
        self._calibration(result)
        self._watch(result)

    def _static(self, selector: str, content: Any) -> None:
        self.query_one(selector, Static).update(content)

    def _overview(self, s: core.Stats) -> None:
        self._static("#overview-today", Group(Text("Today", style="bold"), view.overview(s)))
        self._static(
            "#overview-retention",
            Group(
                Text("True retention (reviews after an interval of 1 day or more)", style="bold"),
                view.retention_table(s),
            ),
        )
        counts = view.counts_bar(s, min(60, self._chart_width()))
        self._static("#overview-counts", Group(Text("Cards", style="bold"), counts))

    def _chart_width(self) -> int:
        """The width charts are drawn to: the tab's, less its padding and scrollbar, and a
        cell to spare."""
        return max(40, min(self.size.width - 4, 200))

    def _activity(self, s: core.Stats) -> None:
        self._static(
            "#activity-heatmap",
            Group(Text("Answers per day, last 365 days", style="bold"), view.heatmap(s.heatmap)),
        )
        # block-character bars: one exact column per day, which plotext's bars are not
        self._static(
            "#activity-days",
            Group(
                Text(f"Answers per day, last {s.meta.period_days} days", style="bold"),
                view.reviews_chart(s, self._chart_width(), height=10),
            ),
        )
        self._static(
            "#activity-hours",
            Group(
                Text(f"Review answers by hour, last {s.meta.period_days} days", style="bold"),
                view.hours_chart(s, self._chart_width()),
            ),
        )
        self._static(
            "#activity-buttons",
            Group(
                Text(f"Answer buttons, last {s.meta.period_days} days", style="bold"),
                view.buttons_table(s),
            ),
        )

    def _forecast(self, s: core.Stats) -> None:
        self._static(
            "#forecast-plot",
            Group(
                Text("Cards due per day (today, then the next 30 days)", style="bold"),
                view.forecast_chart(s, self._chart_width(), height=12),
            ),
        )

    def on_resize(self) -> None:
        """Redraw the title, the tabs and the charts that are drawn to the screen's width."""
        self.call_after_refresh(self._fit_title)
        self._fit_tabs()
        if self.result is not None:
            self._overview(self.result)
            self._activity(self.result)
            self._forecast(self.result)
            self._decks(self.result)

    def _fit_tabs(self) -> None:
        """Full titles when the seven fit (each tab pads its title with a cell a side), else
        the short ones."""
        full = sum(cell_len(title) + 2 for title in TITLES.values()) <= self.size.width
        tabs = self.query_one("#stats-tabs", TabbedContent)
        for pane, title in TITLES.items():
            label = title if full else SHORT_TITLES.get(pane, title)
            tab = tabs.get_tab(pane)
            if tab.label.plain != label:
                tab.label = label

    def _memory(self, s: core.Stats) -> None:
        texts = view.memory_section(s).renderables
        for name, dist, color in (
            ("stability", s.stability, "green"),
            ("difficulty", s.difficulty, "orange"),
            ("retrievability", s.retrievability, "blue"),
        ):
            caption = {"stability": 0, "difficulty": 2, "retrievability": 4}[name]
            # before any review the section is one line, said once, not under every heading
            text = self.query_one(f"#memory-{name}-text", Static)
            text.display = len(texts) > caption
            if text.display:
                text.update(texts[caption])
            plot = self.query_one(f"#memory-{name}", PlotextPlot)
            plt = plot.plt
            plt.clear_data()
            plt.clear_figure()
            plt.bar(
                [b.label for b in dist.bins],
                [b.cards for b in dist.bins],
                color=color,
                width=BAR_WIDTH,
            )
            plt.title(f"{name.capitalize()}: cards per bin")
            plot.display = bool(dist.cards)
            plot.refresh()

    def _decks(self, s: core.Stats) -> None:
        table = self.query_one("#decks-table", DataTable)
        table.clear(columns=True)
        headers = ("Cards", "New", "Left", "Ret. 30d", "Stab.", "R")
        rows = [
            (
                row,
                [
                    Text(f, justify="right") if isinstance(f, str) else f
                    for f in (
                        view.num(row.cards),
                        view.num(row.new),
                        view.num(row.left.total),
                        view.rate_text(row.retention_30d),
                        f"{row.mean_stability:.1f}d" if row.mean_stability is not None else "—",
                        view.pct(row.mean_retrievability, 0),
                    )
                ],
            )
            for row in s.decks
        ]
        widths = [
            max([len(h), *(figures[i].cell_len for _, figures in rows)])
            for i, h in enumerate(headers)
        ]
        # the figures keep their width; the deck's title (its id is the row key) takes the rest:
        # two cells of padding a column, two for the scrollbar, two for the tab's own padding
        title_width = max(12, self.size.width - sum(widths) - 2 * (len(widths) + 1) - 4)
        table.add_column("Deck", width=title_width)
        for header, width in zip(headers, widths, strict=True):
            table.add_column(header, width=width)
        for row, figures in rows:
            title = row.title
            if cell_len(title) > title_width:
                title = set_cell_size(title, title_width - 1) + "…"
            table.add_row(title, *figures, key=row.deck)

    def _calibration(self, s: core.Stats) -> None:
        self._static("#calibration-summary", view.calibration_section(s))
        plot = self.query_one("#calibration-plot", PlotextPlot)
        plt = plot.plt
        plt.clear_data()
        plt.clear_figure()
        filled = [b for b in s.calibration.bins if b.reviews]
        # most predictions sit near 90%: zoom on the range that holds them
        low = min((b.predicted or 0 for b in filled), default=0.0)
        low = max(0.0, int(low * 10) / 10 - 0.1) if filled else 0.0
        plt.plot([low, 1], [low, 1], color="gray", marker="braille", label="perfect")
        if filled:
            xs = [b.predicted or 0 for b in filled]
            ys = [b.actual or 0 for b in filled]
            plt.plot(xs, ys, marker="braille", color="cyan", label="actual")
            plt.scatter(xs, ys, marker="dot", color="cyan")
        plt.xlim(low, 1)
        plt.ylim(low, 1)
        plt.xlabel("predicted recall (mean of each bin)")
        plt.ylabel("share passed")
        plt.title("Calibration: each bin's pass rate against its prediction")
        plot.refresh()

    def _watch(self, s: core.Stats) -> None:
        parts: list[Any] = [
            Text(f"Leeches: {s.leeches.count} ({view.leech_rule(s.leeches)})", style="bold")
        ]
        parts.append(
            view.cards_table(s.leeches.cards[:20])
            if s.leeches.cards
            else Text("No leech.", style="dim")
        )
        parts.append(Text("\nMost lapses", style="bold"))
        parts.append(
            view.cards_table(s.hardest.most_lapses)
            if s.hardest.most_lapses
            else Text("No card has lapsed.", style="dim")
        )
        parts.append(Text("\nLowest predicted recall now", style="bold"))
        parts.append(
            view.cards_table(s.hardest.lowest_retrievability)
            if s.hardest.lowest_retrievability
            else Text("—", style="dim")
        )
        self._static("#watch-text", Group(*parts))

    # ------------------------------------------------------------ actions

    @on(Select.Changed, "#stats-scope")
    def _scope_changed(self, event: Select.Changed) -> None:
        value = str(event.value) if event.value is not Select.BLANK else ""
        if value != self.scope_key:
            self.scope_key = value
            self.refresh_stats()

    @on(Select.Changed, "#stats-period")
    def _period_changed(self, event: Select.Changed) -> None:
        # the menu's value now, not the event's: `[` and `]` set it and the period together, and
        # a change posted before a later key moved it again is stale
        value = event.select.value
        if isinstance(value, int) and value != self.days:
            self.days = value
            self.refresh_stats()

    def action_period(self, step: int) -> None:
        """Shorter or longer period for the per-day charts, from the period last asked for (not
        the one shown), so every press counts while the figures are computed."""
        i = PERIODS.index(self.days) if self.days in PERIODS else 1
        days = PERIODS[max(0, min(len(PERIODS) - 1, i + step))]
        if days != self.days:
            self.days = days
            self.query_one("#stats-period", Select).value = days
            self.refresh_stats()

    def action_tab(self, tab: str) -> None:
        """Show one tab."""
        self.query_one("#stats-tabs", TabbedContent).active = tab

    def action_page(self, pages: int) -> None:
        """Scroll the tab shown by a page, whichever widget has the focus (the scope menu, at
        first, which takes the arrows)."""
        tabs = self.query_one("#stats-tabs", TabbedContent)
        pane = tabs.get_pane(tabs.active)
        for scroller in pane.query("VerticalScroll, DataTable"):
            if pages > 0:
                scroller.scroll_page_down(animate=False)
            else:
                scroller.scroll_page_up(animate=False)

    def action_help(self) -> None:
        """Every key, this screen's included."""
        from quizzer.tui.screens.help import HelpScreen

        self.app.push_screen(HelpScreen())

    def action_back(self) -> None:
        """Back to where statistics were opened from."""
        self.app.pop_screen()
