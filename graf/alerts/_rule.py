"""One alert rule as data (`RuleSpec`) and the one function that turns it into Grafana's JSON.

Every built-in rule has the same three-step shape, the one Grafana's own rule editor produces:

    A  the query (PromQL or LogQL, instant) giving one value per series, e.g. the 5xx ratio
    B  reduce A to its last value, dropping NaN (a 0/0 ratio is "no data", not an alert)
    C  threshold on B (`gt`/`lt` the configured value): the rule's condition

Keeping the comparison in C, not in the query, lets the Grafana UI show the threshold and every
series' state (Normal / Firing), and lets `{{ $values.B.Value }}` print the measured value in
the annotations. graf.yaml's `alerts.rules.<name>.{enabled,threshold,for,severity}` override
the defaults of a `RuleSpec`, per environment.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from dataclasses import dataclass
from typing import Literal

from graf.context import RenderContext
from graf.resources import JSON
from graf.units import prom_duration

EXPR_UID = "__expr__"
# The time range of step A, in seconds before now. An instant query is evaluated at its end; the
# range selectors inside the expressions ([5m], [6h]) reach back on their own.
QUERY_WINDOW = 600

Comparison = Literal["gt", "lt"]
NoData = Literal["Alerting", "NoData", "OK", "KeepLast"]
ExecErr = Literal["Alerting", "Error", "OK", "KeepLast"]


@dataclass(frozen=True)
class RuleSpec:
    """A rule before graf.yaml's settings (`alerts.rules.<name>`) are applied: built-in, or a team's own.

    `query(ctx, threshold)` returns the expression of step A; most ignore the threshold, the
    filesystem forecast uses it as its horizon. `summary`/`description` are Grafana templates
    where graf fills in `{threshold}`, `{for_}`, `{environment}` and the label names of graf.yaml
    (`{instance}`, `{application}`, `{host}`, `{service}`: `$labels.{instance}`), and Grafana fills
    in `$labels` / `$values.B.Value` when the rule fires.
    """

    name: str
    title: str
    group: str
    datasource: Literal["prometheus", "loki"]
    query: Callable[[RenderContext, float], str]
    comparison: Comparison
    threshold: float
    for_: str
    severity: str
    summary: str
    description: str
    no_data: NoData = "OK"
    exec_err: ExecErr = "Error"
    threshold_text: Callable[[float], str] = str
    # When set, step C compares with this value and the threshold only shapes the query
    # (the filesystem forecast: threshold = horizon in hours, condition "predicted free < 0").
    condition_value: float | None = None


def build(ctx: RenderContext, spec: RuleSpec) -> JSON | None:
    """The ProvisionedAlertRule body of `spec` in this environment; None when graf.yaml disables it."""
    settings = ctx.env.alerts.rules.get(spec.name)
    if settings is not None and not settings.enabled:
        return None
    threshold = spec.threshold if settings is None or settings.threshold is None else settings.threshold
    for_ = prom_duration(spec.for_ if settings is None or settings.for_ is None else settings.for_)
    severity = spec.severity if settings is None or settings.severity is None else settings.severity
    labels = ctx.labels
    fields = {"threshold": spec.threshold_text(threshold), "for_": for_, "environment": ctx.env.label,
              "instance": labels.instance, "application": labels.application, "host": labels.host,
              "service": labels.service}
    annotations = {"summary": _fill(spec.summary, fields), "description": _fill(spec.description, fields)}
    if ctx.env.alerts.runbook_url:
        annotations["runbook_url"] = ctx.env.alerts.runbook_url.replace("{rule}", spec.name)
    query_model = (prometheus_query if spec.datasource == "prometheus" else loki_query)(
        ctx, "A", spec.query(ctx, threshold))
    return {
        "uid": ctx.uid(f"alert-{spec.name}"),
        "title": spec.title,
        "folderUID": ctx.folder_uid,
        "ruleGroup": spec.group,
        "condition": "C",
        "data": [
            {"refId": "A", "relativeTimeRange": {"from": QUERY_WINDOW, "to": 0},
             "datasourceUid": ctx.datasource(spec.datasource).uid, "model": query_model},
            _expression("B", {"type": "reduce", "expression": "A", "reducer": "last",
                              "settings": {"mode": "dropNN"}}),
            _expression("C", {"type": "threshold", "expression": "B",
                              "conditions": [{"evaluator": {"type": spec.comparison, "params": [
                                  threshold if spec.condition_value is None else spec.condition_value]}}]}),
        ],
        "noDataState": spec.no_data,
        "execErrState": spec.exec_err,
        "for": for_,
        "annotations": annotations,
        "labels": {"severity": severity, ctx.labels.environment: ctx.env.label},
        "isPaused": False,
    }


def _fill(template: str, fields: dict[str, str]) -> str:
    """Replace graf's `{name}` fields; Grafana's own `{{ ... }}` templates are left alone."""
    for name, value in fields.items():
        template = template.replace("{" + name + "}", value)
    return template


def prometheus_query(ctx: RenderContext, ref_id: str, expr: str) -> JSON:
    return {"refId": ref_id, "datasource": ctx.ref("prometheus"), "expr": expr, "instant": True, "range": False,
            "editorMode": "code", "intervalMs": 1000, "maxDataPoints": 43200}


def loki_query(ctx: RenderContext, ref_id: str, expr: str) -> JSON:
    return {"refId": ref_id, "datasource": ctx.ref("loki"), "expr": expr, "queryType": "instant",
            "editorMode": "code", "intervalMs": 1000, "maxDataPoints": 43200}


def _expression(ref_id: str, model: JSON) -> JSON:
    return {"refId": ref_id, "relativeTimeRange": {"from": 0, "to": 0}, "datasourceUid": EXPR_UID,
            "model": {"refId": ref_id, "datasource": {"type": EXPR_UID, "uid": EXPR_UID}, **model}}


# ---------------------------------------------------------------------------- query text helpers


def quote(value: str) -> str:
    """A PromQL/LogQL double-quoted string literal."""
    return '"' + value.replace("\\", "\\\\").replace('"', '\\"') + '"'


def selector(*matchers: tuple[str, str, str]) -> str:
    """`{a="x", b=~"y"}` from (label, op, value) triples."""
    return "{" + ", ".join(f"{label}{op}{quote(value)}" for label, op, value in matchers) + "}"


_RE2_SPECIAL = frozenset("\\.+*?()|[]{}^$")


def one_of(values: Iterable[str]) -> str:
    """An RE2 alternation matching exactly these literal values (Prometheus anchors regex matchers)."""
    return "|".join("".join("\\" + c if c in _RE2_SPECIAL else c for c in v) for v in sorted(set(values)))


def env_matcher(ctx: RenderContext) -> tuple[str, str, str]:
    return (ctx.labels.environment, "=", ctx.env.label)


def percent(value: float) -> str:
    return f"{value * 100:g}%"


def build_all(ctx: RenderContext, specs: Iterable[RuleSpec]) -> list[JSON]:
    """The enabled rules of `specs`, in order."""
    return [body for spec in specs if (body := build(ctx, spec)) is not None]
