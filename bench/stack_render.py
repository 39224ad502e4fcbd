"""Stack rendering: time of `graf stack render` / `graf stack agent`, and the memory budget of each profile.

    python bench/stack_render.py [--runs N]
"""

from __future__ import annotations

import argparse
import statistics
import sys
import tempfile
import time
from pathlib import Path

from _commands import ROOT, timed


def in_process(runs: int) -> tuple[float, float, int]:
    """Median seconds of the pure renderers alone (config loaded once), and the number of files."""
    from graf.config import load_project
    from graf.stack.agent import render_agent
    from graf.stack.server import render_server

    project = load_project(ROOT / "graf.yaml")
    server, agent = [], []
    files = 0
    for _ in range(runs * 10):
        start = time.perf_counter()
        files = len(render_server(project).files)
        server.append(time.perf_counter() - start)
        start = time.perf_counter()
        files += len(render_agent(project, "prod", "prod-app-1"))
        agent.append(time.perf_counter() - start)
    return statistics.median(server), statistics.median(agent), files


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--runs", type=int, default=5)
    runs = parser.parse_args().runs
    graf = [sys.executable, "-m", "graf"]
    with tempfile.TemporaryDirectory() as out:
        render = timed([*graf, "stack", "render", "--out", str(Path(out) / "s")], runs)
        agent = timed([*graf, "stack", "agent", "--env", "prod", "--host", "prod-app-1", "--out",
                       str(Path(out) / "a")], runs)
    server_s, agent_s, files = in_process(runs)
    print(f"graf stack render   median {statistics.median(render):.3f} s  min {min(render):.3f} s  (CLI, 6 files)")
    print(f"graf stack agent    median {statistics.median(agent):.3f} s  min {min(agent):.3f} s  (CLI, 4 files)")
    print(f"render_server       median {server_s * 1000:.1f} ms  render_agent median {agent_s * 1000:.1f} ms"
          f"  (pure, {files} files)")

    from graf.stack.sizing import PROFILES

    for profile in PROFILES.values():
        limits = ", ".join(f"{k} {v}M" for k, v in profile.limits_mib.items())
        print(f"profile {profile.name:<6}  host {profile.host_mib} MiB  limits sum {profile.total_mib} MiB"
              f"  budget {profile.budget_mib} MiB  headroom {profile.budget_mib - profile.total_mib} MiB  ({limits})")


if __name__ == "__main__":
    main()
