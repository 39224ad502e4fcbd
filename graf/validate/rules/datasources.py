"""Datasource references: G301 datasource-unknown, G302 datasource-name, G303 datasource-type,
G304 correlation-unknown.

Rendered resources are checked against the environment's rendered datasources: a string that is a
rendered datasource's name or uid is a warning (Grafana resolves it, and graf keeps it in what a
module writes as JSON), any other string an error. Standalone files carry no inventory, so there
only the form of a reference is checked: a name string is the legacy (pre-8.3) form, a warning;
`${DS_PROMETHEUS}` / `$datasource` stand for a datasource and are checked as variables
(graf.validate.rules.variables).
"""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

from graf.resources import JSON, Resource
from graf.validate.context import BUILTIN_DATASOURCE_TYPES, BUILTIN_DATASOURCES, ValidationContext
from graf.validate.dashboard import DashboardIndex
from graf.validate.dashboard import datasource_refs as refs_of
from graf.validate.findings import Finding
from graf.validate.rules._base import dashboard_index, finding

# Which kind of datasource each correlation link must point to (checked among these types only).
_FAMILY = {"prometheus": "metrics", "loki": "logs", "tempo": "traces", "jaeger": "traces", "zipkin": "traces"}


def datasource_refs(resource: Resource, ctx: ValidationContext) -> Iterator[Finding]:
    if resource.kind == "dashboard":
        idx = dashboard_index(ctx, resource)
        if ctx.is_standalone:  # only a name string is a finding there: skip the path of every other ref
            for parts, name in _string_refs(idx):
                yield _name_ref(resource, ctx, parts, name)
        else:
            for parts, ref in refs_of(resource.body, idx):
                yield from _check_ref(resource, ctx, parts, ref)
        if not ctx.is_standalone:
            types = {b.get("type") for b in (ctx.datasources or {}).values()}
            for i, variable in idx.variables:
                plugin = variable.get("query")
                if variable.get("type") == "datasource" and isinstance(plugin, str) and plugin not in types:
                    yield finding(ctx, resource, ("templating", "list", i, "query"), "G301",
                                  f"datasource variable of type {plugin!r}, but no rendered datasource has that type")
    elif resource.kind == "alert-rule" and not ctx.is_standalone:
        for i, query in enumerate(_list(resource.body.get("data"))):
            uid = query.get("datasourceUid") if isinstance(query, dict) else None
            if isinstance(uid, str) and uid not in BUILTIN_DATASOURCES and uid not in (ctx.datasources or {}):
                yield finding(ctx, resource, ("data", i, "datasourceUid"), "G301", _unknown(uid, ctx))


def _check_ref(resource: Resource, ctx: ValidationContext, parts: tuple[str | int, ...], ref: Any) -> Iterator[Finding]:
    if isinstance(ref, str):
        yield _name_ref(resource, ctx, parts, ref)
        return
    if not isinstance(ref, dict):
        return
    uid, kind = ref.get("uid"), ref.get("type")
    uid = uid if isinstance(uid, str) else None  # any other type is a schema error (G001)
    kind = kind if isinstance(kind, str) else None
    if kind in BUILTIN_DATASOURCE_TYPES or uid in BUILTIN_DATASOURCES or ctx.is_standalone:
        return
    if isinstance(uid, str) and "$" in uid:
        return  # a datasource variable: G401 / G404 check it is defined
    datasources = ctx.datasources or {}
    if not isinstance(uid, str) or not uid:
        if isinstance(kind, str) and not any(b.get("type") == kind for b in datasources.values()):
            yield finding(ctx, resource, parts, "G301", f"no rendered datasource has type {kind!r}")
        return
    if uid not in datasources:
        yield finding(ctx, resource, (*parts, "uid"), "G301", _unknown(uid, ctx))
    elif isinstance(kind, str) and kind != datasources[uid].get("type"):
        yield finding(ctx, resource, (*parts, "type"), "G303",
                      f"type {kind!r}, but datasource {uid!r} is {datasources[uid].get('type')!r}")


def _string_refs(idx: DashboardIndex) -> Iterator[tuple[tuple[str | int, ...], str]]:
    """The refs of `refs_of` that are strings, in its order."""
    for at in idx.panels:
        ref = at.panel.get("datasource")
        if isinstance(ref, str):
            yield (*at.parts, "datasource"), ref
        targets = at.panel.get("targets")
        if isinstance(targets, list):
            for i, target in enumerate(targets):
                if isinstance(target, dict) and isinstance(target.get("datasource"), str):
                    yield (*at.parts, "targets", i, "datasource"), target["datasource"]
    for items, key in ((idx.variables, "templating"), (idx.annotations, "annotations")):
        for i, item in items:
            if isinstance(item.get("datasource"), str):
                yield (key, "list", i, "datasource"), item["datasource"]


def _name_ref(resource: Resource, ctx: ValidationContext, parts: tuple[str | int, ...], name: str) -> Finding:
    if ctx.is_standalone or name in BUILTIN_DATASOURCES:  # `-- Grafana --` exists on every Grafana
        return finding(ctx, resource, parts, "G302",
                       f"datasource given as the string {name!r} (legacy form); Grafana migrates it to a "
                       "{type, uid} ref on load", severity="warning")
    body = ctx.datasource_names.get(name) or (ctx.datasources or {}).get(name)
    if body is not None:  # a part the module wrote keeps it (graf.dashboards._written): Grafana resolves it
        return finding(ctx, resource, parts, "G302",
                       f"datasource given as the string {name!r}, which Grafana resolves by name or uid; the current "
                       f'form is {{"type": "{body.get("type")}", "uid": "{body.get("uid")}"}}', severity="warning")
    return finding(ctx, resource, parts, "G302",
                   f"datasource given as the string {name!r}, and no rendered datasource has that name or uid")


def _unknown(uid: str, ctx: ValidationContext) -> str:
    known = ", ".join(sorted(ctx.datasources or {})) or "none"
    return f"datasource uid {uid!r} is not one of the rendered datasources ({known})"


def correlation_links(resource: Resource, ctx: ValidationContext) -> Iterator[Finding]:
    if resource.kind != "datasource" or ctx.is_standalone:
        return
    datasources = ctx.datasources or {}
    for parts, uid, family in _links(resource.body):
        if not isinstance(uid, str) or not uid:
            continue
        target = datasources.get(uid)
        if target is None:
            yield finding(ctx, resource, parts, "G304", f"links to datasource {uid!r}, which is not rendered "
                                                        f"(known: {', '.join(sorted(datasources)) or 'none'})")
            continue
        target_family = _FAMILY.get(str(target.get("type")))
        if target_family is not None and target_family != family:
            yield finding(ctx, resource, parts, "G304", f"links to {uid!r} of type {target.get('type')!r}; "
                                                        f"this link needs a {family} datasource")


def _links(body: JSON) -> Iterator[tuple[tuple[str | int, ...], Any, str]]:
    data = body.get("jsonData")
    if not isinstance(data, dict):
        return
    for key, family in (("tracesToLogsV2", "logs"), ("tracesToLogs", "logs"), ("tracesToMetrics", "metrics"),
                        ("serviceMap", "metrics")):
        link = data.get(key)
        if isinstance(link, dict) and "datasourceUid" in link:
            yield ("jsonData", key, "datasourceUid"), link["datasourceUid"], family
    for key in ("derivedFields", "exemplarTraceIdDestinations"):
        for i, link in enumerate(_list(data.get(key))):
            if isinstance(link, dict) and "datasourceUid" in link:
                yield ("jsonData", key, i, "datasourceUid"), link["datasourceUid"], "traces"


def _list(value: Any) -> list[Any]:
    return value if isinstance(value, list) else []
