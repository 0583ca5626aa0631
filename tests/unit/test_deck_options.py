"""Deck options and fitted parameters: the value in force and where it comes from, and edits of
config.toml that keep every comment and the layout outside the keys changed."""

from __future__ import annotations

import tomllib
from pathlib import Path

import pytest

from quizzer.config import ConfigError, Settings, load_settings, validate_settings
from quizzer.config_edit import (
    edit_options,
    options_for,
    parse_value,
    save_options,
    save_parameters,
)

COMMENTED = """\
# quizzer settings, kept by hand
new_per_day = 12   # fewer new cards on weekdays
day_starts_at = 5

# speech recognition is hard: aim higher
[decks."asr/*"]
desired_retention = 0.92  # checked in March
learning_steps = [1, 10, 60]

[decks."tts/vits"]   # one deck
reviews_per_day = 50
"""


def _sources(text: str, node: str, folder: bool = False) -> dict[str, tuple[object, str]]:
    settings = validate_settings(tomllib.loads(text), "config.toml")
    return {o.key: (o.value, o.source) for o in options_for(settings, node, folder)}


def test_each_value_says_where_it_comes_from() -> None:
    found = _sources(COMMENTED, "asr/ctc")
    assert found["new_per_day"] == (12, "global")
    assert found["reviews_per_day"] == (200, "default")
    assert found["desired_retention"] == (0.92, "folder")
    assert found["learning_steps"] == ((1.0, 10.0, 60.0), "folder")
    assert found["leech_action"] == ("tag", "default")
    assert _sources(COMMENTED, "tts/vits")["reviews_per_day"] == (50, "own")
    # a folder's limits are its own; its other options are those its decks get
    folder = _sources(COMMENTED, "asr", folder=True)
    assert folder["desired_retention"] == (0.92, "own")
    assert folder["new_per_day"] == (12, "global")


def test_a_deck_table_overrides_its_folder_and_agrees_with_for_deck() -> None:
    text = edit_options(COMMENTED, "asr/ctc", {"desired_retention": 0.95})
    settings = validate_settings(tomllib.loads(text), "config.toml")
    shown = {o.key: o for o in options_for(settings, "asr/ctc")}
    assert shown["desired_retention"].source == "own"
    assert shown["desired_retention"].table == "asr/ctc"
    in_force = settings.for_deck("asr/ctc")
    for key, option in shown.items():
        assert getattr(in_force, key) == option.value, key


def test_changing_keys_keeps_every_other_byte() -> None:
    text = edit_options(COMMENTED, "tts/vits", {"reviews_per_day": 80})
    assert text == COMMENTED.replace("reviews_per_day = 50", "reviews_per_day = 80")
    text = edit_options(COMMENTED, "asr", {"desired_retention": 0.9}, folder=True)
    assert text == COMMENTED.replace("0.92  # checked", "0.9  # checked")


def test_a_new_table_is_appended_and_the_rest_is_untouched() -> None:
    text = edit_options(COMMENTED, "asr", {"new_per_day": 30, "leech_threshold": 5}, folder=True)
    steps = "learning_steps = [1, 10, 60]\n"
    grown = COMMENTED.replace(steps, steps + "leech_threshold = 5\n")
    assert text == grown + '\n[decks."asr"]\nnew_per_day = 30\n'
    # and back: resetting removes exactly the keys written
    back = edit_options(text, "asr", {}, ["leech_threshold", "new_per_day"], folder=True)
    assert back == COMMENTED + "\n"


def test_reset_brings_back_the_inherited_value() -> None:
    text = edit_options(COMMENTED, "tts/vits", {}, ["reviews_per_day"])
    assert _sources(text, "tts/vits")["reviews_per_day"] == (200, "default")
    assert "# one deck" in text and "# checked in March" in text


@pytest.mark.parametrize(
    ("key", "value", "message"),
    [
        ("desired_retention", 1.5, "desired_retention: Input should be less than or equal"),
        ("leech_action", "delete", "leech_action: Input should be 'tag' or 'suspend'"),
        ("learning_steps", [0], "learning_steps: steps must be positive"),
        ("new_per_day", -1, "new_per_day: Input should be greater than or equal to 0"),
        ("fuzz", False, "fuzz: not a deck option"),
    ],
)
def test_bad_values_are_one_line_naming_the_key(key: str, value: object, message: str) -> None:
    with pytest.raises(ConfigError) as caught:
        edit_options(COMMENTED, "asr/ctc", {key: value})
    assert str(caught.value).startswith(message)
    assert "\n" not in str(caught.value)


def test_values_typed_by_a_person() -> None:
    assert parse_value("learning_steps", "1 10") == [1, 10]
    assert parse_value("learning_steps", "[1, 2.5]") == [1, 2.5]
    assert parse_value("desired_retention", "0.85") == 0.85
    assert parse_value("leech_action", "suspend") == "suspend"
    with pytest.raises(ConfigError, match="relearning_steps: give minutes"):
        parse_value("relearning_steps", "ten")


def test_save_writes_a_file_that_loads(tmp_path: Path) -> None:
    path = tmp_path / "config.toml"
    path.write_text(COMMENTED, encoding="utf-8")
    saved = save_options(path, "asr/ctc", {"new_per_day": 3})
    assert (
        load_settings(path).for_deck("asr/ctc").new_per_day
        == 3
        == saved.decks["asr/ctc"]["new_per_day"]
    )
    fresh = tmp_path / "none" / "config.toml"
    save_options(fresh, "tts", {"reviews_per_day": 10}, folder=True)
    assert load_settings(fresh).for_deck("tts").reviews_per_day == 10
    assert list(tmp_path.rglob(".config-*")) == []


FITTED = [round(0.1 + i / 7, 4) for i in range(21)]


def test_saved_parameters_replace_an_array_written_over_several_lines(tmp_path: Path) -> None:
    """Only the value changes: its comment, the other keys and the tables stay as they were
    (a multi-line array used to lose its first line only, and the file no longer loaded)."""
    path = tmp_path / "config.toml"
    numbers = ",\n".join(f"  {p}" for p in load_settings(tmp_path / "none.toml").parameters)
    head = "# quizzer settings, kept by hand\nnew_per_day = 12\n"
    tail = "  # fitted in May\n" + COMMENTED.split("day_starts_at = 5\n")[1]
    path.write_text(f"{head}parameters = [\n{numbers},\n]{tail}", encoding="utf-8")
    save_parameters(FITTED, path)
    text = path.read_text(encoding="utf-8")
    assert text.startswith(head + "parameters = [0.1, 0.2429, ")
    assert text.endswith("2.9571]" + tail)
    settings = load_settings(path)
    assert settings.parameters == FITTED and settings.new_per_day == 12
    assert settings.decks == validate_settings(tomllib.loads(COMMENTED), "c").decks


def test_saved_parameters_go_before_the_first_table_or_into_a_new_file(tmp_path: Path) -> None:
    path = tmp_path / "config.toml"
    path.write_text(COMMENTED.split("day_starts_at = 5\n")[1], encoding="utf-8")
    save_parameters(FITTED, path)
    assert load_settings(path).parameters == FITTED
    assert load_settings(path).for_deck("tts/vits").reviews_per_day == 50
    fresh = tmp_path / "new" / "config.toml"
    save_parameters(FITTED, fresh)
    assert tomllib.loads(fresh.read_text(encoding="utf-8")) == {"parameters": FITTED}
    assert list(tmp_path.rglob(".config-*")) == []


SPECIFIC_LAST_FIRST = """\
[decks."lang/french"]
desired_retention = 0.85

[decks."lang/sub/*"]
new_per_day = 5

[decks."lang/*"]
desired_retention = 0.95
new_per_day = 7
leech_threshold = 4

[decks."lang/[a-z]*"]
leech_threshold = 6
"""


def test_the_most_specific_table_wins_whatever_the_order_in_the_file() -> None:
    """A deck's own table beats every glob, a deeper folder's glob a shallower one; only
    equally specific patterns go by file order (the later wins)."""
    settings = validate_settings(tomllib.loads(SPECIFIC_LAST_FIRST), "config.toml")
    french = settings.for_deck("lang/french")
    assert (french.desired_retention, french.new_per_day) == (0.85, 7)
    assert settings.for_deck("lang/sub/deep").new_per_day == 5
    assert settings.for_deck("lang/german").leech_threshold == 6  # `lang/` both: file order
    shown = {o.key: o for o in options_for(settings, "lang/french")}
    assert (shown["desired_retention"].source, shown["desired_retention"].table) == (
        "own",
        "lang/french",
    )
    assert shown["new_per_day"].table == "lang/*"
    assert shown["leech_threshold"].table == "lang/[a-z]*"
    for key, option in shown.items():
        assert getattr(french, key) == option.value, key
    sub = {o.key: o for o in options_for(settings, "lang/sub/deep")}
    assert (sub["new_per_day"].value, sub["new_per_day"].table) == (5, "lang/sub/*")


LAYOUTS = {
    "dotted keys, then a table": (
        '# mine\ndecks."lang/*".new_per_day = 10\n\n[decks."math/*"]\nleech_threshold = 4\n'
    ),
    "an inline table": 'decks = { "math/algebra" = { leech_threshold = 5 } }  # mine\n',
    "dotted keys in [decks]": '[decks]  # mine\n"lang/*".new_per_day = 10\n',
    "inline tables in [decks]": '[decks]  # mine\n"lang/french" = { leech_threshold = 5 }\n',
}


@pytest.mark.parametrize("layout", LAYOUTS.values(), ids=LAYOUTS.keys())
def test_options_are_edited_whatever_the_layout_of_the_deck_tables(layout: str) -> None:
    def loaded(text: str) -> Settings:
        return validate_settings(tomllib.loads(text), "config.toml")

    before = loaded(layout)
    text = edit_options(layout, "lang/french", {"new_per_day": 3, "leech_action": "suspend"})
    text = edit_options(text, "lang", {"desired_retention": 0.8}, folder=True)
    assert "# mine" in text
    after = loaded(text)
    french = after.for_deck("lang/french")
    assert (french.new_per_day, french.leech_action, french.desired_retention) == (
        3,
        "suspend",
        0.8,
    )
    assert french.leech_threshold == before.for_deck("lang/french").leech_threshold
    for deck in ("math/algebra", "lang/german"):
        assert after.for_deck(deck).leech_threshold == before.for_deck(deck).leech_threshold
    back = edit_options(text, "lang/french", {}, ["new_per_day", "leech_action"])
    back = edit_options(back, "lang", {}, ["desired_retention"], folder=True)
    assert loaded(back).decks == before.decks


def test_a_decks_key_that_is_not_a_table_is_one_line_naming_it(tmp_path: Path) -> None:
    path = tmp_path / "config.toml"
    path.write_text("decks = 5\n", encoding="utf-8")
    message = f"{path}: decks: Input should be a valid dictionary (got 5)"
    with pytest.raises(ConfigError) as caught:
        load_settings(path)
    assert str(caught.value) == message
    with pytest.raises(ConfigError, match=r"^config.toml: decks: Input should be a valid"):
        save_options(path, "lang/french", {"new_per_day": 3})
    assert path.read_text(encoding="utf-8") == "decks = 5\n"
    path.write_text('decks = ["lang/*"]\n', encoding="utf-8")
    with pytest.raises(ConfigError, match=r": decks: Input should be a valid dictionary"):
        load_settings(path)


def test_rewriting_keeps_crlf_line_endings_and_a_byte_order_mark(tmp_path: Path) -> None:
    """A file written on Windows keeps its CRLF line breaks, the new lines included, and a
    leading byte order mark stays; the file loads with either."""
    crlf = COMMENTED.replace("\n", "\r\n").encode("utf-8")
    path = tmp_path / "config.toml"
    for start in (b"", b"\xef\xbb\xbf"):
        path.write_bytes(start + crlf)
        assert load_settings(path).for_deck("tts/vits").reviews_per_day == 50
        save_options(path, "tts/vits", {"reviews_per_day": 80})
        save_options(path, "asr/ctc", {"new_per_day": 3})
        save_parameters(FITTED, path)
        data = path.read_bytes()
        assert data.startswith(start + b"# quizzer settings, kept by hand\r\n")
        assert b"\n" not in data.replace(b"\r\n", b"")
        assert b"reviews_per_day = 80\r\n" in data and b'[decks."asr/ctc"]\r\n' in data
        settings = load_settings(path)
        assert settings.for_deck("asr/ctc").new_per_day == 3 and settings.parameters == FITTED
    # a file with LF line breaks keeps them
    path.write_text(COMMENTED, encoding="utf-8")
    save_options(path, "asr/ctc", {"new_per_day": 3})
    assert b"\r" not in path.read_bytes()
