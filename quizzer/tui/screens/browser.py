"""The card browser: search every card with the query language, sort, select, act on the
selection (suspend, bury, forget, edit, review now), and open one card's history."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any, ClassVar

from rich.cells import cell_len, set_cell_size
from rich.text import Text
from textual import work
from textual.app import ComposeResult
from textual.binding import Binding, BindingType
from textual.content import Content
from textual.screen import Screen
from textual.timer import Timer
from textual.widgets import DataTable, Input, Static

from quizzer.collection import Collection, reload_decks
from quizzer.decks.tree import DeckTree
from quizzer.errors import QuizzerError
from quizzer.finding import SORT_FIELDS, card_rows, row_cells
from quizzer.mathtext import plain_math
from quizzer.search import MAX_QUERY
from quizzer.session import Selection, Session
from quizzer.tui.editor import open_for_editing, run_editor
from quizzer.tui.widgets.keybar import KeyBar
from quizzer.wording import counted

DEBOUNCE_S = 0.25
"""How long typing must pause before the query runs."""
QUESTION_MIN = 40
"""Every column is shown while the question still gets this many; on a narrower screen, type
and stability are left out to give it their room."""
DECK_MIN, DECK_MAX = 13, 36
"""The deck column's width: the longest deck id of the tree (`speaker-verification/ecapa-tdnn`),
up to DECK_MAX, within two fifths of the room the deck and the question share, and at least
DECK_MIN, with an id too long for it shortened by its folder first (`fit_deck`)."""

COLUMNS: tuple[tuple[str, str, str | None], ...] = (
    # key in row_cells, header, sort field (None: not sortable)
    ("deck", "Deck", "deck"),
    ("question", "Question", None),
    ("type", "Type", "type"),
    ("state", "State", "state"),
    ("due", "Due", "due"),
    ("interval", "Ivl", "interval"),
    ("stability", "Stab", "stability"),
    ("recall", "Recall", "recall"),
    ("lapses", "Lapses", "lapses"),
)
NARROW_HIDDEN = frozenset({"type", "stability"})
TINY_HIDDEN = frozenset({"interval", "recall", "lapses"})
QUESTION_TINY = 14
"""Below 80 columns or so, when leaving out NARROW_HIDDEN still gives the question fewer cells
than this, TINY_HIDDEN is left out too (they fell off the right edge)."""
NARROW_HEADERS = {"lapses": "Lap", "recall": "R"}
SORTS = tuple(f for f in SORT_FIELDS if f != "reps")
"""The sort keys `o` cycles through."""


def fit_deck(deck_id: str, width: int) -> str:
    """A deck id in `width` cells: whole when it fits, else its folder shortened and its own
    name kept (`speaker-ve…/ecapa-tdnn`), since the decks of one folder differ by their names;
    the name alone when that is all that fits, and a name too long by itself cut at its end."""
    if cell_len(deck_id) <= width:
        return deck_id
    folder, _, name = deck_id.rpartition("/")
    keep = width - cell_len(name) - 2  # the folder's cells kept before "…/"
    if folder and keep >= 0:
        return set_cell_size(folder, keep) + "…/" + name
    if cell_len(name) <= width:
        return name
    return set_cell_size(name, width - 1) + "…"


class BrowserScreen(Screen[None]):
    """Find cards and act on them."""

    CSS_PATH = "../browser.tcss"
    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("escape", "close", "Back"),
        Binding("slash", "focus_query", "Search", show=False),
        Binding("space", "toggle_mark", "Select"),
        Binding("enter", "info", "Info", show=False),
        Binding("o", "cycle_sort", "Sort"),
        Binding("s", "suspend", "Suspend"),
        Binding("b", "bury", "Bury"),
        Binding("f", "forget", "Forget"),
        Binding("e", "edit", "Edit"),
        Binding("r", "review", "Review now"),
        Binding("u", "undo", "Undo", show=False),
        Binding("question_mark", "help", "Help"),
        Binding("f1", "help_typing", "Help"),
        Binding("f1", "help", "Help", show=False),
    ]

    def __init__(
        self,
        collection: Collection,
        now_ms: Callable[[], int],
        query: str = "",
        *,
        session: Session | None = None,
    ) -> None:
        super().__init__()
        self.collection = collection
        self.session = session
        """The review session the browser was opened from, if any: `u` undoes through it, so an
        answer of its own that is undone leaves its tally and comes back to its queue."""
        self.now_ms = now_ms
        self.query_text = query
        self.rows: list[dict[str, Any]] = []
        self.total = 0
        self.sort = "deck"
        self.marked: set[str] = set()
        self.error: str | None = None
        self._pending: Timer | None = None
        self._layout: tuple[frozenset[str], dict[str, int]] | None = None
        """Whether every column is shown, and their widths, as the table was last laid out."""
        self._change: Session | None = None
        """The session that made this screen's last change to cards, which `u` undoes whole."""

    def compose(self) -> ComposeResult:
        """The query box, a status line, the table, the selected card's question, keys."""
        yield Input(
            self.query_text, placeholder="search: words  deck:asr  is:due  tag:metric", id="query"
        )
        yield Static(id="browser-status")
        table: DataTable[str | Content | Text] = DataTable(
            id="cards", cursor_type="row", zebra_stripes=True
        )
        yield table
        yield Static(id="browser-question")
        yield KeyBar()

    def on_mount(self) -> None:
        """Search at once, with the table focused when opened on a query."""
        self.search()
        if self.query_text:
            self.query_one(DataTable).focus()
        else:
            self.query_one(Input).focus()

    # ------------------------------------------------------------ search

    def on_input_changed(self, event: Input.Changed) -> None:
        """Search once typing pauses."""
        self.query_text = event.value
        if self._pending is not None:
            self._pending.stop()
        self._pending = self.set_timer(DEBOUNCE_S, self.search)

    def on_input_submitted(self, event: Input.Submitted) -> None:
        """Enter in the query box: search now and go to the table."""
        self.query_text = event.value
        self.search()
        self.query_one(DataTable).focus()

    def search(self) -> None:
        """Run the query and show its rows; a query that does not parse leaves the rows as they
        were and says why on the status line."""
        self._pending = None
        col = self.collection
        try:
            self.rows, self.total = card_rows(
                self.query_text, col.tree, col.store, col.settings, col.zone, self.now_ms(),
                sort=self.sort,
            )  # fmt: skip
        except QuizzerError as exc:
            self.error = str(exc)
        else:
            self.error = None
            found = {r["card_id"] for r in self.rows}
            self.marked &= found
        self._fill()

    def _fill(self) -> None:
        table: DataTable[str | Content | Text] = self.query_one(DataTable)
        hidden = self._hidden()
        wide = not hidden
        widths = self._widths(hidden)
        cursor = self._cursor_id()
        if (hidden, widths) != self._layout:
            self._layout = (hidden, widths)
            table.clear(columns=True)
            table.add_column(" ", key="mark", width=1)
            for key, header, _ in COLUMNS:
                if key not in hidden:
                    label = header if wide else NARROW_HEADERS.get(key, header)
                    table.add_column(label, key=key, width=widths[key])
        else:
            table.clear()
        zone = self.collection.zone
        shown = [c.key.value for c in table.ordered_columns]
        for row in self.rows:
            cells = row_cells(row, zone)
            cells["mark"] = "●" if row["card_id"] in self.marked else " "
            cells["deck"] = fit_deck(cells["deck"], widths["deck"])
            if not wide and cells["due"] != "-":
                cells["due"] = cells["due"][:10]
            # Text, not str: a cloze hint like [merge or drop?] is not markup
            values: list[str | Content | Text] = [Text(cells[k]) for k in shown if k is not None]
            table.add_row(*values, key=row["card_id"])
        if cursor is not None and cursor in {r["card_id"] for r in self.rows}:
            table.move_cursor(row=table.get_row_index(cursor))
        self._show_status()
        self._show_question()
        self.refresh_bindings()

    def _hidden(self) -> frozenset[str]:
        """The columns left out at this width: none while the question keeps QUESTION_MIN
        cells, then NARROW_HIDDEN, then TINY_HIDDEN too (see QUESTION_TINY)."""
        if self._widths(frozenset())["question"] >= QUESTION_MIN:
            return frozenset()
        if self._widths(NARROW_HIDDEN)["question"] >= QUESTION_TINY:
            return NARROW_HIDDEN
        return NARROW_HIDDEN | TINY_HIDDEN

    def _widths(self, hidden: frozenset[str]) -> dict[str, int]:
        """Every column's width with the columns `hidden` left out (none: every column, at full
        width): the fixed ones, then the deck and the question sharing the rest (see
        DECK_MIN)."""
        wide = not hidden
        widths = {"type": 7, "state": 9, "due": 16 if wide else 10, "interval": 6, "stability": 5}
        widths |= {"recall": 6 if wide else 4, "lapses": 6 if wide else 3}
        shown = [k for k, _, _ in COLUMNS if k != "question" and k not in hidden]
        # the mark's cell, two cells of padding a column, two for the scrollbar
        used = 1 + sum(widths.get(k, 0) for k in shown) + 2 * (len(shown) + 2) + 2
        room = self.size.width - used  # what the deck and the question share
        longest = max(map(cell_len, self.collection.tree.decks), default=0)
        want = max(len("Deck"), min(DECK_MAX, longest))
        widths["deck"] = deck = min(want, max(DECK_MIN, room * 2 // 5))
        widths["question"] = max(12, room - deck)
        return widths

    def on_resize(self) -> None:
        """Columns follow the width."""
        self._fill()

    def _show_status(self) -> None:
        status = self.query_one("#browser-status", Static)
        if self.error is not None:
            status.update(Content.styled(self.error, "$text-error"))
            return
        n = self.total
        parts = [counted(n, "card"), f"sorted by {self.sort}"]
        if self.marked:
            parts.append(f"{len(self.marked)} selected")
        status.update(Content.styled("  ·  ".join(parts), "dim"))

    def _cursor_id(self) -> str | None:
        table: DataTable[str | Content | Text] = self.query_one(DataTable)
        if not self.rows or table.row_count == 0:
            return None
        return table.coordinate_to_cell_key(table.cursor_coordinate).row_key.value

    def _show_question(self) -> None:
        card_id = self._cursor_id()
        row = next((r for r in self.rows if r["card_id"] == card_id), None)
        text = " ".join(plain_math(row["question"]).split()) if row else ""
        self.query_one("#browser-question", Static).update(
            Content.assemble((card_id or "", "dim"), "\n" if card_id else "", text)
        )

    def on_data_table_row_highlighted(self, event: DataTable.RowHighlighted) -> None:
        """The full question of the highlighted card shows under the table."""
        self._show_question()

    def on_data_table_row_selected(self, event: DataTable.RowSelected) -> None:
        """Enter (or a click) on a row: its card info."""
        self.action_info()

    def on_data_table_header_selected(self, event: DataTable.HeaderSelected) -> None:
        """A click on a header sorts by its column."""
        field = next((s for k, _, s in COLUMNS if k == event.column_key.value), None)
        if field is not None:
            self.sort = field
            self.search()

    # ------------------------------------------------------------ actions

    def check_action(self, action: str, parameters: tuple[object, ...]) -> bool | None:
        """Card actions need a card; single letters type into the query box when it has focus."""
        typing = isinstance(self.focused, Input)
        if action in ("toggle_mark", "info", "suspend", "bury", "forget", "edit", "review"):
            return not typing and bool(self.rows)
        if action in ("cycle_sort", "undo", "focus_query", "help"):
            return not typing
        if action == "help_typing":  # `?` is text in the query box: help is f1 there
            return typing
        return True

    def _targets(self) -> list[str]:
        """The selected cards, or the one under the cursor."""
        if self.marked:
            return [r["card_id"] for r in self.rows if r["card_id"] in self.marked]
        cursor = self._cursor_id()
        return [cursor] if cursor else []

    def action_close(self) -> None:
        """Back to where the browser was opened."""
        self.dismiss()

    def action_focus_query(self) -> None:
        """Edit the query."""
        self.query_one(Input).focus()

    def action_toggle_mark(self) -> None:
        """Select or unselect the card under the cursor, and move down."""
        card_id = self._cursor_id()
        if card_id is None:
            return
        self.marked ^= {card_id}
        table: DataTable[str | Content | Text] = self.query_one(DataTable)
        table.update_cell(card_id, "mark", "●" if card_id in self.marked else " ")
        table.action_cursor_down()
        self._show_status()

    def action_cycle_sort(self) -> None:
        """Sort by the next column."""
        self.sort = SORTS[(SORTS.index(self.sort) + 1) % len(SORTS)]
        self.search()

    def _apply(self, verb: str, change: str, ids: list[str] | None = None) -> None:
        """Make the session's `change` (suspend, bury...) to the cards, as one change for undo."""
        ids = self._targets() if ids is None else ids
        now = self.now_ms()
        session = self._change = self.collection.session()
        act: Callable[[str, int], object] = getattr(session, change)
        for card_id in ids:
            act(card_id, now)
        self.marked.clear()
        self.notify(f"{verb} {counted(len(ids), 'card')} (u undoes it).")
        self.search()

    def action_suspend(self) -> None:
        """Suspend the cards, or unsuspend them when all are suspended already."""
        ids = set(self._targets())
        rows = [r for r in self.rows if r["card_id"] in ids]
        if all(r["suspended"] for r in rows):
            self._apply("Unsuspended", "unsuspend")
        else:
            active = [r["card_id"] for r in rows if not r["suspended"]]
            self._apply("Suspended", "suspend", active)

    def action_bury(self) -> None:
        """Hide the cards until the next study day (there is no unbury: undo a bury just made)."""
        self._apply("Buried", "bury")

    def action_forget(self) -> None:
        """Make the cards new again; their history stays in the log."""
        self._apply("Forgot", "forget")

    def action_help(self) -> None:
        """Every key, this screen's included."""
        from quizzer.tui.screens.help import HelpScreen

        self.app.push_screen(HelpScreen())

    def action_help_typing(self) -> None:
        """Every key, from the query box."""
        self.action_help()

    def action_undo(self) -> None:
        """Undo the last answer, bury, suspension or forget; when it is part of a change this
        screen made to several cards at once, the whole change."""
        now, change = self.now_ms(), self._change
        last = change.store.last_undoable() if change is not None else None
        if change is not None and last is not None and last[0].uid in change.recorded:
            undone = []
            while (result := change.undo(now, own=True)) is not None:
                undone.append(result[0])
        else:
            result = (self.session or self.collection.session()).undo(now)
            undone = [] if result is None else [result[0]]
        self._change = None
        if not undone:
            self.notify("Nothing to undo.")
            return
        what = undone[0].card_id if len(undone) == 1 else f"{len(undone)} cards"
        self.notify(f"Undid the {undone[0].kind} of {what}.")
        self.search()

    def action_info(self) -> None:
        """The card's question, state now and every review."""
        from quizzer.tui.screens.card_info import CardInfoScreen

        card_id = self._cursor_id()
        if card_id is not None:
            self.app.push_screen(CardInfoScreen(self.collection, card_id, self.now_ms()))

    def action_edit(self) -> None:
        """Open the card's question in $EDITOR, then reload the decks."""
        card_id = self._cursor_id()
        if card_id is None:
            return
        tree = self.collection.tree
        card = tree.card_index()[card_id]
        line = tree.decks[card.deck_id].lines.get(card.question.id, 1)
        problem = run_editor(self.app, open_for_editing(self.app, tree, card.deck_id), line)
        if problem:
            self.notify(problem, severity="error")
            return
        self._reload(tree)

    @work(thread=True, exclusive=True, group="reload", description="reload decks")
    def _reload(self, tree: DeckTree) -> None:
        self.app.call_from_thread(self._reloaded, reload_decks(tree))

    def _reloaded(self, tree: DeckTree) -> None:
        self.collection.tree = tree
        self.notify("Decks reloaded.")
        self.search()

    def action_review(self) -> None:
        """Review the selected cards now (or every card found): a session on them; when none is
        due, a cram session, which changes no schedule."""
        query = "cid:" + ",".join(self._targets()) if self.marked else self.query_text
        if len(query) > MAX_QUERY:
            self.notify("Too many cards selected to review at once.", severity="error")
            return
        selection = Selection(query=query or None)
        cram = not self.collection.session(selection).counts(self.now_ms()).total
        if cram:
            self.notify("None of these is due now: cramming them (no schedule changes).")
        start: Any = getattr(self.app, "start_review", None)
        if start is None:
            return
        self.dismiss()
        start(selection, cram)
