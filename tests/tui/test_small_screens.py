"""The TUI on small terminals (a split pane, a phone over SSH at 60x20) and without colour: what
a learner needs stays on screen and reads without colour."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest
from textual.pilot import Pilot
from tui_support import review_screen, screen_text, until

from quizzer.collection import Collection, load_decks
from quizzer.tui.app import QuizzerApp
from quizzer.tui.screens.deck_options import OptionsScreen
from quizzer.tui.screens.home import HomeScreen
from quizzer.tui.screens.review import ReviewScreen, Stage
from quizzer.tui.widgets.deck_tree import DeckTreeView
from quizzer.tui.widgets.options import OptionRow

Build = Callable[..., QuizzerApp]
LONG_CHOICE = """\
    title: Long
    questions:
      - id: norm
        type: choice
        prompt: Which normalization follows the depthwise convolution of a Conformer block?
        choices:
          - text: Batch normalization, applied over the channel dimension of the depthwise output
            correct: true
            feedback: Yes, batch norm follows the depthwise conv.
          - text: Layer normalization across the time dimension of every frame in the sequence
            feedback: Layer norm comes before the pointwise conv.
          - text: Group normalization with thirty-two groups as in vision backbones
          - text: No normalization at all, only a residual connection around the module
    """

LONG_TITLE = """\
    title: Deck {i} under a title too long for the tree
    questions:
      - {{id: q, type: basic, prompt: Question {i}?, answer: A}}
    """


async def home_ready(pilot: Pilot[Any]) -> HomeScreen:
    """The home screen, once its decks are loaded and its tree drawn."""
    app = pilot.app
    await until(pilot, lambda: isinstance(app.screen, HomeScreen) and app.screen.collection)
    await pilot.pause()
    assert isinstance(app.screen, HomeScreen)
    return app.screen


async def card_shown(pilot: Pilot[Any]) -> ReviewScreen:
    """The review screen, once it shows a card."""
    app = pilot.app
    await until(pilot, lambda: isinstance(app.screen, ReviewScreen) and app.screen.card)
    await pilot.pause()
    return review_screen(app)


async def test_choices_stay_whole_after_the_options_dialog(build: Build) -> None:
    """The options dialog's styles once made every choice of a later card one line high."""
    app = build(tag="choice")
    async with app.run_test(size=(60, 20)) as pilot:
        await home_ready(pilot)
        await pilot.press("down", "o")
        await until(pilot, lambda: isinstance(app.screen, OptionsScreen))
        await pilot.press("escape")
        await until(pilot, lambda: isinstance(app.screen, HomeScreen))
        await pilot.press("a")
        screen = await card_shown(pilot)
        text = " ".join(screen_text(app).split())
        assert "Outputs at different frames are conditionally independent" in text
        assert max(row.size.height for row in screen.query(OptionRow)) > 1


async def test_the_verdict_is_scrolled_into_view(
    write_deck: Callable[[str, str], Path], build: Build, collection: Collection
) -> None:
    """At 60x20 a choice card's marked options fill the card: the verdict under them was left
    below the fold (scrolled to before the answer was laid out)."""
    write_deck("lab/long", LONG_CHOICE)
    collection.tree = load_decks(collection.tree.root)
    app = build(start_session=True, decks=["lab/long"])
    async with app.run_test(size=(60, 20)) as pilot:
        screen = await card_shown(pilot)
        wrong = next(p for p, i in enumerate(screen.shown) if i != 0)
        await pilot.press(str(wrong + 1))
        await until(pilot, lambda: screen.stage is Stage.RATE)
        verdict = "✗ Wrong The answer is: Batch normalization, applied over the channel"
        verdict += " dimension of the depthwise output"
        await until(pilot, lambda: verdict in " ".join(screen_text(app).split()))


async def test_the_key_bar_keeps_help_and_the_way_out(build: Build) -> None:
    """At 60 columns the bar was cut at its end, where help, quit and home are."""
    app = build()
    async with app.run_test(size=(60, 20)) as pilot:
        await home_ready(pilot)
        await until(pilot, lambda: "q Quit" in screen_text(app).splitlines()[-1])
        assert "? Help" in screen_text(app).splitlines()[-1]
        await pilot.press("a")
        await card_shown(pilot)
        await until(pilot, lambda: "esc Home" in screen_text(app).splitlines()[-1])
        bar = screen_text(app).splitlines()[-1]
        assert "? Help" in bar and "⏎ Check" in bar and "…" not in bar


async def test_the_tree_cursor_shows_without_colour(
    build: Build, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Under NO_COLOR the selected deck was only a shade of grey apart from the others."""
    monkeypatch.setenv("NO_COLOR", "1")
    app = build()
    async with app.run_test(size=(80, 24)) as pilot:
        home = await home_ready(pilot)
        assert app.no_color
        tree = home.query_one(DeckTreeView)
        assert tree.get_component_rich_style("tree--cursor").reverse


@pytest.mark.parametrize("size", [(60, 20), (120, 40)], ids=["60x20", "120x40"])
async def test_help_wraps_a_description_under_itself(build: Build, size: tuple[int, int]) -> None:
    """A description longer than its column went on under the keys, at the box's left edge."""
    app = build()
    async with app.run_test(size=size) as pilot:
        await home_ready(pilot)
        await pilot.press("question_mark")
        await until(pilot, lambda: "deck options: limits" in screen_text(app))
        lines = screen_text(app).splitlines()
        row = next(i for i, line in enumerate(lines) if "deck options: limits" in line)
        column = lines[row].index("deck options: limits")
        assert "steps" not in lines[row]  # too long for its column at both sizes
        assert lines[row + 1][column:].startswith("steps")
        assert not lines[row + 1][:column].strip("│ ")


async def test_the_header_names_the_columns_over_them(
    write_deck: Callable[[str, str], Path], build: Build, collection: Collection
) -> None:
    """At 60 columns, with deck titles too long for the tree, the header was laid out for the
    tree's width before it had one (80) when the counts came first: too long for its line, it
    showed "Deck" alone, and stayed so once the tree had its width."""
    for i in range(3):
        write_deck(f"lab/deck{i}", LONG_TITLE.format(i=i))
    collection.tree = load_decks(collection.tree.root)
    app = build()
    async with app.run_test(size=(60, 20)) as pilot:
        home = await home_ready(pilot)
        tree = home.query_one(DeckTreeView)
        await until(pilot, lambda: tree.counts and tree.size.width)
        await pilot.pause()
        lines = screen_text(app).splitlines()
        header = next(line for line in lines if line.startswith(" Deck"))
        assert header.rstrip().endswith("New Learn   Due")
        row = next(line for line in lines if "Deck 0 under" in line)
        assert len(row.rstrip()) == len(header.rstrip())


async def test_unfolding_a_folder_keeps_the_due_column(
    write_deck: Callable[[str, str], Path], build: Build, collection: Collection
) -> None:
    """At 60x20 unfolding a folder of many decks brought the tree's scrollbar, which covered the
    Due column (and a sideways scrollbar came to reach it)."""
    for i in range(14):
        write_deck(f"lab/deck{i:02}", LONG_TITLE.format(i=i))
    collection.tree = load_decks(collection.tree.root)
    app = build()
    async with app.run_test(size=(60, 20)) as pilot:
        home = await home_ready(pilot)
        tree = home.query_one(DeckTreeView)
        await until(pilot, lambda: tree.counts and tree.size.width)
        lab = next(n for n in tree.root.children if n.data and n.data.id == "lab")
        tree.move_cursor(lab)
        await pilot.press("right")
        await until(pilot, lambda: tree.max_scroll_y > 0)
        await pilot.pause()
        assert tree.max_scroll_x == 0
        lines = screen_text(app).splitlines()
        due_end = next(line for line in lines if line.startswith(" Deck")).index("Due") + 3
        rows = [line for line in lines if "under a title" in line]
        assert len(rows) > 5
        assert all(line[:due_end].rstrip().endswith(" 0") for line in rows)


async def test_a_deck_path_too_long_for_the_top_line_ends_in_an_ellipsis(
    write_deck: Callable[[str, str], Path], build: Build, collection: Collection
) -> None:
    """At 60 columns a long deck title was cut at a word, with nothing to say it was cut."""
    write_deck("lab/deck0", LONG_TITLE.format(i=0))
    collection.tree = load_decks(collection.tree.root)
    app = build(start_session=True, decks=["lab/deck0"])
    async with app.run_test(size=(60, 20)) as pilot:
        await card_shown(pilot)
        top = screen_text(app).splitlines()[0]
        assert top.startswith(" lab › Deck 0 under a title") and "…" in top
        assert top.endswith("New 1  Learn 0  Due 0")


async def test_todays_figures_break_between_them_not_inside_one(build: Build) -> None:
    """At 60 columns the Today line wrapped inside its last figure: "· 0" ended the line and
    "later today" began the next."""
    app = build()
    async with app.run_test(size=(60, 20)) as pilot:
        await home_ready(pilot)
        await until(pilot, lambda: "later today" in screen_text(app))
        lines = screen_text(app).splitlines()
        assert lines[1] == " Today 0 answers  ·  left 6 new  0 learning  0 due"
        assert lines[2] == " 0 later today"
        await pilot.resize_terminal(80, 24)
        await until(pilot, lambda: "due  ·  0 later today" in screen_text(app).splitlines()[1])
