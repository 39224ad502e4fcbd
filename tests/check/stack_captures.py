"""The monitoring server's own scrape targets, played by real /metrics captures.

reference/exposition/ holds one capture each of Prometheus 2.42, Loki 3.7.6, Tempo 2.10.8 and
node_exporter 1.5 (README there). `serve_captures` answers each at /metrics on a free 127.0.0.1
port; `stack_jobs` is graf's rendered prometheus.yml reduced to the monitoring server's jobs (job
names, labels and limits as rendered), each target swapped for its local stand-in. Grafana has no
capture, so its job is left out.
"""

from __future__ import annotations

import contextlib
from collections.abc import Iterator
from typing import Any

from graf.config import Project
from graf.stack.prometheus import prometheus_config
from graf.stack.sizing import PROFILES
from tests.check.exposition import exposition_server
from tests.reference import reference_path

CAPTURES = {"prometheus": "exposition/prometheus-2.42-metrics.txt", "loki": "exposition/loki-3.7.6-metrics.txt",
            "tempo": "exposition/tempo-2.10.8-metrics.txt", "node": "exposition/node-exporter-1.5-metrics.txt"}


@contextlib.contextmanager
def serve_captures(project: Project) -> Iterator[dict[str, str]]:
    """Job name (as graf names the stack's jobs) -> host:port answering that component's capture."""
    bodies = {job: reference_path(path).read_text(encoding="utf-8") for job, path in CAPTURES.items()}
    with contextlib.ExitStack() as stack:
        yield {(project.jobs.node if job == "node" else job):
               stack.enter_context(exposition_server("/metrics", lambda n, b=body: b))
               for job, body in bodies.items()}


def stack_jobs(project: Project, targets: dict[str, str]) -> list[dict[str, Any]]:
    profile = PROFILES[project.stack.profile]
    config = prometheus_config(project, profile, list(project.environments.values()))
    jobs = []
    for job in config["scrape_configs"]:
        if not job["job_name"].startswith(f"{project.stack.server_host}/"):
            continue
        static = job["static_configs"][0]
        if static["labels"]["job"] in targets:
            jobs.append({**job, "static_configs": [{**static, "targets": [targets[static["labels"]["job"]]]}]})
    assert {j["static_configs"][0]["labels"]["job"] for j in jobs} == set(targets)
    return jobs
