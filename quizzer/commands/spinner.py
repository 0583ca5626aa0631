"""A one-line progress indicator for long commands (optimize, retention, sync, check, rebuild)."""

from __future__ import annotations

import sys
import threading
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from typing import IO


class Spinner:
    """A one-line progress indicator on stderr: a spinner with the elapsed time on a terminal,
    one line per stage otherwise.

    fsrs-rs-python offers no progress callback and keeps the GIL while it trains, so the spinner
    pauses during a fit; the stage text still says what is running."""

    FRAMES = "⠋⠙⠹⠸⠼⠴⠦⠧⠇⠏"

    def __init__(self, stream: IO[str] | None = None, *, live: bool | None = None) -> None:
        self.stream = stream or sys.stderr
        self.live = self.stream.isatty() if live is None else live
        self.text = ""
        self._start = time.monotonic()
        self._lock = threading.Lock()
        self._done = threading.Event()
        self._thread: threading.Thread | None = None

    def __enter__(self) -> Spinner:
        if self.live:
            self._thread = threading.Thread(target=self._spin, daemon=True)
            self._thread.start()
        return self

    def __exit__(self, *exc: object) -> None:
        self._done.set()
        if self._thread is not None:
            self._thread.join()
            self.stream.write("\r\x1b[K")
            self.stream.flush()

    def stage(self, text: str) -> None:
        """Say what is running now."""
        with self._lock:
            self.text = text
        if not self.live:
            print(f"quizzer: {text}...", file=self.stream, flush=True)

    def step(self, text: str) -> None:
        """A finer step of the current stage: shown by the spinner only."""
        with self._lock:
            self.text = text

    def _spin(self) -> None:
        frame = 0
        while not self._done.wait(0.1):
            with self._lock:
                text = self.text
            elapsed = time.monotonic() - self._start
            self.stream.write(
                f"\r{self.FRAMES[frame % len(self.FRAMES)]} {text} ({elapsed:.0f}s)\x1b[K"
            )
            self.stream.flush()
            frame += 1


@contextmanager
def on_terminal() -> Iterator[Callable[[str], None] | None]:
    """A spinner's `stage` while the block runs, when stderr is a terminal; None otherwise (a
    script, or cron, wants the result line alone)."""
    if not sys.stderr.isatty():
        yield None
        return
    with Spinner() as progress:
        yield progress.stage
