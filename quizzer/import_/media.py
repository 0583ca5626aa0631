"""A package's media files into the `media/` folders beside the decks: each question shows its own.

Anki's media names are flattened into harmless file names, and different names can flatten to
one (`a b.png` and `a-b.png`), or name a file a deck folder already has with other content. So a
field's Markdown refers to a media file by a token (`media_token`), and the token becomes a path
only once the folder the question goes to is known (`MediaPlacer.choose`): the flat name, unless
that name holds a different file (already there, or placed by this import), and then the flat
name with a short hash of the content (`a-b-1f2e3d4c.png`). A file whose content is already under
the name it gets is used as it is, not copied again; nothing is ever overwritten.
"""

from __future__ import annotations

import hashlib
import re
import shutil
from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from quizzer.errors import QuizzerError

_QUIZZER_PREFIX = re.compile(r"quizzer-[0-9a-f]{12}-")
_UNSAFE_NAME = re.compile(r"[^\w.+-]+")
# Private-use characters frame the tokens: field text does not have them, and only the tokens of
# a question's own media are replaced.
_OPEN, _CLOSE = "\ue002", "\ue003"
_TOKEN = re.compile(f"{_OPEN}([0-9a-f]{{16}}){_CLOSE}")
_NOT_A_FILE = "-"
"""The digest of a path that is there but is no regular file: it matches no content."""


class MediaError(QuizzerError, ValueError):
    """A media file has no name left to go under; one line naming it."""


def safe_media_name(name: str) -> str:
    """A flat, harmless file name for an Anki media name (no folders, no leading dot); quizzer's
    own export prefix is taken off again."""
    base = name.replace("\\", "/").rsplit("/", 1)[-1]
    base = _QUIZZER_PREFIX.sub("", base, count=1)
    base = _UNSAFE_NAME.sub("-", base).strip("-.")
    return base or "media"


def media_token(name: str) -> str:
    """What a field's Markdown holds, until the question is placed, for the media file `name`."""
    return f"{_OPEN}{_key(name)}{_CLOSE}"


def _key(name: str) -> str:
    return hashlib.blake2b(name.encode(), digest_size=8).hexdigest()


def with_paths(question: Any, paths: dict[str, str]) -> Any:
    """A copy of `question` (a dict, list or text) with the token of each media name in `paths`
    replaced by the file name given there."""
    by_key = {_key(name): path for name, path in paths.items()}

    def path_of(match: re.Match[str]) -> str:
        return by_key.get(match.group(1), match.group(0))

    def walk(value: Any) -> Any:
        if isinstance(value, str):
            return _TOKEN.sub(path_of, value) if _OPEN in value else value
        if isinstance(value, list):
            return [walk(v) for v in value]
        if isinstance(value, dict):
            return {k: walk(v) for k, v in value.items()}
        return value

    return walk(question)


@dataclass(frozen=True, slots=True)
class Placement:
    """Where one media file of the package goes."""

    name: str
    """Its Anki name."""
    target: Path
    copy: bool
    """False when `target` already holds this very file."""
    taken: Path | None = None
    """The file of its flat name, when that holds a different file."""
    taken_by: str | None = None
    """The Anki name of the package's file at `taken`; None when it was there before."""


class MediaPlacer:
    """Chooses the file each media file of the package (in `media_dir`) goes to, and copies it."""

    def __init__(self, media_dir: Path) -> None:
        self.media_dir = media_dir
        self._digests: dict[str, str] = {}
        self._on_disk: dict[Path, str | None] = {}
        self.placed: dict[Path, tuple[str, str]] = {}
        """(content digest, Anki name) of each file this import wrote (or, in a dry run, would)."""

    def choose(self, names: Iterable[str], folder: Path) -> list[Placement]:
        """Where the media files `names` go in `folder`'s `media/`: nothing is copied yet."""
        pending: dict[Path, tuple[str, str]] = {}
        chosen = []
        for name in sorted(names):
            digest = self._digest(self.media_dir / name)
            taken: Path | None = None
            taken_by: str | None = None
            for candidate in _candidates(safe_media_name(name), digest):
                target = folder / "media" / candidate
                holder = pending.get(target) or self.placed.get(target)
                held = holder[0] if holder else self._disk(target)
                if held is None or held == digest:
                    break
                if taken is None:
                    taken, taken_by = target, holder[1] if holder else None
            else:  # the content's own name holds other content: made by hand, not by an import
                raise MediaError(f"{folder / 'media'}: no free name for {name!r}")
            if held is None:
                pending[target] = (digest, name)
            chosen.append(Placement(name, target, held is None, taken, taken_by))
        return chosen

    def copy(self, placements: Iterable[Placement], *, dry_run: bool) -> list[Placement]:
        """Copy the files chosen (in a dry run, only note them); returns those copied now."""
        copied = []
        for p in placements:
            if not p.copy or p.target in self.placed:
                continue
            if not dry_run:
                p.target.parent.mkdir(parents=True, exist_ok=True)
                shutil.copyfile(self.media_dir / p.name, p.target)
            self.placed[p.target] = (self._digest(self.media_dir / p.name), p.name)
            copied.append(p)
        return copied

    def _digest(self, path: Path) -> str:
        key = str(path)
        found = self._digests.get(key)
        if found is None:
            with path.open("rb") as f:
                found = self._digests[key] = hashlib.file_digest(f, "sha256").hexdigest()
        return found

    def _disk(self, target: Path) -> str | None:
        if target not in self._on_disk:
            if target.is_file():
                self._on_disk[target] = self._digest(target)
            elif target.exists() or target.is_symlink():
                self._on_disk[target] = _NOT_A_FILE
            else:
                self._on_disk[target] = None
        return self._on_disk[target]


def _candidates(flat: str, digest: str) -> Iterator[str]:
    """The flat name, then the flat name with ever longer hashes of the content."""
    yield flat
    stem, dot, suffix = flat.rpartition(".")
    stem, suffix = (stem, dot + suffix) if stem else (flat, "")
    for length in (8, 16, 64):
        yield f"{stem}-{digest[:length]}{suffix}"
