"""Grading rules for the auto-graded types."""

from __future__ import annotations

import pytest

from quizzer.decks.grading import (
    ResponseError,
    Verdict,
    grade_choice,
    grade_numeric,
    grade_order,
    grade_text,
    grade_typed,
    parse_number,
)
from quizzer.decks.models import MultipleChoice, Numeric, Order, Typed
from quizzer.decks.typed_keys import diff

SINGLE = MultipleChoice(
    id="s",
    type="choice",
    prompt="P",
    choices=[{"text": "a", "correct": True}, {"text": "b"}, {"text": "c"}],
)
MULTI = MultipleChoice(
    id="m",
    type="choice",
    prompt="P",
    choices=[
        {"text": "a", "correct": True},
        {"text": "b", "correct": True},
        {"text": "c"},
        {"text": "d", "correct": True},
    ],
)


def typed(*answers: str) -> Typed:
    return Typed(id="t", type="typed", prompt="P", answers=list(answers))


def numeric(answer: float, tolerance: float | str = 0, unit: str | None = None) -> Numeric:
    return Numeric(
        id="n", type="numeric", prompt="P", answer=answer, tolerance=tolerance, unit=unit
    )


# ------------------------------------------------------------------ choice


def test_choice_single_right_and_wrong() -> None:
    assert grade_choice(SINGLE, [0]).verdict == Verdict.CORRECT
    wrong = grade_choice(SINGLE, [1])
    assert wrong.verdict == Verdict.INCORRECT
    assert wrong.expected == "a"
    assert wrong.marks == (True, False, False)
    assert wrong.rating == 1


def test_choice_multi_needs_the_exact_set() -> None:
    assert grade_choice(MULTI, [3, 0, 1]).verdict == Verdict.CORRECT
    partial = grade_choice(MULTI, [0, 1])
    assert partial.verdict == Verdict.INCORRECT
    assert partial.message == "2 of 3 right options chosen."
    mixed = grade_choice(MULTI, [0, 2])
    assert mixed.message == "1 of 3 right options chosen, and 1 wrong one."


def test_choice_out_of_range() -> None:
    with pytest.raises(ResponseError):
        grade_choice(SINGLE, [5])
    with pytest.raises(ResponseError):
        grade_choice(SINGLE, [])


# ------------------------------------------------------------------ typed


@pytest.mark.parametrize(
    "response",
    ["Paris", "paris", "  PARIS  ", "paris.", "Paris!", "ｐａｒｉｓ", "the  city of   light"],
)
def test_typed_forgives_case_space_punctuation_width(response: str) -> None:
    assert grade_typed(typed("Paris", "the city of light"), response).verdict == Verdict.CORRECT


@pytest.mark.parametrize("response", ['"Paris"', "“Paris”", "‘Paris’", "'Paris'"])
def test_typed_forgives_quotes_around_the_answer(response: str) -> None:
    assert grade_typed(typed("Paris"), response).verdict == Verdict.CORRECT
    assert diff(response, "Paris") == [("equal", response)]


def test_typed_forgives_accents_only_where_answer_has_none() -> None:
    assert grade_typed(typed("cafe"), "café").verdict == Verdict.CORRECT
    assert grade_typed(typed("tiếng"), "tieng").verdict != Verdict.CORRECT
    assert grade_typed(typed("tiếng"), "TIẾNG").verdict == Verdict.CORRECT


def test_typed_answer_without_accents_does_not_forgive_other_accents() -> None:
    """`nang` stands for `nặng` typed without a Vietnamese keyboard; `nàng` is another tone."""
    question = prompted(
        'Viphoneme outputs "dɯək6" for "được". Which tone does the final 6 encode?',
        *["nặng", "nang", "nặng tone", "dot below"],
    )
    for right in ("nặng", "NẶNG", "nang", "Nang tone"):
        assert grade_typed(question, right).verdict == Verdict.CORRECT, right
    graded = grade_typed(question, "nàng")
    assert graded.verdict == Verdict.CLOSE
    assert graded.expected == "nặng"
    assert grade_typed(typed("cafe"), "café").verdict == Verdict.CORRECT


def test_typed_near_miss_is_close_and_shows_expected() -> None:
    result = grade_typed(typed("spectrogram"), "spectogram")
    assert result.verdict == Verdict.CLOSE
    assert result.expected == "spectrogram"
    assert result.rating == 2
    assert grade_typed(typed("blank"), "blnak").verdict == Verdict.CLOSE  # one transposition


def test_typed_short_answers_have_no_near_miss() -> None:
    assert grade_typed(typed("CTC"), "CTX").verdict == Verdict.INCORRECT
    assert grade_typed(typed("10"), "11").verdict == Verdict.INCORRECT


@pytest.mark.parametrize(
    ("answers", "response"),
    [
        (["GE2E", "generalized end-to-end", "GE2E loss"], "GE2F"),
        (["GE2E", "generalized end-to-end", "GE2E loss"], "TE2E"),
        (["VITS"], "ViT"),
        (["SNAC", "snac"], "SNAP"),
        (["LSTM", "multi-layer LSTM", "LSTMs"], "BLSTM"),
        (["H/ASP", "HASP", "H ASP"], "H/SAP"),
        (["D-TDNN", "DTDNN", "densely connected TDNN"], "TDNN"),
        (["D-TDNN", "DTDNN", "densely connected TDNN"], "E-TDNN"),
        (["D-TDNN", "DTDNN", "densely connected TDNN"], "DTDN"),
        (["x-vector", "x-vectors", "xvector"], "i-vector"),
        (["x-vector", "x-vectors", "xvector"], "d-vector"),
        (["r-vector", "r-vectors", "rvector"], "x-vector"),
        (["Ctrl+B", "Ctrl B", "Ctrl-B", "Cmd+B"], "Ctrl+L"),
        (["gain -n", "-n"], "gain -l"),
    ],
)
def test_typed_one_letter_off_an_acronym_or_a_one_letter_part_is_another_answer(
    answers: list[str], response: str
) -> None:
    """Capitals of up to five letters and digits, and a letter standing alone in a name, take
    no typo: `GE2F`, `ViT` and `i-vector` name other things, or nothing."""
    graded = grade_typed(typed(*answers), response)
    assert graded.verdict == Verdict.INCORRECT
    assert graded.message == f"The answer is {answers[0]!r}."


@pytest.mark.parametrize(
    ("answer", "response"),
    [
        ("Swish", "Swich"),
        ("Griffin-Lim", "Grifin-Lim"),
        ("mel spectrogram", "Mel spectogram"),
        ("x-vector", "x-vektor"),
        ("ECAPA-TDNN", "ECAPA-TDN"),
        ("HiFi-GAN", "HiFi-GNA"),
    ],
)
def test_typed_typos_elsewhere_stay_close(answer: str, response: str) -> None:
    assert grade_typed(typed(answer), response).verdict == Verdict.CLOSE


def test_typed_far_miss_is_incorrect() -> None:
    assert grade_typed(typed("spectrogram"), "waveform").verdict == Verdict.INCORRECT


def test_typed_alias_counts() -> None:
    result = grade_typed(
        typed("CTC", "connectionist temporal classification"),
        "Connectionist Temporal Classification",
    )
    assert result.verdict == Verdict.CORRECT


def prompted(prompt: str, *answers: str) -> Typed:
    return Typed(id="t", type="typed", prompt=prompt, answers=list(answers))


@pytest.mark.parametrize(
    ("question", "right", "wrong"),
    [
        (
            prompted("Which learning-rate scheduler?", "Eden"),
            "the Eden scheduler",
            "Noam scheduler",
        ),
        (prompted("Which vocoder?", "HiFi-GAN"), "HiFiGAN vocoder", "WaveGlow vocoder"),
        (prompted("Which neural audio codec's decoder?", "SNAC"), "SNAC codec", "Encodec codec"),
        (prompted("How many times faster?", "2.8x"), "2.8×", "2.9×"),
        (prompted("How many times faster?", "2.8x"), "2.8 times faster", "28 times faster"),
        (prompted("Sample rate?", "16 kHz", "16"), "16000 Hz", "16 Hz"),
        (prompted("Sample rate?", "16000"), "16 000", "16 001"),
        (prompted("Hop?", "512", "512 samples"), "512samples", "513"),
        (prompted("Which model?", "Name 2"), "Name2", "Name3"),
        (prompted("Which model?", "Name V2"), "Name-V2", "Name-V3"),
        (prompted("Which model?", "Name V2"), "the namev2 model", "a Name V1"),
        (prompted("Which dilations?", "2, 3, 4"), "2-3-4", "234"),
    ],
)
def test_typed_forgives_what_a_learner_who_knows_would_type(
    question: Typed, right: str, wrong: str
) -> None:
    assert grade_typed(question, right).verdict == Verdict.CORRECT
    assert grade_typed(question, wrong).verdict == Verdict.INCORRECT


def test_typed_number_may_be_followed_by_what_the_prompt_counts() -> None:
    question = prompted("How many samples per hop?", "512")
    right = grade_typed(question, "512 samples")
    assert right.verdict == Verdict.CORRECT
    assert grade_typed(question, "512 samples per hop").verdict == Verdict.CORRECT
    wrong = grade_typed(question, "513 samples")
    assert wrong.message == "The answer is '512' (yours is off by 1)."
    assert grade_typed(question, "512 apples").verdict == Verdict.INCORRECT
    timed = prompted("How many samples are 32 ms at 16 kHz?", "512")
    assert grade_typed(timed, "512 ms").verdict == Verdict.INCORRECT  # a unit keeps its meaning


@pytest.mark.parametrize(
    ("question", "response"),
    [
        (
            prompted(
                "With what loss was AutoVC's pretrained speaker encoder trained (the loss name)?",
                *["GE2E", "generalized end-to-end", "generalized end-to-end loss", "GE2E loss"],
            ),
            "generalised end-to-end",
        ),
        (
            prompted("With what loss (the loss name)?", "GE2E", "generalized end-to-end loss"),
            "Generalised End-to-End loss",
        ),
        (
            prompted("Under which licence are Kokoro's weights released?", "Apache 2.0"),
            "Apache 2.0 license",
        ),
        (prompted("Which colour?", "colour"), "color"),
        (prompted("Which task?", "language modeling"), "language modelling"),
        (prompted("Which module?", "variance adaptor"), "variance adaptor"),
        (prompted("Which format?", "catalogue"), "catalog"),
    ],
)
def test_typed_british_and_american_spellings_compare_alike(question: Typed, response: str) -> None:
    assert grade_typed(question, response).verdict == Verdict.CORRECT


def test_typed_spellings_fold_only_word_endings_after_two_letters() -> None:
    for answer, other in (("four", "for"), ("hour", "hor"), ("rise", "rize")):
        assert grade_typed(typed(answer), other).verdict != Verdict.CORRECT, other


@pytest.mark.parametrize(
    ("answers", "right", "wrong"),
    [
        (["Apache 2.0", "Apache-2.0", "Apache License 2.0", "Apache"], "Apache 2", "Apache 1.1"),
        (["Apache 2.0", "Apache-2.0", "Apache License 2.0", "Apache"], "Apache v2", "Apache v1"),
        (
            ["Apache 2.0", "Apache-2.0", "Apache License 2.0", "Apache"],
            "Apache License, Version 2.0",
            "Apache License, Version 1.0",
        ),
        (["OpenVoice", "OpenVoice v2", "openvoice"], "OpenVoice 2", "OpenVoice 3"),
        (["Whisper-large-v3"], "whisper-largev3", "whisper-large-v2"),
        (["LV-60k"], "lv60k", "LV-6k"),
        (["wav2vec 2.0"], "wav2vec2", "wav2vec 3"),
        (["NVIDIA V100"], "NVIDIA V100", "NVIDIA 100"),
    ],
)
def test_typed_a_version_may_be_written_with_or_without_v_and_point_zero(
    answers: list[str], right: str, wrong: str
) -> None:
    assert grade_typed(typed(*answers), right).verdict == Verdict.CORRECT
    assert grade_typed(typed(*answers), wrong).verdict == Verdict.INCORRECT


@pytest.mark.parametrize(
    ("answers", "right", "wrong"),
    [
        (["2, 3, 4", "2 3 4", "2,3,4", "2-3-4"], "[2,3,4]", "[2,4,8]"),
        (["2, 3, 4", "2 3 4", "2,3,4", "2-3-4"], "2, 3 and 4", "2, 3 and 5"),
        (["2, 3, 5, 7, 11", "[2, 3, 5, 7, 11]"], "2, 3, 5, 7 and 11", "2, 3, 5, 7 and 13"),
        (["2, 3, 5, 7, 11", "[2, 3, 5, 7, 11]"], "2, 3, 5, 7, and 11", "2, 3, 5, 7, and 1"),
        (["3, 4, 6, 3", "3 4 6 3"], "[3, 4, 6, 3]", "{3, 4, 23, 3}"),
        (["3-7", "3 to 7", "three to seven"], "3–7", "3–5"),
        (["Listen, Attend and Spell", "LAS"], "Listen, Attend & Spell", "Listen & Spell"),
        (["-5"], "–5", "5"),
    ],
)
def test_typed_lists_ranges_and_ampersands(answers: list[str], right: str, wrong: str) -> None:
    assert grade_typed(typed(*answers), right).verdict == Verdict.CORRECT
    assert grade_typed(typed(*answers), wrong).verdict == Verdict.INCORRECT


def test_typed_a_name_with_its_abbreviation_in_brackets_is_right_when_both_are() -> None:
    aligner = prompted(
        "Which tool does FastSpeech 2 use to extract phoneme durations?",
        *["Montreal Forced Aligner", "MFA", "Montreal forced alignment"],
    )
    for right in ("montreal forced aligner (MFA)", "MFA (Montreal Forced Aligner).", "MFA (MFA)"):
        assert grade_typed(aligner, right).verdict == Verdict.CORRECT, right
    assert grade_typed(aligner, "Montreal Forced Aligner (MAS)").verdict != Verdict.CORRECT
    assert grade_typed(aligner, "(MFA)").verdict == Verdict.CORRECT  # quotes and brackets go
    assert grade_typed(aligner, "Kaldi (MFA)").verdict == Verdict.INCORRECT


def test_typed_implied_nouns_need_the_prompt_to_use_them() -> None:
    assert grade_typed(
        prompted("Which algorithm?", "Griffin-Lim"), "Griffin-Lim vocoder"
    ).verdict != (Verdict.CORRECT)


def test_typed_numbers_say_how_far_off() -> None:
    graded = grade_typed(prompted("Hop?", "512", "512 samples"), "513")
    assert graded.verdict == Verdict.INCORRECT
    assert graded.message == "The answer is '512' (yours is off by 1)."
    assert graded.as_number


@pytest.mark.parametrize(
    ("answer", "wrong"),
    [("-5", "5"), ("5", "-5"), ("-40", "40"), ("-3 dB", "3 dB"), ("1e-3", "1e3")],
)
def test_typed_minus_sign_is_not_a_hyphen(answer: str, wrong: str) -> None:
    graded = grade_typed(typed(answer), wrong)
    assert graded.verdict == Verdict.INCORRECT
    assert graded.as_number
    assert grade_typed(typed(answer), answer.replace("-", "−")).verdict == Verdict.CORRECT


def test_typed_minus_sign_outside_numbers() -> None:
    assert grade_typed(typed("10^-3"), "10^3").verdict == Verdict.INCORRECT  # not a typo
    assert grade_typed(typed("x = -2"), "x=-2").verdict == Verdict.CORRECT
    assert grade_typed(typed("2, -3"), "2 -3").verdict == Verdict.CORRECT
    assert grade_typed(typed("GPT-2"), "gpt 2").verdict == Verdict.CORRECT  # a hyphen
    assert grade_typed(typed("Name-V2"), "name v2").verdict == Verdict.CORRECT


def test_typed_bare_number_is_read_in_each_answers_own_unit() -> None:
    question = prompted("Sample rate?", "24 kHz", "24000 Hz")
    right = grade_typed(question, "24000")
    assert right.verdict == Verdict.CORRECT
    assert right.expected == "24000 Hz"
    assert grade_typed(question, "24").verdict == Verdict.CORRECT
    wrong = grade_typed(question, "2400")
    assert wrong.verdict == Verdict.INCORRECT
    assert wrong.message == "The answer is '24 kHz' (yours is off by 2376 kHz)."


def test_typed_number_with_a_unit_is_compared_only_with_answers_in_a_unit_of_its_kind() -> None:
    """The bare answer `8000` is not 8000 kHz, and `8 kHz sampling` is not 8 of anything."""
    question = prompted(
        "What sample rate does narrowband telephone speech (ITU-T G.711 PCM) use?",
        *["8 kHz", "8000", "8000 Hz", "8khz", "8k", "8 kHz sampling"],
    )
    for wrong in ("8 Hz", "8 MHz", "8000 kHz"):
        assert grade_typed(question, wrong).verdict == Verdict.INCORRECT, wrong
    assert grade_typed(question, "8 Hz").message == (
        "The answer is '8 kHz' (yours is off by 7.992 kHz, written in Hz)."
    )
    for right in ("8000 Hz", "8 kHz", "8000", "8", "8k", "8,000"):
        assert grade_typed(question, right).verdict == Verdict.CORRECT, right
    assert grade_typed(prompted("Speed-up?", "2.8"), "2.8x").verdict == Verdict.CORRECT


def test_typed_small_numbers_are_compared_relative_to_their_size() -> None:
    assert grade_typed(typed("1e-10"), "1e-12").verdict == Verdict.INCORRECT
    assert grade_typed(typed("1e-10"), "0").verdict == Verdict.INCORRECT
    assert grade_typed(typed("1e-10"), "0.0000000001").verdict == Verdict.CORRECT


def test_diff_marks_a_missing_or_extra_minus_sign() -> None:
    assert diff("5", "-5") == [("missing", "-"), ("equal", "5")]
    assert diff("10^3", "10^-3") == [("equal", "10^"), ("missing", "-"), ("equal", "3")]
    assert diff("x -2", "x 2") == [("equal", "x "), ("wrong", "-"), ("equal", "2")]


def test_diff_does_not_mark_forgiven_differences() -> None:
    assert diff("Spectogram", "spectrogram") == [
        ("equal", "Spect"),
        ("missing", "r"),
        ("equal", "ogram"),
    ]
    assert diff("hifi gan", "HiFi-GAN") == [("equal", "hifi gan")]
    assert diff("Tiếng", "tieng") == [("equal", "Tiếng")]


def test_diff_marks_wrong_and_missing() -> None:
    assert diff("spectogram", "spectrogram") == [
        ("equal", "spect"),
        ("missing", "r"),
        ("equal", "ogram"),
    ]
    assert diff("cat", "cut") == [("equal", "c"), ("wrong", "a"), ("missing", "u"), ("equal", "t")]


# ------------------------------------------------------------------ numeric


@pytest.mark.parametrize(
    "text",
    [
        "680000",
        "680,000",
        "680k",
        "680K",
        "6.8e5",
        "680 000",
        "680000 hours",
        "680,000 hours",
        "680k hours",
        "0.68 million",
        "680 thousand",
    ],
)
def test_numeric_accepts_common_writings(text: str) -> None:
    assert grade_numeric(numeric(680000, unit="hours"), text).verdict == Verdict.CORRECT


@pytest.mark.parametrize(
    ("answer", "unit", "text"),
    [
        (80, None, "eighty"),
        (80, None, "Eighty"),
        (25, "ms", "twenty-five ms"),
        (25, "ms", "twenty five milliseconds"),
        (312, None, "three hundred and twelve"),
        (680000, "hours", "six hundred eighty thousand hours"),
        (8, "bits", "eight bits"),
        (300, "bits", "three hundred bits"),
        (0, None, "zero"),
        (19, None, "about nineteen"),
    ],
)
def test_numeric_a_number_spelt_out_in_words_is_read(answer: int, unit: str, text: str) -> None:
    assert grade_numeric(numeric(answer, unit=unit), text).verdict == Verdict.CORRECT


def test_numeric_words_that_are_not_one_number_are_not_read_as_one() -> None:
    assert grade_numeric(numeric(80), "eighty one").verdict == Verdict.INCORRECT
    for text in ("eighty eighty", "one two", "hundred"):
        with pytest.raises(ResponseError):
            grade_numeric(numeric(80), text)


def asked(prompt: str, answer: float, unit: str | None = None, tolerance: float = 0) -> Numeric:
    return Numeric(
        id="n", type="numeric", prompt=prompt, answer=answer, unit=unit, tolerance=tolerance
    )


WHISPER_HOURS = asked(
    "How many hours of weakly supervised audio was the original Whisper trained on?",
    680000,
    "hours",
)


@pytest.mark.parametrize(
    ("question", "response"),
    [
        (WHISPER_HOURS, "approximately 680k"),
        (WHISPER_HOURS, "~680k"),
        (WHISPER_HOURS, "about 680,000 hours"),
        (asked("About how many milliseconds apart are the frames?", 20, "ms"), "about 20 ms"),
        (asked("About how many milliseconds apart are the frames?", 20, "ms"), "approx. 20 ms"),
        (asked("About how many milliseconds apart are the frames?", 20, "ms"), "~20ms"),
        (asked("How many milliseconds?", 93, "ms", 1), "≈93 ms"),
        (asked("How many milliseconds?", 93, "ms", 1), "roughly 93 ms"),
        (asked("About how many parameters?", 65, "million"), "~65M"),
        (asked("By what factor does this cut it?", 4), "a factor of 4"),
        (asked("By roughly what factor?", 3, "x"), "roughly 3x"),
        (asked("How much?", -0.01), "about -0.01"),
    ],
)
def test_numeric_a_hedge_before_the_number_leaves_it_as_it_is(
    question: Numeric, response: str
) -> None:
    assert grade_numeric(question, response).verdict == Verdict.CORRECT


def test_numeric_a_bound_is_read_when_the_prompt_asks_for_one_of_its_side() -> None:
    speakers = asked(
        "The VoxCeleb2 abstract describes the dataset as over a million utterances from over"
        " how many speakers?",
        6000,
        "speakers",
    )
    for right in ("over 6,000", "more than 6000", "6,000+", "at least 6k"):
        assert grade_numeric(speakers, right).verdict == Verdict.CORRECT, right
    assert grade_numeric(speakers, "over 5,994").verdict == Verdict.INCORRECT
    tasks = asked("Qwen-Audio's pre-training covers more than how many tasks?", 30, "tasks")
    for right in ("over 30", "more than 30 tasks", "30+"):
        assert grade_numeric(tasks, right).verdict == Verdict.CORRECT, right
    hours = asked("Up to how many hours of audio can ChunkFormer transcribe?", 16, "hours")
    assert grade_numeric(hours, "up to 16 hours").verdict == Verdict.CORRECT
    for wrong_side in ("less than 30", "up to 30"):
        with pytest.raises(ResponseError):
            grade_numeric(tasks, wrong_side)
    exact = asked("How many speakers does VoxCeleb1 contain in total?", 1251, "speakers")
    for unasked in ("over 1251", "1251+"):
        with pytest.raises(ResponseError):
            grade_numeric(exact, unasked)
    over_a_million = asked("Over a million utterances from how many speakers?", 6000, "speakers")
    with pytest.raises(ResponseError):
        grade_numeric(over_a_million, "over 6000")  # the prompt's "over" asks no bound


def test_typed_number_takes_hedges_and_the_bounds_the_prompt_asks_for() -> None:
    gain = prompted(
        "Masked batching cuts execution time by more than what factor?",
        *["3", "3x", "3 times", "more than 3x"],
    )
    for right in ("more than 3 times", "over 3x", "~3x"):
        assert grade_typed(gain, right).verdict == Verdict.CORRECT, right
    assert grade_typed(gain, "over 4x").verdict == Verdict.INCORRECT
    rate = prompted("What sample rate does G.711 use?", "8 kHz", "8000")
    assert grade_typed(rate, "~8 kHz").verdict == Verdict.CORRECT
    assert grade_typed(rate, "over 8 kHz").verdict == Verdict.INCORRECT


@pytest.mark.parametrize(
    ("question", "response"),
    [
        (WHISPER_HOURS, "6.8 × 10^5"),
        (WHISPER_HOURS, "6.8*10^5 hours"),
        (WHISPER_HOURS, "6.8·10⁵"),
        (asked("How many hours of training data?", 1000000, "hours"), "10^6"),
        (asked("How many hours of training data?", 1000000, "hours"), "10⁶ hours"),
        (asked("At what sample rate?", 24000, "Hz"), "2.4 × 10^4 Hz"),
        (asked("What is the default weight_decay?", 0.01), "10^-2"),
        (asked("What is the default weight_decay?", 0.01), "10⁻²"),
        (asked("By what factor are the activations multiplied?", 1.25, tolerance=0.001), "5/4"),
        (asked("What is its RTF?", 0.5), "1/2"),
    ],
)
def test_numeric_powers_of_ten_and_fractions(question: Numeric, response: str) -> None:
    assert grade_numeric(question, response).verdict == Verdict.CORRECT


def test_numeric_powers_of_ten_and_fractions_keep_their_value() -> None:
    assert grade_numeric(WHISPER_HOURS, "6.8 × 10^4").verdict == Verdict.INCORRECT
    assert grade_numeric(asked("Weight decay?", 0.01), "10^2").verdict == Verdict.INCORRECT
    assert grade_numeric(asked("Factor?", 1.25), "4/5").verdict == Verdict.INCORRECT
    with pytest.raises(ResponseError, match="'1/0' is not a number"):
        grade_numeric(asked("Factor?", 1.25), "1/0")
    with pytest.raises(ResponseError, match=r"'2\^15'"):
        grade_numeric(asked("Largest sample?", 32767), "2¹⁵")  # not read as 215


def test_numeric_unit_singular_other_unit_and_wrong_dimension() -> None:
    assert parse_number("1 hour", "hours") == 1
    assert parse_number("5 days", "hours") == 120
    with pytest.raises(ResponseError):
        parse_number("5 kHz", "hours")
    with pytest.raises(ResponseError):
        parse_number("5 apples", "hours")
    with pytest.raises(ResponseError):
        parse_number("lots")


@pytest.mark.parametrize(
    ("unit", "text", "value"),
    [
        ("ms", "80ms", 80),
        ("ms", "80 ms", 80),
        ("ms", "0.08 s", 80),
        ("ms", "0.08s", 80),
        ("Hz", "16 kHz", 16000),
        ("Hz", "16kHz", 16000),
        ("kHz", "16000 Hz", 16),
        ("s", "1.04 s", 1.04),
        ("s", "1040 ms", 1.04),
        ("kbps", "1040 bps", 1.04),
        ("million", "65M", 65),
        ("million", "65 million", 65),
        ("M parameters", "1M parameters", 1),
        ("% EER", "0.61%", 0.61),
        ("x", "3×", 3),
        ("x", "3 times", 3),
    ],
)
def test_numeric_units_attached_or_spaced_and_converted(unit: str, text: str, value: float) -> None:
    assert parse_number(text, unit) == pytest.approx(value)


@pytest.mark.parametrize(
    ("question", "response"),
    [
        (asked("How many milliseconds apart are the frames?", 20, "ms"), "20 msec"),
        (asked("How many dB does each bit add?", 6, "dB", 0.1), "6 decibels"),
        (asked("At what level in dB is it?", -6, "dB", 0.1), "-6 decibels"),
        (asked("About how many parameters?", 65, "million"), "65M params"),
        (asked("About how many parameters?", 65, "million"), "65 mln"),
        (asked("How many million parameters?", 82, "million parameters"), "82M params"),
        (asked("How many bytes?", 1920000, "bytes"), "1920000 B"),
        (asked("How many bytes?", 1920000, "bytes"), "15360000 bits"),
        (asked("What is its bit rate?", 64, "kbit/s"), "64k"),
        (asked("What is its bit rate?", 64, "kbit/s"), "64 kbits/s"),
        (asked("What is its bit rate?", 64, "kbit/s"), "64 kilobits per second"),
        (asked("What is its bitrate in bits per second?", 480, "bps"), "480 bits per second"),
        (asked("What is its bitrate in bits per second?", 480, "bps"), "480 b/s"),
        (asked("At what rate (tokens per second)?", 25, "Hz"), "25 tokens/s"),
        (asked("At what rate (tokens per second)?", 25, "Hz"), "25 tokens per second"),
        (asked("How many audio tokens per second?", 100, "tokens/s"), "100 tokens per second"),
        (asked("What frame rate?", 75, "frames/s"), "75 Hz"),
        (asked("What frame rate?", 75, "frames/s"), "75 frames per second"),
        (asked("At what frequency does it appear?", 3, "kHz"), "3k"),
    ],
)
def test_numeric_units_as_learners_write_them(question: Numeric, response: str) -> None:
    assert grade_numeric(question, response).verdict == Verdict.CORRECT


def test_numeric_units_as_learners_write_them_keep_their_size() -> None:
    rate = asked("What is its bit rate?", 64, "kbit/s")
    assert grade_numeric(rate, "64 Mbps").verdict == Verdict.INCORRECT
    assert grade_numeric(rate, "64").verdict == Verdict.CORRECT
    frames = asked("What frame rate?", 75, "frames/s")
    assert grade_numeric(frames, "40 Hz").message == (
        "The answer is 75 frames/s; yours is off by 35 frames/s."
    )
    params = asked("About how many parameters?", 65, "million")
    assert grade_numeric(params, "65B").verdict == Verdict.INCORRECT  # B is a billion here
    assert grade_numeric(asked("How many bytes?", 1920000, "bytes"), "1.92 GB").verdict == (
        Verdict.INCORRECT
    )
    hours = asked("How many hours?", 680000, "hours")
    assert grade_numeric(hours, "680k").verdict == Verdict.CORRECT  # not 680000 seconds


@pytest.mark.parametrize(
    ("question", "response"),
    [
        (asked("What WER (%) on LibriSpeech test-other?", 6.8, "%"), "6.8% WER"),
        (asked("By how much (relative %) did it reduce WDER?", 55.5, "%", 0.1), "55.5% relative"),
        (asked("By how much (relative %) did it reduce WDER?", 55.5, "%", 0.1), "55.5 % relative"),
        (asked("By what relative EER reduction?", 18.5, "%"), "18.5 % relative"),
        (asked("Up to how many absolute WER points?", 7.7, "% absolute"), "7.7 points"),
    ],
)
def test_numeric_words_of_the_prompt_may_follow_a_unit(question: Numeric, response: str) -> None:
    assert grade_numeric(question, response).verdict == Verdict.CORRECT


def test_numeric_percentage_for_an_answer_without_unit_is_a_fraction() -> None:
    """Unless the prompt asks in percent: then the answer is a percentage without its unit."""
    target = asked("What is the default $P_{Target}$ in Kaldi's compute_min_dcf.py?", 0.01)
    right = grade_numeric(target, "1%")
    assert right.verdict == Verdict.CORRECT
    assert right.message == "Correct. Right value, written as a percentage."
    assert grade_numeric(target, "1 percent").verdict == Verdict.CORRECT
    wrong = grade_numeric(target, "0.01%")
    assert wrong.message == "The answer is 0.01; yours is off by 0.0099, written as a percentage."
    labelled = asked("What is the WER in percent?", 33.3, tolerance=0.1)
    assert grade_numeric(labelled, "33.3%").verdict == Verdict.CORRECT
    assert grade_numeric(labelled, "0.333").verdict == Verdict.INCORRECT
    asked_in_percent = asked("What WER (%) did it reach?", 6.8, "%")
    assert grade_numeric(asked_in_percent, "0.068").verdict == Verdict.INCORRECT


def test_numeric_says_how_far_off_and_in_which_unit() -> None:
    graded = grade_numeric(numeric(80, unit="ms"), "0.08 s")
    assert graded.verdict == Verdict.CORRECT
    assert graded.message == "Correct. Right value, written in s."
    assert graded.as_number
    wrong = grade_numeric(numeric(512, unit="samples"), "513")
    assert wrong.message == "The answer is 512 samples; yours is off by 1."
    wrong = grade_numeric(numeric(80, unit="ms"), "0.1 s")
    assert wrong.message == "The answer is 80 ms; yours is off by 20 ms, written in s."


def test_numeric_count_units_take_the_count_written_out() -> None:
    question = numeric(65, unit="million")
    assert grade_numeric(question, "65,000,000").verdict == Verdict.CORRECT
    assert grade_numeric(question, "65").verdict == Verdict.CORRECT
    assert grade_numeric(question, "65k").verdict == Verdict.INCORRECT


def test_numeric_count_units_say_how_far_off_in_their_scale() -> None:
    assert grade_numeric(numeric(65, unit="million"), "65k").message == (
        "The answer is 65 million; yours is off by 64.935 million."
    )
    assert grade_numeric(numeric(1, unit="M parameters"), "1000").message == (
        "The answer is 1 M parameters; yours is off by 0.999 M."
    )


def test_parse_number_gives_the_reading_nearest_the_answer() -> None:
    """What the review screen shows as the learner's number is the value graded."""
    assert parse_number("68.000", "hours", near=680000) == 68000
    assert parse_number("68.000", "hours") == 68
    assert parse_number("64000000", "million", near=65) == 64


def test_numeric_metres_are_not_millions() -> None:
    assert parse_number("5 m", "m") == 5
    assert parse_number("5m") == 5_000_000


def test_numeric_without_unit_may_be_followed_by_what_the_prompt_counts() -> None:
    question = Numeric(id="n", type="numeric", prompt="How many samples per hop?", answer=512)
    assert grade_numeric(question, "512 samples").verdict == Verdict.CORRECT
    assert grade_numeric(question, "511 samples").verdict == Verdict.INCORRECT
    with pytest.raises(ResponseError):
        grade_numeric(question, "512 apples")
    with pytest.raises(ResponseError):
        grade_numeric(question, "512 ms")


def test_numeric_decimal_comma() -> None:
    assert parse_number("0,5") == 0.5
    assert parse_number("-3") == -3


@pytest.mark.parametrize(
    ("text", "value"),
    [
        ("1.234,5", 1234.5),
        ("-1.234,5", -1234.5),
        ("1 234,5", 1234.5),
        ("1'234,5", 1234.5),
        ("1.920.000", 1920000),
        ("65.000.000", 65000000),
        ("12.345.678,9", 12345678.9),
        ("1,234.5", 1234.5),
        ("1,234", 1234),
        ("0.098", 0.098),
    ],
)
def test_numeric_digits_grouped_by_dots_with_a_decimal_comma(text: str, value: float) -> None:
    assert parse_number(text) == pytest.approx(value)


@pytest.mark.parametrize(
    ("question", "response"),
    [
        (WHISPER_HOURS, "680.000"),
        (asked("At what sample rate?", 24000, "Hz"), "24.000"),
        (asked("What sample rate does librosa.load use?", 22050, "Hz"), "22.050 Hz"),
        (asked("How many hours of audio?", 53200, "hours", 532), "53.200"),
        (asked("How many impostor utterances?", 20000, "utterances"), "20.000"),
        (asked("How many speakers?", 1251, "speakers"), "1.251"),
        (asked("How many parameters?", 65, "million"), "65.000.000"),
        (asked("How many parameters (millions)?", 7.2, "M parameters", 0.05), "7.200.000"),
        (asked("How many bytes?", 1920000, "bytes"), "1.920.000"),
        (asked("What is the spacing?", 21.53, "Hz", 0.01), "21,53 Hz"),
        (asked("What is its bitrate?", 1.04, "kbps"), "1.040"),
    ],
)
def test_numeric_a_dot_grouping_thousands_is_read(question: Numeric, response: str) -> None:
    """One dot before three digits is a decimal point or, as in much of Europe, groups
    thousands: the reading that is right counts."""
    assert grade_numeric(question, response).verdict == Verdict.CORRECT


def test_numeric_a_dot_grouping_thousands_keeps_the_digits() -> None:
    assert grade_numeric(WHISPER_HOURS, "68.000").verdict == Verdict.INCORRECT
    assert grade_numeric(WHISPER_HOURS, "680.00").verdict == Verdict.INCORRECT
    assert grade_numeric(asked("Factor?", 1.25), "1.250").verdict == Verdict.CORRECT
    typed_rate = prompted("What sample rate are the LJ Speech files?", "22050", "22.05 kHz")
    assert grade_typed(typed_rate, "22.050").verdict == Verdict.CORRECT
    assert grade_typed(typed_rate, "22.050 kHz").verdict == Verdict.CORRECT
    assert grade_typed(typed_rate, "24.000").verdict == Verdict.INCORRECT


def test_numeric_tolerance_absolute_and_relative() -> None:
    assert grade_numeric(numeric(100, 5), "104").verdict == Verdict.CORRECT
    assert grade_numeric(numeric(100, 5), "109").verdict == Verdict.CLOSE
    assert grade_numeric(numeric(100, 5), "111").verdict == Verdict.INCORRECT
    assert grade_numeric(numeric(200, "5%"), "210").verdict == Verdict.CORRECT
    assert grade_numeric(numeric(200, "5%"), "211").verdict == Verdict.CLOSE
    exact = grade_numeric(numeric(16000), "16001")
    assert exact.verdict == Verdict.INCORRECT
    assert exact.expected == "16,000"
    year = grade_numeric(numeric(2006), "2005")
    assert year.expected == "2006"
    assert year.message == "The answer is 2006; yours is off by 1."
    assert (
        grade_numeric(numeric(-1500), "1500").message
        == "The answer is -1500; yours is off by 3000."
    )


def test_numeric_zero_tolerance_is_exact_however_small_the_answer() -> None:
    floor = numeric(1e-10)
    assert grade_numeric(floor, "1e-10").verdict == Verdict.CORRECT
    assert grade_numeric(floor, "0.0000000001").verdict == Verdict.CORRECT
    assert grade_numeric(floor, "1e-12").verdict == Verdict.INCORRECT
    assert grade_numeric(floor, "0").verdict == Verdict.INCORRECT
    assert grade_numeric(numeric(0), "-0").verdict == Verdict.CORRECT
    assert grade_numeric(numeric(80, unit="ms"), "0.08 s").verdict == Verdict.CORRECT
    assert grade_numeric(numeric(0.3), "0.1e1").verdict == Verdict.INCORRECT
    assert grade_numeric(numeric(0.3), "3e-1").verdict == Verdict.CORRECT


# ------------------------------------------------------------------ order

ORDER = Order(id="o", type="order", prompt="P", items=["a", "b", "c", "d"])


def test_order_exact_is_correct() -> None:
    assert grade_order(ORDER, [0, 1, 2, 3]).verdict == Verdict.CORRECT


def test_order_counts_positions_right() -> None:
    result = grade_order(ORDER, [1, 0, 2, 3])
    assert result.verdict == Verdict.CLOSE  # a single swap
    assert result.message.startswith("2 of 4 positions right.")
    result = grade_order(ORDER, [3, 2, 1, 0])
    assert result.verdict == Verdict.INCORRECT
    assert result.marks == (False, False, False, False)
    assert result.message == "0 of 4 positions right."


def test_order_says_when_one_item_moved_shifts_the_others() -> None:
    """The last item put first leaves no position right, though the others are in order: the
    message says that one move puts them right (the verdict stays wrong)."""
    result = grade_order(ORDER, [3, 0, 1, 2])
    assert result.verdict == Verdict.INCORRECT
    assert result.message == (
        "0 of 4 positions right. The others are in order: moving one item puts them all right."
    )
    assert "moving one item" not in grade_order(ORDER, [3, 2, 0, 1]).message


def test_order_needs_every_item_once() -> None:
    with pytest.raises(ResponseError):
        grade_order(ORDER, [0, 0, 1, 2])


# ------------------------------------------------------------------ text responses (CLI)


def test_text_response_uses_shown_order() -> None:
    shown = [2, 0, 1]  # option 1 on screen is choice index 2 ("c"), option 2 is "a"
    assert grade_text(SINGLE, "2", shown).verdict == Verdict.CORRECT
    assert grade_text(SINGLE, "1", shown).verdict == Verdict.INCORRECT
    assert grade_text(ORDER, "2 3 4 1", [3, 0, 1, 2]).verdict == Verdict.CORRECT
    assert grade_text(ORDER, "2341", [3, 0, 1, 2]).verdict == Verdict.CORRECT
