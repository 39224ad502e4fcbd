"""Tempo: traces, linking to their logs in Loki and (with the metrics generator) to span metrics."""

from __future__ import annotations

from graf.context import RenderContext
from graf.datasources._http import base
from graf.resources import JSON
from graf.stack.tempo import ENVIRONMENT_ATTRIBUTE, ENVIRONMENT_LABEL

# Resource attributes on the apps' spans (OTel semantic conventions): the service is the app's
# name; the environment is set by graf's Spring settings from the environment's label.
TRACE_SERVICE_ATTRIBUTE = "service.name"
TRACE_ENVIRONMENT_ATTRIBUTE = ENVIRONMENT_ATTRIBUTE
# Logs are searched a little before the span starts and after it ends: clocks drift, and log
# lines are often written just outside the span.
LOG_WINDOW = ("-5m", "5m")
# Labels Tempo's metrics generator puts on span metrics / service graph series.
SPAN_METRICS_SERVICE_LABEL = "service"
# The environment dimension graf's Tempo config adds (graf/stack/tempo.py), as Tempo names the label.
SPAN_METRICS_ENVIRONMENT_LABEL = ENVIRONMENT_LABEL
SPAN_METRICS_QUERIES = (
    ("Request rate", "sum by (span_name) (rate(traces_spanmetrics_calls_total{$__tags}[5m]))"),
    ("Error rate", 'sum by (span_name) (rate(traces_spanmetrics_calls_total{$__tags, status_code="STATUS_CODE_ERROR"}'
                   "[5m]))"),
    ("p95 latency", "histogram_quantile(0.95, sum by (le, span_name) "
                    "(rate(traces_spanmetrics_latency_bucket{$__tags}[5m])))"),
)


def datasource(ctx: RenderContext) -> JSON:
    loki, prometheus = ctx.datasource("loki"), ctx.datasource("prometheus")
    labels = ctx.labels
    json_data: JSON = {
        "tracesToLogsV2": {
            "datasourceUid": loki.uid,
            "spanStartTimeShift": LOG_WINDOW[0],
            "spanEndTimeShift": LOG_WINDOW[1],
            "filterByTraceID": True,
            "filterBySpanID": False,
            "customQuery": False,
            # span resource attribute -> the label the log shipper sets on the same app's lines
            "tags": [{"key": TRACE_SERVICE_ATTRIBUTE, "value": labels.service},
                     {"key": TRACE_ENVIRONMENT_ATTRIBUTE, "value": labels.environment}],
        },
        "nodeGraph": {"enabled": True},
        "search": {"hide": False},
    }
    if ctx.project.stack.metrics_generator:
        json_data["serviceMap"] = {"datasourceUid": prometheus.uid}
        json_data["tracesToMetrics"] = {
            "datasourceUid": prometheus.uid,
            "spanStartTimeShift": LOG_WINDOW[0],
            "spanEndTimeShift": LOG_WINDOW[1],
            # span attribute -> span-metrics label: $__tags filters by the span's service and environment
            "tags": [{"key": TRACE_SERVICE_ATTRIBUTE, "value": SPAN_METRICS_SERVICE_LABEL},
                     {"key": TRACE_ENVIRONMENT_ATTRIBUTE, "value": SPAN_METRICS_ENVIRONMENT_LABEL}],
            "queries": [{"name": name, "query": query} for name, query in SPAN_METRICS_QUERIES],
        }
    return base(ctx.datasource("tempo"), json_data)
