"""Grafana's alert state machine for one rule, evaluation by evaluation.

Follows grafana/grafana pkg/services/ngalert/state/state.go (`resultNormal`, `resultAlerting`,
`resultError`, `resultNoData`, `resultKeepLast`), manager.go (`processMissingSeriesStates`,
`stateIsStale`) and the label/annotation merge of `expandAnnotationsAndLabels`:

- Alerting result: Normal -> Pending when the rule has a pending period (`for`), else Alerting;
  Pending -> Alerting once `for` has passed since it became Pending; Recovering -> Alerting
  at once (no second pending period).
- Normal result: Alerting -> Recovering when the rule has `keep_firing_for`, Recovering ->
  Normal once that has passed; anything else -> Normal.
- NoData result by `noDataState`: Alerting (as an Alerting result), NoData, OK (as Normal),
  KeepLast (the last state stays; a Pending one still becomes Alerting after `for`).
- Error result by `execErrState`: Alerting, Error, OK, KeepLast, likewise; the error text
  becomes the `Error` annotation, and in state Error a failed query's `ref_id` and
  `datasource_uid` become labels.
- An instance missing from an evaluation stays as it is until it has been missing for 2
  evaluation intervals (1 for NoData and Error), then it is resolved (Normal) and dropped.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field

from graf.resources import JSON
from graf.ruletest.evaluate import Result
from graf.ruletest.expressions import Labels
from graf.ruletest.templates import TemplateData, TemplateError, expand
from graf.units import parse_duration

MISSING_SERIES_EVALS_TO_RESOLVE = 2  # models.AlertRule.GetMissingSeriesEvalsToResolve default


@dataclass
class Instance:
    state: str
    labels: dict[str, str]
    annotations: dict[str, str]
    starts_at: float
    last_evaluation: float
    reason: str = ""
    error: str | None = None


@dataclass(frozen=True)
class Snapshot:
    """One instance as a test sees it after an evaluation."""

    state: str
    labels: Mapping[str, str]
    annotations: Mapping[str, str]
    reason: str = ""


@dataclass(frozen=True)
class RuleSettings:
    uid: str
    title: str
    folder_uid: str
    folder_title: str
    interval: float
    for_: float
    keep_firing_for: float
    no_data: str
    exec_err: str
    labels: Mapping[str, str]
    annotations: Mapping[str, str]

    @classmethod
    def of(cls, rule: JSON, folder_title: str, interval: float) -> RuleSettings:
        return cls(uid=rule["uid"], title=rule["title"], folder_uid=rule.get("folderUID", ""),
                   folder_title=folder_title, interval=interval,
                   for_=_seconds(rule.get("for")), keep_firing_for=_seconds(rule.get("keep_firing_for")),
                   no_data=rule.get("noDataState") or "NoData", exec_err=rule.get("execErrState") or "Error",
                   labels=dict(rule.get("labels") or {}), annotations=dict(rule.get("annotations") or {}))

    @property
    def extra_labels(self) -> dict[str, str]:
        """state.go GetRuleExtraLabels: what Grafana adds to every instance."""
        return {"__alert_rule_namespace_uid__": self.folder_uid, "alertname": self.title,
                "__alert_rule_uid__": self.uid, "grafana_folder": self.folder_title}


def _seconds(text: object) -> float:
    return parse_duration(str(text)) if text not in (None, "", "0", 0) else 0.0


@dataclass
class StateMachine:
    rule: RuleSettings
    instances: dict[Labels, Instance] = field(default_factory=dict)

    def evaluate(self, results: list[Result], at: float) -> list[Snapshot]:
        """Apply one evaluation's results at time `at` (seconds); the instances after it."""
        for result in results:
            labels, annotations = self._expand(result)
            key = tuple(sorted(labels.items()))
            instance = self.instances.get(key)
            if instance is None:
                instance = Instance("Normal", labels, annotations, at, at)
                self.instances[key] = instance
            else:
                instance.annotations = annotations
            self._transition(instance, result, at)
        for key, instance in list(self.instances.items()):
            if instance.last_evaluation == at:
                continue
            evals = 1 if instance.state in ("Error", "NoData") else MISSING_SERIES_EVALS_TO_RESOLVE
            if at - instance.last_evaluation >= evals * self.rule.interval:
                del self.instances[key]  # resolved as MissingSeries and evicted
        return self.snapshot()

    def snapshot(self) -> list[Snapshot]:
        return [Snapshot(i.state, dict(i.labels), dict(i.annotations), i.reason) for i in self.instances.values()]

    def _expand(self, result: Result) -> tuple[dict[str, str], dict[str, str]]:
        """state.go expandAnnotationsAndLabels: Grafana's labels win over the rule's, the rule's over the query's."""
        extra = self.rule.extra_labels
        data = TemplateData({**result.instance_dict, **extra}, result.values, result.evaluation_string)
        try:
            rule_labels = {k: expand(v, data) for k, v in self.rule.labels.items()}
            annotations = {k: expand(v, data) for k, v in self.rule.annotations.items()}
        except TemplateError as exc:
            raise TemplateError(f"rule {self.rule.title!r}: {exc}") from None
        labels = dict(extra)
        for key, value in [*rule_labels.items(), *result.instance]:
            labels.setdefault(key, value)
        return labels, annotations

    def _transition(self, s: Instance, result: Result, at: float) -> None:
        s.last_evaluation = at
        if s.state == "Error" and result.state != "Error":
            # state.go transition: the labels an Error state added go when the error does
            for key in ("ref_id", "datasource_uid"):
                if key not in result.instance_dict:
                    s.labels.pop(key, None)
        if result.state == "Normal":
            self._normal(s, at, "")
        elif result.state == "Alerting":
            self._alerting(s, at, "")
        elif result.state == "NoData":
            self._no_data(s, at)
        else:
            self._error(s, result, at)
        if result.state != "Error":
            s.error = None

    def _set(self, s: Instance, state: str, at: float, reason: str) -> None:
        s.state, s.starts_at, s.reason = state, at, reason

    def _normal(self, s: Instance, at: float, reason: str) -> None:
        if s.state == "Normal":
            return
        if s.state == "Recovering":
            if at - s.starts_at >= self.rule.keep_firing_for:
                self._set(s, "Normal", at, reason)
        elif s.state == "Alerting" and self.rule.keep_firing_for > 0:
            self._set(s, "Recovering", at, reason)
        else:
            self._set(s, "Normal", at, reason)

    def _alerting(self, s: Instance, at: float, reason: str) -> None:
        if s.state == "Alerting":
            return
        if s.state == "Pending":
            if at - s.starts_at >= self.rule.for_:
                self._set(s, "Alerting", at, reason)
        elif s.state != "Recovering" and self.rule.for_ > 0:
            self._set(s, "Pending", at, reason)
        else:
            self._set(s, "Alerting", at, reason)

    def _keep_last(self, s: Instance, at: float, reason: str) -> None:
        if s.state == "Alerting":
            self._alerting(s, at, reason)
        elif s.state == "Pending":
            if at - s.starts_at >= self.rule.for_:
                self._alerting(s, at, reason)
        else:
            self._normal(s, at, reason)

    def _no_data(self, s: Instance, at: float) -> None:
        mode = self.rule.no_data
        if mode == "Alerting":
            self._alerting(s, at, "NoData")
        elif mode == "NoData":
            if s.state != "NoData":
                self._set(s, "NoData", at, "")
        elif mode == "OK":
            self._normal(s, at, "NoData")
        elif mode == "KeepLast":
            self._keep_last(s, at, "NoData, KeepLast")
        else:
            self._set(s, "Error", s.starts_at, "Error")
            s.annotations["Error"] = f"unsupported no data state: {mode}"

    def _error(self, s: Instance, result: Result, at: float) -> None:
        mode = self.rule.exec_err
        s.annotations["Error"] = result.error or ""
        if mode == "Alerting":
            self._alerting(s, at, "Error")
        elif mode == "Error":
            if s.state != "Error":
                self._set(s, "Error", at, "Error")
            if result.error_query is not None:
                s.labels["ref_id"], s.labels["datasource_uid"] = result.error_query
        elif mode == "OK":
            self._normal(s, at, "")
        elif mode == "KeepLast":
            self._keep_last(s, at, "Error, KeepLast")
        else:
            self._set(s, "Error", s.starts_at, "Error")
            s.annotations["Error"] = f"unsupported execution error state: {mode}"
        s.error = result.error
