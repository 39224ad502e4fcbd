"""The Spring Boot settings (an application.yml fragment) that make an app expose what the dashboards read.

Metrics on the path and management port Prometheus scrapes, percentile histograms for
`http.server.requests` (the latency dashboards' p50/p90/p99), the `application` tag, traces to
Tempo's OTLP receiver sampled per environment, and a log line that carries the trace id in the
form the Loki derived field matches (`"traceId":"..."` in JSON, `traceId=...` in plain text).
"""

from __future__ import annotations

from fnmatch import fnmatchcase
from typing import Any

from graf.config import App, Environment, Project, Server
from graf.datasources.tempo import TRACE_ENVIRONMENT_ATTRIBUTE
from graf.errors import ConfigError
from graf.stack._yaml import dump
from graf.stack.endpoints import otlp_traces_url
from graf.stack.logs import log_file

PLAIN_CORRELATION = "[traceId=%X{traceId:-} spanId=%X{spanId:-}] "
# Pattern letter X three times: the ISO 8601 offset (+02:00, or Z for UTC), which the shippers parse back.
ISO_OFFSET = "X" * 3
PLAIN_DATEFORMAT = "yyyy-MM-dd'T'HH:mm:ss.SSS" + ISO_OFFSET
# Logback rotation Spring Boot applies to logging.file.name: 10 MB files, a week, 1 GB at most.
ROLLING = {"max-file-size": "10MB", "max-history": 7, "total-size-cap": "1GB"}


def actuator_paths(metrics_path: str) -> tuple[str, str]:
    """(management base path, prometheus endpoint mapping) so that base + mapping is `metrics_path`."""
    base, _, last = metrics_path.rstrip("/").rpartition("/")
    return base or "/", last


def spring_config(project: Project, env: Environment, server: Server, app: App) -> dict[str, Any]:
    base, mapping = actuator_paths(app.metrics_path)
    metrics: dict[str, Any] = {"tags": {project.labels.application: app.name}}
    if app.percentiles_histogram:
        metrics["distribution"] = {"percentiles-histogram": {"[http.server.requests]": True}}
    logging: dict[str, Any] = {
        # The file the agent tails (apps.<name>.log_files), rotated so it cannot fill the disk; the
        # archives (<file>.<date>.<n>.gz) match none of the globs, so the agent never reads them twice.
        "file": {"name": log_file(project, app)},
        "logback": {"rollingpolicy": dict(ROLLING)},
    }
    if app.log_format == "json":
        logging["structured"] = {"format": {"file": "logstash"}}
    else:
        # The ISO timestamp with offset the agent reads the line's time from (Spring Boot 3's default, made explicit).
        logging["pattern"] = {"correlation": PLAIN_CORRELATION, "dateformat": PLAIN_DATEFORMAT}
    archive = f"{logging['file']['name']}.2026-01-01.0.gz"
    if any(fnmatchcase(archive, glob) for glob in app.log_files):
        raise ConfigError(f"{project.path.name}: apps.{app.name}.log_files",
                          f"a glob also matches Spring's rotated archives ({archive}): the agent would ship "
                          "them again", f"end the glob in .log, e.g. /var/log/{app.name}/*.log")
    return {
        "spring": {"application": {"name": app.name}},
        "management": {
            "server": {"port": app.port, "address": server.address},
            "endpoints": {"web": {"base-path": base, "exposure": {"include": "health,prometheus"},
                                  "path-mapping": {"prometheus": mapping}}},
            "metrics": metrics,
            "tracing": {"sampling": {"probability": env.trace_sampling}},
            # Dev and prod share one Tempo: the Overview's trace search and the trace-to-logs link
            # tell them apart by this resource attribute.
            "opentelemetry": {"resource-attributes": {TRACE_ENVIRONMENT_ATTRIBUTE: env.label}},
            "otlp": {"tracing": {"endpoint": otlp_traces_url(project)}},
        },
        "logging": logging,
    }


def spring_yml(project: Project, env: Environment, server: Server, app: App) -> str:
    header = (
        f"application.yml settings for {app.name} on {server.host} ({env.name}). Rendered by graf from graf.yaml:\n"
        "merge into the app's configuration (or run with --spring.config.additional-location=<this file>).\n"
        f"spring.application.name is the service.name of its traces and the {project.labels.service} label of its\n"
        "logs (Tempo's trace-to-logs link joins on it). Needs micrometer-registry-prometheus and\n"
        "micrometer-tracing-bridge-otel + opentelemetry-exporter-otlp; OTLP goes over HTTP (Spring Boot 3.4+\n"
        "can use gRPC: management.otlp.tracing.transport: grpc with port "
        f"{project.stack.ports['otlp_grpc']}).\n"
        + "It writes the log file the agent tails (its folder must exist and be writable by the app's user).\n"
        + ("JSON logs: Spring Boot 3.4+ structured logging (logstash) writes the MDC traceId as a JSON field.\n"
           if app.log_format == "json" else
           "Plain logs: logging.pattern.correlation (Spring Boot 3.2+) puts traceId=... on every line.\n")
    )
    return dump(spring_config(project, env, server, app), header)
