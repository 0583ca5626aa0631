"""Playing a card's sound clip through a system player, without waiting for it.

The player is the command in `QUIZZER_PLAYER`, else `player` in config.toml, else the first of
`ffplay`, `paplay`, `aplay` and `afplay` on the PATH; the file's path is its last argument.
Playback runs in its own process (never blocking the caller) and is stopped when another clip
starts or the card changes.
"""

from __future__ import annotations

import os
import shlex
import shutil
import subprocess
from pathlib import Path

SYSTEM_PLAYERS: tuple[tuple[str, ...], ...] = (
    ("ffplay", "-nodisp", "-autoexit", "-loglevel", "quiet"),
    ("paplay",),
    ("aplay", "-q"),
    ("afplay",),
)
"""Players tried in order when none is configured (ffmpeg's, PulseAudio's, ALSA's, macOS's)."""


class NoPlayer(Exception):
    """No player was found or the configured one cannot start; the message says what to do."""


def find_player(configured: str | None = None) -> list[str] | None:
    """The player command (without the file), or None when there is none."""
    chosen = os.environ.get("QUIZZER_PLAYER") or configured
    if chosen:
        return shlex.split(chosen)
    for command in SYSTEM_PLAYERS:
        if shutil.which(command[0]):
            return list(command)
    return None


class Player:
    """Plays one clip at a time."""

    def __init__(self, configured: str | None = None) -> None:
        self.configured = configured
        self.process: subprocess.Popen[bytes] | None = None

    def play(self, path: Path) -> list[str]:
        """Start playing `path` (stopping any clip still playing); return the command run.
        Raises NoPlayer with a one-line message naming the file when it cannot."""
        self.stop()
        command = find_player(self.configured)
        if command is None:
            raise NoPlayer(
                f"no audio player found (install ffmpeg, pulseaudio-utils or alsa-utils, or set "
                f"QUIZZER_PLAYER); the clip is {path}"
            )
        command = [*command, str(path)]
        try:
            self.process = subprocess.Popen(
                command,
                stdin=subprocess.DEVNULL,
                stdout=subprocess.DEVNULL,
                stderr=subprocess.DEVNULL,
                start_new_session=True,  # a terminal's Ctrl+C goes to quizzer, not the player
            )
        except OSError as exc:
            raise NoPlayer(
                f"cannot run the player {command[0]!r}: {exc.strerror or exc}; the clip is {path}"
            ) from None
        return command

    @property
    def playing(self) -> bool:
        """True while a clip started here is still playing."""
        return self.process is not None and self.process.poll() is None

    def stop(self) -> None:
        """Stop the clip playing, if any, and reap its process."""
        process, self.process = self.process, None
        if process is None or process.poll() is not None:
            return
        process.terminate()
        try:
            process.wait(timeout=2)
        except subprocess.TimeoutExpired:
            process.kill()
            process.wait()
