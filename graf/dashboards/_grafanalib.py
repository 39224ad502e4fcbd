"""The one adapter between grafanalib and graf: a module's dashboard -> the dashboard graf pushes.

graf modernises what grafanalib writes; what a module writes as JSON, graf keeps as written.

grafanalib 0.7.1 (its last release) writes schemaVersion 12, every attribute even when `None`,
legacy keys (`rows`, `style`, `span`, `height`, ...), datasources as name strings and Prometheus-
only targets. Each part it serialises (the Dashboard, a panel, a row, a Template, a link, an
annotation) is brought to what Grafana 11 saves itself:

- `schemaVersion` of Grafana 11, no nulls, no legacy keys, the built-in annotation;
- every datasource as `{type, uid}` of graf's own datasources (a logical name such as
  `"prometheus"`, the datasource's name or its uid are all accepted);
- targets in the shape of their datasource type (Prometheus, Loki, Tempo);
- thresholds as `{color, value}` steps.

A *written* part is JSON the module wrote itself: the dict `dashboard(ctx)` returns, a dict panel,
row, variable, dashboard link or annotation inside a grafanalib Dashboard, and the keys of an
`ExtendedDashboard`'s `extraJson` (graf.dashboards.exported). It is kept as written; graf only
(graf.dashboards._written) fills in what Grafana needs and the part leaves out (`schemaVersion`,
panel ids and `gridPos`, flowed like grafanalib's panels; a panel with a complete `gridPos` never
moves), and turns a logical datasource name Grafana could not resolve (`"prometheus"` where no
datasource is named or has the uid `prometheus`) into `{type, uid}`. A written dashboard without
an `annotations` key gets the built-in annotation (Grafana adds it on load, so a UI save would);
one that has the key keeps its list as written.

Either way every panel gets a unique id and a `gridPos` on the 24-column grid
(graf.dashboards._layout). graf.dashboards._serialise records which parts grafanalib wrote (the
only place that calls grafanalib's `to_json_data`); the targets grafanalib lacks are in
graf.dashboards._targets.
"""

from __future__ import annotations

import json
from collections.abc import Mapping
from typing import TYPE_CHECKING, Any

from graf.context import RenderContext
from graf.dashboards import _written as written
from graf.dashboards._layout import Path, assign_ids, layout
from graf.dashboards._serialise import Serialised, drop_nulls, serialise, to_json
from graf.errors import RenderError
from graf.resources import JSON
from graf.wording import clipped

if TYPE_CHECKING:
    from graf.dashboards._targets import LokiTarget, PrometheusTarget, TempoTarget

__all__ = ["BUILTIN_ANNOTATION", "SCHEMA_VERSION", "LokiTarget", "PrometheusTarget", "Serialised", "TempoTarget",
           "serialise", "to_json", "to_model"]

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

BUILTIN_ANNOTATION: JSON = written.BUILTIN_ANNOTATION
SPECIAL_DATASOURCES: Mapping[str, JSON] = {
    "-- Grafana --": {"type": "grafana", "uid": "grafana"},
    "-- Mixed --": {"type": "datasource", "uid": "-- Mixed --"},
    "-- Dashboard --": {"type": "datasource", "uid": "-- Dashboard --"},
}


def __getattr__(name: str) -> Any:
    """The targets (graf.dashboards._targets) are grafanalib classes: imported when asked for, so adapting a
    dashboard written as a dict imports no grafanalib."""
    if name in ("LokiTarget", "PrometheusTarget", "TempoTarget"):
        from graf.dashboards import _targets

        return getattr(_targets, name)
    raise AttributeError(f"module {__name__!r} has no attribute {name!r}")


# ---------------------------------------------------------------------------- the adapter


def to_model(dashboard: Any, ctx: RenderContext) -> JSON:
    """A module's dashboard (grafanalib Dashboard, dashboard dict or `Serialised`) as graf pushes it."""
    done = dashboard if isinstance(dashboard, Serialised) else serialise(dashboard, "dashboard(ctx)")
    body = drop_nulls(done.body)  # a copy: the module's own dicts stay as they are
    where = f"dashboard/{clipped(str(body.get('uid') or body.get('title', '?')), 60)}"
    parts = _Parts(_Refs(ctx, where), done.made)
    if () not in done.made:
        out = written.dashboard(body, parts.refs.written, SCHEMA_VERSION)
        if isinstance(out.get("panels"), list):
            out["panels"] = parts.panels(out["panels"])
        return out
    return _frame(body, done.written_keys, parts)


def _frame(body: JSON, written_keys: frozenset[str], parts: _Parts) -> JSON:
    """grafanalib's Dashboard in the current model, the keys its `extraJson` set as written."""
    def ours(key: str) -> bool:
        return key not in written_keys

    for key in filter(ours, LEGACY_KEYS):
        body.pop(key, None)
    if ours("schemaVersion"):
        body["schemaVersion"] = SCHEMA_VERSION
    if ours("annotations"):
        body["annotations"] = _annotations(body.get("annotations", {}), parts)
    if ours("templating"):
        body["templating"] = {"list": [parts.variable(v, ("templating", "list", i))
                                       for i, v in enumerate(body.get("templating", {}).get("list", []))]}
    if ours("links"):
        body["links"] = [_link(link) if ("links", i) in parts.made else link
                         for i, link in enumerate(body.get("links", []))]
    if ours("timepicker") and isinstance(body.get("timepicker"), dict):
        body["timepicker"] = {k: v for k, v in body["timepicker"].items()
                              if k not in ("time_options", "nowDelay") and not (k == "hidden" and v is False)}
    body.update(written.listed({k: body[k] for k in ("annotations", "templating") if not ours(k) and k in body},
                               parts.refs.written))
    if ours("panels") or "panels" in body:  # extraJson's panels are written ones; None left them out
        body["panels"] = parts.panels(body.get("panels", []))
    return body


class _Refs:
    """Datasource references -> `{type, uid}` of the environment's datasources."""

    def __init__(self, ctx: RenderContext, where: str) -> None:
        self.where = where
        self.by_key: dict[str, JSON] = {}
        self.grafana_names: set[str] = set()  # what Grafana itself resolves: the datasources' names and uids
        for logical, ds in ctx.env.datasources.items():
            self.grafana_names.update((ds.name, ds.uid))
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

    def written(self, value: Any) -> Any:
        """A written datasource reference: a logical name Grafana cannot resolve as `{type, uid}`, else as is."""
        if isinstance(value, str) and value in self.by_key and value not in self.grafana_names:
            return dict(self.by_key[value])
        return value


class _Parts:
    """Each part by its provenance: `made` (the key paths grafanalib serialised) modernised, the rest written."""

    def __init__(self, refs: _Refs, made: frozenset[Path]) -> None:
        self.refs = refs
        self.made = made

    def panels(self, items: list[JSON]) -> list[JSON]:
        """A dashboard's panels, each by its provenance, on the grid and with unique ids; a written panel with a
        complete gridPos stays where it is."""
        out = [self.panel(p, ("panels", i)) for i, p in enumerate(items)]
        return assign_ids(layout(out, written.fixed(out, lambda path: path not in self.made)))

    def panel(self, panel: JSON, path: Path) -> JSON:
        if path in self.made:
            return _panel(panel, self.refs, None, self, path)
        return written.panel(panel, self.refs.written, lambda child, i: self.panel(child, (*path, "panels", i)))

    def variable(self, variable: JSON, path: Path) -> JSON:
        return _variable(variable, self.refs) if path in self.made else written.datasource(variable, self.refs.written)

    def annotation(self, annotation: JSON, path: Path) -> JSON:
        if path not in self.made:
            return written.datasource(annotation, self.refs.written)
        return dict(annotation, datasource=self.refs.ref(annotation.get("datasource"))) if "datasource" in annotation \
            else annotation



def _annotations(annotations: JSON, parts: _Parts) -> JSON:
    items = [parts.annotation(a, ("annotations", "list", i)) for i, a in enumerate(annotations.get("list", []))]
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


def _panel(panel: JSON, refs: _Refs, inherited: JSON | None, parts: _Parts | None = None, path: Path = ()) -> JSON:
    """A panel grafanalib serialised, in the current model; a row's panels each by their provenance (`parts`)."""
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
        out["panels"] = [parts.panel(p, (*path, "panels", i)) if parts else _panel(p, refs, None)
                         for i, p in enumerate(out.get("panels", []))]
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
