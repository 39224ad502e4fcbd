"""No-op `graf sync` of 500 dashboards vs a sequential grafana-client loop, against the test server.

The server adds 20 ms to every request (a Grafana across a network). Prints the time of a first
full sync, of a no-op sync and of the sequential loop reading each dashboard once, the ratio
(target: graf at least 5x faster), and the request counts (the no-op sync must write nothing).

    .venv/bin/python bench/sync_bench.py [--dashboards 500] [--latency 0.02] [--concurrency 8]
"""

from __future__ import annotations

import argparse
import contextlib
import io
import json
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from grafana_client import GrafanaApi  # noqa: E402

from graf.cli import main  # noqa: E402
from tests.grafana_server import GrafanaServer  # noqa: E402

GRAF_YAML = """\
version: 1
name: bench
dashboards: {{builtin: [], files: ["dashboards/*.json"]}}
environments:
  prod:
    grafana: {{url: "{url}", token: "${{GRAFANA_TOKEN}}"}}
    folder: {{uid: bench-prod, title: "Bench prod"}}
"""


def make_project(root: Path, url: str, count: int) -> Path:
    expr = 'sum(rate(http_server_requests_seconds_count{{uri="/{i}/{p}"}}[5m]))'
    (root / "dashboards").mkdir()
    for i in range(count):
        uid = f"bench-prod-{i:04d}"
        panels = [{"id": p, "type": "timeseries", "title": f"Panel {p}",
                   "gridPos": {"h": 8, "w": 12, "x": 0, "y": p * 8},
                   "datasource": {"type": "prometheus", "uid": "prometheus"},
                   "targets": [{"refId": "A", "expr": expr.format(i=i, p=p)}]}
                  for p in range(1, 7)]
        body = {"uid": uid, "title": f"Bench {i:04d}", "schemaVersion": 39, "panels": panels}
        (root / "dashboards" / f"{uid}.json").write_text(json.dumps(body), encoding="utf-8")
    config = root / "graf.yaml"
    config.write_text(GRAF_YAML.format(url=url), encoding="utf-8")
    return config


def graf(*args: str) -> tuple[int, str]:
    out = io.StringIO()
    with contextlib.redirect_stdout(out), contextlib.redirect_stderr(io.StringIO()):
        try:
            main(list(args))
        except SystemExit as exc:
            return (exc.code if isinstance(exc.code, int) else 1), out.getvalue()
    return 0, out.getvalue()


def main_bench() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--dashboards", type=int, default=500)
    parser.add_argument("--latency", type=float, default=0.02)
    parser.add_argument("--concurrency", type=int, default=16)
    args = parser.parse_args()

    import os

    with GrafanaServer(latency=args.latency) as server, tempfile.TemporaryDirectory() as tmp:
        os.environ["GRAFANA_TOKEN"] = server.token
        config = make_project(Path(tmp), server.url, args.dashboards)
        sync = ["--config", str(config), "sync", "--env", "prod", "--concurrency", str(args.concurrency)]

        started = time.perf_counter()
        code, out = graf(*sync)
        first = time.perf_counter() - started
        assert code == 0, out
        first_requests, first_writes = server.count(), sum(server.writes().values())

        server.reset_counts()
        started = time.perf_counter()
        code, out = graf(*sync)
        noop = time.perf_counter() - started
        assert code == 0, out
        noop_requests, noop_writes = server.count(), sum(server.writes().values())

        server.reset_counts()
        api = GrafanaApi.from_url(server.url, credential=server.token)
        uids = [f"bench-prod-{i:04d}" for i in range(args.dashboards)]
        started = time.perf_counter()
        for uid in uids:
            api.dashboard.get_dashboard(uid)
        loop = time.perf_counter() - started
        loop_requests = server.count()

    ratio = loop / noop
    print(f"dashboards: {args.dashboards}, added latency: {args.latency * 1000:.0f} ms/request, "
          f"graf concurrency: {args.concurrency}")
    print(f"first full sync:                 {first:6.2f} s  {first_requests} requests, {first_writes} writes")
    print(f"no-op graf sync:                 {noop:6.2f} s  {noop_requests} requests, {noop_writes} writes")
    print(f"sequential grafana-client reads: {loop:6.2f} s  {loop_requests} requests")
    print(f"no-op sync is {ratio:.1f}x faster than the sequential loop (target >= 5x)"
          f"{'' if ratio >= 5 else '  BELOW TARGET'}")
    return 0 if noop_writes == 0 else 1


if __name__ == "__main__":
    sys.exit(main_bench())
