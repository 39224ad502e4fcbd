"""docker-compose.yml of the monitoring server: pinned, bounded, health-checked, published only where needed.

Published: Grafana (on `stack.grafana_address`, default the server's private address) and, with
`stack.publish_ingest`, the ports the app servers push to (Loki push, OTLP gRPC/HTTP) on the
server's private address; every other port is bound to 127.0.0.1 or not published at all.
Docker-published ports bypass host firewalls (UFW), so the address binding is the real boundary.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from graf.config import Environment, Project
from graf.errors import ConfigError
from graf.stack import images
from graf.stack._yaml import GENERATED, dump
from graf.stack.addresses import every_interface
from graf.stack.prometheus import NODE_EXPORTER_PORT, host_node_exporter, secret_name
from graf.stack.sizing import EffectiveRetention, Profile, prometheus_duration, prometheus_size

LOOPBACK = "127.0.0.1"
ADMIN_SECRET = "grafana_admin_password"
ADMIN_VARIABLE = "GRAFANA_ADMIN_PASSWORD"
VOLUMES = {"grafana": "/var/lib/grafana", "prometheus": "/prometheus", "loki": "/loki", "tempo": "/var/tempo"}


def image_set(project: Project) -> dict[str, str]:
    return {**images.PINNED, **project.stack.images}


def published_ports(project: Project) -> dict[str, tuple[str, int, int]]:
    """Port name -> (bind address, host port, container port) for everything the compose file publishes."""
    stack = project.stack
    ingest = stack.server_address if stack.publish_ingest else LOOPBACK
    ports = stack.ports
    published = {
        "grafana": (stack.grafana_bind, ports["grafana"], 3000),
        "prometheus": (LOOPBACK, ports["prometheus"], 9090),
        "loki": (ingest, ports["loki"], 3100),
        "tempo": (LOOPBACK, ports["tempo"], 3200),
        "otlp_grpc": (ingest, ports["otlp_grpc"], 4317),
        "otlp_http": (ingest, ports["otlp_http"], 4318),
    }
    for name, (address, _, _) in published.items():
        # graf.yaml is checked on load; a Project built in code is checked here, before anything is written.
        if every_interface(address):
            raise ConfigError(f"stack.ports.{name}", f"{address!r} would publish on every interface",
                              "use the server's private address, or 127.0.0.1 behind a reverse proxy")
    return published


def node_secrets(environments: Sequence[Environment]) -> dict[str, str]:
    """Compose secret name -> environment variable, for every node_exporter basic-auth password and scrape
    target secret."""
    out: dict[str, str] = {}
    for env in environments:
        for server in env.servers:
            password = server.node_exporter.basic_auth_password
            if password is not None:
                out[secret_name(server.node_exporter)] = password.name
            for target in server.scrape:  # the scrape targets' passwords and tokens (graf.yaml servers[].scrape)
                for secret in (target.basic_auth_password, target.bearer_token):
                    if secret is not None:
                        out[secret.name.lower()] = secret.name
    return out


def secret_variables(environments: Sequence[Environment]) -> list[str]:
    """Every variable docker compose must find in `.env` (or its environment) for this stack."""
    return [ADMIN_VARIABLE, *sorted(set(node_secrets(environments).values()))]


def compose_config(project: Project, profile: Profile, retention: EffectiveRetention,
                   environments: Sequence[Environment], grafana_root_url: str | None) -> dict[str, Any]:
    stack = project.stack
    image = image_set(project)
    ports = published_ports(project)
    nodes = node_secrets(environments)

    def port(name: str) -> str:
        address, host, container = ports[name]
        return f"{address}:{host}:{container}"

    grafana_env = {
        "GF_SECURITY_ADMIN_USER": "admin",
        "GF_SECURITY_ADMIN_PASSWORD__FILE": f"/run/secrets/{ADMIN_SECRET}",
        "GF_USERS_ALLOW_SIGN_UP": "false",
        "GF_AUTH_ANONYMOUS_ENABLED": "false",
        "GF_ANALYTICS_REPORTING_ENABLED": "false",
        "GF_ANALYTICS_CHECK_FOR_UPDATES": "false",
        "GOMEMLIMIT": profile.gomemlimit("grafana"),
    }
    if grafana_root_url:
        grafana_env["GF_SERVER_ROOT_URL"] = grafana_root_url
    tempo_health = images.tempo_healthcheck(image["tempo"], "http://localhost:3200/ready")
    services: dict[str, Any] = {
        "prometheus": {
            "image": image["prometheus"],
            "command": [
                "--config.file=/etc/prometheus/prometheus.yml",
                "--storage.tsdb.path=/prometheus",
                f"--storage.tsdb.retention.time={prometheus_duration(retention.metrics_seconds)}",
                f"--storage.tsdb.retention.size={prometheus_size(retention.metrics_bytes)}",
                "--web.enable-remote-write-receiver",
                "--enable-feature=exemplar-storage",
                f"--query.max-concurrency={profile.prometheus_query_concurrency}",
                f"--query.max-samples={profile.prometheus_max_samples}",
                "--query.timeout=2m",
            ],
            "volumes": ["./prometheus/prometheus.yml:/etc/prometheus/prometheus.yml:ro",
                        *(["./prometheus/certs:/etc/prometheus/certs:ro"] if _any_tls(environments) else []),
                        "prometheus-data:/prometheus"],
            **({"secrets": [{"source": name, "target": f"/etc/prometheus/secrets/{name}"} for name in sorted(nodes)]}
               if nodes else {}),
            "ports": [port("prometheus")],
            "healthcheck": _health(["CMD-SHELL", "wget -q --spider http://localhost:9090/-/ready || exit 1"]),
            "stop_grace_period": "60s",
        },
        "loki": {
            "image": image["loki"],
            "command": ["-config.file=/etc/loki/config.yaml"],
            "environment": {"GOMEMLIMIT": profile.gomemlimit("loki")},
            "volumes": ["./loki/config.yaml:/etc/loki/config.yaml:ro", "loki-data:/loki"],
            "ports": [port("loki")],
            "healthcheck": _health(["CMD-SHELL", "wget -q --spider http://localhost:3100/ready || exit 1"],
                                   start_period="60s"),
            "stop_grace_period": "60s",
        },
        "tempo": {
            "image": image["tempo"],
            "command": ["-config.file=/etc/tempo/tempo.yaml"],
            "environment": {"GOMEMLIMIT": profile.gomemlimit("tempo")},
            "volumes": ["./tempo/tempo.yaml:/etc/tempo/tempo.yaml:ro", "tempo-data:/var/tempo"],
            "ports": [port("tempo"), port("otlp_grpc"), port("otlp_http")],
            # Tempo 3 images have no shell or wget: no in-container check, Grafana waits for the start only.
            **({"healthcheck": _health(tempo_health, start_period="30s")} if tempo_health else {}),
            "stop_grace_period": "60s",
            **({"depends_on": {"prometheus": {"condition": "service_healthy"}}} if stack.metrics_generator else {}),
        },
        "grafana": {
            "image": image["grafana"],
            "environment": grafana_env,
            "secrets": [ADMIN_SECRET],
            "volumes": ["grafana-data:/var/lib/grafana"],
            "ports": [port("grafana")],
            "healthcheck": _health(["CMD-SHELL", "wget -q --spider http://localhost:3000/api/health || exit 1"],
                                   start_period="30s"),
            "depends_on": {**{name: {"condition": "service_healthy"} for name in ("prometheus", "loki")},
                           "tempo": {"condition": "service_healthy" if tempo_health else "service_started"}},
        },
        "node-exporter": _node_exporter(project, image["node_exporter"], profile),
    }
    for name, service in services.items():
        service.update(_bounded(profile, name.replace("-", "_")))
    secrets = {ADMIN_SECRET: {"environment": ADMIN_VARIABLE}}
    secrets.update({name: {"environment": variable} for name, variable in sorted(nodes.items())})
    return _escape_dollars({
        "name": f"{project.name}-monitoring",
        "services": services,
        "volumes": {f"{name}-data": {} for name in VOLUMES},
        "secrets": secrets,
    })


def compose_yml(project: Project, profile: Profile, retention: EffectiveRetention,
                environments: Sequence[Environment], grafana_root_url: str | None) -> str:
    header = (f"{GENERATED}\nProfile {profile.name}: memory limits sum to {profile.total_mib} MiB of a "
              f"{profile.budget_mib} MiB budget ({profile.host_mib} MiB host).\n"
              "Secrets come from .env (see .env.example) as secret files, never as plain environment variables.")
    return dump(compose_config(project, profile, retention, environments, grafana_root_url), header)


def _node_exporter(project: Project, image: str, profile: Profile) -> dict[str, Any]:
    """The host's node_exporter: the host's processes (`pid: host`), root filesystem and, when the server
    has a private address, network (`network_mode: host`, listening on that address only)."""
    listen = host_node_exporter(project)
    at = listen or f"localhost:{NODE_EXPORTER_PORT}"
    return {
        "image": image,
        "command": ["--path.rootfs=/host",
                    "--collector.filesystem.mount-points-exclude=^/(dev|proc|sys|run|var/lib/docker/.+)($|/)",
                    *([f"--web.listen-address={listen}"] if listen else [])],
        "environment": {"GOMEMLIMIT": profile.gomemlimit("node_exporter")},
        **({"network_mode": "host"} if listen else {}),
        "pid": "host",
        "volumes": ["/:/host:ro,rslave"],
        "healthcheck": _health(["CMD-SHELL", f"wget -q --spider http://{at}/metrics || exit 1"]),
    }


def _any_tls(environments: Sequence[Environment]) -> bool:
    return any(s.node_exporter.tls for env in environments for s in env.servers)


def _health(test: list[str], start_period: str = "20s") -> dict[str, Any]:
    return {"test": test, "interval": "15s", "timeout": "5s", "retries": 5, "start_period": start_period}


def _bounded(profile: Profile, service: str) -> dict[str, Any]:
    """What every service gets: a hard memory limit (no swap beyond it), rotated logs, a restart policy."""
    limit = profile.limit(service)
    return {
        "restart": "unless-stopped",
        "deploy": {"resources": {"limits": {"memory": limit}}},
        "memswap_limit": limit,
        "security_opt": ["no-new-privileges:true"],
        "logging": {"driver": "json-file", "options": {"max-size": "10m", "max-file": "3"}},
    }


def _escape_dollars(value: Any) -> Any:
    """Compose interpolates `$`: every literal one (regexes in flags) is written `$$`."""
    if isinstance(value, str):
        return value.replace("$", "$$")
    if isinstance(value, list):
        return [_escape_dollars(v) for v in value]
    if isinstance(value, dict):
        return {k: _escape_dollars(v) for k, v in value.items()}
    return value
