"""prometheus/prometheus.yml: promtool passes it, and a real Prometheus scrapes real targets with it.

The Debian Prometheus is 2.42 while the stack pins 3.13.2; the renderer uses only configuration
2.42 reads, so these tests need no special rendering: the file the image runs is the one checked.
"""

from __future__ import annotations

import http.server
import subprocess
import threading
import time
import urllib.error
import urllib.request
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

import pytest
import yaml

from graf.config import Project
from graf.stack.agent import render_agent
from graf.stack.server import render_server
from tests.processes import binary, free_port, prometheus, promtool
from tests.reference import reference_path
from tests.stack.helpers import NODE_HASH, NODE_PASSWORD, project, secure_nodes

pytestmark = pytest.mark.prometheus


def _check(tmp_path: Path, text: str) -> subprocess.CompletedProcess[str]:
    path = tmp_path / "prometheus.yml"
    path.write_text(text, encoding="utf-8")
    (tmp_path / "certs").mkdir(exist_ok=True)
    (tmp_path / "certs" / "ca.crt").write_text("", encoding="utf-8")
    return promtool("check", "config", str(path))


@pytest.mark.parametrize("variant", ["example", "secured", "medium", "one-env"])
def test_promtool_accepts_every_rendered_config(tmp_path: Path, variant: str) -> None:
    p = project(tmp_path, secure_nodes if variant == "secured" else None)
    envs = [p.environment("dev")] if variant == "one-env" else []
    text = render_server(p, "medium" if variant == "medium" else None, envs).files["prometheus/prometheus.yml"]
    result = _check(tmp_path, text)
    assert result.returncode == 0, result.stdout + result.stderr
    assert "SUCCESS" in result.stdout


def test_promtool_rejects_a_broken_config(tmp_path: Path) -> None:
    """The check above can fail: the same file with a duplicated job name does."""
    config = yaml.safe_load(render_server(project(tmp_path)).files["prometheus/prometheus.yml"])
    config["scrape_configs"].append(config["scrape_configs"][0])
    assert _check(tmp_path, yaml.safe_dump(config)).returncode != 0


def _jobs(p: Project) -> dict[str, dict[str, Any]]:
    config = yaml.safe_load(render_server(p).files["prometheus/prometheus.yml"])
    return {job["job_name"]: job for job in config["scrape_configs"]}


def test_scrape_jobs_per_environment_and_server(tmp_path: Path) -> None:
    jobs = _jobs(project(tmp_path))
    node = jobs["prod/node/prod-app-2"]
    assert node["static_configs"] == [{"targets": ["10.0.2.12:9100"],
                                       "labels": {"job": "node", "environment": "prod", "host": "prod-app-2"}}]
    app = jobs["dev/spring-boot/dev-app-1/shop-api"]
    assert app["metrics_path"] == "/prometheus-provider"
    assert app["static_configs"][0]["targets"] == ["10.0.1.11:8081"]
    assert app["static_configs"][0]["labels"] == {"job": "spring-boot", "environment": "dev", "host": "dev-app-1",
                                                  "application": "shop-api"}
    assert app["sample_limit"] == 20000
    assert jobs["monitoring/node"]["static_configs"][0]["targets"] == ["10.0.0.10:9100"]  # on the host network
    # the log shipper's own metrics, where the rendered /etc/default/alloy makes it listen
    alloy = jobs["prod/alloy/prod-app-2"]
    assert alloy["static_configs"] == [{"targets": ["10.0.2.12:12345"],
                                        "labels": {"job": "alloy", "environment": "prod", "host": "prod-app-2"}}]
    default = render_agent(project(tmp_path), "prod", "prod-app-2")["alloy/alloy.default"]
    assert "--server.http.listen-addr=10.0.2.12:12345" in default


def test_label_and_job_names_come_from_graf_yaml(tmp_path: Path) -> None:
    def rename(d: dict[str, Any]) -> None:
        d["labels"].update(environment="env", application="app")
        d["jobs"].update(node="hosts", app="shop")

    jobs = _jobs(project(tmp_path, rename))
    labels = jobs["prod/shop/prod-app-1/shop-api"]["static_configs"][0]["labels"]
    assert labels == {"job": "shop", "env": "prod", "host": "prod-app-1", "app": "shop-api"}
    assert jobs["prod/shop/prod-app-1/shop-api"]["metric_relabel_configs"][0]["regex"] == "exported_app"
    assert jobs["prod/hosts/prod-app-1"]["static_configs"][0]["labels"]["job"] == "hosts"


def test_secured_node_job_matches_the_exporter(tmp_path: Path) -> None:
    job = _jobs(project(tmp_path, secure_nodes))["prod/node/prod-app-1"]
    assert job["scheme"] == "https"
    assert job["tls_config"] == {"ca_file": "certs/ca.crt", "server_name": "prod-app-1"}
    assert job["basic_auth"] == {"username": "prometheus", "password_file": "secrets/node_exporter_password"}
    assert "insecure_skip_verify" not in str(job)


# ---------------------------------------------------------------------------- real processes


def _unit_command(unit: str) -> list[str]:
    start = unit.split("ExecStart=", 1)[1].split("\nRestart", 1)[0]
    return [word.replace("$$", "$") for word in start.replace("\\\n", " ").split()]


@contextmanager
def _node_exporter_from_unit(unit: str, web_config: Path) -> Iterator[list[str]]:
    """Debian's node_exporter with exactly the rendered unit's flags (binary and web-config path swapped)."""
    command = [binary("prometheus-node-exporter")]
    for flag in _unit_command(unit)[1:]:
        command.append(f"--web.config.file={web_config}" if flag.startswith("--web.config.file=") else flag)
    address = next(f.split("=", 1)[1] for f in command if f.startswith("--web.listen-address="))
    process = subprocess.Popen(command, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    try:
        deadline = time.monotonic() + 20
        while True:
            assert process.poll() is None, f"node_exporter exited: {command}"
            try:
                urllib.request.urlopen(f"http://{address}/metrics", timeout=1)
                break
            except urllib.error.HTTPError as exc:
                assert exc.code == 401  # up, and asking for the password
                break
            except OSError:
                assert time.monotonic() < deadline, "node_exporter did not start"
                time.sleep(0.1)
        yield command
    finally:
        process.terminate()
        process.wait(timeout=10)


@contextmanager
def _spring_app(port: int, path: str, body: bytes) -> Iterator[None]:
    class Handler(http.server.BaseHTTPRequestHandler):
        def do_GET(self) -> None:
            code = 200 if self.path == path else 404
            self.send_response(code)
            self.send_header("Content-Type", "text/plain; version=0.0.4")
            self.end_headers()
            if code == 200:
                self.wfile.write(body)

        def log_message(self, *args: object) -> None:
            pass

    server = http.server.ThreadingHTTPServer(("127.0.0.1", port), Handler)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        yield
    finally:
        server.shutdown()
        server.server_close()


def test_real_prometheus_scrapes_prod_with_the_environment_label(tmp_path: Path) -> None:
    node_port, app_port = free_port(), free_port()

    def local_prod(d: dict[str, Any]) -> None:
        d["stack"]["scrape_interval"] = "1s"
        d["apps"]["shop-api"]["port"] = app_port
        d["environments"]["prod"]["servers"] = [{
            "host": "prod-app-1", "address": "127.0.0.1", "apps": ["shop-api"],
            "node_exporter": {"port": node_port, "basic_auth_user": "prometheus",
                              "basic_auth_password": "${NODE_EXPORTER_PASSWORD}",
                              "basic_auth_password_hash": "${NODE_EXPORTER_PASSWORD_HASH}"}}]

    p = project(tmp_path, local_prod)
    agent = render_agent(p, "prod", "prod-app-1", "alloy", {"NODE_EXPORTER_PASSWORD_HASH": NODE_HASH})
    web_config = tmp_path / "web-config.yml"
    web_config.write_text(agent["node_exporter/web-config.yml"], encoding="utf-8")
    server = render_server(p, None, [p.environment("prod")])
    compose = yaml.safe_load(server.files["docker-compose.yml"])
    flags = [f for f in compose["services"]["prometheus"]["command"]
             if not f.startswith(("--config.file", "--storage.tsdb.path"))]
    workdir = tmp_path / "prometheus"
    (workdir / "secrets").mkdir(parents=True)
    (workdir / "secrets" / "node_exporter_password").write_text(NODE_PASSWORD, encoding="utf-8")
    scrape = reference_path("exposition/spring-boot-3.5-webflux-actuator-prometheus.txt").read_bytes()
    scrape += b'graf_tagged_total{application="old-name"} 1\n'  # the app's own Micrometer tag

    with _node_exporter_from_unit(agent["node_exporter/node_exporter.service"], web_config) as command, \
            _spring_app(app_port, "/prometheus-provider", scrape), \
            prometheus(server.files["prometheus/prometheus.yml"], workdir, *flags) as prom:
        assert f"--web.listen-address=127.0.0.1:{node_port}" in command
        node = prom.wait_for('up{job="node",environment="prod",host="prod-app-1"} == 1')
        app = prom.wait_for('up{job="spring-boot",environment="prod",application="shop-api"} == 1')
        tagged = prom.wait_for('graf_tagged_total{environment="prod"}')
        jvm = prom.wait_for('jvm_info{job="spring-boot",environment="prod"}')
    assert node[0]["metric"]["instance"] == f"127.0.0.1:{node_port}"
    assert app[0]["metric"]["instance"] == f"127.0.0.1:{app_port}"
    assert tagged[0]["metric"]["application"] == "shop-api"
    assert "exported_application" not in tagged[0]["metric"]
    assert jvm[0]["metric"]["host"] == "prod-app-1"


def _with_scrape(data: dict[str, Any]) -> None:
    server = data["environments"]["prod"]["servers"][0]
    server["scrape"] = [
        {"job": "redis", "port": 9121},
        {"job": "postgres", "port": 9187, "path": "/pg-metrics", "scheme": "https", "basic_auth_user": "prom",
         "basic_auth_password": "${PG_EXPORTER_PASSWORD}"},
        {"job": "blackbox", "port": 9115, "bearer_token": "${BLACKBOX_TOKEN}"},
    ]


def test_scrape_targets_are_jobs_with_the_environment_label(tmp_path: Path) -> None:
    p = project(tmp_path, _with_scrape)
    rendered = render_server(p)
    jobs = _jobs(p)
    host = p.environment("prod").servers[0].host
    postgres = jobs[f"prod/postgres/{host}"]
    assert postgres["metrics_path"] == "/pg-metrics" and postgres["scheme"] == "https"
    assert postgres["basic_auth"] == {"username": "prom", "password_file": "secrets/pg_exporter_password"}
    assert postgres["static_configs"][0]["labels"] == {"job": "postgres", "environment": "prod", "host": host}
    assert jobs[f"prod/blackbox/{host}"]["authorization"] == {"type": "Bearer",
                                                               "credentials_file": "secrets/blackbox_token"}
    assert "PG_EXPORTER_PASSWORD=" in rendered.files[".env.example"].splitlines()
    assert "pg_exporter_password" in yaml.safe_load(rendered.files["docker-compose.yml"])["secrets"]
    assert "${" not in rendered.files["prometheus/prometheus.yml"]  # secrets are files, never values
    (tmp_path / "secrets").mkdir()  # where compose mounts them: promtool reads a bearer token file
    for name in ("pg_exporter_password", "blackbox_token"):
        (tmp_path / "secrets" / name).write_text("x", encoding="utf-8")
    result = _check(tmp_path, rendered.files["prometheus/prometheus.yml"])
    assert result.returncode == 0, result.stdout + result.stderr
