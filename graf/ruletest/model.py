"""Test files (`alerts/tests/*.yaml`) -> typed, checked `TestFile`s; a bad file is one `TestFileError` line.

The shape follows `promtool test rules` (a promtool user reads it at sight), with what Grafana
adds: the state of each alert instance and the contact point it reaches::

    evaluation_interval: 1m          # optional; default: graf.yaml alerts.interval
    tests:
      - name: a target down for 2m pages on-call
        env: prod                    # the graf.yaml environment whose rendered rules are tested
        interval: 1m                 # spacing of the input samples
        input_series:
          - series: 'up{environment="prod", job="node", instance="prod-app-1:9100"}'
            values: '1x3 0x10'
        alert_rule_test:
          - eval_time: 5m
            rule: instance_down      # graf's rule name, a team rule's ctx.uid() name or uid;
                                     # or `alertname:` the rule's title
            exp_alerts:
              - state: Pending       # default Alerting
                exp_labels: {instance: prod-app-1:9100, severity: critical}
                exp_annotations: {summary: node target prod-app-1:9100 is down}
                contact_point: shop-oncall
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from graf.errors import ConfigError, format_path
from graf.ruletest.series import NotationError, Series, expand_values, parse_series
from graf.units import parse_duration

STATES = ("Normal", "Pending", "Alerting", "Recovering", "NoData", "Error")


class TestFileError(ConfigError):
    """A test file that cannot be read: names the file and the field (exit 2)."""

    __test__ = False  # not a pytest class


@dataclass(frozen=True)
class ExpectedAlert:
    state: str
    labels: Mapping[str, str]
    annotations: Mapping[str, str]
    contact_point: str | None
    where: str


@dataclass(frozen=True)
class Case:
    eval_time: float  # seconds after the start of the series
    rule: str | None  # graf rule name
    alertname: str | None  # or the rule's title
    expected: tuple[ExpectedAlert, ...]
    where: str  # `file: tests[0].alert_rule_test[1]`

    @property
    def rule_ref(self) -> str:
        return self.rule if self.rule is not None else f"alertname {self.alertname!r}"


@dataclass(frozen=True)
class Group:
    name: str
    env: str | None
    interval: float
    series: tuple[Series, ...]
    cases: tuple[Case, ...]
    where: str

    @property
    def samples(self) -> int:
        return max((len(s.samples) for s in self.series), default=0)

    @property
    def span(self) -> float:
        """Seconds from the first sample to the last sample or evaluation, whichever is later."""
        last_sample = (self.samples - 1) * self.interval if self.samples else 0.0
        return max([last_sample, *(c.eval_time for c in self.cases)])


@dataclass(frozen=True)
class TestFile:
    __test__ = False

    name: str  # as messages show it: relative to the project when inside it
    path: Path
    evaluation_interval: float | None
    groups: tuple[Group, ...]


_TOP = {"evaluation_interval", "tests"}
_GROUP = {"name", "env", "interval", "input_series", "alert_rule_test"}
_CASE = {"eval_time", "rule", "alertname", "exp_alerts"}
_ALERT = {"state", "exp_labels", "exp_annotations", "contact_point"}


def load(path: Path, display: str | None = None) -> TestFile:
    """Read and check one test file; `display` is the name used in messages (default: the path)."""
    import yaml

    name = display or str(path)
    try:
        raw = yaml.safe_load(path.read_text(encoding="utf-8"))
    except FileNotFoundError:
        raise TestFileError(name, "file not found") from None
    except OSError as exc:
        raise TestFileError(name, f"cannot read: {exc.strerror}") from exc
    except yaml.YAMLError as exc:
        mark = getattr(exc, "problem_mark", None)
        where = f"{name}:{mark.line + 1}:{mark.column + 1}" if mark else name
        raise TestFileError(where, f"YAML syntax error: {getattr(exc, 'problem', None) or exc}") from None
    return parse(raw, name, path)


def parse(raw: Any, name: str, path: Path | None = None) -> TestFile:
    top = _mapping(raw, name, [], _TOP)
    interval = _duration(top, "evaluation_interval", name, [], required=False)
    tests = top.get("tests")
    if not isinstance(tests, list) or not tests:
        raise TestFileError(_at(name, ["tests"]), "expected a non-empty list of test groups")
    groups = tuple(_group(item, name, ["tests", i]) for i, item in enumerate(tests))
    return TestFile(name, path or Path(name), interval, groups)


def _group(raw: Any, file: str, at: list[str | int]) -> Group:
    group = _mapping(raw, file, at, _GROUP)
    name = group.get("name", f"tests[{at[-1]}]")
    if not isinstance(name, str):
        raise TestFileError(_at(file, [*at, "name"]), "expected a string")
    env = group.get("env")
    if env is not None and not isinstance(env, str):
        raise TestFileError(_at(file, [*at, "env"]), "expected the name of a graf.yaml environment")
    interval = _duration(group, "interval", file, at, required=False) or 60.0
    series_raw = group.get("input_series", [])
    if not isinstance(series_raw, list):
        raise TestFileError(_at(file, [*at, "input_series"]), "expected a list of {series, values}")
    series = []
    seen: dict[tuple[tuple[str, str], ...], int] = {}
    for i, item in enumerate(series_raw):
        where = [*at, "input_series", i]
        entry = _mapping(item, file, where, {"series", "values"})
        for key in ("series", "values"):
            if key not in entry:
                raise TestFileError(_at(file, [*where, key]), "missing")
        try:
            labels = parse_series(entry["series"])
        except NotationError as exc:
            raise TestFileError(_at(file, [*where, "series"]), str(exc)) from None
        try:
            values = expand_values(entry["values"])
        except NotationError as exc:
            raise TestFileError(_at(file, [*where, "values"]), str(exc)) from None
        if labels in seen:
            raise TestFileError(_at(file, [*where, "series"]),
                                f"the same series as input_series[{seen[labels]}]")
        seen[labels] = i
        series.append(Series(labels, tuple(values)))
    cases_raw = group.get("alert_rule_test")
    if not isinstance(cases_raw, list) or not cases_raw:
        raise TestFileError(_at(file, [*at, "alert_rule_test"]), "expected a non-empty list of cases")
    cases = tuple(_case(item, file, [*at, "alert_rule_test", i]) for i, item in enumerate(cases_raw))
    return Group(name, env, interval, tuple(series), cases, _at(file, at))


def _case(raw: Any, file: str, at: list[str | int]) -> Case:
    case = _mapping(raw, file, at, _CASE)
    eval_time = _duration(case, "eval_time", file, at, required=True, zero_ok=True)
    assert eval_time is not None
    rule, alertname = case.get("rule"), case.get("alertname")
    if (rule is None) == (alertname is None):
        raise TestFileError(_at(file, [*at, "rule"]), "give either rule (graf's rule name) or alertname (its title)")
    for key, value in (("rule", rule), ("alertname", alertname)):
        if value is not None and (not isinstance(value, str) or not value):
            raise TestFileError(_at(file, [*at, key]), "expected a string")
    alerts_raw = case.get("exp_alerts", [])
    if alerts_raw is None:
        alerts_raw = []
    if not isinstance(alerts_raw, list):
        raise TestFileError(_at(file, [*at, "exp_alerts"]), "expected a list (empty: the rule stays Normal)")
    expected = tuple(_alert(item, file, [*at, "exp_alerts", i]) for i, item in enumerate(alerts_raw))
    return Case(eval_time, rule, alertname, expected, _at(file, at))


def _alert(raw: Any, file: str, at: list[str | int]) -> ExpectedAlert:
    alert = _mapping(raw, file, at, _ALERT)
    state = alert.get("state", "Alerting")
    if state not in STATES:
        raise TestFileError(_at(file, [*at, "state"]), f"unknown state {state!r} (one of {', '.join(STATES)})")
    labels = _strings(alert.get("exp_labels", {}), file, [*at, "exp_labels"])
    annotations = _strings(alert.get("exp_annotations", {}), file, [*at, "exp_annotations"])
    point = alert.get("contact_point")
    if point is not None and not isinstance(point, str):
        raise TestFileError(_at(file, [*at, "contact_point"]), "expected the name of a contact point")
    return ExpectedAlert(state, labels, annotations, point, _at(file, at))


# ---------------------------------------------------------------------------- field helpers


def _at(file: str, parts: list[str | int]) -> str:
    return f"{file}: {format_path(parts)}" if parts else file


def _mapping(raw: Any, file: str, at: list[str | int], keys: set[str]) -> dict[str, Any]:
    if not isinstance(raw, dict):
        raise TestFileError(_at(file, at), f"expected a mapping, got {type(raw).__name__}")
    for key in raw:
        if key not in keys:
            raise TestFileError(_at(file, [*at, str(key)]), f"unknown key (known: {', '.join(sorted(keys))})")
    return raw


def _strings(raw: Any, file: str, at: list[str | int]) -> dict[str, str]:
    if not isinstance(raw, dict):
        raise TestFileError(_at(file, at), "expected a mapping of names to strings")
    out = {}
    for key, value in raw.items():
        if isinstance(value, bool) or not isinstance(value, (str, int, float)):
            raise TestFileError(_at(file, [*at, str(key)]), "expected a string")
        out[str(key)] = value if isinstance(value, str) else f"{value:g}" if isinstance(value, float) else str(value)
    return out


def _duration(raw: dict[str, Any], key: str, file: str, at: list[str | int], *, required: bool,
              zero_ok: bool = False) -> float | None:
    value = raw.get(key)
    if value is None:
        if required:
            raise TestFileError(_at(file, [*at, key]), "missing (a duration such as 5m)")
        return None
    try:
        seconds = parse_duration(str(value)) if not (isinstance(value, int) and value == 0) else 0.0
    except ValueError:
        raise TestFileError(_at(file, [*at, key]), f"not a duration: {value!r} (e.g. 30s, 5m, 1h)") from None
    if seconds == 0 and not zero_ok:
        raise TestFileError(_at(file, [*at, key]), "must be more than 0s")
    return seconds
