"""Figures and clips in deck text: which references a card has, and what `quizzer lint` refuses."""

from __future__ import annotations

import os
from collections.abc import Callable
from pathlib import Path

import pytest
from media_support import png_bytes, wav_bytes

from quizzer.cli import main
from quizzer.decks.loader import LoadedDeck, load_file
from quizzer.decks.media import MAX_BYTES, card_media, references, strip_references

DECK = """\
title: Media
questions:
  - id: figure
    type: choice
    prompt: |-
      Which window produced this spectrum?

      ![spectrum of a window](media/{figure})
    choices:
      - {{text: Hann, correct: true}}
      - {{text: rectangular}}
    source: computed
  - id: clip
    type: basic
    prompt: Which bit depth is this? ![a tone](media/{clip})
    answer: 3 bits
"""


def write_media_deck(
    write_deck: Callable[[str, str], Path], figure: str = "f.png", clip: str = "c.wav"
) -> Path:
    path = write_deck("demo/media", DECK.format(figure=figure, clip=clip))
    media = path.parent / "media"
    media.mkdir(exist_ok=True)
    return media


def lint(capsys: pytest.CaptureFixture[str], target: Path) -> tuple[int, list[str]]:
    code = main(["lint", str(target)])
    out = capsys.readouterr()
    assert "Traceback" not in out.out + out.err
    # this deck leaves out sources and explanations: only the media problems matter here
    return code, [ln for ln in out.out.splitlines() if ": warning: " not in ln]


def test_references_know_figures_from_clips_and_skip_code_and_urls() -> None:
    text = (
        "See ![mel, 40 bands](media/mel-40.png) and ![tone](<media/a tone.WAV>), "
        "not `![x](media/x.png)` nor ![web](https://example.com/a.png)."
    )
    refs = references(text)
    assert [(r.alt, r.src, r.kind) for r in refs] == [
        ("mel, 40 bands", "media/mel-40.png", "image"),
        ("tone", "media/a tone.WAV", "audio"),
    ]
    assert strip_references("Look:\n\n![a](media/a.png)\n\nthen answer.") == "Look:\n\nthen answer."


def test_card_media_splits_front_and_back(
    write_deck: Callable[[str, str], Path], decks_dir: Path
) -> None:
    write_media_deck(write_deck)
    loaded = load_file(decks_dir / "demo" / "media.yaml", "demo/media")
    assert isinstance(loaded, LoadedDeck)
    figure, clip = loaded.cards
    assert [r.src for r in card_media(figure)[0]] == ["media/f.png"]
    assert [r.kind for r in card_media(clip)[0]] == ["audio"]
    assert card_media(clip)[1] == []


def test_lint_accepts_real_media(
    write_deck: Callable[[str, str], Path], decks_dir: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    media = write_media_deck(write_deck)
    (media / "f.png").write_bytes(png_bytes())
    (media / "c.wav").write_bytes(wav_bytes())
    assert lint(capsys, decks_dir) == (0, [])
    assert lint(capsys, decks_dir / "demo" / "media.yaml") == (0, [])


@pytest.mark.parametrize(
    ("setup", "message"),
    [
        ("missing", "'media/f.png': no such file"),
        ("outside", "'media/../../../outside.png' leaves the decks folder"),
        ("wrong-kind", "'media/f.png' is named .png but holds WAV data"),
        ("not-media", "'media/f.png' is named .png but holds not a known media format"),
        ("too-big", "'media/c.wav' is 2048 KiB; the limit for audio is 2048 KiB"),
        ("fifo", "'media/f.png' is not a regular file"),
        ("directory", "'media/f.png' is not a regular file"),
        ("unknown", "'media/f.gif': unknown media type"),
    ],
)
def test_lint_refuses_bad_media_on_one_located_line(
    setup: str,
    message: str,
    write_deck: Callable[[str, str], Path],
    decks_dir: Path,
    capsys: pytest.CaptureFixture[str],
) -> None:
    figure = {"outside": "../../../outside.png", "unknown": "f.gif"}.get(setup, "f.png")
    media = write_media_deck(write_deck, figure=figure)
    (media / "c.wav").write_bytes(wav_bytes())
    if setup == "outside":
        (decks_dir.parent / "outside.png").write_bytes(png_bytes())
    elif setup == "wrong-kind":
        (media / "f.png").write_bytes(wav_bytes())
    elif setup == "not-media":
        (media / "f.png").write_text("hello")
    elif setup == "too-big":
        (media / "f.png").write_bytes(png_bytes())
        (media / "c.wav").write_bytes(wav_bytes(MAX_BYTES["audio"] // 2 + 100))
    elif setup == "fifo":
        if not hasattr(os, "mkfifo"):
            pytest.skip("no FIFOs here")
        os.mkfifo(media / "f.png")  # opening it to read would hang the linter
    elif setup == "directory":
        (media / "f.png").mkdir()
    code, lines = lint(capsys, decks_dir)
    assert code == 1
    assert len(lines) == 1, lines
    where, text = lines[0].split(": ", 1)
    path, line, column = where.rsplit(":", 2)
    assert path.endswith("demo/media.yaml")
    deck_lines = Path(path).read_text().splitlines()
    src = "media/c.wav" if setup == "too-big" else f"media/{figure}"
    assert deck_lines[int(line) - 1][int(column) - 1 :].startswith(src)
    assert text.startswith(message), text


def test_next_json_lists_the_card_media_with_absolute_paths(
    write_deck: Callable[[str, str], Path], decks_dir: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    import json

    media = write_media_deck(write_deck)
    (media / "f.png").write_bytes(png_bytes())
    (media / "c.wav").write_bytes(wav_bytes())
    assert main(["next", "--json"]) == 0
    card = json.loads(capsys.readouterr().out)
    assert card["card_id"] == "demo/media:figure"
    assert card["media"] == [
        {
            "side": "front",
            "kind": "image",
            "path": str((media / "f.png").resolve()),
            "alt": "spectrum of a window",
        }
    ]
    assert main(["answer", "demo/media:figure", "--response", "1"]) == 0
    capsys.readouterr()
    assert main(["next", "--json"]) == 0
    card = json.loads(capsys.readouterr().out)
    assert card["card_id"] == "demo/media:clip"
    assert [(m["kind"], Path(m["path"]).name) for m in card["media"]] == [("audio", "c.wav")]
    assert Path(card["media"][0]["path"]).is_absolute()
