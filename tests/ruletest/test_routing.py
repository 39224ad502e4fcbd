"""The policy tree graf renders, as an Alertmanager config, routed by amtool (prometheus-alertmanager)."""

from __future__ import annotations

import shutil

import pytest
import yaml

from graf.ruletest.routing import Router, alertmanager_config, route

TREE = {
    "receiver": "default",
    "group_by": ["grafana_folder", "alertname"],
    "routes": [
        {"receiver": "db", "object_matchers": [["team", "=", "db"]], "continue": True,
         "routes": [{"receiver": "db-pager", "object_matchers": [["severity", "=~", "critical|page"]]}]},
        {"receiver": "web", "object_matchers": [["team", "!=", "ops"], ["env", "=", 'say "prod"']]},
    ],
}


def test_translation_keeps_matchers_continue_group_by_and_nesting():
    out = route(TREE)
    assert out["receiver"] == "default" and out["group_by"] == ["grafana_folder", "alertname"]
    assert out["routes"][0]["matchers"] == ['team="db"'] and out["routes"][0]["continue"] is True
    assert out["routes"][0]["routes"][0]["matchers"] == ['severity=~"critical|page"']
    assert out["routes"][1]["matchers"] == ['team!="ops"', 'env="say \\"prod\\""']
    config = yaml.safe_load(alertmanager_config(TREE, ["unused"]))
    assert [r["name"] for r in config["receivers"]] == ["db", "db-pager", "default", "unused", "web"]


@pytest.fixture
def amtool() -> str:
    path = shutil.which("amtool")
    if path is None:
        pytest.skip("amtool not installed (apt-get install prometheus-alertmanager)")
    return path


def test_amtool_routes_through_the_translated_tree(amtool):
    router = Router(TREE, [], amtool)
    try:
        assert router.receivers({"team": "db", "severity": "critical", "env": 'say "prod"'}) == ("db-pager", "web")
        assert router.receivers({"team": "db", "severity": "critical"}) == ("db-pager",)  # continue, no web
        assert router.receivers({"team": "db", "severity": "info", "env": "x"}) == ("db",)
        assert router.receivers({"team": "web", "env": 'say "prod"'}) == ("web",)
        assert router.receivers({"other": "x"}) == ("default",)
        # Grafana's internal labels never reach the Alertmanager.
        assert router.receivers({"__alert_rule_uid__": "x", "team": "web", "env": 'say "prod"'}) == ("web",)
    finally:
        router.close()


def test_no_policy_routes_nowhere():
    assert Router(None, []).receivers({"a": "b"}) == ()
