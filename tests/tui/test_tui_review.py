"""Behaviour of the terminal UI, driven with Pilot: home, whole sessions through every question
type, undo, bury, suspend, edit, and the summary. Assertions are on the screen and on the store."""

from __future__ import annotations

import asyncio
import sys
import textwrap
from collections.abc import Callable
from datetime import datetime, timedelta
from pathlib import Path
from typing import Any

import pytest
from textual import events
from textual.widgets import Input, Markdown
from tui_support import FakeTimer, review_screen, screen_text, solve, type_text, until

from quizzer.clock import now, to_ms
from quizzer.collection import Collection, load_decks
from quizzer.home import describe_when
from quizzer.state import CardPhase, EventKind, Rating
from quizzer.tui.app import QuizzerApp, make_app
from quizzer.tui.screens.help import HelpScreen
from quizzer.tui.screens.home import HomeScreen
from quizzer.tui.screens.review import ReviewScreen, Stage
from quizzer.tui.screens.summary import SummaryScreen
from quizzer.tui.widgets.deck_tree import DeckTreeView

Build = Callable[..., QuizzerApp]


def reviews(collection: Collection) -> list[Any]:
    """Review and cram events that were not undone, in order."""
    undone = collection.store.undone()
    return [
        e
        for e in collection.store.events()
        if e.kind in (EventKind.REVIEW, EventKind.CRAM) and e.uid not in undone
    ]


# ---------------------------------------------------------------- home


async def test_home_shows_the_tree_with_counts_and_streak(build: Build) -> None:
    app = build()
    async with app.run_test(size=(80, 24)) as pilot:
        await pilot.pause()
        text = screen_text(app)
    assert "All decks" in text and "Audio" in text and "MFCC" in text and "Whisper" in text
    assert "streak 0 days" in text
    assert "6 new" in text  # seven cards, two of them deletions of one cloze
    root_line = next(line for line in text.splitlines() if "All decks" in line)
    assert root_line.split()[-3:] == ["6", "0", "0"]
    speech_line = next(line for line in text.splitlines() if "Speech" in line)
    assert speech_line.split()[-3:] == ["5", "0", "0"]


async def test_home_loads_the_collection_in_a_worker(deck_tree: Path) -> None:
    app = make_app(timer=FakeTimer())
    async with app.run_test(size=(80, 24)) as pilot:
        await until(pilot, lambda: "Whisper" in screen_text(app))
        assert app.collection is not None


async def test_the_app_makes_room_for_the_answers_commits_once_the_collection_is_open(
    deck_tree: Path,
) -> None:
    from quizzer.store.wal_room import FRAMES

    app = make_app(timer=FakeTimer())
    async with app.run_test(size=(80, 24)) as pilot:
        await until(pilot, lambda: app.collection is not None)
        assert app.collection is not None
        log = Path(f"{app.collection.store.path}-wal")
        page = app.collection.store.db.execute("PRAGMA page_size").fetchone()[0]
        await until(pilot, lambda: log.stat().st_size >= FRAMES * page)


async def test_a_broken_deck_is_reported_on_home(
    write_deck: Callable[[str, str], Path], deck_tree: Path
) -> None:
    write_deck(
        "speech/broken",
        "title: Broken\nquestions:\n  - id: q\n    type: basic\n    promt: typo\n    answer: a\n",
    )
    app = make_app(timer=FakeTimer())
    async with app.run_test(size=(100, 30)) as pilot:
        await until(pilot, lambda: "1 deck with errors skipped" in screen_text(app))
        text = screen_text(app)
        assert "speech/broken.yaml:5:5: unknown key 'promt', did you mean 'prompt'?" in text
        assert app.collection is not None and app.collection.tree.decks
        await pilot.pause(0.2)
        text = screen_text(app)
    # the tree itself, not a loading indicator left over it
    assert any(line.split()[-2:] == ["broken", "error"] for line in text.splitlines())
    assert "Whisper" in text


async def test_an_unopenable_collection_is_reported_not_raised(
    deck_tree: Path, isolated: Path
) -> None:
    (isolated / "home").mkdir()
    (isolated / "home" / "quizzer.sqlite3").write_bytes(b"not a database at all" * 100)
    app = make_app(timer=FakeTimer())
    async with app.run_test(size=(100, 24)) as pilot:
        await until(pilot, lambda: app.load_error is not None)
        assert "Cannot open the collection" in screen_text(app)
        assert "Learn" not in screen_text(app)  # no tree, and no header over it


async def test_the_garbage_collector_runs_again_once_the_first_card_is_shown(
    deck_tree: Path,
) -> None:
    """The start pauses Python's cyclic collector (see quizzer.tui); a session that kept it off
    would never free a cycle."""
    import gc

    app = make_app(start_session=True, timer=FakeTimer())
    assert not gc.isenabled()
    async with app.run_test(size=(100, 30)) as pilot:
        await until(pilot, lambda: isinstance(app.screen, ReviewScreen) and app.screen.card)
        await until(pilot, gc.isenabled)
    home = deck_tree.parent / "home"
    for failing in (False, True):  # home, then a collection that cannot be opened
        if failing:
            for leftover in home.glob("quizzer.sqlite3*"):
                leftover.unlink()
            (home / "quizzer.sqlite3").write_bytes(b"not a database at all" * 100)
        home_app = make_app(timer=FakeTimer())
        assert not gc.isenabled()
        async with home_app.run_test(size=(100, 24)) as pilot:
            await until(pilot, lambda a=home_app: a.collection or a.load_error)
            await until(pilot, gc.isenabled)
        assert (home_app.load_error is not None) is failing


async def test_home_waits_for_the_session_it_started_under(build: Build) -> None:
    """`quizzer review` pushes its session over home as soon as the collection is open. Home's
    first resume, posted when the app starts, can come after that (a quickly opened
    collection): it must not fill in home's tree and figures behind the first card, and home
    shows no loading animation meanwhile."""
    app = build(start_session=True)
    async with app.run_test(size=(100, 30)) as pilot:
        await until(pilot, lambda: isinstance(app.screen, ReviewScreen) and app.screen.card)
        home = app.home
        home.post_message(events.ScreenResume())
        await pilot.pause()
        await pilot.pause()
        assert home.shown_tree is None
        assert not [w for w in app.workers if w.group == "figures"]
        assert not home.query_one(DeckTreeView).loading  # no animation behind the session
        while isinstance(app.screen, ReviewScreen):
            await solve(pilot)
            await pilot.press("4")
            await pilot.pause()
        await pilot.press("enter")  # leave the summary
        await until(pilot, lambda: "Today 6 answers" in screen_text(app))
        assert app.collection is not None and home.shown_tree is app.collection.tree


def test_a_bad_clock_fails_before_the_app_starts(monkeypatch: pytest.MonkeyPatch) -> None:
    from quizzer.clock import ClockError

    monkeypatch.setenv("QUIZZER_NOW", "yesterday-ish")
    with pytest.raises(ClockError):
        make_app()


async def test_enter_on_a_folder_reviews_that_folder(build: Build) -> None:
    app = build()
    async with app.run_test(size=(80, 24)) as pilot:
        await pilot.pause()
        await pilot.press("down", "down", "down")  # All decks, audio, MFCC, speech
        await pilot.press("enter")
        await pilot.pause()
        screen = review_screen(app)
        assert screen.session.selection.decks == ("speech",)
        assert screen.card is not None and screen.card.deck_id == "speech/ctc"


async def test_nothing_due_stays_home_and_says_when(build: Build, collection: Collection) -> None:
    session = collection.session()
    for card in list(collection.tree.decks["audio/mfcc"].cards):
        session.answer(card.id, Rating.EASY, to_ms(now()))
    app = build()
    async with app.run_test(size=(80, 24)) as pilot:
        await pilot.pause()
        await pilot.press("down", "down", "r")
        await pilot.pause()
        assert isinstance(app.screen, HomeScreen)
        assert any("Nothing due in MFCC" in n.message for n in app._notifications)


def _line(app: QuizzerApp, name: str) -> list[str]:
    """The New / Learn / Due counts on home's line of a deck or folder."""
    return next(line for line in screen_text(app).splitlines() if name in line).split()[-3:]


def _home_over_days(collection: Collection) -> tuple[QuizzerApp, list[datetime]]:
    """An app whose clock the test moves, MFCC's one card answered Easy (due in days)."""
    session = collection.session()
    for card in list(collection.tree.decks["audio/mfcc"].cards):
        session.answer(card.id, Rating.EASY, to_ms(now()))
    moment = [now()]
    return make_app(collection=collection, timer=FakeTimer(), clock=lambda: moment[0]), moment


async def test_nothing_due_with_a_tag_says_when_a_card_with_the_tag_is_next(
    build: Build, collection: Collection
) -> None:
    """With a tag (home counts, and sessions study, the cards carrying it), enter on a deck with
    nothing due said when its next card of any tag was due: "tomorrow 04:00" for CTC's new
    cards, though its only card with the tag is due in days."""
    answered = collection.session().answer("speech/ctc:blank-role", Rating.EASY, to_ms(now()))
    assert answered.after.due is not None
    app = build(tag="basic")
    async with app.run_test(size=(80, 24)) as pilot:
        await until(pilot, lambda: "CTC" in screen_text(app) and "Learn" in screen_text(app))
        assert _line(app, "CTC") == ["0", "0", "0"]
        await pilot.press("down", "down", "down", "down", "r")  # Audio, MFCC, Speech, CTC
        await pilot.pause()
        assert isinstance(app.screen, HomeScreen)
        served = collection.deck_settings().calendar.bounds(answered.after.due)[0]
        when = describe_when(served, to_ms(now()), collection.zone)  # its study day's start
        messages = [n.message for n in app._notifications]
        assert any(f"Nothing due in CTC now. Next card: {when}." in m for m in messages), messages


async def test_enter_right_after_a_tag_is_picked_decides_with_the_tag(
    build: Build, collection: Collection, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Home counts again in a worker once a tag is picked; enter before those counts arrived
    decided with the counts of every card: a session on CTC with the tag "basic" (its one card
    answered, due in days) started, where there is nothing to study."""
    collection.session().answer("speech/ctc:blank-role", Rating.EASY, to_ms(now()))
    app = build()
    async with app.run_test(size=(80, 24)) as pilot:
        await until(pilot, lambda: "Learn" in screen_text(app))
        assert _line(app, "CTC") != ["0", "0", "0"]
        # the counts with the tag never arrive: as on a collection too large to count at once
        monkeypatch.setattr(HomeScreen, "_compute_figures", lambda self, collection: None)
        await pilot.press("t")
        await until(pilot, lambda: "basic  (1 deck)" in screen_text(app))
        await pilot.press("down", "down", "down", "enter")  # all decks, asr, audio, basic
        await until(pilot, lambda: "tag:basic" in screen_text(app))
        await pilot.press("down", "down", "r")  # Speech, CTC
        await pilot.pause()
        assert isinstance(app.screen, HomeScreen)
        messages = [n.message for n in app._notifications]
        assert any("Nothing due in CTC now." in m for m in messages), messages


async def test_enter_on_a_deck_whose_card_came_due_since_home_counted_reviews_it(
    collection: Collection,
) -> None:
    """Home decided from the counts it made when it opened: left open into the next days, enter
    on MFCC said "Nothing due in MFCC now" while a session on it served its review."""
    app, moment = _home_over_days(collection)
    async with app.run_test(size=(80, 24)) as pilot:
        await until(pilot, lambda: "Learn" in screen_text(app))
        assert _line(app, "MFCC") == ["0", "0", "0"]
        moment[0] += timedelta(days=30)  # the review is due
        await pilot.press("down", "down", "r")
        await until(pilot, lambda: isinstance(app.screen, ReviewScreen))
        card = review_screen(app).card
        assert card is not None and card.deck_id == "audio/mfcc"


async def test_enter_before_home_has_counted_reviews_what_is_due(build: Build) -> None:
    """Enter pressed while home's counts are still being made (a large collection, counted in a
    worker) said "Nothing due" on a deck with new cards."""
    app = build()
    async with app.run_test(size=(80, 24)) as pilot:
        await until(pilot, lambda: "Learn" in screen_text(app))
        app.home.counts, app.home.until = {}, None  # as before the worker's counts arrive
        await pilot.press("down", "down", "r")
        await until(pilot, lambda: isinstance(app.screen, ReviewScreen))


async def test_home_left_open_counts_again_once_its_counts_no_longer_hold(
    collection: Collection,
) -> None:
    """Left open into the next days, home kept showing MFCC with nothing due."""
    app, moment = _home_over_days(collection)
    async with app.run_test(size=(80, 24)) as pilot:
        await until(pilot, lambda: "Learn" in screen_text(app))
        assert _line(app, "MFCC") == ["0", "0", "0"]
        app.home.recount_if_stale()  # what home's timer does: nothing has changed yet
        assert app.home.until is not None
        moment[0] += timedelta(days=30)
        app.home.recount_if_stale()
        await until(pilot, lambda: _line(app, "MFCC") == ["0", "0", "1"])


async def test_home_left_open_counts_the_answers_given_elsewhere(
    collection: Collection, capsys: pytest.CaptureFixture[str]
) -> None:
    """An answer given in a shell (`quizzer answer`) while home was open left home showing the
    card still to study."""
    from quizzer.cli import main

    app = make_app(collection=collection, timer=FakeTimer())
    async with app.run_test(size=(80, 24)) as pilot:
        await until(pilot, lambda: "Learn" in screen_text(app))
        assert _line(app, "MFCC") == ["1", "0", "0"]
        assert main(["answer", "audio/mfcc:pipeline", "easy"]) == 0
        app.home.recount_if_stale()  # what home's timer does
        await until(pilot, lambda: _line(app, "MFCC") == ["0", "0", "0"])


async def test_the_session_counts_again_while_a_card_waits_for_its_answer(
    collection: Collection,
) -> None:
    """A card left on screen into the next days kept the counts of the moment it was shown:
    MFCC's review, due meanwhile, was missing from them."""
    app, moment = _home_over_days(collection)
    async with app.run_test(size=(80, 24)) as pilot:
        await until(pilot, lambda: "Learn" in screen_text(app))
        await pilot.press("a")
        await until(pilot, lambda: isinstance(app.screen, ReviewScreen))
        assert "New 5  Learn 0  Due 0" in screen_text(app)
        moment[0] += timedelta(days=30)
        review_screen(app).recount()  # what the screen's timer does
        await pilot.pause()
        assert "New 5  Learn 0  Due 1" in screen_text(app)
        assert "0 done · 6 left" in screen_text(app)


async def test_help_opens_and_closes(build: Build) -> None:
    app = build()
    async with app.run_test(size=(80, 24)) as pilot:
        await pilot.pause()
        await pilot.press("question_mark")
        assert isinstance(app.screen, HelpScreen)
        assert "review the selected deck or folder" in screen_text(app)
        await pilot.press("end")
        await pilot.pause()
        assert "undo an answer, bury or suspend" in screen_text(app)
        await pilot.press("escape")
        assert isinstance(app.screen, HomeScreen)


# ---------------------------------------------------------------- whole sessions


async def test_a_whole_session_through_every_question_type(
    build: Build, collection: Collection
) -> None:
    app = build(start_session=True)
    kinds: list[str] = []
    async with app.run_test(size=(80, 24)) as pilot:
        await pilot.pause()
        while isinstance(app.screen, ReviewScreen):
            kinds.append(await solve(pilot))
            await pilot.press("4")
            await pilot.pause()
        assert isinstance(app.screen, SummaryScreen)
        text = screen_text(app)
        assert "Session complete" in text
        assert "Cards done          6" in text
        assert "100%" in text
        assert "30s" in text  # six answers of 5 s on the fake timer
        assert "New cards learned   6" in text
        assert "Next card due" in text and "tomorrow 04:00" in text
        await pilot.press("enter")
        await pilot.pause()
        assert isinstance(app.screen, HomeScreen)
        assert "streak 1 day" in screen_text(app)
    # the cloze's second deletion is buried as a sibling of the first, as in Anki
    assert kinds == ["order", "basic", "cloze", "choice", "typed", "numeric"]
    events = reviews(collection)
    assert [e.rating for e in events] == [Rating.EASY] * 6
    assert {e.card_id: e.graded for e in events} == {
        "audio/mfcc:pipeline": "auto",
        "speech/ctc:blank-role": "self",
        "speech/ctc:collapse#c1": "self",
        "speech/ctc:properties": "auto",
        "speech/whisper:tokenizer": "auto",
        "speech/whisper:hours": "auto",
    }
    assert all(e.verdict in (None, "correct") for e in events)
    assert all(e.duration_ms == 5000 for e in events)
    by_card = {e.card_id: e for e in events}
    assert by_card["speech/whisper:tokenizer"].response == "byte-level BPE"
    assert by_card["speech/whisper:hours"].response == "680000"
    states = collection.store.states()
    assert all(states[e.card_id].state == CardPhase.REVIEW for e in events)


async def test_wrong_answers_show_their_verdicts(build: Build, collection: Collection) -> None:
    app = build(start_session=True, tag="typed")
    async with app.run_test(size=(80, 24)) as pilot:
        await pilot.pause()
        await type_text(pilot, "byte level BPF")
        await pilot.press("enter")
        await pilot.pause()
        screen = review_screen(app)
        assert screen.stage is Stage.RATE
        text = screen_text(app)
        assert "≈ Close" in text and "yours" in text and "byte-level BPE" in text
        assert screen.selected == Rating.HARD
        assert "⏎ Hard" in text
        await pilot.press("enter")
        await pilot.pause()
    (event,) = reviews(collection)
    assert (event.rating, event.verdict, event.response) == (Rating.HARD, "close", "byte level BPF")


async def test_numeric_input_that_is_not_a_number_is_refused(
    build: Build, collection: Collection
) -> None:
    app = build(start_session=True, tag="numeric")
    async with app.run_test(size=(80, 24)) as pilot:
        await pilot.pause()
        await type_text(pilot, "lots")
        await pilot.press("enter")
        await pilot.pause()
        screen = review_screen(app)
        assert screen.stage is Stage.TYPE
        assert "is not a number" in screen_text(app)
        review_screen(app).query_one(Input).value = ""
        await type_text(pilot, "500k")
        await pilot.press("enter")
        await pilot.pause()
        assert screen.stage is Stage.RATE
        assert "✗ Wrong" in screen_text(app)
        await pilot.press("right", "right", "enter")  # Again preselected; move to Good
        await pilot.pause()
    (event,) = reviews(collection)
    assert (event.rating, event.verdict) == (Rating.GOOD, "incorrect")


async def test_an_empty_typed_answer_gives_up(build: Build, collection: Collection) -> None:
    app = build(start_session=True, tag="typed")
    async with app.run_test(size=(80, 24)) as pilot:
        await pilot.pause()
        await pilot.press("enter")
        await pilot.pause()
        assert "Not answered" in screen_text(app)
        await pilot.press("enter")
        await pilot.pause()
    (event,) = reviews(collection)
    assert (event.rating, event.verdict, event.response) == (Rating.AGAIN, "incorrect", "")


async def test_choice_marks_every_option(build: Build, collection: Collection) -> None:
    app = build(start_session=True, tag="choice")
    async with app.run_test(size=(80, 24)) as pilot:
        await pilot.pause()
        screen = review_screen(app)
        card = screen.card
        assert card is not None
        q = card.question
        wrong = next(p for p, i in enumerate(screen.shown) if not q.choices[i].correct)  # type: ignore[attr-defined]
        await pilot.press("enter")  # nothing chosen yet: a warning, no grading
        assert screen.stage is Stage.CHOOSE
        await pilot.press(str(wrong + 1), str(wrong + 1), str(wrong + 1), "enter")
        await pilot.pause()
        text = screen_text(app)
        assert "✗ Wrong" in text and "(missed)" in text
        assert text.count("✓") == 2
        await pilot.press("1")
        await pilot.pause()
    (event,) = reviews(collection)
    assert event.verdict == "incorrect" and event.response == str(wrong + 1)


SINGLE_CHOICE = """\
    title: Single
    questions:
      - id: blank
        type: choice
        prompt: Which symbol does CTC add?
        choices:
          - {text: blank, correct: true}
          - {text: start of sentence, feedback: That is a sequence-to-sequence token.}
          - {text: end of sentence, feedback: That is a sequence-to-sequence token too.}
        explanation: The blank.
        source: Graves et al. 2006
"""


async def test_a_digit_answers_a_single_choice_at_once(
    write_deck: Callable[[str, str], Path], build: Build, collection: Collection
) -> None:
    write_deck("speech/single", SINGLE_CHOICE)
    collection.tree = load_decks(collection.tree.root)
    app = build(start_session=True, decks=["speech/single"])
    async with app.run_test(size=(80, 24)) as pilot:
        await pilot.pause()
        screen = review_screen(app)
        assert "Answer with the option's number" in screen_text(app)
        card = screen.card
        assert card is not None
        wrong = next(p for p, i in enumerate(screen.shown) if i != 0)
        await pilot.press(str(wrong + 1))
        await pilot.pause()
        assert screen.stage is Stage.RATE
        text = screen_text(app)
        assert "✗ Wrong" in text and "sequence-to-sequence token" in text
        await pilot.press("enter")  # accepts the suggested rating
        await pilot.pause()
    (event,) = reviews(collection)
    assert event.response == str(wrong + 1) and event.verdict == "incorrect"


async def test_a_multiple_choice_waits_for_enter(build: Build, collection: Collection) -> None:
    app = build(start_session=True, tag="choice")
    async with app.run_test(size=(80, 24)) as pilot:
        await pilot.pause()
        screen = review_screen(app)
        await pilot.press("1", "2")
        await pilot.pause()
        assert screen.stage is Stage.CHOOSE
        await pilot.press("enter")
        await pilot.pause()
        assert screen.stage is Stage.RATE


async def test_order_shows_which_positions_were_right(build: Build, collection: Collection) -> None:
    app = build(start_session=True, tag="order")
    async with app.run_test(size=(80, 24)) as pilot:
        await pilot.pause()
        await pilot.press("j", "shift+down", "k", "enter")
        await pilot.pause()
        text = screen_text(app)
        assert "Right order: framing and windowing → STFT power spectrum" in text
        assert "belongs at" in text
        await pilot.press("3")
        await pilot.pause()
    (event,) = reviews(collection)
    assert event.card_id == "audio/mfcc:pipeline" and event.rating == Rating.GOOD


async def test_cloze_shows_the_hint_then_the_deletion(build: Build) -> None:
    app = build(start_session=True, tag="cloze")
    async with app.run_test(size=(80, 24)) as pilot:
        await pilot.pause()
        text = screen_text(app)
        assert "CTC decoding first [merge or drop?], then removes blanks." in text
        await pilot.press("space")
        await pilot.pause()
        answer = review_screen(app).query_one("#answer", Markdown)
        assert "**merges repeated labels**" in answer.source
        assert "CTC decoding first merges repeated labels, then removes blanks." in screen_text(app)


async def test_basic_hint_and_math(build: Build) -> None:
    app = build(start_session=True, tag="basic")
    async with app.run_test(size=(80, 24)) as pilot:
        await pilot.pause()
        prompt = review_screen(app).query_one("#prompt", Markdown)
        assert "`L' = L ∪ {blank}`" in prompt.source
        assert "Think of" not in screen_text(app)
        await pilot.press("h")
        await pilot.pause()
        assert 'Hint: Think of "hello".' in screen_text(app)


async def test_f2_shows_the_hint_of_a_card_answered_without_typing(build: Build) -> None:
    """Help and the docs give `h f2` for the hint; f2 worked only in the answer box."""
    app = build(start_session=True, tag="basic")
    async with app.run_test(size=(80, 24)) as pilot:
        await until(pilot, lambda: isinstance(app.screen, ReviewScreen) and app.screen.card)
        await pilot.press("f2")
        await until(pilot, lambda: 'Hint: Think of "hello".' in screen_text(app))
        assert "h Hint" not in screen_text(app).splitlines()[-1]  # shown, its key goes


async def test_cram_logs_cram_events(build: Build, collection: Collection) -> None:
    app = build()
    async with app.run_test(size=(80, 24)) as pilot:
        await pilot.pause()
        await pilot.press("down", "down", "c")  # custom study of MFCC
        await pilot.pause()
        await pilot.press(*["down"] * 5, "enter")  # cram
        await pilot.pause()
        assert review_screen(app).session.cram
        await solve(pilot)
        await pilot.press("3")
        await pilot.pause()
        assert isinstance(app.screen, SummaryScreen)
        assert "Cram session done" in screen_text(app)
    (event,) = reviews(collection)
    assert event.kind == EventKind.CRAM


async def test_a_cram_summary_counts_crams_not_new_cards(
    build: Build, collection: Collection
) -> None:
    app = build()
    async with app.run_test(size=(80, 24)) as pilot:
        await pilot.pause()
        await pilot.press("down", "down", "c")  # custom study of MFCC: its card is new
        await pilot.pause()
        await pilot.press(*["down"] * 5, "enter")  # cram
        await pilot.pause()
        await solve(pilot)
        await pilot.press("3")
        await pilot.pause()
        assert isinstance(app.screen, SummaryScreen)
        text = screen_text(app)
        assert "Crammed             1  (schedules unchanged)" in text
        assert "New cards learned" not in text
    assert collection.store.state("audio/mfcc:pipeline").state == CardPhase.NEW


async def test_review_named_decks_and_unknown_ones(build: Build) -> None:
    app = build(start_session=True, decks=["speech/whisper"])
    async with app.run_test(size=(80, 24)) as pilot:
        await pilot.pause()
        card = review_screen(app).card
        assert card is not None and card.deck_id == "speech/whisper"
    app = build(start_session=True, decks=["nope"])
    async with app.run_test(size=(80, 24)) as pilot:
        await pilot.pause()
        assert isinstance(app.screen, HomeScreen)
        assert any("No deck or folder 'nope'" in n.message for n in app._notifications)
    app = build(start_session=True, tag="nosuchtag")
    async with app.run_test(size=(80, 24)) as pilot:
        await pilot.pause()
        assert isinstance(app.screen, HomeScreen)
        assert any("No card with the tag 'nosuchtag'" in n.message for n in app._notifications)


async def test_escape_goes_home_with_fresh_counts(build: Build) -> None:
    app = build(start_session=True)
    async with app.run_test(size=(80, 24)) as pilot:
        await pilot.pause()
        await solve(pilot)
        await pilot.press("4", "escape")
        await pilot.pause()
        assert isinstance(app.screen, HomeScreen)
        text = screen_text(app)
        assert "Today 1 answer in 5s" in text and "5 new" in text and "streak 1 day" in text


# ---------------------------------------------------------------- undo, bury, suspend, edit


async def test_undo_goes_back_to_the_undone_card_repeatedly(
    build: Build, collection: Collection
) -> None:
    app = build(start_session=True)
    async with app.run_test(size=(80, 24)) as pilot:
        await pilot.pause()
        screen = review_screen(app)
        first = screen.card
        await solve(pilot)
        await pilot.press("3")
        await pilot.pause()
        second = screen.card
        await solve(pilot)
        await pilot.press("4")
        await pilot.pause()
        assert len(reviews(collection)) == 2
        await pilot.press("u")
        await pilot.pause()
        assert screen.card == second and screen.stage is Stage.REVEAL
        await pilot.press("u")
        await pilot.pause()
        assert screen.card == first and screen.stage is Stage.ORDER
        assert screen.session.tally.answered == 0
        await pilot.press("u")  # nothing left to undo
        await pilot.pause()
        assert screen.card == first
    assert reviews(collection) == []
    undo_events = [e for e in collection.store.events() if e.kind == EventKind.UNDO]
    assert len(undo_events) == 2
    assert collection.store.states()["audio/mfcc:pipeline"].state == CardPhase.NEW


async def test_ctrl_z_undoes_while_typing(build: Build, collection: Collection) -> None:
    app = build(start_session=True, tag="numeric")
    async with app.run_test(size=(80, 24)) as pilot:
        await pilot.pause()
        await solve(pilot)
        await pilot.press("4")
        await pilot.pause()
        app2_screen = app.screen
        assert isinstance(app2_screen, SummaryScreen)
        await pilot.press("u")  # undo from the summary: back to the card
        await pilot.pause()
        screen = review_screen(app)
        assert app.screen is screen and screen.stage is Stage.TYPE
        await type_text(pilot, "12")
        await pilot.press("ctrl+z")  # nothing to undo any more; the input keeps its text
        await pilot.pause()
        assert review_screen(app).query_one(Input).value == "12"
    assert reviews(collection) == []


async def test_ctrl_z_undoes_wherever_u_does(build: Build, collection: Collection) -> None:
    app = build(start_session=True, decks=["speech/ctc"])
    async with app.run_test(size=(80, 24)) as pilot:
        await pilot.pause()
        screen = review_screen(app)
        shown = []
        for _ in range(2):  # the basic card, then the first cloze
            shown.append(screen.card)
            await solve(pilot)
            await pilot.press("3")
            await pilot.pause()
        assert screen.card is not None and screen.card.question.kind == "choice"
        assert screen.stage is Stage.CHOOSE
        await pilot.press("ctrl+z")
        await pilot.pause()
        assert screen.card == shown[1] and screen.stage is Stage.REVEAL
        await pilot.press("space", "ctrl+z")  # with the answer shown, before rating it
        await pilot.pause()
        assert screen.card == shown[0] and screen.stage is Stage.REVEAL
        assert reviews(collection) == []
        while not isinstance(app.screen, SummaryScreen):
            last = screen.card
            await solve(pilot)
            await pilot.press("4")
            await pilot.pause()
        answered = len(reviews(collection))
        await pilot.press("ctrl+z")  # from the summary, back to the last card
        await pilot.pause()
        assert app.screen is screen and screen.card == last
    assert len(reviews(collection)) == answered - 1


async def test_a_session_undoes_only_what_it_did(build: Build, collection: Collection) -> None:
    yesterday = to_ms(now()) - 86_400_000
    collection.session().answer("speech/ctc:blank-role", Rating.GOOD, yesterday)  # a shell's
    app = build(start_session=True, query="is:suspended")  # nothing is suspended
    async with app.run_test(size=(80, 24)) as pilot:
        await until(pilot, lambda: isinstance(app.screen, SummaryScreen))
        # a search that finds no card says so, and names the search
        await until(pilot, lambda: "No card matches" in screen_text(app))
        assert "is:suspended" in screen_text(app)
        assert "undo" not in screen_text(app).lower()
        await pilot.press("u")
        await pilot.pause()
        assert isinstance(app.screen, SummaryScreen)
        assert [n.message for n in app._notifications] == ["Nothing to undo in this session."]
    app = build(start_session=True, decks=["speech/whisper"])
    async with app.run_test(size=(80, 24)) as pilot:
        await pilot.pause()
        screen = review_screen(app)
        first = screen.card
        await pilot.press("ctrl+z")  # in the answer box, before this session did anything
        await pilot.pause()
        assert screen.card == first and screen.stage is Stage.TYPE
        await solve(pilot)
        await pilot.press("3")
        await until(pilot, lambda: screen.card != first)
        await pilot.press("ctrl+z")  # its own answer
        await until(pilot, lambda: screen.card == first)
        await pilot.press("ctrl+z")  # then nothing

        def said_twice() -> bool:
            messages = [n.message for n in app._notifications]
            return messages.count("Nothing to undo in this session.") == 2

        await until(pilot, said_twice)
        assert screen.card == first
    (kept,) = reviews(collection)
    assert kept.card_id == "speech/ctc:blank-role" and kept.at == yesterday


async def test_bury_and_suspend_then_undo(build: Build, collection: Collection) -> None:
    app = build(start_session=True)
    async with app.run_test(size=(80, 24)) as pilot:
        await pilot.pause()
        screen = review_screen(app)
        first = screen.card
        assert first is not None
        await pilot.press("b")
        await pilot.pause()
        second = screen.card
        assert second is not None and second != first
        await pilot.press("s")
        await pilot.pause()
        assert screen.card not in (first, second)
        states = collection.store.states()
        buried_until = states[first.id].buried_until
        assert buried_until is not None and buried_until > to_ms(now())
        assert states[second.id].suspended
        await pilot.press("u")
        await pilot.pause()
        assert screen.card == second
        assert not collection.store.states()[second.id].suspended
    kinds = sorted(e.kind for e in collection.store.events())
    assert kinds == sorted([EventKind.BURY, EventKind.SUSPEND, EventKind.UNDO])


async def test_edit_opens_the_editor_at_the_question_and_shows_the_edit(
    build: Build, collection: Collection, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    called = tmp_path / "editor-args"
    script = tmp_path / "fake-editor"
    script.write_text(
        textwrap.dedent(f"""\
        #!{sys.executable}
        import pathlib, sys
        pathlib.Path({str(called)!r}).write_text(" ".join(sys.argv[1:]))
        path = pathlib.Path(sys.argv[2])
        path.write_text(path.read_text().replace(
            "What does the blank symbol", "EDITED, what does the blank symbol"))
        """)
    )
    script.chmod(0o755)
    monkeypatch.setenv("EDITOR", str(script))
    app = build(start_session=True, tag="basic")
    async with app.run_test(size=(80, 24)) as pilot:
        await pilot.pause()
        await pilot.press("space")  # edit works after revealing too
        await pilot.pause()
        await pilot.press("e")
        screen = review_screen(app)
        await until(pilot, lambda: screen.stage is Stage.REVEAL)
        prompt = screen.query_one("#prompt", Markdown)
        assert "EDITED, what does the blank symbol" in prompt.source
        assert "EDITED" in screen_text(app)
        await solve(pilot)
        await pilot.press("3")
        await pilot.pause()
    deck = collection.tree.decks["speech/ctc"]
    line = deck.lines["blank-role"]
    assert called.read_text() == f"+{line} {deck.path}"
    assert "EDITED" in deck.deck.questions[0].prompt  # type: ignore[union-attr]
    (event,) = reviews(collection)
    assert event.card_id == "speech/ctc:blank-role"


async def test_an_edit_that_breaks_the_deck_keeps_the_old_one(
    build: Build, collection: Collection, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    script = tmp_path / "breaking-editor"
    script.write_text(
        f"#!{sys.executable}\nimport pathlib, sys\n"
        "p = pathlib.Path(sys.argv[2])\n"
        "p.write_text(p.read_text().replace('prompt:', 'promt:', 1))\n"
    )
    script.chmod(0o755)
    monkeypatch.setenv("EDITOR", str(script))
    app = build(start_session=True, tag="basic")
    async with app.run_test(size=(100, 30)) as pilot:
        await pilot.pause()
        await pilot.press("e")
        await until(
            pilot, lambda: any("unknown key 'promt'" in n.message for n in app._notifications)
        )
        assert review_screen(app).card is not None
        assert "speech/ctc" in collection.tree.decks


async def test_a_missing_editor_is_reported(build: Build, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("EDITOR", "/nonexistent/editor")
    app = build(start_session=True, tag="basic")
    async with app.run_test(size=(80, 24)) as pilot:
        await pilot.pause()
        await pilot.press("e")
        await pilot.pause()
        assert any("not found" in n.message for n in app._notifications)


async def test_no_color_is_respected(build: Build, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("NO_COLOR", "1")
    app = build(start_session=True)
    assert app.no_color
    async with app.run_test(size=(80, 24)) as pilot:
        await pilot.pause()
        await solve(pilot)
        assert "1 Again" in screen_text(app)


async def test_review_with_nothing_due_shows_when_the_next_card_is(
    build: Build, collection: Collection
) -> None:
    session = collection.session()
    for card in collection.tree.cards():
        session.answer(card.id, Rating.EASY, to_ms(now()))
    app = build(start_session=True)
    async with app.run_test(size=(80, 24)) as pilot:
        await until(pilot, lambda: "Nothing due now" in screen_text(app))
        text = screen_text(app)
        assert "Nothing due now" in text and "Cards done          0" in text
        assert "Next card due" in text and "(in " in text
        await pilot.press("enter")
        await pilot.pause()
        assert isinstance(app.screen, HomeScreen)
    app = build(start_session=True, query="is:review")  # cards found, none due
    async with app.run_test(size=(80, 24)) as pilot:
        await until(pilot, lambda: "Nothing due now" in screen_text(app))
        assert "No card matches" not in screen_text(app)


async def test_e_on_home_opens_a_broken_deck_at_its_problem_and_reloads(
    write_deck: Callable[[str, str], Path],
    deck_tree: Path,
    tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    broken = write_deck(
        "speech/broken",
        "title: Broken\nquestions:\n  - id: q\n    type: basic\n    prompt: p\n"
        "    answer: a\n    colour: red\n",
    )
    called = tmp_path / "editor-args"
    script = tmp_path / "fixing-editor"
    script.write_text(
        f"#!{sys.executable}\nimport pathlib, sys\n"
        f"pathlib.Path({str(called)!r}).write_text(' '.join(sys.argv[1:]))\n"
        "p = pathlib.Path(sys.argv[2])\n"
        "p.write_text(p.read_text().replace('    colour: red\\n', ''))\n"
    )
    script.chmod(0o755)
    monkeypatch.setenv("EDITOR", str(script))
    app = make_app(timer=FakeTimer())
    async with app.run_test(size=(100, 30)) as pilot:
        await until(pilot, lambda: "with errors skipped" in screen_text(app))
        await pilot.press("down", "down", "down", "down")  # root, audio, MFCC, speech, broken
        await pilot.press("enter")
        await pilot.pause()
        assert any("has errors" in n.message for n in app._notifications)
        await pilot.press("e")
        await until(pilot, lambda: "with errors skipped" not in screen_text(app))
        assert app.collection is not None and "speech/broken" in app.collection.tree.decks
        assert "Broken" in screen_text(app)
    assert called.read_text() == f"+7 {broken}"


async def test_f1_opens_help_in_every_stage_and_the_bar_shows_it_while_typing(
    build: Build,
) -> None:
    app = build(start_session=True, tag="typed")
    async with app.run_test(size=(80, 24)) as pilot:
        await pilot.pause()
        assert "f1 Help" in screen_text(app).splitlines()[-1]
        await pilot.press("f1")
        assert isinstance(app.screen, HelpScreen)
        await pilot.press("escape")
        await pilot.press("enter")  # give up: the answer is shown, letters are keys again
        await pilot.pause()
        assert "? Help" in screen_text(app).splitlines()[-1]
        await pilot.press("f1")
        assert isinstance(app.screen, HelpScreen)


async def test_f1_opens_help_on_the_summary_too(build: Build) -> None:
    """Help lists `?` and `f1` as working everywhere; on the summary only `?` did."""
    app = build(start_session=True, tag="basic")
    async with app.run_test(size=(80, 24)) as pilot:
        await until(pilot, lambda: isinstance(app.screen, ReviewScreen))
        await solve(pilot)
        await pilot.press("4")
        await until(pilot, lambda: isinstance(app.screen, SummaryScreen))
        await pilot.press("f1")
        await until(pilot, lambda: isinstance(app.screen, HelpScreen))
        await pilot.press("escape")
        await until(pilot, lambda: isinstance(app.screen, SummaryScreen))


async def test_a_click_on_a_rating_records_it(build: Build, collection: Collection) -> None:
    app = build(start_session=True, tag="basic")
    async with app.run_test(size=(80, 24)) as pilot:
        await pilot.pause()
        await pilot.press("space")
        await pilot.pause()
        await pilot.click(".rating-hard")
        await pilot.pause()
    (event,) = reviews(collection)
    assert event.rating == Rating.HARD


async def test_editing_a_bundled_deck_from_home_opens_a_copy(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    from quizzer import paths

    monkeypatch.delenv("QUIZZER_DECKS")
    called = tmp_path / "called"
    script = tmp_path / "fake-editor"
    script.write_text(
        textwrap.dedent(f"""\
        #!{sys.executable}
        import pathlib, sys
        pathlib.Path({str(called)!r}).write_text(sys.argv[2])
        """)
    )
    script.chmod(0o755)
    monkeypatch.setenv("EDITOR", str(script))
    deck_id = "foundations/digital-audio"
    bundled = paths.bundled_decks() / f"{deck_id}.yaml"
    app = make_app(timer=FakeTimer())
    async with app.run_test(size=(80, 24)) as pilot:
        await until(pilot, lambda: app.collection is not None)
        app.home.post_message(HomeScreen.Edit(deck_id))
        await until(pilot, lambda: called.exists())
        await pilot.pause()
        notes = [str(n.message) for n in app._notifications]
    copy = paths.user_decks_dir() / f"{deck_id}.yaml"
    assert called.read_text() == str(copy)
    assert copy.read_bytes() == bundled.read_bytes()
    assert any(str(copy) in note and "replaces the bundled deck" in note for note in notes)


async def test_after_editing_a_deck_from_home_the_cursor_stays_on_it(
    build: Build, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Once the tree was rebuilt from the edited decks its cursor went back to All decks, and
    enter then reviewed every deck instead of the one just edited."""
    script = tmp_path / "editor"
    script.write_text(f"#!{sys.executable}\n")
    script.chmod(0o755)
    monkeypatch.setenv("EDITOR", str(script))
    app = build()
    async with app.run_test(size=(80, 24)) as pilot:
        await until(pilot, lambda: isinstance(app.screen, HomeScreen) and app.home.collection)
        await pilot.pause()
        tree = app.home.query_one(DeckTreeView)
        await pilot.press("down", "down", "down", "down")  # root, audio, MFCC, speech, CTC
        assert tree.cursor_node is not None and tree.cursor_node.data is not None
        assert tree.cursor_node.data.id == "speech/ctc"
        await pilot.press("e")
        await until(pilot, lambda: any("reloaded" in str(n.message) for n in app._notifications))
        await pilot.pause()
        assert tree.cursor_node is not None and tree.cursor_node.data is not None
        assert tree.cursor_node.data.id == "speech/ctc"
        await pilot.press("enter")
        await until(pilot, lambda: isinstance(app.screen, ReviewScreen))
        assert review_screen(app).session.selection.decks == ("speech/ctc",)


async def test_a_card_suspended_elsewhere_meanwhile_is_refused_not_raised(
    build: Build, collection: Collection
) -> None:
    app = build(start_session=True)
    async with app.run_test(size=(80, 24)) as pilot:
        await pilot.pause()
        screen = review_screen(app)
        card = screen.card
        assert card is not None
        await solve(pilot)
        # another process suspends the card while it is on screen
        collection.session().suspend(card.id, app.now_ms())
        await pilot.press("3")
        await pilot.pause()
        assert collection.store.state(card.id).reps == 0
        assert isinstance(app.screen, ReviewScreen) and review_screen(app).card != card
    assert not [e for e in reviews(collection) if e.card_id == card.id]


async def test_a_damaged_deck_cache_found_mid_session_ends_the_app_with_one_line(
    write_deck: Callable[[str, str], Path], isolated: Path
) -> None:
    from quizzer.decks.cache import dump_body, load_body
    from tests.conftest import basic_deck

    write_deck("demo/a", basic_deck(1))
    write_deck("demo/b", basic_deck(3))
    load_decks()  # fills the deck cache
    for stored in (isolated / "home" / "cache").glob("decks-*/*.jsonl"):  # each deck's data
        deck = load_body(stored.read_text())
        assert deck is not None
        if len(deck["questions"]) == 3:  # demo/b's
            deck["questions"][0]["prompt"] = 5  # damaged: not text
            stored.write_text(dump_body(deck))
    app = make_app(start_session=True, timer=FakeTimer())
    async with app.run_test(size=(80, 24)) as pilot:
        await until(pilot, lambda: any(isinstance(s, ReviewScreen) for s in app.screen_stack))
        await until(pilot, lambda: "P0" in screen_text(app))
        # demo/b's file changes while its damaged copy is still the one in use
        write_deck("demo/b", basic_deck(3).replace("id: q", "id: x"))
        await pilot.press("space")
        # the key's handler fails, so its screen never settles: the press is not awaited
        pressing = asyncio.ensure_future(pilot.press("4"))
        await until(pilot, lambda: app.failure is not None)
        pressing.cancel()
    assert app.return_code == 2
    assert app.failure is not None and "damaged copy" in str(app.failure)
    assert "\n" not in str(app.failure)


async def test_home_shows_cached_decks_without_building_their_models(
    write_deck: Callable[[str, str], Path], isolated: Path
) -> None:
    from tests.conftest import basic_deck

    for n in range(3):
        write_deck(f"demo/d{n}", basic_deck(2).replace("title: D", f"title: Deck {n}"))
    load_decks()  # fills the deck cache
    app = make_app(timer=FakeTimer())
    async with app.run_test(size=(80, 24)) as pilot:
        await until(pilot, lambda: "Deck 2" in screen_text(app))
        await pilot.pause()
        assert app.collection is not None
        built = {d for d, loaded in app.collection.tree.decks.items() if loaded.built}  # type: ignore[attr-defined]
    assert built == set()
