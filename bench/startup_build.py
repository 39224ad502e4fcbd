"""Start-up and build time of the example project; prints its figures.

    python bench/startup_build.py [--runs N]

Targets (issue 2): `graf --help` under 0.3 s, `graf build` under 1 s.
"""

from __future__ import annotations

import argparse
import statistics
import subprocess
import sys
import tempfile
from pathlib import Path

from _commands import ROOT, timed


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--runs", type=int, default=7)
    runs = parser.parse_args().runs
    graf = [sys.executable, "-m", "graf"]
    baseline = timed([sys.executable, "-c", "pass"], runs)
    help_times = timed([*graf, "--help"], runs)
    with tempfile.TemporaryDirectory() as out:
        build_times = timed([*graf, "build", "--out", str(Path(out) / "build")], runs)
    files = 0
    with tempfile.TemporaryDirectory() as out:
        subprocess.run([*graf, "build", "--out", str(Path(out) / "b")], cwd=ROOT, check=True, capture_output=True)
        files = sum(1 for p in (Path(out) / "b").rglob("*.json"))
    print(f"python -c pass     median {statistics.median(baseline):.3f} s  (interpreter start-up alone)")
    print(f"graf --help        median {statistics.median(help_times):.3f} s  min {min(help_times):.3f} s"
          f"  target < 0.3 s")
    print(f"graf build         median {statistics.median(build_times):.3f} s  min {min(build_times):.3f} s"
          f"  target < 1 s  ({files} files, both environments)")


if __name__ == "__main__":
    main()
