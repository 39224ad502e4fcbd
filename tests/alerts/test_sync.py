"""`graf sync` of the rendered rules, contact point and policy against the Grafana API test server.

The example graf.yaml, with both environments pointed at one test server (the shared-Grafana case).
Skips until graf sync and the test server (issue 5) are merged.
"""

from __future__ import annotations

import base64
import json
import urllib.request
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import pytest
import yaml

from tests.conftest import EXAMPLE
from tests.graf_main import Run, run_main
from tests.grafana_server import GrafanaServer

WEBHOOK = "https://hooks.example.com/services/T0/secret-token"


@pytest.fixture
def grafana() -> Iterator[GrafanaServer]:
    with GrafanaServer() as server:
        yield server


@pytest.fixture
def config(tmp_path: Path, grafana: GrafanaServer) -> Callable[..., Path]:
    """Write the example graf.yaml with every environment on the test server, after `edit(raw)`."""

    def write(edit: Callable[[dict[str, Any]], None] = lambda raw: None) -> Path:
        raw = yaml.safe_load(EXAMPLE.read_text(encoding="utf-8"))
        for env in raw["environments"].values():
            env["grafana"]["url"] = grafana.url
        edit(raw)
        path = tmp_path / "graf.yaml"
        path.write_text(yaml.safe_dump(raw, sort_keys=False), encoding="utf-8")
        return path

    write()
    return write


@pytest.fixture
def graf(config: Callable[..., Path], grafana: GrafanaServer, tmp_path: Path, monkeypatch: pytest.MonkeyPatch,
         capsys: pytest.CaptureFixture[str]) -> Callable[..., Run]:
    monkeypatch.setenv("GRAFANA_TOKEN", grafana.token)
    monkeypatch.setenv("ALERT_WEBHOOK_URL", WEBHOOK)

    def run(*args: str) -> Run:
        result = run_main(["--config", str(tmp_path / "graf.yaml"), *args], capsys)
        assert "secret-token" not in result.out + result.err
        return result

    return run


def rules_in(grafana: GrafanaServer, folder: str) -> dict[str, dict]:
    return {uid: rule for uid, rule in grafana.state.rules.items() if rule["folderUID"] == folder}


def routes(grafana: GrafanaServer) -> set[str]:
    return {route["object_matchers"][0][2] for route in grafana.state.policy.get("routes", [])}


def ui_edit(grafana: GrafanaServer, uid: str, change: Callable[[dict], None]) -> None:
    """What saving the rule in Grafana's UI does: PUT as a person, provenance none."""
    status, current = grafana.state.rule_get(uid)
    assert status == 200
    change(current)
    request = urllib.request.Request(
        f"{grafana.url}/api/v1/provisioning/alert-rules/{uid}", data=json.dumps(current).encode(), method="PUT",
        headers={"Authorization": "Basic " + base64.b64encode(b"alice:alice").decode(),
                 "Content-Type": "application/json", "X-Disable-Provenance": "true"})
    with urllib.request.urlopen(request, timeout=5) as response:
        assert response.status == 200


def test_sync_creates_rules_contact_point_and_policy_and_a_second_run_writes_nothing(graf, grafana):
    first = graf("sync", "--env", "prod")
    assert first.code == 0, first.out + first.err
    prod = rules_in(grafana, "shop-prod")
    assert len(prod) == 13
    assert all(r["provenance"] == "api" for r in prod.values())  # prod: locked in the UI
    assert {r["ruleGroup"] for r in prod.values()} == {"availability", "http", "jvm", "host", "logs", "log-shipping"}
    [point] = grafana.state.contact_points.values()
    assert point["name"] == "shop-oncall" and point["settings"]["url"] == WEBHOOK  # resolved at send time only
    assert routes(grafana) == {"dev", "prod"}

    second = graf("sync", "--env", "dev")
    assert second.code == 0, second.out + second.err
    dev = rules_in(grafana, "shop-dev")
    assert len(dev) == 12 + 13 and all(r["provenance"] == "" for r in dev.values())  # dev: editable in the UI
    assert len(rules_in(grafana, "shop-prod")) == 13
    assert len(grafana.state.contact_points) == 1 and routes(grafana) == {"dev", "prod"}

    grafana.reset_counts()
    for env in ("prod", "dev"):
        again = graf("sync", "--env", env)
        assert again.code == 0, again.out + again.err
    assert grafana.writes() == {}


def test_a_dev_rule_edited_in_the_ui_is_a_conflict_and_is_left_alone(graf, grafana):
    assert graf("sync", "--env", "dev").code == 0
    uid = "shop-dev-alert-http_5xx_ratio"
    ui_edit(grafana, uid, lambda rule: rule["labels"].update(severity="info"))
    grafana.reset_counts()
    run = graf("sync", "--env", "dev")
    assert run.code == 4, run.out + run.err
    assert uid in run.out
    assert grafana.state.rules[uid]["labels"]["severity"] == "info"
    assert grafana.writes() == {}
    forced = graf("sync", "--env", "dev", "--force")
    assert forced.code == 0, forced.out + forced.err
    assert grafana.state.rules[uid]["labels"]["severity"] == "critical"


def test_a_threshold_changed_in_graf_yaml_is_an_update_not_a_conflict(graf, grafana, config):
    assert graf("sync", "--env", "prod").code == 0
    config(lambda raw: raw["environments"]["prod"]["alerts"]["rules"].update(http_5xx_ratio={"threshold": 0.01}))
    grafana.reset_counts()
    run = graf("sync", "--env", "prod")
    assert run.code == 0, run.out + run.err
    rule = grafana.state.rules["shop-prod-alert-http_5xx_ratio"]
    threshold = next(q for q in rule["data"] if q["refId"] == "C")["model"]["conditions"][0]["evaluator"]
    assert threshold["params"] == [0.01]
    writes = grafana.writes()
    assert writes[("PUT", "/api/v1/provisioning/alert-rules/shop-prod-alert-http_5xx_ratio")] == 1
    # The dashboards colour the 5xx panels at the alert's threshold, so they follow; nothing else is written.
    assert {path for _, path in writes} == {"/api/v1/provisioning/alert-rules/shop-prod-alert-http_5xx_ratio",
                                            "/api/dashboards/db"}


def test_prune_deletes_only_graf_s_rules(graf, grafana, config):
    assert graf("sync", "--env", "prod").code == 0
    hand_made = {**grafana.state.rules["shop-prod-alert-host_cpu_busy"], "uid": "hand-made", "title": "Hand made",
                 "annotations": {"summary": "made in the UI"}}
    assert grafana.state.rule_write(None, hand_made, "")[0] == 201
    config(lambda raw: raw["environments"]["prod"]["alerts"]["rules"].update(jvm_gc_pause_share={"enabled": False}))
    kept = graf("sync", "--env", "prod")
    assert kept.code == 0 and "shop-prod-alert-jvm_gc_pause_share" in grafana.state.rules  # no --prune: kept
    run = graf("sync", "--env", "prod", "--prune")
    assert run.code == 0, run.out + run.err
    assert "shop-prod-alert-jvm_gc_pause_share" not in grafana.state.rules
    assert "hand-made" in grafana.state.rules
    assert len(rules_in(grafana, "shop-prod")) == 13  # 12 of graf's + the hand-made one
    assert len(grafana.state.contact_points) == 1 and routes(grafana) == {"dev", "prod"}


def test_prune_of_one_environment_keeps_the_other_environment_s_rules(graf, grafana, config):
    """dev and prod share one Grafana: pruning prod never touches what dev renders."""
    assert graf("sync", "--env", "dev").code == 0
    assert graf("sync", "--env", "prod").code == 0
    dev_dashboards = {uid for uid in grafana.state.dashboards if uid.startswith("shop-dev-")}
    assert dev_dashboards
    run = graf("sync", "--env", "prod", "--prune")
    assert run.code == 0, run.out + run.err
    assert "delete" not in run.out
    assert len(rules_in(grafana, "shop-dev")) == 12 + 13, run.out
    assert {uid for uid in grafana.state.dashboards if uid.startswith("shop-dev-")} == dev_dashboards


def test_export_keeps_the_contact_point_secret_a_placeholder(graf, grafana, tmp_path):
    assert graf("sync", "--env", "prod").code == 0
    assert grafana.state.contact_points["shop-cp-shop-oncall"]["settings"]["url"] == WEBHOOK
    run = graf("export", "--env", "prod", "--out", str(tmp_path / "exported"))
    assert run.code == 0, run.out + run.err
    files = {p.relative_to(tmp_path / "exported").as_posix(): p.read_text(encoding="utf-8")
             for p in (tmp_path / "exported").rglob("*.json")}
    assert any("contact-point" in name for name in files), sorted(files)
    assert not any("secret-token" in text for text in files.values())
    assert sum("alert-rule" in name for name in files) == 13


def test_shared_notifications_stay_writable_from_an_editable_and_a_locked_environment(graf, grafana, config):
    """dev (rules editable) and prod (rules locked) share the policy tree: it is written locked by both, so a
    change synced from dev after prod locked it is not refused (Grafana never unlocks a notification resource)."""
    assert graf("sync", "--env", "prod").code == 0
    assert grafana.state.policy["provenance"] == "api"
    config(lambda raw: raw["alerts"]["contact_point"].update(name="shop-pager"))
    run = graf("sync", "--env", "dev")
    assert run.code == 0, run.out + run.err
    assert grafana.state.policy["provenance"] == "api"
    assert grafana.state.policy["receiver"] == "shop-pager" or "shop-pager" in json.dumps(grafana.state.policy)


GROUPS = ("availability", "host", "http", "jvm", "logs", "log-shipping")


def group_intervals(grafana: GrafanaServer, folder: str) -> dict[str, int]:
    out = {}
    for group in GROUPS:
        status, body = grafana.state.rule_group_get(folder, group)
        assert status == 200, (folder, group)
        out[group] = body["interval"]
    return out


def group_puts(grafana: GrafanaServer) -> dict[str, int]:
    return {path.rsplit("/", 1)[1]: n for (method, path), n in grafana.writes().items()
            if method == "PUT" and "/rule-groups/" in path}


def test_alerts_interval_is_every_graf_rule_group_s_interval_and_a_second_sync_writes_nothing(graf, grafana, config):
    config(lambda raw: raw["environments"]["prod"]["alerts"].update(interval="30s"))
    run = graf("sync", "--env", "prod")
    assert run.code == 0, run.out + run.err
    assert group_intervals(grafana, "shop-prod") == dict.fromkeys(GROUPS, 30)
    assert group_puts(grafana) == dict.fromkeys(GROUPS, 1)
    # Each group's interval is set after the rules that create it.
    lines = run.out.splitlines()
    assert lines.index("update   alert-rule-group/shop-prod/http") > max(
        i for i, line in enumerate(lines) if line.startswith("create   alert-rule/"))
    grafana.reset_counts()
    again = graf("sync", "--env", "prod")
    assert again.code == 0, again.out + again.err
    assert grafana.writes() == {}
    assert "alert-rule-group" not in again.out


def test_interval_changed_in_graf_yaml_is_one_change_and_one_put_per_group(graf, grafana, config):
    assert graf("sync", "--env", "prod").code == 0
    assert group_intervals(grafana, "shop-prod") == dict.fromkeys(GROUPS, 60)
    config(lambda raw: raw["environments"]["prod"]["alerts"].update(interval="2m"))
    grafana.reset_counts()
    plan = graf("plan", "--env", "prod")
    assert plan.code == 3, plan.out + plan.err  # only intervals differ: still pending
    changes = [line for line in plan.out.splitlines()[:-1] if line.strip()]
    assert changes == [f"~ update    alert-rule-group/shop-prod/{group}  {group!r}: evaluation interval 60s → 120s"
                       for group in sorted(GROUPS)]
    assert plan.out.splitlines()[-1].startswith("plan prod: 6 to update, ")
    assert grafana.writes() == {}
    run = graf("sync", "--env", "prod")
    assert run.code == 0, run.out + run.err
    assert grafana.writes() == {("PUT", f"/api/v1/provisioning/folder/shop-prod/rule-groups/{group}"): 1
                                for group in GROUPS}
    assert group_intervals(grafana, "shop-prod") == dict.fromkeys(GROUPS, 120)
    assert all(rule["provenance"] == "api" for rule in rules_in(grafana, "shop-prod").values())
    assert graf("plan", "--env", "prod").code == 0


def test_default_interval_on_a_fresh_grafana_needs_no_interval_write(graf, grafana):
    run = graf("sync", "--env", "dev")
    assert run.code == 0, run.out + run.err
    assert group_puts(grafana) == {}
    assert group_intervals(grafana, "shop-dev") == dict.fromkeys(GROUPS, 60)


def test_an_interval_changed_in_grafana_is_set_back_and_dev_rules_stay_editable(graf, grafana):
    assert graf("sync", "--env", "dev").code == 0
    assert grafana.state.rule_group_put("shop-dev", "jvm", {"interval": 300}, "")[0] == 200
    grafana.reset_counts()
    run = graf("sync", "--env", "dev")
    assert run.code == 0, run.out + run.err
    assert run.out.splitlines()[0] == "update   alert-rule-group/shop-dev/jvm"
    assert group_puts(grafana) == {"jvm": 1}
    assert group_intervals(grafana, "shop-dev")["jvm"] == 60
    assert all(rule["provenance"] == "" for rule in rules_in(grafana, "shop-dev").values())  # X-Disable-Provenance


def test_a_group_shared_by_two_environments_that_disagree_is_skipped_not_flipped(graf, grafana, config):
    """dev and prod put their rules into one folder (so into the same groups) but want different intervals:
    whichever synced last would win, so neither writes the interval and the plan says why."""
    from graf.config import load_project
    from graf.target import Target

    def shared(raw: dict) -> None:
        raw["environments"]["dev"]["folder"] = dict(raw["environments"]["prod"]["folder"])
        raw["environments"]["prod"]["alerts"]["interval"] = "30s"

    path = config(shared)
    project = load_project(path)
    scope = Target(project, project.environment("prod")).scope
    assert {scope.group_intervals[("shop-prod", group)] for group in GROUPS} == {frozenset({60})}
    run = graf("sync", "--env", "prod")
    assert run.code == 0, run.out + run.err
    skipped = [line for line in run.out.splitlines() if line.startswith("s skipped   alert-rule-group/")]
    assert len(skipped) == len(GROUPS)
    assert "another environment on this Grafana renders rules into this group with 60s" in skipped[0]
    assert group_puts(grafana) == {}


def test_export_of_one_environment_leaves_out_the_other_s_resources(graf, grafana, tmp_path):
    """dev and prod share the Grafana: exporting prod writes prod's resources and the shared ones only."""
    assert graf("sync", "--env", "dev").code == 0
    assert graf("sync", "--env", "prod").code == 0
    run = graf("export", "--env", "prod", "--out", str(tmp_path / "exported"))
    assert run.code == 0, run.out + run.err
    names = sorted(p.name for p in (tmp_path / "exported" / "prod").rglob("*.json"))
    assert names and not [n for n in names if n.startswith("shop-dev-")]
    assert "shop-prod-jvm.json" in names and "prometheus.json" in names


def test_graf_records_which_project_pushed_each_resource(graf, grafana):
    assert graf("sync", "--env", "prod").code == 0
    assert grafana.state.dashboards["shop-prod-jvm"].data["graf"]["project"] == "shop"
    assert grafana.state.datasources["prometheus"].fields["jsonData"]["graf"]["project"] == "shop"
    rule = grafana.state.rules["shop-prod-alert-instance_down"]
    assert rule["annotations"]["graf"].startswith("sha256:")
    assert rule["annotations"]["graf"].endswith(" shop uid=shop-prod-alert-instance_down")  # bound to its uid
