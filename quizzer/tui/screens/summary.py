"""The end of a session: what was done, and when the next card falls due."""

from __future__ import annotations

from datetime import tzinfo
from typing import ClassVar

from textual.app import ComposeResult
from textual.binding import Binding, BindingType
from textual.containers import Center, VerticalGroup
from textual.content import Content
from textual.screen import Screen
from textual.widgets import Static

from quizzer.home import describe_when
from quizzer.scheduling import describe_duration
from quizzer.session import Tally
from quizzer.tui.screens.help import HelpScreen
from quizzer.tui.widgets.keybar import KeyBar

NOTHING_TO_UNDO = "Nothing to undo in this session."
"""What undo says in a session that did nothing it could undo."""


def summary_content(
    tally: Tally,
    next_due: int | None,
    now_ms: int,
    zone: tzinfo,
    *,
    cram: bool = False,
    unmatched: str | None = None,
) -> Content:
    """The session's figures, one per line; `unmatched`: the search that found no card."""
    if unmatched is not None:
        rows = [
            ("Search", unmatched),
            ("Cards found", "0 (try it with 'quizzer cards' or / in the browser)"),
        ]
    else:
        rows = _rows(tally, next_due, now_ms, zone, cram)
    lines = [Content.assemble((f"{label:<20}", "dim"), (value, "bold")) for label, value in rows]
    return Content("\n").join(lines)


def _rows(
    tally: Tally, next_due: int | None, now_ms: int, zone: tzinfo, cram: bool
) -> list[tuple[str, str]]:
    rows: list[tuple[str, str]] = []
    done = tally.answered
    rows.append(("Cards done", str(done)))
    if done:
        share = round(100 * tally.correct / done)
        rows.append(("Correct", f"{share}%  ({tally.correct} of {done})"))
        per_card = describe_duration(tally.time_ms // done)
        rows.append(("Time spent", f"{describe_duration(tally.time_ms)}  ({per_card} a card)"))
    if cram:
        rows.append(("Crammed", f"{tally.crammed}  (schedules unchanged)"))
    else:
        rows.append(("New cards learned", str(tally.new_learned)))
        rows.append(
            (
                "Next card due",
                describe_when(next_due, now_ms, zone)
                if next_due is not None
                else "nothing scheduled",
            )
        )
    return rows


class SummaryScreen(Screen[str]):
    """Shown when the queue is empty; dismissed with `home` or `undo`."""

    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("enter", "home", "Home"),
        Binding("escape,space,q", "home", "Home", show=False),
        Binding("u", "undo", "Undo last answer"),
        Binding("ctrl+z", "undo", "Undo last answer", show=False),
        Binding("u,ctrl+z", "nothing_to_undo", "Undo", show=False),
        Binding("question_mark,f1", "help", "Help"),
    ]

    def __init__(
        self,
        tally: Tally,
        next_due: int | None,
        now_ms: int,
        zone: tzinfo,
        *,
        cram: bool = False,
        can_undo: bool = True,
        unmatched: str | None = None,
    ) -> None:
        super().__init__()
        self.unmatched = unmatched
        """The session's search, when it found no card at all."""
        self.tally = tally
        self.next_due = next_due
        self.now = now_ms
        self.zone = zone
        self.cram = cram
        self.can_undo = can_undo
        """Whether the session did anything its undo can take back."""

    def check_action(self, action: str, parameters: tuple[object, ...]) -> bool | None:
        """Offer undo only when the session has something to undo."""
        if action == "undo":
            return self.can_undo
        if action == "nothing_to_undo":
            return not self.can_undo
        return True

    def compose(self) -> ComposeResult:
        """The figures in a box, centred."""
        if self.tally.answered:
            title = "Cram session done" if self.cram else "Session complete"
        elif self.unmatched is not None:
            title = "No card matches"
        else:
            title = "Nothing to cram" if self.cram else "Nothing due now"
        with Center(), VerticalGroup(id="summary-box") as box:
            box.border_title = title
            yield Static(
                summary_content(
                    self.tally,
                    self.next_due,
                    self.now,
                    self.zone,
                    cram=self.cram,
                    unmatched=self.unmatched,
                ),
                id="summary-text",
            )
            keys = "enter: home    u: undo the last answer" if self.can_undo else "enter: home"
            yield Static(keys, id="summary-keys")
        yield KeyBar()

    def action_home(self) -> None:
        """Back to home."""
        self.dismiss("home")

    def action_undo(self) -> None:
        """Back to the session, undoing the last answer."""
        self.dismiss("undo")

    def action_nothing_to_undo(self) -> None:
        """Say that the session did nothing to undo."""
        self.notify(NOTHING_TO_UNDO)

    def action_help(self) -> None:
        """Show every key."""
        self.app.push_screen(HelpScreen())
