"""`graf test` on the example project's alert tests, and where its time goes; prints its figures.

    python bench/ruletest_bench.py [--runs N]

Needs Debian's prometheus and amtool. Baselines measured in the same run: routing the label sets
one amtool process after the other (what the comparison did before the prefetch) against four at
a time, and a whole run against starting and stopping the Prometheus alone.
"""

from __future__ import annotations

import argparse
import shutil
import statistics
import sys
import time
from pathlib import Path

from graf.config import load_project
from graf.ruletest import run
from graf.ruletest.prometheus import running
from graf.ruletest.routing import Router

ROOT = Path(__file__).resolve().parents[1]


def _median(fn, runs: int) -> float:
    times = []
    for _ in range(runs):
        start = time.perf_counter()
        fn()
        times.append(time.perf_counter() - start)
    return statistics.median(times)


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--runs", type=int, default=3)
    runs = parser.parse_args().runs
    if shutil.which("prometheus") is None or shutil.which("amtool") is None:
        print("ruletest bench: prometheus and amtool are needed (apt-get install prometheus prometheus-alertmanager)")
        sys.exit(0)
    from graf._render import render

    project = load_project(ROOT / "graf.yaml")
    report = run(project)
    cases = len(report.outcomes)

    whole = _median(lambda: run(project), runs)

    def start_stop() -> None:
        with running():
            pass

    prometheus = _median(start_stop, runs)
    policy = next(r.body for r in render(project, project.environment("prod")) if r.kind == "policy")
    labels = [{"environment": e, "severity": s, "alertname": a}
              for e in ("prod", "dev") for s in ("critical", "warning", "info") for a in ("a", "b")]

    def route(workers: int) -> None:
        router = Router(policy, [])
        try:
            router.prefetch(labels, workers=workers)
        finally:
            router.close()

    sequential = _median(lambda: route(1), runs)
    concurrent = _median(lambda: route(4), runs)
    print(f"graf test (example, {cases} cases): median {whole:.2f} s; Prometheus start+stop alone {prometheus:.2f} s "
          f"({prometheus / whole:.0%} of it)")
    print(f"routing {len(labels)} label sets with amtool: one at a time {sequential:.2f} s, four at a time "
          f"{concurrent:.2f} s ({sequential / concurrent:.1f}x faster)")


if __name__ == "__main__":
    main()
