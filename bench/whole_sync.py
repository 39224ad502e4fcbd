"""No-op `graf sync` as a user runs it: a whole graf process against a test Grafana in another process.

Every request gets 20 ms added (a Grafana across a network); graf runs with 16 requests in flight.
Cases, each with its baseline measured in the same run:
  500 dashboards from team modules, legacy API (11.6): vs the floor ceil(501/16) x 20 ms and vs a
      plain 16-thread grafana-client loop (a whole process too) reading each dashboard once;
      targets: within 1.5x of the floor, faster than the loop.
  5,000 dashboards from JSON files, legacy API: vs the floor ceil(5001/16) x 20 ms; target within 2x.
  5,000 dashboards, Grafana 13.1 (`/apis` lists): target under 3 s; peak RSS per dashboard.
Every no-op sync must write nothing. Wall, CPU and peak RSS are the graf process's own.

    .venv/bin/python bench/whole_sync.py [--small 500] [--large 5000] [--latency 0.02] [--skip-large]
"""

from __future__ import annotations

import argparse
import json
import math
import sys
import tempfile
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from bench._whole import GRAF, PYTHON, Run, checked, measure, row, serve  # noqa: E402

CONCURRENCY = 16

GRAF_YAML = """\
version: 1
name: bench
dashboards: {{builtin: [], modules: {modules}, files: {files}}}
environments:
  prod:
    grafana: {{url: "{url}", token: "${{GRAFANA_TOKEN}}"}}
    folder: {{uid: bench-prod, title: "Bench prod"}}
"""

HELPERS = '''\
EXPR = 'sum(rate(http_server_requests_seconds_count{{uri="/{i}/{p}"}}[5m]))'


def board(ctx, i):
    panels = [{"id": p, "type": "timeseries", "title": f"Panel {p}",
               "gridPos": {"h": 8, "w": 12, "x": 0, "y": p * 8},
               "datasource": {"type": "prometheus", "uid": "prometheus"},
               "targets": [{"refId": "A", "expr": EXPR.format(i=i, p=p)}]}
              for p in range(1, 7)]
    return {"uid": ctx.uid(f"b{i:04d}"), "title": f"Bench {i:04d}", "schemaVersion": 39, "panels": panels}
'''

MODULE = "from .helpers import board\n\n\ndef dashboard(ctx):\n    return board(ctx, {i})\n"


def uid(i: int) -> str:
    return f"bench-prod-b{i:04d}"


def make_project(root: Path, url: str, count: int, *, modules: bool) -> Path:
    if modules:
        (root / "team").mkdir()
        (root / "team" / "helpers.py").write_text(HELPERS, encoding="utf-8")
        for i in range(count):
            (root / "team" / f"d{i:04d}.py").write_text(MODULE.format(i=i), encoding="utf-8")
        listed, files = json.dumps([f"team/d{i:04d}.py" for i in range(count)]), "[]"
    else:
        (root / "dashboards").mkdir()
        expr = 'sum(rate(http_server_requests_seconds_count{{uri="/{i}/{p}"}}[5m]))'
        for i in range(count):
            panels = [{"id": p, "type": "timeseries", "title": f"Panel {p}",
                       "gridPos": {"h": 8, "w": 12, "x": 0, "y": p * 8},
                       "datasource": {"type": "prometheus", "uid": "prometheus"},
                       "targets": [{"refId": "A", "expr": expr.format(i=i, p=p)}]} for p in range(1, 7)]
            body = {"uid": uid(i), "title": f"Bench {i:04d}", "schemaVersion": 39, "panels": panels}
            (root / "dashboards" / f"{uid(i)}.json").write_text(json.dumps(body), encoding="utf-8")
        listed, files = "[]", '["dashboards/*.json"]'
    config = root / "graf.yaml"
    config.write_text(GRAF_YAML.format(url=url, modules=listed, files=files), encoding="utf-8")
    return config


CLIENT_LOOP = """\
import sys, threading
from concurrent.futures import ThreadPoolExecutor
from grafana_client import GrafanaApi
url, token, count, threads = sys.argv[1], sys.argv[2], int(sys.argv[3]), int(sys.argv[4])
local = threading.local()
def get(uid):
    api = getattr(local, "api", None)
    if api is None:
        api = local.api = GrafanaApi.from_url(url, credential=token)
    return api.dashboard.get_dashboard(uid)
with ThreadPoolExecutor(threads) as pool:
    got = list(pool.map(get, [f"bench-prod-b{i:04d}" for i in range(count)]))
assert len(got) == count
"""


def noop_sync(version: str, count: int, latency: float, *, modules: bool, loop: bool = False
              ) -> tuple[Run, int, int, Run | None]:
    """The no-op sync after a first full one: (run, requests, writes, client loop run or None)."""
    with serve(version, latency) as server, tempfile.TemporaryDirectory() as tmp:
        config = make_project(Path(tmp), server.url, count, modules=modules)
        sync = [*GRAF, "--config", str(config), "sync", "--env", "prod", "--concurrency", str(CONCURRENCY)]
        env = {"GRAFANA_TOKEN": server.token}
        checked(measure(sync, env=env), "first sync")
        server.reset()
        run = checked(measure(sync, env=env), "no-op sync")
        requests, writes = server.counts()
        client = None
        if loop:
            client = checked(measure([PYTHON, "-c", CLIENT_LOOP, server.url, server.token, str(count),
                                      str(CONCURRENCY)]), "grafana-client loop")
        return run, requests, writes, client


def verdict(ok: bool) -> str:
    return "met" if ok else "NOT MET"


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--small", type=int, default=500)
    parser.add_argument("--large", type=int, default=5000)
    parser.add_argument("--latency", type=float, default=0.02)
    parser.add_argument("--skip-large", action="store_true")
    args = parser.parse_args()
    writes_total = 0
    print(f"added latency {args.latency * 1000:.0f} ms/request, {CONCURRENCY} in flight; "
          "figures are whole processes (wall, user+system CPU, peak RSS)")

    n = args.small
    floor = math.ceil((n + 1) / CONCURRENCY) * args.latency
    run, requests, writes, client = noop_sync("11.6.0", n, args.latency, modules=True, loop=True)
    assert client is not None
    writes_total += writes
    print(f"no-op sync, {n} dashboards from team modules, Grafana 11.6 (legacy /api):")
    print(row("graf sync", run, f"  {requests} requests, {writes} writes"))
    print(row(f"16-thread grafana-client loop ({n} GETs)", client))
    print(f"  floor ceil({n + 1}/{CONCURRENCY}) x {args.latency * 1000:.0f} ms = {floor:.2f} s; "
          f"graf / floor = {run.wall / floor:.2f}x (target <= 1.5x: {verdict(run.wall <= 1.5 * floor)}); "
          f"graf / loop = {run.wall / client.wall:.2f}x (target < 1: {verdict(run.wall < client.wall)})")

    if not args.skip_large:
        n = args.large
        floor = math.ceil((n + 1) / CONCURRENCY) * args.latency
        run, requests, writes, _ = noop_sync("11.6.0", n, args.latency, modules=False)
        writes_total += writes
        print(f"no-op sync, {n} dashboards from JSON files, Grafana 11.6 (legacy /api):")
        print(row("graf sync", run, f"  {requests} requests, {writes} writes"))
        print(f"  floor ceil({n + 1}/{CONCURRENCY}) x {args.latency * 1000:.0f} ms = {floor:.2f} s; "
              f"graf / floor = {run.wall / floor:.2f}x (target <= 2x: {verdict(run.wall <= 2 * floor)}); "
              f"{run.rss_mb / n * 1000:.1f} kB peak RSS per dashboard")
        run, requests, writes, _ = noop_sync("13.1.0", n, args.latency, modules=False)
        writes_total += writes
        print(f"no-op sync, {n} dashboards from JSON files, Grafana 13.1 (/apis lists):")
        print(row("graf sync", run, f"  {requests} requests, {writes} writes"))
        print(f"  target < 3 s: {verdict(run.wall < 3)}; {run.rss_mb / n:.3f} MB "
              f"({run.rss_mb / n * 1000:.1f} kB) peak RSS per dashboard")
    if writes_total:
        print(f"FAILED: the no-op syncs wrote {writes_total} times")
    return 1 if writes_total else 0


if __name__ == "__main__":
    sys.exit(main())
