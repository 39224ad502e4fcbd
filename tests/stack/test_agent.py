"""`graf stack agent` files: log shipper labels and multiline, node_exporter unit and web config, Spring settings."""

from __future__ import annotations

import json
import re
import shutil
import subprocess
from pathlib import Path
from typing import Any

import pytest
import yaml

from graf.config import Project
from graf.context import RenderContext
from graf.datasources import tempo
from graf.datasources.loki import DEFAULT_TRACE_ID_REGEX
from graf.errors import ConfigError
from graf.stack.agent import render_agent
from graf.stack.endpoints import unpublished_warnings
from graf.stack.spring import PLAIN_CORRELATION, actuator_paths
from tests.processes import promtool
from tests.stack.helpers import NODE_HASH, project, secure_nodes

HASH_ENV = {"NODE_EXPORTER_PASSWORD_HASH": NODE_HASH}
TRACE_ID = "4bf92f3577b34da6a3ce929d0e0e4736"


def _alloy_targets(text: str) -> list[dict[str, str]]:
    rows = re.findall(r"^\s+(\{\"__path__\".*\}),$", text, flags=re.M)
    return [dict(re.findall(r'"([^"]+)" = "([^"]*)"', row)) for row in rows]


def test_alloy_labels_match_the_queries_and_the_trace_link(tmp_path: Path) -> None:
    p = project(tmp_path)
    text = render_agent(p, "prod", "prod-app-2")["alloy/config.alloy"]
    assert _alloy_targets(text) == [{"__path__": "/var/log/shop-api/*.log", "job": "app-logs", "environment": "prod",
                                     "host": "prod-app-2", "application": "shop-api", "service_name": "shop-api"}]
    # Tempo's trace-to-logs link maps service.name to this label: the streams must carry it.
    link = tempo.datasource(RenderContext(p, p.environment("prod")))["jsonData"]["tracesToLogsV2"]["tags"]
    assert {tag["value"] for tag in link} <= set(_alloy_targets(text)[0])


def test_alloy_pipeline(tmp_path: Path) -> None:
    text = render_agent(project(tmp_path), "dev", "dev-app-1")["alloy/config.alloy"]
    assert 'firstline     = "^(?:\\\\{|\\\\d{4}' in text  # a record starts at "{" or a timestamp
    assert 'url = "http://10.0.0.10:3100/loki/api/v1/push"' in text
    assert "tail_from_end = true" in text and 'stage.labels {\n    values = {"level" = ""}' in text
    defined = set(re.findall(r'^(loki\.\w+) "(\w+)" \{', text, flags=re.M))
    for kind, name in re.findall(r"(loki\.\w+)\.(\w+)\.(?:receiver|targets)", text):
        assert (kind, name) in defined  # every reference points at a component of the file
    code = re.sub(r'"(?:[^"\\]|\\.)*"', '""', text)  # braces outside string literals balance
    assert code.count("{") == code.count("}") > 0
    assert "--storage.path=/var/lib/alloy/data" in render_agent(project(tmp_path), "dev", "dev-app-1")[
        "alloy/alloy.default"]


def test_alloy_plain_logs_start_at_a_timestamp(tmp_path: Path) -> None:
    p = project(tmp_path, lambda d: d["apps"]["shop-api"].update(log_format="plain"))
    text = render_agent(p, "dev", "dev-app-1")["alloy/config.alloy"]
    firstline = json.loads(re.search(r"firstline\s+= (\".*\")", text).group(1))
    assert re.match(firstline, "2026-11-25T03:00:00.123Z  INFO 1 --- [main] c.e.App : started")
    assert not re.match(firstline, "\tat com.example.App.main(App.java:10)")
    expression = json.loads(re.search(r"expression = (\".*\")", text).group(1))
    assert re.search(expression, "2026-11-25 03:00:00.123  WARN 1 --- x").group("level") == "WARN"


def test_promtail_on_request(tmp_path: Path) -> None:
    files = render_agent(project(tmp_path), "prod", "prod-app-1", "promtail")
    assert "alloy/config.alloy" not in files
    config = yaml.safe_load(files["promtail/config.yml"])
    assert config["positions"] == {"filename": "/var/lib/promtail/positions.yaml"}
    assert config["clients"] == [{"url": "http://10.0.0.10:3100/loki/api/v1/push"}]
    job = config["scrape_configs"][0]
    assert job["static_configs"][0]["labels"] == {"job": "app-logs", "environment": "prod", "host": "prod-app-1",
                                                  "application": "shop-api", "service_name": "shop-api",
                                                  "__path__": "/var/log/shop-api/*.log"}
    assert job["pipeline_stages"][0]["multiline"]["firstline"] == r"^(?:\{|\d{4}-\d{2}-\d{2}[T ]\d{2}:\d{2}:\d{2})"
    assert "end-of-life" in files["promtail/config.yml"]


def test_node_exporter_unit(tmp_path: Path) -> None:
    unit = render_agent(project(tmp_path), "prod", "prod-app-1")["node_exporter/node_exporter.service"]
    assert "--web.listen-address=10.0.2.11:9100" in unit
    assert "($$|/)" in unit  # systemd expands a lone $
    assert "--web.config.file" not in unit and "MemoryMax=64M" in unit
    moved = project(tmp_path, lambda d: d["environments"]["prod"]["servers"][0].update(
        node_exporter={"port": 9200, "listen_address": "127.0.0.1"}))
    assert "--web.listen-address=127.0.0.1:9200" in render_agent(moved, "prod", "prod-app-1")[
        "node_exporter/node_exporter.service"]


def _web_config(tmp_path: Path, p: Project) -> Path:
    files = render_agent(p, "prod", "prod-app-1", "alloy", HASH_ENV)
    assert "--web.config.file=/etc/node_exporter/web-config.yml" in files["node_exporter/node_exporter.service"]
    path = tmp_path / "node_exporter" / "web-config.yml"
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(files["node_exporter/web-config.yml"], encoding="utf-8")
    return path


@pytest.mark.prometheus
def test_promtool_accepts_the_basic_auth_web_config(tmp_path: Path) -> None:
    def basic_only(d: dict[str, Any]) -> None:
        secure_nodes(d)
        d["environments"]["prod"]["servers"][0]["node_exporter"]["tls"] = False

    path = _web_config(tmp_path, project(tmp_path, basic_only))
    assert yaml.safe_load(path.read_text()) == {"basic_auth_users": {"prometheus": NODE_HASH}}
    result = promtool("check", "web-config", str(path))
    assert result.returncode == 0, result.stderr


@pytest.mark.prometheus
def test_promtool_accepts_the_tls_web_config(tmp_path: Path) -> None:
    openssl = shutil.which("openssl")
    if openssl is None:
        pytest.skip("openssl not installed (needed to make a test certificate)")
    path = _web_config(tmp_path, project(tmp_path, secure_nodes))
    config = yaml.safe_load(path.read_text())
    assert config["tls_server_config"] == {"cert_file": "tls/node_exporter.crt", "key_file": "tls/node_exporter.key",
                                           "min_version": "TLS12"}
    assert promtool("check", "web-config", str(path)).returncode != 0  # no certificate yet: promtool says so
    tls = path.parent / "tls"
    tls.mkdir()
    subprocess.run([openssl, "req", "-x509", "-newkey", "ec", "-pkeyopt", "ec_paramgen_curve:prime256v1", "-nodes",
                    "-days", "1", "-subj", "/CN=prod-app-1", "-keyout", str(tls / "node_exporter.key"),
                    "-out", str(tls / "node_exporter.crt")], check=True, capture_output=True, timeout=60)
    result = promtool("check", "web-config", str(path))
    assert result.returncode == 0, result.stderr


def test_basic_auth_needs_a_bcrypt_hash(tmp_path: Path) -> None:
    def no_hash(d: dict[str, Any]) -> None:
        secure_nodes(d)
        del d["environments"]["prod"]["servers"][0]["node_exporter"]["basic_auth_password_hash"]

    with pytest.raises(ConfigError, match=r"servers\[0\]\.node_exporter\.basic_auth_password_hash: .*bcrypt"):
        render_agent(project(tmp_path, no_hash), "prod", "prod-app-1", "alloy", HASH_ENV)
    with pytest.raises(ConfigError, match="is not a bcrypt hash"):
        render_agent(project(tmp_path, secure_nodes), "prod", "prod-app-1", "alloy",
                     {"NODE_EXPORTER_PASSWORD_HASH": "plain-password"})
    with pytest.raises(ConfigError, match="NODE_EXPORTER_PASSWORD_HASH is not set"):
        render_agent(project(tmp_path, secure_nodes), "prod", "prod-app-1", "alloy", {})


@pytest.mark.parametrize(("path", "expected"), [("/prometheus-provider", ("/", "prometheus-provider")),
                                                ("/actuator/prometheus", ("/actuator", "prometheus")),
                                                ("/a/b/metrics/", ("/a/b", "metrics"))])
def test_actuator_paths(path: str, expected: tuple[str, str]) -> None:
    assert actuator_paths(path) == expected


def _spring(p: Project, env: str, host: str) -> dict[str, Any]:
    return yaml.safe_load(render_agent(p, env, host)["spring/shop-api/application.yml"])


def test_spring_settings_expose_what_the_dashboards_read(tmp_path: Path) -> None:
    p = project(tmp_path)
    prod, dev = _spring(p, "prod", "prod-app-1"), _spring(p, "dev", "dev-app-1")
    management = prod["management"]
    assert management["server"] == {"port": 8081, "address": "10.0.2.11"}
    assert management["endpoints"]["web"]["base-path"] == "/"
    assert management["endpoints"]["web"]["path-mapping"] == {"prometheus": "prometheus-provider"}
    assert management["endpoints"]["web"]["exposure"]["include"] == "health,prometheus"
    assert management["metrics"]["tags"] == {"application": "shop-api"}
    assert management["metrics"]["distribution"]["percentiles-histogram"] == {"[http.server.requests]": True}
    assert management["otlp"]["tracing"]["endpoint"] == "http://10.0.0.10:4318/v1/traces"
    assert management["tracing"]["sampling"]["probability"] == 0.1
    assert dev["management"]["tracing"]["sampling"]["probability"] == 1.0
    # The attribute the Overview's trace search and Tempo's trace-to-logs link filter on.
    assert management["opentelemetry"]["resource-attributes"] == {"deployment.environment": "prod"}
    assert dev["management"]["opentelemetry"]["resource-attributes"] == {"deployment.environment": "dev"}
    assert prod["spring"]["application"]["name"] == "shop-api"


def test_log_lines_carry_the_trace_id_the_loki_derived_field_matches(tmp_path: Path) -> None:
    json_app = _spring(project(tmp_path), "prod", "prod-app-1")
    assert json_app["logging"]["structured"]["format"]["file"] == "logstash"
    # Spring's logstash format writes MDC entries as top-level fields: {"traceId": "..."}.
    line = json.dumps({"@timestamp": "2026-11-25T03:00:00Z", "level": "INFO", "traceId": TRACE_ID, "message": "ok"})
    assert re.search(DEFAULT_TRACE_ID_REGEX, line).group(1) == TRACE_ID
    plain = _spring(project(tmp_path, lambda d: d["apps"]["shop-api"].update(log_format="plain")), "prod", "prod-app-1")
    pattern = plain["logging"]["pattern"]["correlation"]
    assert pattern == PLAIN_CORRELATION
    line = "2026-11-25T03:00:00Z  INFO 1 --- [main] " + pattern.replace("%X{traceId:-}", TRACE_ID).replace(
        "%X{spanId:-}", "00f067aa0ba902b7") + "c.e.Shop : order placed"
    assert re.search(DEFAULT_TRACE_ID_REGEX, line).group(1) == TRACE_ID


def test_agent_endpoints_and_unpublished_ingest(tmp_path: Path) -> None:
    p = project(tmp_path, lambda d: d["stack"].update(publish_ingest=False))
    assert len(unpublished_warnings(p)) == 2
    proxied = project(tmp_path, lambda d: d["stack"].update(
        publish_ingest=False, agent_endpoints={"loki": "https://logs.example.com", "otlp": "https://otlp.example.com"}))
    assert unpublished_warnings(proxied) == []
    assert unpublished_warnings(project(tmp_path)) == []
    loopback = project(tmp_path, lambda d: d["stack"]["server"].update(address="127.0.0.1"))
    assert unpublished_warnings(loopback)[0].startswith("stack.server.address is 127.0.0.1")
    files = render_agent(proxied, "prod", "prod-app-1")
    assert 'url = "https://logs.example.com/loki/api/v1/push"' in files["alloy/config.alloy"]
    assert "https://otlp.example.com/v1/traces" in files["spring/shop-api/application.yml"]


def test_unknown_host_names_the_key(tmp_path: Path) -> None:
    with pytest.raises(ConfigError, match=r"environments\.prod\.servers: no server with host 'prod-app-9'"):
        render_agent(project(tmp_path), "prod", "prod-app-9")
