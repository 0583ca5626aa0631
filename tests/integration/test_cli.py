"""The command line that scripts and editors depend on."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest
from media_support import png_bytes

from quizzer.cli import build_parser, main
from tests.conftest import basic_deck

ROOT = Path(__file__).resolve().parents[2]
BROKEN = ROOT / "tests" / "fixtures" / "broken"


def run(*args: str, env: dict[str, str] | None = None) -> subprocess.CompletedProcess[str]:
    import os

    return subprocess.run(
        [sys.executable, "-m", "quizzer", *args],
        capture_output=True,
        text=True,
        env={**os.environ, **(env or {})},
        timeout=120,
    )


def out_json(capsys: pytest.CaptureFixture[str], *args: str) -> dict:
    assert main([*args]) == 0
    return json.loads(capsys.readouterr().out)


def test_lint_reports_every_broken_deck_on_one_located_line() -> None:
    result = run("lint", str(BROKEN))
    assert result.returncode == 1
    lines = result.stdout.splitlines()
    files = sorted(p.name for p in BROKEN.glob("*.yaml"))
    assert len(files) >= 30
    assert sorted({line.split(":")[0].rsplit("/", 1)[-1] for line in lines}) == files
    for line in lines:
        path, line_no, column, message = line.split(":", 3)
        assert path.endswith(".yaml") and int(line_no) >= 1 and int(column) >= 1
        assert message.strip()
    assert "Traceback" not in result.stdout + result.stderr


def test_lint_clean_decks_exit_zero(sample_tree: Path, decks_dir: Path) -> None:
    result = run("lint", str(decks_dir))
    assert result.returncode == 0, result.stdout
    assert all(": warning: " in line for line in result.stdout.splitlines())
    assert "1 deck, 6 questions: no problems" in result.stderr
    assert run("lint", str(sample_tree)).returncode == 0


def test_lint_counts_agree_with_their_nouns(tmp_path: Path) -> None:
    (tmp_path / "one.yaml").write_text(basic_deck(1), encoding="utf-8")
    result = run("lint", str(tmp_path))
    assert result.returncode == 0, result.stdout + result.stderr
    assert "1 deck, 1 question: no problems" in result.stderr


LETDOWNS = """\
title: Letdowns
questions:
  - id: no-feedback
    type: choice
    prompt: Which?
    explanation: Because.
    source: A book
    choices:
      - {text: right, correct: true}
      - {text: wrong}
      - {text: explained, feedback: Not this.}
  - id: bare
    type: basic
    prompt: "Zero\\u200bwidth"
    answer: yes it is
  - id: vocoder
    type: typed
    prompt: Which vocoder?
    answers: [HiFi-GAN]
    explanation: Because.
    source: A paper
  - id: generator
    type: typed
    prompt: Which generator?
    answers: [HiFi GAN vocoder, MelGAN]
    explanation: Because.
    source: A paper
"""


def test_lint_warns_about_what_lets_a_learner_down(tmp_path: Path) -> None:
    deck = tmp_path / "letdowns.yaml"
    deck.write_text(LETDOWNS, encoding="utf-8")
    result = run("lint", str(deck))
    assert result.returncode == 0, result.stderr
    assert result.stdout.splitlines() == [
        f"{deck}:10:9: warning: wrong choice 'wrong' of 'no-feedback' has no feedback saying why "
        "it is wrong",
        f"{deck}:12:5: warning: question 'bare' has no explanation",
        f"{deck}:12:5: warning: question 'bare' has no source",
        f"{deck}:14:13: warning: control character U+200B in text",
        f"{deck}:25:15: warning: answer 'HiFi GAN vocoder' of 'generator' is also accepted by "
        "'vocoder'",
    ]
    assert "no problems, 5 warnings" in result.stderr
    strict = run("lint", "--strict", str(deck))
    assert strict.returncode == 1
    assert "0 problems found, 5 warnings" in strict.stderr


DOLLARS = """\
title: Dollars
questions:
  - id: formula
    type: cloze
    text: 'The mel scale is $m = $ {{c1::2595}} $\\log_{10}(1 + f / 700)$.'
    explanation: 'It cost $5 and then $6.'
    source: A book
  - id: hidden
    type: cloze
    text: 'It is $\\log_{10}(1 + f /$ {{c1::700}}$)$.'
    explanation: Only with the answer shown.
    source: A book
  - id: fine
    type: cloze
    text: 'It is $m =$ {{c1::2595}} $\\log_{10}(1 + f/700)$, about $5 a month, or \\$6 and \\$7.'
    explanation: Written right.
    source: A book
"""


def test_lint_warns_about_dollar_signs_that_show(tmp_path: Path) -> None:
    deck = tmp_path / "dollars.yaml"
    deck.write_text(DOLLARS, encoding="utf-8")
    result = run("lint", str(deck))
    assert result.returncode == 0, result.stderr
    flagged = [line.split(":")[1] for line in result.stdout.splitlines() if "'$'" in line]
    assert flagged == ["5", "6", "10"]
    assert "no problems, 3 warnings" in result.stderr


def test_lint_warns_about_a_figure_whose_path_is_not_read(tmp_path: Path) -> None:
    """A path with a space, not between '<' and '>', is no figure in Markdown: the learner
    would see the text as written, and lint says so; between '<' and '>' it is a figure, and in
    code it is text meant as text."""
    deck = tmp_path / "figures.yaml"
    (tmp_path / "img").mkdir()
    (tmp_path / "img" / "red dot.png").write_bytes(png_bytes())
    deck.write_text(
        "title: Figures\nquestions:\n"
        "  - {id: spaced, type: basic, prompt: 'Hello ![dot](img/red dot.png)', answer: A,"
        " explanation: E, source: S}\n"
        "  - {id: bracketed, type: basic, prompt: 'Hello ![dot](<img/red dot.png>)', answer: A,"
        " explanation: E, source: S}\n"
        "  - {id: code, type: basic, prompt: 'Markdown: `![dot](img/red dot.png)`', answer: A,"
        " explanation: E, source: S}\n",
        encoding="utf-8",
    )
    result = run("lint", str(deck))
    assert result.returncode == 0, result.stderr
    assert result.stdout.splitlines() == [
        f"{deck}:3:39: warning: '![dot](img/red dot.png)' is not read as a figure or clip: a path "
        "with spaces goes between '<' and '>', as in ![alt](<my figure.png>)"
    ]


def test_lint_unreadable_input_exits_two(tmp_path: Path) -> None:
    result = run("lint", str(tmp_path / "missing"))
    assert result.returncode == 2
    assert result.stderr.strip().count("\n") == 0 and "no such file" in result.stderr


def test_cram_and_review_ahead_are_not_given_together(capsys) -> None:
    assert main(["review", "--cram", "--ahead", "3"]) == 2
    err = capsys.readouterr().err
    assert (
        err.startswith("quizzer: error: --cram and --ahead do not go together")
        and err.count("\n") == 1
    )


def test_bad_usage_exits_two_with_one_line() -> None:
    for argv, message in (
        (("frobnicate",), "quizzer: error: argument COMMAND: invalid choice: 'frobnicate'"),
        (("answer",), "quizzer answer: error: the following arguments are required: CARD_ID"),
        (("cards", "--sort", "bogus"), "quizzer cards: error: argument --sort: invalid choice"),
        (("due", "--deck"), "quizzer due: error: argument --deck: expected one argument"),
        (("due", "--bogus"), "quizzer due: error: unrecognized arguments: --bogus"),
        (("--bogus",), "quizzer: error: unrecognized arguments: --bogus"),
    ):
        result = run(*argv)
        assert result.returncode == 2 and result.stdout == ""
        assert result.stderr.startswith(message) and result.stderr.count("\n") == 1
        assert result.stderr.endswith(f"(see '{message.split(':')[0]} --help')\n")


def test_schema_is_json_schema_with_field_docs(capsys: pytest.CaptureFixture[str]) -> None:
    schema = out_json(capsys, "schema")
    assert schema["$schema"].startswith("https://json-schema.org/")
    basic = schema["$defs"]["Basic"]
    assert "reverse" in basic["properties"]
    assert "second card" in basic["properties"]["reverse"]["description"]
    assert basic["additionalProperties"] is False
    # fields declared on a base class, and the deck's own fields at the top of the schema
    assert "unique in the deck" in basic["properties"]["id"]["description"]
    assert "primary sources" in schema["properties"]["sources"]["description"]
    assert "right option" in schema["$defs"]["Choice"]["properties"]["correct"]["description"]


def test_new_creates_a_lint_clean_deck_and_refuses_to_overwrite(decks_dir: Path, capsys) -> None:
    assert main(["new", "asr/my-topic"]) == 0
    path = decks_dir / "asr" / "my-topic.yaml"
    text = path.read_text()
    assert "title: My Topic" in text and "# cloze" in text
    assert main(["lint", str(path)]) == 0
    assert main(["new", "asr/my-topic"]) == 2
    assert "already exists" in capsys.readouterr().err
    assert main(["new", "Bad Name"]) == 2
    capsys.readouterr()
    assert main(["new", "asr/"]) == 2  # the deck's name forgotten: not a deck called `asr`
    assert capsys.readouterr().err == (
        "quizzer: error: 'asr/' names a folder: add the deck's name, like asr/my-topic\n"
    )
    assert sorted(p.name for p in decks_dir.iterdir()) == ["asr"]


@pytest.mark.parametrize(
    ("deck_id", "title", "tag"),
    [
        ("languages/no", "No", "languages"),
        ("no/grammar", "Grammar", "no"),
        ("null", "Null", "null"),
        ("true/on", "On", "true"),
        ("off/yes", "Yes", "off"),
        ("2024/007", "007", "2024"),
        ("1e3/0x1f", "0X1F", "1e3"),
        ("y/n", "N", "y"),
    ],
)
def test_new_decks_of_any_accepted_name_lint_clean(
    decks_dir: Path, deck_id: str, title: str, tag: str
) -> None:
    """A name YAML would read as a boolean, null or number is written so that it reads back as
    the name: the deck lints clean and has the title and tag the name gives."""
    from quizzer.decks.loader import LoadedDeck, load_file

    assert main(["new", deck_id]) == 0
    path = decks_dir / f"{deck_id}.yaml"
    assert main(["lint", str(path)]) == 0
    loaded = load_file(path, deck_id)
    assert isinstance(loaded, LoadedDeck), loaded
    assert (loaded.deck.title, loaded.deck.tags) == (title, [tag])


def test_new_does_not_replace_a_bundled_deck_unasked(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    """Without --decks, a deck of the learner's with a bundled deck's id replaces it: `new`
    says so and writes nothing unless asked; its suggestions carry the --data-dir it ran with."""
    monkeypatch.delenv("QUIZZER_DECKS")
    monkeypatch.delenv("QUIZZER_HOME")
    home = tmp_path / "elsewhere"
    assert main(["--data-dir", str(home), "new", "asr/ctc"]) == 2
    err = capsys.readouterr().err
    assert "asr/ctc is a bundled deck" in err and "--replace" in err
    assert not (home / "decks" / "asr" / "ctc.yaml").exists()
    assert main(["--data-dir", str(home), "new", "asr/ctc", "--replace"]) == 0
    assert (home / "decks" / "asr" / "ctc.yaml").exists()
    out = capsys.readouterr().out
    assert f"'quizzer --data-dir {home.resolve()} review asr/ctc'" in out
    # lint checks both files, and says which one is studied
    assert main(["--data-dir", str(home), "lint"]) == 0
    err = capsys.readouterr().err
    mine = (home / "decks").resolve()
    assert f"quizzer: note: asr/ctc in {mine} replaces the one in " in err


def test_decks_json_counts(sample_tree: Path, capsys) -> None:
    data = out_json(capsys, "decks", "--json")
    assert data["decks"] == [
        {
            "id": "demo/sample",
            "title": "Sample",
            "folder": "demo",
            "questions": 6,
            "cards": 9,
            "types": {"basic": 1, "choice": 1, "cloze": 1, "numeric": 1, "order": 1, "typed": 1},
            "origin": str(sample_tree.parents[1]),
            "path": str(sample_tree),
        }
    ]
    assert data["folders"] == {"demo": {"decks": 1, "questions": 6, "cards": 9}}
    assert data["total"] == {"decks": 1, "questions": 6, "cards": 9}


def test_due_next_answer_undo_for_scripts(sample_tree: Path, capsys) -> None:
    due = out_json(capsys, "due", "--json")
    # nine new cards from six questions: answering one side buries its siblings for the day,
    # so six are served today
    assert due["total"] == {"new": 6, "learning": 0, "review": 0, "total": 6, "later_today": 0}
    card = out_json(capsys, "next", "--json")
    assert card["card_id"] == "demo/sample:basic-q"
    assert card["intervals"]["again"] == "1m"
    done = out_json(capsys, "answer", card["card_id"], "good", "--json")
    assert done["state"] == "learning" and done["interval"] == "10m"
    assert done["due"] == "2026-03-02T09:10:00Z"
    undone = out_json(capsys, "undo", "--json")
    assert undone["undone"]["card_id"] == card["card_id"]
    assert undone["state"] == "new"
    # the rating may also come as an option, a word or a number
    again = out_json(capsys, "answer", card["card_id"], "--rating", "easy", "--json")
    assert again["rating"] == "easy" and again["state"] == "review"


def test_options_may_come_between_a_commands_words(sample_tree: Path, capsys) -> None:
    # a script writes `answer ID --json good`; the rating after an option was refused
    done = out_json(capsys, "answer", "demo/sample:basic-q", "--json", "good")
    assert done["rating"] == "good" and done["state"] == "learning"
    assert out_json(capsys, "undo", "--json")["state"] == "new"
    done = out_json(capsys, "answer", "--json", "demo/sample:basic-q", "easy")
    assert done["rating"] == "easy" and done["state"] == "review"
    assert out_json(capsys, "stats", "--json", "demo")["scope"]["decks"] == ["demo/sample"]
    assert main(["answer", "demo/sample:basic-q", "--json", "good", "extra"]) == 2
    assert "unrecognized arguments: extra" in capsys.readouterr().err


def test_due_text_shows_the_learning_cards_due_later_today(
    sample_tree: Path, isolated: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    """A deck whose only card left falls due in an hour is a row of zeros but for `later`."""
    (isolated / "home").mkdir(exist_ok=True)
    (isolated / "home" / "config.toml").write_text("learning_steps = [60, 120]\n")
    assert main(["answer", "demo/sample:basic-q", "again"]) == 0
    capsys.readouterr()
    assert main(["due"]) == 0
    lines = capsys.readouterr().out.splitlines()
    assert lines[0].split() == ["deck", "new", "learn", "due", "later"]
    assert lines[-1].split() == ["total", "5", "0", "0", "1"]


def test_next_as_text_ends_with_the_counts_left(
    sample_tree: Path, isolated: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    """The counts `next --json` gives are in its text too, as `due` shows them; when nothing is
    due now, the line says how many learning cards fall due later today."""
    assert main(["next"]) == 0
    lines = capsys.readouterr().out.splitlines()
    assert lines[0] == "[demo/sample] demo/sample:basic-q (basic)"
    assert lines[-1] == "left now: 6 new, 0 learning, 0 review (this card included)"
    (isolated / "home" / "config.toml").write_text("learning_steps = [60, 120]\nnew_per_day = 1\n")
    assert main(["answer", "demo/sample:basic-q", "good"]) == 0  # next step in 2 hours
    capsys.readouterr()
    assert main(["next"]) == 0
    assert (
        capsys.readouterr().out == "nothing is due; next card at 2026-03-02 10:40 (1 later today)\n"
    )


def test_an_unknown_time_zone_names_the_file_and_the_key(
    sample_tree: Path, isolated: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    config = isolated / "home" / "config.toml"
    config.parent.mkdir(exist_ok=True)
    config.write_text('timezone = "Europe/paris"\n')
    for argv in (["due"], ["next"], ["check"], ["stats"]):
        assert main(argv) == 2
        err = capsys.readouterr().err
        assert err.startswith(f"quizzer: error: {config}: timezone: ")
        assert err.endswith("(got 'Europe/paris')\n") and err.count("\n") == 1


def test_a_misspelt_deck_or_tag_is_named(sample_tree: Path, capsys) -> None:
    """A deck: or tag: term that matches no deck or tag warns, naming what it is spelt most
    like (the search still runs: it finds nothing there); a --tag no card carries is an error,
    as an unknown --deck is."""
    assert main(["cards", "deck:demoo", "--json"]) == 0
    captured = capsys.readouterr()
    assert json.loads(captured.out) == []
    demoo = "quizzer: warning: no deck or folder matches deck:demoo; did you mean deck:demo?\n"
    assert captured.err == demoo
    assert main(["cards", "deck:demo", "tag:SAMPLE", "tag:sam*"]) == 0
    assert "warning" not in capsys.readouterr().err
    for command in (["stats", "--json"], ["due"], ["next"]):  # every command with --query
        assert main([*command, "--query", "deck:demoo or tag:sample"]) == 0
        assert capsys.readouterr().err == demoo
    assert main(["cards", "tag:sampel", "or", "tag:zzz*", "--json"]) == 0
    assert capsys.readouterr().err == (
        "quizzer: warning: no card has a tag matching tag:sampel; did you mean tag:sample?\n"
        "quizzer: warning: no card has a tag matching tag:zzz*\n"
    )
    assert main(["next", "--tag", "nosuchtag"]) == 2
    assert capsys.readouterr().err == "quizzer: error: no card has the tag 'nosuchtag'\n"
    assert main(["next", "--tag", "sampel"]) == 2
    err = capsys.readouterr().err
    assert err == "quizzer: error: no card has the tag 'sampel'; did you mean 'sample'?\n"


def test_a_negated_term_can_be_its_own_argument(sample_tree: Path, capsys) -> None:
    assert main(["answer", "demo/sample:basic-q", "good"]) == 0
    capsys.readouterr()
    answered = ["demo/sample:basic-q"]
    for argv in (
        ["cards", "-is:new", "--json"],
        ["cards", "--json", "-is:new"],
        ["cards", "--json", "--", "-is:new"],
        ["cards", "--json", "-type:choice", "-is:new"],
    ):
        assert [c["card_id"] for c in out_json(capsys, *argv)] == answered, argv
    assert out_json(capsys, "next", "--query", "-is:new", "--json")["card_id"] == answered[0]
    assert out_json(capsys, "due", "--query", "-is:new", "--json")["total"]["learning"] == 1
    args = build_parser().parse_args(["review", "--query", "-is:new", "--cram"])
    assert (args.query, args.cram) == ("-is:new", True)
    assert main(["due", "--query", "--json"]) == 2  # an option is never taken for a term
    assert "--query: expected one argument" in capsys.readouterr().err
    assert main(["next", "-is:new"]) == 2
    err = capsys.readouterr().err
    assert "unrecognized arguments: -is:new; a search term that starts with '-' goes in " in err
    assert "--query: --query=-is:new" in err and err.count("\n") == 1


def test_tag_option_ignores_case_as_the_tag_search_term_does(write_deck, capsys) -> None:
    """`--tag ml` studies the cards of `tags: [ML]` (a deck's or a question's), which
    `cards tag:ml` finds; cards without the tag stay out."""
    write_deck(
        "a/tagged",
        "title: A\ntags: [ML]\nquestions:\n  - {id: q, type: basic, prompt: P, answer: A}\n",
    )
    write_deck(
        "b/mixed",
        "title: B\nquestions:\n  - {id: r, type: basic, prompt: P, answer: A, tags: [Speech]}\n"
        "  - {id: s, type: basic, prompt: P, answer: A}\n",
    )
    cards = out_json(capsys, "cards", "tag:ml", "--json")
    assert [c["card_id"] for c in cards] == ["a/tagged:q"]
    assert out_json(capsys, "due", "--tag", "ml", "--json")["total"]["new"] == 1
    assert out_json(capsys, "next", "--tag", "ml", "--json")["card_id"] == "a/tagged:q"
    assert out_json(capsys, "due", "--tag", "SPEECH", "--json")["total"]["new"] == 1
    assert out_json(capsys, "next", "--tag", "speech", "--json")["card_id"] == "b/mixed:r"


NOTED = """\
title: Noted
questions:
  - id: pick
    type: choice
    prompt: Which is even?
    explanation: Two divides it.
    source: Arithmetic, chapter 1
    choices:
      - {text: '2', correct: true, feedback: Two is 2 times 1.}
      - {text: '3', feedback: Odd.}
      - {text: '5'}
  - {id: plain, type: basic, prompt: P, answer: A, explanation: Because., source: A book}
"""


def test_next_and_answer_json_give_what_is_shown_after_answering(
    write_deck, capsys, monkeypatch: pytest.MonkeyPatch
) -> None:
    """`next --json` gives the explanation, the source and each option's feedback;
    `answer --json` what the card shows once answered, options numbered as `next` showed them,
    whether it loads the decks or answers from the card index."""
    write_deck("n/noted", NOTED)
    card = out_json(capsys, "next", "--json")
    assert card["card_id"] == "n/noted:pick"
    assert (card["explanation"], card["source"]) == ("Two divides it.", "Arithmetic, chapter 1")
    feedback = {"2": "Two is 2 times 1.", "3": "Odd.", "5": None}
    assert [(c["text"], c["feedback"]) for c in card["choices"]] == [
        (c["text"], feedback[c["text"]]) for c in card["choices"]
    ]
    number = next(c["number"] for c in card["choices"] if c["text"] == "3")
    done = out_json(capsys, "answer", "n/noted:pick", "--response", str(number), "--json")
    assert done["verdict"] == "incorrect" and done["explanation"] == "Two divides it."
    assert done["source"] == "Arithmetic, chapter 1"
    assert done["choices"] == [
        {**c, "correct": c["text"] == "2", "feedback": feedback[c["text"]]} for c in card["choices"]
    ]
    with monkeypatch.context() as full:
        full.setenv("QUIZZER_NO_CACHE", "1")
        plain = out_json(capsys, "answer", "n/noted:plain", "good", "--json")
    assert (plain["explanation"], plain["source"]) == ("Because.", "A book")
    assert "choices" not in plain and plain["rating"] == "good"
    import quizzer.commands.answer as command

    assert main(["due"]) == 0  # writes the card index
    capsys.readouterr()
    monkeypatch.setattr(command, "collection_for", None)  # the decks are not loaded
    again = out_json(capsys, "answer", "n/noted:plain", "again", "--json")
    assert (again["explanation"], again["source"]) == ("Because.", "A book")


def test_answer_with_response_is_graded(sample_tree: Path, capsys) -> None:
    shown = out_json(capsys, "next", "--deck", "demo/sample", "--json")
    assert shown["type"] == "basic"
    result = out_json(
        capsys, "answer", "demo/sample:numeric-q", "--response", "680k hours", "--json"
    )
    assert (result["verdict"], result["rating"]) == ("correct", "good")
    result = out_json(capsys, "answer", "demo/sample:typed-q", "--response", "RNN-T", "--json")
    assert (result["verdict"], result["rating"], result["expected"]) == (
        "incorrect",
        "again",
        "CTC",
    )


def test_choice_response_uses_the_numbers_shown_by_next(
    sample_tree: Path, capsys, monkeypatch
) -> None:
    from quizzer.collection import open_collection

    session = open_collection().session()
    card = session.card("demo/sample:choice-q")
    order = session.shown_order(card)
    right = [str(i + 1) for i, j in enumerate(order) if j in (0, 2)]  # "2" and "4" are even
    result = out_json(capsys, "answer", card.id, "--response", ",".join(right), "--json")
    assert result["verdict"] == "correct"


@pytest.mark.parametrize(
    ("typed", "meant"),
    [
        (
            "demo/sample:cloze-q",
            "demo/sample:cloze-q#c1 or demo/sample:cloze-q#c2 or demo/sample:cloze-q#c3",
        ),
        ("demo/sample:basic", "demo/sample:basic-q"),
        ("demo/sampel:typed-q", "demo/sample:typed-q"),
    ],
)
@pytest.mark.parametrize("command", ["answer", "suspend", "forget"])
def test_a_card_id_typed_slightly_wrong_names_the_one_meant(
    sample_tree: Path, capsys: pytest.CaptureFixture[str], command: str, typed: str, meant: str
) -> None:
    """A cloze or reversed question's id without its `#c1` or `#reverse`, a typo: the error
    names the card ids meant, whichever command (and `answer` from the card index too)."""
    for _ in range(2):  # the first run loads the decks, the second answers from the index
        argv = [command, typed] + (["good"] if command == "answer" else [])
        assert main(argv) == 2
        err = capsys.readouterr().err
        assert err == (
            f"quizzer: error: unknown card id {typed!r}; did you mean {meant}? "
            "('quizzer cards' lists the ids)\n"
        )


def test_errors_are_one_line_and_exit_two(sample_tree: Path, capsys) -> None:
    assert main(["answer", "demo/sample:nope", "good"]) == 2
    assert capsys.readouterr().err == (
        "quizzer: error: unknown card id 'demo/sample:nope' ('quizzer cards' lists the ids)\n"
    )
    assert main(["answer", "demo/sample:basic-q", "great"]) == 2
    assert "unknown rating 'great'" in capsys.readouterr().err
    assert main(["answer", "demo/sample:choice-q", "--response", "9"]) == 2
    assert "between 1 and 3" in capsys.readouterr().err
    for empty in (
        "",
        " , ",
    ):  # a script that sent nothing says so, not that 0 numbers are out of range
        assert main(["answer", "demo/sample:choice-q", "--response", empty]) == 2
        assert capsys.readouterr().err == (
            "quizzer: error: type the numbers of the options, 1 to 3, like '1,3'\n"
        )
    assert main(["answer", "demo/sample:basic-q", "--response", "Paris"]) == 2


def test_undo_with_nothing_to_undo_says_so_and_exits_one(sample_tree: Path, capsys) -> None:
    assert main(["undo"]) == 1
    assert capsys.readouterr() == ("nothing to undo\n", "")
    assert main(["undo", "--json"]) == 1
    assert json.loads(capsys.readouterr().out) == {"undone": None, "message": "nothing to undo"}


def test_undo_says_that_synced_answers_are_undone_where_they_were_made(
    sample_tree: Path, tmp_path: Path, capsys
) -> None:
    here, other, folder = os.environ["QUIZZER_HOME"], tmp_path / "other", tmp_path / "sync"
    folder.mkdir()
    assert main(["--data-dir", str(other), "answer", "demo/sample:basic-q", "good"]) == 0
    assert main(["--data-dir", str(other), "sync", str(folder)]) == 0
    assert main(["--data-dir", here, "sync", str(folder)]) == 0
    capsys.readouterr()
    assert main(["--data-dir", here, "undo"]) == 1
    out, err = capsys.readouterr()
    assert out == "nothing to undo\n"
    assert "synced here from another device are undone there" in err
    assert main(["--data-dir", str(other), "undo"]) == 0  # where it was made


def test_quizzer_now_moves_time(sample_tree: Path, capsys, monkeypatch) -> None:
    out_json(capsys, "answer", "demo/sample:basic-q", "easy", "--json")
    monkeypatch.setenv("QUIZZER_NOW", "2026-03-02T09:00:01Z")
    assert out_json(capsys, "due", "--json")["total"]["review"] == 0
    monkeypatch.setenv("QUIZZER_NOW", "2026-06-30T09:00:00Z")
    assert out_json(capsys, "due", "--json")["total"]["review"] == 1
    monkeypatch.setenv("QUIZZER_NOW", "not a time")
    assert main(["due"]) == 2


def test_nothing_due_says_when_next(write_deck, capsys, monkeypatch) -> None:
    write_deck("d", "title: T\nquestions:\n  - {id: a, type: basic, prompt: P, answer: A}\n")
    out_json(capsys, "answer", "d:a", "easy", "--json")
    data = out_json(capsys, "next", "--json")
    assert data["card_id"] is None
    assert data["message"].startswith("nothing is due")
    assert data["next_due"].startswith("2026-03")
    zero = {"new": 0, "learning": 0, "review": 0, "total": 0, "later_today": 0}
    assert data["counts"] == zero  # as when a card is served, for scripts that read it


def test_nothing_due_now_still_counts_later_today(write_deck, capsys, monkeypatch) -> None:
    """A learning step due past the learn-ahead but before the day ends: `next --json` says
    nothing is due now and counts the card in `later_today`, as `due` does."""
    write_deck("d", "title: T\nquestions:\n  - {id: a, type: basic, prompt: P, answer: A}\n")
    home = Path(os.environ["QUIZZER_HOME"])
    home.mkdir(parents=True, exist_ok=True)
    (home / "config.toml").write_text("learning_steps = [60, 120]\n")
    out_json(capsys, "answer", "d:a", "good", "--json")  # next step in 2 hours
    data = out_json(capsys, "next", "--json")
    assert data["card_id"] is None
    assert (
        data["counts"]["later_today"]
        == out_json(capsys, "due", "--json")["total"]["later_today"]
        == 1
    )


def test_due_counts_what_next_serves_on_the_cards_asked_for(write_deck, capsys) -> None:
    def deck(n: int, tags: str = "") -> str:
        questions = "".join(
            f"  - {{id: q{i}, type: basic, prompt: P{i}, answer: A{i}{tags}}}\n" for i in range(n)
        )
        return f"title: T\nquestions:\n{questions}"

    write_deck("a/one", deck(3))
    write_deck("a/two", deck(4, ", tags: [loss]"))
    write_deck("b/three", deck(5))
    out_json(capsys, "answer", "a/one:q0", "good", "--json")
    for options in (["--deck", "a"], ["--deck", "a/two", "--deck", "b"], ["--tag", "loss"]):
        due = out_json(capsys, "due", "--json", *options)
        served = out_json(capsys, "next", "--json", *options)["counts"]
        assert due["total"] == served, options
        assert set(due["decks"]) <= {"a/one", "a/two", "b/three"}
    assert set(out_json(capsys, "due", "--json", "--deck", "a")["decks"]) == {"a/one", "a/two"}
    assert out_json(capsys, "due", "--json", "--tag", "loss")["total"]["new"] == 4
    assert out_json(capsys, "due", "--json", "--query", "deck:b")["total"]["new"] == 5
    assert out_json(capsys, "due", "--json")["total"]["learning"] == 1  # everything, as before
    assert main(["due", "--deck", "c"]) == 2
    assert capsys.readouterr().err == (
        "quizzer: error: no deck or folder 'c' ('quizzer decks' lists them)\n"
    )


@pytest.mark.parametrize(
    "command",
    [
        ["due", "--deck"],
        ["next", "--deck"],
        ["stats"],
        ["export", "anki"],
        ["options"],
        ["extend", "--new", "1"],
    ],
)
def test_a_misspelt_deck_or_folder_names_the_one_meant(
    write_deck, capsys: pytest.CaptureFixture[str], command: list[str]
) -> None:
    write_deck("speech/recognition", basic_deck(2))
    write_deck("speech/vits", basic_deck(2))
    for typed, meant in (("speech/vit", "speech/vits"), ("speach", "speech")):
        argv = [*command, typed] if command[-1] != "1" else [command[0], typed, *command[1:]]
        assert main(argv) == 2
        assert capsys.readouterr().err == (
            f"quizzer: error: no deck or folder {typed!r}; did you mean {meant!r}? "
            "('quizzer decks' lists them)\n"
        )


def test_suspend_unsuspend_and_orphans(sample_tree: Path, capsys) -> None:
    assert main(["suspend", "demo/sample:typed-q"]) == 0
    assert capsys.readouterr().out == "suspended demo/sample:typed-q\n"
    assert out_json(capsys, "due", "--json")["total"]["new"] == 5  # six questions, one suspended
    assert main(["unsuspend", "demo/sample:typed-q"]) == 0
    capsys.readouterr()
    assert out_json(capsys, "due", "--json")["total"]["new"] == 6
    assert out_json(capsys, "orphans", "--json") == {"orphans": []}
    assert main(["rebuild"]) == 0


def test_what_would_change_nothing_records_nothing(sample_tree: Path, capsys) -> None:
    """Suspending a suspended card, unsuspending one that is not, burying one buried today and
    forgetting a new card write no event: `undo` then takes back the last real change."""
    card = "demo/sample:typed-q"
    for command, out in (
        ("unsuspend", f"{card} is not suspended: nothing to do"),
        ("suspend", f"suspended {card}"),
        ("suspend", f"{card} is already suspended: nothing to do"),
        ("bury", f"buried {card}"),
        ("bury", f"{card} is already buried until the next study day: nothing to do"),
    ):
        assert main([command, card]) == 0
        assert capsys.readouterr().out == out + "\n"
    assert main(["forget", "demo/sample:basic-q"]) == 0
    out = "demo/sample:basic-q is new and was never reviewed: nothing to do\n"
    assert capsys.readouterr().out == out
    from quizzer.collection import open_collection

    col = open_collection()
    assert [e.kind for e in col.store.events()] == ["suspend", "bury"]
    col.close()
    assert main(["undo"]) == 0 and "undid bury" in capsys.readouterr().out
    assert main(["undo"]) == 0 and "undid suspend" in capsys.readouterr().out
    assert main(["undo"]) == 1


def test_data_dir_and_decks_options(sample_tree: Path, tmp_path: Path, capsys, monkeypatch) -> None:
    decks = tmp_path / "decks"
    monkeypatch.delenv("QUIZZER_DECKS")
    monkeypatch.delenv("QUIZZER_HOME")
    data = out_json(
        capsys, "due", "--json", "--decks", str(decks), "--data-dir", str(tmp_path / "elsewhere")
    )
    assert data["total"]["new"] == 6  # one card per question today
    assert (tmp_path / "elsewhere" / "quizzer.sqlite3").exists()


def test_every_command_has_help_and_is_documented() -> None:
    parser = build_parser()
    sub = next(a for a in parser._actions if a.dest == "command")
    docs = (ROOT / "README.md").read_text() + "".join(
        p.read_text() for p in (ROOT / "docs").glob("*.md")
    )
    for name, command in sub.choices.items():  # type: ignore[union-attr]
        assert command.description, name
        assert f"quizzer {name}" in docs, f"'quizzer {name}' is not documented"


@pytest.mark.parametrize("argv", [[], ["review"], ["review", "demo"]])
def test_without_a_terminal_the_tui_refuses_at_once(sample_tree: Path, argv: list[str]) -> None:
    import os

    result = subprocess.run(
        [sys.executable, "-m", "quizzer", *argv],
        stdin=subprocess.DEVNULL,
        capture_output=True,
        text=True,
        env=os.environ.copy(),
        timeout=60,
    )
    assert result.returncode == 2
    lines = result.stderr.splitlines()
    assert len(lines) == 1 and "quizzer next" in lines[0] and "quizzer answer" in lines[0]
    assert result.stdout == ""


def test_decks_and_optimize_count_one_as_one(
    write_deck, capsys: pytest.CaptureFixture[str]
) -> None:
    """`1 card`, `1 review of 1 card`; a title too long for its column ends in an ellipsis
    rather than mid-word, and the columns after it stay in line."""
    write_deck("a/one", "title: One\nquestions:\n  - {id: q, type: basic, prompt: P, answer: A}\n")
    long = "Waveform versus spectral features for speech"
    write_deck("a/two", f"title: {long}\n" + basic_deck(2).split("\n", 1)[1])
    assert main(["decks"]) == 0
    lines = capsys.readouterr().out.splitlines()
    assert lines[0] == "a/  2 decks, 3 questions, 3 cards"
    one, two = lines[1], lines[2]
    assert "   1 q    1 card   (1 basic)" in one
    assert "Waveform versus spectral fe…    2 q    2 cards  (2 basic)" in two
    assert one.index(" q ") == two.index(" q ")
    assert lines[-1] == "total: 2 decks, 3 questions, 3 cards"
    assert main(["answer", "a/one:q", "good"]) == 0
    capsys.readouterr()
    assert main(["optimize"]) == 0
    assert capsys.readouterr().out.startswith("1 review of 1 card; 0 made a day or more")


def test_check_and_rebuild_say_what_runs_on_a_terminal_only(
    sample_tree: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    import pty

    from quizzer.check import check_store
    from quizzer.clock import local_zone
    from quizzer.config import load_settings
    from quizzer.store.db import Store

    assert main(["answer", "demo/sample:basic-q", "good"]) == 0
    settings = load_settings()
    stages: list[str] = []
    with Store(create=False) as store:
        assert check_store(store, settings, local_zone(settings.timezone), stages.append).ok
    assert stages == [
        "checking the database's integrity",
        "replaying the log",
        "recomputing the statistics totals",
    ]
    assert main(["check"]) == 0 and main(["rebuild"]) == 0
    assert capsys.readouterr().err == ""  # piped: the result lines alone
    for command in ("check", "rebuild"):
        leader, follower = pty.openpty()
        try:
            done = subprocess.run(
                [sys.executable, "-m", "quizzer", command],
                stdout=subprocess.PIPE,
                stderr=follower,
                text=True,
                env=dict(os.environ),
                timeout=120,
            )
            os.close(follower)
            seen = b""
            while True:
                try:
                    chunk = os.read(leader, 4096)
                except OSError:  # the terminal's other end is closed: all was read
                    break
                if not chunk:
                    break
                seen += chunk
        finally:
            os.close(leader)
        assert done.returncode == 0, done.stdout
        # on a terminal, the spinner's line (its stage and the seconds, every tenth of a second
        # while it runs) is cleared at the end, and the result line is printed as when piped
        assert seen.decode().endswith("\r\x1b[K"), seen
        assert done.stdout.startswith(("replayed the log", str(Path(os.environ["QUIZZER_HOME"]))))
