"""Schema v2 dashboard files for the tests: the test server's conversion of graf's built-in dashboards,
and a hand-written one with tabs, rows, an auto grid, a library panel and variables."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from graf._render import render
from graf.config import load_project
from tests.grafana_server.schema_v2 import to_v2

ROOT = Path(__file__).resolve().parents[2]


def resource(uid: str, spec: dict[str, Any], api: str = "dashboard.grafana.app/v2") -> dict[str, Any]:
    return {"apiVersion": api, "kind": "Dashboard",
            "metadata": {"name": uid, "annotations": {"grafana.app/folder": "shop"}}, "spec": spec}


def builtin() -> dict[str, dict[str, Any]]:
    """uid -> v2 resource, for every dashboard graf renders for dev and prod, as a UI save in 13 stores it."""
    project = load_project(ROOT / "graf.yaml")
    return {r.uid: resource(r.uid, to_v2(r.body)) for env in ("dev", "prod")
            for r in render(project, project.environment(env)) if r.kind == "dashboard"}


def _query(ref: str, group: str, uid: str, expr: str) -> dict[str, Any]:
    return {"kind": "PanelQuery", "spec": {"refId": ref, "hidden": False, "query": {
        "kind": "DataQuery", "group": group, "version": "v0", "datasource": {"name": uid},
        "spec": {"expr": expr}}}}


def _panel(pid: int, title: str, viz: str, *queries: dict[str, Any]) -> dict[str, Any]:
    return {"kind": "Panel", "spec": {
        "id": pid, "title": title, "description": "", "links": [],
        "data": {"kind": "QueryGroup", "spec": {"queries": list(queries), "transformations": [
            {"kind": "Transformation", "group": "organize", "spec": {"options": {"renameByName": {}}}}],
            "queryOptions": {"interval": "1m"}}},
        "vizConfig": {"kind": "VizConfig", "group": viz, "version": "13.0.0",
                      "spec": {"options": {"legend": {"showLegend": True}},
                               "fieldConfig": {"defaults": {"unit": "bytes"}, "overrides": []}}}}}


def _grid(name: str, x: int, y: int, w: int = 12, h: int = 8) -> dict[str, Any]:
    return {"kind": "GridLayoutItem", "spec": {"x": x, "y": y, "width": w, "height": h,
                                               "element": {"kind": "ElementReference", "name": name}}}


def _grid_layout(*items: dict[str, Any]) -> dict[str, Any]:
    return {"kind": "GridLayout", "spec": {"items": list(items)}}


HEAP = 'sum by (area) (jvm_memory_used_bytes{application="$app", environment="prod"})'
LOGS = '{service_name="$app", environment="prod"} |= "ERROR"'


def handwritten() -> dict[str, Any]:
    """A realistic v2 dashboard: two tabs, rows in the first, an auto grid in the second."""
    spec = {
        "title": "Shop JVM (v2)", "description": "", "tags": ["shop"], "editable": True, "cursorSync": "Crosshair",
        "liveNow": False, "preload": False, "revision": 3,
        "links": [{"title": "Runbook", "type": "link", "icon": "doc", "tooltip": "", "url": "https://runbook.invalid",
                   "tags": [], "asDropdown": False, "targetBlank": True, "includeVars": False, "keepTime": False}],
        "timeSettings": {"timezone": "browser", "from": "now-6h", "to": "now", "autoRefresh": "1m",
                         "autoRefreshIntervals": ["1m", "5m"], "hideTimepicker": False, "fiscalYearStartMonth": 0,
                         "weekStart": "monday"},
        "variables": [{"kind": "QueryVariable", "spec": {
            "name": "app", "label": "Application", "hide": "dontHide", "refresh": "onDashboardLoad",
            "skipUrlSync": False, "sort": "alphabeticalAsc", "regex": "", "multi": False, "includeAll": False,
            "current": {"text": "shop", "value": "shop"}, "options": [], "allowCustomValue": True,
            "query": {"kind": "DataQuery", "group": "prometheus", "version": "v0", "datasource": {"name": "prometheus"},
                      "spec": {"query": "label_values(jvm_info, application)"}}}}],
        "annotations": [{"kind": "AnnotationQuery", "spec": {
            "name": "Annotations & Alerts", "enable": True, "hide": True, "iconColor": "rgba(0, 211, 255, 1)",
            "builtIn": True, "query": {"kind": "DataQuery", "group": "grafana", "version": "v0",
                                       "datasource": {"name": "-- Grafana --"}, "spec": {}}}}],
        "elements": {
            "panel-1": _panel(1, "Heap", "timeseries", _query("A", "prometheus", "prometheus", HEAP)),
            "panel-2": _panel(2, "GC pauses", "timeseries", _query(
                "A", "prometheus", "prometheus", 'rate(jvm_gc_pause_seconds_sum{environment="prod"}[5m])')),
            "panel-3": _panel(3, "Errors", "logs", _query("A", "loki", "loki", LOGS)),
            "panel-4": {"kind": "LibraryPanel", "spec": {"id": 4, "title": "Uptime",
                                                         "libraryPanel": {"name": "Uptime", "uid": "lib-uptime"}}},
        },
        "layout": {"kind": "TabsLayout", "spec": {"tabs": [
            {"kind": "TabsLayoutTab", "spec": {"title": "JVM", "layout": {"kind": "RowsLayout", "spec": {"rows": [
                {"kind": "RowsLayoutRow", "spec": {"title": "Memory", "collapse": False,
                                                   "layout": _grid_layout(_grid("panel-1", 0, 0))}},
                {"kind": "RowsLayoutRow", "spec": {"title": "GC", "collapse": True,
                                                   "repeat": {"mode": "variable", "value": "app"},
                                                   "layout": _grid_layout(_grid("panel-2", 0, 0, 24))}}]}}}},
            {"kind": "TabsLayoutTab", "spec": {"title": "Logs", "layout": {"kind": "AutoGridLayout", "spec": {
                "maxColumnCount": 2, "columnWidthMode": "standard", "rowHeightMode": "standard", "items": [
                    {"kind": "AutoGridLayoutItem", "spec": {"element": {"kind": "ElementReference",
                                                                        "name": "panel-3"}}},
                    {"kind": "AutoGridLayoutItem", "spec": {"element": {"kind": "ElementReference",
                                                                        "name": "panel-4"}}}]}}}}]}},
    }
    return resource("shop-prod-jvm-v2", spec)


