"""Every error class reaches the user as one line naming the resource and what to do, with its exit code."""

from __future__ import annotations

import os
import socket
import subprocess
import sys

import pytest

from tests.grafana.conftest import Project
from tests.grafana_server import ADMIN_TOKEN, VIEWER_TOKEN, GrafanaServer

# Every safety property holds over both transports (direct, and niquests where a proxy is set).
pytestmark = pytest.mark.usefixtures("each_transport")


def _closed_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def _one_error_line(err: str) -> str:
    lines = [line for line in err.splitlines() if line.strip()]
    assert len(lines) == 1, err
    assert lines[0].startswith("error: ")
    return lines[0]


def test_unreachable_host_in_a_real_process(project: Project) -> None:
    env = {**os.environ, "GRAFANA_URL": f"http://127.0.0.1:{_closed_port()}", "GRAFANA_TOKEN": "x"}
    proc = subprocess.run([sys.executable, "-m", "graf", "--config", str(project.config), "sync", "--env", "prod"],
                          env=env, capture_output=True, text=True, timeout=60)
    assert proc.returncode == 1
    line = _one_error_line(proc.stderr)
    assert line.startswith("error: cannot reach Grafana at http://127.0.0.1:")  # about the server, no resource
    assert "Connection refused" in line
    assert "check that Grafana runs" in line
    assert "Traceback" not in proc.stderr


def test_tls_error(graf, grafana: GrafanaServer, monkeypatch) -> None:
    monkeypatch.setenv("GRAFANA_URL", grafana.url.replace("http://", "https://"))
    run = graf("plan", "--env", "prod")
    assert run.code == 1
    line = _one_error_line(run.err)
    assert "TLS error talking to https://127.0.0.1:" in line
    assert "verify_tls" in line


def test_a_server_that_never_answered_is_not_retried_on_a_timeout(graf, grafana: GrafanaServer,
                                                                   project: Project) -> None:
    """A hung server (accepts, never answers) costs one timeout, not one per retry."""
    project.write_config(timeout=0.3)
    grafana.fail("GET", "*", status=200, times=10, delay=1.0)
    run = graf("plan", "--env", "prod", "--only", "folder")
    assert run.code == 1
    line = _one_error_line(run.err)
    assert line.startswith("error: Grafana's /api/health: Grafana at http://127.0.0.1:")
    assert "did not answer within 0.3s" in line and "grafana.timeout" in line
    assert grafana.count("GET") == 1


def test_a_timeout_from_a_server_that_answered_before_is_retried(grafana: GrafanaServer) -> None:
    from graf.errors import Unreachable
    from graf.grafana.client import Credentials, Grafana

    api = Grafana(grafana.url, Credentials(token=ADMIN_TOKEN), timeout=0.3, backoff=0.01)
    assert api.get("/folders", what="folders") == []
    grafana.fail("GET", "/api/folders/shop-prod", status=200, times=10, delay=1.0)
    with pytest.raises(Unreachable, match=r"did not answer within 0\.3s"):
        api.get("/folders/shop-prod", what="folder/shop-prod")
    api.close()
    assert grafana.count("GET", "/api/folders/shop-prod") == 4  # 1 try + 3 retries


def test_401_names_the_credentials_to_set(graf, monkeypatch) -> None:
    monkeypatch.setenv("GRAFANA_TOKEN", "not-a-token")
    run = graf("sync", "--env", "prod")
    assert run.code == 1
    line = _one_error_line(run.err)
    assert line.startswith("error: Grafana at http://127.0.0.1:")  # about the server, not the first resource read
    assert "rejected the credentials (401: Invalid API key)" in line
    assert "GRAFANA_TOKEN" in line


def test_403_reports_each_write_and_what_role_is_needed(graf, grafana: GrafanaServer, monkeypatch) -> None:
    monkeypatch.setenv("GRAFANA_TOKEN", VIEWER_TOKEN)
    run = graf("sync", "--env", "prod")
    assert run.code == 1
    failed = [line for line in run.lines if "FAILED" in line]
    assert failed and all("permission denied (403: You'll need additional permissions" in line for line in failed)
    assert all("Editor role" in line for line in failed)
    assert grafana.state.folders == {}


def test_missing_folder(graf, grafana: GrafanaServer) -> None:
    run = graf("sync", "--env", "prod", "--only", "dashboard")
    assert run.code == 1
    failed = [line for line in run.lines if "FAILED" in line]
    assert len(failed) == 2
    assert "dashboard/shop-prod-api: its folder does not exist in Grafana (400: folder not found)" in failed[0]
    assert "sync the folder first" in failed[0]


@pytest.mark.parametrize("status", [409, 412])
def test_conflict_while_writing(graf, grafana: GrafanaServer, status: int) -> None:
    graf("sync", "--env", "prod", "--only", "folder", "--only", "datasource")
    grafana.fail("POST", "/api/dashboards/db", status=status, times=1)
    run = graf("sync", "--env", "prod", "--concurrency", "1")
    assert run.code == 1
    failed = [line for line in run.lines if "FAILED" in line]
    assert len(failed) == 1
    assert f"changed in Grafana by someone else while graf was writing ({status}: injected failure)" in failed[0]
    assert "run graf plan" in failed[0]


@pytest.mark.parametrize("message", [
    "Dashboard already exists. Use overwrite flag to update.",  # 13.1+ legacy POST, grafana-13-api.md §3.2
    'Operation cannot be fulfilled on dashboards.dashboard.grafana.app "x": the object has been modified; '
    "please apply your changes to the latest version and try again",  # /apis stale resourceVersion, §4.2
])
def test_a_stale_save_on_grafana_13_is_changed_by_someone_else_not_a_clash(message: str) -> None:
    from graf.errors import Conflict
    from graf.grafana.answers import _status_error
    from graf.grafana.client import Credentials, Grafana

    api = Grafana("http://127.0.0.1:9", Credentials())
    error = _status_error(api, 409, {"message": message}, "POST", "dashboard/x", retry=False)
    assert isinstance(error, Conflict)
    assert "changed in Grafana by someone else while graf was writing" in error.message


def test_5xx_on_reads_is_retried_then_reported(graf, grafana: GrafanaServer) -> None:
    grafana.fail("GET", "/api/folders/shop-prod", status=503, times=10)
    run = graf("plan", "--env", "prod")
    assert run.code == 1
    assert _one_error_line(run.err) == "error: 1 resource(s) could not be read; run graf plan again"
    # The one resource is reported with the reason; the others are planned (a flaky read stops nothing else).
    [line] = [line for line in run.lines if line.startswith("x unread")]
    assert line.startswith("x unread    folder/shop-prod  'Shop prod': could not read it (folder/shop-prod: Grafana "
                           "answered 503: injected failure after 3 retries")
    assert any(line.startswith("+ create    dashboard/shop-prod-jvm") for line in run.lines)
    assert grafana.count("GET", "/api/folders/shop-prod") == 4


def test_sync_writes_what_it_could_read_and_exits_1_for_the_rest(graf, grafana: GrafanaServer) -> None:
    grafana.fail("GET", "/api/dashboards/uid/shop-prod-jvm", status=503, times=4)
    run = graf("sync", "--env", "prod")
    assert run.code == 1 and "1 resource(s) could not be read" in run.err
    assert set(grafana.state.dashboards) == {"shop-prod-api"}  # never created blind: it may exist
    assert run.lines[-1] == "sync prod: 5 applied, 1 unread"
    assert graf("sync", "--env", "prod").code == 0
    assert set(grafana.state.dashboards) == {"shop-prod-api", "shop-prod-jvm"}


def test_every_read_failing_is_one_error_not_a_plan_of_unreads(graf, grafana: GrafanaServer) -> None:
    grafana.fail("GET", "/api/*", status=503, times=1000)
    run = graf("plan", "--env", "prod")
    assert run.code == 1 and "Grafana answered 503" in _one_error_line(run.err)


def test_unknown_environment_is_a_config_error(graf) -> None:
    run = graf("plan", "--env", "staging")
    assert run.code == 2
    assert "unknown environment 'staging'" in _one_error_line(run.err)


def test_unset_token_variable_named_by_graf_yaml(graf, monkeypatch) -> None:
    monkeypatch.delenv("GRAFANA_TOKEN")
    run = graf("plan", "--env", "prod")
    assert run.code == 2
    line = _one_error_line(run.err)
    assert "environments.prod.grafana.token" in line and "GRAFANA_TOKEN is not set" in line
