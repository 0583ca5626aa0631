"""How today's answers are worded, alike on home, on the statistics screen and in `quizzer stats`:
every answer is counted, reviews and cram together, and the cram ones among them are named, as
`quizzer stats --json` keeps them apart (`today.reviews`, `today.cram`)."""

from __future__ import annotations

from quizzer.scheduling import describe_duration
from quizzer.wording import counted


def answers_done(answers: int, cram: int, time_ms: int) -> str:
    """`19 answers (3 cram) in 4m 10s`: answers of every kind, the cram ones among them (they
    change no schedule), and the time they took; `0 answers` when there is none."""
    text = counted(answers, "answer", grouped=True)
    if cram:
        text += f" ({cram:,} cram)"
    if answers:
        text += f" in {describe_duration(time_ms)}"
    return text
