"""The benchmark suite: one command, one table.

    python3 -m bench.run            # 1k q / 10k rev, 10k q / 10k rev, 10k q / 1M rev
    python3 -m bench.run --quick    # the two small collections, fewer runs (< 3 minutes)
    python3 -m bench.run --no-anki  # skip the Anki side
    python3 -m bench.run --huge     # also 10k q / 5M rev: the interactive rows only, no Anki
    python3 -m bench.run --only bundled  # the TUI's start on the bundled decks, as installed

Every figure is the median of several runs (the p95 too for answers). Command-line rows run a
fresh `python3 -m quizzer ...` process each time (the "cold" start a script or a shell prompt
pays); in-process rows time the core's call in an already open collection, in a child process
so that the measuring process stays clean. The same collection is loaded into a real Anki
collection (bench/anki_compare.py) and timed on the matching operations; the ratio column is
quizzer's time divided by Anki's (below 1: quizzer is faster). Peak memory is the child's
`ru_maxrss`. Generated collections are cached in bench/out/ (gitignored); the table is also
written to bench/out/results.md and results.json.
"""

from __future__ import annotations

import argparse
import importlib.util
import json
import os
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from collections.abc import Callable, Sequence
from dataclasses import asdict, dataclass, field
from pathlib import Path
from typing import Any

from bench.anki_compare import DUE_SAMPLES, STATS_SAMPLES
from bench.generate import NOW_ISO, OUT, Generated, Spec, generate

REPO = Path(__file__).resolve().parent.parent


@dataclass(slots=True)
class Row:
    """One line of the table."""

    collection: str
    operation: str
    quizzer: str
    anki: str = ""
    ratio: str = ""
    goal: str = ""
    verdict: str = ""
    raw: dict[str, Any] = field(default_factory=dict)


STATS_ROW = "statistics, in-process, each after one more answer"
"""The row of statistics asked for as a learner does: after studying (a card answered between
samples, on both sides, so that nothing kept from the last computation is simply reused)."""


def _has(module: str) -> bool:
    try:
        return importlib.util.find_spec(module) is not None
    except (ImportError, ValueError):
        return False


def _ms(seconds: float) -> str:
    ms = seconds * 1000
    return f"{ms:.2f} ms" if ms < 10 else f"{ms:.0f} ms"


def _p95(values: Sequence[float]) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, round(0.95 * (len(ordered) - 1)))]


def _env(gen: Generated, home: Path | None = None, **extra: str) -> dict[str, str]:
    env = gen.env(home)
    env["PYTHONPATH"] = os.pathsep.join(filter(None, [str(REPO), env.get("PYTHONPATH")]))
    # an installed quizzer has its bytecode compiled; without it every start compiles the
    # sources again (about 0.25 s of the TUI's start)
    env.pop("PYTHONDONTWRITEBYTECODE", None)
    env.update(extra)
    return env


@dataclass(slots=True)
class Timed:
    """Wall times of repeated child runs, their peak RSS and the last output."""

    times: list[float]
    peak_kb: int
    stdout: str


TIME = shutil.which("time") or ("/usr/bin/time" if Path("/usr/bin/time").exists() else None)


def run_child(
    argv: list[str],
    env: dict[str, str],
    runs: int,
    before: Callable[[int], None] | None = None,
) -> Timed:
    """Run a command `runs` times: the wall time of each, and the largest peak RSS (KB).

    The RSS comes from GNU time, which forks the command from its own small process: on Linux a
    child's `ru_maxrss` starts at its parent's size at fork, so reading it from this (large)
    process would report the benchmark's own memory. Without GNU time, wait4's figure is used."""
    times: list[float] = []
    peak = 0
    out = ""
    for i in range(runs):
        if before:
            before(i)
        with (
            tempfile.TemporaryFile() as fout,
            tempfile.TemporaryFile() as ferr,
            tempfile.NamedTemporaryFile("r", suffix=".rss") as frss,
        ):
            cmd = [TIME, "-f", "%M", "-o", frss.name, *argv] if TIME else argv
            t0 = time.perf_counter()
            proc = subprocess.Popen(cmd, env=env, stdout=fout, stderr=ferr, cwd=REPO)
            _, status, usage = os.wait4(proc.pid, 0)
            elapsed = time.perf_counter() - t0
            proc.returncode = os.waitstatus_to_exitcode(status)
            fout.seek(0)
            ferr.seek(0)
            out = fout.read().decode(errors="replace")
            if proc.returncode != 0:
                raise RuntimeError(
                    f"{' '.join(argv[:6])} exited {proc.returncode}: "
                    f"{ferr.read().decode(errors='replace')[-1500:]}"
                )
            rss = usage.ru_maxrss
            if TIME:
                text = frss.read().strip().splitlines()
                rss = int(text[-1]) if text and text[-1].isdigit() else rss
        times.append(elapsed)
        peak = max(peak, rss)
    return Timed(times, peak, out)


def quizzer_cmd(*args: str) -> list[str]:
    """`python3 -m quizzer ARGS`."""
    return [sys.executable, "-m", "quizzer", *args]


# ---------------------------------------------------------------- in-process workers


def stats_cold(env: dict[str, str], runs: int) -> Timed:
    """`quizzer stats --json --days 365` as fresh processes, timed after one untimed run: the
    first run after the decks change writes the stats index that later runs read."""
    command = quizzer_cmd("stats", "--json", "--days", "365")
    run_child(command, env, 1)
    return run_child(command, env, runs)


def inproc_quizzer(runs: int, answers: int) -> dict[str, Any]:
    """Run inside a child with QUIZZER_* set: time plan, next, answer (and stats if present)."""
    from quizzer.clock import now, to_ms
    from quizzer.collection import open_collection
    from quizzer.state import Rating

    out: dict[str, Any] = {}
    t0 = time.perf_counter()
    col = open_collection()
    out["open"] = [time.perf_counter() - t0]
    session = col.session()
    now_ms = to_ms(now())
    session.plan(now_ms)  # warm-up
    room = getattr(col, "make_room_for_answers", None)
    if room is not None:  # as the TUI does once the collection is open
        room()
    out["due"] = []
    for _ in range(max(DUE_SAMPLES, runs)):
        t0 = time.perf_counter()
        session.plan(now_ms)
        out["due"].append(time.perf_counter() - t0)
    out.update(_search_times(col, now_ms, runs))
    out["next"], out["answer"], out["answer_cpu"], out["turn"] = [], [], [], []
    ratings = (Rating.GOOD, Rating.GOOD, Rating.AGAIN, Rating.HARD, Rating.EASY)
    for i in range(answers):
        at = now_ms + i * 5_000
        t0 = time.perf_counter()
        card = session.next(at)
        out["next"].append(time.perf_counter() - t0)
        if card is None:
            break
        t0, c0 = time.perf_counter(), time.process_time()
        session.answer(card.id, ratings[i % len(ratings)], at, duration_ms=4000)
        out["answer"].append(time.perf_counter() - t0)
        out["answer_cpu"].append(time.process_time() - c0)
        out["turn"].append(out["next"][-1] + out["answer"][-1])
    # SQL statements per answer, as SQLite traces them (a trigger's body shows as one more)
    statements: list[str] = []
    out["statements"] = []
    col.store.db.set_trace_callback(statements.append)
    for i in range(answers, answers + 5):
        at = now_ms + i * 5_000
        card = session.next(at)
        if card is None:
            break
        statements.clear()
        session.answer(card.id, ratings[i % len(ratings)], at, duration_ms=4000)
        out["statements"].append(len(statements))
    col.store.db.set_trace_callback(None)
    out["out_of_order"] = []
    for i in range(3):
        # an answer dated before the card's last one (another device's, synced late, or a clock
        # set back): the card is replayed and its answers' share of the totals corrected
        at = now_ms + (answers + 5 + 2 * i) * 5_000
        card = session.next(at)
        if card is None:
            break
        session.answer(card.id, Rating.GOOD, at + 2_000, duration_ms=4000)
        t0 = time.perf_counter()
        session.answer(card.id, Rating.AGAIN, at + 1_000, duration_ms=4000)
        out["out_of_order"].append(time.perf_counter() - t0)
    try:
        from quizzer import stats as stats_module
    except ImportError:
        stats_module = None  # type: ignore[assignment]
    fn = getattr(stats_module, "compute", None) if stats_module else None
    if callable(fn):
        out["stats"] = []
        # an hour on, as a learner opens the statistics after studying: at `now_ms` itself, the
        # answers above (and the earlier child's, a few minutes after it) would be dated in its
        # future, and taken away again one by one as a clock set back needs
        later = now_ms + 3_600_000
        fn(col, later, None, 365)  # warm-up, as on Anki's side
        for k in range(max(STATS_SAMPLES, runs)):  # as many as Anki's side
            # as a learner looks at the statistics: after studying (one more answer each time)
            at = now_ms + (answers + 12 + k) * 5_000
            card = session.next(at)
            if card is not None:
                session.answer(card.id, Rating.GOOD, at, duration_ms=4000)
            t0 = time.perf_counter()
            try:
                fn(col, later, None, 365)
            except TypeError:
                break
            out["stats"].append(time.perf_counter() - t0)
    import resource

    out["rss_kb"] = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
    col.close()
    return out


def inproc_floor(directory: str, runs: int) -> dict[str, Any]:
    """Run inside a child: the fsync floor, a bare SQLite commit of one row with the store's
    settings (WAL, synchronous=FULL) in the collection's directory. An answer cannot take less."""
    import sqlite3

    path = Path(directory) / "floor.sqlite3"
    db = sqlite3.connect(path, isolation_level=None)
    db.execute("PRAGMA journal_mode = WAL")
    db.execute("PRAGMA synchronous = FULL")
    db.execute("CREATE TABLE IF NOT EXISTS t (x INTEGER)")
    try:  # the log's room made, as for the answers: a commit that grows the file costs more
        from quizzer.store.wal_room import make_room
    except ImportError:
        pass
    else:
        make_room(path)
    times = []
    for i in range(max(20, runs * 10)):
        t0 = time.perf_counter()
        db.execute("BEGIN IMMEDIATE")
        db.execute("INSERT INTO t VALUES (?)", (i,))
        db.execute("COMMIT")
        times.append(time.perf_counter() - t0)
    db.close()
    for suffix in ("", "-wal", "-shm"):
        Path(f"{path}{suffix}").unlink(missing_ok=True)
    return {"commit": times}


OUT_OF_ORDER = "answer dated before its card's last one (the card replayed), in-process"
"""The row of an answer that replays its card, named alike in the quick and the huge tables (the
5M rows are matched with the 1M ones by name)."""

SEARCHES = {
    "search_words": "the -is:suspended",
    "search_state": "(is:due or is:learn) prop:r<0.9 -is:new",
    "search_rated": "rated:7",
}
"""Queries timed over every card: a word in every text (each search folds the texts afresh),
states with predicted recall, and the answers of the last week (read from the log)."""


def _search_times(col: Any, now_ms: int, runs: int) -> dict[str, Any]:
    """Time `quizzer cards QUERY`'s search (parse, context, match over every card) in-process."""
    try:
        from quizzer.finding import find
    except ImportError:
        return {}
    out: dict[str, Any] = {}
    for key, query in SEARCHES.items():
        out[key] = []
        for _ in range(runs):
            t0 = time.perf_counter()
            found = find(query, col.tree, col.store, col.settings, col.zone, now_ms)
            out[key].append(time.perf_counter() - t0)
        out[key + "_found"] = len(found)
    return out


def inproc_anki(path: str, runs: int, answers: int) -> dict[str, Any]:
    """Run inside a child: Anki's in-process timings of the matching operations."""
    from bench.anki_compare import in_process

    return dict(in_process(Path(path), runs, answers))


def fit_memory() -> dict[str, Any]:
    """Run inside a child with QUIZZER_* set: the resident memory just before fsrs-rs fits the
    whole log (the training set built, everything imported) and the process's peak after the
    fit, which the fit sets: their difference is what fsrs-rs holds of the items."""
    import resource

    from quizzer import paths
    from quizzer.collection import open_collection
    from quizzer.decks.tree import DeckTree
    from quizzer.optimize import fit_parameters
    from quizzer.store.log import review_answers
    from quizzer.training_set import training_set

    col = open_collection(tree=DeckTree(paths.data_dir()))  # as `quizzer optimize`: no decks
    settings = col.settings
    data = training_set(review_answers(col.store.db), col.zone, settings.day_starts_at)
    with open("/proc/self/status") as status:
        before = next(int(line.split()[1]) for line in status if line.startswith("VmRSS:"))
    fit_parameters(data, len(settings.relearning_steps), settings.parameters)
    peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
    col.close()
    return {"before_kb": before, "peak_kb": peak}


def _worker(kind: str, env: dict[str, str], *args: Any) -> dict[str, Any]:
    code = (
        f"import json, sys; from bench.run import {kind}; "
        f"print('@@' + json.dumps({kind}(*json.loads(sys.argv[1]))))"
    )
    result = run_child([sys.executable, "-c", code, json.dumps(list(args))], env, 1)
    line = next(ln for ln in result.stdout.splitlines() if ln.startswith("@@"))
    data: dict[str, Any] = json.loads(line[2:])
    data["child_peak_kb"] = result.peak_kb
    return data


def _pooled(children: list[dict[str, Any]]) -> dict[str, Any]:
    """The figures of several children of one side as one: their lists of times joined, any
    other value the first child's (the largest peak memory)."""
    out: dict[str, Any] = {}
    for data in children:
        for key, value in data.items():
            if isinstance(value, list):
                out.setdefault(key, []).extend(value)
            elif key in ("rss_kb", "child_peak_kb"):
                out[key] = max(out.get(key, 0), value)
            else:
                out.setdefault(key, value)
    return out


# ---------------------------------------------------------------- the suite


class Suite:
    """Runs every measurement on one collection and collects rows."""

    def __init__(
        self, gen: Generated, runs: int, answers: int, anki: bool, work: Path, lean: bool = False
    ) -> None:
        self.gen = gen
        self.lean = lean
        """Only the interactive rows (cold `due`, TUI start, next, answer, statistics, peak
        memory): for the 5M-review collection, whose copies and Anki twin cost minutes."""
        self.runs = runs
        self.answers = answers
        self.anki = anki
        self.work = work
        self.rows: list[Row] = []
        self.label = gen.spec.label

    def add(
        self,
        operation: str,
        quizzer: str,
        anki: str = "",
        ratio: float | None = None,
        goal: str = "",
        ok: bool | None = None,
        **raw: Any,
    ) -> None:
        """Append a row (and echo it, so a long run shows progress)."""
        row = Row(
            self.label,
            operation,
            quizzer,
            anki,
            "" if ratio is None else f"{ratio:.2f}",
            goal,
            "" if ok is None else ("ok" if ok else "MISSED"),
            raw,
        )
        self.rows.append(row)
        print(
            f"  {operation:<42} {quizzer:>22} {anki:>12} {row.ratio:>6} {row.verdict}",
            file=sys.stderr,
            flush=True,
        )

    def fresh_home(self, name: str) -> Path:
        """A private copy of the data directory."""
        return self.gen.copy_home(self.work / name)

    def run(self) -> list[Row]:
        """All measurements."""
        gen = self.gen
        env = _env(gen)
        print(
            f"{self.label}: {gen.cards} cards, {gen.reviewed_cards} with history", file=sys.stderr
        )
        # prime the deck cache of the cached home (the "warm" state every later start sees)
        run_child(quizzer_cmd("due"), env, 1)

        anki_path = None
        anki_cold: dict[str, tuple[list[float], int]] = {}
        anki_in: dict[str, Any] = {}
        if self.anki:
            from bench import anki_compare

            built = anki_compare.build(gen)
            anki_path = anki_compare.private_copy(built, self.work / "anki")
            for op in ("due", "stats"):
                anki_cold[op] = anki_compare.cold(anki_path, op, self.runs)

        def anki_cell(op: str, cold: bool = False) -> tuple[str, float | None]:
            if cold:
                if op not in anki_cold:
                    return ("n/a" if self.anki else "", None)
                m = statistics.median(anki_cold[op][0])
                return _ms(m), m
            values = anki_in.get(op) or []
            if not values:
                return ("n/a" if self.anki else "", None)
            m = statistics.median(values)
            return _ms(m), m

        # cold `quizzer due`
        due = run_child(quizzer_cmd("due"), env, self.runs)
        m = statistics.median(due.times)
        a, am = anki_cell("due", cold=True)
        self.add(
            "due, cold process (warm deck cache)",
            _ms(m),
            a,
            m / am if am else None,
            "< 300 ms",
            m < 0.3,
            times=due.times,
        )
        self.add(
            "peak memory of `due`",
            f"{due.peak_kb // 1024} MB",
            f"{anki_cold['due'][1] // 1024} MB" if anki_cold else "",
            due.peak_kb / anki_cold["due"][1] if anki_cold else None,
        )

        if self.lean:
            return self._lean(env)

        # deck loading, in a child, timed around load_decks() only
        code = (
            "import time; t0 = time.perf_counter(); from quizzer.collection import load_decks;"
            " t1 = time.perf_counter(); tree = load_decks(); t2 = time.perf_counter();"
            " print('@@', t2 - t1, t1 - t0, len(tree.decks))"
        )
        for name, extra in (("cold, no cache", {"QUIZZER_NO_CACHE": "1"}), ("warm, cache", {})):
            times = []
            for _ in range(self.runs):
                res = run_child([sys.executable, "-c", code], _env(gen, None, **extra), 1)
                line = next(ln for ln in res.stdout.splitlines() if ln.startswith("@@"))
                times.append(float(line.split()[1]))
            m = statistics.median(times)
            self.add(f"deck loading, {name}", _ms(m), times=times)

        # TUI: start to first card
        self._tui()

        # answers: command line (fresh process each) and in-process
        home = self.fresh_home("answer-cli")
        plan = _worker("inproc_next_ids", _env(gen, home), self.runs)
        ids = plan["ids"]
        if ids:
            n = min(len(ids), max(self.runs * 2, 10))
            times = []
            for cid in ids[:n]:
                ans = run_child(quizzer_cmd("answer", cid, "good"), _env(gen, home), 1)
                times.append(ans.times[0])
            m, p = statistics.median(times), _p95(times)
            self.add(
                "answer, `quizzer answer` process (median / p95)",
                f"{_ms(m)} / {_ms(p)}",
                times=times,
            )
            cold_due = statistics.median(due.times)
            self.add(
                "`quizzer answer` process / cold `due` (medians, this run)",
                f"{m / cold_due:.2f}x",
                goal="<= 1.5x",
                ok=m <= 1.5 * cold_due,
            )
        home = self.fresh_home("answer-inproc")
        # the in-process sides run back to back, Anki, quizzer, the floor, quizzer, Anki, each
        # child with half the answers, and every figure pools both children of its side: a slow
        # spell of the shared machine falls on both sides rather than on one
        half = max(1, self.answers // 2)
        sides: dict[str, list[dict[str, Any]]] = {"anki": [], "quizzer": [], "floor": []}
        for side in ("anki", "quizzer", "floor", "quizzer", "anki"):
            if side == "anki" and anki_path is not None:
                args: tuple[Any, ...] = (str(anki_path), self.runs, half)
                sides[side].append(_worker("inproc_anki", _env(gen), *args))
            elif side == "quizzer":
                sides[side].append(_worker("inproc_quizzer", _env(gen, home), self.runs, half))
            elif side == "floor":
                floor = _worker("inproc_floor", _env(gen, home), str(home), self.runs)["commit"]
        anki_in.update(_pooled(sides["anki"]))
        q = _pooled(sides["quizzer"])

        def vs_anki(op: str, name: str) -> None:
            """The row `name`: quizzer's in-process median of `op` beside Anki's, and the ratio."""
            m = statistics.median(q[op])
            a, am = anki_cell(op)
            self.add(name, _ms(m), a, m / am if am else None, times=q[op])

        vs_anki("due", "due counts, in-process (Session.plan)")
        vs_anki("next", "next card, in-process (Session.next)")
        for key, query in SEARCHES.items():
            if q.get(key):
                m = statistics.median(q[key])
                self.add(
                    f"search `{query}`, in-process ({q[key + '_found']} found)",
                    _ms(m),
                    goal="< 100 ms",
                    ok=m < 0.1,
                    times=q[key],
                )
        m, p = statistics.median(q["answer"]), _p95(q["answer"])
        a, am = anki_cell("answer")
        ap = _p95(anki_in["answer"]) if anki_in.get("answer") else None
        self.add(
            "answer, in-process (median / p95)",
            f"{_ms(m)} / {_ms(p)}",
            f"{a} / {_ms(ap)}" if ap else a,
            m / am if am else None,
            "p95 < 30 ms",
            p < 0.03,
            times=q["answer"],
        )

        if q.get("turn"):
            # Anki works out a card's next states when it serves it, quizzer when it is answered
            vs_anki("turn", "next card and answer, in-process (one card's turn)")
        if q.get("answer_cpu"):
            cpu = "answer CPU time, in-process (user and kernel, not waiting on the disk)"
            vs_anki("answer_cpu", cpu)
        if q.get("out_of_order"):
            replayed = statistics.median(q["out_of_order"])
            self.add(
                OUT_OF_ORDER,
                _ms(replayed),
                goal="< 30 ms",
                ok=replayed < 0.03,
                times=q["out_of_order"],
            )
        if q.get("statements"):
            self.add(
                "SQL statements per answer, in-process (traced)",
                str(statistics.median_low(q["statements"])),
            )
        fm = statistics.median(floor)
        self.add("fsync floor: bare commit of one row (WAL, synchronous=FULL)", _ms(fm))
        # Anki's collection is in WAL mode with synchronous=FULL too, and each answer is its own
        # transaction: it syncs once per answer, as quizzer does, so the floor comes off both
        anki_above = am - fm if am else None
        self.add(
            "answer minus the floor, in-process (Anki's answer minus the same floor)",
            _ms(max(0.0, m - fm)),
            _ms(max(0.0, anki_above)) if anki_above is not None else "",
            max(0.0, m - fm) / anki_above if anki_above and anki_above > 0 else None,
        )

        # replay: `quizzer rebuild` folds the whole log through the scheduler again
        home = self.fresh_home("rebuild")
        try:
            rb = run_child(quizzer_cmd("rebuild"), _env(gen, home), self.runs)
            self.add(
                "replay of the whole log (`quizzer rebuild`), cold process",
                _ms(statistics.median(rb.times)),
                times=rb.times,
            )
            self.add("peak memory of `quizzer rebuild`", f"{rb.peak_kb // 1024} MB")
        except RuntimeError as exc:
            self.add("replay of the whole log, cold process", f"error: {str(exc)[-60:]}")

        # statistics
        stats_cli = _has("quizzer.views.stats") or _has("quizzer.stats")
        if stats_cli:
            try:
                st = stats_cold(env, max(1, self.runs // 2 + 1))
                m = statistics.median(st.times)
                a, am = anki_cell("stats", cold=True)
                goal = "< 1 s" if gen.spec.reviews >= 1_000_000 else ""
                self.add(
                    "stats --json --days 365, cold process",
                    _ms(m),
                    a,
                    m / am if am else None,
                    goal,
                    (m < 1.0) if goal else None,
                    times=st.times,
                )
                self.add("peak memory of `stats --json`", f"{st.peak_kb // 1024} MB")
            except RuntimeError as exc:
                self.add("stats --json, cold process", f"error: {str(exc)[-60:]}")
        else:
            self.add(
                "stats --json --days 365, cold process", "n/a", anki_cell("stats", cold=True)[0]
            )
        if q.get("stats"):
            vs_anki("stats", STATS_ROW)
        elif anki_in.get("stats"):
            self.add(STATS_ROW, "n/a", anki_cell("stats")[0])

        # export and optimize
        if _has("quizzer.export.anki"):
            target = self.work / "export.apkg"
            try:
                ex = run_child(
                    quizzer_cmd("export", "anki", "-o", str(target)), env, max(1, self.runs // 2)
                )
                self.add(
                    "export anki (.apkg), cold process",
                    _ms(statistics.median(ex.times)),
                    times=ex.times,
                )
            except RuntimeError as exc:
                self.add("export anki (.apkg), cold process", f"error: {str(exc)[-60:]}")
        else:
            self.add("export anki (.apkg), cold process", "n/a")
        if _has("quizzer.optimize"):
            home = self.fresh_home("optimize")
            try:
                fit = run_child(quizzer_cmd("optimize"), _env(gen, home), 1)
                big = gen.spec.reviews >= 1_000_000
                theirs: tuple[list[float], int] | None = None
                if anki_path is not None:
                    from bench import anki_compare

                    theirs = anki_compare.cold(anki_path, "optimize", 1)
                self.add(
                    "optimize, cold process (1 run)",
                    _ms(fit.times[0]),
                    _ms(theirs[0][0]) if theirs else "",
                    fit.times[0] / theirs[0][0] if theirs else None,
                    "< 10 s" if big else "",
                    fit.times[0] < 10 if big else None,
                    times=fit.times,
                )
                self.add(
                    "peak memory of `optimize`",
                    f"{fit.peak_kb // 1024} MB",
                    f"{theirs[1] // 1024} MB" if theirs else "",
                    fit.peak_kb / theirs[1] if theirs else None,
                    "< 400 MB" if big else "",
                    fit.peak_kb < 400 * 1024 if big else None,
                )
                if Path("/proc/self/status").exists():
                    share = _worker("fit_memory", _env(gen, self.fresh_home("fit-memory")))
                    before, peak = share["before_kb"] // 1024, share["peak_kb"] // 1024
                    self.add(
                        "memory before fsrs-rs's fit / peak after it (what the fit adds)",
                        f"{before} MB / {peak} MB (+{peak - before} MB)",
                    )
            except RuntimeError as exc:
                self.add("optimize, cold process", f"error: {str(exc)[-60:]}")
        else:
            self.add("optimize, cold process", "n/a")
        return self.rows

    def _lean(self, env: dict[str, str]) -> list[Row]:
        """The interactive rows of a huge collection after cold `due` (no Anki side)."""
        self._tui()
        home = self.fresh_home("answer-inproc")
        q = _worker("inproc_quizzer", _env(self.gen, home), self.runs, self.answers)
        for op, name in (
            ("due", "due counts, in-process (Session.plan)"),
            ("next", "next card, in-process (Session.next)"),
        ):
            self.add(name, _ms(statistics.median(q[op])), times=q[op])
        m, p = statistics.median(q["answer"]), _p95(q["answer"])
        self.add("answer, in-process (median / p95)", f"{_ms(m)} / {_ms(p)}", times=q["answer"])
        if q.get("out_of_order"):
            replayed = statistics.median(q["out_of_order"])
            self.add(OUT_OF_ORDER, _ms(replayed), times=q["out_of_order"])
        st = stats_cold(env, self.runs // 2 + 1)
        m = statistics.median(st.times)
        self.add("stats --json --days 365, cold process", _ms(m), times=st.times)
        self.add("peak memory of `stats --json`", f"{st.peak_kb // 1024} MB")
        if q.get("stats"):
            self.add(
                STATS_ROW,
                _ms(statistics.median(q["stats"])),
                times=q["stats"],
            )
        return self.rows

    def _tui(self) -> None:
        if not (_has("bench.bench_tui") or _has("quizzer.tui.app")):
            self.add("TUI start to first card", "n/a", goal="< 0.6 s")
            self.add("peak memory of the TUI", "n/a", goal="< 200 MB")
            return
        env = _env(self.gen, self.fresh_home("tui"))
        try:
            times, peak, via = tui_starts(env, self.runs)
        except (RuntimeError, StopIteration) as exc:
            self.add("TUI start to first card", f"error: {str(exc)[-60:]}", goal="< 0.6 s")
            return
        name = f"TUI start to first card ({via})" if via else "TUI start to first card"
        m = statistics.median(times)
        self.add(name, _ms(m), goal="< 0.6 s", ok=m < 0.6, times=times)
        self.add(
            "peak memory of the TUI", f"{peak // 1024} MB", goal="< 200 MB", ok=peak < 200 * 1024
        )


def tui_starts(env: dict[str, str], runs: int) -> tuple[list[float], int, str]:
    """Times (s) from spawning a child to its first card, at least five of them after one
    untimed start, the largest peak RSS (KB), and how the child measured."""
    times: list[float] = []
    peak, via = 0, ""
    # untimed, as for the cold rows (the first starts after copying a large collection were
    # slower in some sittings, whatever its size); it also fills the caches of a fresh home
    _worker("inproc_tui", env)
    # at least five: now and then a start is 0.1 s slower for no reason of its own
    for _ in range(max(5, runs)):
        spawned = time.time()
        data = _worker("inproc_tui", env)
        via = data.get("via") or ""
        if data.get("seconds") is not None:
            times.append(float(data["seconds"]))
        elif data.get("shown_at") is not None:
            times.append(float(data["shown_at"]) - spawned)
        else:
            raise RuntimeError("no first card within the wait")
        peak = max(peak, int(data.get("peak_kb") or data.get("child_peak_kb") or 0))
    return times, peak, via


BUNDLED = "bundled decks"


def bundled_tui(runs: int, work: Path) -> list[Row]:
    """Start to first card on the bundled decks as an installed quizzer starts: no
    `QUIZZER_DECKS`, so the bundled tree and the learner's decks folder are the two roots of
    one tree, in a fresh data directory whose caches the untimed first start fills."""
    env = {**os.environ, "QUIZZER_HOME": str(work / "bundled"), "QUIZZER_NOW": NOW_ISO, "TZ": "UTC"}
    env["PYTHONPATH"] = os.pathsep.join(filter(None, [str(REPO), env.get("PYTHONPATH")]))
    for name in ("QUIZZER_DECKS", "QUIZZER_NO_CACHE", "PYTHONDONTWRITEBYTECODE"):
        env.pop(name, None)
    times, peak, via = tui_starts(env, runs)
    m = statistics.median(times)
    name = f"TUI start to first card ({via})" if via else "TUI start to first card"
    print(f"{BUNDLED}: {name} {_ms(m)}", file=sys.stderr)
    return [
        Row(
            BUNDLED,
            name,
            _ms(m),
            goal="< 0.6 s",
            verdict="ok" if m < 0.6 else "MISSED",
            raw={"times": times},
        ),
        Row(
            BUNDLED,
            "peak memory of the TUI",
            f"{peak // 1024} MB",
            goal="< 200 MB",
            verdict="ok" if peak < 200 * 1024 else "MISSED",
        ),
        _terminal_row(env, runs),
    ]


TERMINAL_START = "TUI start to first card, in a terminal that answers no query (pty)"
"""A headless start never asks the terminal what it can draw; a real one does (see
`quizzer.tui.graphics`), and this row counts it, at the longest wait of each question."""


def _terminal_row(env: dict[str, str], runs: int) -> Row:
    from bench.bench_tui import startup

    startup(env, terminal=True)  # untimed, as for the headless rows
    times = [startup(env, terminal=True)[1] for _ in range(max(5, runs))]
    m = statistics.median(times)
    print(f"{BUNDLED}: {TERMINAL_START} {_ms(m)}", file=sys.stderr)
    verdict = "ok" if m < 0.6 else "MISSED"
    return Row(
        BUNDLED, TERMINAL_START, _ms(m), goal="< 0.6 s", verdict=verdict, raw={"times": times}
    )


def inproc_next_ids(runs: int) -> dict[str, Any]:
    """Ids of the cards the queue would show first (for the command-line answer timings)."""
    from quizzer.clock import now, to_ms
    from quizzer.collection import open_collection

    col = open_collection()
    plan = col.session().plan(to_ms(now()))
    ids = [c.id for c in (*plan.learning, *plan.review, *plan.new)]
    col.close()
    return {"ids": ids[: max(runs * 4, 20)]}


def inproc_tui() -> dict[str, Any]:
    """Run inside a child: bench/bench_tui.py's measurement when it offers one; else start the
    real app headless (`App.run_test`) straight into a session on every deck and report the
    wall-clock moment the review screen holds its first card."""
    import resource

    if _has("bench.bench_tui"):
        from bench import bench_tui  # type: ignore[attr-defined]

        for name in (
            "time_to_first_card",
            "start_to_first_card",
            "measure_first_card",
            "first_card",
            "measure",
            "bench_first_card",
        ):
            fn = getattr(bench_tui, name, None)
            if callable(fn):
                result = fn()
                seconds = result if isinstance(result, int | float) else None
                if isinstance(result, dict):
                    seconds = result.get("seconds") or result.get("first_card_s")
                elif isinstance(result, tuple | list) and result:
                    seconds = float(result[0])
                return {
                    "seconds": seconds,
                    "via": f"bench_tui.{name}",
                    "peak_kb": resource.getrusage(resource.RUSAGE_SELF).ru_maxrss,
                }
    import asyncio

    from quizzer.tui import pause_collector
    from quizzer.tui.graphics import start_probe

    start_probe()  # as `quizzer review` does
    pause_collector()  # before the app's imports, as `quizzer review` starts it
    from quizzer.tui.app import make_app

    async def first_card() -> float | None:
        app = make_app(start_session=True)
        async with app.run_test(size=(100, 32)) as pilot:
            for _ in range(1000):
                if getattr(app.screen, "card", None) is not None:
                    return time.time()
                await pilot.pause(0.005)
        return None

    shown = asyncio.run(first_card())
    return {
        "shown_at": shown,
        "via": "headless run_test",
        "peak_kb": resource.getrusage(resource.RUSAGE_SELF).ru_maxrss,
    }


# ---------------------------------------------------------------- output

HUGE = Spec(10_000, 5_000_000)
"""The 5M-review collection (`--huge`): interactive rows only, each set against the 1M row."""


def compare_huge(rows: list[Row]) -> None:
    """Give each 5M row with a time the ratio to the same operation's 1M row (goal: 2x)."""
    base = {r.operation: r for r in rows if r.collection == Spec(10_000, 1_000_000).label}
    for row in rows:
        ref = base.get(row.operation)
        if row.collection != HUGE.label or ref is None or "MB" in row.quizzer:
            continue
        mine, theirs = row.raw.get("times"), ref.raw.get("times")
        if not mine or not theirs:
            continue
        ratio = statistics.median(mine) / statistics.median(theirs)
        row.anki, row.ratio, row.goal = "(vs 1M)", f"{ratio:.2f}", "<= 2x the 1M row"
        row.verdict = "ok" if ratio <= 2 else "MISSED"


def table(rows: list[Row]) -> str:
    """The rows as one Markdown table."""
    head = ("collection", "operation", "quizzer", "Anki", "quizzer/Anki", "goal", "")
    body = [
        (r.collection, r.operation, r.quizzer, r.anki, r.ratio, r.goal, r.verdict) for r in rows
    ]
    widths = [max(len(str(x[i])) for x in (head, *body)) for i in range(len(head))]
    lines = [
        "| " + " | ".join(str(c).ljust(w) for c, w in zip(head, widths, strict=True)) + " |",
        "|" + "|".join("-" * (w + 2) for w in widths) + "|",
    ]
    for r in body:
        lines.append(
            "| " + " | ".join(str(c).ljust(w) for c, w in zip(r, widths, strict=True)) + " |"
        )
    return "\n".join(lines)


def main(argv: Sequence[str] | None = None) -> int:
    """Run the suite and print the table."""
    parser = argparse.ArgumentParser(description="quizzer benchmarks, side by side with Anki")
    parser.add_argument("--quick", action="store_true", help="small collections, fewer runs")
    parser.add_argument("--runs", type=int, help="runs per measurement (default 5, quick 3)")
    parser.add_argument("--answers", type=int, help="answers timed in-process (200, quick 60)")
    parser.add_argument("--no-anki", action="store_true", help="skip the Anki comparison")
    parser.add_argument("--only", help="only the collection whose label contains this")
    parser.add_argument(
        "--huge", action="store_true", help="also 10k q / 5M rev (interactive rows only, no Anki)"
    )
    args = parser.parse_args(argv)
    runs = args.runs or (3 if args.quick else 5)
    answers = args.answers or (60 if args.quick else 200)
    specs = [Spec(1000, 10_000), Spec(10_000, 10_000)]
    if not args.quick:
        specs.append(Spec(10_000, 1_000_000))
    if args.huge:
        specs.append(HUGE)
    if args.only:
        specs = [s for s in specs if args.only in s.label]
    os.environ["TZ"] = "UTC"
    time.tzset()
    started = time.perf_counter()
    load_before = os.getloadavg()
    rows: list[Row] = []
    for spec in specs:
        gen = generate(spec)
        work = Path(tempfile.mkdtemp(prefix="quizzer-bench-"))
        try:
            huge = spec == HUGE
            rows += Suite(gen, runs, answers, not args.no_anki and not huge, work, huge).run()
        finally:
            shutil.rmtree(work, ignore_errors=True)
    if not args.only or args.only in BUNDLED:
        work = Path(tempfile.mkdtemp(prefix="quizzer-bench-"))
        try:
            rows += bundled_tui(runs, work)
        finally:
            shutil.rmtree(work, ignore_errors=True)
    compare_huge(rows)
    load_after = os.getloadavg()
    took = time.perf_counter() - started
    footer = (
        f"{len(rows)} rows in {took:.0f} s; medians of {runs} runs, {answers} in-process "
        f"answers; clock fixed at {NOW_ISO}; Python {sys.version.split()[0]}, "
        f"{os.cpu_count()} cores; load average (1, 5, 15 min) "
        f"{' / '.join(f'{x:.2f}' for x in load_before)} at the start, "
        f"{' / '.join(f'{x:.2f}' for x in load_after)} at the end"
    )
    text = table(rows) + "\n\n" + footer
    print(text)
    print(f"\n{footer}", file=sys.stderr)
    OUT.mkdir(parents=True, exist_ok=True)
    (OUT / "results.md").write_text(text + "\n", encoding="utf-8")
    (OUT / "results.json").write_text(json.dumps([asdict(r) for r in rows], indent=1))
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
