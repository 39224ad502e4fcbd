"""What graf does to the parts of a dashboard a module wrote as JSON: keeps them as written.

It only fills in what Grafana needs and the part leaves out, and resolves graf's logical datasource
names Grafana could not resolve itself (graf.dashboards._grafanalib says which parts are written;
nulls are left out before, as graf's normal form has none):

- a dashboard without `schemaVersion` gets graf's; one without an `annotations` key gets Grafana's
  built-in annotation (Grafana adds it on load, so the first UI save would); a written list of
  annotations is kept as it is, with or without the built-in one;
- panels without an id or a complete `gridPos` get them (graf.dashboards._layout), flowed in order
  like grafanalib's; `fixed` names the written panels whose complete `gridPos` never moves;
- a datasource reference (of a panel, query, variable or annotation) is kept unless `resolve`
  turns it into `{type, uid}`: graf's logical name for a datasource that has another name and uid.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from typing import Any

from graf.dashboards._layout import Path, placed
from graf.resources import JSON

Resolve = Callable[[Any], Any]

BUILTIN_ANNOTATION: JSON = {
    "builtIn": 1,
    "datasource": {"type": "grafana", "uid": "-- Grafana --"},
    "enable": True,
    "hide": True,
    "iconColor": "rgba(0, 211, 255, 1)",
    "name": "Annotations & Alerts",
    "type": "dashboard",
}


def dashboard(body: JSON, resolve: Resolve, schema_version: int) -> JSON:
    """A written dashboard with what it leaves out filled in (its panels are placed by the caller)."""
    out = dict(body)
    out.setdefault("schemaVersion", schema_version)
    if "annotations" not in out:
        out["annotations"] = {"list": [dict(BUILTIN_ANNOTATION)]}
    out.update(listed({k: out[k] for k in ("annotations", "templating") if k in out}, resolve))
    return out


def listed(holders: Mapping[str, Any], resolve: Resolve) -> dict[str, Any]:
    """`annotations` / `templating` with each item's datasource resolved; their other keys as written."""
    out = {}
    for key, holder in holders.items():
        items = holder.get("list") if isinstance(holder, dict) else None
        out[key] = dict(holder, list=[datasource(i, resolve) for i in items]) if isinstance(items, list) else holder
    return out


def datasource(part: Any, resolve: Resolve) -> Any:
    """`part` with its `datasource` resolved."""
    if isinstance(part, dict) and "datasource" in part:
        return dict(part, datasource=resolve(part["datasource"]))
    return part


def panel(part: JSON, resolve: Resolve, child: Callable[[JSON, int], JSON]) -> JSON:
    """A written panel with its and its queries' datasources resolved; a row's panels through `child`
    (each by its own provenance)."""
    out = datasource(part, resolve)
    if isinstance(out.get("targets"), list):
        out["targets"] = [datasource(t, resolve) for t in out["targets"]]
    if isinstance(out.get("panels"), list):
        out["panels"] = [child(p, i) for i, p in enumerate(out["panels"])]
    return out


def fixed(panels: list[JSON], written: Callable[[Path], bool]) -> frozenset[tuple[int, ...]]:
    """Positions (`(i,)`, or `(i, j)` in a row) of the written panels with a complete gridPos: never moved."""
    out: set[tuple[int, ...]] = set()
    for i, item in enumerate(panels):
        if written(("panels", i)) and placed(item):
            out.add((i,))
        for j, inner in enumerate((item.get("panels") or []) if item.get("type") == "row" else []):
            if written(("panels", i, "panels", j)) and placed(inner):
                out.add((i, j))
    return frozenset(out)
