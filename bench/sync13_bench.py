"""No-op `graf sync` of 500 dashboards on Grafana 13 (`/apis` lists) vs graf's legacy path vs a grafana-client loop.

All three in one run against the test server with 20 ms added to every request (a Grafana across a
network): a sequential grafana-client loop reading each dashboard once (the baseline), graf's no-op
sync against an 11.6 server (one GET per dashboard, 16 in flight) and against a 13.1 server (one
paginated list per kind). Targets (issue 17): on 13, at least 50x faster than the loop and 5x faster
than graf's own legacy path, in a handful of requests per kind.

    .venv/bin/python bench/sync13_bench.py [--dashboards 500] [--latency 0.02]
"""

from __future__ import annotations

import argparse
import os
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from grafana_client import GrafanaApi  # noqa: E402

from bench.sync_bench import graf, make_project  # noqa: E402
from tests.grafana_server import GrafanaServer  # noqa: E402


def noop_sync(version: str, count: int, latency: float) -> tuple[float, int, dict[str, int], int]:
    """(seconds, requests, requests per kind, writes) of a no-op sync, after a first full sync."""
    with GrafanaServer(latency=latency, version=version) as server, tempfile.TemporaryDirectory() as tmp:
        os.environ["GRAFANA_TOKEN"] = server.token
        config = make_project(Path(tmp), server.url, count)
        sync = ["--config", str(config), "sync", "--env", "prod"]
        code, out = graf(*sync)
        assert code == 0, out
        server.reset_counts()
        started = time.perf_counter()
        code, out = graf(*sync)
        took = time.perf_counter() - started
        assert code == 0, out
        return took, server.count(), dict(server.counts_by_kind()), sum(server.writes().values())


def sequential_loop(count: int, latency: float) -> float:
    with GrafanaServer(latency=latency, version="13.1.0") as server, tempfile.TemporaryDirectory() as tmp:
        os.environ["GRAFANA_TOKEN"] = server.token
        config = make_project(Path(tmp), server.url, count)
        assert graf("--config", str(config), "sync", "--env", "prod")[0] == 0
        api = GrafanaApi.from_url(server.url, credential=server.token)
        started = time.perf_counter()
        for i in range(count):
            api.dashboard.get_dashboard(f"bench-prod-{i:04d}")
        return time.perf_counter() - started


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--dashboards", type=int, default=500)
    parser.add_argument("--latency", type=float, default=0.02)
    args = parser.parse_args()

    loop = sequential_loop(args.dashboards, args.latency)
    legacy, legacy_requests, _, legacy_writes = noop_sync("11.6.0", args.dashboards, args.latency)
    apis, apis_requests, by_kind, apis_writes = noop_sync("13.1.0", args.dashboards, args.latency)
    print(f"dashboards: {args.dashboards}, added latency: {args.latency * 1000:.0f} ms/request")
    print(f"sequential grafana-client reads:    {loop:6.2f} s  {args.dashboards} requests")
    print(f"graf no-op sync, 11.6 (legacy /api): {legacy:6.2f} s  {legacy_requests} requests, {legacy_writes} writes")
    print(f"graf no-op sync, 13.1 (/apis):       {apis:6.2f} s  {apis_requests} requests, {apis_writes} writes")
    print("13.1 requests per kind: " + ", ".join(f"{k} {n}" for k, n in sorted(by_kind.items())))
    vs_loop, vs_legacy = loop / apis, legacy / apis
    print(f"13.1 no-op sync is {vs_loop:.1f}x faster than the loop (target >= 50x)"
          f"{'' if vs_loop >= 50 else '  BELOW TARGET'}")
    print(f"13.1 no-op sync is {vs_legacy:.1f}x faster than graf's legacy path (target >= 5x)"
          f"{'' if vs_legacy >= 5 else '  BELOW TARGET'}")
    return 0 if legacy_writes == apis_writes == 0 else 1


if __name__ == "__main__":
    sys.exit(main())
