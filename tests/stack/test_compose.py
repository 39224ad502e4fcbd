"""docker-compose.yml: valid compose, bounded, health-checked, secrets only by reference, ports bound safely."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import jsonschema
import pytest
import yaml

from graf.config import Project
from graf.stack.agent import render_agent
from graf.stack.server import environments_on_stack, render_server
from graf.stack.sizing import MIB, PROFILES
from tests.reference import reference_json
from tests.stack.helpers import NODE_HASH, project, secure_nodes

INGEST = {3100, 4317, 4318}


def _compose(p: Project, profile: str | None = None) -> dict[str, Any]:
    return yaml.safe_load(render_server(p, profile).files["docker-compose.yml"])


def _bytes(text: str) -> int:
    assert text.endswith("M"), text
    return int(text[:-1]) * MIB


@pytest.fixture
def example(tmp_path: Path) -> Project:
    return project(tmp_path)


@pytest.mark.parametrize("profile", sorted(PROFILES))
def test_compose_validates_against_the_compose_spec(tmp_path: Path, profile: str) -> None:
    schema = reference_json("schemas/compose-spec.json")
    p = project(tmp_path, secure_nodes)
    jsonschema.Draft7Validator(schema).validate(_compose(p, profile))


@pytest.mark.parametrize("profile", sorted(PROFILES))
def test_every_service_limited_and_the_sum_within_budget(example: Project, profile: str) -> None:
    services = _compose(example, profile)["services"]
    limits = {name: _bytes(s["deploy"]["resources"]["limits"]["memory"]) for name, s in services.items()}
    assert set(limits) == {"grafana", "prometheus", "loki", "tempo", "node-exporter"}
    assert sum(limits.values()) <= PROFILES[profile].budget_mib * MIB
    for name, service in services.items():
        assert service["memswap_limit"] == service["deploy"]["resources"]["limits"]["memory"], name
        soft = service.get("environment", {}).get("GOMEMLIMIT")
        if name == "prometheus":
            assert soft is None
        else:
            assert soft is not None and int(soft.removesuffix("MiB")) * MIB < limits[name], name


def test_small_profile_totals_what_the_header_says(example: Project) -> None:
    text = render_server(example).files["docker-compose.yml"]
    assert "memory limits sum to 1568 MiB of a 1748 MiB budget (2048 MiB host)" in text


def test_health_restart_logs_and_volumes(example: Project) -> None:
    compose = _compose(example)
    services = compose["services"]
    for name, service in services.items():
        assert service["restart"] == "unless-stopped"
        assert service["logging"] == {"driver": "json-file", "options": {"max-size": "10m", "max-file": "3"}}
        assert service["healthcheck"]["test"][0] in ("CMD", "CMD-SHELL"), name
        assert "no-new-privileges:true" in service["security_opt"]
    assert services["grafana"]["depends_on"] == {n: {"condition": "service_healthy"}
                                                 for n in ("prometheus", "loki", "tempo")}
    assert services["tempo"]["depends_on"] == {"prometheus": {"condition": "service_healthy"}}
    assert "3200/ready" in " ".join(services["tempo"]["healthcheck"]["test"])
    assert set(compose["volumes"]) == {"grafana-data", "prometheus-data", "loki-data", "tempo-data"}
    mounts = {name: s["volumes"] for name, s in services.items()}
    assert "loki-data:/loki" in mounts["loki"] and "tempo-data:/var/tempo" in mounts["tempo"]
    assert "prometheus-data:/prometheus" in mounts["prometheus"]
    assert "grafana-data:/var/lib/grafana" in mounts["grafana"]


def test_grafana_is_safe_and_not_file_provisioned(example: Project) -> None:
    grafana = _compose(example)["services"]["grafana"]
    env = grafana["environment"]
    assert env["GF_SECURITY_ADMIN_PASSWORD__FILE"] == "/run/secrets/grafana_admin_password"
    assert "GF_SECURITY_ADMIN_PASSWORD" not in env
    assert env["GF_USERS_ALLOW_SIGN_UP"] == "false" and env["GF_AUTH_ANONYMOUS_ENABLED"] == "false"
    assert grafana["volumes"] == ["grafana-data:/var/lib/grafana"]  # no provisioning/ mount: graf sync writes
    assert _compose(example)["secrets"]["grafana_admin_password"] == {"environment": "GRAFANA_ADMIN_PASSWORD"}


def _published(compose: dict[str, Any]) -> list[tuple[str, str, int]]:
    out = []
    for name, service in compose["services"].items():
        for mapping in service.get("ports", []):
            address, _host, container = mapping.split(":")
            out.append((name, address, int(container)))
    return out


def test_only_grafana_and_ingest_leave_loopback(example: Project) -> None:
    published = _published(_compose(example))
    assert ("grafana", "10.0.0.10", 3000) in published
    assert {c for _, a, c in published if a == "10.0.0.10"} == {3000} | INGEST
    for name, address, container in published:
        if container not in INGEST and container != 3000:
            assert address == "127.0.0.1", (name, container)
    assert "ports" not in _compose(example)["services"]["node-exporter"]


def test_ingest_on_loopback_when_not_published(tmp_path: Path) -> None:
    p = project(tmp_path, lambda d: d["stack"].update(publish_ingest=False, grafana_address="127.0.0.1"))
    assert {a for _, a, _ in _published(_compose(p))} == {"127.0.0.1"}


def test_host_ports_from_graf_yaml_container_ports_fixed(tmp_path: Path) -> None:
    p = project(tmp_path, lambda d: d["stack"].update(ports={"grafana": 3001, "loki": 13100}))
    ports = _compose(p)["services"]
    assert ports["grafana"]["ports"] == ["10.0.0.10:3001:3000"]
    assert ports["loki"]["ports"] == ["10.0.0.10:13100:3100"]


def test_images_pinned_and_overridable(tmp_path: Path) -> None:
    services = _compose(project(tmp_path))["services"]
    assert {n: s["image"] for n, s in services.items()} == {
        "prometheus": "prom/prometheus:v3.13.2", "loki": "grafana/loki:3.7.6", "tempo": "grafana/tempo:2.10.8",
        "grafana": "grafana/grafana:12.4.10", "node-exporter": "prom/node-exporter:v1.12.1"}
    # Tempo 2.8-2.10 images are distroless: no shell, busybox wget in /busybox.
    assert services["tempo"]["healthcheck"]["test"] == ["CMD", "/busybox/wget", "-q", "--spider",
                                                        "http://localhost:3200/ready"]
    other = project(tmp_path, lambda d: d["stack"].update(images={"tempo": "grafana/tempo:2.7.2",
                                                                  "grafana": "grafana/grafana:13.2.3"}))
    services = _compose(other)["services"]
    assert services["grafana"]["image"] == "grafana/grafana:13.2.3"
    assert services["tempo"]["healthcheck"]["test"] == ["CMD-SHELL",
                                                        "wget -q --spider http://localhost:3200/ready || exit 1"]


def test_tempo_3_has_no_in_container_health_check(tmp_path: Path) -> None:
    services = _compose(project(tmp_path, lambda d: d["stack"].update(images={"tempo": "grafana/tempo:3.0.3"})))
    services = services["services"]
    assert "healthcheck" not in services["tempo"]  # distroless without wget (stack research 2.1)
    assert services["grafana"]["depends_on"]["tempo"] == {"condition": "service_started"}
    assert services["grafana"]["depends_on"]["loki"] == {"condition": "service_healthy"}


def test_retention_flags_and_dollar_escaping(example: Project) -> None:
    text = render_server(example).files["docker-compose.yml"]
    compose = yaml.safe_load(text)
    command = compose["services"]["prometheus"]["command"]
    assert "--storage.tsdb.retention.time=15d" in command and "--storage.tsdb.retention.size=2GB" in command
    assert "--web.enable-remote-write-receiver" in command and "--enable-feature=exemplar-storage" in command
    exclude = compose["services"]["node-exporter"]["command"][1]
    assert exclude.endswith("($$|/)")  # compose would read a lone $ as interpolation
    assert "${" not in text and "&id" not in text  # no interpolation, no YAML anchors


def test_node_exporter_passwords_reach_prometheus_as_secret_files(tmp_path: Path) -> None:
    compose = _compose(project(tmp_path, secure_nodes))
    assert compose["secrets"]["node_exporter_password"] == {"environment": "NODE_EXPORTER_PASSWORD"}
    prometheus = compose["services"]["prometheus"]
    assert prometheus["secrets"] == [{"source": "node_exporter_password",
                                      "target": "/etc/prometheus/secrets/node_exporter_password"}]
    assert "./prometheus/certs:/etc/prometheus/certs:ro" in prometheus["volumes"]


def test_no_secret_value_in_any_rendered_file(tmp_path: Path) -> None:
    values = {"GRAFANA_TOKEN": "tok-8c1f-secret", "ALERT_WEBHOOK_URL": "https://hooks.example/secret-77",
              "NODE_EXPORTER_PASSWORD": "node-pass-secret-91", "GRAFANA_ADMIN_PASSWORD": "admin-secret-55",
              "NODE_EXPORTER_PASSWORD_HASH": NODE_HASH}
    p = project(tmp_path, secure_nodes)
    files = dict(render_server(p).files)
    files.update(render_agent(p, "prod", "prod-app-1", "alloy", values))
    files.update(render_agent(p, "prod", "prod-app-2", "promtail", values))
    assert "node_exporter/web-config.yml" in files
    for name, text in files.items():
        for variable, value in values.items():
            if variable != "NODE_EXPORTER_PASSWORD_HASH":
                assert value not in text, (name, variable)


def test_environments_on_stack(tmp_path: Path) -> None:
    assert [e.name for e in environments_on_stack(project(tmp_path))] == ["dev", "prod"]
    moved = project(tmp_path, lambda d: d["environments"]["dev"]["grafana"].update(url="https://grafana.example.com"))
    assert [e.name for e in environments_on_stack(moved)] == ["prod"]
    assert "GF_SERVER_ROOT_URL: http://10.0.0.10:3000/" in render_server(moved).files["docker-compose.yml"]


def test_env_example_lists_every_secret_compose_reads(tmp_path: Path) -> None:
    from graf.stack.compose import secret_variables

    p = project(tmp_path, secure_nodes)
    text = render_server(p).files[".env.example"]
    listed = [line.removesuffix("=") for line in text.splitlines() if line.endswith("=")]
    assert listed == ["GRAFANA_ADMIN_PASSWORD", "NODE_EXPORTER_PASSWORD"]
    assert listed == secret_variables(list(p.environments.values()))
    assert {s["environment"] for s in _compose(p)["secrets"].values()} == set(listed)


def test_the_servers_node_exporter_sees_the_hosts_network(example: Project, tmp_path: Path) -> None:
    """pid and network of the host (stack research 5.3), listening on the private address only; Prometheus
    scrapes it there like an app server's node_exporter."""
    node = _compose(example)["services"]["node-exporter"]
    assert node["network_mode"] == "host" and node["pid"] == "host"
    assert "--web.listen-address=10.0.0.10:9100" in node["command"] and "ports" not in node
    assert node["healthcheck"]["test"] == ["CMD-SHELL", "wget -q --spider http://10.0.0.10:9100/metrics || exit 1"]
    scrape = yaml.safe_load(render_server(example).files["prometheus/prometheus.yml"])
    [job] = [j for j in scrape["scrape_configs"] if j["job_name"] == "monitoring/node"]
    assert job["static_configs"][0]["targets"] == ["10.0.0.10:9100"]
    # A loopback server address cannot be reached from Prometheus' container: node_exporter stays on the
    # compose network and is scraped by its service name.
    local = project(tmp_path, lambda d: d["stack"].update(server={"host": "monitoring", "address": "127.0.0.1"},
                                                          publish_ingest=False, grafana_address="127.0.0.1"))
    node = _compose(local)["services"]["node-exporter"]
    assert "network_mode" not in node and not any(f.startswith("--web.listen-address") for f in node["command"])
    scrape = yaml.safe_load(render_server(local).files["prometheus/prometheus.yml"])
    [job] = [j for j in scrape["scrape_configs"] if j["job_name"] == "monitoring/node"]
    assert job["static_configs"][0]["targets"] == ["node-exporter:9100"]
