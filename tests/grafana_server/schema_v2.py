"""Classic dashboard JSON <-> schema v2 spec, as the test server converts them (13§3.1, 13§3.4).

A simplified model of Grafana's converters (apps/dashboard/pkg/migration/conversion/
v1beta1_to_v2alpha1.go and the reverse), kept to what a sync tool can observe:
- classic -> v2 builds the typed spec field by field, so every key v2 has no place for is dropped:
  unknown root keys (graf's `graf` record), unknown panel keys (13§3.4 "Dropped");
- v2 -> classic rebuilds a `panels` array; tabs, auto-grid layouts and conditional visibility have no
  classic form and are flattened or dropped (13§3.1 "The conversion is lossy");
- typed data survives both ways: title, description, tags, links, variables, panel queries and
  options (13§3.4 "What does survive both directions").
The element/layout shapes follow v2's kinds (Panel, GridLayout, RowsLayout, TabsLayout,
AutoGridLayout) without every optional field of the real schema.
"""

from __future__ import annotations

import copy
from typing import Any

JSON = dict[str, Any]

# 13§3.4: the v2 spec's root fields.
V2_ROOT = ("annotations", "cursorSync", "description", "editable", "elements", "layout", "links", "liveNow",
           "preload", "revision", "tags", "timeSettings", "title", "variables")

# 13§4.2: the backend migrations cover schemaVersion 0-42 (apps/dashboard/pkg/migration/README.md).
LATEST_SCHEMA_VERSION = 42

_VARIABLE_KINDS = {"query": "QueryVariable", "custom": "CustomVariable", "datasource": "DatasourceVariable",
                   "interval": "IntervalVariable", "constant": "ConstantVariable", "textbox": "TextVariable",
                   "adhoc": "AdhocVariable", "groupby": "GroupByVariable"}
_VARIABLE_TYPES = {kind: kind_type for kind_type, kind in _VARIABLE_KINDS.items()}
_CURSOR_SYNC = {0: "Off", 1: "Crosshair", 2: "Tooltip"}
_QUERY_OPTIONS = ("interval", "maxDataPoints", "timeFrom", "timeShift", "cacheTimeout", "queryCachingTTL",
                  "hideTimeOverride")


def _element(panel: JSON) -> JSON:
    default_ds: JSON = panel["datasource"] if isinstance(panel.get("datasource"), dict) else {}
    queries = []
    for target in panel.get("targets") or []:
        ds: JSON = target["datasource"] if isinstance(target.get("datasource"), dict) else default_ds
        queries.append({"kind": "PanelQuery", "spec": {
            "refId": target.get("refId", ""), "hidden": bool(target.get("hide")),
            "query": {"kind": "DataQuery", "group": ds.get("type", ""), "version": "v0",
                      "datasource": {"name": ds.get("uid", "")},
                      "spec": {k: copy.deepcopy(v) for k, v in target.items() if k not in ("refId", "hide",
                                                                                          "datasource")}}}})
    return {"kind": "Panel", "spec": {
        "id": panel.get("id", 0), "title": panel.get("title", ""), "description": panel.get("description", ""),
        "links": copy.deepcopy(panel.get("links") or []),
        "data": {"kind": "QueryGroup", "spec": {
            "queries": queries,
            "transformations": [{"kind": "Transformation", "group": t.get("id", ""),
                                 "spec": {k: copy.deepcopy(v) for k, v in t.items() if k != "id"}}
                                for t in panel.get("transformations") or []],
            "queryOptions": {k: copy.deepcopy(panel[k]) for k in _QUERY_OPTIONS if k in panel}}},
        "vizConfig": {"kind": "VizConfig", "group": panel.get("type", ""), "version": panel.get("pluginVersion", ""),
                      "spec": {"options": copy.deepcopy(panel.get("options") or {}),
                               "fieldConfig": copy.deepcopy(panel.get("fieldConfig")
                                                            or {"defaults": {}, "overrides": []})}}}}


def _grid_item(panel: JSON, elements: JSON, y_offset: int = 0) -> JSON:
    name = f"panel-{panel.get('id', len(elements) + 1)}"
    elements[name] = _element(panel)
    pos = panel.get("gridPos") or {}
    return {"kind": "GridLayoutItem", "spec": {"x": pos.get("x", 0), "y": pos.get("y", 0) - y_offset,
                                               "width": pos.get("w", 12), "height": pos.get("h", 8),
                                               "element": {"kind": "ElementReference", "name": name}}}


def to_v2(classic: JSON) -> JSON:
    """The v2 spec a UI save in 13 stores for a classic dashboard (13§3.3, 13§3.4)."""
    elements: JSON = {}
    loose: list[JSON] = []
    rows: list[JSON] = []
    row_y = 0  # items of a row are placed relative to the row's first line
    for panel in classic.get("panels") or []:
        if panel.get("type") == "row":
            row_y = (panel.get("gridPos") or {}).get("y", 0) + 1
            rows.append({"kind": "RowsLayoutRow", "spec": {
                "title": panel.get("title", ""), "collapse": bool(panel.get("collapsed")),
                "layout": {"kind": "GridLayout", "spec": {"items": [_grid_item(p, elements, row_y)
                                                                     for p in panel.get("panels") or []]}}}})
        elif rows:
            rows[-1]["spec"]["layout"]["spec"]["items"].append(_grid_item(panel, elements, row_y))
        else:
            loose.append(_grid_item(panel, elements))
    layout: JSON = {"kind": "GridLayout", "spec": {"items": loose}}
    if rows:
        if loose:
            rows.insert(0, {"kind": "RowsLayoutRow", "spec": {"title": "", "collapse": False, "hideHeader": True,
                                                              "layout": layout}})
        layout = {"kind": "RowsLayout", "spec": {"rows": rows}}
    time = classic.get("time") or {}
    picker = classic.get("timepicker") or {}
    return {
        "title": classic.get("title", ""), "description": classic.get("description", ""),
        "tags": list(classic.get("tags") or []), "editable": classic.get("editable", True),
        "cursorSync": _CURSOR_SYNC.get(classic.get("graphTooltip", 0), "Off"),
        "liveNow": bool(classic.get("liveNow")), "preload": bool(classic.get("preload")),
        "links": copy.deepcopy(classic.get("links") or []),
        "timeSettings": {"timezone": classic.get("timezone", "browser"), "from": time.get("from", "now-6h"),
                         "to": time.get("to", "now"), "autoRefresh": classic.get("refresh", ""),
                         "autoRefreshIntervals": list(picker.get("refresh_intervals") or []),
                         "hideTimepicker": bool(picker.get("hidden")),
                         "fiscalYearStartMonth": classic.get("fiscalYearStartMonth", 0),
                         **({"weekStart": classic["weekStart"]} if classic.get("weekStart") else {})},
        "variables": [{"kind": _VARIABLE_KINDS.get(v.get("type", ""), "CustomVariable"),
                       "spec": {k: copy.deepcopy(val) for k, val in v.items() if k != "type"}}
                      for v in (classic.get("templating") or {}).get("list") or []],
        "annotations": [{"kind": "AnnotationQuery", "spec": {**copy.deepcopy(a), **(  # v2 types builtIn as a bool
                            {"builtIn": bool(a["builtIn"])} if "builtIn" in a else {})}}
                        for a in (classic.get("annotations") or {}).get("list") or []],
        "elements": elements, "layout": layout,
    }


def _panel(element: JSON, grid: JSON) -> JSON:
    spec = element.get("spec") or {}
    data = (spec.get("data") or {}).get("spec") or {}
    viz = spec.get("vizConfig") or {}
    targets = []
    for query in data.get("queries") or []:
        q = query.get("spec") or {}
        inner = q.get("query") or {}
        target = {"refId": q.get("refId", ""), **copy.deepcopy(inner.get("spec") or {}),
                  "datasource": {"type": inner.get("group", ""), "uid": (inner.get("datasource") or {}).get("name",
                                                                                                           "")}}
        if q.get("hidden"):
            target["hide"] = True
        targets.append(target)
    panel = {"id": spec.get("id", 0), "type": viz.get("group", ""), "title": spec.get("title", ""),
             "gridPos": grid, "targets": targets,
             "options": copy.deepcopy((viz.get("spec") or {}).get("options") or {}),
             "fieldConfig": copy.deepcopy((viz.get("spec") or {}).get("fieldConfig") or {})}
    if spec.get("description"):
        panel["description"] = spec["description"]
    if spec.get("links"):
        panel["links"] = copy.deepcopy(spec["links"])
    if viz.get("version"):
        panel["pluginVersion"] = viz["version"]
    if data.get("transformations"):
        panel["transformations"] = [{"id": t.get("group", ""), **copy.deepcopy(t.get("spec") or {})}
                                    for t in data["transformations"]]
    panel.update(copy.deepcopy(data.get("queryOptions") or {}))
    return panel


def _flatten(layout: JSON, elements: JSON, y: int, out: list[JSON]) -> int:
    """Append the classic panels of `layout` at height `y`; returns the next free y. Rows become row panels;
    tabs lose their titles and are stacked; an auto grid is laid out three panels wide (13§3.1: lossy)."""
    kind, spec = layout.get("kind"), layout.get("spec") or {}
    if kind == "GridLayout":
        bottom = y
        for item in spec.get("items") or []:
            s = item.get("spec") or {}
            element = elements.get((s.get("element") or {}).get("name", ""))
            if element is None:
                continue
            grid = {"h": s.get("height", 8), "w": s.get("width", 12), "x": s.get("x", 0), "y": y + s.get("y", 0)}
            out.append(_panel(element, grid))
            bottom = max(bottom, grid["y"] + grid["h"])
        return bottom
    if kind == "AutoGridLayout":
        items = spec.get("items") or []
        for i, item in enumerate(items):
            element = elements.get(((item.get("spec") or {}).get("element") or {}).get("name", ""))
            if element is not None:
                out.append(_panel(element, {"h": 8, "w": 8, "x": 8 * (i % 3), "y": y + 8 * (i // 3)}))
        return y + 8 * ((len(items) + 2) // 3)
    if kind == "RowsLayout":
        for row in spec.get("rows") or []:
            r = row.get("spec") or {}
            if r.get("hideHeader"):
                y = _flatten(r.get("layout") or {}, elements, y, out)
                continue
            row_panel = {"id": 1000 + len(out), "type": "row", "title": r.get("title", ""),
                         "collapsed": bool(r.get("collapse")), "gridPos": {"h": 1, "w": 24, "x": 0, "y": y},
                         "panels": []}
            out.append(row_panel)
            if r.get("collapse"):
                inner: list[JSON] = []
                _flatten(r.get("layout") or {}, elements, y + 1, inner)
                row_panel["panels"] = inner
                y += 1
            else:
                y = _flatten(r.get("layout") or {}, elements, y + 1, out)
        return y
    if kind == "TabsLayout":
        for tab in spec.get("tabs") or []:
            y = _flatten((tab.get("spec") or {}).get("layout") or {}, elements, y, out)
        return y
    return y


def to_classic(spec: JSON) -> JSON:
    """The lossy classic copy of a v2 spec that a legacy GET (12.4+) and a v1 read return (13§3.1)."""
    settings = spec.get("timeSettings") or {}
    panels: list[JSON] = []
    _flatten(spec.get("layout") or {}, spec.get("elements") or {}, 0, panels)
    cursor = {name: number for number, name in _CURSOR_SYNC.items()}
    classic: JSON = {
        "title": spec.get("title", ""), "tags": list(spec.get("tags") or []),
        "editable": spec.get("editable", True), "graphTooltip": cursor.get(spec.get("cursorSync", "Off"), 0),
        "liveNow": bool(spec.get("liveNow")), "links": copy.deepcopy(spec.get("links") or []),
        "time": {"from": settings.get("from", "now-6h"), "to": settings.get("to", "now")},
        "timezone": settings.get("timezone", "browser"), "refresh": settings.get("autoRefresh", ""),
        "timepicker": {"refresh_intervals": list(settings.get("autoRefreshIntervals") or []),
                       "hidden": bool(settings.get("hideTimepicker"))},
        "fiscalYearStartMonth": settings.get("fiscalYearStartMonth", 0),
        "templating": {"list": [{"type": _VARIABLE_TYPES.get(v.get("kind", ""), "custom"),
                                 **copy.deepcopy(v.get("spec") or {})} for v in spec.get("variables") or []]},
        "annotations": {"list": [copy.deepcopy(a.get("spec") or {}) for a in spec.get("annotations") or []]},
        "panels": panels, "schemaVersion": LATEST_SCHEMA_VERSION,
    }
    if spec.get("description"):
        classic["description"] = spec["description"]
    if settings.get("weekStart"):
        classic["weekStart"] = settings["weekStart"]
    return classic


def unknown_root_keys(spec: JSON) -> list[str]:
    """Root keys a typed v2 spec has no place for (13§3.4)."""
    return sorted(k for k in spec if k not in V2_ROOT)
