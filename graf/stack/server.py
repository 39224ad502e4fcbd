"""The monitoring server's files: {relative path: text}, pure. `graf stack render` writes them."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from urllib.parse import urlsplit

from graf.config import Environment, Project
from graf.stack.compose import ADMIN_VARIABLE, compose_yml, image_set, node_secrets
from graf.stack.images import tempo_major
from graf.stack.loki import loki_yaml
from graf.stack.prometheus import prometheus_yml
from graf.stack.sizing import PROFILES, EffectiveRetention, Profile, effective_retention
from graf.stack.tempo import tempo_yaml


@dataclass(frozen=True)
class ServerFiles:
    files: dict[str, str]
    profile: Profile
    retention: EffectiveRetention
    environments: tuple[Environment, ...]


def profile_of(project: Project, name: str | None = None) -> Profile:
    return PROFILES[name or project.stack.profile]


def environments_on_stack(project: Project) -> list[Environment]:
    """Environments whose Grafana URL is this stack's Grafana (its address, host name or loopback, its port)."""
    stack = project.stack
    hosts = {stack.server_address, stack.server_host, stack.grafana_bind, "localhost", "127.0.0.1"}
    found = []
    for env in project.environments.values():
        url = urlsplit(env.grafana.url)
        port = url.port or (443 if url.scheme == "https" else 80)
        if url.hostname in hosts and port == stack.ports["grafana"]:
            found.append(env)
    return found


def render_server(project: Project, profile_name: str | None = None,
                  environments: Sequence[Environment] = ()) -> ServerFiles:
    """Every file of the monitoring server for `environments` (default: all of graf.yaml)."""
    profile = profile_of(project, profile_name)
    envs = tuple(environments) or tuple(project.environments.values())
    retention = effective_retention(project.stack)
    on_stack = environments_on_stack(project)
    root_url = on_stack[0].grafana.url.rstrip("/") + "/" if on_stack else None
    files = {
        "docker-compose.yml": compose_yml(project, profile, retention, envs, root_url),
        "prometheus/prometheus.yml": prometheus_yml(project, profile, envs),
        "loki/config.yaml": loki_yaml(profile, retention),
        "tempo/tempo.yaml": tempo_yaml(profile, retention, metrics_generator=project.stack.metrics_generator,
                                       major=tempo_major(image_set(project)["tempo"])),
        ".env.example": env_example(envs),
        ".gitignore": ".env\n",
    }
    return ServerFiles(files, profile, retention, envs)


def env_example(environments: Sequence[Environment]) -> str:
    lines = [
        "# Copy to .env beside docker-compose.yml (git-ignored) and fill in; never commit .env.",
        "# docker compose hands these to the containers as secret files under /run/secrets or",
        "# /etc/prometheus/secrets, so they appear in no compose file and in no `docker inspect`.",
        "",
        "# Grafana's admin password, used only when Grafana creates its database (first start).",
        "# Later changes: grafana cli admin reset-admin-password.",
        f"{ADMIN_VARIABLE}=",
    ]
    for secret, variable in sorted(node_secrets(environments).items(), key=lambda kv: kv[1]):
        lines += ["", f"# password or token Prometheus sends to an exporter (secret {secret}).", f"{variable}="]
    return "\n".join(lines) + "\n"
