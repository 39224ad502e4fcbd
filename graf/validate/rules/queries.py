"""Queries: G501 promql-invalid, G502 logql-selector, G503 query-unfiltered.

Each query is checked in the language of its datasource: the target's own ref, else the
panel's, else the default datasource. A datasource variable (`${ds}`) stands for the plugin
type it selects (its `query`); in a standalone file a legacy name string is recognised by its
name (`prometheus`, `Loki`, `mimir`, …). A query whose language cannot be told is not checked.

Rendered resources are one environment's: graf.yaml's environment label must be matched by
every metric selector and log stream selector of every panel and rule, else the panel mixes
environments (a warning, silenced per dashboard where that is the point).
"""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any, TypeGuard

from graf.resources import Resource
from graf.validate import logql, promql
from graf.validate.context import ValidationContext
from graf.validate.dashboard import DashboardIndex, PanelAt
from graf.validate.findings import Finding
from graf.validate.rules._base import dashboard_index, finding
from graf.validate.variables import REFERENCE, Samples, samples, substitute

_NAME_HINTS = (("loki", "loki"), ("tempo", "tempo"), ("prom", "prometheus"), ("mimir", "prometheus"),
               ("thanos", "prometheus"), ("cortex", "prometheus"), ("victoria", "prometheus"))


def queries_parse(resource: Resource, ctx: ValidationContext) -> Iterator[Finding]:
    if resource.kind == "dashboard":
        yield from _dashboard(resource, ctx)
    elif resource.kind == "alert-rule":
        yield from _alert_rule(resource, ctx)


def _dashboard(resource: Resource, ctx: ValidationContext) -> Iterator[Finding]:
    idx = dashboard_index(ctx, resource)
    values = samples(v for _, v in idx.variables)
    label = ctx.environment_label
    queries = _target_queries(idx, ctx)
    annotations: list[tuple[int, str, str | None]] = []
    for i, annotation in idx.annotations:
        if _is_query(expr := annotation.get("expr")):
            annotations.append((i, expr, datasource_type(annotation.get("datasource"), idx, ctx)))
    # Every PromQL query of the dashboard checked at once (one verdict-cache entry for all of them).
    known = promql.dashboard_verdicts([expr for _, _, expr, language in queries if language == "prometheus"]
                                      + [expr for _, expr, language in annotations if language == "prometheus"],
                                      values, label)
    for at, i, expr, language in queries:
        if language == "prometheus" and not label and (seen := known.get(expr)) is not None and seen[0] is None:
            continue  # parses, and no environment label to check: what _verdict returns for it is None
        if (verdict := _verdict(label, expr, language, values, known.get(expr))) is not None:
            yield finding(ctx, resource, (*at.parts, "targets", i, "expr"), *verdict)
    for i, variable in idx.variables:
        if variable.get("type") != "query" or datasource_type(variable.get("datasource"), idx, ctx) != "prometheus":
            continue
        query = variable.get("query")
        where: tuple[str | int, ...] = ("templating", "list", i, "query")
        if isinstance(query, dict):
            query, where = query.get("query"), (*where, "query")
        if isinstance(query, str):
            error = promql.check_variable_query(query, values)
            if error:
                yield finding(ctx, resource, where, "G501", f"PromQL does not parse: {error}")
    for i, expr, kind in annotations:
        if (verdict := _verdict(label, expr, kind, values, known.get(expr))) is not None:
            yield finding(ctx, resource, ("annotations", "list", i, "expr"), *verdict)


def _target_queries(idx: DashboardIndex, ctx: ValidationContext) -> list[tuple[PanelAt, int, str, str]]:
    """(panel, index in its targets, expr, language) of every PromQL or LogQL query of a panel target: the
    target's datasource, else the panel's, else (when neither names one) the default datasource."""
    out: list[tuple[PanelAt, int, str, str]] = []
    default: Any = _UNSET
    for at in idx.panels:
        panel = at.panel
        found = panel.get("targets")
        if not isinstance(found, list) or not found or panel.get("type") == "row":
            continue
        ref = panel.get("datasource")
        if ref.__class__ is dict and (kind := ref.get("type")).__class__ is str and kind \
                and ref.get("uid") != "-- Mixed --":
            panel_type: str | None = kind  # as for a target's below
        else:
            panel_type = datasource_type(ref, idx, ctx)
        for i, target in enumerate(found):
            if not isinstance(target, dict):
                continue
            expr = target.get("expr")
            if not isinstance(expr, str) or not expr or expr.isspace():
                continue
            ref = target.get("datasource")
            if ref is None:
                own = None
            elif ref.__class__ is dict and (kind := ref.get("type")).__class__ is str and kind \
                    and ref.get("uid") != "-- Mixed --":
                own = kind  # what datasource_type returns for it, without a call per target
            else:
                own = datasource_type(ref, idx, ctx)
            language = own if own not in (None, "mixed") else panel_type
            if language is None and "datasource" not in panel and "datasource" not in target:
                if default is _UNSET:
                    default = _default_type(ctx)
                language = default
            if language == "prometheus" or language == "loki":
                out.append((at, i, expr, language))
    return out


_UNSET = object()


def _is_query(expr: Any) -> TypeGuard[str]:
    return isinstance(expr, str) and bool(expr) and not expr.isspace()


def _alert_rule(resource: Resource, ctx: ValidationContext) -> Iterator[Finding]:
    data = resource.body.get("data")
    for i, query in enumerate(data if isinstance(data, list) else []):
        if not isinstance(query, dict) or not isinstance(query.get("model"), dict):
            continue
        body = (ctx.datasources or {}).get(str(query.get("datasourceUid")))
        model = query["model"]
        language = body.get("type") if body else _ref_type(model.get("datasource"))
        if (found := _check(resource, ctx, ("data", i, "model", "expr"), model.get("expr"), language, ())) is not None:
            yield found


def _check(resource: Resource, ctx: ValidationContext, parts: tuple[str | int, ...], expr: Any,
           language: str | None, values: Samples) -> Finding | None:
    """The one finding a query can have (a function, not a generator: it runs once per query)."""
    if not _is_query(expr):
        return None
    label = ctx.environment_label
    known: promql.Verdict | None = None
    if language == "prometheus":
        error = promql.check(expr, values)
        known = error, (promql.unfiltered(expr, values, label) if label and not error else ())
    verdict = _verdict(label, expr, language, values, known)
    return None if verdict is None else finding(ctx, resource, parts, *verdict)


def _verdict(label: str | None, expr: str, language: str | None, values: Samples,
             known: promql.Verdict | None) -> tuple[str, str] | None:
    """(code, message) of the one finding a non-blank query can have, or None; `known`: a PromQL
    query's (check, unfiltered) verdict."""
    if language == "prometheus" and known is not None:
        error, missing = known
        if error:
            return "G501", f"PromQL does not parse: {error}"
        if label and missing:
            named = [name for name in missing if name]
            which = (f"{', '.join(named)} {'is' if len(named) == 1 else 'are'}" if len(named) == len(missing)
                     else "a selector is")
            return "G503", (f"{which} not filtered by {label} in {_quoted(expr)}: "
                            "the query reads every environment")
    elif language == "loki":
        substituted = substitute(expr, values)
        error = logql.check(substituted)
        if error:
            return "G502", f"LogQL: {error}"
        if label and any(label not in labels for labels in logql.stream_labels(substituted)):
            return "G503", f"a stream selector is not filtered by {label}: the query reads every environment"
    return None


def _quoted(expr: str, limit: int = 160) -> str:
    """The query as written in the file (variables unsubstituted), on one line and bounded."""
    text = " ".join(expr.split())
    return f"`{text if len(text) <= limit else text[:limit - 1] + '…'}`"


def datasource_type(ref: Any, idx: DashboardIndex, ctx: ValidationContext) -> str | None:
    """The plugin type a datasource reference resolves to; "mixed" for the mixed datasource."""
    if isinstance(ref, dict):
        kind, uid = ref.get("type"), ref.get("uid")
        if uid == "-- Mixed --":
            return "mixed"
        if isinstance(kind, str) and kind:
            return kind
        return _by_name(uid, idx, ctx) if isinstance(uid, str) else None
    if isinstance(ref, str):
        return "mixed" if ref == "-- Mixed --" else _by_name(ref, idx, ctx)
    return None


def _by_name(name: str, idx: DashboardIndex, ctx: ValidationContext) -> str | None:
    match = REFERENCE.fullmatch(name.strip())
    if match:
        variable = idx.variable_names.get(match.group(1) or match.group(2) or match.group(4) or "")
        if variable and variable.get("type") == "datasource" and isinstance(variable.get("query"), str):
            return variable["query"]
        return None
    if not ctx.is_standalone:
        body = (ctx.datasources or {}).get(name) or ctx.datasource_names.get(name)
        return str(body.get("type")) if body else None
    lowered = name.lower()
    return next((kind for hint, kind in _NAME_HINTS if hint in lowered), None)


def _default_type(ctx: ValidationContext) -> str | None:
    default = ctx.default_datasource
    return str(default.get("type")) if default else None


def _ref_type(ref: Any) -> str | None:
    return ref.get("type") if isinstance(ref, dict) and isinstance(ref.get("type"), str) else None
