"""`quizzer stats`: the statistics page in the terminal (Rich), or every figure as JSON.

The charts are plain Rich `Text` built from block characters, so they work in any terminal, read
at 80 columns, and stay legible without colour (bar heights and shade characters carry the
values; colour only helps). The terminal UI reuses them where a text chart beats a plot.
"""

from __future__ import annotations

import math
from collections.abc import Callable, Sequence
from datetime import date, timedelta
from typing import TYPE_CHECKING

from rich import box
from rich.console import Group, RenderableType
from rich.table import Table
from rich.text import Text

from quizzer.mathtext import plain_math
from quizzer.scheduling import describe_duration
from quizzer.stats import (
    BUTTON_GROUPS,
    CATEGORIES,
    PERIODS,
    CardRow,
    Distribution,
    Heatmap,
    Leeches,
    Rate,
    Stats,
)
from quizzer.views.answers import answers_done
from quizzer.wording import counted

if TYPE_CHECKING:
    pass

BLOCKS = " ▁▂▃▄▅▆▇█"
SHADES = "·░▒▓█"
HEAT_COLORS = ("grey35", "#0e4429", "#006d32", "#26a641", "#39d353")
CATEGORY_STYLES = {
    "new": "dodger_blue2",
    "learning": "orange3",
    "relearning": "red3",
    "young": "green3",
    "mature": "dark_green",
    "cram": "magenta",
}
PERIOD_LABELS = {
    "today": "Today",
    "yesterday": "Yesterday",
    "last_7_days": "Last 7 days",
    "last_30_days": "Last 30 days",
    "last_365_days": "Last 365 days",
    "all_time": "All time",
}
WEEKDAYS = ("Mon", "", "Wed", "", "Fri", "", "Sun")


# ---------------------------------------------------------------- formatting


def pct(value: float | None, digits: int = 1) -> str:
    """A share as a percentage, or an em dash when there is nothing to measure."""
    return "—" if value is None else f"{value * 100:.{digits}f}%"


def num(n: float) -> str:
    """A count with thousands separators."""
    return f"{round(n):,}"


def rate_text(rate: Rate) -> Text:
    """`92.3% 1,204`, the count dim; a dash when empty."""
    if not rate.total:
        return Text("—", style="dim", justify="right")
    style = "green" if (rate.rate or 0) >= 0.9 else "yellow" if (rate.rate or 0) >= 0.8 else "red"
    return Text.assemble((pct(rate.rate), style), (f" {num(rate.total)}", "dim"), justify="right")


def days_label(d: date, today: date) -> str:
    """`today`, `+3`, or `-3` relative to today."""
    delta = (d - today).days
    return "today" if delta == 0 else f"{delta:+d}"


# ---------------------------------------------------------------- charts


def sparkline(values: Sequence[float], style: str = "cyan") -> Text:
    """One row of block characters, the tallest value full height; zero is a blank."""
    top = max(values, default=0)
    text = Text()
    for v in values:
        level = 0 if v <= 0 or top <= 0 else max(1, round(v / top * 8))
        text.append(BLOCKS[level], style=style)
    return text


def _bucket(columns: Sequence[Sequence[float]], width: int) -> tuple[list[list[float]], int]:
    """Merge neighbouring columns (summing them) until they fit in `width` characters."""
    size = max(1, math.ceil(len(columns) / max(width, 1)))
    merged = []
    for start in range(0, len(columns), size):
        group = columns[start : start + size]
        merged.append([sum(c[k] for c in group) for k in range(len(group[0]))])
    return merged, size


def stacked_bars(
    columns: Sequence[Sequence[float]],
    styles: Sequence[str],
    *,
    height: int = 8,
    width: int = 72,
    column_width: int = 1,
    labels: Callable[[int, int], str] | None = None,
) -> Text:
    """A vertical bar chart; each column a stack of segments (bottom first) drawn in `styles`.

    Columns are merged (summed) when there are more than fit in `width`. Heights have eighth-of-a-
    row resolution; a cell takes the colour of the segment at its middle. The y axis shows the
    largest total. `labels(i, size)` may name merged column `i` (of `size` originals) below it.
    """
    merged, size = _bucket(columns, max(1, (width - 7) // column_width))
    totals = [sum(c) for c in merged]
    top = max(totals, default=0)
    text = Text()
    axis = num(top) if top else "0"
    for row in range(height - 1, -1, -1):
        text.append(f"{axis if row == height - 1 else '':>6}▕", style="dim")
        for column, total in zip(merged, totals, strict=True):
            eighths = 0 if top <= 0 else round(total / top * height * 8)
            if total > 0:
                eighths = max(eighths, 1)
            fill = min(max(eighths - row * 8, 0), 8)
            if fill == 0:
                text.append(" " * column_width)
                continue
            middle = (row + min(fill, 8) / 16) / height * top
            cum, style = 0.0, styles[-1]
            for value, seg_style in zip(column, styles, strict=True):
                cum += value
                if middle <= cum:
                    style = seg_style
                    break
            text.append(BLOCKS[fill] * column_width, style=style)
        text.append("\n")
    if labels is not None:
        line = [" "] * (len(merged) * column_width + 3)
        for i in range(len(merged)):
            label = labels(i, size)
            at = i * column_width
            if label and all(c == " " for c in line[max(0, at - 1) : at + len(label) + 1]):
                line[at : at + len(label)] = label
        text.append(" " * 7 + "".join(line).rstrip(), style="dim")
        text.append("\n")
    text.rstrip()
    return text


def heatmap(hm: Heatmap, *, color: bool = True) -> Text:
    """A year of study days as a calendar: a column per week (Monday on top), a cell per day,
    shaded by answers that day in four levels of the year's maximum; month names above."""
    first_monday = hm.start - timedelta(days=hm.start.weekday())
    weeks = (hm.end - first_monday).days // 7 + 1
    counts = dict(zip(hm.dates, hm.reviews, strict=True))
    text = Text()
    months = [" "] * weeks
    for w in range(weeks):
        monday = first_monday + timedelta(weeks=w)
        sunday = monday + timedelta(days=6)
        if monday.month != sunday.month or monday.day == 1 or w == 0:
            first = sunday.replace(day=1) if sunday.day < 7 else monday
            name = first.strftime("%b")
            if w + len(name) <= weeks and all(c == " " for c in months[max(0, w - 1) : w + 3]):
                months[w : w + 3] = name
    text.append("    " + "".join(months).rstrip() + "\n", style="dim")
    for weekday in range(7):
        text.append(f"{WEEKDAYS[weekday]:<3} ", style="dim")
        for w in range(weeks):
            day = first_monday + timedelta(weeks=w, days=weekday)
            if day < hm.start or day > hm.end:
                text.append(" ")
                continue
            n = counts.get(day, 0)
            level = 0 if n == 0 else min(4, 1 + int(4 * n / (hm.max + 1)))
            style = HEAT_COLORS[level] if color else ""
            if day == hm.end:
                style += " underline"
            text.append(SHADES[level], style=style.strip())
        text.append("\n")
    legend = Text("    less ", style="dim")
    for level in range(5):
        legend.append(SHADES[level], style=HEAT_COLORS[level] if color else "")
    legend.append(" more", style="dim")
    text.append_text(legend)
    return text


def legend(styles: dict[str, str], names: Sequence[str], width: int = 0) -> Text:
    """A row of coloured squares and names, broken between two of them when it is wider than
    `width` (when that is not 0)."""
    return packed([Text.assemble(("■ ", styles[name]), name) for name in names], width)


def packed(items: Sequence[Text], width: int = 0) -> Text:
    """Items two spaces apart, a line broken between two of them where the next does not fit
    in `width` cells (any width when it is 0): a narrow screen wraps them whole, not a colour
    square at one line's end and its name on the next."""
    text = Text()
    line = 0
    for item in items:
        if line and width and line + 2 + item.cell_len > width:
            text.append("\n")
            line = 0
        elif line:
            text.append("  ")
            line += 2
        text.append_text(item)
        line += item.cell_len
    return text


def lower_bound(value: float, unit: str) -> str:
    """A bin's lower edge, short: `3d`, `2w`, `6m`, `1y` for days; `40%` for percents."""
    if unit == "%":
        return f"{value:.0f}%"
    for size, suffix in ((365, "y"), (30, "m"), (7, "w")):
        if value >= size and value % size == 0:
            return f"{value / size:.0f}{suffix}"
    return f"{value:.0f}d"


def distribution_chart(
    dist: Distribution,
    *,
    unit: str,
    width: int = 72,
    height: int = 6,
    style: str = "cyan",
    every: int = 1,
) -> Text:
    """A histogram of a distribution's bins, each labelled (every `every` bins) by its lower
    edge in `unit` (`d` for days, `%`)."""
    column_width = max(1, min(6, (width - 7) // max(1, len(dist.bins))))
    return stacked_bars(
        [[b.cards] for b in dist.bins],
        [style],
        height=height,
        width=width,
        column_width=column_width,
        labels=lambda i, size: lower_bound(dist.bins[i].low, unit) if i % every == 0 else "",
    )


# ---------------------------------------------------------------- sections


def _title(text: str) -> Text:
    return Text(f"\n{text}", style="bold underline")


def overview(stats: Stats) -> Group:
    """Today's work, the streak and the card counts."""
    t = stats.today
    lines: list[RenderableType] = []
    answers = t.reviews + t.cram
    if answers:
        done = Text(answers_done(answers, t.cram, int(t.time_ms)))
        done.stylize("bold", 0, len(num(answers)))
        per = t.time_ms / answers / 1000
        lines.append(Text.assemble(done, f" today ({per:.1f}s per answer)."))
        lines.append(
            Text.assemble(
                "Again: ",
                (num(t.again), "bold"),
                f" of {counted(t.reviews, 'review', grouped=True)}",
                f" ({pct(t.again / t.reviews if t.reviews else None)})",
                "  New learned: ",
                (num(t.new_learned), "bold"),
            )
        )
        lines.append(
            Text.assemble(
                "Correct on mature cards: ",
                (f"{t.mature.passed}/{t.mature.total}", "bold"),
                f" ({pct(t.mature.rate)})",
            )
        )
    else:
        lines.append(Text("No cards studied today.", style="dim"))
    left = t.left
    lines.append(
        Text.assemble(
            "Left now: ",
            (num(left.total), "bold"),
            f" ({num(left.new)} new, {num(left.learning)} learning, {num(left.review)} due)",
            "  later today: ",
            (num(left.later_today), "bold"),
        )
    )
    s = stats.streaks
    lines.append(
        Text.assemble(
            "Streak: ",
            (counted(s.current, "day"), "bold"),
            "  longest: ",
            (f"{s.longest}", "bold"),
            (f" ({s.longest_start} to {s.longest_end})" if s.longest else "", "dim"),
            "  days studied: ",
            (num(s.days_studied), "bold"),
        )
    )
    return Group(*lines)


def retention_table(stats: Stats) -> Table:
    """Anki's true retention table: pass rate of reviews after an interval of a day or more."""
    table = Table(box=box.SIMPLE_HEAD, pad_edge=False, show_edge=False)
    table.add_column("Period")
    for name in ("Young", "Mature", "All"):
        table.add_column(name, justify="right")
    for period in PERIODS:
        row = stats.true_retention[period]
        table.add_row(
            PERIOD_LABELS[period], rate_text(row.young), rate_text(row.mature), rate_text(row.all)
        )
    return table


def counts_bar(stats: Stats, width: int = 72) -> Group:
    """The card counts as one proportional bar and a legend."""
    c = stats.card_counts
    parts = [
        ("new", c.new, "dodger_blue2"),
        ("learning", c.learning, "orange3"),
        ("relearning", c.relearning, "red3"),
        ("young", c.young, "green3"),
        ("mature", c.mature, "dark_green"),
        ("suspended", c.suspended, "yellow"),
        ("buried", c.buried, "grey50"),
    ]
    bar = Text()
    if c.total:
        used = 0
        for i, (_, n, style) in enumerate(parts):
            cells = round(n / c.total * width) if i < len(parts) - 1 else width - used
            cells = min(max(cells, 1 if n else 0), width - used)
            bar.append("█" * cells, style=style)
            used += cells
    items = [Text.assemble(("■ ", style), f"{name} {num(n)}") for name, n, style in parts]
    total = Text(f"total {num(c.total)}", style="bold")
    return Group(bar, packed(items[:5], width), packed([*items[5:], total], width))


def forecast_chart(stats: Stats, width: int = 80, height: int = 6) -> Group:
    """Cards due on each of the next days, and the backlog."""
    f = stats.forecast
    days = f.days
    column_width = max(1, min(2, (width - 7) // len(days)))
    chart = stacked_bars(
        [[d.due] for d in days],
        ["cyan"],
        height=height,
        width=width,
        column_width=column_width,
        labels=lambda i, size: days_label(days[i * size].date, days[0].date) if i % 5 == 0 else "",
    )
    week = sum(d.due for d in days[1:8])
    summary = Text.assemble(
        "Backlog (overdue): ",
        (num(f.backlog), "bold red" if f.backlog else "bold"),
        "  falling due today: ",
        (num(days[0].due), "bold"),
        "  tomorrow: ",
        (num(days[1].due), "bold"),
        "  next 7 days: ",
        (num(week), "bold"),
        f"  {f.average_per_day:.1f}/day",
    )
    return Group(chart, summary)


def reviews_chart(stats: Stats, width: int = 80, height: int = 8) -> Group:
    """Answers per day of the period, stacked by the kind of card, and the time they took."""
    r = stats.reviews
    columns = [[r.count[c][i] for c in CATEGORIES] for i in range(len(r.dates))]
    column_width = max(1, min(2, (width - 7) // max(1, len(columns))))
    chart = stacked_bars(
        columns,
        [CATEGORY_STYLES[c] for c in CATEGORIES],
        height=height,
        width=width,
        column_width=column_width,
        labels=lambda i, size: (
            days_label(r.dates[i * size], stats.meta.study_day)
            if i % max(1, 10 // column_width) == 0
            else ""
        ),
    )
    spent = [sum(r.time_ms[c][i] for c in CATEGORIES) for i in range(len(r.dates))]
    # the busiest single day, not the busiest merged column (several days when they are merged)
    busiest = f" max {describe_duration(max(spent, default=0))}/day"
    merged, _ = _bucket([[ms] for ms in spent], width - 7 - len(busiest))
    times = Text.assemble(
        ("  time ", "dim"), sparkline([m[0] for m in merged], "grey70"), (busiest, "dim")
    )
    summary = Text.assemble(
        "Days studied: ",
        (f"{r.days_studied}/{len(r.dates)}", "bold"),
        "  total: ",
        (num(r.total), "bold"),
        f" in {describe_duration(int(r.total_time_ms))}",
        "  ",
        (f"{r.average_per_day:.1f}", "bold"),
        "/day",
        (f" ({r.average_per_studied_day:.1f} per day studied)", "dim"),
    )
    return Group(chart, times, legend(CATEGORY_STYLES, CATEGORIES, width), summary)


def buttons_table(stats: Stats) -> Table:
    """How often each answer button was pressed, by kind of card."""
    table = Table(box=box.SIMPLE_HEAD, pad_edge=False, show_edge=False)
    table.add_column("")
    for name, style in (("Again", "red"), ("Hard", "yellow"), ("Good", "green"), ("Easy", "blue")):
        table.add_column(name, justify="right", header_style=f"bold {style}")
    table.add_column("Correct", justify="right")
    for group in BUTTON_GROUPS:
        row = stats.answer_buttons[group]
        cells = []
        for n in (row.again, row.hard, row.good, row.easy):
            share = f" {n / row.total * 100:.0f}%" if row.total else ""
            cells.append(Text.assemble(num(n), (share, "dim")))
        table.add_row(group.capitalize(), *cells, rate_text(row.correct))
    return table


def hours_chart(stats: Stats, width: int = 80) -> Group:
    """Review answers by local hour, with the share passed under each hour; two hours to a
    column when the 24 do not fit in `width`."""
    per = 1 if width >= 7 + 24 * 3 else 2
    groups = [stats.hours[start : start + per] for start in range(0, len(stats.hours), per)]
    chart = stacked_bars(
        [[sum(h.reviews for h in g)] for g in groups],
        ["cyan"],
        height=5,
        width=7 + 3 * len(groups),
        column_width=3,
        labels=lambda i, size: f"{i * per:02d}" if i * per % 3 == 0 or per > 1 else "",
    )
    rates = Text(f"{'pass%':>6} ", style="dim")
    for g in groups:
        passed = Rate.of(sum(h.passed.passed for h in g), sum(h.passed.total for h in g))
        r = passed.rate
        if r is None:
            rates.append("   ")
        else:
            style = "green" if r >= 0.9 else "yellow" if r >= 0.8 else "red"
            # two cells an hour: every answer passed is ✓, not a 99 it is not
            whole = passed.passed == passed.total
            shown = " ✓" if whole else f"{min(99, round(r * 100)):>2}"
            rates.append(f"{shown} ", style=style)
    return Group(chart, rates)


def memory_section(stats: Stats) -> Group:
    """Distributions of stability, difficulty and retrievability."""
    s, d, r = stats.stability, stats.difficulty, stats.retrievability
    parts: list[RenderableType] = []
    if not s.cards:
        return Group(Text("No card has been reviewed yet.", style="dim"))
    parts.append(
        Text.assemble(
            "Stability (days until recall drops to 90%): mean ",
            (f"{s.mean:.1f}d", "bold"),
            f", median {s.median:.1f}d",
        )
    )
    parts.append(distribution_chart(s, unit="d", style="green3"))
    parts.append(
        Text.assemble("Difficulty: mean ", (f"{d.mean:.0f}%", "bold"), f", median {d.median:.0f}%")
    )
    parts.append(distribution_chart(d, unit="%", style="orange3"))
    parts.append(
        Text.assemble(
            "Retrievability now: mean ",
            (pct((r.mean or 0) / 100), "bold"),
            f", median {pct((r.median or 0) / 100)}; ",
            (f"~{r.sum:.0f}", "bold"),
            f" of {counted(r.cards, 'card', grouped=True)} known now",
        )
    )
    parts.append(distribution_chart(r, unit="%", style="dodger_blue2", every=2))
    return Group(*parts)


def decks_table(stats: Stats) -> Table:
    """One row per deck."""
    table = Table(box=box.SIMPLE_HEAD, pad_edge=False, show_edge=False)
    table.add_column("Deck", overflow="ellipsis", no_wrap=True, max_width=30)
    for name in ("Cards", "New", "Left", "Ret. 30d", "Stab.", "R"):
        table.add_column(name, justify="right", no_wrap=True)
    for row in stats.decks:
        table.add_row(
            row.deck,
            num(row.cards),
            num(row.new),
            num(row.left.total),
            rate_text(row.retention_30d),
            f"{row.mean_stability:.1f}d" if row.mean_stability is not None else "—",
            pct(row.mean_retrievability, 0),
        )
    return table


def leech_rule(leeches: Leeches) -> str:
    """What makes a leech in the scope, for a heading: `8+ lapses`, or each deck's own
    threshold when its decks have different ones."""
    if leeches.threshold is None:
        return "each deck's own threshold"
    return f"{leeches.threshold}+ lapses"


def cards_table(rows: Sequence[CardRow]) -> Table:
    """Cards with their lapses and predicted recall."""
    table = Table(box=box.SIMPLE_HEAD, pad_edge=False, show_edge=False)
    table.add_column("Card", overflow="ellipsis", no_wrap=True, ratio=1)
    table.add_column("Lapses", justify="right")
    table.add_column("R", justify="right")
    for row in rows:
        name = Text(plain_math(row.text))
        name.append(f"  {row.card_id}", style="dim")
        if row.suspended:
            name.append(" (suspended)", style="yellow")
        table.add_row(name, num(row.lapses), pct(row.retrievability, 0))
    return table


def calibration_section(stats: Stats) -> Group:
    """Predicted recall against what happened, bin by bin."""
    c = stats.calibration
    if not c.reviews:
        return Group(Text("No review yet came a day or more after the previous one.", style="dim"))
    table = Table(box=box.SIMPLE_HEAD, pad_edge=False, show_edge=False)
    table.add_column("Predicted", justify="right")
    table.add_column("Reviews", justify="right")
    table.add_column("Mean pred.", justify="right")
    table.add_column("Actual", justify="right")
    table.add_column("Actual − predicted", no_wrap=True)
    for b in c.bins:
        if not b.reviews:
            continue
        diff = (b.actual or 0) - (b.predicted or 0)
        cells = min(12, round(abs(diff) * 100))
        bar = Text(" " * 12 if diff >= 0 else " " * (12 - cells), style="dim")
        bar.append("█" * cells if diff < 0 else "", style="red")
        bar.append("│", style="dim")
        bar.append("█" * cells if diff >= 0 else "", style="green")
        bar.append(f" {diff * 100:+.1f}", style="dim")
        table.add_row(
            f"{b.low * 100:.0f}-{b.high * 100:.0f}%",
            num(b.reviews),
            pct(b.predicted),
            pct(b.actual),
            bar,
        )
    summary = Text.assemble(
        (num(c.reviews), "bold"),
        " reviews: predicted ",
        (pct(c.predicted), "bold"),
        ", actual ",
        (pct(c.actual), "bold"),
        "\nLog loss ",
        (f"{c.log_loss:.4f}", "bold"),
        "  RMSE (bins) ",
        (pct(c.rmse_bins, 2), "bold"),
    )
    return Group(table, summary)


def render(stats: Stats, width: int = 80) -> Group:
    """The whole statistics page."""
    m = stats.meta
    scope = stats.scope.filter or "all decks"
    head = Text.assemble(
        ("Statistics", "bold"),
        f" · {scope} · {counted(stats.scope.cards, 'card', grouped=True)} · last ",
        counted(m.period_days, "day"),
        (f"\nstudy day {m.study_day} (days start at {m.day_starts_at:02d}:00 {m.timezone})", "dim"),
    )
    parts: list[RenderableType] = [
        head,
        _title("Today"),
        overview(stats),
        _title("True retention (reviews after an interval of 1 day or more)"),
        retention_table(stats),
        _title("Cards"),
        counts_bar(stats, min(width, 80) - 8),
        _title("Forecast: due per day"),
        forecast_chart(stats, width),
        _title("Activity over the last year"),
        heatmap(stats.heatmap),
        _title(f"Reviews per day (last {m.period_days} days)"),
        reviews_chart(stats, width),
        _title(f"Answer buttons (last {m.period_days} days)"),
        buttons_table(stats),
        _title(f"Hour of day (last {m.period_days} days)"),
        hours_chart(stats),
        _title("Memory"),
        memory_section(stats),
        _title("Decks"),
        decks_table(stats),
        _title("Calibration: predicted recall against actual"),
        calibration_section(stats),
    ]
    leeches = stats.leeches
    parts += [_title(f"Leeches ({leeches.count}, {leech_rule(leeches)})")]
    parts.append(
        cards_table(leeches.cards[:10]) if leeches.cards else Text("No leech.", style="dim")
    )
    parts += [_title("Hardest cards: most lapses")]
    parts.append(
        cards_table(stats.hardest.most_lapses)
        if stats.hardest.most_lapses
        else Text("No card has lapsed.", style="dim")
    )
    parts += [_title("Hardest cards: lowest predicted recall now")]
    parts.append(
        cards_table(stats.hardest.lowest_retrievability)
        if stats.hardest.lowest_retrievability
        else Text("—", style="dim")
    )
    return Group(*parts)
