"""The committed figures and clips are what scripts/make_media.py makes (`make media-check`).
Runs only where the `media` extra (numpy, scipy, matplotlib) is installed."""

from __future__ import annotations

import importlib.util
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]

needs_media_extra = pytest.mark.skipif(
    any(importlib.util.find_spec(m) is None for m in ("numpy", "scipy", "matplotlib")),
    reason="the media extra (numpy, scipy, matplotlib) is not installed",
)


@needs_media_extra
def test_generator_reproduces_the_committed_media() -> None:
    result = subprocess.run(
        [sys.executable, str(ROOT / "scripts" / "make_media.py"), "--check"],
        capture_output=True,
        text=True,
        timeout=600,
    )
    assert result.returncode == 0, result.stdout + result.stderr
    checked = int(result.stderr.split(" files checked")[0].split()[-1])
    assert checked == len(list((ROOT / "decks").glob("*/media/*")))
    assert checked >= 37
