"""Grafana-managed alert rules (ProvisionedAlertRule JSON): G601 alert-condition, G602 alert-refid,
G603 alert-interval, G604 alert-duration, G605 alert-folder. Their queries are checked by
G501/G502 like a panel's, their datasource uids by G301."""

from __future__ import annotations

import re
from collections.abc import Iterator
from typing import Any

from graf.resources import Resource
from graf.units import parse_duration
from graf.validate.context import ValidationContext
from graf.validate.findings import Finding
from graf.validate.rules._base import finding

EXPRESSION_DATASOURCE = "__expr__"
SCHEDULER_INTERVAL = 10  # seconds; Grafana's [unified_alerting] min_interval, the base of every rule interval
_MATH_REF = re.compile(r"\$\{?([A-Za-z0-9_]+)\}?")


def condition_and_refids(resource: Resource, ctx: ValidationContext) -> Iterator[Finding]:
    if resource.kind != "alert-rule":
        return
    data = [q for q in _list(resource.body.get("data")) if isinstance(q, dict)]
    ref_ids: dict[str, int] = {}
    for i, query in enumerate(data):
        ref = query.get("refId")
        if isinstance(ref, str) and ref in ref_ids:
            yield finding(ctx, resource, ("data", i, "refId"), "G602", f"refId {ref!r} is used twice")
        elif isinstance(ref, str):
            ref_ids[ref] = i
    condition = resource.body.get("condition")
    if isinstance(condition, str) and condition and condition not in ref_ids:
        yield finding(ctx, resource, ("condition",), "G601",
                      f"condition {condition!r} is not a refId of data ({', '.join(ref_ids) or 'none'})")
    for i, query in enumerate(data):
        if query.get("datasourceUid") != EXPRESSION_DATASOURCE or not isinstance(query.get("model"), dict):
            continue
        for parts, ref in _expression_refs(query["model"]):
            if ref not in ref_ids:
                yield finding(ctx, resource, ("data", i, "model", *parts), "G602",
                              f"refers to refId {ref!r}, which is not in data ({', '.join(ref_ids)})")


def _expression_refs(model: dict[str, Any]) -> Iterator[tuple[tuple[str | int, ...], str]]:
    """The refIds a server-side expression reads: math `$A > 0`, reduce/resample/threshold `A`,
    classic conditions `query.params[0]`."""
    kind, expression = model.get("type"), model.get("expression")
    if kind == "math" and isinstance(expression, str):
        for ref in _MATH_REF.findall(expression):
            yield ("expression",), ref
    elif kind in ("reduce", "resample", "threshold") and isinstance(expression, str) and expression:
        yield ("expression",), expression
    elif kind == "classic_conditions":
        for j, condition in enumerate(_list(model.get("conditions"))):
            query = condition.get("query") if isinstance(condition, dict) else None
            params = query.get("params") if isinstance(query, dict) else None
            if isinstance(params, list) and params and isinstance(params[0], str):
                yield ("conditions", j, "query", "params", 0), params[0]


def interval_and_durations(resource: Resource, ctx: ValidationContext) -> Iterator[Finding]:
    if resource.kind != "alert-rule":
        return
    if ctx.alert_interval is not None:
        problem = _interval_problem(ctx.alert_interval)
        if problem:
            yield finding(ctx, resource, ("ruleGroup",), "G603", f"evaluation interval (alerts.interval) {problem}")
    for key in ("for", "keep_firing_for"):
        value = resource.body.get(key)
        if isinstance(value, str):
            try:
                parse_duration(value)
            except ValueError:
                yield finding(ctx, resource, (key,), "G604", f"{value!r} is not a duration (e.g. 0s, 5m, 1h30m)")


def _interval_problem(interval: str) -> str | None:
    try:
        seconds = parse_duration(interval)
    except ValueError:
        return f"{interval!r} is not a duration"
    if seconds <= 0 or seconds % SCHEDULER_INTERVAL:
        return f"{interval!r} is not a positive multiple of {SCHEDULER_INTERVAL}s (Grafana's scheduler interval)"
    return None


def folder_exists(resource: Resource, ctx: ValidationContext) -> Iterator[Finding]:
    if resource.kind != "alert-rule" or ctx.folders is None:
        return
    folder = resource.body.get("folderUID")
    if isinstance(folder, str) and folder and folder not in ctx.folders:
        yield finding(ctx, resource, ("folderUID",), "G605",
                      f"folder {folder!r} is not one of the rendered folders ({', '.join(sorted(ctx.folders))})")


def _list(value: Any) -> list[Any]:
    return value if isinstance(value, list) else []
