"""Several `graf sync` processes of one environment at once converge without errors (issue 12): a create
that Grafana refuses because another run made it first, or an update whose version moved, is read back, and
when Grafana holds exactly what graf wanted it is done."""

from __future__ import annotations

import os
import subprocess
import sys
import threading
from pathlib import Path

from graf.target import Target
from tests.grafana_server import GrafanaServer

PROCESSES = int(os.environ.get("GRAF_CONCURRENT_SYNCS", "4"))


def run_syncs(config: Path, server: GrafanaServer, count: int) -> list[subprocess.CompletedProcess[str]]:
    env = {**os.environ, "GRAFANA_URL": server.url, "GRAFANA_TOKEN": server.token,
           "ALERT_WEBHOOK_URL": "https://hooks.example.com/T0"}
    command = [sys.executable, "-m", "graf", "--config", str(config), "sync", "--env", "dev"]
    started = [subprocess.Popen(command, env=env, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
               for _ in range(count)]
    done = []
    for process in started:
        out, err = process.communicate(timeout=120)
        done.append(subprocess.CompletedProcess(command, process.returncode, out, err))
    return done


def test_concurrent_syncs_of_one_environment_all_succeed_and_converge(example_project: Path) -> None:
    from graf.config import load_project

    with GrafanaServer(latency=0.01) as server:
        # Every run's plan waits for the others' (a barrier on the folder read each plan makes), so all of
        # them plan the same creates against an empty Grafana and write at once: the worst case.
        barrier = threading.Barrier(PROCESSES, timeout=60)
        for _ in range(PROCESSES):
            server.before("GET", "/api/folders/shop-dev", barrier.wait)
        runs = run_syncs(example_project, server, PROCESSES)
        for run in runs:
            assert "Traceback" not in run.stderr, run.stderr
            assert run.returncode == 0, run.stdout[-800:] + run.stderr[-800:]
        # Overlap happened: more writes reached Grafana than one run needs.
        project = load_project(example_project)
        wanted = Target(project, project.environment("dev"), url=server.url).desired()
        assert server.count("POST") + server.count("PUT") > len(wanted)
        # No duplicate: one of each desired resource, datasource names unique.
        assert {d for d in server.state.dashboards} == {r.uid for r in wanted if r.kind == "dashboard"}
        names = [d.fields["name"] for d in server.state.datasources.values()]
        assert len(names) == len(set(names)) == sum(r.kind == "datasource" for r in wanted)
        assert set(server.state.rules) == {r.uid for r in wanted if r.kind == "alert-rule"}
        server.reset_counts()
        [again] = run_syncs(example_project, server, 1)
        assert again.returncode == 0 and server.writes() == {}, again.stdout
