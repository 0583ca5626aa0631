"""The one base of quizzer's errors: its message is the line the command line prints."""

from __future__ import annotations


class QuizzerError(Exception):
    """A failure to report as one line on stderr (exit status 2), never as a traceback."""


class DecksNotFound(QuizzerError):
    """The decks folder asked for (`--decks` or `QUIZZER_DECKS`) does not exist."""


class CommandError(QuizzerError):
    """Bad usage, or an input a command cannot use (exit status 2)."""
