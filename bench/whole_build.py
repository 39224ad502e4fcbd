"""`graf build` of the example project and `graf --help`, as a user runs them (whole processes).

Baseline in the same run: `python -c pass` (the interpreter's own start-up). Prints medians of
RUNS runs and the ratio to the baseline. Targets (issue 14): build under 0.3 s, --help under 0.1 s.
Three builds: into the same folder every run (an unchanged rebuild: nothing to write), into a new
folder every run (every file written), and into a new folder with an empty cache directory (a first
run on a machine: graf validate's query verdicts and the compiled attrs/dataclasses code not kept yet;
printed for what it costs, not held to the target).
All caches live in a temporary XDG_CACHE_HOME, never the user's.

    .venv/bin/python bench/whole_build.py [--runs 7]
"""

from __future__ import annotations

import argparse
import sys
import tempfile
from collections.abc import Callable
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from bench._whole import GRAF, PYTHON, Run, checked, measure  # noqa: E402


def median(runs: list[Run]) -> Run:
    by_wall = sorted(runs, key=lambda r: r.wall)
    return by_wall[len(by_wall) // 2]


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--runs", type=int, default=7)
    runs = parser.parse_args().runs
    with tempfile.TemporaryDirectory() as tmp:
        fresh = iter(range(10**6))
        home = {"XDG_CACHE_HOME": str(Path(tmp) / "cache")}  # graf's caches (query verdicts, compiled code)

        def new_cache() -> dict[str, str]:
            return {"XDG_CACHE_HOME": str(Path(tmp) / f"cache{next(fresh)}")}

        cases: dict[str, Callable[[], tuple[list[str], dict[str, str]]]] = {
            "python -c pass (baseline)": lambda: ([PYTHON, "-c", "pass"], home),
            "graf --help": lambda: ([*GRAF, "--help"], home),
            # the same folder every run: a rebuild of the unchanged example (what `make run` does again)
            "graf build (the example)": lambda: ([*GRAF, "build", "--out", str(Path(tmp) / "build")], home),
            # a new folder every run: every file written
            "graf build, new folder": lambda: ([*GRAF, "build", "--out", str(Path(tmp) / f"new{next(fresh)}")],
                                               home),
            # and an empty cache directory: a first run
            "graf build, new folder, cold": lambda: ([*GRAF, "build", "--out", str(Path(tmp) / f"new{next(fresh)}")],
                                                     new_cache()),
        }
        for case in cases.values():
            checked(measure(case()[0], env=case()[1]), "warm-up")  # writes __pycache__ and graf's caches
        results = {}
        for name, case in cases.items():
            runs_of_case = []
            for _ in range(runs):
                args, env = case()
                runs_of_case.append(checked(measure(args, env=env), name))
            results[name] = median(runs_of_case)
    base = results["python -c pass (baseline)"].wall
    # The cold build is the first run on a machine (it fills the caches every later run reads, as Python's first
    # import writes __pycache__): printed for what it costs, not held to the target of the runs after it.
    targets = {"graf --help": 0.1, "graf build (the example)": 0.3, "graf build, new folder": 0.3}
    print(f"median of {runs} runs, whole processes")
    for name, run in results.items():
        target = targets.get(name)
        if name == "python -c pass (baseline)":
            extra = ""
        elif target is None:
            extra = f"  {run.wall / base:4.1f}x the interpreter; first run on a machine: no target"
        else:
            extra = (f"  {run.wall / base:4.1f}x the interpreter; target < {target} s: "
                     f"{'met' if run.wall < target else 'NOT MET'}")
        print(f"  {name:<30} {run.wall:6.3f} s wall {run.cpu:6.3f} s CPU {run.rss_mb:6.1f} MB peak{extra}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
