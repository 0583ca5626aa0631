"""The terminal app.

Python's cyclic garbage collector is paused while the app starts (`make_app`, and `quizzer
review` before it imports the app) until the app's first screen holds what it should
(`QuizzerApp`), then runs as usual. A start allocates a few hundred thousand objects that live as
long as the app (the modules, Textual's styles, the deck cache's data); the collections they set
off found nothing to free and took about 0.1 s of a start that should take under 0.6 s.
"""

from __future__ import annotations

import gc

_paused = False


def pause_collector() -> None:
    """Stop the cyclic garbage collector until `resume_collector` (unless something else
    already had)."""
    global _paused
    if gc.isenabled():
        gc.disable()
        _paused = True


def resume_collector() -> None:
    """Let the collector run again, if `pause_collector` stopped it."""
    global _paused
    if _paused:
        _paused = False
        gc.enable()
