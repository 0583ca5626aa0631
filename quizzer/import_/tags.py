"""An imported question's tags, weighed as Anki holds them.

A card's tags in quizzer are its deck's and its question's together. Anki has no deck tags, and
its tags cannot hold spaces: quizzer's export gives every note its deck's tags too, spelled the
Anki way (`speech recognition` becomes `speech_recognition`). So a tag the deck a question goes
into already has is no tag of the question's, and two lists of tags are the same when Anki would
hold the same tags for them.
"""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

from quizzer.export.anki import anki_tag


def anki_form(tag: str) -> str:
    """A tag as Anki holds it, folded as quizzer's search folds it."""
    return anki_tag(tag).casefold()


def tag_list(value: Any) -> list[str] | None:
    """The tags of a deck or question as read from YAML; None when they are not a list of
    strings (a file the user broke, which then matches nothing)."""
    if value is None:
        return []
    if isinstance(value, list) and all(isinstance(t, str) for t in value):
        return value
    return None


def without_deck_tags(tags: Iterable[str], deck_tags: Iterable[str]) -> list[str]:
    """The question's tags less those its deck gives every question anyway."""
    given = {anki_form(t) for t in deck_tags}
    return [t for t in tags if anki_form(t) not in given]


def same_tags(current: Iterable[str], new: Iterable[str], deck_tags: Iterable[str]) -> bool:
    """Whether a question in a deck with `deck_tags` has, in Anki's spelling, the same tags with
    `current` as with `new`."""
    deck = list(deck_tags)

    def held(tags: Iterable[str]) -> set[str]:
        return {anki_form(t) for t in [*deck, *tags]} - {""}

    return held(current) == held(new)


def respelled(new: Iterable[str], current: Iterable[str]) -> list[str]:
    """`new`, with each tag that Anki holds as one of `current` spelled as `current` spells it
    (the user's `speech recognition`, not the package's `speech_recognition`)."""
    spelling = {anki_form(t): t for t in current}
    return [spelling.get(anki_form(t), t) for t in new]
