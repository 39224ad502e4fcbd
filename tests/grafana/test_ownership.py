"""graf's record binds to the resource it was written for: copies and re-created resources are never graf's
(issue 12, "Data loss in Grafana"), through the CLI against the test server."""

from __future__ import annotations

from tests.grafana.conftest import Project
from tests.grafana_server import GrafanaServer


def save_as(grafana: GrafanaServer, uid: str, new_uid: str, title: str) -> None:
    """The UI's "Save as": the loaded model (graf's key included) saved as a new dashboard, version 1."""
    status, loaded = grafana.state.dashboard_get(uid)
    assert status == 200
    copy = {k: v for k, v in loaded["dashboard"].items() if k not in ("id", "version")}
    copy.update(uid=new_uid, title=title)
    status, _ = grafana.state.dashboard_save({"dashboard": copy, "folderUid": loaded["meta"]["folderUid"]}, "alice")
    assert status == 200


def test_prune_never_deletes_a_save_as_copy_of_a_graf_dashboard(graf, grafana: GrafanaServer,
                                                                 project: Project) -> None:
    assert graf("sync", "--env", "prod").code == 0
    save_as(grafana, "shop-prod-api", "alices-api", "API (Alice)")
    assert grafana.state.dashboards["alices-api"].version == 1  # as graf's record of the original says
    for args in (("--prune",), ("--prune", "--force")):
        run = graf("sync", "--env", "prod", *args)
        assert run.code == 0, run.out + run.err
        assert "alices-api" in grafana.state.dashboards
        assert not any("alices-api" in line for line in run.lines)


def test_dashboard_recreated_with_the_same_uid_is_not_overwritten_without_force(graf, grafana: GrafanaServer,
                                                                               project: Project) -> None:
    assert graf("sync", "--env", "prod").code == 0
    _, loaded = grafana.state.dashboard_get("shop-prod-api")
    recreated = {k: v for k, v in loaded["dashboard"].items() if k not in ("id", "version")}
    recreated["title"] = "Rebuilt by hand"
    grafana.state.dashboard_delete("shop-prod-api")
    assert grafana.state.dashboard_save({"dashboard": recreated, "folderUid": "shop-prod"}, "bob")[0] == 200
    assert grafana.state.dashboards["shop-prod-api"].version == 1 == recreated["graf"]["version"]
    project.add("shop-prod-api", "API", expr="sum(up)")  # the code changed too
    run = graf("sync", "--env", "prod")
    assert run.code == 4
    assert any("conflict" in line and "dashboard/shop-prod-api" in line for line in run.lines), run.lines
    assert grafana.state.dashboards["shop-prod-api"].data["title"] == "Rebuilt by hand"
    assert graf("sync", "--env", "prod", "--force").code == 0
    assert grafana.state.dashboards["shop-prod-api"].data["title"] == "API"


def test_every_record_graf_writes_names_its_uid(graf, grafana: GrafanaServer) -> None:
    assert graf("sync", "--env", "prod").code == 0
    for uid, dash in grafana.state.dashboards.items():
        assert dash.data["graf"]["uid"] == uid
    for uid, ds in grafana.state.datasources.items():
        assert ds.fields["jsonData"]["graf"]["uid"] == uid
