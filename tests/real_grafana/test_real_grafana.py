"""The sync scenarios against a real Grafana (skipped unless GRAFANA_URL and credentials are set).

Each test works in its own folder with its own datasource uids and names, and removes them after.
Request counts are not visible here, so "zero writes" is checked through the dashboards' versions.
"""

from __future__ import annotations

import contextlib
import json
import secrets
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from pathlib import Path

import pytest

from graf.errors import GrafError
from graf.grafana.client import Grafana
from tests.graf_main import Run, run_main
from tests.real_grafana.conftest import real_grafana_env

pytestmark = pytest.mark.real_grafana


@dataclass
class Real:
    root: Path
    tag: str
    run: Callable[..., Run]
    api: Grafana

    def dashboard(self, name: str) -> str:
        return f"{self.tag}-{name}"

    def add(self, name: str, title: str, expr: str = "up") -> None:
        body = {"uid": self.dashboard(name), "title": f"{self.tag} {title}", "schemaVersion": 39,
                "panels": [{"id": 1, "type": "timeseries", "title": "Up", "gridPos": {"h": 8, "w": 12, "x": 0, "y": 0},
                            "targets": [{"refId": "A", "expr": expr}]}]}
        (self.root / "dashboards" / f"{name}.json").write_text(json.dumps(body), encoding="utf-8")

    def live(self, name: str) -> dict:
        return self.api.get(f"/dashboards/uid/{self.dashboard(name)}", what="test")


@pytest.fixture
def real(tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]) -> Iterator[Real]:
    from graf.config import load_project
    from graf.grafana.client import connect

    for name, value in real_grafana_env().items():
        monkeypatch.setenv(name, value)
    tag = f"graf-it-{secrets.token_hex(3)}"
    (tmp_path / "dashboards").mkdir()
    datasources = "\n".join(f"      {ds}: {{uid: {tag}-{ds}, name: \"{tag} {ds}\"}}"
                            for ds in ("prometheus", "loki", "tempo"))
    (tmp_path / "graf.yaml").write_text(f"""\
version: 1
name: it
dashboards: {{builtin: [], files: ["dashboards/*.json"]}}
environments:
  prod:
    grafana: {{url: "http://127.0.0.1:3000"}}
    folder: {{uid: {tag}, title: "{tag}"}}
    datasources:
{datasources}
""", encoding="utf-8")

    def run(*args: str) -> Run:
        return run_main(["--config", str(tmp_path / "graf.yaml"), *args], capsys)

    env = load_project(tmp_path / "graf.yaml").environment("prod")
    api = connect(env)
    real = Real(tmp_path, tag, run, api)
    real.add("api", "API")
    real.add("jvm", "JVM")
    try:
        yield real
    finally:
        # Cleanup after a test that may have failed half-way: what is already gone is fine.
        for ds in ("prometheus", "loki", "tempo"):
            with contextlib.suppress(GrafError):
                api.delete(f"/datasources/uid/{tag}-{ds}", what="cleanup")
        with contextlib.suppress(GrafError):
            api.delete(f"/folders/{tag}", what="cleanup")  # takes its dashboards with it
        api.close()


def test_sync_twice_second_changes_nothing(real: Real) -> None:
    assert real.run("sync", "--env", "prod").code == 0
    version = real.live("jvm")["meta"]["version"]
    run = real.run("sync", "--env", "prod")
    assert run.code == 0 and run.out.splitlines()[-1] == "sync prod: 0 applied, 6 unchanged"
    assert real.live("jvm")["meta"]["version"] == version
    assert real.run("plan", "--env", "prod").code == 0


def test_edit_outside_graf_is_a_conflict_and_force_overwrites(real: Real) -> None:
    real.run("sync", "--env", "prod")
    loaded = real.live("jvm")
    dashboard = {**loaded["dashboard"], "title": f"{real.tag} edited"}
    real.api.post("/dashboards/db", {"dashboard": dashboard, "folderUid": real.tag, "overwrite": False},
                  what="ui-save")
    run = real.run("sync", "--env", "prod")
    assert run.code == 4
    assert any(real.dashboard("jvm") in line and "edited in Grafana by" in line for line in run.out.splitlines())
    assert real.live("jvm")["dashboard"]["title"] == f"{real.tag} edited"
    assert real.run("sync", "--env", "prod", "--force").code == 0
    assert real.live("jvm")["dashboard"]["title"] == f"{real.tag} JVM"


def test_prune_deletes_only_graf_managed(real: Real) -> None:
    real.run("sync", "--env", "prod")
    real.api.post("/dashboards/db", {"dashboard": {"uid": real.dashboard("hand"), "title": f"{real.tag} hand"},
                                     "folderUid": real.tag}, what="hand-made")
    (real.root / "dashboards" / "api.json").unlink()
    run = real.run("sync", "--env", "prod", "--prune")
    assert run.code == 0 and f"delete   dashboard/{real.dashboard('api')}" in run.out
    assert real.api.get(f"/dashboards/uid/{real.dashboard('api')}", what="t", missing_ok=True) is None
    assert real.live("hand")["dashboard"]["title"] == f"{real.tag} hand"


def test_sync_then_export_equals_build_and_export_then_sync_is_a_no_op(real: Real, tmp_path: Path) -> None:
    real.run("sync", "--env", "prod")
    real.run("build", "--env", "prod", "--out", str(tmp_path / "build"))
    assert real.run("export", "--env", "prod", "--out", str(tmp_path / "export")).code == 0
    built = {p.relative_to(tmp_path / "build"): p.read_text() for p in (tmp_path / "build").rglob("*.json")}
    exported = {p.relative_to(tmp_path / "export"): p.read_text() for p in (tmp_path / "export").rglob("*.json")}
    assert exported == built
    run = real.run("sync", "--env", "prod")
    assert run.code == 0 and "0 applied" in run.out


def test_bad_token_is_one_line(real: Real, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("GRAFANA_TOKEN", "glsa_not_a_token")
    run = real.run("plan", "--env", "prod")
    assert run.code == 1
    assert len(run.err.strip().splitlines()) == 1 and "401" in run.err


def test_alert_rule_and_contact_point_round_trip_through_grafana_s_re_encoding(real: Real) -> None:
    """Grafana re-encodes alerting reads (§6): after one sync, the plan must say unchanged."""
    from graf.grafana.apply import apply
    from graf.grafana.live import read_plan
    from graf.resources import Resource

    real.run("sync", "--env", "prod", "--only", "folder")
    rule = Resource("alert-rule", f"{real.tag}-rule", {
        "uid": f"{real.tag}-rule", "title": f"{real.tag} rule", "folderUID": real.tag, "ruleGroup": real.tag,
        "condition": "B", "noDataState": "OK", "execErrState": "Error", "for": "300s",
        "annotations": {"summary": "test"}, "labels": {"severity": "info"},
        "data": [
            {"refId": "A", "datasourceUid": "__expr__", "model": {"refId": "A", "type": "math", "expression": "1"}},
            {"refId": "B", "datasourceUid": "__expr__",
             "model": {"refId": "B", "type": "threshold", "expression": "A",
                       "conditions": [{"evaluator": {"type": "gt", "params": [2]}}]}},
        ]}, folder=real.tag).normalised()
    point = Resource("contact-point", f"{real.tag}-cp", {
        "uid": f"{real.tag}-cp", "name": f"{real.tag} cp", "type": "webhook",
        "settings": {"url": "http://127.0.0.1:9/hook", "httpMethod": "POST"}}).normalised()
    api = real.api
    try:
        first = read_plan(api, [rule, point])
        assert [c.action for c in first.changes] == ["create", "create"]
        assert not apply(api, first, {}).failed
        second = read_plan(api, [rule, point])
        assert [(c.action, c.reason) for c in second.changes] == [("unchanged", "same as code")] * 2
        # alerts.interval: an interval-only PUT of the rule's group, then nothing to do.
        third = read_plan(api, [rule], interval=30)
        [group] = third.writes
        assert (group.kind, group.action) == ("alert-rule-group", "update") and group.reason.endswith("→ 30s")
        assert not apply(api, third, {}).failed
        assert api.get(f"/v1/provisioning/folder/{real.tag}/rule-groups/{real.tag}", what="group")["interval"] == 30
        assert [c.action for c in read_plan(api, [rule], interval=30).changes] == ["unchanged"]
    finally:
        with contextlib.suppress(GrafError):
            api.delete(f"/v1/provisioning/alert-rules/{real.tag}-rule", what="cleanup")
        with contextlib.suppress(GrafError):
            api.delete(f"/v1/provisioning/contact-points/{real.tag}-cp", what="cleanup")
