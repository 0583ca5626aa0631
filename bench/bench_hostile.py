"""How long hostile decks take to reject: `lint` on one deck with N unknown keys (whose reporting
was once quadratic), and on a file of about 2 MB of them, in a fresh process each.

    python3 -m bench.bench_hostile              # 5,000 to 80,000 keys and the 2 MB file
    python3 -m bench.bench_hostile --runs 3

Wall and CPU time of the child (CPU is what a busy machine does not inflate); the per-key figure
staying flat as N grows is what linear means. Figures only: nothing is asserted.
"""

from __future__ import annotations

import argparse
import os
import resource
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

HEAD = "title: T\nquestions:\n  - id: a\n    type: basic\n    prompt: P\n    answer: A\n"


def deck_with_keys(path: Path, keys: int) -> int:
    """Write a deck whose one question has `keys` unknown keys; returns its size in bytes."""
    text = HEAD + "".join(f"    unknown-key-{i}: some value\n" for i in range(keys))
    path.write_text(text, encoding="utf-8")
    return len(text.encode())


def lint_time(
    path: Path, timeout: float = 600
) -> tuple[float, float, subprocess.CompletedProcess[str]]:
    """Wall and CPU seconds of `quizzer lint PATH` in a child, and what it printed and
    returned."""
    before = resource.getrusage(resource.RUSAGE_CHILDREN)
    start = time.perf_counter()
    env = {**os.environ, "QUIZZER_NO_CACHE": "1"}
    done = subprocess.run(
        [sys.executable, "-m", "quizzer", "lint", str(path)],
        env=env,
        capture_output=True,
        text=True,
        timeout=timeout,
    )
    wall = time.perf_counter() - start
    after = resource.getrusage(resource.RUSAGE_CHILDREN)
    cpu = (after.ru_utime - before.ru_utime) + (after.ru_stime - before.ru_stime)
    return wall, cpu, done


def main() -> None:
    """Print the table."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--runs", type=int, default=3)
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as tmp:
        path = Path(tmp) / "keys.yaml"
        two_mb = (2 * 1024 * 1024 - len(HEAD)) // len("    unknown-key-99999: some value\n")
        print(f"{'unknown keys':>12} {'size':>8} {'wall s':>8} {'cpu s':>8} {'cpu µs/key':>11}")
        for keys in (5_000, 20_000, 40_000, 80_000, two_mb):
            size = deck_with_keys(path, keys)
            runs = [lint_time(path) for _ in range(args.runs)]
            if any(done.returncode != 1 for _, _, done in runs):
                print("  (lint did not report problems: the figures below mean nothing)")
            wall = statistics.median(r[0] for r in runs)
            cpu = statistics.median(r[1] for r in runs)
            print(
                f"{keys:>12,} {size / 1e6:>6.2f}MB {wall:>8.2f} {cpu:>8.2f} "
                f"{cpu / keys * 1e6:>11.1f}"
            )


if __name__ == "__main__":
    main()
