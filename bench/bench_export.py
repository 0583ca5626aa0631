"""How long `quizzer export anki` takes: the bundled decks, a synthetic 10,000-question tree, and
that tree with a learner's history (`--with-progress`).

    python3 -m bench.bench_export                 # all three
    python3 -m bench.bench_export --reviews 0     # skip the history case
    python3 -m bench.bench_export --runs 5

Each figure is the median of several runs of the export itself; the decks are loaded once, and
that load is timed on its own. CPU time is shown beside wall time, which a busy machine inflates.
The history case uses bench/generate.py's simulated collection, generated once and cached in
bench/out/. Figures only: nothing is asserted.
"""

from __future__ import annotations

import argparse
import os
import random
import shutil
import statistics
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

NOW_ISO = "2026-03-02T09:00:00Z"
FOLDERS = ["asr", "tts", "speaker-verification", "diarization", "foundations"]


def synthetic_tree(root: Path, questions: int, per_deck: int = 100, seed: int = 11) -> int:
    """Write `questions` questions of every type (Markdown, math, cloze hints) as YAML decks
    under `root`; returns the number of deck files."""
    rng = random.Random(seed)
    decks = 0
    for start in range(0, questions, per_deck):
        folder = FOLDERS[decks % len(FOLDERS)]
        lines = [
            f"title: Topic {decks}",
            "description: A *synthetic* deck for benchmarks.",
            "tags: [bench, synthetic]",
            "sources: [Made up]",
            "questions:",
        ]
        for i in range(start, min(start + per_deck, questions)):
            lines += _question(i, rng)
        path = root / folder / f"topic-{decks:04d}.yaml"
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text("\n".join(lines) + "\n", encoding="utf-8")
        decks += 1
    return decks


def _question(i: int, rng: random.Random) -> list[str]:
    kind = ["basic", "cloze", "choice", "typed", "numeric", "order"][i % 6]
    head = [
        f"  - id: q{i}",
        f"    type: {kind}",
        f"    explanation: 'Because $x_{{{i}}} = {i}$ and **this** holds.'",
        f"    source: Paper {i % 97}, section {i % 7}",
    ]
    prompt = f"    prompt: 'What is `item {i}` when $a_i * b_i$ is {rng.randint(1, 99)}?'"
    if kind == "basic":
        return [
            *head,
            prompt,
            f"    answer: Answer number {i}, with a [link](https://example.org)",
            f"    reverse: {'true' if i % 12 == 0 else 'false'}",
        ]
    if kind == "cloze":
        return [
            *head,
            f"    text: 'Fact {i}: {{{{c1::first part}}}} then "
            f"{{{{c2::second $y_{{{i}}}$::hint}}}} and {{{{c3::third}}}}.'",
        ]
    if kind == "choice":
        return [
            *head,
            prompt,
            "    choices:",
            "      - {text: 'Right one', correct: true, feedback: 'Yes.'}",
            "      - {text: 'Wrong one', feedback: 'No.'}",
            "      - {text: 'Another wrong one'}",
            "      - {text: 'Also wrong'}",
        ]
    if kind == "typed":
        return [*head, prompt, f"    answers: ['answer {i}', 'alias {i}']"]
    if kind == "numeric":
        return [*head, prompt, f"    answer: {i * 10}", "    tolerance: 5%", "    unit: ms"]
    return [*head, prompt, "    items: [first, second, third, fourth, fifth]"]


def median_time(fn: Callable[[], Any], runs: int) -> tuple[float, float, Any]:
    """Median wall and CPU time of `runs` calls, and the last result."""
    wall, cpu, result = [], [], None
    for _ in range(runs):
        start, start_cpu = time.perf_counter(), time.process_time()
        result = fn()
        wall.append(time.perf_counter() - start)
        cpu.append(time.process_time() - start_cpu)
    return statistics.median(wall), statistics.median(cpu), result


def bench_tree(
    label: str, decks: Path, out: Path, runs: int, *, with_progress: bool = False
) -> None:
    """Load a decks tree once, then time its export; print one line."""
    os.environ["QUIZZER_DECKS"] = str(decks)
    from quizzer.clock import parse_instant, to_ms
    from quizzer.collection import load_decks, open_collection
    from quizzer.export.anki import export_anki
    from quizzer.export.anki_progress import progress_from

    start = time.perf_counter()
    tree = load_decks(decks)
    load_s = time.perf_counter() - start
    now_ms = to_ms(parse_instant(NOW_ISO))
    if with_progress:
        col = open_collection(tree=tree)

        def run() -> Any:
            return export_anki(tree, out, now_ms=now_ms, progress=progress_from(col))
    else:

        def run() -> Any:
            return export_anki(tree, out, now_ms=now_ms)

    wall, cpu, result = median_time(run, runs)
    extra = f", {result.reviews:,} reviews" if result.reviews is not None else ""
    print(
        f"{label:<34} load {load_s:5.2f} s   export {wall:6.2f} s (CPU {cpu:5.2f} s)   "
        f"{result.decks} decks, {result.notes:,} notes, {result.cards:,} cards{extra}, "
        f"{out.stat().st_size / 1e6:.1f} MB"
    )


def main(argv: list[str] | None = None) -> int:
    """Print export timings."""
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--questions", type=int, default=10_000, help="synthetic tree size")
    parser.add_argument(
        "--reviews", type=int, default=100_000, help="review events in the history case (0 to skip)"
    )
    parser.add_argument("--runs", type=int, default=3, help="runs per figure (median)")
    args = parser.parse_args(argv)

    work = Path(__file__).resolve().parent / "out" / "export-bench"
    shutil.rmtree(work, ignore_errors=True)
    work.mkdir(parents=True)
    try:
        os.environ.update(QUIZZER_HOME=str(work / "home"), QUIZZER_NOW=NOW_ISO, TZ="UTC")
        from quizzer import paths

        bench_tree("bundled decks", paths.bundled_decks(), work / "bundled.apkg", args.runs)
        synthetic = work / "synthetic"
        synthetic_tree(synthetic, args.questions)
        bench_tree(
            f"synthetic {args.questions:,} questions", synthetic, work / "synthetic.apkg", args.runs
        )
        if args.reviews:
            from bench.generate import Spec, generate

            gen = generate(Spec(args.questions, args.reviews), quiet=True)
            home = gen.copy_home(work / "progress-home")
            os.environ["QUIZZER_HOME"] = str(home)
            bench_tree(
                f"  + --with-progress ({args.reviews:,} rev)",
                gen.decks,
                work / "progress.apkg",
                args.runs,
                with_progress=True,
            )
    finally:
        shutil.rmtree(work, ignore_errors=True)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
