"""`graf test` end to end: the real Prometheus evaluates the PromQL, amtool routes, on the example project
and on test projects where graf.yaml was broken on purpose (each must make the named case fail)."""

from __future__ import annotations

import json
import shutil
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest
import yaml
from click.testing import CliRunner

from graf.cli import cli
from graf.config import load_project
from graf.ruletest import run
from tests.conftest import EXAMPLE, ROOT

pytestmark = pytest.mark.prometheus
TESTS = ROOT / "alerts" / "tests"


@pytest.fixture(autouse=True)
def _binaries() -> None:
    for name, package in (("prometheus", "prometheus"), ("amtool", "prometheus-alertmanager")):
        if shutil.which(name) is None:
            pytest.skip(f"{name} not installed (apt-get install {package})")


def project(tmp_path: Path, edit: Callable[[dict[str, Any]], None] = lambda raw: None) -> Path:
    """A copy of the example project (graf.yaml edited by `edit`, and its alerts/tests)."""
    raw = yaml.safe_load(EXAMPLE.read_text(encoding="utf-8"))
    edit(raw)
    (tmp_path / "graf.yaml").write_text(yaml.safe_dump(raw, sort_keys=False), encoding="utf-8")
    shutil.copytree(TESTS, tmp_path / "alerts" / "tests")
    return tmp_path / "graf.yaml"


def test_the_built_in_rules_pass_their_own_cases():
    report = run(load_project(EXAMPLE))
    failing = [(o.where, o.problems) for o in report.outcomes if o.status != "passed" and o.status != "skipped"]
    assert failing == []
    rules = {o.rule for o in report.outcomes if o.status == "passed"}
    assert rules == {"instance_down", "http_5xx_ratio", "http_p99_latency", "jvm_heap_used", "jvm_gc_pause_share",
                     "host_cpu_busy", "host_memory_low", "host_disk_almost_full", "host_disk_full_soon"}
    assert {o.env for o in report.outcomes if o.status == "passed"} == {"dev", "prod"}
    (skipped,) = [o for o in report.outcomes if o.status == "skipped"]
    assert skipped.rule == "log_errors" and "loki" in skipped.reason


def _set_rule(env: str, rule: str, **settings: Any) -> Callable[[dict[str, Any]], None]:
    def edit(raw: dict[str, Any]) -> None:
        raw["environments"][env]["alerts"].setdefault("rules", {}).setdefault(rule, {}).update(settings)
    return edit


def _failures(config: Path, *files: str) -> list[str]:
    report = run(load_project(config), paths=[config.parent / "alerts" / "tests" / f for f in files])
    return [f"{o.group} › {o.rule} at {o.eval_time:g}s: " + " | ".join(o.problems)
            for o in report.outcomes if o.status == "failed"]


def test_a_broken_threshold_fails_the_case_that_pins_it(tmp_path):
    failures = _failures(project(tmp_path, _set_rule("prod", "http_5xx_ratio", threshold=0.05)), "http.yaml")
    assert failures == [
        "3% 5xx pages in prod after 5 minutes › http_5xx_ratio at 300s: "
        '{application="shop-api", environment="prod", instance="prod-app-1:8081", severity="critical"}: '
        "state: expected Pending, got Normal",
        "3% 5xx pages in prod after 5 minutes › http_5xx_ratio at 360s: "
        '{application="shop-api", environment="prod", instance="prod-app-1:8081", severity="critical"}: '
        "state: expected Alerting, got Normal",
    ]


def test_a_broken_pending_period_fails_with_expected_vs_got(tmp_path):
    failures = _failures(project(tmp_path, _set_rule("prod", "instance_down", **{"for": "5m"})), "instances.yaml")
    assert any("a prod target down pages after 2 minutes › instance_down at 240s:" in f
               and "state: expected Alerting, got Pending" in f
               and "annotation description: expected 'Prometheus has not been able to scrape node on "
                   "prod-app-1:9100 (prod) for 2m (up = 0).', got '" in f for f in failures), failures


def test_a_broken_label_fails_with_what_came_instead(tmp_path):
    failures = _failures(project(tmp_path, _set_rule("prod", "jvm_heap_used", severity="critical")), "jvm.yaml")
    assert len(failures) == 1, failures
    assert failures[0].startswith("heap at 92% warns in prod after 10 minutes › jvm_heap_used at 600s: "
                                  'expected Alerting {application="shop-api", environment="prod", '
                                  'instance="prod-app-1:8081", severity="warning"}, got no such alert '
                                  '(got: Alerting {')
    assert 'severity="critical"' in failures[0] and "unexpected Alerting" in failures[0]


def test_a_broken_route_fails_with_the_contact_point_reached(tmp_path):
    def edit(raw: dict[str, Any]) -> None:
        raw["environments"]["prod"]["alerts"]["contact_point"] = {"name": "prod-pager", "type": "webhook",
                                                                  "url": "${PAGER_URL}"}
    failures = _failures(project(tmp_path, edit), "host.yaml")
    assert failures and all("contact point: expected shop-oncall, got prod-pager" in f for f in failures), failures


def test_stale_ends_a_series_at_once_where_a_gap_lingers(tmp_path):
    """Staleness markers reach the real Prometheus: after `stale` the target's `up` is gone at once
    (the rule sees no data); after `_` the last 0 still answers for the 5-minute lookback."""
    (tmp_path / "graf.yaml").write_text(EXAMPLE.read_text(encoding="utf-8"), encoding="utf-8")
    test = tmp_path / "stale.yaml"
    test.write_text("""
tests:
  - env: prod
    input_series:
      - series: 'up{environment="prod", job="node", instance="a:9100"}'
        values: '0x3 stale'
      - series: 'up{environment="prod", job="node", instance="b:9100"}'
        values: '0x3 _x5'
    alert_rule_test:
      - eval_time: 4m
        rule: instance_down
        exp_alerts:
          - exp_labels: {instance: "a:9100"}
          - exp_labels: {instance: "b:9100"}
      - eval_time: 6m
        rule: instance_down
        exp_alerts:
          - exp_labels: {instance: "b:9100"}
""", encoding="utf-8")
    report = run(load_project(tmp_path / "graf.yaml"), paths=[test])
    assert [(o.status, o.problems) for o in report.outcomes] == [("passed", ()), ("passed", ())]


def test_cli_text_json_and_exit_codes(tmp_path):
    config = project(tmp_path, _set_rule("prod", "instance_down", **{"for": "5m"}))
    file = str(config.parent / "alerts" / "tests" / "instances.yaml")
    args = ["--config", str(config), "test", "--env", "prod", file]
    result = CliRunner().invoke(cli, args, standalone_mode=False)
    assert result.exception is None, result.output
    assert result.return_value == 1
    lines = result.stdout.splitlines()
    assert lines[0].startswith("FAILED alerts/tests/instances.yaml › prod › 'a prod target down pages after 2 minutes'"
                               " › instance_down at 4m: ")
    assert "failed" in result.stderr and "passed" in result.stderr
    result = CliRunner().invoke(cli, [*args, "--format", "json"], standalone_mode=False)
    data = json.loads(result.stdout)
    assert data["summary"]["failed"] >= 1 and data["summary"]["passed"] >= 1
    failed = [c for c in data["cases"] if c["status"] == "failed"]
    assert failed[0]["env"] == "prod" and failed[0]["eval_time"] == "4m" and failed[0]["problems"]
    good = CliRunner().invoke(cli, ["--config", str(EXAMPLE), "test", "--env", "dev"], standalone_mode=False)
    assert good.return_value == 0, good.stdout


def test_the_readme_example_runs_green(tmp_path):
    readme = (ROOT / "README.md").read_text(encoding="utf-8")
    start = readme.index("# alerts/tests/instances.yaml")
    example = readme[start:readme.index("```", start)]
    (tmp_path / "graf.yaml").write_text(EXAMPLE.read_text(encoding="utf-8"), encoding="utf-8")
    (tmp_path / "readme.yaml").write_text(example, encoding="utf-8")
    report = run(load_project(tmp_path / "graf.yaml"), paths=[tmp_path / "readme.yaml"])
    assert [o.status for o in report.outcomes] == ["passed"] * 3


def test_groups_do_not_see_each_others_series(tmp_path):
    """One Prometheus serves every group: each group's samples sit in a time window of their own,
    beyond the reach of the other groups' range selectors and lookback."""
    (tmp_path / "graf.yaml").write_text(EXAMPLE.read_text(encoding="utf-8"), encoding="utf-8")
    test = tmp_path / "two.yaml"
    test.write_text("""
tests:
  - env: prod
    input_series:
      - series: 'up{environment="prod", job="node", instance="a:9100"}'
        values: '0x30'
    alert_rule_test:
      - eval_time: 30m
        rule: instance_down
        exp_alerts:
          - exp_labels: {instance: "a:9100"}
  - env: prod
    input_series:
      - series: 'up{environment="dev", job="node", instance="a:9100"}'
        values: '0x30'
    alert_rule_test:
      - eval_time: 0m
        rule: instance_down
        exp_alerts:
          - state: Pending
            exp_labels: {datasource_uid: prometheus, ref_id: A}
""", encoding="utf-8")
    report = run(load_project(tmp_path / "graf.yaml"), paths=[test])
    assert [(o.status, o.problems) for o in report.outcomes] == [("passed", ()), ("passed", ())]


def test_a_missing_prometheus_is_named_with_its_package():
    from graf.errors import EnvironmentMissing
    from graf.ruletest.prometheus import find_binary

    with pytest.raises(EnvironmentMissing, match="not installed") as info:
        find_binary("prometheus-that-is-not-there")
    assert "apt-get install prometheus" in info.value.hint and info.value.exit_code == 2


TEAM_MODULE = '''
def rules(ctx):
    ds = ctx.datasource("prometheus").uid

    def rule(uid, title, expr, condition_model, **extra):
        return {
            "uid": ctx.uid(uid), "title": title, "ruleGroup": "orders", "condition": "C",
            "data": [
                {"refId": "A", "relativeTimeRange": {"from": 600, "to": 0}, "datasourceUid": ds,
                 "model": {"refId": "A", "expr": expr, "instant": True}},
                {"refId": "B", "relativeTimeRange": {"from": 0, "to": 0}, "datasourceUid": "__expr__",
                 "model": {"refId": "B", "type": "reduce", "expression": "A", "reducer": "last",
                           "settings": {"mode": "replaceNN", "replaceWithValue": 0}}},
                {"refId": "C", "relativeTimeRange": {"from": 0, "to": 0}, "datasourceUid": "__expr__",
                 "model": {"refId": "C", **condition_model}},
            ],
            "noDataState": "NoData", "execErrState": "Error", "labels": {"team": "orders"},
            "annotations": {"summary": "{{ $values.B.Value }} orders pending in {{ $labels.shop }}"}, **extra,
        }

    return [
        rule("orders-stuck", "Orders stuck", 'orders_pending{environment="%s"}' % ctx.env.label,
             {"type": "math", "expression": "$B > 100"}, **{"for": "1m", "keep_firing_for": "3m"}),
        rule("orders-over-limit", "Orders over limit",
             'orders_pending{environment="%s"} / on(environment) group_left orders_limit' % ctx.env.label,
             {"type": "threshold", "expression": "B",
              "conditions": [{"evaluator": {"type": "outside_range", "params": [0, 1]}}]}),
    ]
'''


def test_a_team_rule_with_math_keep_firing_for_and_query_errors(tmp_path):
    """End to end through the real Prometheus: a math condition, keep_firing_for (Recovering, state.go
    resultNormal), and a query that fails only at some evaluations (many-to-many matching) -> Error
    with the failed query's ref_id and datasource_uid as labels (state.go resultError)."""
    def edit(raw: dict[str, Any]) -> None:
        raw["alerts"]["modules"] = ["team_alerts.py"]
    config = project(tmp_path, edit)
    (tmp_path / "team_alerts.py").write_text(TEAM_MODULE, encoding="utf-8")
    test = tmp_path / "orders.yaml"
    test.write_text("""
tests:
  - name: orders
    env: prod
    input_series:
      - series: 'orders_pending{environment="prod", shop="eu"}'
        values: '50 150x4 50x6'
      - series: 'orders_limit{environment="prod", shop="eu"}'
        values: '100x10'
      - series: 'orders_limit{environment="prod", shop="us"}'
        values: '_x3 100x7'
    alert_rule_test:
      - eval_time: 1m
        rule: orders-stuck
        exp_alerts:
          - state: Pending
            exp_labels: {shop: eu, team: orders, environment: prod}
      - eval_time: 2m
        rule: orders-stuck
        exp_alerts:
          - exp_labels: {shop: eu}
            exp_annotations: {summary: 150 orders pending in eu}
            contact_point: shop-oncall
      - eval_time: 7m
        rule: orders-stuck
        exp_alerts:
          - state: Recovering
            exp_labels: {shop: eu}
            exp_annotations: {summary: 50 orders pending in eu}
            contact_point: shop-oncall
      - eval_time: 9m
        rule: orders-stuck
        exp_alerts:
          - state: Normal
            exp_labels: {shop: eu}
      - eval_time: 2m
        rule: orders-over-limit
        exp_alerts:
          - exp_labels: {shop: eu}
            exp_annotations: {summary: 1.5 orders pending in eu}
      - eval_time: 4m
        rule: orders-over-limit
        exp_alerts:
          - state: Error
            exp_labels: {ref_id: A, datasource_uid: prometheus, team: orders}
""", encoding="utf-8")
    report = run(load_project(config), paths=[test])
    assert [(o.rule, o.status, o.problems) for o in report.outcomes if o.status != "passed"] == []
    assert len(report.outcomes) == 6
