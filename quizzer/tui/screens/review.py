"""The review screen: one card at a time, answered from the keyboard, then rated.

A card goes through stages: its question (reveal, choose, order or type), then its answer with the
four ratings. Each way of answering is a widget of its own (`quizzer.tui.widgets.answer_*`), one of
them shown at a time in a `ContentSwitcher`. The keys stay the screen's, enabled by stage
(`check_action`) so the footer shows the keys that apply now, and act on the mode shown.
"""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path
from typing import ClassVar

from textual import work
from textual.app import ComposeResult
from textual.binding import Binding, BindingType
from textual.containers import HorizontalGroup, VerticalScroll
from textual.content import Content
from textual.screen import Screen
from textual.widget import Widget
from textual.widgets import ContentSwitcher, Markdown, ProgressBar, Static

from quizzer.answering import check_answerable
from quizzer.collection import Collection, reload_decks
from quizzer.decks.cards import Card
from quizzer.decks.grading import Graded
from quizzer.decks.media import MediaRef, card_media
from quizzer.decks.tree import DeckTree
from quizzer.player import NoPlayer, Player
from quizzer.queue import Counts
from quizzer.session import Session, SessionError
from quizzer.state import CardPhase, EventKind, Rating
from quizzer.tui.editor import open_for_editing, run_editor
from quizzer.tui.render import after_notes, deck_path, labelled, screen_faces
from quizzer.tui.screens.summary import NOTHING_TO_UNDO, SummaryScreen
from quizzer.tui.widgets.answer import AnswerMode, Stage
from quizzer.tui.widgets.answer_choice import ChoiceAnswer
from quizzer.tui.widgets.answer_flashcard import FlashcardAnswer
from quizzer.tui.widgets.answer_order import OrderAnswer
from quizzer.tui.widgets.answer_typed import TypedAnswer
from quizzer.tui.widgets.keybar import KeyBar
from quizzer.tui.widgets.media import MediaPanel
from quizzer.tui.widgets.ratings import LABELS, RatingBar

ANSWER_TIME_CAP_MS = 60_000
"""Longest time counted for one answer (as Anki does), so a card left open does not count as an
hour of study."""
RECOUNT_S = 10
"""How often (seconds) the counts are brought up to date while a card waits for its answer."""


ANSWER_MODES: tuple[type[AnswerMode], ...] = (
    FlashcardAnswer,
    ChoiceAnswer,
    OrderAnswer,
    TypedAnswer,
)
"""One widget per way of answering; a card is answered by the mode that lists its kind."""
QUESTION_STAGES = {m.STAGE for m in ANSWER_MODES}

__all__ = ["ReviewScreen", "Stage"]


class CardScroll(VerticalScroll, can_focus=False):
    """The card's body; scrolled by the screen's keys so arrows stay free for options."""

    _pending: Widget | None = None

    def bring_into_view(self, widget: Widget) -> None:
        """Scroll `widget` (the verdict, the answer) into view once it is laid out: shown a
        moment ago, it has no place on screen yet, and the ratings then take rows from the card,
        so it is scrolled to when the card's size changes next."""
        self._pending = widget
        self._scroll_to_pending()

    def on_resize(self) -> None:
        """The card changed size: scroll to what waits to be seen."""
        self._scroll_to_pending()

    def watch_virtual_size(self) -> None:
        """Its content changed size (a scrollbar came and the text wrapped again): the same."""
        self.call_after_refresh(self._scroll_to_pending)

    def _scroll_to_pending(self) -> None:
        widget = self._pending
        if widget is not None and widget.region and self.region:
            self.scroll_to_widget(widget, animate=False)
            if self.region.contains_region(widget.region) or self.scroll_y >= self.max_scroll_y:
                self._pending = None


def _digit_bindings(action: str, count: int, description: str, display: str) -> list[Binding]:
    return [
        Binding(str(n), f"{action}({n})", description, key_display=display, show=n == 1)
        for n in range(1, count + 1)
    ]


def _mode_id(mode: type[AnswerMode]) -> str:
    return f"mode-{mode.KINDS[0]}"


class ReviewScreen(Screen[None]):
    """Study a session's cards until none is left, then show its summary."""

    AUTO_FOCUS = None

    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("space", "reveal", "Show answer"),
        Binding("enter", "reveal", "Show answer", show=False),
        *_digit_bindings("choose", 9, "Choose", "1-9"),
        Binding("space", "toggle_cursor", "Toggle", show=False),
        Binding("enter", "check", "Check"),
        Binding("up", "cursor(-1)", "Up", show=False),
        Binding("down", "cursor(1)", "Down", show=False),
        Binding("k,shift+up", "move(-1)", "Move item", key_display="k/j"),
        Binding("j,shift+down", "move(1)", "Move item down", show=False),
        *_digit_bindings("rate", 4, "Rate", "1-4"),
        *(
            Binding(key, f"accept({int(r)})", LABELS[r], show=key == "enter")
            for r in Rating
            for key in ("enter", "space")
        ),
        Binding("left", "pick(-1)", "Lower", show=False),
        Binding("right", "pick(1)", "Higher", show=False),
        Binding("up", "scroll_card(-1)", "Scroll up", show=False),
        Binding("down", "scroll_card(1)", "Scroll down", show=False),
        Binding("pageup", "page_card(-1)", "Page up", show=False),
        Binding("pagedown", "page_card(1)", "Page down", show=False),
        Binding("h", "hint", "Hint"),
        Binding("p", "play", "Play"),
        Binding("f2", "hint_typing", "Hint"),
        Binding("f2", "hint", "Hint", show=False),
        Binding("u", "undo", "Undo"),
        Binding("ctrl+z", "undo_typing", "Undo"),
        Binding("ctrl+z", "undo", "Undo", show=False),
        Binding("b", "bury", "Bury"),
        Binding("s", "suspend", "Suspend"),
        Binding("e", "edit", "Edit"),
        Binding("slash", "browse", "Search", show=False),
        Binding("question_mark", "help", "Help"),
        Binding("f1", "help_typing", "Help"),
        Binding("f1", "help", "Help", show=False),
        Binding("escape", "home", "Home"),
    ]

    def __init__(
        self,
        session: Session,
        collection: Collection,
        now_ms: Callable[[], int],
        timer: Callable[[], float],
    ) -> None:
        super().__init__()
        self.session = session
        self.collection = collection
        self.now_ms = now_ms
        self.timer = timer
        self.card: Card | None = None
        self.stage = Stage.EMPTY
        self.shown: list[int] = []
        """Shown position to the question's own index (choice and order cards)."""
        self.graded: Graded | None = None
        self.response: str | None = None
        self.selected = Rating.GOOD
        self.intervals: dict[Rating, int] = {}
        self.started = 0.0
        self.hint_shown = False
        self.player = Player(collection.settings.player)
        self.clips: list[Path] = []
        """The clips of the faces shown so far, in order; `p` plays them in turn."""
        self.next_clip = 0

    # ------------------------------------------------------------ layout

    def compose(self) -> ComposeResult:
        """Header and progress, the card's parts (shown as each card needs), ratings, keys."""
        with HorizontalGroup(id="review-top"):
            yield Static(id="deck-path")
            yield Static(id="queue-counts")
        with HorizontalGroup(id="progress-row"):
            yield ProgressBar(id="progress", show_eta=False, show_percentage=False)
            yield Static(id="progress-label")
        with CardScroll(id="card"):
            yield Static(id="card-kind")
            yield Markdown(id="prompt")
            yield MediaPanel(id="front-media")
            with ContentSwitcher(id="answer-modes"):
                for mode in ANSWER_MODES:
                    yield mode(id=_mode_id(mode))
            yield Static(id="hint")
            yield Static(id="verdict")
            yield MediaPanel(id="back-media")
            yield Markdown(id="explanation")
            yield Static(id="source")
        yield RatingBar(id="ratings")
        yield KeyBar()

    async def on_mount(self) -> None:
        """Show the first card (or the summary when nothing is due)."""
        await self.advance()
        self.set_interval(RECOUNT_S, self.recount)

    def recount(self) -> None:
        """The counts as they are now, while a card waits for its answer: a learning card coming
        due, a new study day or an answer given elsewhere changes them without one here."""
        if self.card is not None and self.app.screen is self:
            _, counts = self.session.up_next(self.now_ms())
            self._show_progress(counts, self.session.state(self.card.id).state)

    # ------------------------------------------------------------ stages and keys

    def check_action(self, action: str, parameters: tuple[object, ...]) -> bool | None:
        """Enable each key in the stages where it means something."""
        stage = self.stage
        card = self.card
        typing = stage is Stage.TYPE
        has_hint = bool(card and card.question.hint and not self.hint_shown)
        rules: dict[str, bool] = {
            "reveal": stage is Stage.REVEAL,
            "check": stage in (Stage.CHOOSE, Stage.ORDER),
            "toggle_cursor": stage is Stage.CHOOSE,
            "cursor": stage in (Stage.CHOOSE, Stage.ORDER),
            "move": stage is Stage.ORDER,
            "rate": stage is Stage.RATE,
            "pick": stage is Stage.RATE,
            "scroll_card": stage in (Stage.REVEAL, Stage.RATE),
            "hint": has_hint and stage in (Stage.REVEAL, Stage.CHOOSE, Stage.ORDER),
            "hint_typing": has_hint and typing,
            "undo": not typing,
            "undo_typing": typing,
            "bury": card is not None and not typing,
            "suspend": card is not None and not typing,
            "edit": card is not None and not typing,
            "play": bool(self.clips) and not typing,
            "help": not typing,
            "browse": not typing,
            "help_typing": typing,
        }
        if action == "choose":
            choices = self.query_one(ChoiceAnswer)
            return stage is Stage.CHOOSE and int(str(parameters[0])) <= choices.count

        if action == "accept":
            return stage is Stage.RATE and int(str(parameters[0])) == self.selected
        return rules.get(action, True)

    def _set_stage(self, stage: Stage) -> None:
        self.stage = stage
        self.refresh_bindings()

    # ------------------------------------------------------------ showing cards

    async def advance(self, card: Card | None = None) -> None:
        """Show `card`, or the next card of the queue, or the summary when the queue is empty."""
        now = self.now_ms()
        queued, counts = self.session.up_next(now)
        card = card or queued
        if card is None:
            self.card = None
            self._set_stage(Stage.EMPTY)
            self._show_progress(counts)
            self.finish()
            return
        await self.present(card, counts)

    def _show_progress(self, counts: Counts, phase: CardPhase | None = None) -> None:
        done = self.session.tally.answered
        left = counts.total
        bar = self.query_one("#progress", ProgressBar)
        bar.update(total=max(1, done + left), progress=done)
        label = f"{done} done · {left} left"
        if not self.session.cram:
            label += f" · {counts.later_today} later today"
        self.query_one("#progress-label", Static).update(label)
        if self.session.cram:
            self.query_one("#queue-counts", Static).update(
                Content.assemble(("Cram ", "bold $text-accent"), f"{left} left")
            )
            return
        current = None
        if phase is not None:
            current = {CardPhase.NEW: "new", CardPhase.REVIEW: "due"}.get(phase, "learn")
        parts: list[tuple[str, str] | str] = []
        for name, label, value, style in (
            ("new", "New", counts.new, "$text-primary"),
            ("learn", "Learn", counts.learning, "$text-error"),
            ("due", "Due", counts.review, "$text-success"),
        ):
            number_style = f"bold {style}" + (" underline" if name == current else "")
            parts += [f"  {label} ", (str(value), number_style)]
        self.query_one("#queue-counts", Static).update(Content.assemble(*parts))

    async def present(self, card: Card, counts: Counts | None = None) -> None:
        """Show a card's question, ready to be answered (in one screen update, no flicker)."""
        with self.app.batch_update():
            await self._present(card, counts)
        self.started = self.timer()

    async def _present(self, card: Card, counts: Counts | None) -> None:
        self.player.stop()
        self.card = card
        self.graded = None
        self.response = None
        self.hint_shown = False
        self.clips = []
        self.next_clip = 0
        self.selected = Rating.GOOD
        session = self.session
        q = card.question
        if counts is None:
            _, counts = self.session.up_next(self.now_ms())
        phase = session.state(card.id).state
        self._show_progress(counts, phase)
        title = session.deck(card).deck.title
        self.query_one("#deck-path", Static).update(Content.styled(deck_path(card, title), "bold"))
        kind = q.kind + (" · reverse" if card.variant == "reverse" else "")
        kind += f" · {phase.name.lower()}"
        self.query_one("#card-kind", Static).update(kind)
        for widget_id in (
            "#verdict",
            "#explanation",
            "#source",
            "#hint",
            "#ratings",
            "#back-media",
        ):
            self.query_one(widget_id).display = False
        prompt = self.query_one("#prompt", Markdown)
        await prompt.update(screen_faces(card).front)
        prompt.display = True
        front, _ = card_media(card)
        await self._show_media("#front-media", front)
        self.shown = session.shown_order(card)
        mode = self.mode_for(card)
        for other in self.query(AnswerMode):
            if other is not mode:
                other.stand_by()
        self.query_one(ContentSwitcher).current = mode.id
        self.query(".instructions").set(display=True)
        await mode.show(card, self.shown)
        self._set_stage(mode.STAGE)
        if mode.STAGE is not Stage.TYPE:
            self.set_focus(None)
        self.query_one(CardScroll).scroll_home(animate=False)
        if self.clips and self.collection.settings.autoplay:
            self.action_play()

    async def _show_back(self, graded: Graded | None, verdict: Content | None = None) -> None:
        """After answering: the verdict or answer, the explanation, the source, the ratings."""
        with self.app.batch_update():
            await self._back(graded, verdict)
        first = next(
            (self.query_one(w) for w in ("#verdict", "#answer") if self.query_one(w).display),
            None,
        )
        if first is not None:
            self.query_one(CardScroll).bring_into_view(first)

    async def _back(self, graded: Graded | None, verdict: Content | None) -> None:
        card = self.card
        assert card is not None
        self.graded = graded
        self.query(".instructions").set(display=False)
        self.query_one("#hint").display = False
        if verdict is not None:
            widget = self.query_one("#verdict", Static)
            widget.update(verdict)
            widget.display = True
        mode = self.mode_for(card)
        if isinstance(mode, FlashcardAnswer):
            await mode.turn_over()
            cloze = card.question.kind == "cloze"
            self.query_one("#prompt").display = not cloze
            self.query_one("#front-media").display = not cloze and bool(card_media(card)[0])
        await self._show_media("#back-media", card_media(card)[1])
        notes = after_notes(card)
        if notes:
            explanation = self.query_one("#explanation", Markdown)
            await explanation.update(notes)
            explanation.display = True
        source = card.question.source
        if source:
            self.query_one("#source", Static).update(labelled("Source", source))
            self.query_one("#source").display = True
        self.selected = Rating(graded.rating) if graded else Rating.GOOD
        self.intervals = self.session.preview(card, self.now_ms(), exact=True)
        self._show_ratings()
        self._set_stage(Stage.RATE)
        self.set_focus(None)

    def mode_for(self, card: Card) -> AnswerMode:
        """The answer mode of a card's question type."""
        kind = card.question.kind
        mode = next((m for m in ANSWER_MODES if kind in m.KINDS), None)
        if mode is None:
            raise TypeError(f"no answer mode for {kind!r} questions")
        return self.query_one(f"#{_mode_id(mode)}", mode)

    async def _show_media(self, panel_id: str, refs: list[MediaRef]) -> None:
        """Show a face's figures and clips, and add its clips to those `p` plays."""
        card = self.card
        assert card is not None
        deck_file = self.session.deck(card).path
        located = [(ref, ref.path(deck_file)) for ref in refs]
        self.clips += [path for ref, path in located if ref.kind == "audio"]
        rows = max(6, self.app.size.height - 14)
        await self.query_one(panel_id, MediaPanel).show(located, rows)
        self.refresh_bindings()

    def action_play(self) -> None:
        """Play the card's clip (the next one, when it has several)."""
        if not self.clips:
            return
        number = self.next_clip % len(self.clips)
        clip = self.clips[number]
        self.next_clip = number + 1
        try:
            self.player.play(clip)
        except NoPlayer as exc:
            self.notify(str(exc), title="Cannot play the clip", severity="warning", timeout=15)
            return
        if len(self.clips) > 1:
            self.notify(f"Playing clip {number + 1} of {len(self.clips)}.", timeout=3)

    def on_unmount(self) -> None:
        """Stop a clip still playing when the session closes."""
        self.player.stop()

    def _show_ratings(self) -> None:
        bar = self.query_one(RatingBar)
        bar.show(self.intervals, self.selected)
        bar.display = True

    def finish(self) -> None:
        """The queue is empty: show the summary."""
        now = self.now_ms()
        summary = SummaryScreen(
            self.session.tally,
            self.session.next_due(now),
            now,
            self.collection.zone,
            cram=self.session.cram,
            can_undo=self.session.can_undo(),
            unmatched=self.session.selection.query if not self.session.cards else None,
        )
        self.app.push_screen(summary, callback=self._after_summary)

    async def _after_summary(self, result: str | None) -> None:
        if result == "undo":
            await self.action_undo()
        else:
            self.dismiss()

    # ------------------------------------------------------------ question actions

    async def action_reveal(self) -> None:
        """Show the answer of a flashcard or cloze."""
        await self._show_back(None)

    def action_choose(self, number: int) -> None:
        """Choose or unchoose an option by its shown number."""
        self.query_one(ChoiceAnswer).choose(number)

    def action_toggle_cursor(self) -> None:
        """Choose or unchoose the option under the cursor."""
        self.query_one(ChoiceAnswer).toggle_cursor()

    def action_cursor(self, step: int) -> None:
        """Move the cursor among options or items."""
        if self.stage is Stage.CHOOSE:
            self.query_one(ChoiceAnswer).move_cursor(step)
        else:
            self.query_one(OrderAnswer).move_cursor(step)

    def action_move(self, step: int) -> None:
        """Move the item under the cursor."""
        self.query_one(OrderAnswer).move_item(step)

    def action_check(self) -> None:
        """Answer with the chosen options or the arrangement."""
        if self.stage is Stage.CHOOSE:
            self.query_one(ChoiceAnswer).check()
        else:
            self.query_one(OrderAnswer).check()

    async def on_answer_mode_answered(self, message: AnswerMode.Answered) -> None:
        """Grade the response the mode shown was given, then show the back of the card."""
        message.stop()
        card = self.card
        if card is None or self.stage not in QUESTION_STAGES:
            return
        mode = self.mode_for(card)
        graded = message.graded
        if graded is None:
            try:
                graded = self.session.grade(card, message.response)
            except SessionError as exc:
                mode.show_error(str(exc))
                return
        self.response = message.response
        mode.reveal(graded)
        await self._show_back(graded, mode.verdict(graded))

    def _show_hint(self) -> None:
        card = self.card
        if card is None or not card.question.hint:
            return
        self.hint_shown = True
        hint = self.query_one("#hint", Static)
        hint.update(labelled("Hint", card.question.hint))
        hint.display = True
        self.refresh_bindings()

    def action_hint(self) -> None:
        """Show the card's hint."""
        self._show_hint()

    def action_hint_typing(self) -> None:
        """Show the card's hint while typing."""
        self._show_hint()

    # ------------------------------------------------------------ rating

    async def action_rate(self, rating: int) -> None:
        """Record the answer with this rating and go on."""
        card = self.card
        if card is None or self.stage is not Stage.RATE:
            return
        elapsed = round((self.timer() - self.started) * 1000)
        try:
            done = self.session.answer(
                card.id,
                Rating(rating),
                self.now_ms(),
                graded=self.graded,
                response=self.response,
                duration_ms=max(0, min(ANSWER_TIME_CAP_MS, elapsed)),
            )
        except SessionError as exc:  # e.g. suspended from the command line meanwhile
            self.notify(str(exc), severity="error")
            await self.advance()
            return
        if done.after.leech and not done.before.leech:
            what = "suspended" if done.after.suspended else "tagged"
            self.notify(
                f"Leech: this card keeps being forgotten ({what}). Consider rewriting it (e).",
                severity="warning",
            )
        await self.advance()

    async def action_accept(self, rating: int) -> None:
        """Accept the highlighted rating."""
        await self.action_rate(rating)

    def action_pick(self, step: int) -> None:
        """Highlight the next lower or higher rating."""
        self.selected = Rating(max(1, min(4, int(self.selected) + step)))
        self._show_ratings()
        self.refresh_bindings()

    def on_rating_bar_rated(self, message: RatingBar.Rated) -> None:
        """A click on a rating."""
        if self.stage is Stage.RATE:
            self.run_worker(self.action_rate(int(message.rating)))

    def action_scroll_card(self, lines: int) -> None:
        """Scroll a long card by lines."""
        self.query_one(CardScroll).scroll_relative(y=lines, animate=False)

    def action_page_card(self, pages: int) -> None:
        """Scroll a long card by pages."""
        card = self.query_one(CardScroll)
        card.scroll_relative(
            y=pages * max(1, card.scrollable_content_region.height - 2), animate=False
        )

    # ------------------------------------------------------------ card actions

    async def action_undo(self) -> None:
        """Cancel this session's last answer, bury or suspension and show that card again
        (what was done elsewhere, `quizzer answer` in a shell or an earlier session, is not
        this session's to undo)."""
        result = self.session.undo(self.now_ms(), own=True)
        if result is None:
            self.notify(NOTHING_TO_UNDO)
            return
        event, _ = result
        what = {
            EventKind.REVIEW: f"answer ({LABELS.get(Rating(event.rating or 1), '')})",
            EventKind.CRAM: "cram answer",
        }.get(event.kind, str(event.kind))
        self.notify(f"Undone: {what}.")
        card = self.session.index.get(event.card_id)
        await self.advance(card)

    async def action_undo_typing(self) -> None:
        """Undo, from the answer box."""
        await self.action_undo()

    async def action_bury(self) -> None:
        """Hide this card until the next study day."""
        if self.card is None:
            return
        self.session.bury(self.card.id, self.now_ms())
        self.notify("Buried until tomorrow (u to undo).")
        await self.advance()

    async def action_suspend(self) -> None:
        """Take this card out of reviews until unsuspended."""
        if self.card is None:
            return
        self.session.suspend(self.card.id, self.now_ms())
        self.notify("Suspended (u to undo; `quizzer unsuspend` brings it back).")
        await self.advance()

    def action_edit(self) -> None:
        """Open the question in $EDITOR, then reload the decks and show the card again."""
        card = self.card
        if card is None:
            return
        tree = self.session.tree
        line = self.session.deck(card).lines.get(card.question.id, 1)
        problem = run_editor(self.app, open_for_editing(self.app, tree, card.deck_id), line)
        if problem:
            self.notify(problem, severity="error")
            return
        self.query_one(CardScroll).loading = True
        self._reload(card.id, card.deck_id)

    @work(thread=True, exclusive=True, group="reload", description="reload decks")
    def _reload(self, card_id: str, deck_id: str) -> None:
        tree = reload_decks(self.session.tree)
        self.app.call_from_thread(self._reloaded, tree, card_id, deck_id)

    def _reloaded(self, tree: DeckTree, card_id: str, deck_id: str) -> None:
        self.query_one(CardScroll).loading = False
        if deck_id in tree.failed:
            where = f"{deck_id}.yaml"
            problems = [str(p) for p in tree.problems if p.path.endswith(where)]
            self.notify(
                "\n".join(problems[:3]) + "\nThe deck was not reloaded; e to edit again.",
                title="The edited deck has errors",
                severity="error",
                timeout=15,
            )
            return
        self.collection.tree = tree
        self.session = self.session.on_tree(tree)
        card = self.session.index.get(card_id)
        if card is None:
            self.notify("The question is gone from the deck (its id changed?).", severity="warning")
        else:
            self.notify("Reloaded.")
        self.call_next(self.advance, card)

    def action_help(self) -> None:
        """Show every key."""
        from quizzer.tui.screens.help import HelpScreen

        self.app.push_screen(HelpScreen())

    def action_browse(self) -> None:
        """Open the card browser (the session goes on when it closes); its undo goes through
        this session, so an answer of this session undone there leaves the tally."""
        from quizzer.tui.screens.browser import BrowserScreen

        browser = BrowserScreen(self.collection, self.now_ms, session=self.session)
        self.app.push_screen(browser, callback=self._after_browse)

    def _after_browse(self, result: None) -> None:
        """Back from the browser: the done and left counts, which an undo there changed, or the
        next card when the one on screen was suspended or buried there."""
        if self.card is None:
            return
        now = self.now_ms()
        state = self.session.state(self.card.id)
        try:
            check_answerable(state, now)  # the rule that refuses answering it
        except SessionError:
            self.notify("That card left the queue; here is the next one.")
            self.call_next(self.advance)
            return
        _, counts = self.session.up_next(now)
        self._show_progress(counts, state.state)

    def action_help_typing(self) -> None:
        """Show every key, from the answer box."""
        self.action_help()

    def action_home(self) -> None:
        """Leave the session (answers are already saved)."""
        self.dismiss()
