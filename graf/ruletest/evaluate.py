"""One evaluation of a Grafana-managed rule: the data queries' answers -> the expressions -> a result per instance.

Follows pkg/services/ngalert/eval/eval.go (`evaluateExecutionResult`) in grafana/grafana:
- a query that fails makes the whole evaluation one Error result;
- a query that returns nothing makes it NoData, one result labelled `datasource_uid` and
  `ref_id` (the other queries' answers are not looked at);
- otherwise each value of the condition is a result with that value's labels: 0 is Normal,
  any other number (NaN included) Alerting, null NoData; no value at all is one NoData result;
- two values with the same labels make the evaluation an Error.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field

from graf.resources import JSON
from graf.ruletest import expressions
from graf.ruletest.expressions import ExpressionError, Labels, Number, Values

EXPR_UID = "__expr__"


@dataclass(frozen=True)
class QueryFailure:
    message: str


@dataclass(frozen=True)
class Result:
    state: str  # Normal | Alerting | NoData | Error
    instance: Labels
    values: Mapping[str, Number] = field(default_factory=dict)
    error: str | None = None
    error_query: tuple[str, str] | None = None  # (ref_id, datasource_uid) of a failed query

    @property
    def instance_dict(self) -> dict[str, str]:
        return dict(self.instance)

    @property
    def evaluation_string(self) -> str:
        """Grafana's `$value`: `[ var='B' labels={a=b} value=0.5 ], ...`."""
        from graf.ruletest.templates import go_float

        parts = []
        for ref, number in sorted(self.values.items()):
            labels = ", ".join(f"{k}={v}" for k, v in number.labels)
            value = "null" if number.value is None else go_float(number.value)
            parts.append(f"[ var='{ref}' labels={{{labels}}} value={value} ]")
        return ", ".join(parts)


QueryAnswer = Sequence[tuple[Labels, float]] | QueryFailure


def queries(rule: JSON) -> list[JSON]:
    """The rule's data queries (not expressions), in order."""
    return [q for q in rule.get("data", []) if q.get("datasourceUid") != EXPR_UID]


def evaluate(rule: JSON, answers: Mapping[str, QueryAnswer]) -> list[Result]:
    """The results of one evaluation, given each data query's answer by refId."""
    empty: dict[str, list[str]] = {}
    for query in queries(rule):
        ref, uid = query["refId"], query.get("datasourceUid", "")
        answer = answers[ref]
        if isinstance(answer, QueryFailure):
            message = f"[sse.dataQueryError] failed to execute query [{ref}]: {answer.message}"
            return [Result("Error", (), error=message, error_query=(ref, uid))]
        if not answer:
            empty.setdefault(uid, []).append(ref)
    if empty:
        return [Result("NoData", tuple(sorted({"datasource_uid": uid, "ref_id": ",".join(refs)}.items())))
                for uid, refs in empty.items()]
    variables: dict[str, Values] = {}
    # Each sample of an instant vector is a Number with the series' labels, `__name__` included
    # (pkg/promlib/converter/testdata/prom-vector-frame.jsonc).
    for query in queries(rule):
        answer = answers[query["refId"]]
        assert not isinstance(answer, QueryFailure)
        variables[query["refId"]] = [Number(labels, value) for labels, value in answer]
    try:
        for node in rule.get("data", []):
            if node.get("datasourceUid") == EXPR_UID:
                variables[node["refId"]] = _expression(node["model"], variables)
        condition = variables.get(rule.get("condition", ""))
        if condition is None:
            raise ExpressionError(f"condition {rule.get('condition')!r} is not a refId of the rule")
    except ExpressionError as exc:
        return [Result("Error", (), error=f"[sse.executionError] {exc}")]
    if not condition:
        return [Result("NoData", ())]
    seen: set[Labels] = set()
    out = []
    for number in condition:
        if number.labels in seen:
            return [Result("Error", (), error="invalid format of evaluation results for the alert definition: "
                                              "frame cannot uniquely be identified by its labels")]
        seen.add(number.labels)
        state = "NoData" if number.value is None else "Normal" if number.value == 0 else "Alerting"
        out.append(Result(state, number.labels, _captured(number.labels, variables)))
    return out


def _expression(model: JSON, variables: Mapping[str, Values]) -> Values:
    kind = model.get("type")
    if kind == "reduce":
        return expressions.reduce(model, _input(model, variables))
    if kind == "threshold":
        return expressions.threshold(model, _input(model, variables))
    if kind == "math":
        return expressions.math_expression(model, variables)
    raise ExpressionError(f"expression type {kind!r} is not supported by graf test (reduce, math, threshold are)")


def _input(model: JSON, variables: Mapping[str, Values]) -> Values:
    ref = str(model.get("expression", "")).lstrip("$")
    if ref not in variables:
        raise ExpressionError(f"expression refers to unknown refId {ref!r}")
    return variables[ref]


def _captured(labels: Labels, variables: Mapping[str, Values]) -> dict[str, Number]:
    """The value of every step for this instance: the one with the same labels, or a subset of them."""
    out = {}
    own = set(labels)
    for ref, values in variables.items():
        match = next((n for n in values if n.labels == labels), None) or next(
            (n for n in values if set(n.labels) <= own), None)
        if match is not None:
            out[ref] = match
    return out
