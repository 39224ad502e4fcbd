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
