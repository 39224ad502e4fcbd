"""What the log shippers share: the labels of every stream, where a record starts, and how its level
and its own timestamp are read, for both log formats graf's Spring settings write.

The labels are the ones the Loki queries of the dashboards select on (`jobs.logs`, environment,
application, host) plus `service_name`, which Tempo's trace-to-logs link maps `service.name` to.

A file may hold both formats (lines written before Spring's logging starts, a format switched
later), so every pipeline handles both whatever `log_format` says: a record starts with `{` or with
a timestamp; `level` and the timestamp come from the JSON fields when the line is JSON and from the
start of the line when it is plain. Loki then stores each record at the time it was logged, not
the time the agent read it (a backlog or a re-read lands where it belongs).
"""

from __future__ import annotations

from fnmatch import fnmatchcase

from graf.config import App, Environment, Project, Server
from graf.errors import ConfigError

JSON_FIRSTLINE = r"^\{"
PLAIN_FIRSTLINE = r"^\d{4}-\d{2}-\d{2}[T ]\d{2}:\d{2}:\d{2}"
FIRSTLINE = r"^(?:\{|\d{4}-\d{2}-\d{2}[T ]\d{2}:\d{2}:\d{2})"  # either format starts a record
LEVELS = "TRACE|DEBUG|INFO|WARN|ERROR|FATAL"
# Spring Boot's plain line: `<timestamp> <level> <pid> --- ...` (logging.pattern.dateformat as spring.py sets it).
_PLAIN_LINE = r"^(?P<timestamp>\d{{4}}-\d{{2}}-\d{{2}}[T ]\d{{2}}:\d{{2}}:\d{{2}}\S*)\s+(?P<{level}>" + LEVELS + r")\s"
JSON_TIMESTAMP = "@timestamp"  # Spring Boot's logstash format: ISO-8601 with offset
TIMESTAMP = "timestamp"  # the extracted value both formats fill
TIMESTAMP_FORMAT = "RFC3339Nano"  # Go layout name; also reads whole seconds, `Z` and `+01:00`
MAX_LINES = 500


def plain_line(level_label: str) -> str:
    """The regex that reads a plain line's timestamp and level (into `level_label`); a JSON line never matches."""
    return _PLAIN_LINE.format(level=level_label)


def stream_labels(project: Project, env: Environment, server: Server, app: App) -> dict[str, str]:
    lb = project.labels
    return {"job": project.jobs.logs, lb.environment: env.label, lb.host: server.host,
            lb.application: app.name, lb.service: app.name}


def firstline(app: App) -> str:
    """A new record starts with `{` (JSON, one object per record) or a timestamp; other lines continue it.
    Both for either `log_format`, so a plain line never joins the JSON record before it."""
    return FIRSTLINE


def ident(name: str) -> str:
    """A component label for Alloy / a job name: letters, digits and `_`."""
    return "".join(ch if ch.isalnum() else "_" for ch in name)


def log_file(project: Project, app: App) -> str:
    """The file Spring writes: the first of `log_files` with `*` read as the app's name (`/var/log/shop-api/*.log`
    -> `/var/log/shop-api/shop-api.log`), so the agent tails what the app writes."""
    for pattern in app.log_files:
        candidate = pattern.replace("**/", "").replace("*", app.name).replace("?", "x")
        if "[" not in candidate and candidate.startswith("/") and fnmatchcase(candidate, pattern):
            return candidate
    raise ConfigError(f"{project.path.name}: apps.{app.name}.log_files",
                      "no absolute path Spring could write matches these globs",
                      f"e.g. /var/log/{app.name}/*.log")
