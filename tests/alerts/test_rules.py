"""The rendered rules: shape Grafana accepts, settings from graf.yaml per environment, names from config."""

from __future__ import annotations

import re

import promql_parser
import pytest

from graf.config import ALERT_RULES
from graf.context import make_uid
from graf.errors import ConfigError
from graf.resources import canonical
from graf.units import parse_duration, prom_duration
from tests.alerts.conftest import rules
from tests.alerts.evaluate import query, step

ENVS = ("dev", "prod")
STATES_NO_DATA = {"Alerting", "NoData", "OK", "KeepLast"}
STATES_ERROR = {"Alerting", "Error", "OK", "KeepLast"}
UID = re.compile(r"^[A-Za-z0-9_-]{1,40}$")


def condition_value(rule):
    return step(rule, "C")["model"]["conditions"][0]["evaluator"]


@pytest.mark.parametrize("env", ENVS)
def test_every_rule_has_the_shape_grafana_accepts(example, env):
    environment = example.environment(env)
    for name, rule in rules(example, env).items():
        assert UID.match(rule["uid"]) and rule["uid"] == make_uid("shop", env, f"alert-{name}")
        assert rule["folderUID"] == environment.folder.uid
        assert 1 <= len(rule["title"]) <= 190 and 1 <= len(rule["ruleGroup"]) <= 190
        ref_ids = [q["refId"] for q in rule["data"]]
        assert len(set(ref_ids)) == len(ref_ids) and rule["condition"] in ref_ids
        for q in rule["data"]:
            assert q["model"]["refId"] == q["refId"]
            window = q["relativeTimeRange"]
            assert isinstance(window["from"], int) and isinstance(window["to"], int) and window["from"] >= window["to"]
        a = step(rule, "A")
        logical = "loki" if name == "log_errors" else "prometheus"
        assert a["datasourceUid"] == environment.datasources[logical].uid
        assert a["model"]["datasource"] == environment.datasources[logical].ref
        assert "$" not in a["model"]["expr"], "alert rules cannot use template variables"
        assert step(rule, "B")["datasourceUid"] == step(rule, "C")["datasourceUid"] == "__expr__"
        assert rule["noDataState"] in STATES_NO_DATA and rule["execErrState"] in STATES_ERROR
        assert parse_duration(rule["for"]) > 0 and prom_duration(rule["for"]) == rule["for"]
        assert rule["labels"] == {"severity": rule["labels"]["severity"], "environment": environment.label}
        assert rule["labels"]["severity"] in ("critical", "warning", "info")
        assert rule["isPaused"] is False


@pytest.mark.parametrize("env", ENVS)
def test_annotations_say_what_where_and_how_much(example, env):
    for name, rule in rules(example, env).items():
        notes = rule["annotations"]
        assert set(notes) == {"summary", "description", "runbook_url"}
        assert "$values.B.Value" in notes["description"], name
        for text in (notes["summary"], notes["description"]):
            assert re.search(r"\$labels\.(instance|host)", text), (name, text)
            assert "{threshold}" not in text and "{for_}" not in text and "{instance}" not in text
        assert re.search(rf"[(, ]{env}\)", notes["description"]), name
        assert notes["runbook_url"] == f"https://wiki.example.com/runbooks/{name}"


def test_every_builtin_rule_is_rendered_in_prod_and_graf_yaml_knows_each_name(example):
    assert sorted(rules(example, "prod")) == sorted(ALERT_RULES)


def test_thresholds_for_and_severity_come_from_graf_yaml_per_environment(example):
    dev, prod = rules(example, "dev"), rules(example, "prod")
    assert condition_value(prod["http_5xx_ratio"]) == {"type": "gt", "params": [0.02]}
    assert condition_value(dev["http_5xx_ratio"]) == {"type": "gt", "params": [0.1]}
    assert "above 2% for 5m" in prod["http_5xx_ratio"]["annotations"]["description"]
    assert "above 10% for 5m" in dev["http_5xx_ratio"]["annotations"]["description"]
    assert (dev["instance_down"]["for"], dev["instance_down"]["labels"]["severity"]) == ("5m", "warning")
    assert (prod["instance_down"]["for"], prod["instance_down"]["labels"]["severity"]) == ("2m", "critical")
    assert dev["log_errors"]["labels"]["severity"] == "info"
    assert "host_disk_full_soon" not in dev and "host_disk_full_soon" in prod


def test_prod_is_at_least_as_strict_as_dev(example):
    dev, prod = rules(example, "dev"), rules(example, "prod")
    stricter = 0
    for name in dev.keys() & prod.keys():
        d, p = condition_value(dev[name]), condition_value(prod[name])
        assert d["type"] == p["type"]
        if d["type"] == "gt":
            assert p["params"][0] <= d["params"][0], name
        else:
            assert p["params"][0] >= d["params"][0], name
        assert parse_duration(prod[name]["for"]) <= parse_duration(dev[name]["for"]), name
        stricter += d != p or dev[name]["for"] != prod[name]["for"]
    assert stricter >= 4


def test_rendering_is_deterministic(example):
    first = {n: canonical("alert-rule", b) for n, b in rules(example, "prod").items()}
    assert first == {n: canonical("alert-rule", b) for n, b in rules(example, "prod").items()}


def test_promql_of_every_rule_parses(example):
    for env in ENVS:
        for name, rule in rules(example, env).items():
            if name != "log_errors":
                promql_parser.parse(query(rule))


def test_filesystem_forecast_horizon_is_the_threshold(variant):
    project = variant(lambda raw: raw["environments"]["prod"]["alerts"]["rules"].update(
        host_disk_full_soon={"threshold": 12}))
    rule = rules(project, "prod")["host_disk_full_soon"]
    assert "[6h], 43200)" in query(rule)
    assert condition_value(rule) == {"type": "lt", "params": [0]}
    assert "within 12 h" in rule["annotations"]["summary"]


def test_label_and_job_names_come_from_graf_yaml(variant):
    def edit(raw):
        raw["labels"].update(environment="env", instance="target", application="app", service="svc", level="lvl")
        raw["jobs"].update(node="node-exporter", app="shop", logs="shop-logs")

    r = rules(variant(edit), "prod")
    assert query(r["instance_down"]) == 'up{env="prod", job=~"node-exporter|shop"}'
    assert 'job="node-exporter"' in query(r["host_cpu_busy"]) and "avg by (target)" in query(r["host_cpu_busy"])
    assert "sum by (app, target)" in query(r["jvm_heap_used"])
    assert query(r["log_errors"]).startswith('sum by (svc, host) (rate({env="prod", job="shop-logs", lvl=~')
    assert r["jvm_heap_used"]["labels"] == {"severity": "warning", "env": "prod"}
    assert "{{ $labels.target }}" in r["instance_down"]["annotations"]["summary"]


def test_app_rules_need_apps_and_p99_needs_the_histogram(variant):
    no_histogram = rules(variant(lambda raw: raw["apps"]["shop-api"].update(percentiles_histogram=False)), "prod")
    assert "http_p99_latency" not in no_histogram and "http_5xx_ratio" in no_histogram

    def no_apps(raw):
        del raw["apps"]
        for env in raw["environments"].values():
            for server in env.get("servers", []):
                server.pop("apps", None)

    names = set(rules(variant(no_apps), "prod"))
    assert names == {"instance_down", "host_cpu_busy", "host_memory_low", "host_disk_full_soon",
                     "host_disk_almost_full", "log_errors"}


def test_instance_down_alerts_on_no_data_only_when_there_is_something_to_scrape(example, variant):
    assert rules(example, "prod")["instance_down"]["noDataState"] == "Alerting"
    empty = variant(lambda raw: raw["environments"]["prod"].pop("servers"))
    assert rules(empty, "prod")["instance_down"]["noDataState"] == "OK"


def test_no_runbook_annotation_without_runbook_url(variant):
    project = variant(lambda raw: raw["alerts"].pop("runbook_url"))
    assert all("runbook_url" not in r["annotations"] for r in rules(project, "prod").values())


def test_unknown_rule_name_is_one_config_error_with_a_suggestion(variant):
    with pytest.raises(ConfigError) as caught:
        variant(lambda raw: raw["environments"]["prod"]["alerts"]["rules"].update(jvm_heap_usd={"threshold": 1}))
    assert caught.value.path == "graf.yaml: environments.prod.alerts.rules"
    assert "did you mean 'jvm_heap_used'" in caught.value.message


@pytest.mark.parametrize(("where", "interval"), [("top", "45s"), ("prod", "0s"), ("prod", "15s")])
def test_interval_must_be_a_multiple_of_ten_seconds(variant, where, interval):
    def edit(raw):
        target = raw["alerts"] if where == "top" else raw["environments"]["prod"]["alerts"]
        target["interval"] = interval

    with pytest.raises(ConfigError) as caught:
        variant(edit)
    expected = "graf.yaml: alerts.interval" if where == "top" else "graf.yaml: environments.prod.alerts.interval"
    assert caught.value.path == expected and "multiple of 10s" in caught.value.message


def test_bad_for_is_a_config_error(variant):
    with pytest.raises(ConfigError) as caught:
        variant(lambda raw: raw["environments"]["dev"]["alerts"]["rules"].update(host_cpu_busy={"for": "ten"}))
    assert caught.value.path == "graf.yaml: environments.dev.alerts.rules.host_cpu_busy.for"


def test_dashboards_colour_panels_at_the_alert_rules_default_thresholds(example):
    from graf.alerts import http
    from graf.context import RenderContext
    from graf.dashboards import latency

    defaults = {s.name: s.threshold for s in http.specs(RenderContext(example, example.environment("prod")))}
    assert defaults["http_5xx_ratio"] == latency.DEFAULT_5XX_THRESHOLD
    assert defaults["http_p99_latency"] == latency.DEFAULT_P99_THRESHOLD
