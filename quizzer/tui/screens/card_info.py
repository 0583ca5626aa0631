"""One card: its question as the review screen renders it, its memory state now, and every event
of its history."""

from __future__ import annotations

from typing import ClassVar

from textual.app import ComposeResult
from textual.binding import Binding, BindingType
from textual.containers import VerticalScroll
from textual.content import Content
from textual.screen import ModalScreen
from textual.widgets import Markdown, Static

from quizzer.card_info import CardInfo, HistoryEntry, card_info
from quizzer.clock import from_ms
from quizzer.collection import Collection
from quizzer.scheduling import describe_duration
from quizzer.tui.render import screen_faces


def _days(days: float | None) -> str:
    return "-" if days is None else f"{days:.1f}d"


def _percent(value: float | None) -> str:
    return "-" if value is None else f"{value:.0%}"


class CardInfoScreen(ModalScreen[None]):
    """A card's question, state and history."""

    CSS_PATH = "../browser.tcss"
    BINDINGS: ClassVar[list[BindingType]] = [Binding("escape,enter,q", "close", "Close")]

    def __init__(self, collection: Collection, card_id: str, now_ms: int) -> None:
        super().__init__()
        self.collection = collection
        self.card_id = card_id
        col = collection
        self.info = card_info(card_id, col.tree, col.store, col.settings, col.zone, now_ms)

    def compose(self) -> ComposeResult:
        """The question, the state now, the history."""
        card = self.collection.tree.card_index()[self.card_id]
        with VerticalScroll(id="info-box") as box:
            box.border_title = self.card_id
            box.border_subtitle = "esc closes · ↑↓ scroll"
            yield Markdown(screen_faces(card).front, id="info-question")
            yield Static(self._state(self.info), id="info-state")
            yield Static(self._history(self.info.history), id="info-history")

    def _state(self, info: CardInfo) -> Content:
        row, state = info.row, info.state
        flags = [f for f in ("suspended", "buried", "leech") if row[f]]
        due = "-"
        if state.due is not None:
            due = f"{from_ms(state.due).astimezone(self.collection.zone):%Y-%m-%d %H:%M}"
        difficulty = "-" if row["difficulty"] is None else f"{row['difficulty']:.2f}"
        pairs = [
            ("state", row["state"] + (f" ({', '.join(flags)})" if flags else "")),
            ("due", due),
            ("interval", _days(row["interval_days"])),
            ("stability", _days(row["stability"])),
            ("difficulty", difficulty),
            ("recall now", _percent(row["recall"])),
            ("reviews", str(row["reps"])),
            ("lapses", str(row["lapses"])),
        ]
        lines = [Content.styled("Now", "bold $text-primary")]
        lines += [Content.assemble((f" {k:<11}", "dim"), v) for k, v in pairs]
        return Content("\n").join(lines)

    def _history(self, history: list[HistoryEntry]) -> Content:
        lines = [Content.styled("History", "bold $text-primary")]
        if not history:
            lines.append(Content.styled(" never reviewed", "dim"))
            return Content("\n").join(lines)
        lines.append(
            Content.styled(
                f" {'when':<16}  {'event':<9} {'rating':<6} {'ivl':>6} {'recall':>6} "
                f"{'next':>6} {'time':>5}",
                "dim",
            )
        )
        zone = self.collection.zone
        for h in history:
            when = f"{from_ms(h.at).astimezone(zone):%Y-%m-%d %H:%M}"
            rating = h.rating.name.title() if h.rating is not None else ""
            took = describe_duration(h.duration_ms) if h.duration_ms else ""
            lines.append(
                Content(
                    f" {when:<16}  {h.kind:<9} {rating:<6} {_days(h.interval_before):>6} "
                    f"{_percent(h.recall_before):>6} {_days(h.interval_after):>6} {took:>5}"
                )
            )
        return Content("\n").join(lines)

    def action_close(self) -> None:
        """Back to the browser."""
        self.dismiss()
