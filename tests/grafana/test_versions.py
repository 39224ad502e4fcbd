"""The sync, export, diff and UI-edit scenarios against every Grafana line the test server plays.

11.6 speaks only the legacy `/api`; 12.4 and 13.1 serve the `/apis` resources, which graf picks for
dashboards and folders (grafana-13-api.md §4.1). On 13.x a UI save stores a dashboard as schema v2
(§3.3) and drops graf's record (§3.4): graf reports it, exports it as stored, and replaces it only
with `--force-v2`.
"""

from __future__ import annotations

import json
from collections.abc import Callable, Iterator
from pathlib import Path

import pytest

from tests.grafana.conftest import Project, Run
from tests.grafana_server import VERSIONS, GrafanaServer

APIS = "/apis/dashboard.grafana.app"


@pytest.fixture(params=VERSIONS)
def grafana(request: pytest.FixtureRequest) -> Iterator[GrafanaServer]:
    with GrafanaServer(version=request.param) as server:
        yield server


def speaks_apis(grafana: GrafanaServer) -> bool:
    return grafana.state.version.has_apis


def test_first_sync_then_plan_and_sync_are_clean(graf: Callable[..., Run], grafana: GrafanaServer) -> None:
    run = graf("sync", "--env", "prod")
    assert run.code == 0 and run.lines[-1] == "sync prod: 6 applied", run.out
    grafana.reset_counts()
    assert graf("plan", "--env", "prod").lines == ["plan prod: 6 unchanged"]
    assert graf("sync", "--env", "prod").lines == ["sync prod: 0 applied, 6 unchanged"]
    assert grafana.writes() == {}
    dashboards_via = {path for (_, path) in grafana.requests if "dashboard" in path and "health" not in path}
    if speaks_apis(grafana):
        assert dashboards_via and all(p.startswith(APIS) for p in dashboards_via)
    else:
        assert all(p.startswith("/api/dashboards/") for p in dashboards_via)


def test_graf_marks_what_it_manages_where_the_server_has_a_place_for_it(graf: Callable[..., Run],
                                                                       grafana: GrafanaServer) -> None:
    graf("sync", "--env", "prod")
    dash = grafana.state.dashboards["shop-prod-api"]
    if speaks_apis(grafana):
        assert dash.annotations["grafana.app/managedBy"] == "kubectl"
        assert dash.annotations["grafana.app/managerId"] == "graf"
        assert dash.annotations["grafana.app/managerAllowsEdits"] == "true"  # the team can still save in the UI
        assert dash.annotations["grafana.app/folder"] == "shop-prod"
    assert dash.data["graf"]["hash"].startswith("sha256:")


def test_code_change_updates_that_dashboard_only(graf: Callable[..., Run], grafana: GrafanaServer,
                                                 project: Project) -> None:
    graf("sync", "--env", "prod")
    project.add("shop-prod-jvm", "JVM", expr="sum(up)")
    grafana.reset_counts()
    run = graf("sync", "--env", "prod")
    assert run.lines == ["update   dashboard/shop-prod-jvm", "sync prod: 1 applied, 5 unchanged"]
    assert sum(grafana.writes().values()) == 1
    assert graf("plan", "--env", "prod").lines == ["plan prod: 6 unchanged"]


def _retitle(spec: dict) -> None:
    spec["title"] = "API (edited)"


def test_ui_edit_is_a_conflict_and_force_is_not_enough_for_a_v2_dashboard(graf: Callable[..., Run],
                                                                         grafana: GrafanaServer,
                                                                         project: Project) -> None:
    graf("sync", "--env", "prod")
    grafana.ui_save("shop-prod-api", _retitle, user="alice")
    project.add("shop-prod-api", "API", expr="sum(up)")
    run = graf("sync", "--env", "prod")
    assert run.code == 4
    [line] = [line for line in run.lines if line.startswith("! conflict")]
    assert "dashboard/shop-prod-api" in line and "alice" in line
    stored_v2 = grafana.state.dashboards["shop-prod-api"].v2 is not None
    if stored_v2:
        assert "schema v2" in line and "--force-v2" in line
        run = graf("sync", "--env", "prod", "--force")
        assert run.code == 4, "--force alone must not replace a v2 dashboard"
        assert grafana.state.dashboards["shop-prod-api"].v2 is not None
        run = graf("sync", "--env", "prod", "--force-v2")
        assert run.code == 0 and "update   dashboard/shop-prod-api" in run.lines
        assert grafana.state.dashboards["shop-prod-api"].v2 is None
    else:
        assert graf("sync", "--env", "prod", "--force").code == 0
    assert graf("plan", "--env", "prod").lines == ["plan prod: 6 unchanged"]


def test_export_keeps_a_ui_edit_faithfully(graf: Callable[..., Run], grafana: GrafanaServer,
                                           project: Project, tmp_path: Path) -> None:
    graf("sync", "--env", "prod")
    grafana.ui_save("shop-prod-api", _retitle, user="alice")
    out = tmp_path / "export"
    run = graf("export", "--env", "prod", "--uid", "shop-prod-api", "--out", str(out))
    assert run.code == 0, run.err
    exported = json.loads((out / "prod" / "dashboard" / "shop-prod-api.json").read_text(encoding="utf-8"))
    if grafana.state.dashboards["shop-prod-api"].v2 is not None:
        # As stored: the v2 object itself, not the lossy classic copy a legacy GET would give.
        assert exported["apiVersion"] == f"dashboard.grafana.app/{grafana.state.version.dashboard_v2}"
        assert exported["kind"] == "Dashboard" and exported["metadata"]["name"] == "shop-prod-api"
        assert exported["spec"] == grafana.state.dashboards["shop-prod-api"].v2
    else:
        assert exported["title"] == "API (edited)" and "graf" not in exported


def test_diff_against_live_shows_the_ui_edit(graf: Callable[..., Run], grafana: GrafanaServer) -> None:
    graf("sync", "--env", "prod")
    assert graf("diff", "--env", "prod").code == 0
    grafana.ui_save("shop-prod-api", _retitle, user="alice")
    run = graf("diff", "--env", "prod")
    assert run.code == 3
    assert "shop-prod-api" in run.out


def test_a_save_between_plan_and_write_is_refused_not_overwritten(graf: Callable[..., Run],
                                                                   grafana: GrafanaServer,
                                                                   project: Project) -> None:
    graf("sync", "--env", "prod")
    project.add("shop-prod-api", "API", expr="sum(up)")
    write = (f"{APIS}/{grafana.state.version.dashboard_classic}/namespaces/default/dashboards/shop-prod-api"
             if speaks_apis(grafana) else "/api/dashboards/db")
    method = "PUT" if speaks_apis(grafana) else "POST"
    grafana.before(method, write, lambda: grafana.ui_save("shop-prod-api", _retitle, user="alice", as_v2=False))
    run = graf("sync", "--env", "prod")
    assert run.code == 1
    [failed] = [line for line in run.lines if "FAILED" in line]
    assert "dashboard/shop-prod-api" in failed and "changed in Grafana by someone else" in failed
    assert grafana.state.dashboards["shop-prod-api"].data["title"] == "API (edited)"  # bob's save survives


def test_prune_deletes_only_what_graf_pushed(graf: Callable[..., Run], grafana: GrafanaServer,
                                             project: Project) -> None:
    graf("sync", "--env", "prod")
    grafana.state.dashboard_save({"dashboard": {"uid": "hand-made", "title": "Hand made"},
                                  "folderUid": "shop-prod"}, "bob")
    project.remove("shop-prod-api")
    run = graf("sync", "--env", "prod", "--prune")
    assert run.code == 0 and "delete   dashboard/shop-prod-api" in run.lines
    assert sorted(grafana.state.dashboards) == ["hand-made", "shop-prod-jvm"]


def test_no_op_sync_of_many_dashboards_reads_each_kind_in_a_few_requests(graf: Callable[..., Run],
                                                                           grafana: GrafanaServer,
                                                                           project: Project) -> None:
    for i in range(205):
        project.add(f"shop-prod-d{i:03d}", f"D {i}")
    assert graf("sync", "--env", "prod", "--concurrency", "16").code == 0
    grafana.reset_counts()
    run = graf("sync", "--env", "prod")
    assert run.lines == ["sync prod: 0 applied, 211 unchanged"]
    by_kind = grafana.counts_by_kind()
    if speaks_apis(grafana):
        assert by_kind["dashboards"] <= 2 and by_kind["folders"] <= 2, by_kind
        assert sum(by_kind.values()) < 40, by_kind
    else:
        assert by_kind["dashboards"] == 207  # one GET per dashboard on the legacy API
