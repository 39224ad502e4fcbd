"""Timing whole graf commands, shared by the bench scripts (run as `python bench/<script>.py`)."""

from __future__ import annotations

import subprocess
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]


def timed(args: list[str], runs: int) -> list[float]:
    """Wall-clock seconds of `runs` runs of the command `args` in the project root; fails if it fails."""
    times = []
    for _ in range(runs):
        start = time.perf_counter()
        subprocess.run(args, cwd=ROOT, check=True, capture_output=True)
        times.append(time.perf_counter() - start)
    return times
