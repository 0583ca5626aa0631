"""The quizzer terminal app, and `make_app`, the one factory the CLI and the tests use."""

from __future__ import annotations

import threading
import time
from collections.abc import Callable, Sequence
from concurrent.futures import Future
from datetime import datetime
from pathlib import Path
from typing import Any

from textual import work
from textual.app import App
from textual.screen import Screen

from quizzer.clock import now as clock_now
from quizzer.clock import to_ms
from quizzer.collection import Collection, open_collection, reload_decks
from quizzer.decks.files import names_deck
from quizzer.decks.tree import DeckTree
from quizzer.errors import QuizzerError
from quizzer.selection import tag_in_use
from quizzer.session import Selection
from quizzer.tui import pause_collector, resume_collector
from quizzer.tui.editor import open_for_editing, run_editor
from quizzer.tui.graphics import renderer
from quizzer.tui.screens.home import HomeScreen
from quizzer.tui.screens.review import ReviewScreen


class QuizzerApp(App[None]):
    """Home, review sessions and their summaries."""

    CSS_PATH = "app.tcss"
    TITLE = "quizzer"
    HORIZONTAL_BREAKPOINTS = [(0, "-narrow"), (110, "-wide")]  # noqa: RUF012

    def __init__(
        self,
        *,
        selection: Selection | None = None,
        cram: bool = False,
        start_session: bool = False,
        collection: Collection | None = None,
        clock: Callable[[], datetime] = clock_now,
        timer: Callable[[], float] = time.monotonic,
        decks_dir: Path | None = None,
        opening: Future[Collection] | None = None,
    ) -> None:
        super().__init__()
        self.selection = selection or Selection()
        self.cram = cram
        self.start_session = start_session
        self.collection = collection
        self.owns_collection = collection is None
        self.clock = clock
        self.timer = timer
        self.decks_dir = decks_dir
        self.load_error: str | None = None
        self.opening = opening
        """The collection being opened since the app was built (`open_in_background`)."""
        self.failure: QuizzerError | None = None
        """The error that ended the app, to be reported as the command line reports one."""

    def _handle_exception(self, error: Exception) -> None:
        # one of quizzer's own errors (a deck cache damaged and its file changed while in use)
        # ends the app with its one line, as the command line prints it, not a traceback
        if isinstance(error, QuizzerError):
            if self.failure is None:
                self.failure = error
            self.exit(return_code=2)
            return
        super()._handle_exception(error)

    def now_ms(self) -> int:
        """The time for the core, in UTC ms (honours QUIZZER_NOW through the default clock)."""
        return to_ms(self.clock())

    def get_default_screen(self) -> Screen[Any]:
        """Home is the bottom of the screen stack."""
        return HomeScreen(self.now_ms, covered=self.start_session)

    @property
    def home(self) -> HomeScreen:
        """The home screen."""
        screen = self.screen_stack[0]
        assert isinstance(screen, HomeScreen)
        return screen

    def on_mount(self) -> None:
        """Open the collection off the UI thread, unless one was given."""
        if self.collection is None:
            self._open_collection()
        else:
            self.call_after_refresh(self._collection_ready, self.collection)

    @work(thread=True, exclusive=True, group="load")
    def _open_collection(self) -> None:
        try:
            if self.opening is not None:
                collection = self.opening.result()
            else:
                collection = open_collection(self.decks_dir)
        except Exception as exc:  # the message is shown on home instead of a traceback
            self.call_from_thread(self._failed, str(exc) or type(exc).__name__)
            return
        self.call_from_thread(self._collection_ready, collection)

    def _failed(self, message: str) -> None:
        self.load_error = message
        self.home.show_error(message)
        self.call_after_refresh(resume_collector)

    def _collection_ready(self, collection: Collection) -> None:
        self.collection = collection
        self._show_first(collection)
        self.call_after_refresh(resume_collector)  # paused since the start: see quizzer.tui
        self.call_after_refresh(self._make_room, collection)

    @work(thread=True, group="room", description="room for the answers' commits")
    def _make_room(self, collection: Collection) -> None:
        collection.make_room_for_answers()

    def _show_first(self, collection: Collection) -> None:
        if not self.start_session:
            self.home.show_collection(collection)
            return
        unknown = [d for d in self.selection.decks if not names_deck(collection.tree.decks, d)]
        tag = self.selection.tag
        if unknown or (tag is not None and not tag_in_use(collection.tree, tag)):
            self.home.show_collection(collection)
            what = f"deck or folder {unknown[0]!r}" if unknown else f"card with the tag {tag!r}"
            self.notify(f"No {what}.", severity="error", timeout=10)
            return
        # the first card first: home fills in its tree and figures when the session ends
        self.home.collection = collection
        self.start_review(self.selection, self.cram)

    def start_review(self, selection: Selection, cram: bool = False) -> None:
        """Open a review (or cram) session on part of the collection."""
        assert self.collection is not None
        session = self.collection.session(selection, cram=cram)
        self.push_screen(ReviewScreen(session, self.collection, self.now_ms, self.timer))

    def on_home_screen_study(self, message: HomeScreen.Study) -> None:
        """Home asked for a session."""
        asked = message.selection
        tag = self.selection.tag or asked.tag
        self.start_review(Selection(asked.decks, tag, asked.query, asked.ahead), message.cram)

    def on_home_screen_stats(self, message: HomeScreen.Stats) -> None:
        """Open the statistics screen (loaded on first use: it brings in the plots)."""
        from quizzer.tui.screens.stats import StatsScreen

        assert self.collection is not None
        self.push_screen(StatsScreen(self.collection, self.now_ms, message.selection))

    def on_home_screen_edit(self, message: HomeScreen.Edit) -> None:
        """Edit a deck file from home, then reload the tree."""
        assert self.collection is not None
        tree = self.collection.tree
        line = 1
        if message.deck_id not in tree.decks:
            where = f"{message.deck_id}.yaml"
            line = next((p.line for p in tree.problems if p.path.endswith(where)), 1)
        path = open_for_editing(self, tree, message.deck_id)
        problem = run_editor(self, path, line)
        if problem:
            self.notify(problem, severity="error")
            return
        self._reload_decks(tree)

    @work(thread=True, exclusive=True, group="load", description="reload decks")
    def _reload_decks(self, tree: DeckTree) -> None:
        self.call_from_thread(self._decks_reloaded, reload_decks(tree))

    def _decks_reloaded(self, tree: DeckTree) -> None:
        assert self.collection is not None
        self.collection.tree = tree
        self.home.show_collection(self.collection)
        self.notify("Decks reloaded.")

    def on_unmount(self) -> None:
        """Close the store this app opened."""
        resume_collector()
        if self.owns_collection and self.collection is not None:
            self.collection.close()


def make_app(
    *,
    decks: Sequence[str] = (),
    tag: str | None = None,
    query: str | None = None,
    cram: bool = False,
    ahead: bool = False,
    start_session: bool = False,
    collection: Collection | None = None,
    clock: Callable[[], datetime] | None = None,
    timer: Callable[[], float] | None = None,
    decks_dir: Path | None = None,
) -> QuizzerApp:
    """Build the app: home, or straight into a session on `decks` (all when empty), `tag` and
    a search `query` (reviewing ahead with `ahead`, see `Selection`).

    Tests pass an open `collection`, a fixed `clock` and a fake `timer` (answer durations).
    The clock is read once here, so a bad `QUIZZER_NOW` fails before the screen is taken."""
    (clock or clock_now)()
    pause_collector()  # until the first screen is shown (see quizzer.tui)
    opening = open_in_background(decks_dir) if collection is None else None
    renderer()  # asks the terminal what it can draw (or waits for the probe): not once it runs
    selection = Selection(tuple(d.rstrip("/") for d in decks), tag, query, ahead)
    return QuizzerApp(
        selection=selection,
        cram=cram,
        start_session=start_session,
        collection=collection,
        clock=clock or clock_now,
        timer=timer or time.monotonic,
        decks_dir=decks_dir,
        opening=opening,
    )


def open_in_background(decks_dir: Path | None) -> Future[Collection]:
    """Start opening the collection in a thread now: reading the decks and the store overlaps
    with Textual starting up, instead of waiting for the app to mount."""
    opening: Future[Collection] = Future()

    def run() -> None:
        try:
            opening.set_result(open_collection(decks_dir))
        except BaseException as exc:  # handed to the app, which shows the message on home
            opening.set_exception(exc)

    threading.Thread(target=run, name="open collection", daemon=True).start()
    return opening
