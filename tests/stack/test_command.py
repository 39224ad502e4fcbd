"""`graf stack render|agent|up` at the command line: files written safely, docker missing is exit 2."""

from __future__ import annotations

import http.server
import json
import os
import stat
import subprocess
import sys
import threading
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from pathlib import Path

import pytest
from click.testing import CliRunner, Result

from graf import cli as cli_module
from tests.processes import free_port
from tests.stack import fake_sync
from tests.stack.helpers import write_project


def _graf(*args: str, cwd: Path, path: str | None = None) -> subprocess.CompletedProcess[str]:
    env = {**os.environ, **({"PATH": path} if path is not None else {})}
    return subprocess.run([sys.executable, "-m", "graf", *args], cwd=cwd, capture_output=True, text=True,
                          timeout=60, env=env)


def _invoke(config: Path, *args: str) -> Result:
    """In-process, as `graf.cli.main` runs it: the command's return value is the exit code it would give."""
    return CliRunner().invoke(cli_module.cli, ["--config", str(config), *args], catch_exceptions=False,
                              standalone_mode=False)


def test_render_writes_the_server_folder(tmp_path: Path) -> None:
    config = write_project(tmp_path)
    out = tmp_path / "server"
    result = _invoke(config, "stack", "render", "--out", str(out))
    assert result.exit_code == 0, result.output
    written = sorted(str(p.relative_to(out)) for p in out.rglob("*") if p.is_file())
    assert written == [".env.example", ".gitignore", ".graf-files", "docker-compose.yml", "loki/config.yaml",
                       "prometheus/prometheus.yml", "tempo/tempo.yaml"]
    # Containers read the configs as their own non-root users.
    assert stat.S_IMODE((out / "prometheus/prometheus.yml").stat().st_mode) == 0o644
    assert "profile small: memory limits 1568 MiB of a 1748 MiB budget" in result.output
    assert "retention: metrics 15d or 2GiB, logs 7d, traces 3d" in result.output
    assert (out / ".gitignore").read_text() == ".env\n"


def test_render_profile_flag_and_kept_user_files(tmp_path: Path) -> None:
    config = write_project(tmp_path)
    out = tmp_path / "server"
    _invoke(config, "stack", "render", "--out", str(out))
    (out / ".env").write_text("GRAFANA_ADMIN_PASSWORD=x\n")
    result = _invoke(config, "stack", "render", "--out", str(out), "--profile", "large")
    assert "profile large: memory limits 6208 MiB of a 6992 MiB budget" in result.output
    assert (out / ".env").read_text() == "GRAFANA_ADMIN_PASSWORD=x\n"
    assert "memory: 2048M" in (out / "docker-compose.yml").read_text()


def test_agent_switching_shipper_removes_only_graf_files(tmp_path: Path) -> None:
    config = write_project(tmp_path)
    out = tmp_path / "agent"
    first = _invoke(config, "stack", "agent", "--env", "prod", "--host", "prod-app-1", "--out", str(out))
    assert first.exit_code == 0
    assert (out / "alloy/config.alloy").is_file()
    (out / "notes.txt").write_text("mine")
    second = _invoke(config, "stack", "agent", "--env", "prod", "--host", "prod-app-1", "--out", str(out),
                     "--shipper", "promtail")
    assert "removed 2 stale" in second.output
    assert not (out / "alloy/config.alloy").exists() and (out / "promtail/config.yml").is_file()
    assert (out / "notes.txt").read_text() == "mine"


def test_agent_default_folder(tmp_path: Path) -> None:
    config = write_project(tmp_path)
    result = _invoke(config, "stack", "agent", "-e", "dev", "--host", "dev-app-1")
    assert result.exit_code == 0
    assert (tmp_path / "stack-out/agents/dev/dev-app-1/spring/shop-api/application.yml").is_file()


def test_agent_unknown_host_is_one_line_exit_2(tmp_path: Path) -> None:
    write_project(tmp_path)
    result = _graf("stack", "agent", "--env", "prod", "--host", "nope", cwd=tmp_path)
    assert result.returncode == 2
    assert result.stderr == ("error: graf.yaml: environments.prod.servers: no server with host 'nope' "
                             "(known: prod-app-1, prod-app-2)\n")


def test_up_without_docker_is_one_line_exit_2(tmp_path: Path) -> None:
    write_project(tmp_path)
    empty = tmp_path / "bin"
    empty.mkdir()
    result = _graf("stack", "up", cwd=tmp_path, path=str(empty))
    assert result.returncode == 2
    assert result.stderr.startswith("error: docker: not installed")
    assert len(result.stderr.strip().splitlines()) == 1
    assert (tmp_path / "stack-out/server/docker-compose.yml").is_file()  # rendered anyway, to copy elsewhere


FAKE_DOCKER = """#!/bin/sh
echo "$@" >> "{log}"
case "$1 $2" in
  "compose version") echo "Docker Compose version v2.30.0";;
  "info --format") {info};;
  "compose up") exit 0;;
esac
"""


def _fake_docker(tmp_path: Path, engine: bool = True) -> tuple[str, Path]:
    folder = tmp_path / "fakebin"
    folder.mkdir()
    log = tmp_path / "docker.log"
    info = 'echo "28.2.2"' if engine else 'echo "Cannot connect to the Docker daemon" >&2; exit 1'
    script = folder / "docker"
    script.write_text(FAKE_DOCKER.format(log=log, info=info))
    script.chmod(0o755)
    return f"{folder}:{os.environ['PATH']}", log


def test_up_without_engine_is_one_line_exit_2(tmp_path: Path) -> None:
    write_project(tmp_path)
    path, _ = _fake_docker(tmp_path, engine=False)
    result = _graf("stack", "up", cwd=tmp_path, path=path)
    assert result.returncode == 2
    assert result.stderr.strip() == ("error: docker: no Docker engine reachable: Cannot connect to the Docker daemon "
                                     "(start the docker service, or check DOCKER_HOST)")


def test_up_needs_the_secrets(tmp_path: Path) -> None:
    write_project(tmp_path)
    path, log = _fake_docker(tmp_path)
    env_path = {k: v for k, v in os.environ.items() if k != "GRAFANA_ADMIN_PASSWORD"}
    result = subprocess.run([sys.executable, "-m", "graf", "stack", "up"], cwd=tmp_path, capture_output=True,
                            text=True, timeout=60, env={**env_path, "PATH": path})
    assert result.returncode == 2
    assert "stack-out/server/.env: GRAFANA_ADMIN_PASSWORD not set" in result.stderr
    assert "compose up" not in log.read_text()


@contextmanager
def _grafana_health(port: int, answers: list[int]) -> Iterator[list[str]]:
    """A stand-in Grafana: /api/health answers the given codes in turn, then 200."""
    seen: list[str] = []

    class Handler(http.server.BaseHTTPRequestHandler):
        def do_GET(self) -> None:
            seen.append(self.path)
            code = answers.pop(0) if answers else 200
            self.send_response(code)
            self.end_headers()
            self.wfile.write(json.dumps({"database": "ok" if code == 200 else "failing"}).encode())

        def log_message(self, *args: object) -> None:
            pass

    server = http.server.ThreadingHTTPServer(("127.0.0.1", port), Handler)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    try:
        yield seen
    finally:
        server.shutdown()
        server.server_close()


def _local_grafana(port: int) -> Callable[[dict], None]:
    def mutate(d: dict) -> None:
        d["stack"].update(grafana_address="127.0.0.1", ports={"grafana": port})
        d["environments"]["dev"]["grafana"]["url"] = f"http://127.0.0.1:{port}"
        d["environments"]["prod"]["grafana"]["url"] = f"http://localhost:{port}"
    return mutate


@pytest.fixture
def fake_sync_registered(monkeypatch: pytest.MonkeyPatch) -> list[dict[str, object]]:
    monkeypatch.setitem(cli_module.COMMANDS, "sync", "tests.stack.fake_sync")
    fake_sync.CALLS.clear()
    return fake_sync.CALLS


def test_up_starts_waits_and_syncs_each_environment(tmp_path: Path, monkeypatch: pytest.MonkeyPatch,
                                                    fake_sync_registered: list[dict[str, object]]) -> None:
    port = free_port()
    config = write_project(tmp_path, _local_grafana(port))
    path, log = _fake_docker(tmp_path)
    monkeypatch.setenv("PATH", path)
    monkeypatch.setenv("GRAFANA_ADMIN_PASSWORD", "from-the-environment")
    with _grafana_health(port, [503, 503]) as seen:
        result = _invoke(config, "stack", "up", "--timeout", "30")
    assert seen.count("/api/health") == 3
    assert f"Grafana healthy at http://127.0.0.1:{port}" in result.output
    assert "compose up -d --remove-orphans" in log.read_text()
    assert [c["env"] for c in fake_sync_registered] == ["dev", "prod"]
    assert all(c["dry_run"] is False and c["project"] == "Invocation" for c in fake_sync_registered)
    assert result.return_value == 4  # the worst sync result (the fake prod sync left conflicts)


def test_up_env_flag_and_no_sync(tmp_path: Path, monkeypatch: pytest.MonkeyPatch,
                                 fake_sync_registered: list[dict[str, object]]) -> None:
    port = free_port()
    config = write_project(tmp_path, _local_grafana(port))
    path, _ = _fake_docker(tmp_path)
    monkeypatch.setenv("PATH", path)
    out = tmp_path / "server"
    out.mkdir()
    (out / ".env").write_text("GRAFANA_ADMIN_PASSWORD=in-the-env-file\n")
    with _grafana_health(port, []):
        only_dev = _invoke(config, "stack", "up", "--out", str(out), "--env", "dev")
        skipped = _invoke(config, "stack", "up", "--out", str(out), "--no-sync")
    assert only_dev.return_value == 0 and skipped.return_value == 0
    assert [c["env"] for c in fake_sync_registered] == ["dev"]


def test_up_times_out_when_grafana_stays_unhealthy(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    from graf.errors import StackError

    port = free_port()
    config = write_project(tmp_path, _local_grafana(port))
    path, _ = _fake_docker(tmp_path)
    monkeypatch.setenv("PATH", path)
    monkeypatch.setenv("GRAFANA_ADMIN_PASSWORD", "x")
    expected = r"Grafana not healthy after 3s \(HTTP 503\)"
    with _grafana_health(port, [503] * 50), pytest.raises(StackError, match=expected):
        _invoke(config, "stack", "up", "--timeout", "3", "--no-sync")


@pytest.mark.parametrize("command", ["render", "up", "agent", "upgrade-check"])
def test_every_stack_command_has_help(command: str) -> None:
    result = CliRunner().invoke(cli_module.cli, ["stack", command, "--help"])
    assert result.exit_code == 0, result.output
    assert f"Usage: cli stack {command}" in result.output or f"stack {command} [OPTIONS]" in result.output


def test_up_syncs_into_grafana_with_the_real_sync(tmp_path: Path, monkeypatch: pytest.MonkeyPatch,
                                                  capsys: pytest.CaptureFixture[str]) -> None:
    """`graf stack up` → fake docker → the Grafana API test server answers health → the real `graf sync` writes."""
    from graf.cli import main
    from tests.grafana_server import GrafanaServer

    with GrafanaServer() as grafana:
        def on_test_server(d: dict) -> None:
            _local_grafana(grafana.port)(d)
            d["dashboards"]["builtin"] = ["node"]

        config = write_project(tmp_path, on_test_server)
        path, log = _fake_docker(tmp_path)
        monkeypatch.setenv("PATH", path)
        monkeypatch.setenv("GRAFANA_ADMIN_PASSWORD", "x")
        monkeypatch.setenv("GRAFANA_TOKEN", grafana.token)
        monkeypatch.setenv("ALERT_WEBHOOK_URL", "http://127.0.0.1:9/alerts")  # the example's contact point
        with pytest.raises(SystemExit) as exited:
            main(["--config", str(config), "stack", "up", "--timeout", "20"])
        assert exited.value.code == 0, capsys.readouterr().err
        assert "compose up -d" in log.read_text()
        assert grafana.count("GET", "/api/health") >= 1
        assert set(grafana.state.datasources) >= {"prometheus", "loki", "tempo"}
        assert {"shop-dev", "shop-prod"} <= set(grafana.state.folders)
        assert any(uid.startswith("shop-prod") for uid in grafana.state.dashboards)
        assert any(uid.startswith("shop-prod-alert-") for uid in grafana.state.rules)


def test_up_goes_on_when_one_sync_fails(tmp_path: Path, monkeypatch: pytest.MonkeyPatch,
                                        fake_sync_registered: list[dict[str, object]],
                                        capsys: pytest.CaptureFixture[str]) -> None:
    port = free_port()

    def three_environments(d: dict) -> None:
        _local_grafana(port)(d)
        d["environments"] = {"staging": {**d["environments"]["dev"], "servers": []}, **d["environments"]}

    config = write_project(tmp_path, three_environments)
    path, _ = _fake_docker(tmp_path)
    monkeypatch.setenv("PATH", path)
    monkeypatch.setenv("GRAFANA_ADMIN_PASSWORD", "x")
    with _grafana_health(port, []):
        result = _invoke(config, "stack", "up")
    assert [c["env"] for c in fake_sync_registered] == ["staging", "dev", "prod"]
    assert "error: http://127.0.0.1:3000: Grafana rejected the credentials (401)" in result.stderr
    assert result.return_value == 1  # staging's failure counts over prod's conflicts (4)
