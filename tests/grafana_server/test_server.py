"""The test server answers as grafana-api.md documents Grafana: one test per modelled behaviour."""

from __future__ import annotations

import base64
import json
import urllib.error
import urllib.request
from collections.abc import Iterator
from typing import Any

import pytest

from tests.grafana_server import ADMIN_TOKEN, VIEWER_TOKEN, GrafanaServer


@pytest.fixture
def g() -> Iterator[GrafanaServer]:
    with GrafanaServer() as server:
        yield server


def call(g: GrafanaServer, method: str, path: str, body: Any = None, *, auth: str | None = f"Bearer {ADMIN_TOKEN}",
         headers: dict[str, str] | None = None) -> tuple[int, Any]:
    data = json.dumps(body).encode() if body is not None else None
    request = urllib.request.Request(g.url + path, data=data, method=method,
                                     headers={"Content-Type": "application/json", **(headers or {}),
                                              **({"Authorization": auth} if auth else {})})
    try:
        with urllib.request.urlopen(request, timeout=5) as response:
            raw = response.read()
            return response.status, json.loads(raw) if raw else None
    except urllib.error.HTTPError as exc:
        raw = exc.read()
        return exc.code, json.loads(raw) if raw else None


def save(g: GrafanaServer, dashboard: dict, **extra: Any) -> tuple[int, Any]:
    return call(g, "POST", "/api/dashboards/db", {"dashboard": dashboard, **extra})


def test_health_needs_no_auth(g: GrafanaServer) -> None:  # §2
    assert call(g, "GET", "/api/health", auth=None) == (200, {"commit": "0000000", "database": "ok",
                                                               "version": "11.6.0"})


def test_401_bodies(g: GrafanaServer) -> None:  # §1.3
    assert call(g, "GET", "/api/search", auth=None) == (401, {"statusCode": 401, "messageId": "auth.unauthorized",
                                                               "message": "Unauthorized"})
    assert call(g, "GET", "/api/search", auth="Bearer nope")[1]["messageId"] == "api-key.invalid"
    bad = "Basic " + base64.b64encode(b"alice:wrong").decode()
    assert call(g, "GET", "/api/search", auth=bad)[1]["message"] == "Invalid username or password"


def test_403_rbac_body_for_a_viewer_write(g: GrafanaServer) -> None:  # §1.4
    status, body = call(g, "POST", "/api/folders", {"title": "x"}, auth=f"Bearer {VIEWER_TOKEN}")
    assert status == 403 and body["title"] == "Access denied" and body["accessErrorId"].startswith("ACE")


def test_dashboard_version_state_machine(g: GrafanaServer) -> None:  # §3.2
    status, body = save(g, {"uid": "d", "title": "D", "version": 7})
    assert (status, body["version"]) == (200, 1)  # new: version 1 whatever was sent
    assert save(g, {"uid": "d", "title": "D"}) == (412, {"status": "version-mismatch",
                                                        "message": "The dashboard has been changed by someone else"})
    assert save(g, {"uid": "d", "title": "D", "version": 1})[1]["version"] == 2
    assert save(g, {"uid": "d", "title": "D", "version": 1})[0] == 412
    assert save(g, {"uid": "d", "title": "D", "version": 1}, overwrite=True)[1]["version"] == 3


def test_dashboard_get_meta_and_versions(g: GrafanaServer) -> None:  # §3.4, §3.7
    call(g, "POST", "/api/folders", {"uid": "f", "title": "F"})
    save(g, {"uid": "d", "title": " D ", "graf": {"hash": "x"}}, folderUid="f", message="first")
    status, body = call(g, "GET", "/api/dashboards/uid/d")
    assert status == 200
    assert body["dashboard"]["title"] == "D" and body["dashboard"]["graf"] == {"hash": "x"}  # stored as sent
    meta = body["meta"]
    assert meta["version"] == 1 and meta["updatedBy"] == "sa-graf" and meta["folderUid"] == "f"
    assert meta["provisioned"] is False and meta["updated"]
    save(g, {"uid": "d", "title": "D", "version": 1}, folderUid="f", message="second")
    status, versions = call(g, "GET", "/api/dashboards/uid/d/versions")
    assert [(v["version"], v["message"]) for v in versions["versions"]] == [(2, "second"), (1, "Initial save")]
    assert call(g, "GET", "/api/dashboards/uid/missing") == (404, {"message": "Dashboard not found"})


def test_dashboard_save_errors(g: GrafanaServer) -> None:  # §3.1
    assert save(g, {"uid": "d", "title": " "})[1]["status"] == "empty-name"
    assert save(g, {"uid": "bad uid!", "title": "D"}) == (400, {"message": "uid contains illegal characters"})
    assert save(g, {"uid": "x" * 41, "title": "D"}) == (400, {"message": "uid too long, max 40 characters"})
    assert save(g, {"uid": "d", "title": "D"}, folderUid="nope") == (400, {"message": "folder not found"})
    assert call(g, "POST", "/api/dashboards/db", {"nope": 1}) == (400, {"message": "bad request data"})


def test_provisioned_dashboard_cannot_be_saved_or_deleted(g: GrafanaServer) -> None:  # §3.1 step 7, §3.5
    g.provision_dashboard("p", "P")
    assert call(g, "GET", "/api/dashboards/uid/p")[1]["meta"]["provisioned"] is True
    assert save(g, {"uid": "p", "title": "P2", "version": 1}) == (400, {"message": "Cannot save provisioned dashboard"})
    assert call(g, "DELETE", "/api/dashboards/uid/p") == (400, {"message": "provisioned dashboard cannot be deleted"})


def test_search_filters_orders_and_pages(g: GrafanaServer) -> None:  # §3.6
    call(g, "POST", "/api/folders", {"uid": "f", "title": "Folder"})
    for uid, title in (("b", "beta"), ("a", "Alpha"), ("c", "gamma")):
        save(g, {"uid": uid, "title": title}, folderUid="f" if uid != "c" else "")
    hits = call(g, "GET", "/api/search")[1]
    assert [h["title"] for h in hits] == ["Folder", "Alpha", "beta", "gamma"]
    assert [h["uid"] for h in call(g, "GET", "/api/search?type=dash-db&limit=2&page=2")[1]] == ["c"]
    assert [h["uid"] for h in call(g, "GET", "/api/search?type=dash-db&folderUIDs=f")[1]] == ["a", "b"]
    assert call(g, "GET", "/api/search?limit=5001")[0] == 422


def test_folders(g: GrafanaServer) -> None:  # §4
    status, folder = call(g, "POST", "/api/folders", {"uid": "f", "title": "F"})
    assert status == 200 and folder["version"] == 1
    assert call(g, "POST", "/api/folders", {"uid": "f", "title": "F"})[0] == 409
    assert call(g, "GET", "/api/folders/nope") == (404, {"status": "not-found", "message": "folder not found"})
    assert call(g, "PUT", "/api/folders/f", {"title": "G", "version": 9})[0] == 412
    assert call(g, "PUT", "/api/folders/f", {"title": "G", "version": 1})[1]["version"] == 2
    save(g, {"uid": "d", "title": "D"}, folderUid="f")
    assert call(g, "DELETE", "/api/folders/f") == (200, {"message": "Folder deleted"})
    assert call(g, "GET", "/api/dashboards/uid/d")[0] == 404  # its dashboards went with it


def test_datasources(g: GrafanaServer) -> None:  # §5
    status, body = call(g, "POST", "/api/datasources", {"uid": "p", "name": "P", "type": "prometheus", "url": "http://p",
                                                         "secureJsonData": {"basicAuthPassword": "pw"}})
    assert status == 200 and body["datasource"]["isDefault"] is True  # the first one becomes the default
    ds = call(g, "GET", "/api/datasources/uid/p")[1]
    assert ds["secureJsonFields"] == {"basicAuthPassword": True} and "secureJsonData" not in ds
    assert ds["version"] == 1 and ds["readOnly"] is False
    assert call(g, "POST", "/api/datasources", {"uid": "q", "name": "P", "type": "loki"})[0] == 409
    assert call(g, "POST", "/api/datasources", {"uid": "p", "name": "Q", "type": "loki"})[0] == 409
    assert call(g, "PUT", "/api/datasources/uid/p", {"name": "P", "type": "prometheus", "version": 1})[0] == 200
    assert call(g, "GET", "/api/datasources/uid/p")[1]["version"] == 2
    assert call(g, "PUT", "/api/datasources/uid/p", {"name": "P", "type": "prometheus", "version": 1})[0] == 409
    assert g.state.datasources["p"].secure == {"basicAuthPassword": "pw"}  # merged, not dropped
    g.provision_datasource({"uid": "ro", "name": "RO", "type": "loki"})
    assert call(g, "PUT", "/api/datasources/uid/ro", {"name": "RO", "type": "loki"}) == (
        403, {"message": "Cannot update read-only data source"})
    assert call(g, "DELETE", "/api/datasources/uid/ro")[0] == 403
    assert "version" not in call(g, "GET", "/api/datasources")[1][0]


def test_alert_rule_status_codes_and_re_encoding(g: GrafanaServer) -> None:  # §6
    call(g, "POST", "/api/folders", {"uid": "f", "title": "F"})
    rule = {"uid": "r", "title": "R", "folderUID": "f", "ruleGroup": "g", "condition": "A", "for": "300s",
            "data": [{"refId": "A", "datasourceUid": "__expr__", "model": {}}], "unknownKey": 1}
    status, created = call(g, "POST", "/api/v1/provisioning/alert-rules", rule)
    assert status == 201 and created["provenance"] == "api"
    status, read = call(g, "GET", "/api/v1/provisioning/alert-rules/r")
    assert read["for"] == "5m" and read["keep_firing_for"] == "0s" and read["isPaused"] is False
    assert "unknownKey" not in read
    assert call(g, "GET", "/api/v1/provisioning/alert-rules/none") == (404, None)
    assert call(g, "POST", "/api/v1/provisioning/alert-rules", {**rule, "uid": "s", "title": ""}) == (
        400, {"message": "invalid alert rule: title is empty"})
    assert call(g, "PUT", "/api/v1/provisioning/alert-rules/r", rule, headers={"X-Disable-Provenance": ""})[0] == 200
    assert g.state.rules["r"]["provenance"] == ""
    assert call(g, "DELETE", "/api/v1/provisioning/alert-rules/r") == (204, None)


def test_file_provenance_rule_cannot_be_changed_through_the_api(g: GrafanaServer) -> None:  # §6
    call(g, "POST", "/api/folders", {"uid": "f", "title": "F"})
    rule = {"uid": "r", "title": "R", "folderUID": "f", "ruleGroup": "g", "condition": "A",
            "data": [{"refId": "A", "datasourceUid": "__expr__", "model": {}}]}
    g.state.rule_write(None, rule, "file")
    status, body = call(g, "PUT", "/api/v1/provisioning/alert-rules/r", rule)
    assert status == 409 and body["messageId"] == "alerting.provenanceMismatch"


def test_rule_groups_interval_get_and_put(g: GrafanaServer) -> None:  # §6 rule groups
    call(g, "POST", "/api/folders", {"uid": "f", "title": "F"})
    group = "/api/v1/provisioning/folder/f/rule-groups/g"
    rule = {"uid": "r", "title": "R", "folderUID": "f", "ruleGroup": "g", "condition": "A", "interval": 30,
            "data": [{"refId": "A", "datasourceUid": "__expr__", "model": {}}]}
    assert call(g, "GET", group) == (404, {"message": "rule group not found"})
    # A rule written on its own ignores any interval: a new group gets the 60s default.
    assert call(g, "POST", "/api/v1/provisioning/alert-rules", rule)[0] == 201
    status, read = call(g, "GET", group)
    assert status == 200
    assert (read["title"], read["folderUid"], read["interval"]) == ("g", "f", 60)
    assert [r["uid"] for r in read["rules"]] == ["r"] and "intervalSeconds" not in read["rules"][0]
    # Interval only (no rules): 200, the body echoed with the path's title and folder; the rules stay.
    status, echoed = call(g, "PUT", group, {"title": "ignored", "interval": 30})
    assert (status, echoed) == (200, {"title": "g", "folderUid": "f", "interval": 30})
    assert call(g, "GET", group)[1]["interval"] == 30 and set(g.state.rules) == {"r"}
    # A new rule in an existing group takes the group's interval, not the body's or the default.
    assert call(g, "POST", "/api/v1/provisioning/alert-rules", {**rule, "uid": "s", "interval": 120})[0] == 201
    assert g.state.rules["s"]["intervalSeconds"] == 30
    for bad, shown in ((45, "45s"), (0, "0s"), (90 + 5, "1m35s")):
        assert call(g, "PUT", group, {"interval": bad}) == (400, {"message": f"invalid alert rule: interval ({shown}) "
                                                                   "should be non-zero and divided exactly by "
                                                                   "scheduler interval: 10s"})
    assert call(g, "GET", group)[1]["interval"] == 30
    # A PUT with rules would replace the group (and delete rules it does not list): not modelled, refused loudly.
    assert call(g, "PUT", group, {"interval": 30, "rules": []})[0] == 501
    # Every rule of the group is written with the provided provenance: without the header it becomes "api".
    call(g, "PUT", group, {"interval": 60}, headers={"X-Disable-Provenance": ""})
    assert {r["provenance"] for r in g.state.rules.values()} == {""}
    call(g, "PUT", group, {"interval": 60})
    assert {r["provenance"] for r in g.state.rules.values()} == {"api"}
    # Once the group has no rules, the next rule starts a new group with the default again.
    for uid in ("r", "s"):
        call(g, "DELETE", f"/api/v1/provisioning/alert-rules/{uid}")
    assert call(g, "GET", group)[0] == 404
    call(g, "POST", "/api/v1/provisioning/alert-rules", rule)
    assert call(g, "GET", group)[1]["interval"] == 60


def test_rule_group_put_refuses_a_file_provisioned_rule_s_group(g: GrafanaServer) -> None:  # §6 provenance
    call(g, "POST", "/api/folders", {"uid": "f", "title": "F"})
    g.state.rule_write(None, {"uid": "r", "title": "R", "folderUID": "f", "ruleGroup": "g", "condition": "A",
                              "data": [{"refId": "A", "datasourceUid": "__expr__", "model": {}}]}, "file")
    status, body = call(g, "PUT", "/api/v1/provisioning/folder/f/rule-groups/g", {"interval": 30})
    assert status == 409 and body["messageId"] == "alerting.provenanceMismatch"
    assert g.state.rules["r"]["intervalSeconds"] == 60


def test_contact_points_and_policies(g: GrafanaServer) -> None:  # §6
    point = {"uid": "c", "name": "oncall", "type": "slack", "settings": {"url": "https://hooks/secret"}}
    assert call(g, "POST", "/api/v1/provisioning/contact-points", point)[0] == 202
    [listed] = call(g, "GET", "/api/v1/provisioning/contact-points?name=oncall")[1]
    assert listed["settings"]["url"] == "[REDACTED]"
    assert call(g, "PUT", "/api/v1/provisioning/contact-points/c", point) == (202, {"message": "contactpoint updated"})
    assert call(g, "DELETE", "/api/v1/provisioning/contact-points/c") == (202, {"message": "contactpoint deleted"})
    assert call(g, "PUT", "/api/v1/provisioning/policies", {"receiver": "x", "group_wait": "30s"}) == (
        202, {"message": "policies updated"})
    assert call(g, "GET", "/api/v1/provisioning/policies")[1]["receiver"] == "x"
    assert call(g, "DELETE", "/api/v1/provisioning/policies")[1]["receiver"] == "grafana-default-email"


def test_counts_requests_and_injects_failures(g: GrafanaServer) -> None:
    g.fail("GET", "/api/folders*", status=503, times=1)
    assert call(g, "GET", "/api/folders")[0] == 503
    assert call(g, "GET", "/api/folders")[0] == 200
    call(g, "POST", "/api/folders", {"uid": "f", "title": "F"})
    assert g.count("GET", "/api/folders") == 2
    assert g.writes() == {("POST", "/api/folders"): 1}
    g.fail("GET", "/api/search", status=None)
    with pytest.raises((urllib.error.URLError, ConnectionError)):
        call(g, "GET", "/api/search")


def test_ui_save_is_another_user_through_the_api(g: GrafanaServer) -> None:
    save(g, {"uid": "d", "title": "D", "graf": {"hash": "h"}})
    g.ui_save("d", lambda d: d.update(title="E"), user="alice", keep_unknown=False)
    meta = call(g, "GET", "/api/dashboards/uid/d")[1]
    assert meta["meta"]["updatedBy"] == "alice" and meta["meta"]["version"] == 2
    assert "graf" not in meta["dashboard"]


# ---------------------------------------------------------------------- 12.x / 13.x (grafana-13-api.md: "13§n")

DASH = "/apis/dashboard.grafana.app"
FOLD = "/apis/folder.grafana.app"


@pytest.fixture
def g13() -> Iterator[GrafanaServer]:
    with GrafanaServer(version="13.1.0") as server:
        yield server


def dashboards(version: str = "v1", name: str = "") -> str:
    return f"{DASH}/{version}/namespaces/default/dashboards" + (f"/{name}" if name else "")


def folders(version: str = "v1", name: str = "") -> str:
    return f"{FOLD}/{version}/namespaces/default/folders" + (f"/{name}" if name else "")


def resource(name: str, spec: dict, *, api: str = "dashboard.grafana.app/v1", kind: str = "Dashboard",
             **metadata: Any) -> dict:
    return {"apiVersion": api, "kind": kind, "metadata": {"name": name, **metadata}, "spec": spec}


CLASSIC: dict[str, Any] = {
    "uid": "d", "title": "Svc", "tags": ["a"], "schemaVersion": 39, "graf": {"hash": "h", "project": "p"},
    "templating": {"list": [{"type": "custom", "name": "env", "query": "dev,prod"}]},
    "panels": [{"id": 1, "type": "timeseries", "title": "Up", "gridPos": {"h": 8, "w": 12, "x": 0, "y": 0},
                "targets": [{"refId": "A", "expr": "up", "datasource": {"type": "prometheus", "uid": "p"}}],
                "grafExtra": 1},
               {"id": 2, "type": "row", "title": "More", "collapsed": False,
                "gridPos": {"h": 1, "w": 24, "x": 0, "y": 8}, "panels": []},
               {"id": 3, "type": "stat", "title": "Rate", "gridPos": {"h": 4, "w": 6, "x": 0, "y": 9},
                "targets": [{"refId": "A", "expr": "rate(x[5m])"}]}]}


def test_version_parsing_and_release_lines() -> None:
    """13§1 releases: the switch takes "x.y.z" (a leading v and a suffix are ignored); the properties follow the
    lines the reference attributes (13§3.1 406 before 12.4; 13§3.2 409 from 13.1 [unverified]; 13§6 backports)."""
    from tests.grafana_server.versions import Version

    assert Version.parse("v13.1.0-98765") == Version(13, 1, 0) and str(Version.parse("12.4")) == "12.4.0"
    with pytest.raises(ValueError, match="not a Grafana version"):
        Version.parse("latest")
    assert [Version.parse(v).stale_save_status for v in ("11.6.16", "12.4.10", "13.0.8", "13.1.0", "13.3.0")] == [
        412, 412, 412, 409, 409]
    assert [Version.parse(v).legacy_get_of_v2 for v in ("12.3.7", "12.4.0", "13.0.0")] == ["406", "convert", "convert"]
    assert [Version.parse(v).datasource_uid_must_match for v in ("11.6.14", "11.6.15", "12.2.8", "12.2.9", "12.3.7",
                                                                 "12.4.3", "12.4.4", "13.0.1", "13.0.2", "13.1.0")] == [
        False, True, False, True, True, False, True, False, True, True]


@pytest.mark.parametrize("version", ["12.4.4", "13.1.0"])
def test_health_reports_the_chosen_version(version: str) -> None:
    """13§8 Health: no change to /api/health [negative finding]; §2: the body names the version."""
    with GrafanaServer(version=version) as server:
        assert call(server, "GET", "/api/health", auth=None)[1]["version"] == version


def test_apis_not_served_on_11(g: GrafanaServer) -> None:
    """13§3 / 13§4.1: the resource APIs exist from 12; 11.6 answers the router's 404."""
    assert call(g, "GET", "/apis") == (404, {"message": "Not found"})
    assert call(g, "GET", dashboards("v1"))[0] == 404


def test_apis_discovery_on_13(g13: GrafanaServer) -> None:
    """13§4.1 Versions and addressing: 13.x serves dashboard v1 (classic) and v2 (schema v2) with older versions,
    folders v1; the preferred dashboard version is [unverified] (assumed v1)."""
    status, listing = call(g13, "GET", "/apis")
    assert status == 200 and listing["kind"] == "APIGroupList"
    groups = {group["name"]: group for group in listing["groups"]}
    assert {"v1", "v2", "v1beta1", "v0alpha1"} <= {v["version"] for v in groups["dashboard.grafana.app"]["versions"]}
    assert [v["version"] for v in groups["folder.grafana.app"]["versions"]] == ["v1"]
    status, group = call(g13, "GET", DASH)
    assert status == 200 and group["preferredVersion"] == {"groupVersion": "dashboard.grafana.app/v1", "version": "v1"}
    status, resources = call(g13, "GET", f"{DASH}/v2")
    assert status == 200 and resources["resources"][0]["name"] == "dashboards"


def test_apis_discovery_on_12_4() -> None:
    """13§4.1: 12.x has dashboard v1beta1 (classic) and v2alpha1/v2beta1 (preview), not v1; folders v1beta1."""
    with GrafanaServer(version="12.4.4") as server:
        dashboard = call(server, "GET", DASH)[1]
        assert {v["version"] for v in dashboard["versions"]} == {"v0alpha1", "v1beta1", "v2alpha1", "v2beta1"}
        assert dashboard["preferredVersion"]["version"] == "v1beta1"
        assert [v["version"] for v in call(server, "GET", FOLD)[1]["versions"]] == ["v1beta1"]
        status, body = call(server, "GET", dashboards("v1"))
        assert status == 404 and body["kind"] == "Status"
        assert call(server, "POST", dashboards("v1beta1"), resource("d", {"title": "D"},
                                                                     api="dashboard.grafana.app/v1beta1"))[0] == 201


def test_apis_dashboard_create_get_delete(g13: GrafanaServer) -> None:
    """13§4.1 Object identity, annotation and label keys; 13§4.2 Create (201, existing name 409), what writes do to
    the spec (uid/version/id removed, v1 writes migrated to the latest schemaVersion: only the number is modelled),
    Read, Delete (a 200 Status)."""
    status, created = call(g13, "POST", dashboards(), resource("d", {**CLASSIC, "id": 7, "version": 3}))
    assert status == 201
    meta, spec = created["metadata"], created["spec"]
    assert meta["name"] == "d" and meta["uid"] != "d" and meta["generation"] == 1 and meta["resourceVersion"]
    assert meta["annotations"]["grafana.app/createdBy"] == "service-account:sa-graf"
    assert meta["labels"]["grafana.app/deprecatedInternalID"].isdigit()
    assert not {"uid", "id", "version"} & set(spec) and spec["schemaVersion"] == 42
    assert spec["graf"] == {"hash": "h", "project": "p"}  # 13§3.4 Kept: the v1 spec is an untyped map
    status, again = call(g13, "POST", dashboards(), resource("d", {"title": "Other"}))
    assert (status, again["reason"], again["code"]) == (409, "AlreadyExists", 409)
    assert call(g13, "GET", dashboards("v1", "d"))[1] == created
    legacy = call(g13, "GET", "/api/dashboards/uid/d")[1]
    assert legacy["dashboard"]["graf"] == {"hash": "h", "project": "p"} and legacy["meta"]["version"] == 1
    status, deleted = call(g13, "DELETE", dashboards("v1", "d"))
    assert status == 200 and deleted["status"] == "Success" and deleted["details"]["name"] == "d"
    status, missing = call(g13, "GET", dashboards("v1", "d"))
    assert (status, missing["reason"]) == (404, "NotFound")


def test_apis_update_optimistic_locking(g13: GrafanaServer) -> None:
    """13§4.2 Update: PUT is 200; a stale resourceVersion is 409 (a Kubernetes Conflict Status); without one the
    update is unconditional ([not pinned to a release]); the dashboard JSON `version` is not compared."""
    created = call(g13, "POST", dashboards(), resource("d", {"title": "D"}))[1]
    rv = created["metadata"]["resourceVersion"]
    status, updated = call(g13, "PUT", dashboards("v1", "d"),
                           resource("d", {"title": "E", "version": 99}, resourceVersion=rv))
    assert status == 200 and updated["metadata"]["resourceVersion"] != rv
    status, stale = call(g13, "PUT", dashboards("v1", "d"), resource("d", {"title": "F"}, resourceVersion=rv))
    assert status == 409 and stale["kind"] == "Status" and stale["reason"] == "Conflict"
    assert "the object has been modified" in stale["message"]
    assert call(g13, "PUT", dashboards("v1", "d"), resource("d", {"title": "G"}))[0] == 200
    assert call(g13, "PUT", dashboards("v1", "d"), resource("x", {"title": "G"}))[0] == 400  # name differs from path
    assert call(g13, "PUT", dashboards("v1", "nope"), resource("nope", {"title": "G"}))[0] == 404


def test_generation_moves_only_when_the_spec_changes(g13: GrafanaServer) -> None:
    """13§4.1: metadata.generation increments on each spec change; metadata edits move only resourceVersion.
    13§3.1 Meta fields: the legacy meta.version equals the generation."""
    created = call(g13, "POST", dashboards(), resource("d", {"title": "D", "schemaVersion": 42}))[1]
    labelled = call(g13, "PUT", dashboards("v1", "d"),
                    resource("d", {"title": "D", "schemaVersion": 42}, labels={"team": "x"}))[1]
    assert labelled["metadata"]["generation"] == 1 and labelled["metadata"]["labels"]["team"] == "x"
    assert labelled["metadata"]["resourceVersion"] != created["metadata"]["resourceVersion"]
    changed = call(g13, "PUT", dashboards("v1", "d"), resource("d", {"title": "E", "schemaVersion": 42}))[1]
    assert changed["metadata"]["generation"] == 2
    assert call(g13, "GET", "/api/dashboards/uid/d")[1]["meta"]["version"] == 2
    versions = call(g13, "GET", "/api/dashboards/uid/d/versions")[1]["versions"]
    assert [v["version"] for v in versions] == [2, 1]


def test_apis_list_paginates_with_full_objects(g13: GrafanaServer) -> None:
    """13§4.2 List: `limit` and `continue`; items are complete objects including spec; paging ends when the list
    metadata has no continue token."""
    for i in range(5):
        call(g13, "POST", dashboards(), resource(f"d{i}", {"title": f"D{i}"}))
    names, token, pages = [], "", 0
    while True:
        status, page = call(g13, "GET", dashboards() + "?limit=2" + (f"&continue={token}" if token else ""))
        assert status == 200 and page["kind"] == "DashboardList"
        assert all(item["spec"]["title"] and item["metadata"]["resourceVersion"] for item in page["items"])
        names += [item["metadata"]["name"] for item in page["items"]]
        pages += 1
        token = page["metadata"].get("continue", "")
        if not token:
            break
    assert (names, pages) == (["d0", "d1", "d2", "d3", "d4"], 3)
    assert len(call(g13, "GET", dashboards())[1]["items"]) == 5  # no limit: everything
    assert call(g13, "GET", dashboards() + "?continue=!!")[0] == 400


def test_manager_identity_and_kind_cannot_change(g13: GrafanaServer) -> None:
    """13§5 server rules on update (managed.go, PR #120521, so 13.0): adding a manager is allowed; changing the
    kind or the managerId is 403 with the quoted messages; classic-file-provisioning cannot be assigned."""
    managed = {"grafana.app/managedBy": "kubectl", "grafana.app/managerId": "graf",
               "grafana.app/managerAllowsEdits": "true"}
    call(g13, "POST", dashboards(), resource("d", {"title": "D"}))
    assert call(g13, "PUT", dashboards("v1", "d"), resource("d", {"title": "D"}, annotations=managed))[0] == 200
    status, body = call(g13, "PUT", dashboards("v1", "d"),
                        resource("d", {"title": "D"}, annotations={**managed, "grafana.app/managerId": "graf-2"}))
    assert (status, body["reason"]) == (403, "Forbidden")
    assert body["message"] == ("Cannot change resource manager identity; remove the existing manager first, then add "
                               "the new one")
    status, body = call(g13, "PUT", dashboards("v1", "d"),
                        resource("d", {"title": "D"}, annotations={**managed, "grafana.app/managedBy": "terraform"}))
    assert status == 403 and body["message"].startswith("Cannot change resource manager kind")
    stored = call(g13, "GET", dashboards("v1", "d"))[1]["metadata"]["annotations"]
    assert stored["grafana.app/managerId"] == "graf"
    status, body = call(g13, "POST", dashboards(), resource("e", {"title": "E"}, annotations={
        "grafana.app/managedBy": "classic-file-provisioning", "grafana.app/managerId": "x"}))
    assert (status, body["message"]) == (403, "Can not set the classic-file-provisioning resource manager")
    # A managedBy without managerId is not managed for the server (manager properties need a managerId).
    assert call(g13, "POST", dashboards(), resource("f", {"title": "F"}, annotations={
        "grafana.app/managedBy": "kubectl"}))[0] == 201


def test_manager_rules_are_13_only() -> None:
    """13§5: the rules came with PR #120521 (March 2026), after 12.4.0 (13§1): 12.4 lets the identity change
    (release attribution by merge date, as the reference does)."""
    with GrafanaServer(version="12.4.4") as server:
        first = {"grafana.app/managedBy": "kubectl", "grafana.app/managerId": "graf"}
        call(server, "POST", dashboards("v1beta1"), resource("d", {"title": "D"}, api="dashboard.grafana.app/v1beta1",
                                                               annotations=first))
        assert call(server, "PUT", dashboards("v1beta1", "d"), resource(
            "d", {"title": "D"}, api="dashboard.grafana.app/v1beta1",
            annotations={**first, "grafana.app/managerId": "other"}))[0] == 200


def test_managed_without_edits_is_read_only_in_the_ui_and_the_legacy_post(g13: GrafanaServer) -> None:
    """13§5 UI: managedResourceCannotBeEdited() when managedBy is set (not repo) and managerAllowsEdits is absent:
    only "save as copy". 13§3.2: the 13.1+ legacy POST answers 400 "Cannot save provisioned dashboard" for a
    target whose manager does not allow edits ([unverified] release)."""
    from tests.grafana_server.state import UiRefused

    locked = {"grafana.app/managedBy": "kubectl", "grafana.app/managerId": "graf"}
    call(g13, "POST", dashboards(), resource("locked", {"title": "L"}, annotations=locked))
    call(g13, "POST", dashboards(), resource("open", {"title": "O"}, annotations={
        **locked, "grafana.app/managerAllowsEdits": "true"}))
    with pytest.raises(UiRefused, match="save as copy"):
        g13.ui_save("locked", lambda d: d.update(title="Edited"))
    g13.ui_save("open", lambda d: d.update(title="Edited"))
    assert call(g13, "GET", dashboards("v1", "open"))[1]["spec"]["title"] == "Edited"
    assert save(g13, {"uid": "locked", "title": "X", "version": 1}) == (400, {"message": "Cannot save provisioned "
                                                                                      "dashboard"})
    assert save(g13, {"uid": "open", "title": "X", "version": 2})[0] == 200


def test_ui_save_on_13_stores_v2_and_drops_graf_s_record(g13: GrafanaServer) -> None:
    """13§3.3: with dynamic dashboards on (13.x default, 13§2) a UI save stores a classic dashboard as v2;
    13§3.4 Dropped: every key v2 has no place for (graf's `graf` record, unknown panel keys) is lost; typed data
    survives. 13§3.1 (12.4+): the legacy GET answers the lossy down-converted copy; 13§4.2 Read: /apis v2 returns the
    stored v2, a v1 read converts and names the stored version in status.conversion."""
    save(g13, CLASSIC)
    g13.ui_save("d", lambda spec: spec.update(description="edited in the UI"))
    stored = g13.state.dashboards["d"]
    assert stored.stored_as == "v2" and stored.version == 2
    status, v2 = call(g13, "GET", dashboards("v2", "d"))
    assert status == 200 and v2["status"] == {} and v2["metadata"]["generation"] == 2
    assert "graf" not in v2["spec"] and v2["spec"]["description"] == "edited in the UI"
    assert v2["spec"]["layout"]["kind"] == "RowsLayout"
    assert v2["metadata"]["annotations"]["grafana.app/updatedBy"] == "user:alice"
    legacy = call(g13, "GET", "/api/dashboards/uid/d")[1]
    dashboard = legacy["dashboard"]
    assert "graf" not in dashboard and legacy["meta"]["version"] == 2 and legacy["meta"]["updatedBy"] == "alice"
    assert dashboard["title"] == "Svc" and dashboard["tags"] == ["a"]
    assert dashboard["templating"]["list"] == [{"type": "custom", "name": "env", "query": "dev,prod"}]
    up = next(p for p in dashboard["panels"] if p["title"] == "Up")
    assert up["targets"][0]["expr"] == "up" and "grafExtra" not in up
    assert [p["type"] for p in dashboard["panels"]] == ["timeseries", "row", "stat"]
    status, v1 = call(g13, "GET", dashboards("v1", "d"))
    assert v1["status"]["conversion"] == {"failed": False, "storedVersion": "v2"} and "graf" not in v1["spec"]


def test_legacy_post_over_v2_replaces_it_with_classic_json(g13: GrafanaServer) -> None:
    """13§3.2 "Writing a classic body over a v2-stored dashboard": the stored object becomes v0 content and the
    v2-only structure (tabs here) is lost; 13§3.1: tabs have no classic form, so the legacy GET already lacks them."""
    save(g13, {"uid": "d", "title": "D", "panels": CLASSIC["panels"][:1]})

    def into_tabs(spec: dict) -> None:
        spec["layout"] = {"kind": "TabsLayout", "spec": {"tabs": [
            {"kind": "TabsLayoutTab", "spec": {"title": "First", "layout": spec["layout"]}}]}}

    status, _ = g13.state.ui_save_v2("d", into_tabs)
    stored_v2 = g13.state.dashboards["d"].v2
    assert status == 200 and stored_v2 is not None and stored_v2["layout"]["kind"] == "TabsLayout"
    legacy = call(g13, "GET", "/api/dashboards/uid/d")[1]["dashboard"]
    assert [p["title"] for p in legacy["panels"]] == ["Up"] and "First" not in json.dumps(legacy)
    assert save(g13, {**legacy, "title": "D by graf"})[0] == 200
    stored = g13.state.dashboards["d"]
    assert (stored.stored_as, stored.v2, stored.version) == ("v0alpha1", None, 3)
    v2 = call(g13, "GET", dashboards("v2", "d"))[1]
    assert v2["spec"]["layout"]["kind"] == "GridLayout" and v2["status"]["conversion"]["storedVersion"] == "v0alpha1"


def test_v2_write_refuses_a_key_v2_has_no_place_for(g13: GrafanaServer) -> None:
    """13§3.4: the v2 spec is typed (root fields listed); 13§4.2: strict field validation answers 422 (refusing
    rather than dropping the key is [unverified])."""
    from tests.grafana_server.schema_v2 import to_v2

    spec = {**to_v2({"title": "D"}), "graf": {"hash": "h"}}
    status, body = call(g13, "POST", dashboards("v2"), resource("d", spec, api="dashboard.grafana.app/v2"))
    assert status == 422 and body["reason"] == "Invalid" and "graf" in body["message"]
    del spec["graf"]
    assert call(g13, "POST", dashboards("v2"), resource("d", spec, api="dashboard.grafana.app/v2"))[0] == 201
    assert g13.state.dashboards["d"].stored_as == "v2"


def test_legacy_get_of_v2_is_406_before_12_4() -> None:
    """13§3.1 12.0-12.3: 406 with the quoted message naming the stored version; 12.4+ converts (PR #114812)."""
    from tests.grafana_server.schema_v2 import to_v2

    body = resource("d", to_v2({"title": "D"}), api="dashboard.grafana.app/v2beta1")
    with GrafanaServer(version="12.3.0") as server:
        assert call(server, "POST", dashboards("v2beta1"), body)[0] == 201
        assert call(server, "GET", "/api/dashboards/uid/d") == (406, {"message": (
            "dashboard api version not supported, use /apis/dashboard.grafana.app/v2beta1/namespaces/default/"
            "dashboards/d instead")})
    with GrafanaServer(version="12.4.4") as server:
        assert call(server, "POST", dashboards("v2beta1"), body)[0] == 201
        assert call(server, "GET", "/api/dashboards/uid/d")[1]["dashboard"]["title"] == "D"


def test_ui_save_on_12_4_stays_classic() -> None:
    """13§2: dynamic dashboards are a preview, off by default, in 12.x: a UI save keeps the classic JSON (and the
    unknown keys the UI model keeps); `dynamic_dashboards=True` plays an install that enabled the preview."""
    with GrafanaServer(version="12.4.4") as server:
        save(server, CLASSIC)
        server.ui_save("d", lambda d: d.update(title="E"))
        assert server.state.dashboards["d"].stored_as == "v0alpha1"
        assert call(server, "GET", "/api/dashboards/uid/d")[1]["dashboard"]["graf"] == CLASSIC["graf"]
    with GrafanaServer(version="12.4.4", dynamic_dashboards=True) as server:
        save(server, CLASSIC)
        server.ui_save("d", lambda d: d.update(title="E"))
        assert server.state.dashboards["d"].stored_as == "v2beta1"


@pytest.mark.parametrize(("version", "expected"), [
    ("11.6.0", (412, {"status": "version-mismatch", "message": "The dashboard has been changed by someone else"})),
    ("13.0.8", (412, {"status": "version-mismatch", "message": "The dashboard has been changed by someone else"})),
    ("13.1.0", (409, {"message": "Dashboard already exists. Use overwrite flag to update."}))])
def test_stale_legacy_save_by_version(version: str, expected: tuple[int, dict]) -> None:
    """13§3.2: a stale legacy save is 409 from the handler that writes through the resource API (13.1 or later
    [unverified]), 412 version-mismatch on 11.x-13.0."""
    with GrafanaServer(version=version) as server:
        save(server, {"uid": "d", "title": "D"})
        save(server, {"uid": "d", "title": "D", "version": 1})
        assert save(server, {"uid": "d", "title": "D", "version": 1}) == expected


def test_13_1_empty_title_message(g13: GrafanaServer) -> None:
    """13§3.2 (13.1+ [unverified]): an empty title is 400 "Dashboard spec is missing required title property"."""
    assert save(g13, {"uid": "d", "title": ""}) == (400, {"message": "Dashboard spec is missing required title "
                                                                     "property"})


@pytest.mark.parametrize(("version", "refused"), [("11.6.0", False), ("11.6.15", True), ("12.4.3", False),
                                                  ("12.4.4", True), ("13.1.0", True)])
def test_datasource_put_with_another_uid(version: str, refused: bool) -> None:
    """13§6: a datasource PUT whose body uid differs from the path is 400 since PR #125398 (backported to 11.6.15,
    12.2.9, 12.3.7, 12.4.4, 13.0.2); the message is not quoted by the reference. Before it the body uid was not
    checked (§5)."""
    with GrafanaServer(version=version) as server:
        call(server, "POST", "/api/datasources", {"uid": "p", "name": "P", "type": "prometheus"})
        status, _ = call(server, "PUT", "/api/datasources/uid/p", {"uid": "q", "name": "P", "type": "prometheus"})
        assert status == (400 if refused else 200)
        assert call(server, "PUT", "/api/datasources/uid/p", {"uid": "p", "name": "P", "type": "prometheus"})[0] == 200


def test_proxied_search_on_13(g13: GrafanaServer) -> None:
    """13§4.2 Search: /api/search served through the search resource (`unifiedStorageSearchUI`, default
    [unverified], on here for 13.x): hits lack the numeric id, slug and folder title; the default limit is 50;
    `page` pages by the limit (how it becomes an offset is [unverified])."""
    call(g13, "POST", "/api/folders", {"uid": "f", "title": "F"})
    for i in range(60):
        save(g13, {"uid": f"d{i:02d}", "title": f"D{i:02d}"}, folderUid="f")
    first = call(g13, "GET", "/api/search?type=dash-db")[1]
    assert len(first) == 50 and not {"id", "slug", "folderTitle", "folderId"} & set(first[0])
    assert first[0]["uid"] == "d00" and first[0]["folderUid"] == "f"
    second = call(g13, "GET", "/api/search?type=dash-db&page=2")[1]
    assert [h["uid"] for h in second] == [f"d{i}" for i in range(50, 60)]
    assert len(call(g13, "GET", "/api/search?type=dash-db&limit=100")[1]) == 60
    with GrafanaServer(version="13.1.0", unified_search=False) as server:
        save(server, {"uid": "d", "title": "D"})
        assert {"id", "slug"} <= set(call(server, "GET", "/api/search")[1][0])


def test_apis_folders(g13: GrafanaServer) -> None:
    """13§4.1 Folders (folder.grafana.app v1 on 13); 13§4.2 Folders: the parent is the grafana.app/folder
    annotation, the documented update conflict is 412 version-mismatch; §4: a deleted folder takes its dashboards."""
    status, parent = call(g13, "POST", folders(), resource("p", {"title": "Parent"}, api="folder.grafana.app/v1",
                                                            kind="Folder"))
    assert status == 201 and parent["metadata"]["generation"] == 1
    status, child = call(g13, "POST", folders(), resource("c", {"title": "Child"}, api="folder.grafana.app/v1",
                                                           kind="Folder", annotations={"grafana.app/folder": "p"}))
    assert status == 201 and call(g13, "GET", "/api/folders/c")[1]["parentUid"] == "p"
    assert call(g13, "GET", "/api/folders/c")[1].keys().isdisjoint({"_rv", "_annotations", "_labels", "_k8s_uid"})
    rv = child["metadata"]["resourceVersion"]
    moved = call(g13, "PUT", folders("v1", "c"), resource("c", {"title": "Child"}, api="folder.grafana.app/v1",
                                                           kind="Folder", resourceVersion=rv))[1]
    assert moved["metadata"]["generation"] == 1 and "grafana.app/folder" not in moved["metadata"]["annotations"]
    assert "parentUid" not in call(g13, "GET", "/api/folders/c")[1]
    assert call(g13, "PUT", folders("v1", "c"), resource("c", {"title": "Renamed"}, api="folder.grafana.app/v1",
                                                          kind="Folder", resourceVersion=rv)) == (
        412, {"message": "The folder has been changed by someone else", "status": "version-mismatch"})
    renamed = call(g13, "PUT", folders("v1", "c"), resource("c", {"title": "Renamed"}, api="folder.grafana.app/v1",
                                                             kind="Folder"))[1]
    assert renamed["metadata"]["generation"] == 2 and call(g13, "GET", "/api/folders/c")[1]["version"] == 2
    save(g13, {"uid": "d", "title": "D"}, folderUid="c")
    assert call(g13, "GET", dashboards("v1", "d"))[1]["metadata"]["annotations"]["grafana.app/folder"] == "c"
    assert [f["metadata"]["name"] for f in call(g13, "GET", folders())[1]["items"]] == ["c", "p"]
    assert call(g13, "DELETE", folders("v1", "c"))[0] == 200
    assert call(g13, "GET", dashboards("v1", "d"))[0] == 404


def test_counts_requests_per_kind(g13: GrafanaServer) -> None:
    """Request counting: legacy and /apis paths of one kind are counted together; discovery apart."""
    call(g13, "GET", "/api/health")
    call(g13, "GET", "/apis")
    call(g13, "POST", dashboards(), resource("d", {"title": "D"}))
    call(g13, "GET", "/api/dashboards/uid/d")
    call(g13, "GET", folders())
    call(g13, "GET", "/api/search")
    assert g13.counts_by_kind() == {"discovery": 2, "dashboards": 2, "folders": 1, "search": 1}
    assert g13.count_kind("dashboards", "GET") == 1 and g13.count_kind("alert-rules") == 0


def test_schema_v2_round_trip_keeps_typed_data_only() -> None:
    """13§3.4: classic -> v2 -> classic keeps title, description, tags, links, variables and panel queries/options,
    loses unknown root and panel keys; 13§3.1: v2 rows come back as row panels, auto grids as a plain grid."""
    from tests.grafana_server.schema_v2 import to_classic, to_v2, unknown_root_keys

    v2 = to_v2({**CLASSIC, "description": "x", "links": [{"title": "l"}]})
    assert unknown_root_keys(v2) == [] and set(v2["elements"]) == {"panel-1", "panel-3"}
    back = to_classic(v2)
    assert "graf" not in back and (back["title"], back["description"], back["tags"]) == ("Svc", "x", ["a"])
    assert back["links"] == [{"title": "l"}]
    assert [(p["type"], p["gridPos"]["y"]) for p in back["panels"]] == [("timeseries", 0), ("row", 8), ("stat", 9)]
    assert back["panels"][0]["targets"] == CLASSIC["panels"][0]["targets"]
    assert to_v2(back)["elements"] == v2["elements"]  # typed data is stable after the first conversion
    auto = {**v2, "layout": {"kind": "AutoGridLayout", "spec": {"items": [
        {"kind": "AutoGridLayoutItem", "spec": {"element": {"kind": "ElementReference", "name": n}}}
        for n in ("panel-1", "panel-3")]}}}
    assert [p["gridPos"] for p in to_classic(auto)["panels"]] == [{"h": 8, "w": 8, "x": 0, "y": 0},
                                                                   {"h": 8, "w": 8, "x": 8, "y": 0}]


def test_failed_conversion_names_the_stored_version(g13: GrafanaServer) -> None:
    """13§4.2 Read: a read at another version converts and fills status.conversion (failed, error, storedVersion);
    on failed: true the client reads again at storedVersion (the spec a failed conversion carries is [unverified]:
    none here)."""
    save(g13, CLASSIC)
    g13.state.dashboards["d"].conversion_error = "unsupported panel"
    status, body = call(g13, "GET", dashboards("v2", "d"))
    assert status == 200 and body["spec"] == {}
    assert body["status"]["conversion"] == {"failed": True, "error": "unsupported panel", "storedVersion": "v0alpha1"}
    stored = call(g13, "GET", dashboards(body["status"]["conversion"]["storedVersion"], "d"))[1]
    assert stored["status"] == {} and stored["spec"]["graf"] == CLASSIC["graf"]
    assert not call(g13, "GET", dashboards("v1", "d"))[1]["status"]["conversion"]["failed"]  # same schema family


def test_provisioned_dashboard_shows_its_manager_on_13(g13: GrafanaServer) -> None:
    """13§5 Kinds: classic-file-provisioning (deprecated) is file provisioning's manager kind ([inference] that it
    shows on file-provisioned dashboards); the UI does not save it in place (13§5 UI), the legacy POST refuses
    (§3.1 step 7)."""
    from tests.grafana_server.state import UiRefused

    g13.provision_dashboard("p", "P")
    annotations = call(g13, "GET", dashboards("v1", "p"))[1]["metadata"]["annotations"]
    assert annotations["grafana.app/managedBy"] == "classic-file-provisioning"
    with pytest.raises(UiRefused):
        g13.ui_save("p", lambda d: d.update(title="Q"))
    assert save(g13, {"uid": "p", "title": "Q", "version": 1}) == (400, {"message": "Cannot save provisioned "
                                                                                 "dashboard"})


_UNCHANGED = [test_dashboard_get_meta_and_versions, test_provisioned_dashboard_cannot_be_saved_or_deleted, test_folders,
              test_datasources, test_alert_rule_status_codes_and_re_encoding, test_rule_groups_interval_get_and_put,
              test_contact_points_and_policies, test_401_bodies, test_403_rbac_body_for_a_viewer_write]


@pytest.mark.parametrize(("version", "scenario"), [
    *((version, scenario) for version in ("12.4.4", "13.1.0") for scenario in _UNCHANGED),
    ("12.4.4", test_dashboard_save_errors)],  # 13.1 words the empty title differently (test_13_1_empty_title_...)
    ids=lambda v: getattr(v, "__name__", str(v)))
def test_legacy_api_is_unchanged_elsewhere(version: str, scenario: Any) -> None:
    """13§3: the legacy endpoints are deprecated, not removed; 13§6 data sources keep the 11.x shape; 13§7 the
    provisioning API remains; 13§8 authentication works as in 11.x: the 11.6 scenarios above hold on 12.4/13.x."""
    with GrafanaServer(version=version) as server:
        scenario(server)


def test_legacy_post_of_a_resource_object_on_13() -> None:
    """13§3.2 Full resource object (PR #119689, 13.0): accepted in the dashboard group (v1 and v2), with the quoted
    400s for a root id, a missing apiVersion, another group; a classic-looking body with v2 elements is 400 (the
    message is not quoted). 13.1+ [unverified]: client annotations are discarded, so the legacy POST cannot set a
    manager (13§5)."""
    from tests.grafana_server.schema_v2 import to_v2

    v2 = {"apiVersion": "dashboard.grafana.app/v2", "metadata": {"name": "d", "annotations": {
        "grafana.app/managedBy": "kubectl", "grafana.app/managerId": "graf"}}, "spec": to_v2({"title": "D"})}
    with GrafanaServer(version="13.0.8") as server:
        status, body = save(server, v2, folderUid="")
        assert (status, body["uid"], body["version"]) == (200, "d", 1)
        assert server.state.dashboards["d"].stored_as == "v2"
        assert server.state.dashboards["d"].annotations["grafana.app/managerId"] == "graf"
        assert save(server, {**v2, "id": 3}) == (400, {"message": "The k8s style dashboard must not include an id on "
                                                                  "the root element"})
        assert save(server, {"metadata": {"name": "e"}, "spec": {"title": "E"}}) == (400, {"message": (
            "Dashboard appears to be a k8s style resource, but is missing an explicit apiVersion.")})
        status, body = save(server, {**v2, "apiVersion": "folder.grafana.app/v1"})
        assert status == 400 and body["message"].startswith("The dashboard payload references a non dashboard "
                                                            "apiVersion")
        assert save(server, {"apiVersion": "dashboard.grafana.app/v1", "metadata": {"name": "e"}})[0] == 400
        assert save(server, {"uid": "f", "title": "F", **to_v2({"title": "F"})})[0] == 400
    with GrafanaServer(version="13.1.0") as server:
        assert save(server, v2)[0] == 200
        assert "grafana.app/managerId" not in server.state.dashboards["d"].annotations
    with GrafanaServer(version="12.4.4") as server:  # before PR #119689 the body is a classic dashboard
        assert save(server, {**v2, "uid": "d", "title": "D"})[0] == 200
        assert server.state.dashboards["d"].stored_as == "v0alpha1"
