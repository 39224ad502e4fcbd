"""Small valid resources that tests break one way at a time."""

from __future__ import annotations

import copy
from typing import Any

from graf.resources import Resource
from graf.validate import ValidationContext

PROM = {"type": "prometheus", "uid": "prometheus"}
LOKI = {"type": "loki", "uid": "loki"}


def datasources() -> list[Resource]:
    return [
        Resource("datasource", "prometheus", {
            "uid": "prometheus", "name": "Prometheus", "type": "prometheus", "access": "proxy",
            "url": "http://prometheus:9090", "isDefault": True,
            "jsonData": {"exemplarTraceIdDestinations": [{"name": "trace_id", "datasourceUid": "tempo"}]},
        }),
        Resource("datasource", "loki", {
            "uid": "loki", "name": "Loki", "type": "loki", "access": "proxy", "url": "http://loki:3100",
            "jsonData": {"derivedFields": [{"name": "TraceID", "matcherRegex": "traceId=(\\w+)",
                                            "datasourceUid": "tempo", "url": "${__value.raw}"}]},
        }),
        Resource("datasource", "tempo", {
            "uid": "tempo", "name": "Tempo", "type": "tempo", "access": "proxy", "url": "http://tempo:3200",
            "jsonData": {"tracesToLogsV2": {"datasourceUid": "loki"}, "serviceMap": {"datasourceUid": "prometheus"}},
        }),
    ]


def dashboard() -> dict[str, Any]:
    """A modern dashboard: a stat and a timeseries, a collapsed row holding a logs panel, variables."""
    return copy.deepcopy({
        "uid": "shop-prod-jvm",
        "title": "JVM",
        "schemaVersion": 39,
        "time": {"from": "now-6h", "to": "now"},
        "tags": ["graf"],
        "panels": [
            {"id": 1, "type": "stat", "title": "Uptime", "datasource": PROM,
             "gridPos": {"x": 0, "y": 0, "w": 6, "h": 4},
             "targets": [{"refId": "A", "datasource": PROM,
                          "expr": 'process_uptime_seconds{environment="$environment", instance=~"$instance"}'}]},
            {"id": 4, "type": "timeseries", "title": "Heap used", "datasource": PROM,
             "gridPos": {"x": 6, "y": 0, "w": 18, "h": 8},
             "fieldConfig": {"defaults": {"unit": "bytes", "thresholds": {
                 "mode": "absolute", "steps": [{"color": "green", "value": None}, {"color": "red", "value": 80}]}},
                 "overrides": []},
             "targets": [{"refId": "A", "datasource": PROM, "legendFormat": "{{area}}",
                          "expr": 'sum by (area) (rate(jvm_memory_used_bytes{environment="$environment", '
                                  'instance=~"$instance"}[$__rate_interval]))'}]},
            {"id": 5, "type": "row", "title": "Logs", "collapsed": True, "gridPos": {"x": 0, "y": 8, "w": 24, "h": 1},
             "panels": [
                 {"id": 6, "type": "logs", "title": "Errors", "datasource": LOKI,
                  "gridPos": {"x": 0, "y": 9, "w": 24, "h": 10},
                  "targets": [{"refId": "A", "datasource": LOKI,
                               "expr": '{environment="$environment"} |= "ERROR" | json'}]},
             ]},
        ],
        "templating": {"list": [
            {"name": "environment", "type": "constant", "query": "prod", "hide": 2},
            {"name": "instance", "type": "query", "datasource": PROM, "multi": True, "includeAll": True,
             "query": {"query": 'label_values(jvm_info{environment="$environment"}, instance)', "refId": "V"},
             "refresh": 1},
        ]},
        "annotations": {"list": [
            {"name": "Annotations & Alerts", "builtIn": 1, "enable": True, "hide": True,
             "iconColor": "rgba(0, 211, 255, 1)", "datasource": {"type": "grafana", "uid": "-- Grafana --"},
             "type": "dashboard"},
        ]},
        "links": [{"title": "Runbooks", "type": "link", "url": "https://wiki.example.com/runbooks"}],
    })


def folder() -> Resource:
    return Resource("folder", "shop-prod", {"uid": "shop-prod", "title": "Shop · prod"})


def alert_rule() -> dict[str, Any]:
    """A Grafana-managed rule: PromQL query A, reduce B, threshold C (the condition)."""
    return {
        "uid": "shop-prod-http-5xx",
        "title": "HTTP 5xx ratio",
        "folderUID": "shop-prod",
        "ruleGroup": "shop-api",
        "condition": "C",
        "for": "5m",
        "noDataState": "OK",
        "execErrState": "Error",
        "labels": {"severity": "page"},
        "annotations": {"summary": "5xx above 2%"},
        "data": [
            {"refId": "A", "datasourceUid": "prometheus", "relativeTimeRange": {"from": 600, "to": 0},
             "model": {"refId": "A", "expr": 'sum(rate(http_server_requests_seconds_count{status=~"5.."}[5m]))'}},
            {"refId": "B", "datasourceUid": "__expr__",
             "model": {"refId": "B", "type": "reduce", "expression": "A", "reducer": "last"}},
            {"refId": "C", "datasourceUid": "__expr__",
             "model": {"refId": "C", "type": "threshold", "expression": "B",
                       "conditions": [{"evaluator": {"type": "gt", "params": [0.02]}}]}},
        ],
    }


def rendered(*extra: Resource, dashboards: list[dict[str, Any]] | None = None, alert_interval: str = "1m",
             environment_label: str | None = None) -> tuple[list[Resource], ValidationContext]:
    """One environment's resources (folder, datasources, the dashboard(s), extras) and its context."""
    resources = [folder(), *datasources()]
    for body in dashboards if dashboards is not None else [dashboard()]:
        resources.append(Resource("dashboard", body["uid"], body, folder="shop-prod", source="tests"))
    resources.extend(extra)
    return resources, ValidationContext.rendered("prod", resources, alert_interval=alert_interval,
                                                 environment_label=environment_label)


def alert(body: dict[str, Any] | None = None) -> Resource:
    body = body if body is not None else alert_rule()
    return Resource("alert-rule", str(body.get("uid")), body, folder="shop-prod")


def clone(value: Any) -> Any:
    return copy.deepcopy(value)
