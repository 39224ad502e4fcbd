"""graf plan / sync / export against the Grafana API test server, through the CLI as a user runs them."""

from __future__ import annotations

from pathlib import Path

from tests.grafana.conftest import Project
from tests.grafana_server import GrafanaServer

MANAGED = ["shop-prod-api", "shop-prod-jvm"]


def test_plan_lists_creates_and_exits_3(graf, grafana: GrafanaServer) -> None:
    run = graf("plan", "--env", "prod")
    assert run.code == 3
    assert "+ create    folder/shop-prod  'Shop prod': not in Grafana" in run.lines
    assert any(line.startswith("+ create    dashboard/shop-prod-jvm") for line in run.lines)
    assert run.lines[-1] == "plan prod: 6 to create"
    assert grafana.writes() == {}


def test_first_sync_creates_in_kind_order_then_plan_is_clean(graf, grafana: GrafanaServer) -> None:
    run = graf("sync", "--env", "prod")
    assert run.code == 0, run.err
    assert run.lines[-1] == "sync prod: 6 applied"
    order = [line.split()[1].split("/")[0] for line in run.lines[:-1]]
    assert order == ["folder", "datasource", "datasource", "datasource", "dashboard", "dashboard"]
    assert set(grafana.state.dashboards) == set(MANAGED)
    assert grafana.state.dashboards["shop-prod-jvm"].folder_uid == "shop-prod"
    assert graf("plan", "--env", "prod").code == 0
    # graf's record predicts the version each save stores (§3.2, §5), so it matches what Grafana holds.
    jvm = grafana.state.dashboards["shop-prod-jvm"]
    assert jvm.data["graf"]["managedBy"] == "graf" and jvm.data["graf"]["version"] == jvm.version == 1
    prometheus = grafana.state.datasources["prometheus"]
    assert prometheus.fields["jsonData"]["graf"]["version"] == prometheus.version == 1


def test_second_sync_makes_zero_writes(graf, grafana: GrafanaServer) -> None:
    assert graf("sync", "--env", "prod").code == 0
    grafana.reset_counts()
    run = graf("sync", "--env", "prod")
    assert run.code == 0
    assert run.lines == ["sync prod: 0 applied, 6 unchanged"]
    assert grafana.writes() == {}
    # /api/health (which API to speak), then one read per resource: folder, 3 datasources, 2 dashboards;
    # no search, no versions.
    assert grafana.count("GET") == 7 and grafana.count("GET", "/api/health") == 1


def test_code_change_is_an_update_of_that_dashboard_only(graf, grafana: GrafanaServer, project: Project) -> None:
    graf("sync", "--env", "prod")
    project.add("shop-prod-jvm", "JVM", expr="sum(up)")
    grafana.reset_counts()
    run = graf("sync", "--env", "prod")
    assert run.code == 0
    assert run.lines == ["update   dashboard/shop-prod-jvm", "sync prod: 1 applied, 5 unchanged"]
    assert grafana.writes() == {("POST", "/api/dashboards/db"): 1}
    stored = grafana.state.dashboards["shop-prod-jvm"]
    assert stored.data["panels"][0]["targets"][0]["expr"] == "sum(up)"
    assert stored.version == 2 == stored.data["graf"]["version"]
    assert stored.versions[-1]["message"] == f"graf sync {stored.data['graf']['hash']}"


def test_ui_edit_is_a_conflict_naming_who_and_when(graf, grafana: GrafanaServer, project: Project) -> None:
    graf("sync", "--env", "prod")
    grafana.ui_save("shop-prod-jvm", lambda d: d["panels"][0].update(title="Heap (edited)"), user="alice")
    edited = grafana.state.dashboards["shop-prod-jvm"]
    project.add("shop-prod-jvm", "JVM", expr="sum(up)")  # the code changed too
    grafana.reset_counts()
    run = graf("sync", "--env", "prod")
    assert run.code == 4
    conflict = next(line for line in run.lines if line.startswith("! conflict"))
    assert "dashboard/shop-prod-jvm" in conflict
    assert f"edited in Grafana by alice at {edited.updated}" in conflict
    assert "graf export --adopt shop-prod-jvm keeps the edit" in conflict
    assert "--force overwrites it" in conflict
    assert grafana.writes() == {}
    assert grafana.state.dashboards["shop-prod-jvm"].data["panels"][0]["title"] == "Heap (edited)"


def test_ui_save_that_drops_graf_marker_is_still_a_conflict(graf, grafana: GrafanaServer) -> None:
    graf("sync", "--env", "prod")
    grafana.ui_save("shop-prod-api", lambda d: d.update(title="API (edited)"), keep_unknown=False, user="alice")
    assert "graf" not in grafana.state.dashboards["shop-prod-api"].data
    grafana.reset_counts()
    run = graf("sync", "--env", "prod")
    assert run.code == 4
    assert any("dashboard/shop-prod-api" in line and "saved by alice" in line for line in run.lines)
    assert grafana.writes() == {}


def test_plan_shows_the_conflict_and_exits_3(graf, grafana: GrafanaServer) -> None:
    graf("sync", "--env", "prod")
    grafana.ui_save("shop-prod-jvm", lambda d: d.update(description="notes"))
    run = graf("plan", "--env", "prod")
    assert run.code == 3
    assert run.lines[-1] == "plan prod: 5 unchanged, 1 conflict"


def test_force_overwrites_the_ui_edit_and_then_sync_is_clean(graf, grafana: GrafanaServer) -> None:
    graf("sync", "--env", "prod")
    grafana.ui_save("shop-prod-jvm", lambda d: d.update(title="Edited"))
    run = graf("sync", "--env", "prod", "--force")
    assert run.code == 0
    assert "update   dashboard/shop-prod-jvm" in run.lines
    stored = grafana.state.dashboards["shop-prod-jvm"]
    assert stored.data["title"] == "JVM"
    assert stored.updated_by == "sa-graf"
    grafana.reset_counts()
    assert graf("sync", "--env", "prod").code == 0
    assert grafana.writes() == {}


def test_existing_dashboard_graf_did_not_create_is_a_conflict(graf, grafana: GrafanaServer) -> None:
    grafana.state.folder_create({"uid": "shop-prod", "title": "Shop prod"}, "admin")
    grafana.state.dashboard_save({"dashboard": {"uid": "shop-prod-jvm", "title": "Someone's JVM"},
                                  "folderUid": "shop-prod"}, "bob")
    run = graf("sync", "--env", "prod")
    assert run.code == 4
    assert any("dashboard/shop-prod-jvm" in line and "graf did not create it" in line and "bob" in line
               for line in run.lines)
    assert grafana.state.dashboards["shop-prod-jvm"].data["title"] == "Someone's JVM"


def test_prune_deletes_only_graf_managed_resources(graf, grafana: GrafanaServer, project: Project) -> None:
    graf("sync", "--env", "prod")
    grafana.state.dashboard_save({"dashboard": {"uid": "hand-made", "title": "Hand made"},
                                  "folderUid": "shop-prod"}, "bob")
    project.remove("shop-prod-api")
    grafana.reset_counts()
    run = graf("sync", "--env", "prod")
    assert run.code == 0 and grafana.writes() == {}
    assert "shop-prod-api" in grafana.state.dashboards
    run = graf("plan", "--env", "prod", "--prune")
    assert run.code == 3
    assert any(line.startswith("- delete    dashboard/shop-prod-api") for line in run.lines)
    assert not any("hand-made" in line for line in run.lines)
    grafana.reset_counts()
    run = graf("sync", "--env", "prod", "--prune")
    assert run.code == 0
    assert "delete   dashboard/shop-prod-api" in run.lines
    assert grafana.writes() == {("DELETE", "/api/dashboards/uid/shop-prod-api"): 1}
    assert set(grafana.state.dashboards) == {"shop-prod-jvm", "hand-made"}


def test_prune_leaves_an_edited_dashboard_as_a_conflict(graf, grafana: GrafanaServer, project: Project) -> None:
    graf("sync", "--env", "prod")
    grafana.ui_save("shop-prod-api", lambda d: d.update(title="Still used"))
    project.remove("shop-prod-api")
    run = graf("sync", "--env", "prod", "--prune")
    assert run.code == 4
    assert any("dashboard/shop-prod-api" in line and "no longer in code" in line for line in run.lines)
    assert "shop-prod-api" in grafana.state.dashboards


def test_provisioned_dashboard_and_read_only_datasource_are_skipped(graf, grafana: GrafanaServer,
                                                                    project: Project) -> None:
    grafana.state.folder_create({"uid": "shop-prod", "title": "Shop prod"}, "admin")
    grafana.provision_dashboard("shop-prod-jvm", "JVM from a file", "shop-prod")
    grafana.provision_datasource({"uid": "loki", "name": "Loki", "type": "loki", "url": "http://other:3100"})
    run = graf("sync", "--env", "prod", "--force")
    assert run.code == 0, run.out + run.err
    assert any(line.startswith("s skipped   dashboard/shop-prod-jvm") and "provisioned" in line for line in run.lines)
    assert any(line.startswith("s skipped   datasource/loki") and "read-only" in line for line in run.lines)
    writes = grafana.writes()
    assert ("PUT", "/api/datasources/uid/loki") not in writes
    assert grafana.state.dashboards["shop-prod-jvm"].data["title"] == "JVM from a file"
    assert grafana.state.datasources["loki"].fields["url"] == "http://other:3100"


def test_missing_secret_fails_before_any_write(graf, grafana: GrafanaServer, project: Project, monkeypatch) -> None:
    project.write_config(extra="datasources:\n  prometheus: {basic_auth_user: graf, basic_auth_password: "
                               "\"${PROM_PASSWORD}\"}\n")
    monkeypatch.delenv("PROM_PASSWORD", raising=False)
    run = graf("sync", "--env", "prod")
    assert run.code == 2
    assert "PROM_PASSWORD" in run.err and "nothing was written" in run.err
    assert len(run.err.strip().splitlines()) == 1
    assert grafana.writes() == {}


def test_secret_goes_to_secure_json_data_and_never_out(graf, grafana: GrafanaServer, project: Project,
                                                       monkeypatch, tmp_path: Path) -> None:
    project.write_config(extra="datasources:\n  prometheus: {basic_auth_user: graf, basic_auth_password: "
                               "\"${PROM_PASSWORD}\"}\n")
    monkeypatch.setenv("PROM_PASSWORD", "s3cret-value")
    run = graf("sync", "--env", "prod")
    assert run.code == 0, run.err
    stored = grafana.state.datasources["prometheus"]
    assert stored.secure == {"basicAuthPassword": "s3cret-value"}
    assert stored.fields["basicAuth"] is True and stored.fields["basicAuthUser"] == "graf"
    grafana.reset_counts()
    assert graf("sync", "--env", "prod").code == 0
    assert grafana.writes() == {}
    out = tmp_path / "exported"
    run = graf("export", "--env", "prod", "--out", str(out))
    assert "s3cret-value" not in run.out + run.err
    assert all("s3cret-value" not in p.read_text() for p in out.rglob("*.json"))
    assert "secureJsonFields" not in (out / "prod/datasource/prometheus.json").read_text()


def test_sync_then_export_equals_build(graf, project: Project, tmp_path: Path) -> None:
    assert graf("sync", "--env", "prod").code == 0
    assert graf("build", "--env", "prod", "--out", str(tmp_path / "build")).code == 0
    run = graf("export", "--env", "prod", "--out", str(tmp_path / "export"))
    assert run.code == 0
    assert run.lines[-1].startswith("export prod: 6 file(s)")
    built = {p.relative_to(tmp_path / "build"): p.read_bytes() for p in (tmp_path / "build").rglob("*.json")}
    exported = {p.relative_to(tmp_path / "export"): p.read_bytes() for p in (tmp_path / "export").rglob("*.json")}
    assert len(built) == 6
    assert exported == built


def test_export_then_sync_is_a_no_op(graf, grafana: GrafanaServer, project: Project, tmp_path: Path) -> None:
    graf("sync", "--env", "prod")
    grafana.ui_save("shop-prod-jvm", lambda d: d["panels"][0].update(title="Better title"))
    run = graf("export", "--env", "prod", "--uid", "shop-prod-jvm", "--out", str(tmp_path / "out"))
    assert run.code == 0
    assert any(line.startswith("drift: dashboard/shop-prod-jvm") and "alice" in line for line in run.lines)
    exported = tmp_path / "out/prod/dashboard/shop-prod-jvm.json"
    assert '"Better title"' in exported.read_text()
    # Keep the edit: the exported file replaces the one in code.
    (project.root / "dashboards/shop-prod-jvm.json").write_bytes(exported.read_bytes())
    run = graf("sync", "--env", "prod")
    assert run.code == 0
    assert "adopt    dashboard/shop-prod-jvm" in run.lines  # graf records the kept edit as its own
    grafana.reset_counts()
    run = graf("sync", "--env", "prod")
    assert run.code == 0 and grafana.writes() == {}
    assert grafana.state.dashboards["shop-prod-jvm"].data["panels"][0]["title"] == "Better title"


def test_export_all_then_adopt_an_unmanaged_dashboard(graf, grafana: GrafanaServer, project: Project,
                                                       tmp_path: Path) -> None:
    graf("sync", "--env", "prod")
    grafana.state.dashboard_save({"dashboard": {"uid": "team-made", "title": "Team made", "panels": []},
                                  "folderUid": "shop-prod"}, "bob")
    assert not (tmp_path / "out/prod/dashboard/team-made.json").exists()
    graf("export", "--env", "prod", "--out", str(tmp_path / "out"))
    assert not (tmp_path / "out/prod/dashboard/team-made.json").exists()
    run = graf("export", "--env", "prod", "--all", "--out", str(tmp_path / "out"))
    assert "unmanaged: dashboard/team-made" in " ".join(run.lines)
    exported = tmp_path / "out/prod/dashboard/team-made.json"
    (project.root / "dashboards/team-made.json").write_bytes(exported.read_bytes())
    run = graf("sync", "--env", "prod")
    assert run.code == 0
    assert "adopt    dashboard/team-made" in run.lines
    project.remove("team-made")
    run = graf("sync", "--env", "prod", "--prune")
    assert "delete   dashboard/team-made" in run.lines  # adopted: graf-managed now


def test_dry_run_writes_nothing(graf, grafana: GrafanaServer) -> None:
    run = graf("sync", "--env", "prod", "--dry-run")
    assert run.code == 3
    assert run.lines[-1] == "plan prod: 6 to create"
    assert grafana.writes() == {}


def test_only_limits_kinds(graf, grafana: GrafanaServer) -> None:
    run = graf("sync", "--env", "prod", "--only", "folder", "--only", "datasource")
    assert run.code == 0
    assert run.lines[-1] == "sync prod: 4 applied"
    assert grafana.state.dashboards == {}


def test_failure_mid_way_reports_what_was_applied_and_next_run_converges(graf, grafana: GrafanaServer) -> None:
    grafana.fail("POST", "/api/dashboards/db", status=500, times=2)  # a POST is read back and sent once more
    run = graf("sync", "--env", "prod", "--concurrency", "1")
    assert run.code == 1
    applied = [line for line in run.lines if "FAILED" not in line and line.startswith("create")]
    failed = [line for line in run.lines if "FAILED" in line]
    assert len(applied) == 5 and len(failed) == 1
    assert "Grafana answered 500" in failed[0]
    assert "1 of 6 writes failed" in run.err
    run = graf("sync", "--env", "prod")
    assert run.code == 0
    assert run.lines[-1] == "sync prod: 1 applied, 5 unchanged"


def test_sync_retries_5xx_429_and_dropped_connections_on_reads(graf, grafana: GrafanaServer) -> None:
    graf("sync", "--env", "prod")
    grafana.fail("GET", "/api/dashboards/uid/shop-prod-jvm", status=503, times=1)
    grafana.fail("GET", "/api/dashboards/uid/shop-prod-api", status=429, times=1)
    grafana.fail("GET", "/api/folders/shop-prod", status=None, times=1)
    grafana.reset_counts()
    run = graf("sync", "--env", "prod")
    assert run.code == 0, run.err
    assert grafana.count("GET", "/api/dashboards/uid/shop-prod-jvm") == 2
    assert grafana.count("GET", "/api/dashboards/uid/shop-prod-api") == 2
    assert grafana.count("GET", "/api/folders/shop-prod") == 2


def test_dashboard_moved_to_another_folder_is_moved_back(graf, grafana: GrafanaServer) -> None:
    graf("sync", "--env", "prod")
    grafana.state.folder_create({"uid": "elsewhere", "title": "Elsewhere"}, "admin")
    grafana.ui_save("shop-prod-api", lambda d: None)  # loads and saves unchanged ...
    grafana.state.dashboards["shop-prod-api"].folder_uid = "elsewhere"  # ... into another folder
    run = graf("sync", "--env", "prod")
    assert "update   dashboard/shop-prod-api" in run.lines
    assert grafana.state.dashboards["shop-prod-api"].folder_uid == "shop-prod"


def test_only_the_default_datasource_is_default_after_the_first_sync(graf, grafana: GrafanaServer) -> None:
    graf("sync", "--env", "prod")
    defaults = {uid for uid, ds in grafana.state.datasources.items() if ds.fields["isDefault"]}
    assert defaults == {"prometheus"}
    grafana.reset_counts()
    assert graf("sync", "--env", "prod").code == 0 and grafana.writes() == {}


def test_ui_save_between_plan_and_write_is_refused_not_overwritten(graf, grafana: GrafanaServer,
                                                                   project: Project) -> None:
    graf("sync", "--env", "prod")
    project.add("shop-prod-jvm", "JVM", expr="sum(up)")
    # alice saves right before graf's write reaches Grafana: graf's save carries the version it read.
    grafana.before("POST", "/api/dashboards/db",
                   lambda: grafana.ui_save("shop-prod-jvm", lambda d: d.update(title="Alice's"), user="alice"))
    run = graf("sync", "--env", "prod")
    assert run.code == 1
    assert any("dashboard/shop-prod-jvm" in line and "412: The dashboard has been changed by someone else" in line
               for line in run.lines)
    assert grafana.state.dashboards["shop-prod-jvm"].data["title"] == "Alice's"
    run = graf("sync", "--env", "prod")
    assert run.code == 4 and any("edited in Grafana by alice" in line for line in run.lines)


def test_datasource_edited_in_grafana_is_a_conflict(graf, grafana: GrafanaServer) -> None:
    graf("sync", "--env", "prod")
    stored = grafana.state.datasources["tempo"]
    body = {**stored.fields, "url": "http://tempo-by-hand:3200", "version": stored.version}
    assert grafana.state.datasource_update("tempo", body)[0] == 200  # jsonData.graf kept, as the UI does
    run = graf("sync", "--env", "prod")
    assert run.code == 4
    assert any(line.startswith("! conflict  datasource/tempo") for line in run.lines)
    assert grafana.state.datasources["tempo"].fields["url"] == "http://tempo-by-hand:3200"


def test_on_a_terminal_each_change_is_printed_in_colour_then_the_summary(graf, grafana: GrafanaServer,
                                                                         monkeypatch) -> None:
    """Issue 13: a terminal sees every change as plan shows it (coloured like plan), not only a progress bar."""
    import sys

    monkeypatch.setattr(sys.stdout, "isatty", lambda: True)
    monkeypatch.delenv("NO_COLOR", raising=False)
    run = graf("sync", "--env", "prod")
    assert run.code == 0
    assert "\x1b[32mcreate   folder/shop-prod\x1b[0m" in run.out  # green, as plan colours a create
    import click

    plain = [click.unstyle(line) for line in run.lines]
    assert plain == ["create   folder/shop-prod", "create   datasource/prometheus", "create   datasource/loki",
                     "create   datasource/tempo", "create   dashboard/shop-prod-api",
                     "create   dashboard/shop-prod-jvm", "sync prod: 6 applied"]


def test_no_color_turns_colour_off(graf, grafana: GrafanaServer, project: Project, monkeypatch) -> None:
    import sys

    monkeypatch.setattr(sys.stdout, "isatty", lambda: True)
    monkeypatch.setenv("NO_COLOR", "1")
    graf("sync", "--env", "prod")
    project.add("shop-prod-api", "API", expr="sum(up)")
    run = graf("plan", "--env", "prod")
    assert "\x1b[" not in run.out and run.lines[0].startswith("~ update    dashboard/shop-prod-api")


def test_plan_sync_and_export_speak_json(graf, grafana: GrafanaServer, project: Project, tmp_path) -> None:
    import json

    run = graf("plan", "--env", "prod", "--format", "json")
    plan = json.loads(run.out)
    assert run.code == 3 and plan["env"] == "prod" and plan["pending"] is True
    assert plan["counts"] == {"create": 6}
    first = plan["changes"][0]
    assert (first["kind"], first["uid"], first["action"], first["write"]) == ("folder", "shop-prod", "create", True)
    run = graf("sync", "--env", "prod", "--format", "json")
    synced = json.loads(run.out)
    assert run.code == 0 and synced["applied"] == 6 and synced["failed"] == 0
    assert [o["status"] for o in synced["outcomes"]] == ["applied"] * 6
    run = graf("export", "--env", "prod", "--format", "json", "--out", str(tmp_path / "x"))
    exported = json.loads(run.out)
    assert run.code == 0 and len(exported["files"]) == 6 and exported["drift"] == []
    assert all(f.startswith(str(tmp_path / "x")) for f in exported["files"])


def test_a_post_lost_before_it_landed_is_read_back_and_sent_again(graf, grafana: GrafanaServer) -> None:
    """A dropped connection on one POST no longer abandons the other writes (issue 12)."""
    graf("sync", "--env", "prod", "--only", "folder")  # the server has answered once: a drop is now ambiguous
    grafana.fail("POST", "/api/dashboards/db", status=None, times=1)  # a POST is never retried blindly
    run = graf("sync", "--env", "prod", "--concurrency", "1")
    assert run.code == 0, run.out + run.err
    assert run.lines[-1] == "sync prod: 5 applied, 1 unchanged"
    assert grafana.count("POST", "/api/dashboards/db") == 3  # the lost one, once more, and the other dashboard
    assert sorted(grafana.state.dashboards) == ["shop-prod-api", "shop-prod-jvm"]
    run = graf("sync", "--env", "prod")
    assert run.code == 0 and run.lines[-1] == "sync prod: 0 applied, 6 unchanged"


def test_a_post_that_landed_before_its_answer_was_lost_counts_as_applied(graf, grafana: GrafanaServer) -> None:
    graf("sync", "--env", "prod", "--only", "folder")
    grafana.fail("POST", "/api/dashboards/db", status=None, times=1, after=True)
    run = graf("sync", "--env", "prod", "--concurrency", "1")
    assert run.code == 0, run.out + run.err
    assert "conflict" not in run.out.lower() and "FAILED" not in run.out
    assert grafana.count("POST", "/api/dashboards/db") == 2  # no second write of the one that landed
    run = graf("sync", "--env", "prod")
    assert run.code == 0 and run.lines[-1] == "sync prod: 0 applied, 6 unchanged"


def test_a_retried_put_that_had_landed_is_not_reported_as_someone_elses_edit(graf, grafana: GrafanaServer,
                                                                           project: Project) -> None:
    graf("sync", "--env", "prod")
    project.add("shop-prod-api", "API", expr="up == 1")
    # Grafana stores the update, then the answer is a 503: graf retries nothing on a POST, reads back instead
    grafana.fail("POST", "/api/dashboards/db", status=503, times=1, after=True)
    grafana.reset_counts()
    run = graf("sync", "--env", "prod")
    assert run.code == 0, run.out + run.err
    assert run.lines[-1] == "sync prod: 1 applied, 5 unchanged"
    assert grafana.count("POST", "/api/dashboards/db") == 1  # read back, found landed: not written twice
    run = graf("sync", "--env", "prod")
    assert run.code == 0 and run.lines[-1] == "sync prod: 0 applied, 6 unchanged"


def test_datasource_name_taken_by_another_uid_is_a_clear_clash(graf, grafana: GrafanaServer) -> None:
    grafana.state.datasource_create({"uid": "someone-elses", "name": "Tempo", "type": "tempo", "url": "http://t"})
    run = graf("sync", "--env", "prod")
    assert run.code == 1
    [failed] = [line for line in run.lines if "FAILED" in line]
    assert ("datasource/tempo: clashes with another resource in Grafana (409: data source with the same name "
            "already exists) (give it another name or uid in code") in failed


def test_target_live_gives_graf_managed_resources_in_canonical_form(graf, grafana: GrafanaServer,
                                                                 project: Project) -> None:
    from graf.config import load_project
    from graf.target import Target

    graf("sync", "--env", "prod")
    grafana.state.dashboard_save({"dashboard": {"uid": "hand-made", "title": "Hand made"}}, "bob")
    loaded = load_project(project.config)
    with Target(loaded, loaded.environment("prod"), url=grafana.url) as target:
        live = target.live()
    assert [r.key for r in live] == [("folder", "shop-prod"), ("datasource", "loki"), ("datasource", "prometheus"),
                                     ("datasource", "tempo"), ("dashboard", "shop-prod-api"),
                                     ("dashboard", "shop-prod-jvm")]
    jvm = next(r for r in live if r.uid == "shop-prod-jvm")
    assert "graf" not in jvm.body and "version" not in jvm.body and "id" not in jvm.body
    assert jvm.folder == "shop-prod" and jvm.body["panels"][0]["targets"][0]["expr"] == "up"
