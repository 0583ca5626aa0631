"""Benchmark the review screen: start-up to the first card, and keypress to the next card.

1. Start-up: a fresh `python3` process builds the app with `make_app(start_session=True)` over the
   bundled decks, runs it headless, and reports when the first card is on screen. As `quizzer
   review` does, it pauses the garbage collector before importing the app. Measured cold (no
   deck cache) and warm (cache filled by the previous run), from the moment the parent spawned
   the process, so interpreter start and every import count.
2. Latency: on a synthetic tree of a few hundred cards of every type, each card is answered up to
   its ratings with Pilot, then the rating key is sent and the time until the next card is fully
   presented is taken (the answer's SQLite commit, the queue, and the new card's widgets). The
   screen is painted at the next frame, at most 1/60 s later.

    python3 -m bench.bench_tui                  # 5 start-ups each way, 200 answers
    python3 -m bench.bench_tui --answers 500 --runs 3

It prints figures and asserts nothing: timings depend on the machine.
"""

from __future__ import annotations

import argparse
import asyncio
import json
import os
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent
NOW = "2026-03-02T09:00:00Z"

CHILD = """
import asyncio, json, sys, time
from quizzer.tui.graphics import start_probe
start_probe()  # as `quizzer review` does: the terminal is asked while the app is imported
from quizzer.tui import pause_collector
pause_collector()  # before the app's imports, as `quizzer review` starts it
from quizzer.tui.app import make_app
from quizzer.tui.screens.review import ReviewScreen, Stage

async def main() -> None:
    imported = time.time()
    app = make_app(start_session=True)
    async with app.run_test(size=(100, 30)):
        while not (isinstance(app.screen, ReviewScreen) and app.screen.stage is not Stage.EMPTY):
            await asyncio.sleep(0.002)
        shown = time.time()
    figures = json.dumps({"imported": imported, "shown": shown})
    if len(sys.argv) > 1:  # in a terminal, whose output is the terminal's
        with open(sys.argv[1], "w") as out:
            out.write(figures)
    else:
        print(figures)

asyncio.run(main())
"""


def startup(env: dict[str, str], terminal: bool = False) -> tuple[float, float]:
    """Seconds from spawning a process to its imports done, and to its first card shown; with
    `terminal`, in a pseudo-terminal (`in_terminal`)."""
    start = time.time()
    if terminal:
        text = in_terminal([sys.executable, "-c", CHILD], env)
    else:
        out = subprocess.run(
            [sys.executable, "-c", CHILD],
            env=env,
            cwd=ROOT,
            check=True,
            capture_output=True,
            text=True,
        ).stdout
        text = out.strip().splitlines()[-1]
    figures = json.loads(text)
    return figures["imported"] - start, figures["shown"] - start


def in_terminal(argv: list[str], env: dict[str, str]) -> str:
    """Run `argv` + [a file path] with a pseudo-terminal as its standard input and output, and
    return what it wrote to that file. Nothing answers the escape sequences it writes: a start
    in a terminal pays textual-image's questions (is there a graphics protocol, how large is a
    cell), which a headless start skips, each at its longest wait, as in a terminal that
    answers none of them."""
    import fcntl
    import pty
    import select
    import struct
    import termios

    master, slave = pty.openpty()
    # 100 columns by 30 rows, the headless size, and no size in pixels, as tmux reports
    fcntl.ioctl(slave, termios.TIOCSWINSZ, struct.pack("HHHH", 30, 100, 0, 0))
    seen = b""
    with tempfile.TemporaryDirectory() as tmp:
        result = Path(tmp) / "figures.json"
        proc = subprocess.Popen(
            [*argv, str(result)], env=env, cwd=ROOT, stdin=slave, stdout=slave, stderr=slave
        )
        os.close(slave)
        try:
            while proc.poll() is None:  # read what it writes, or a full terminal blocks it
                if select.select([master], [], [], 0.05)[0]:
                    try:
                        seen += os.read(master, 1 << 16)
                    except OSError:  # the child closed the terminal
                        break
            proc.wait()
        finally:
            os.close(master)
        if proc.returncode != 0 or not result.exists():
            tail = seen.decode(errors="replace")[-2000:]
            raise RuntimeError(f"the start in a terminal failed ({proc.returncode}): {tail}")
        return result.read_text()


def bench_startup(runs: int) -> None:
    """Time to the first card on the bundled decks, cold and warm."""
    with tempfile.TemporaryDirectory() as tmp:
        env = {
            **os.environ,
            "QUIZZER_HOME": str(Path(tmp) / "home"),
            "QUIZZER_NOW": NOW,
            "TZ": "UTC",
            "PYTHONPATH": str(ROOT),
        }
        env.pop("QUIZZER_DECKS", None)
        env.pop("PYTHONDONTWRITEBYTECODE", None)  # as installed: bytecode compiled once
        cold_env = {**env, "QUIZZER_NO_CACHE": "1"}
        cold = [startup(cold_env) for _ in range(runs)]
        startup(env)  # fill the deck cache
        warm = [startup(env) for _ in range(runs)]
    for label, figures in (("cold (no deck cache)", cold), ("warm (deck cache)", warm)):
        imports = statistics.median(f[0] for f in figures)
        shown = statistics.median(f[1] for f in figures)
        print(
            f"start-up to first card, {label:<21} median {shown * 1000:6.0f} ms "
            f"(imports done at {imports * 1000:.0f} ms; {runs} runs)"
        )


# ---------------------------------------------------------------- keypress latency


def synthetic_tree(root: Path, decks: int = 8, per_deck: int = 50) -> int:
    """Write `decks` decks of `per_deck` questions of every type; returns the number of cards."""
    kinds = ["basic", "basic", "cloze", "choice", "typed", "numeric", "order", "basic"]
    cards = 0
    for d in range(decks):
        folder = ("lang", "math", "music", "speech")[d % 4]
        lines = [f"title: Synthetic {d}", "questions:"]
        for q in range(per_deck):
            kind = kinds[q % len(kinds)]
            lines += [
                f"  - id: q{q:03d}",
                f"    type: {kind}",
                f"    explanation: Because of rule {q}, with $x_{q}$ as the example.",
            ]
            if kind == "basic":
                lines += [
                    f"    prompt: What is **fact {q}** of deck {d}?",
                    f"    answer: Fact {q} is `{q * 7}`.",
                ]
            elif kind == "cloze":
                lines += [f"    text: 'Deck {d} says {{{{c1::fact {q}}}}} holds.'"]
            elif kind == "choice":
                lines += [
                    f"    prompt: Which is option {q}?",
                    "    choices:",
                    f"      - {{text: option {q}, correct: true}}",
                    f"      - {{text: option {q + 1}, feedback: Off by one.}}",
                    f"      - {{text: option {q + 2}}}",
                ]
            elif kind == "typed":
                lines += [f"    prompt: Type word {q}.", f"    answers: [word{q}]"]
            elif kind == "numeric":
                lines += [f"    prompt: How many {q}?", f"    answer: {q}", "    unit: items"]
            else:
                lines += [
                    f"    prompt: Order list {q}.",
                    "    items: [first, second, third, fourth]",
                ]
            cards += 1
        path = root / folder / f"deck-{d}.yaml"
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text("\n".join(lines) + "\n", encoding="utf-8")
    return cards


async def bring_to_ratings(pilot: Any, screen: Any) -> None:
    """Answer the card on screen (rightly or not) up to its ratings."""
    from quizzer.tui.screens.review import Stage

    stage = screen.stage
    if stage is Stage.REVEAL:
        await pilot.press("space")
    elif stage is Stage.CHOOSE:
        await pilot.press("1", "enter")
    elif stage is Stage.ORDER:
        await pilot.press("enter")
    elif stage is Stage.TYPE:
        await pilot.press("7", "enter")


async def measure_latency(answers: int) -> tuple[list[float], int]:
    """Keypress-to-next-card times (s) over `answers` answers, and the synthetic tree's size."""
    from textual import events

    from quizzer.collection import open_collection
    from quizzer.tui.app import make_app
    from quizzer.tui.screens.review import QUESTION_STAGES, ReviewScreen

    cards = synthetic_tree(Path(os.environ["QUIZZER_DECKS"]))
    collection = open_collection()
    app = make_app(collection=collection, start_session=True)
    times: list[float] = []
    async with app.run_test(size=(100, 30)) as pilot:
        await pilot.pause()
        screen = app.screen
        assert isinstance(screen, ReviewScreen)
        for n in range(answers):
            await bring_to_ratings(pilot, screen)
            await pilot.pause()
            before = screen.card
            key = "4" if n % 3 else "3"
            start = time.perf_counter()
            assert app._driver is not None
            app._driver.send_message(events.Key(key, key))
            while screen.card is before or screen.stage not in QUESTION_STAGES:
                await asyncio.sleep(0)
                if not isinstance(app.screen, ReviewScreen):
                    break
            times.append(time.perf_counter() - start)
            if not isinstance(app.screen, ReviewScreen):
                break
    collection.close()
    return times, cards


def bench_latency(answers: int) -> None:
    """Median and p95 of keypress to next card."""
    with tempfile.TemporaryDirectory() as tmp:
        home = Path(tmp) / "home"
        home.mkdir()
        (home / "config.toml").write_text("new_per_day = 1000\n", encoding="utf-8")
        os.environ.update(
            QUIZZER_HOME=str(home),
            QUIZZER_DECKS=str(Path(tmp) / "decks"),
            QUIZZER_NOW=NOW,
            TZ="UTC",
        )
        times, cards = asyncio.run(measure_latency(answers))
    ms = sorted(t * 1000 for t in times)
    p95 = ms[min(len(ms) - 1, round(0.95 * (len(ms) - 1)))]
    print(
        f"keypress to next card, {len(ms)} answers on {cards} cards: "
        f"median {statistics.median(ms):.1f} ms, p95 {p95:.1f} ms, max {ms[-1]:.1f} ms"
    )


def main(argv: list[str] | None = None) -> int:
    """Run both benchmarks and print their figures."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0] if __doc__ else None)
    parser.add_argument("--runs", type=int, default=5, help="start-ups to time each way (5)")
    parser.add_argument("--answers", type=int, default=200, help="answers to time (200)")
    parser.add_argument("--skip-startup", action="store_true", help="only time keypresses")
    args = parser.parse_args(argv)
    if not args.skip_startup:
        bench_startup(args.runs)
    bench_latency(args.answers)
    return 0


if __name__ == "__main__":
    sys.exit(main())
