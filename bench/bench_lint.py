"""How long `quizzer lint` takes on one deck of N typed questions (its check that no typed answer
is also accepted by another question once compared every answer with every question), in a
fresh process each, without the deck cache.

    python3 -m bench.bench_lint                  # 1,000, 4,000 and 16,000 questions
    python3 -m bench.bench_lint --sizes 1000 2000 --runs 1

The deck mixes names, names with a generic noun the prompt uses, and numbers with units; one
question in fifty shares an answer with the one before, so the warnings printed are the same
findings at every size (their count is in the table). Wall and CPU time of the child; the CPU
per question staying flat as N grows is what linear means. Figures only: nothing is asserted.
"""

from __future__ import annotations

import argparse
import statistics
import tempfile
from pathlib import Path

from bench.bench_hostile import lint_time


def typed_deck(n: int) -> str:
    """A deck of `n` typed questions, with explanation and source so that only shared answers
    warn."""
    lines = ["title: Typed", "questions:"]
    previous = ""
    for i in range(n):
        kind = i % 4
        if kind == 0:
            prompt, answers = f"Which model is number {i}?", [f"Model{i}Net", f"M{i}N"]
        elif kind == 1:
            prompt, answers = f"Which vocoder came {i}th?", [f"Voc-{i} vocoder", f"voc {i}"]
        elif kind == 2:
            prompt, answers = f"How long is window {i}?", [f"{i + 1} ms", f"{(i + 1) / 1000} s"]
        else:
            prompt, answers = f"What is the accented name {i}?", [f"Café {i}", f"thé {i}"]
        if i % 50 == 49:  # shares its first answer with the question before
            answers.append(previous)
        previous = answers[0]
        listed = ", ".join(f'"{a}"' for a in answers)
        lines += [
            f"  - id: q{i}",
            "    type: typed",
            f"    prompt: {prompt}",
            f"    answers: [{listed}]",
            "    explanation: E.",
            "    source: S.",
        ]
    return "\n".join(lines) + "\n"


def main() -> None:
    """Print the table."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--sizes", type=int, nargs="+", default=[1_000, 4_000, 16_000])
    parser.add_argument("--runs", type=int, default=3)
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as tmp:
        path = Path(tmp) / "typed.yaml"
        print(f"{'questions':>10} {'wall s':>8} {'cpu s':>8} {'cpu ms/q':>9} {'warnings':>9}")
        for n in args.sizes:
            path.write_text(typed_deck(n), encoding="utf-8")
            runs = [lint_time(path) for _ in range(args.runs)]
            wall = statistics.median(r[0] for r in runs)
            cpu = statistics.median(r[1] for r in runs)
            warnings = runs[0][2].stdout.count(": warning: ")
            print(f"{n:>10,} {wall:>8.2f} {cpu:>8.2f} {cpu / n * 1e3:>9.2f} {warnings:>9,}")


if __name__ == "__main__":
    main()
