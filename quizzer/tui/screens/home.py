"""Home: the deck tree with what is left today, today's totals and the streak."""

from __future__ import annotations

import contextlib
from collections.abc import Callable
from typing import TYPE_CHECKING, ClassVar

from textual import work
from textual.app import ComposeResult
from textual.binding import Binding, BindingType
from textual.containers import HorizontalGroup, Vertical
from textual.content import Content
from textual.message import Message
from textual.screen import Screen
from textual.widgets import Static, Tree

from quizzer.collection import Collection
from quizzer.decks.tree import DeckTree
from quizzer.home import HomeFigures, describe_when, home_figures_apart
from quizzer.queue import Counts
from quizzer.session import Selection
from quizzer.tui.widgets.deck_tree import COLUMN, DeckNode, DeckTreeView
from quizzer.tui.widgets.keybar import KeyBar
from quizzer.views.answers import answers_done
from quizzer.wording import counted

if TYPE_CHECKING:
    from quizzer.config import Settings
    from quizzer.tui.screens.custom_study import CustomStudy

MAX_PROBLEMS_SHOWN = 3
RECOUNT_CHECK_S = 10
"""How often (seconds) home checks whether its counts still hold."""


def fit_parts(parts: tuple[Content, ...], width: int) -> Content:
    """`parts` joined by a dimmed `  ·  `, a line broken between two of them where the next
    does not fit in `width` cells (any width when it is 0)."""
    gap = Content.styled("  ·  ", "dim")
    lines: list[Content] = []
    for part in parts:
        if lines and (
            not width or lines[-1].cell_length + gap.cell_length + part.cell_length <= width
        ):
            lines[-1] = lines[-1] + gap + part
        else:
            lines.append(part)
    return Content("\n").join(lines)


class HomeScreen(Screen[None]):
    """The deck tree; start a review or a cram of any part of it."""

    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("r", "review", "Review"),
        Binding("a", "review_all", "All"),
        Binding("c", "custom_study", "Custom"),
        Binding("o", "options", "Options"),
        Binding("e", "edit", "Edit", show=False),
        Binding("s", "stats", "Stats"),
        Binding("slash", "browse", "Search"),
        Binding("t", "tag", "Tag"),
        Binding("question_mark,f1", "help", "Help"),
        Binding("q", "quit", "Quit"),
    ]

    class Study(Message):
        """The learner asked to review (or cram) part of the collection."""

        def __init__(self, selection: Selection, cram: bool) -> None:
            super().__init__()
            self.selection = selection
            self.cram = cram

    class Edit(Message):
        """The learner asked to edit a deck file."""

        def __init__(self, deck_id: str) -> None:
            super().__init__()
            self.deck_id = deck_id

    class Stats(Message):
        """The learner asked for statistics (of the selected deck or folder)."""

        def __init__(self, selection: Selection) -> None:
            super().__init__()
            self.selection = selection

    def __init__(self, now_ms: Callable[[], int], *, covered: bool = False) -> None:
        super().__init__()
        self.now_ms = now_ms
        self.covered = covered
        """A session opens over home as soon as the collection is open (`quizzer review`)."""
        self.collection: Collection | None = None
        self.shown_tree: DeckTree | None = None
        self.counts: dict[str, Counts] = {}
        self.until: int | None = None
        """Up to when `counts` hold (`HomeFigures.until`); None before they are first counted."""
        self.counted: tuple[int, int] | None = None
        """The database's version (`Store.version`) when home last counted."""
        self.today: tuple[Content, ...] = ()
        """Today's figures: the answers, what is left, what comes later today."""

    def compose(self) -> ComposeResult:
        """Title and streak, today's figures, the tree and its header, problems, keys."""
        with HorizontalGroup(id="home-top"):
            yield Static(Content.styled("quizzer", "bold $text-primary"), id="home-title")
            yield Static(id="streak")
        yield Static("Loading decks…", id="today")
        with Vertical(id="deck-panel"):
            yield Static(id="tree-header")
            yield DeckTreeView(id="decks")
        yield Static(id="problems")
        yield KeyBar()

    def on_mount(self) -> None:
        """The tree shows it is loading until the collection comes, unless it came first (set
        in `compose`, the cover could land after the tree was filled, and stay), or a session
        is to cover home then: its animation would only take time from the first card."""
        tree = self.query_one(DeckTreeView)
        if self.collection is None and tree.display and not self.covered:
            tree.loading = True
        self.set_interval(RECOUNT_CHECK_S, self.recount_if_stale)

    def stale(self) -> bool:
        """Whether the counts shown no longer hold: a learning card came due, a buried card came
        back or a new study day began since they were counted, or the database changed (an
        answer given in a shell, a sync)."""
        if self.until is None or self.collection is None:
            return False
        return self.now_ms() >= self.until or self.collection.store.version() != self.counted

    def recount_if_stale(self) -> None:
        """Count again when the counts shown no longer hold, while home is on screen (a home left
        open over a learning step or the day's end kept showing what was left before)."""
        if self.app.screen is self and self.stale():
            self.until = None
            self.refresh_figures()

    # ------------------------------------------------------------ data

    def show_collection(self, collection: Collection) -> None:
        """Show a (re)loaded collection; its counts follow from a worker (`show_figures`)."""
        self.collection = collection
        self.shown_tree = collection.tree
        tree = self.query_one(DeckTreeView)
        tree.loading = False
        tree.populate(collection.tree, self.counts)
        self._show_problems()
        self.refresh_bindings()
        tree.focus()
        self.refresh_figures()

    def show_error(self, message: str) -> None:
        """The collection could not be opened: say why instead of a tree."""
        tree = self.query_one(DeckTreeView)
        tree.loading = False
        tree.display = False
        self.query_one("#today", Static).update(
            Content.assemble(("Cannot open the collection: ", "bold $text-error"), message)
        )

    def refresh_figures(self) -> None:
        """Recount in a worker thread, so a large collection never freezes the screen (the tree
        keeps its folds and cursor)."""
        if self.collection is None:
            return
        if self.collection.tree is not self.shown_tree:  # decks were edited during a session
            self.show_collection(self.collection)
            return
        self.counted = self.collection.store.version()
        self._compute_figures(self.collection)

    # a description: Textual would otherwise build one from repr(collection), which renders
    # every question of a large collection on the UI thread
    @work(thread=True, exclusive=True, group="figures", description="home figures")
    def _compute_figures(self, collection: Collection) -> None:
        figures = home_figures_apart(collection, self.now_ms(), Selection(tag=self.app_tag()))
        with contextlib.suppress(RuntimeError):  # the app closed meanwhile
            self.app.call_from_thread(self.show_figures, figures)

    def on_screen_resume(self) -> None:
        """Back from a session: the counts have changed. A resume that comes once another
        screen is already on top waits for that screen to end: the first one, posted when the
        app starts, can arrive after `quizzer review` pushed its session (when the collection
        opened quickly), and home's tree and figures must not compete with the first card."""
        if self.app.screen is self:
            self.refresh_figures()

    def show_figures(self, figures: HomeFigures) -> None:
        """Show counts per deck, today's totals and the streak."""
        self.counts = figures.counts
        self.until = figures.until
        self.query_one(DeckTreeView).set_counts(self.counts)
        self._show_figures(figures)
        self.refresh_bindings()

    def _show_figures(self, figures: HomeFigures) -> None:
        totals = figures.totals
        left = self.counts.get("", Counts())
        days = figures.streak
        self.query_one("#streak", Static).update(
            Content.assemble(("streak ", "dim"), (counted(days, "day"), "bold $text-accent"))
        )
        done = answers_done(totals.answers, totals.cram, totals.time_ms)
        self.today = (
            Content.assemble(("Today ", "bold"), done),
            Content.assemble(
                ("left ", "dim"),
                (str(left.new), "bold $text-primary"),
                " new  ",
                (str(left.learning), "bold $text-error"),
                " learning  ",
                (str(left.review), "bold $text-success"),
                " due",
            ),
            Content.assemble((str(left.later_today), "bold"), " later today"),
        )
        self._show_today()
        self._show_header()

    def _show_today(self) -> None:
        """Today's figures on one line, or, when they do not fit, broken between them rather
        than inside one ("0" at a line's end, "later today" on the next)."""
        line = self.query_one("#today", Static)
        if self.today:
            line.update(fit_parts(self.today, line.content_region.width))

    def on_resize(self) -> None:
        """Today's figures follow the width."""
        self.call_after_refresh(self._show_today)

    def _show_header(self) -> None:
        tree = self.query_one(DeckTreeView)
        columns = "".join(name.rjust(COLUMN) for name in ("New", "Learn", "Due"))
        self.query_one("#tree-header", Static).update(
            Content.styled("Deck".ljust(tree.column_start()) + columns, "bold dim")
        )

    def on_deck_tree_view_columns_moved(self) -> None:
        """The header's column names stay over the tree's columns (once there are counts: a
        collection that could not be opened shows no tree, and no header)."""
        if self.counts:
            self._show_header()

    def _show_problems(self) -> None:
        assert self.collection is not None
        tree = self.collection.tree
        panel = self.query_one("#problems", Static)
        if not tree.problems:
            panel.display = False
            return
        root = str(tree.root).rstrip("/") + "/"
        n = len(tree.failed)
        lines = [
            Content.styled(
                f"⚠ {counted(n, 'deck')} with errors skipped; select one and press e to fix it:",
                "bold $text-error",
            )
        ]
        for problem in tree.problems[:MAX_PROBLEMS_SHOWN]:
            lines.append(Content("  " + str(problem).removeprefix(root)))
        if len(tree.problems) > MAX_PROBLEMS_SHOWN:
            lines.append(
                Content.styled(f"  … and {len(tree.problems) - MAX_PROBLEMS_SHOWN} more", "dim")
            )
        panel.update(Content("\n").join(lines))
        panel.display = True

    # ------------------------------------------------------------ actions

    def _selected(self) -> DeckNode | None:
        node = self.query_one(DeckTreeView).cursor_node
        return node.data if node is not None else None

    def check_action(self, action: str, parameters: tuple[object, ...]) -> bool | None:
        """Study keys need a loaded collection."""
        if action in (
            "review",
            "review_all",
            "custom_study",
            "options",
            "edit",
            "stats",
            "browse",
            "tag",
        ):
            return self.collection is not None
        return True

    def _study(self, node: DeckNode | None, cram: bool) -> None:
        if self.collection is None or node is None:
            return
        if node.kind == "failed":
            self.notify(
                f"{node.id} has errors and cannot be studied; e opens it.", severity="error"
            )
            return
        selection = Selection((node.id,) if node.id else ())
        if not cram and not self._has_cards(selection):
            now = self.now_ms()
            # of the cards the session would study: those with home's tag, when it has one
            tagged = Selection(selection.decks, self.app_tag())
            nxt = self.collection.session(tagged).next_due(now)
            when = describe_when(nxt, now, self.collection.zone) if nxt else "nothing scheduled"
            self.notify(
                f"Nothing due in {node.name} now. Next card: {when}. c for custom study.",
                title="All done",
            )
            return
        self.post_message(self.Study(selection, cram))

    def _has_cards(self, selection: Selection) -> bool:
        """Whether a session on `selection` has a card now: as counted, or, when the counts no
        longer hold or are still being made, as a session finds it (and home counts again)."""
        if self.until is not None and not self.stale():
            node = selection.decks[0] if selection.decks else ""
            return bool(self.counts.get(node, Counts()).total)
        self.recount_if_stale()
        assert self.collection is not None
        session = self.collection.session(Selection(selection.decks, self.app_tag()))
        return session.next(self.now_ms()) is not None

    def on_tree_node_selected(self, event: Tree.NodeSelected[DeckNode]) -> None:
        """Enter on a deck or folder reviews it."""
        event.stop()
        self._study(event.node.data, cram=False)

    def action_review(self) -> None:
        """Review the selected deck or folder."""
        self._study(self._selected(), cram=False)

    def action_review_all(self) -> None:
        """Review everything due."""
        self._study(DeckNode("root", "", "All decks"), cram=False)

    def action_custom_study(self) -> None:
        """Custom study of the selected deck or folder: more cards today, review ahead,
        forgotten cards, a search, or a cram."""
        node = self._selected()
        if self.collection is None or node is None or node.kind == "failed":
            return
        from quizzer.tui.screens.custom_study import CustomStudyScreen

        self.app.push_screen(
            CustomStudyScreen(node.name), lambda choice: self._custom_study(node, choice)
        )

    def _custom_study(self, node: DeckNode, choice: CustomStudy | None) -> None:
        if choice is None or self.collection is None:
            return
        if choice.kind in ("new", "reviews"):
            new = choice.amount if choice.kind == "new" else 0
            self.collection.session().extend(node.id, new, choice.amount - new, self.now_ms())
            self.notify(f"{node.name}: {counted(choice.amount, f'more {choice.kind} card')} today.")
            self.refresh_figures()
            return
        from quizzer.custom_study import custom_selection

        decks = (node.id,) if node.id else ()
        self.post_message(
            self.Study(*custom_selection(decks, choice.kind, choice.amount, choice.query))
        )

    def action_options(self) -> None:
        """The options of the selected deck or folder."""
        node = self._selected()
        if self.collection is None or node is None or node.kind not in ("deck", "folder"):
            self.notify("Select a deck or folder; global options are the top of config.toml.")
            return
        from quizzer.paths import config_path
        from quizzer.tui.screens.deck_options import OptionsScreen

        screen = OptionsScreen(
            node.id, node.name, node.kind == "folder", self.collection.settings, config_path()
        )
        self.app.push_screen(screen, self._options_saved)

    def _options_saved(self, settings: Settings | None) -> None:
        if settings is None or self.collection is None:
            return
        self.collection.settings = settings
        self.notify("Options saved in config.toml.")
        self.refresh_figures()

    def action_edit(self) -> None:
        """Open the selected deck file in $EDITOR."""
        node = self._selected()
        if node is None or node.kind not in ("deck", "failed"):
            self.notify("Select a deck to edit it.")
            return
        self.post_message(self.Edit(node.id))

    def action_stats(self) -> None:
        """Statistics of the selected deck or folder."""
        node = self._selected()
        selection = Selection((node.id,) if node and node.id and node.kind != "failed" else ())
        self.post_message(self.Stats(selection))

    def action_browse(self) -> None:
        """Open the card browser."""
        from quizzer.tui.screens.browser import BrowserScreen

        assert self.collection is not None
        self.app.push_screen(BrowserScreen(self.collection, self.now_ms))

    def app_tag(self) -> str | None:
        """The tag home is filtered to (sessions started here keep it)."""
        selection = getattr(self.app, "selection", None)
        return selection.tag if isinstance(selection, Selection) else None

    def action_tag(self) -> None:
        """Filter the tree to the decks having cards with a tag; studying keeps the tag."""
        from quizzer.home import tag_decks
        from quizzer.tui.screens.tag_prompt import TagPrompt

        assert self.collection is not None
        decks = tag_decks(self.collection.tree)

        def picked(tag: str | None) -> None:
            if tag is None or self.collection is None:
                return
            chosen = tag or None
            self.app.selection = Selection(tag=chosen)  # type: ignore[attr-defined]
            self.query_one(DeckTreeView).only = decks[tag] if chosen else None
            title = Content.styled("quizzer", "bold $text-primary")
            if chosen:
                title = Content.assemble(title, ("  tag:", "dim"), (tag, "bold $text-accent"))
            self.query_one("#home-title", Static).update(title)
            self.until = None  # the counts shown are of the tag before, until the new ones come
            self.show_collection(self.collection)

        tags = {tag: len(ids) for tag, ids in decks.items()}
        self.app.push_screen(TagPrompt(tags, self.app_tag()), picked)

    def action_help(self) -> None:
        """Show every key."""
        from quizzer.tui.screens.help import HelpScreen

        self.app.push_screen(HelpScreen())

    async def action_quit(self) -> None:
        """Leave quizzer."""
        self.app.exit()
