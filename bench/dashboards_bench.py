"""Figures for the built-in dashboards: render time per environment, size, and graf check's query count.

Run: .venv/bin/python bench/dashboards_bench.py   (prints; asserts nothing)
"""

from __future__ import annotations

import statistics
import time
from pathlib import Path

from graf._render import render
from graf.check import panel_queries
from graf.config import load_project

ROOT = Path(__file__).resolve().parents[1]
RUNS = 20


def main() -> None:
    project = load_project(ROOT / "graf.yaml")
    for env in project.environments.values():
        timings = []
        for _ in range(RUNS):
            start = time.perf_counter()
            resources = render(project, env)
            timings.append(time.perf_counter() - start)
        boards = [r for r in resources if r.kind == "dashboard"]
        panels = sum(len(b.body["panels"]) + sum(len(p.get("panels", [])) for p in b.body["panels"]) for b in boards)
        size = sum(len(b.canonical_json()) for b in boards)
        start = time.perf_counter()
        queries = panel_queries(resources)
        extract = time.perf_counter() - start
        print(f"{env.name}: render {len(resources)} resources ({len(boards)} dashboards, {panels} panels, "
              f"{size / 1024:.0f} KiB canonical JSON): median {statistics.median(timings) * 1000:.1f} ms, "
              f"min {min(timings) * 1000:.1f} ms over {RUNS} runs; graf check extracts {len(queries)} "
              f"Prometheus queries in {extract * 1000:.2f} ms")


if __name__ == "__main__":
    main()
