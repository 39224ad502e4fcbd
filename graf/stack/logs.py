"""What the log shippers share: the labels of every stream and how one record starts.

The labels are the ones the Loki queries of the dashboards select on (`jobs.logs`, environment,
application, host) plus `service_name`, which Tempo's trace-to-logs link maps `service.name` to.
"""

from __future__ import annotations

from graf.config import App, Environment, Project, Server

JSON_FIRSTLINE = r"^\{"
PLAIN_FIRSTLINE = r"^\d{4}-\d{2}-\d{2}[T ]\d{2}:\d{2}:\d{2}"
PLAIN_LEVEL = r"\s(?P<level>TRACE|DEBUG|INFO|WARN|ERROR|FATAL)\s"
MAX_LINES = 500


def stream_labels(project: Project, env: Environment, server: Server, app: App) -> dict[str, str]:
    lb = project.labels
    return {"job": project.jobs.logs, lb.environment: env.label, lb.host: server.host,
            lb.application: app.name, lb.service: app.name}


def firstline(app: App) -> str:
    """A new record starts with `{` (JSON, one object per record) or a timestamp; other lines continue it."""
    return JSON_FIRSTLINE if app.log_format == "json" else PLAIN_FIRSTLINE


def ident(name: str) -> str:
    """A component label for Alloy / a job name: letters, digits and `_`."""
    return "".join(ch if ch.isalnum() else "_" for ch in name)
