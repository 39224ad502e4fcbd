"""Alert rules, contact points and the notification policy sync with the same plan / conflict / prune rules.

Desired resources are built here by hand (the alert renderer is another module's job), then planned
and applied through the library against the test server, which re-encodes alerting reads (§6).
"""

from __future__ import annotations

import base64
import json
import urllib.request
from collections.abc import Iterator

import pytest

from graf.errors import ConfigError
from graf.grafana.apply import apply
from graf.grafana.client import Credentials, Grafana
from graf.grafana.live import read_plan
from graf.grafana.secrets import resolve_secrets
from graf.resources import Resource
from tests.grafana_server import ADMIN_TOKEN, GrafanaServer


def rule(threshold: float = 0.05, duration: str = "300s") -> Resource:
    body = {
        "uid": "shop-prod-http-5xx", "title": "HTTP 5xx ratio", "folderUID": "shop-prod", "ruleGroup": "shop-prod",
        "condition": "C", "noDataState": "OK", "execErrState": "Error", "for": duration,
        "annotations": {"summary": "5xx ratio above threshold"}, "labels": {"severity": "critical"},
        "data": [
            {"refId": "A", "relativeTimeRange": {"from": 300, "to": 0}, "datasourceUid": "prometheus",
             "model": {"refId": "A", "expr": "sum(rate(http_server_requests_seconds_count{status=~\"5..\"}[5m]))"}},
            {"refId": "C", "datasourceUid": "__expr__",
             "model": {"refId": "C", "type": "threshold", "expression": "A",
                       "conditions": [{"evaluator": {"type": "gt", "params": [threshold]}}]}},
        ],
    }
    return Resource("alert-rule", body["uid"], body, folder="shop-prod").normalised()


CONTACT = Resource("contact-point", "shop-oncall", {
    "uid": "shop-oncall", "name": "shop-oncall", "type": "webhook",
    "settings": {"url": "${ALERT_WEBHOOK_URL}", "httpMethod": "POST"}}).normalised()
POLICY = Resource("policy", "policy", {
    "receiver": "shop-oncall", "group_by": ["alertname", "environment"], "group_wait": "30s",
    "repeat_interval": "240m"}).normalised()
FOLDER = Resource("folder", "shop-prod", {"uid": "shop-prod", "title": "Shop prod"})


@pytest.fixture
def server() -> Iterator[GrafanaServer]:
    with GrafanaServer() as g:
        yield g


def client(server: GrafanaServer, *, editable: bool = False) -> Grafana:
    return Grafana(server.url, Credentials(token=ADMIN_TOKEN), backoff=0.01, disable_provenance=editable)


def sync(api: Grafana, desired: list[Resource], *, force: bool = False, prune: bool = False,
         environ: dict | None = None, interval: int | None = None):
    plan = read_plan(api, desired, force=force, prune=prune, interval=interval)
    env = _env()
    secrets = resolve_secrets(env, [c.desired for c in plan.writes if c.desired], environ or
                              {"ALERT_WEBHOOK_URL": "https://hooks.example.com/T0"})
    return plan, apply(api, plan, secrets, force=force)


def _env():
    from graf.config import Alerts, Environment, Folder, GrafanaTarget

    return Environment("prod", "prod", GrafanaTarget("http://x"), Folder("shop-prod", "Shop prod"), {}, alerts=Alerts())


def test_alerting_resources_sync_and_the_second_run_writes_nothing(server: GrafanaServer) -> None:
    api = client(server)
    desired = [FOLDER, rule(), CONTACT, POLICY]
    plan, result = sync(api, desired)
    assert [c.action for c in plan.changes] == ["create", "create", "create", "update"]
    assert not result.failed
    stored = server.state.rules["shop-prod-http-5xx"]
    assert stored["provenance"] == "api"
    assert stored["annotations"]["graf"].startswith("sha256:")
    assert server.state.contact_points["shop-oncall"]["settings"]["url"] == "https://hooks.example.com/T0"
    # The server re-encodes reads ("300s" -> "5m", isPaused/keep_firing_for filled in): still unchanged.
    assert server.state.rule_get("shop-prod-http-5xx")[1]["for"] == "5m"
    server.reset_counts()
    plan, result = sync(api, desired)
    assert [c.action for c in plan.changes] == ["unchanged"] * 4
    assert server.writes() == {}


def test_editable_in_ui_sends_x_disable_provenance(server: GrafanaServer) -> None:
    sync(client(server, editable=True), [FOLDER, rule()])
    assert server.state.rules["shop-prod-http-5xx"]["provenance"] == ""


def _ui_edit_rule(server: GrafanaServer) -> None:
    current = server.state.rule_get("shop-prod-http-5xx")[1]
    current["labels"] = {"severity": "warning"}
    request = urllib.request.Request(
        f"{server.url}/api/v1/provisioning/alert-rules/shop-prod-http-5xx", data=json.dumps(current).encode(),
        method="PUT", headers={"Authorization": "Basic " + base64.b64encode(b"alice:alice").decode(),
                               "Content-Type": "application/json", "X-Disable-Provenance": "true"})
    with urllib.request.urlopen(request, timeout=5) as response:
        assert response.status == 200


def test_rule_edited_in_the_ui_is_a_conflict_and_force_overwrites(server: GrafanaServer) -> None:
    api = client(server, editable=True)
    sync(api, [FOLDER, rule()])
    _ui_edit_rule(server)
    server.reset_counts()
    plan, _ = sync(api, [FOLDER, rule(threshold=0.1)])
    [conflict] = plan.conflicts
    assert conflict.name == "alert-rule/shop-prod-http-5xx" and "edited in Grafana" in conflict.reason
    assert server.writes() == {}
    plan, result = sync(api, [FOLDER, rule(threshold=0.1)], force=True)
    assert not result.failed
    assert server.state.rules["shop-prod-http-5xx"]["labels"] == {"severity": "critical"}


def test_file_provisioned_rule_is_skipped(server: GrafanaServer) -> None:
    api = client(server)
    sync(api, [FOLDER])
    server.state.rule_write(None, rule().body, "file")
    plan, _ = sync(api, [FOLDER, rule(threshold=0.2)], force=True)
    assert [c.action for c in plan.changes] == ["unchanged", "skipped"]
    assert server.writes() == {("POST", "/api/folders"): 1}


def test_prune_deletes_graf_s_rule_but_not_others(server: GrafanaServer) -> None:
    api = client(server)
    sync(api, [FOLDER, rule()])
    other = {**rule().body, "uid": "hand-made", "title": "Hand made"}
    server.state.rule_write(None, other, "")
    plan, result = sync(api, [FOLDER], prune=True)
    assert not result.failed
    assert [(c.action, c.uid) for c in plan.writes] == [("delete", "shop-prod-http-5xx")]
    assert set(server.state.rules) == {"hand-made"}


def test_missing_contact_point_secret_fails_before_any_write(server: GrafanaServer) -> None:
    api = client(server)
    plan = read_plan(api, [FOLDER, CONTACT])
    with pytest.raises(ConfigError, match="ALERT_WEBHOOK_URL"):
        resolve_secrets(_env(), [c.desired for c in plan.writes if c.desired], {})
    assert server.writes() == {}


GROUP_PATH = "/api/v1/provisioning/folder/shop-prod/rule-groups/shop-prod"


def test_interval_change_is_one_planned_change_and_one_put_after_the_rule(server: GrafanaServer) -> None:
    api = client(server)
    sync(api, [FOLDER, rule()], interval=60)
    assert server.state.rule_group_get("shop-prod", "shop-prod")[1]["interval"] == 60
    server.reset_counts()
    plan, result = sync(api, [FOLDER, rule()], interval=120)
    assert [(c.action, c.name, c.reason) for c in plan.writes] == [
        ("update", "alert-rule-group/shop-prod/shop-prod", "evaluation interval 60s → 120s")]
    assert [o.status for o in result.outcomes] == ["applied"]
    assert server.writes() == {("PUT", GROUP_PATH): 1}
    assert server.state.rule_group_get("shop-prod", "shop-prod")[1]["interval"] == 120
    assert server.state.rules["shop-prod-http-5xx"]["provenance"] == "api"
    server.reset_counts()
    plan, _ = sync(api, [FOLDER, rule()], interval=120)
    assert [c.action for c in plan.changes] == ["unchanged", "unchanged"]
    assert server.writes() == {}


def test_new_rule_then_its_group_s_interval_in_one_sync(server: GrafanaServer) -> None:
    plan, result = sync(client(server), [FOLDER, rule()], interval=30)
    assert [c.kind for c in plan.writes] == ["folder", "alert-rule", "alert-rule-group"]
    assert [o.change.kind for o in result.outcomes] == ["folder", "alert-rule", "alert-rule-group"]
    assert not result.failed
    assert server.state.rule_group_get("shop-prod", "shop-prod")[1]["interval"] == 30


def test_group_put_of_an_editable_environment_keeps_its_rules_editable(server: GrafanaServer) -> None:
    api = client(server, editable=True)
    sync(api, [FOLDER, rule()], interval=30)
    assert server.state.rule_group_get("shop-prod", "shop-prod")[1]["interval"] == 30
    # Sent without X-Disable-Provenance, the group PUT would store provenance "api" and lock the rule.
    assert server.state.rules["shop-prod-http-5xx"]["provenance"] == ""


def test_group_is_not_attempted_when_its_rule_failed(server: GrafanaServer) -> None:
    api = client(server)
    server.fail("POST", "/api/v1/provisioning/alert-rules", status=400)
    plan, result = sync(api, [FOLDER, rule()], interval=30)
    assert [c.action for c in plan.writes] == ["create", "create", "update"]
    assert [(o.change.kind, o.status) for o in result.outcomes] == [
        ("folder", "applied"), ("alert-rule", "failed"), ("alert-rule-group", "not attempted")]
    assert result.outcomes[-1].error == "a rule of the group failed"
    assert ("PUT", GROUP_PATH) not in server.writes()
    _, result = sync(api, [FOLDER, rule()], interval=30)  # the next run converges
    assert not result.failed
    assert server.state.rule_group_get("shop-prod", "shop-prod")[1]["interval"] == 30


def test_refused_interval_is_one_clear_failure(server: GrafanaServer) -> None:
    api = client(server)
    sync(api, [FOLDER, rule()], interval=60)
    # config.py never lets 45s through; a Grafana with another scheduler tick would refuse like this.
    _, result = sync(api, [FOLDER, rule()], interval=45)
    [failed] = result.failed
    assert failed.line == ("update   alert-rule-group/shop-prod/shop-prod  FAILED: alert-rule-group/shop-prod/"
                           "shop-prod: Grafana refused the evaluation interval (400: invalid alert rule: interval "
                           "(45s) should be non-zero and divided exactly by scheduler interval: 10s) (set "
                           "alerts.interval in graf.yaml to a multiple of that scheduler interval)")
