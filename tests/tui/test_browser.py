"""The card browser as a learner drives it: `/` opens it from home and from a review, the query
filters as one types, a bad query is one line, `o` sorts, space selects, `s` suspends and brings
back, enter shows a card's history, `r` reviews the selection now; and `t` filters home to a tag."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import pytest
from textual.widgets import DataTable, Input, Static
from tui_support import FakeTimer, review_screen, screen_text, solve, type_text, until

from quizzer.cli import main
from quizzer.clock import now, to_ms
from quizzer.collection import Collection, open_collection
from quizzer.state import Rating
from quizzer.tui.app import QuizzerApp, make_app
from quizzer.tui.screens.browser import BrowserScreen, fit_deck
from quizzer.tui.screens.card_info import CardInfoScreen
from quizzer.tui.screens.home import HomeScreen
from quizzer.tui.screens.review import ReviewScreen
from quizzer.tui.widgets.deck_tree import DeckTreeView

Build = Callable[..., QuizzerApp]
MINUTE = 60_000


def browser(app: QuizzerApp) -> BrowserScreen:
    screen = app.screen
    assert isinstance(screen, BrowserScreen)
    return screen


async def ready(pilot: Any) -> None:
    await until(pilot, lambda: pilot.app.home.collection is not None)
    await pilot.pause()


def shown_ids(app: QuizzerApp) -> list[str]:
    table: DataTable[Any] = browser(app).query_one(DataTable)
    return [str(key.value) for key in table.rows]


async def test_typing_filters_and_a_bad_query_is_one_line(build: Build) -> None:
    app = build()
    async with app.run_test(size=(80, 24)) as pilot:
        await ready(pilot)
        await pilot.press("slash")
        await pilot.pause()
        assert len(shown_ids(app)) == 7  # every card at first
        await type_text(pilot, "deck:speech/ctc")
        await until(pilot, lambda: len(shown_ids(app)) == 4)  # after the pause in typing
        assert shown_ids(app)[0] == "speech/ctc:blank-role"
        await type_text(pilot, ' "unclosed')
        await until(pilot, lambda: "never closed" in screen_text(app))
        assert len(shown_ids(app)) == 4  # the rows stay as they were
        text = screen_text(app)
        assert "7 cards" not in text and "CTC" not in text.split("never closed")[1][:0]


async def test_the_question_keeps_its_room_as_the_screen_widens(build: Build) -> None:
    """Type and stability are shown only while the question still gets 40 columns: a wider
    screen never squeezes the question to make room for them."""
    app = build()
    async with app.run_test(size=(100, 30)) as pilot:
        await ready(pilot)
        await pilot.press("slash")
        await pilot.pause()
        seen = {}
        for width in (100, 120, 136, 137, 138, 139, 140, 160, 200):
            await pilot.resize_terminal(width, 30)
            await pilot.pause()
            table: DataTable[Any] = browser(app).query_one(DataTable)
            widths = {str(c.key.value): c.width for c in table.ordered_columns}
            seen[width] = (widths["question"], "type" in widths and "stability" in widths)
        assert seen[100][0] >= 30 and not seen[100][1]
        assert seen[120][0] >= 50 and not seen[120][1]  # was 21 with every column
        assert all(question >= 40 for question, every in seen.values() if every)
        assert seen[160][1] and seen[200][0] > seen[160][0]


async def test_sort_select_suspend_and_bring_back(build: Build, collection: Collection) -> None:
    t = to_ms(now())
    collection.session().answer("speech/whisper:tokenizer", Rating.GOOD, t - 30 * MINUTE)
    app = build()
    async with app.run_test(size=(80, 24)) as pilot:
        await ready(pilot)
        await pilot.press("slash", "enter")  # search now and go to the table
        await pilot.press("o")  # deck order -> due
        await pilot.pause()
        assert "sorted by due" in screen_text(app)
        assert shown_ids(app)[0] == "speech/whisper:tokenizer"  # the only card with a due date

        row = browser(app).query_one(DataTable).cursor_row  # the cursor stays on its card
        chosen = set(shown_ids(app)[row : row + 2])
        await pilot.press("space", "space", "s")
        await pilot.pause()
        suspended = {c for c, s in collection.store.states().items() if s.suspended}
        assert suspended == chosen
        table: DataTable[Any] = browser(app).query_one(DataTable)
        states = {i: str(table.get_cell(i, "state")) for i in chosen}
        assert set(states.values()) == {"suspended"}

        # later: "I suspended cards by mistake"
        await pilot.press("slash")
        await type_text(pilot, "is:suspended")
        await pilot.press("enter")
        assert set(shown_ids(app)) == suspended
        assert screen_text(app).count("suspended") >= 2
        await pilot.press("up", "up", "space", "space", "s")
        await pilot.pause()
        assert not any(s.suspended for s in collection.store.states().values())
        assert shown_ids(app) == []  # none is suspended any more

        # one u takes back the whole change, both cards
        await pilot.press("u")
        await until(pilot, lambda: set(shown_ids(app)) == suspended)
        assert any(n.message == "Undid the unsuspend of 2 cards." for n in app._notifications)
        assert {c for c, s in collection.store.states().items() if s.suspended} == suspended


async def test_card_info_shows_every_review(build: Build, collection: Collection) -> None:
    t = to_ms(now())
    s = collection.session()
    s.answer("speech/ctc:blank-role", Rating.GOOD, t - 3 * 86_400_000)
    s.answer("speech/ctc:blank-role", Rating.GOOD, t - 3 * 86_400_000 + 10 * MINUTE)
    s.answer("speech/ctc:blank-role", Rating.HARD, t - 60 * MINUTE, duration_ms=7000)
    app = build()
    async with app.run_test(size=(80, 24)) as pilot:
        await ready(pilot)
        await pilot.press("slash")
        await type_text(pilot, "cid:speech/ctc:blank-role")
        await pilot.press("enter", "enter")
        await pilot.pause()
        assert isinstance(app.screen, CardInfoScreen)
        text = screen_text(app)
        assert "blank symbol" in text  # the question, as the review shows it
        history = text.split("History")[1]
        assert history.count("review") == 3 and "Good" in history and "Hard" in history
        assert "7s" in history and "%" in history  # time taken; recall predicted before
        await pilot.press("escape")
        assert isinstance(app.screen, BrowserScreen)


async def test_card_info_at_60_columns_keeps_each_history_row_on_one_line(
    build: Build, collection: Collection
) -> None:
    """At 60 columns each row of the history wrapped: its interval after and time taken went
    under its date. The table keeps its rows whole, and ← → bring its last columns into view."""
    t = to_ms(now())
    collection.session().answer(
        "speech/ctc:blank-role", Rating.HARD, t - 60 * MINUTE, duration_ms=7000
    )
    app = build()
    async with app.run_test(size=(60, 24)) as pilot:
        await ready(pilot)
        await pilot.press("slash")
        await type_text(pilot, "cid:speech/ctc:blank-role")
        await pilot.press("enter", "enter")
        await until(pilot, lambda: isinstance(app.screen, CardInfoScreen))
        await pilot.press("end")
        await pilot.pause()
        lines = screen_text(app).splitlines()
        header = next(i for i, line in enumerate(lines) if "when" in line and "event" in line)
        assert "recall" in lines[header] and "2026-03-02 08:00" in lines[header + 1]
        assert "7s" not in screen_text(app)
        await pilot.press(*["right"] * 8)
        await until(pilot, lambda: "7s" in screen_text(app))
        lines = screen_text(app).splitlines()
        assert "7s" in next(line for line in lines if "review" in line and "Hard" in line)


async def test_review_the_selection_now_and_come_back(build: Build) -> None:
    app = build()
    async with app.run_test(size=(80, 24)) as pilot:
        await ready(pilot)
        await pilot.press("slash", "enter", "down", "space", "r")
        await pilot.pause()
        session = review_screen(app).session
        assert session.selection.query == "cid:speech/ctc:blank-role"
        assert [c.id for c in session.cards] != [] and session.card("speech/ctc:blank-role")
        assert session.next(to_ms(now())).id == "speech/ctc:blank-role"  # type: ignore[union-attr]
        await pilot.press("slash")  # the browser opens during a review too
        assert isinstance(app.screen, BrowserScreen)
        await pilot.press("escape")
        assert isinstance(app.screen, ReviewScreen)


async def test_a_cloze_blank_is_written_alike_everywhere(
    build: Build, capsys: pytest.CaptureFixture[str]
) -> None:
    blank = "then […]."  # the c2 card of speech/ctc:collapse: a deletion without a hint
    assert main(["next", "--query", "cid:speech/ctc:collapse#c2"]) == 0
    assert blank in capsys.readouterr().out
    app = build()
    async with app.run_test(size=(120, 40)) as pilot:
        await ready(pilot)
        await pilot.press("slash")
        await type_text(pilot, "cid:speech/ctc:collapse#c2")
        await pilot.press("enter")
        await until(pilot, lambda: shown_ids(app) == ["speech/ctc:collapse#c2"])
        assert blank in screen_text(app) and "[...]" not in screen_text(app)
        await pilot.press("r")
        await until(pilot, lambda: isinstance(app.screen, ReviewScreen))
        await until(pilot, lambda: blank in screen_text(app))


async def test_a_tag_filters_home_and_the_session(build: Build) -> None:
    app = build()
    async with app.run_test(size=(80, 24)) as pilot:
        await ready(pilot)
        await pilot.press("t")
        await pilot.pause()
        assert "audio  (1 deck)" in screen_text(app)
        await pilot.press("down", "enter")  # the first tag, alphabetically: asr
        await pilot.pause()
        tree = app.home.query_one(DeckTreeView)
        assert tree.only == {"speech/ctc", "speech/whisper"}
        await until(pilot, lambda: "MFCC" not in screen_text(app))
        text = screen_text(app)
        assert "tag:asr" in text and "Whisper" in text
        await pilot.press("a")
        await pilot.pause()
        assert review_screen(app).session.selection.tag == "asr"
        await pilot.press("escape")
        await pilot.pause()
        assert isinstance(app.screen, HomeScreen)
        await pilot.press("t")
        await pilot.pause()
        await pilot.press("home", "enter")  # all decks again
        await until(pilot, lambda: "MFCC" in screen_text(app))


async def test_help_opens_from_the_browser_and_lists_its_keys(build: Build) -> None:
    from quizzer.tui.screens.help import HelpScreen

    app = build()
    async with app.run_test(size=(110, 40)) as pilot:
        await ready(pilot)
        await pilot.press("slash")
        await pilot.pause()
        await pilot.press("f1")  # the query box takes '?' as text
        await until(pilot, lambda: isinstance(app.screen, HelpScreen))
        await pilot.press("end")
        await until(pilot, lambda: "suspend, bury, forget selected" in screen_text(app))
        await pilot.press("escape")
        await until(pilot, lambda: isinstance(app.screen, BrowserScreen))
        await pilot.press("enter")  # to the table, where "?" is help too
        await pilot.pause()
        await pilot.press("question_mark")
        await until(pilot, lambda: isinstance(app.screen, HelpScreen))


def test_a_deck_id_too_long_for_its_column_keeps_its_own_name() -> None:
    assert fit_deck("asr/whisper", 13) == "asr/whisper"
    assert fit_deck("speaker-verification/ecapa-tdnn", 23) == "speaker-ver…/ecapa-tdnn"
    assert fit_deck("speaker-verification/ecapa-tdnn", 13) == "s…/ecapa-tdnn"
    assert fit_deck("speaker-verification/ecapa-tdnn", 12) == "…/ecapa-tdnn"
    assert fit_deck("foundations/digital-audio", 13) == "digital-audio"
    assert fit_deck("diarization/streaming-sortformer", 13) == "streaming-so…"
    assert fit_deck("a/bc/streaming-sortformer", 24) == "a/…/streaming-sortformer"
    assert fit_deck("streaming-sortformer", 13) == "streaming-so…"


async def test_the_decks_of_one_folder_are_told_apart(
    write_deck: Callable[[str, str], Any],
) -> None:
    """Deck ids as long as the bundled ones (`speaker-verification/ecapa-tdnn`): at 110 columns
    each row shows its deck's own name (the deck column was 13 wide, every row
    `speaker-verif`), with the folder shortened; roomy, whole ids; at 80, as much of the names
    as fits."""
    names = ("ecapa-tdnn", "eres2netv2", "resnet-res2net", "x-vectors")
    for name in names:
        write_deck(
            f"speaker-verification/{name}",
            f"title: {name}\nquestions:\n  - id: q\n    type: basic\n"
            f"    prompt: What is {name}?\n    answer: A speaker embedding.\n",
        )
    col = open_collection()
    try:
        app = make_app(collection=col, timer=FakeTimer())
        async with app.run_test(size=(110, 32)) as pilot:
            await ready(pilot)
            await pilot.press("slash")
            await until(pilot, lambda: len(shown_ids(app)) == 4)

            def decks() -> list[str]:
                table: DataTable[Any] = browser(app).query_one(DataTable)
                return [str(table.get_cell(key, "deck")) for key in table.rows]

            def deck_width() -> int:
                table: DataTable[Any] = browser(app).query_one(DataTable)
                return next(c.width for c in table.ordered_columns if c.key.value == "deck")

            shown = decks()
            assert len(set(shown)) == 4 and deck_width() >= 20
            assert all(deck.endswith(f"/{name}") for deck, name in zip(shown, names, strict=True))
            assert "speaker-ver…/ecapa-tdnn" in screen_text(app)

            await pilot.resize_terminal(200, 32)
            await until(pilot, lambda: decks()[0] == "speaker-verification/ecapa-tdnn")
            assert deck_width() == len("speaker-verification/resnet-res2net")

            await pilot.resize_terminal(80, 24)
            await until(pilot, lambda: deck_width() == 13)
            assert decks() == ["s…/ecapa-tdnn", "s…/eres2netv2", "resnet-res2n…", "sp…/x-vectors"]
    finally:
        col.close()


async def test_undo_in_the_browser_takes_the_answer_out_of_the_sessions_tally(
    build: Build, collection: Collection
) -> None:
    """`u` in the browser opened from a review undoes the device's last action: when that is
    an answer of the session under way, the session's done count and its summary leave it out
    (they counted it still: "2 done" with one answer standing), and its card is served again."""
    app = build(start_session=True, decks=["speech/ctc"])
    async with app.run_test(size=(80, 24)) as pilot:
        await until(pilot, lambda: isinstance(app.screen, ReviewScreen))
        screen = review_screen(app)
        for _ in range(2):
            await solve(pilot)
            await pilot.press("4")  # Easy: out of today's queue
            await pilot.pause()
        await until(pilot, lambda: "2 done" in screen_text(app))
        second = [e.card_id for e in collection.store.events() if e.kind == "review"][1]
        await pilot.press("slash")
        await until(pilot, lambda: isinstance(app.screen, BrowserScreen))
        await pilot.press("enter", "u")  # to the table, then undo
        await until(pilot, lambda: any("Undid the review" in n.message for n in app._notifications))
        assert screen.session.tally.answered == 1
        await pilot.press("escape")
        await until(pilot, lambda: app.screen is screen and "1 done" in screen_text(app))
        served = []
        while app.screen is screen:
            await solve(pilot)
            assert screen.card is not None
            served.append(screen.card.id)
            await pilot.press("4")
            await pilot.pause()
        # the three cards of speech/ctc served today (a cloze's second deletion waits a day)
        assert "Cards done          3" in screen_text(app)
    events = collection.store.events()
    assert second in served
    assert (
        len([e for e in events if e.kind == "review"])
        - len([e for e in events if e.kind == "undo"])
        == screen.session.tally.answered
        == 3
    )


async def test_a_card_suspended_in_the_browser_leaves_the_review_on_return(
    build: Build, collection: Collection
) -> None:
    """The card on screen, suspended in the browser opened from the review, is not shown again
    when the browser closes (it was, and answering it was refused): the next card is."""
    app = build(start_session=True, decks=["speech/ctc"])
    async with app.run_test(size=(100, 30)) as pilot:
        await until(pilot, lambda: isinstance(app.screen, ReviewScreen))
        screen = review_screen(app)
        await until(pilot, lambda: screen.card is not None)
        assert screen.card is not None
        shown = screen.card.id
        await pilot.press("slash")
        await until(pilot, lambda: isinstance(app.screen, BrowserScreen))
        browser = app.screen
        assert isinstance(browser, BrowserScreen)
        browser.query_one(Input).value = f"cid:{shown}"
        await until(pilot, lambda: [r["card_id"] for r in browser.rows] == [shown])
        await pilot.press("enter", "s")
        await until(pilot, lambda: collection.store.state(shown).suspended)
        await pilot.press("escape")
        await until(pilot, lambda: app.screen is screen)
        await until(pilot, lambda: screen.card is not None and screen.card.id != shown)


async def test_the_question_under_the_table_shows_math_as_the_table_does(build: Build) -> None:
    """The full question under the table writes math as the table's cell does (`L' = L ∪ ...`),
    not as the deck's `$...$` source."""
    app = build()
    async with app.run_test(size=(110, 30)) as pilot:
        await ready(pilot)
        await pilot.press("slash")
        await pilot.pause()
        await type_text(pilot, "cid:speech/ctc:blank-role")
        await until(pilot, lambda: shown_ids(app) == ["speech/ctc:blank-role"])
        await pilot.press("enter")
        browser = app.screen
        assert isinstance(browser, BrowserScreen)
        shown = str(browser.query_one("#browser-question", Static).render())
        assert "blank symbol of L' = L ∪ {blank} let" in shown


async def test_below_80_columns_the_columns_that_do_not_fit_are_left_out(build: Build) -> None:
    """At 70 and 60 columns the interval, recall and lapses are left out, so that every column
    shown fits the screen (they fell off its right edge); at 80 they show, as before."""
    app = build()
    async with app.run_test(size=(80, 24)) as pilot:
        await ready(pilot)
        await pilot.press("slash")
        await until(pilot, lambda: len(shown_ids(app)) == 7)
        for width, shows in ((80, True), (70, False), (60, False)):
            await pilot.resize_terminal(width, 24)
            await until(pilot, lambda w=width: browser(app).size.width == w)
            await pilot.pause()
            table: DataTable[Any] = browser(app).query_one(DataTable)
            keys = [column.key.value for column in table.ordered_columns]
            assert ("lapses" in keys) is shows and ("interval" in keys) is shows
            assert {"deck", "question", "state", "due"} <= set(keys)
            # every column within the screen: their widths, two cells of padding each, the bar
            used = sum(c.get_render_width(table) for c in table.ordered_columns)
            assert used + 2 <= width


@pytest.mark.parametrize("width", [60, 80, 120])
async def test_the_key_bar_shows_how_to_open_help(build: Build, width: int) -> None:
    """The browser's bar never showed help, and at 60 columns its last keys were cut: help shows
    last, as `? Help` on the table and `f1 Help` in the query box, where `?` is text."""
    app = build()
    async with app.run_test(size=(width, 24)) as pilot:
        await ready(pilot)
        await pilot.press("slash")
        await until(pilot, lambda: screen_text(app).splitlines()[-1].endswith("f1 Help"))
        await pilot.press("enter")
        await until(pilot, lambda: screen_text(app).splitlines()[-1].endswith("? Help"))
        assert screen_text(app).splitlines()[-1].startswith(" esc Back")
