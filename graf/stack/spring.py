"""The Spring Boot settings (an application.yml fragment) that make an app expose what the dashboards read.

Metrics on the path and management port Prometheus scrapes, percentile histograms for
`http.server.requests` (the latency dashboards' p50/p90/p99), the `application` tag, traces to
Tempo's OTLP receiver sampled per environment, and a log line that carries the trace id in the
form the Loki derived field matches (`"traceId":"..."` in JSON, `traceId=...` in plain text).
"""

from __future__ import annotations

from typing import Any

from graf.config import App, Environment, Project, Server
from graf.datasources.tempo import TRACE_ENVIRONMENT_ATTRIBUTE
from graf.stack._yaml import dump
from graf.stack.endpoints import otlp_traces_url

PLAIN_CORRELATION = "[traceId=%X{traceId:-} spanId=%X{spanId:-}] "


def actuator_paths(metrics_path: str) -> tuple[str, str]:
    """(management base path, prometheus endpoint mapping) so that base + mapping is `metrics_path`."""
    base, _, last = metrics_path.rstrip("/").rpartition("/")
    return base or "/", last


def spring_config(project: Project, env: Environment, server: Server, app: App) -> dict[str, Any]:
    base, mapping = actuator_paths(app.metrics_path)
    metrics: dict[str, Any] = {"tags": {project.labels.application: app.name}}
    if app.percentiles_histogram:
        metrics["distribution"] = {"percentiles-histogram": {"[http.server.requests]": True}}
    logging: dict[str, Any] = ({"structured": {"format": {"file": "logstash"}}} if app.log_format == "json"
                               else {"pattern": {"correlation": PLAIN_CORRELATION}})
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
        + ("JSON logs: Spring Boot 3.4+ structured logging (logstash) writes the MDC traceId as a JSON field.\n"
           if app.log_format == "json" else
           "Plain logs: logging.pattern.correlation (Spring Boot 3.2+) puts traceId=... on every line.\n")
    )
    return dump(spring_config(project, env, server, app), header)
