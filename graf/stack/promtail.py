"""promtail/config.yml: the legacy shipper (Promtail is end-of-life since 2026-03-02), same labels as Alloy."""

from __future__ import annotations

import json
from typing import Any

from graf.config import Environment, Project, Server
from graf.stack._yaml import GENERATED, dump
from graf.stack.endpoints import loki_push_url
from graf.stack.logs import (
    JSON_TIMESTAMP,
    MAX_LINES,
    TIMESTAMP,
    TIMESTAMP_FORMAT,
    firstline,
    ident,
    plain_line,
    stream_labels,
)

POSITIONS = "/var/lib/promtail/positions.yaml"


def promtail_config(project: Project, env: Environment, server: Server) -> dict[str, Any]:
    level = project.labels.level
    jobs = []
    for name in server.apps:
        app = project.apps[name]
        labels = stream_labels(project, env, server, app)
        jobs.append({
            "job_name": ident(name),
            "static_configs": [{"targets": ["localhost"], "labels": {**labels, "__path__": path}}
                               for path in app.log_files],
            "pipeline_stages": [
                {"multiline": {"firstline": firstline(app), "max_wait_time": "3s", "max_lines": MAX_LINES}},
                {"json": {"expressions": {level: "level", TIMESTAMP: json.dumps(JSON_TIMESTAMP)}}},
                {"regex": {"expression": plain_line(level)}},
                {"timestamp": {"source": TIMESTAMP, "format": TIMESTAMP_FORMAT, "action_on_failure": "skip"}},
                {"labels": {level: None}},
            ],
        })
    return {
        "server": {"http_listen_address": "127.0.0.1", "http_listen_port": 9080, "grpc_listen_port": 0},
        "positions": {"filename": POSITIONS},
        "clients": [{"url": loki_push_url(project)}],
        "scrape_configs": jobs,
    }


def promtail_yml(project: Project, env: Environment, server: Server) -> str:
    header = f"{GENERATED}\nPromtail is end-of-life (2026-03-02); graf renders Grafana Alloy unless asked for this."
    return dump(promtail_config(project, env, server), header)
