"""`graf diff --env` against the Grafana API test server: live Grafana (old) vs the code (new)."""

from __future__ import annotations

import json
from collections.abc import Callable

from tests.grafana.conftest import Project, Run, graf, grafana, project  # noqa: F401  (fixtures)
from tests.grafana_server import GrafanaServer


def test_after_sync_there_is_no_difference(graf: Callable[..., Run]) -> None:  # noqa: F811
    assert graf("sync", "--env", "prod").code == 0
    run = graf("diff", "--env", "prod")
    assert run.code == 0, run.err
    assert run.lines == ["graf diff: live Grafana (prod) → code", "no differences (6 unchanged)"]


def test_a_change_in_code_is_one_line(graf: Callable[..., Run], project: Project) -> None:  # noqa: F811
    assert graf("sync", "--env", "prod").code == 0
    project.add("shop-prod-jvm", "JVM", expr="sum(up)")
    run = graf("diff", "--env", "prod")
    assert run.code == 3, run.err
    assert run.lines == [
        "graf diff: live Grafana (prod) → code",
        '~ dashboard/shop-prod-jvm "JVM" (prod)',
        '    ~ panel "Up" › targets[A].expr: "up" → "sum(up)"',
        "1 changed, 5 unchanged",
    ]


def test_an_edit_made_in_the_ui_shows_as_what_sync_would_undo(graf: Callable[..., Run],  # noqa: F811
                                                               grafana: GrafanaServer) -> None:  # noqa: F811
    assert graf("sync", "--env", "prod").code == 0
    grafana.ui_save("shop-prod-api", lambda body: body["panels"][0]["gridPos"].update(x=12))
    run = graf("diff", "--env", "prod", "--format", "json")
    assert run.code == 3, run.err
    data = json.loads(run.out)
    assert data["old"] == "live Grafana (prod)" and data["new"] == "code"
    [resource] = data["resources"]
    assert resource["uid"] == "shop-prod-api"
    assert [(c["op"], c["where"], c["old"], c["new"]) for c in resource["changes"]] == [
        ("moved", 'panel "Up"', [12, 0], [0, 0])]


def test_never_synced_everything_is_added(graf: Callable[..., Run]) -> None:  # noqa: F811
    run = graf("diff", "--env", "prod")
    assert run.code == 3, run.err
    assert run.lines[-1] == "6 added"
