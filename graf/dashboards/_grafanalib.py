"""The one adapter between grafanalib and graf: grafanalib objects -> the current dashboard model.

grafanalib 0.7.1 (its last release) writes schemaVersion 12, every attribute even when `None`,
legacy keys (`rows`, `style`, `span`, `height`, ...), datasources as name strings and Prometheus-
only targets. `to_model` turns that (or a dashboard dict) into what Grafana 11 saves itself:

- `schemaVersion` of Grafana 11, no nulls, no legacy keys, the built-in annotation;
- every datasource as `{type, uid}` of graf's own datasources (a logical name such as
  `"prometheus"`, the datasource's name or its uid are all accepted);
- targets in the shape of their datasource type (Prometheus, Loki, Tempo);
- thresholds as `{color, value}` steps;
- unique panel ids, and `gridPos` on a 24-column grid (graf.dashboards._layout).

It also defines the targets grafanalib lacks: `PrometheusTarget` (with the exemplar flag),
`LokiTarget` and `TempoTarget`. This is the only module that calls grafanalib's `to_json_data`;
anything grafanalib prints while serialising becomes a `RenderError` instead of stray output.
"""

from __future__ import annotations

import contextlib
import io
import json
from collections.abc import Mapping
from typing import Any

import attr
from grafanalib.core import Target

from graf.context import RenderContext
from graf.dashboards._layout import assign_ids, layout
from graf.errors import RenderError
from graf.resources import JSON
from graf.wording import clipped

SCHEMA_VERSION = 41  # Grafana 11.6 (the stack's pinned image) saves 41: a UI save does not bump it

LEGACY_KEYS = ("rows", "style", "sharedCrosshair", "hideControls", "gnetId", "id", "version", "__inputs")
PANEL_LEGACY_KEYS = ("cacheTimeout", "editable", "error", "height", "span", "minSpan", "columns", "fontSize",
                     "styles", "scroll", "sort", "legend", "nullPointMode", "aliasColors", "thresholdType")
VARIABLE_LEGACY_KEYS = ("useTags", "tagsQuery", "tagValuesQuery", "tags", "auto", "auto_min", "auto_count")
# Keys grafanalib writes on every variable that only query variables have.
QUERYLESS_VARIABLE_KEYS: Mapping[str, tuple[str, ...]] = {
    "textbox": ("refresh", "sort", "regex"), "constant": ("refresh", "sort", "regex"),
    "interval": ("sort", "regex"), "custom": ("refresh", "regex"),
}
# grafanalib's defaults that Grafana would not write: removed when they carry grafanalib's value.
PANEL_DEFAULTS: Mapping[str, Any] = {"hideTimeOverride": False, "transparent": False, "maxDataPoints": 100,
                                     "links": [], "transformations": [], "repeatDirection": "h"}

BUILTIN_ANNOTATION: JSON = {
    "builtIn": 1,
    "datasource": {"type": "grafana", "uid": "-- Grafana --"},
    "enable": True,
    "hide": True,
    "iconColor": "rgba(0, 211, 255, 1)",
    "name": "Annotations & Alerts",
    "type": "dashboard",
}
SPECIAL_DATASOURCES: Mapping[str, JSON] = {
    "-- Grafana --": {"type": "grafana", "uid": "grafana"},
    "-- Mixed --": {"type": "datasource", "uid": "-- Mixed --"},
    "-- Dashboard --": {"type": "datasource", "uid": "-- Dashboard --"},
}


# ---------------------------------------------------------------------------- targets grafanalib lacks


@attr.s
class PrometheusTarget(Target):
    """grafanalib's Target with the exemplar flag, written in the current Prometheus query model."""

    exemplar: bool = attr.ib(default=False, validator=attr.validators.instance_of(bool))

    def to_json_data(self) -> JSON:
        body: JSON = {
            "refId": self.refId,
            "datasource": self.datasource,
            "editorMode": "code",
            "expr": self.expr,
            "legendFormat": self.legendFormat or None,
            "range": not self.instant,
            "instant": self.instant or None,
            "format": self.format if self.format != "time_series" else None,
            "interval": self.interval or None,
            "exemplar": self.exemplar or None,
            "hide": self.hide or None,
        }
        return body


@attr.s(frozen=True)
class LokiTarget:
    """A LogQL query: log lines (`queryType="range"` on a logs panel) or a metric query."""

    expr: str = attr.ib(validator=attr.validators.instance_of(str))
    refId: str = attr.ib(default="")
    datasource: Any = attr.ib(default="loki")
    legendFormat: str = attr.ib(default="")
    queryType: str = attr.ib(default="range", validator=attr.validators.in_(("range", "instant", "stream")))
    maxLines: int | None = attr.ib(default=None)

    def to_json_data(self) -> JSON:
        return {"refId": self.refId, "datasource": self.datasource, "editorMode": "code", "expr": self.expr,
                "queryType": self.queryType, "legendFormat": self.legendFormat or None, "maxLines": self.maxLines}


@attr.s(frozen=True)
class TempoTarget:
    """A TraceQL search (`queryType="traceql"`) listing traces or spans in a table."""

    query: str = attr.ib(validator=attr.validators.instance_of(str))
    refId: str = attr.ib(default="")
    datasource: Any = attr.ib(default="tempo")
    queryType: str = attr.ib(default="traceql")
    limit: int = attr.ib(default=20)
    tableType: str = attr.ib(default="traces", validator=attr.validators.in_(("traces", "spans", "raw")))

    def to_json_data(self) -> JSON:
        return {"refId": self.refId, "datasource": self.datasource, "queryType": self.queryType,
                "query": self.query, "limit": self.limit, "tableType": self.tableType, "filters": []}


# ---------------------------------------------------------------------------- the adapter


def to_model(dashboard: Any, ctx: RenderContext) -> JSON:
    """A grafanalib Dashboard (or a dashboard dict) as a current-model dashboard dict."""
    raw = dashboard if isinstance(dashboard, dict) else to_json(dashboard, "dashboard(ctx)")
    body = _drop_nulls(raw)
    where = f"dashboard/{clipped(str(body.get('uid') or body.get('title', '?')), 60)}"
    refs = _Refs(ctx, where)
    for key in LEGACY_KEYS:
        body.pop(key, None)
    body["schemaVersion"] = SCHEMA_VERSION
    body["annotations"] = _annotations(body.get("annotations", {}), refs)
    body["templating"] = {"list": [_variable(v, refs) for v in body.get("templating", {}).get("list", [])]}
    body["links"] = [_link(link) for link in body.get("links", [])]
    if isinstance(body.get("timepicker"), dict):
        body["timepicker"] = {k: v for k, v in body["timepicker"].items()
                              if k not in ("time_options", "nowDelay") and not (k == "hidden" and v is False)}
    panels = [_panel(p, refs, None) for p in body.get("panels", [])]
    body["panels"] = assign_ids(layout(panels))
    return body


def to_json(dashboard: Any, where: str) -> JSON:
    """A grafanalib Dashboard as plain JSON; anything grafanalib prints or raises meanwhile is a RenderError."""
    from grafanalib._gen import DashboardEncoder

    if not hasattr(dashboard, "to_json_data"):
        raise RenderError(where, f"returned {type(dashboard).__name__}, expected a grafanalib Dashboard "
                                 "or a dashboard dict")
    printed = io.StringIO()
    try:
        with contextlib.redirect_stdout(printed):
            data = json.loads(json.dumps(dashboard.to_json_data(), cls=DashboardEncoder))
    except Exception as exc:  # grafanalib walking a module's objects: any failure comes from what it returned
        raise RenderError(where, f"grafanalib cannot serialise the {type(dashboard).__name__} returned: "
                                 f"{type(exc).__name__}: {clipped(str(exc))}") from None
    if printed.getvalue().strip():
        title = clipped(str(getattr(dashboard, "title", "?")), 60)
        raise RenderError(f"dashboard {title!r}", f"grafanalib: {clipped(printed.getvalue().strip().splitlines()[0])}")
    return data


def _drop_nulls(value: Any) -> Any:
    if isinstance(value, dict):
        return {k: _drop_nulls(v) for k, v in value.items() if v is not None}
    if isinstance(value, list):
        return [_drop_nulls(v) for v in value]
    return value


class _Refs:
    """Datasource references -> `{type, uid}` of the environment's datasources."""

    def __init__(self, ctx: RenderContext, where: str) -> None:
        self.where = where
        self.by_key: dict[str, JSON] = {}
        for logical, ds in ctx.env.datasources.items():
            for key in (logical, ds.name, ds.uid):
                self.by_key.setdefault(key, dict(ds.ref))

    def ref(self, value: Any) -> JSON | None:
        if value is None:
            return None
        if isinstance(value, str):
            if value in SPECIAL_DATASOURCES:
                return dict(SPECIAL_DATASOURCES[value])
            if value in self.by_key:
                return dict(self.by_key[value])
            raise RenderError(self.where, f"unknown datasource {clipped(repr(value), 80)}",
                              "use 'prometheus', 'loki' or 'tempo' (graf's datasources) or a {type, uid} dict")
        if isinstance(value, dict):
            uid = value.get("uid")
            if isinstance(uid, str) and "type" not in value and uid in self.by_key:
                return dict(self.by_key[uid])
            return value
        raise RenderError(self.where,
                          f"datasource must be a name or a {{type, uid}} dict, got {clipped(repr(value), 80)}")


def _annotations(annotations: JSON, refs: _Refs) -> JSON:
    items = [dict(a, datasource=refs.ref(a.get("datasource"))) if "datasource" in a else a
             for a in annotations.get("list", [])]
    if not any(a.get("builtIn") == 1 for a in items):
        items.insert(0, dict(BUILTIN_ANNOTATION))
    return {"list": items}


def _variable(variable: JSON, refs: _Refs) -> JSON:
    interval = variable.get("type") == "interval"  # the auto* keys are an interval variable's own
    out = {k: v for k, v in variable.items()
           if k not in VARIABLE_LEGACY_KEYS or (interval and k.startswith("auto"))}
    if "datasource" in out:
        out["datasource"] = refs.ref(out["datasource"])
    current = out.get("current")
    if isinstance(current, dict):
        current = {k: v for k, v in current.items() if k != "tags"}
        if current.get("value") == "$__all":
            current["text"] = "All"
        out["current"] = current if current.get("value") is not None else {}
    for key in QUERYLESS_VARIABLE_KEYS.get(out.get("type", "query"), ()):
        out.pop(key, None)
    return out


def _link(link: JSON) -> JSON:
    out = dict(link)
    if out.get("type") == "link":
        out.pop("tags", None)
        out.pop("asDropdown", None)
    elif out.get("type") == "dashboards" and not out.get("url"):
        out.pop("url", None)
    return out


def _panel(panel: JSON, refs: _Refs, inherited: JSON | None) -> JSON:
    out = {k: v for k, v in panel.items() if k not in PANEL_LEGACY_KEYS and PANEL_DEFAULTS.get(k, ...) != v}
    if not out.get("repeat"):
        for key in ("repeat", "repeatDirection", "maxPerRow"):
            out.pop(key, None)
    if out.get("type") == "row":
        out.pop("datasource", None)
        out.pop("targets", None)
        out.pop("fieldConfig", None)
        out.pop("options", None)
        out.pop("maxDataPoints", None)
        out.pop("transformations", None)
        out["panels"] = [_panel(p, refs, None) for p in out.get("panels", [])]
        return out
    if out.get("type") == "text":
        for key in ("datasource", "targets", "maxDataPoints", "fieldConfig"):
            out.pop(key, None)
        return out
    panel_ref = refs.ref(out.get("datasource")) or inherited
    targets = [_target(t, refs, panel_ref) for t in out.get("targets", [])]
    if panel_ref is None and targets:
        kinds = {json.dumps(t.get("datasource"), sort_keys=True) for t in targets}
        panel_ref = targets[0].get("datasource") if len(kinds) == 1 else dict(SPECIAL_DATASOURCES["-- Mixed --"])
    if panel_ref is not None:
        out["datasource"] = panel_ref
    if targets:
        out["targets"] = targets
    if "fieldConfig" in out:
        out["fieldConfig"] = _field_config(out["fieldConfig"])
    if out.get("type") == "table":
        _table(out)
    return out


def _table(panel: JSON) -> None:
    """grafanalib's Table writes Grafana 7 keys: top-level color/mappings, `custom.displayMode`."""
    panel.pop("color", None)
    panel.pop("mappings", None)
    custom = panel.get("fieldConfig", {}).get("defaults", {}).get("custom")
    if isinstance(custom, dict) and "displayMode" in custom:
        mode = custom.pop("displayMode")
        custom.setdefault("cellOptions", {"type": mode})
    if panel.get("options", {}).get("sortBy") == []:
        panel["options"].pop("sortBy")


def _target(target: JSON, refs: _Refs, panel_ref: JSON | None) -> JSON:
    ref = refs.ref(target.get("datasource")) or panel_ref or refs.ref("prometheus")
    kind = ref.get("type") if ref else "prometheus"
    out = dict(target, datasource=ref)
    if kind == "prometheus" and "query" in out and "editorMode" not in out:
        # grafanalib's own Target: Prometheus with Graphite/legacy keys on top
        for key in ("query", "target", "metric", "step", "intervalFactor"):
            out.pop(key, None)
        instant = bool(out.pop("instant", False))
        out["range"] = not instant
        if instant:
            out["instant"] = True
        for key, empty in (("legendFormat", ""), ("interval", ""), ("format", "time_series"), ("hide", False)):
            if out.get(key) == empty:
                out.pop(key)
        out["editorMode"] = "code"
    return out


def _field_config(config: JSON) -> JSON:
    out = dict(config)
    defaults = dict(out.get("defaults", {}))
    thresholds = defaults.get("thresholds")
    if isinstance(thresholds, dict):
        steps = thresholds.get("steps")
        clean = [_step(s) for s in steps] if isinstance(steps, list) and steps else [{"color": "green"}]
        defaults["thresholds"] = {"mode": thresholds.get("mode", "absolute"), "steps": clean}
    if isinstance(defaults.get("custom"), dict) and not defaults["custom"]:
        defaults.pop("custom")
    if defaults.get("mappings") == []:
        defaults.pop("mappings")
    out["defaults"] = defaults
    out.setdefault("overrides", [])
    return out


def _step(step: JSON) -> JSON:
    """A threshold step as `{color, value}`; the base step has no value (Grafana's null = -Infinity)."""
    value = step.get("value")
    out: JSON = {"color": step.get("color", "green")}
    if value not in (None, "null") and step.get("index", 1) != 0:
        out["value"] = value
    return out
