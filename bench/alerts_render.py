"""Rendering time of the alerting resources (rules, contact points, policy) per environment; prints its figures.

    python bench/alerts_render.py [--runs N]

In-process, after imports: what `graf build` / `graf sync` spend in graf/alerts/.
"""

from __future__ import annotations

import argparse
import statistics
import time
from pathlib import Path

from graf.alerts.render import resources
from graf.config import load_project
from graf.context import RenderContext

ROOT = Path(__file__).resolve().parents[1]


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--runs", type=int, default=200)
    runs = parser.parse_args().runs
    project = load_project(ROOT / "graf.yaml")
    for env in project.environments.values():
        ctx = RenderContext(project, env)
        times = []
        for _ in range(runs):
            start = time.perf_counter()
            rendered = resources(ctx)
            times.append(time.perf_counter() - start)
        counts = {k: sum(r.kind == k for r in rendered) for k in ("alert-rule", "contact-point", "policy")}
        size = sum(len(r.canonical_json()) for r in rendered)
        print(f"alerts {env.name:5} median {statistics.median(times) * 1000:.2f} ms  max {max(times) * 1000:.2f} ms"
              f"  ({counts['alert-rule']} rules, {counts['contact-point']} contact point(s), "
              f"{counts['policy']} policy; {size / 1024:.1f} KiB canonical JSON)")


if __name__ == "__main__":
    main()
