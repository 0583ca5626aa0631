"""An acknowledged answer survives SIGKILL; two processes answering at once lose nothing."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import textwrap
import time
from pathlib import Path

from quizzer.store.db import Store

CHILD = textwrap.dedent(
    """
    import sys
    from quizzer.collection import open_collection
    from quizzer.state import Rating

    col = open_collection()
    session = col.session()
    cards = [c.id for c in col.tree.cards()]
    offset, count = int(sys.argv[1]), int(sys.argv[2])
    for i in range(count):
        card_id = cards[(offset + i) % len(cards)]
        done = session.answer(card_id, Rating(1 + i % 4), 1_770_000_000_000 + offset * 10**7 + i)
        print(done.event.uid, flush=True)
    """
)


def deck(n: int) -> str:
    rows = [f"  - {{id: q{i}, type: basic, prompt: P{i}, answer: A{i}}}" for i in range(n)]
    return "title: D\nquestions:\n" + "\n".join(rows) + "\n"


def spawn(tmp: Path, offset: int, count: int) -> subprocess.Popen[str]:
    script = tmp / "child.py"
    script.write_text(CHILD)
    return subprocess.Popen(
        [sys.executable, str(script), str(offset), str(count)],
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
        env=os.environ.copy(),
    )


def test_sigkill_right_after_acknowledgement_loses_nothing(write_deck, isolated: Path) -> None:
    write_deck("d/deck", deck(50))
    Store().close()  # create and migrate first so the child starts answering at once
    acknowledged: list[str] = []
    for trial in range(3):
        child = spawn(isolated, trial * 1000, 10_000)
        assert child.stdout is not None
        wanted = 5 + trial * 7
        for _ in range(wanted):
            line = child.stdout.readline().strip()
            assert line, child.stderr.read() if child.stderr else ""
            acknowledged.append(line)
        child.send_signal(signal.SIGKILL)
        child.wait()
        assert child.returncode == -signal.SIGKILL
    store = Store()
    assert store.integrity() == "ok"
    logged = {r[0] for r in store.db.execute("SELECT uid FROM log")}
    assert set(acknowledged) <= logged


def test_two_processes_answering_at_once(write_deck, isolated: Path) -> None:
    write_deck("d/deck", deck(40))
    Store().close()
    children = [spawn(isolated, offset, 60) for offset in (0, 20)]
    outputs = []
    deadline = time.monotonic() + 120
    for child in children:
        out, err = child.communicate(timeout=max(1.0, deadline - time.monotonic()))
        assert child.returncode == 0, err
        assert "locked" not in err
        outputs.append(out.split())
    store = Store()
    logged = {r[0] for r in store.db.execute("SELECT uid FROM log")}
    assert all(len(o) == 60 for o in outputs)
    assert set(outputs[0]) | set(outputs[1]) <= logged
    assert store.count("SELECT count(*) FROM log") == 120
    assert store.integrity() == "ok"
