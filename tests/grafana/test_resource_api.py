"""The `/apis` transport for dashboards and folders: discovery, the protocol, and what graf writes there.

Sources: grafana-13-api.md §4.1 (versions, addressing), §4.2 (operations, conversion status), §5
(manager annotations).
"""

from __future__ import annotations

import inspect
from collections.abc import Iterator

import pytest

from graf.grafana.client import Credentials, Grafana
from graf.grafana.discovery import ServerInfo, detect
from graf.grafana.kinds import KINDS, KindSet, LiveResource, Write, dashboard_apis, folder_apis
from graf.grafana.kinds.resource_api import MANAGER, foreign_manager
from graf.grafana.record import Record
from graf.resources import Resource
from tests.grafana.test_kinds import PARAMETERS
from tests.grafana_server import ADMIN_TOKEN, GrafanaServer


@pytest.fixture
def grafana() -> Iterator[GrafanaServer]:
    """The `graf` fixture's server, here a 13.1."""
    with GrafanaServer(version="13.1.0") as server:
        yield server


@pytest.fixture
def api13() -> Iterator[tuple[GrafanaServer, Grafana]]:
    with GrafanaServer(version="13.1.0") as server:
        api = Grafana(server.url, Credentials(token=ADMIN_TOKEN))
        try:
            yield server, api
        finally:
            api.close()


@pytest.mark.parametrize(("version", "dashboards", "folders"), [
    ("11.6.0", None, None), ("12.4.10", "v1beta1", "v1beta1"), ("13.1.0", "v1", "v1")])
def test_discovery_picks_the_classic_json_version_each_server_serves(version: str, dashboards: str | None,
                                                                     folders: str | None) -> None:
    """§4.1: v1 on 13.x, v1beta1 on 12.x, nothing on 11.x (legacy /api for every kind)."""
    with GrafanaServer(version=version) as server:
        api = Grafana(server.url, Credentials(token=ADMIN_TOKEN))
        info = detect(api)
        api.close()
        assert (info.version, info.dashboards, info.folders) == (version, dashboards, folders)
        assert server.count() == (1 if version.startswith("11") else 2)  # /api/health, then /apis once
    kinds = KindSet.for_server(info)
    assert [k.name for k in kinds] == [k.name for k in KINDS]
    expected = f"/apis/dashboard.grafana.app/{dashboards}" if dashboards else "/api (legacy)"
    assert kinds.get("dashboard").transport == expected
    assert kinds.get("folder").transport == (f"/apis/folder.grafana.app/{folders}" if folders else "/api (legacy)")
    assert kinds.get("datasource") is next(k for k in KINDS if k.name == "datasource")


def test_a_legacy_server_s_kinds_import_no_apis_module() -> None:
    """On 11.x the kinds are found between /api/health's answer and the first read: nothing else is imported."""
    import subprocess
    import sys

    code = ("import sys; from graf.grafana.discovery import ServerInfo; from graf.grafana.kinds import KindSet; "
            "legacy = KindSet.for_server(ServerInfo('11.6.0')); "
            "print(sorted(m for m in sys.modules if m.endswith('_apis'))); "
            "KindSet.for_server(ServerInfo('13.1.0', 'v1', 'v1')); "
            "print(sorted(m.rsplit('.', 1)[1] for m in sys.modules if m.endswith('_apis')))")
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True).stdout.split("\n")
    assert out[:2] == ["[]", "['dashboard_apis', 'folder_apis']"]


def test_the_apis_kinds_meet_the_protocol() -> None:
    for io in (dashboard_apis.kind_io("v1"), folder_apis.kind_io("v1")):
        for name, parameters in PARAMETERS.items():
            assert list(inspect.signature(getattr(io, name)).parameters) == parameters, (io.name, name)
        assert io.list_all is not None and list(inspect.signature(io.list_all).parameters) == ["api"]


def test_a_dashboard_written_then_read_is_graf_s_normal_form_with_its_record(api13) -> None:
    server, api = api13
    folders, dashboards = folder_apis.kind_io("v1"), dashboard_apis.kind_io("v1")
    folders.write(api, Resource("folder", "team", {"uid": "team", "title": "Team"}), Write())
    body = {"uid": "d1", "title": "JVM", "schemaVersion": 42, "tags": ["graf"], "panels": []}
    record = Record("sha256:abc", version=1, project="shop")
    dashboards.write(api, Resource("dashboard", "d1", body, folder="team"), Write(record=record))
    live = dashboards.read(api, "d1")
    assert live is not None
    assert live.body == Resource("dashboard", "d1", body).normalised().body
    assert (live.folder, live.meta.record, live.meta.version) == ("team", record, 1)
    assert live.meta.resource_version and live.meta.locked is None and live.meta.stored_as is None
    stored = server.state.dashboards["d1"].annotations
    assert {k: stored[k] for k in MANAGER} == MANAGER


def test_an_update_carries_the_resource_version_read_so_a_save_in_between_is_a_409(api13) -> None:
    from graf.errors import Conflict

    server, api = api13
    dashboards = dashboard_apis.kind_io("v1")
    body = {"uid": "d1", "title": "JVM", "schemaVersion": 42, "panels": []}
    dashboards.write(api, Resource("dashboard", "d1", body), Write())
    live = dashboards.read(api, "d1")
    server.ui_save("d1", lambda spec: spec.update(title="Alice's"), user="alice", as_v2=False)
    with pytest.raises(Conflict):
        dashboards.write(api, Resource("dashboard", "d1", {**body, "title": "graf"}), Write(live=live))
    assert server.state.dashboards["d1"].data["title"] == "Alice's"
    dashboards.write(api, Resource("dashboard", "d1", {**body, "title": "graf"}), Write(live=live, force=True))
    assert server.state.dashboards["d1"].data["title"] == "graf"  # --force: unconditional


def test_the_list_follows_continue_tokens(api13, monkeypatch: pytest.MonkeyPatch) -> None:
    from graf.grafana.kinds import resource_api

    server, api = api13
    dashboards = dashboard_apis.kind_io("v1")
    for i in range(7):
        dashboards.write(api, Resource("dashboard", f"d{i}", {"uid": f"d{i}", "title": f"D{i}", "panels": []}),
                         Write())
    monkeypatch.setattr(resource_api, "PAGE", 3)
    server.reset_counts()
    assert [d.uid for d in dashboards.list_all(api)] == [f"d{i}" for i in range(7)]
    assert server.count("GET") == 3


def test_a_v2_stored_dashboard_is_marked_and_read_as_stored(api13) -> None:
    server, api = api13
    dashboards = dashboard_apis.kind_io("v1")
    dashboards.write(api, Resource("dashboard", "d1", {"uid": "d1", "title": "JVM", "panels": []}), Write())
    server.ui_save("d1", lambda spec: spec.update(title="Alice's"), user="alice")
    live = dashboards.read(api, "d1")
    assert live is not None and live.meta.stored_as == "v2" and live.meta.record is None
    stored = dashboard_apis.read_stored(api, "d1", "v2")
    assert stored is not None
    assert stored["apiVersion"] == "dashboard.grafana.app/v2" and stored["spec"]["title"] == "Alice's"
    assert stored["spec"] == server.state.dashboards["d1"].v2


@pytest.mark.parametrize(("annotations", "locked"), [
    ({}, None),
    (MANAGER, None),
    ({"grafana.app/managedBy": "terraform", "grafana.app/managerId": "tf"}, "managed by terraform 'tf'"),
    ({"grafana.app/managedBy": "repo", "grafana.app/managerId": "gitops"}, "managed by Git Sync"),
    ({"grafana.app/managedBy": "classic-file-provisioning", "grafana.app/managerId": "files"}, "provisioned"),
    ({"grafana.app/managedBy": "terraform"}, None),  # §5: no managerId, not managed
])
def test_another_managers_object_is_never_written(annotations: dict, locked: str | None) -> None:
    """§5: changing a manager's kind or identity is a 403; a repo-managed object is written through its repo."""
    found = foreign_manager(annotations)
    assert (found is None) == (locked is None)
    if locked is not None:
        assert found is not None and found.startswith(locked)


def test_a_foreign_manager_makes_plan_skip_the_dashboard() -> None:
    from graf.grafana.plan import plan

    answer = {"apiVersion": "dashboard.grafana.app/v1", "kind": "Dashboard",
              "metadata": {"name": "d1", "generation": 2, "resourceVersion": "9",
                           "annotations": {"grafana.app/managedBy": "terraform", "grafana.app/managerId": "tf"}},
              "spec": {"title": "TF"}}
    live = dashboard_apis.normalise(answer)
    assert isinstance(live, LiveResource)
    want = Resource("dashboard", "d1", {"uid": "d1", "title": "graf"}).normalised()
    [change] = plan([want], {want.key: live}, {want.key: None}).changes
    assert change.action == "skipped" and "terraform" in change.reason


def test_server_info_names_the_transport_per_kind() -> None:
    info = ServerInfo("13.1.0", dashboards="v1", folders="v1")
    assert info.transport("dashboard") == "/apis/dashboard.grafana.app/v1"
    assert info.transport("alert-rule") == "/api (legacy)"


def test_legacy_search_pages_through_the_proxied_shape(monkeypatch: pytest.MonkeyPatch) -> None:
    """§4.2 Search: on 13.x /api/search may be proxied (no id/slug, default limit 50): graf pages with an
    explicit limit and stops at a short page or one that repeats what it has."""
    from graf.grafana.kinds import dashboard

    monkeypatch.setattr(dashboard, "PAGE", 50)
    with GrafanaServer(version="13.1.0", unified_search=True) as server:
        for i in range(120):
            server.state.dashboard_save({"dashboard": {"uid": f"d{i:03d}", "title": f"D {i}"}}, "admin")
        api = Grafana(server.url, Credentials(token=ADMIN_TOKEN))
        assert dashboard.LEGACY.list_uids(api) == [f"d{i:03d}" for i in range(120)]
        api.close()
        assert server.count("GET", "/api/search") == 3


def test_a_datasource_update_sends_the_uid_of_its_path(graf, grafana: GrafanaServer) -> None:
    """grafana-13-api.md §6: a PUT whose body uid differs from the path is 400 on 13.x; graf's never does."""
    assert graf("sync", "--env", "prod").code == 0
    edited = grafana.state.datasources["loki"]
    edited.fields["url"] = "http://changed-in-ui:3100"
    edited.version += 1  # a save in the UI
    run = graf("sync", "--env", "prod", "--force")
    assert run.code == 0, run.out
    assert "update   datasource/loki" in run.lines
    assert grafana.writes() and all(
        path == "/api/datasources/uid/loki" for (method, path) in grafana.writes() if method == "PUT")
