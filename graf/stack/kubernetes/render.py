"""Every file of the Kubernetes target: {relative path: text}, pure. `graf stack render --target kubernetes`
writes them."""

from __future__ import annotations

import shlex
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

import yaml

from graf.config import Environment, Project
from graf.stack._yaml import GENERATED, dump
from graf.stack.kubernetes import charts, sizing
from graf.stack.kubernetes.storage import ACCESS_KEY, SECRET, SECRET_KEY
from graf.stack.kubernetes.values import (
    ADMIN_SECRET,
    Settings,
    alloy_values,
    grafana_values,
    loki_values,
    prometheus_values,
    tempo_values,
)
from graf.stack.server import profile_of
from graf.stack.sizing import EffectiveRetention, Profile, effective_retention

ADMIN_VARIABLE = "GRAFANA_ADMIN_PASSWORD"


@dataclass(frozen=True)
class KubernetesFiles:
    files: dict[str, str]
    values: dict[str, dict[str, Any]]  # values file -> the values it holds (for tests and the summary)
    profile: Profile
    retention: EffectiveRetention
    environments: tuple[Environment, ...]


def alloy_release(env: Environment) -> str:
    return f"{charts.ALLOY.release}-{env.name}"


def render_kubernetes(project: Project, settings: Settings, profile_name: str | None = None,
                      environments: Sequence[Environment] = ()) -> KubernetesFiles:
    profile = profile_of(project, profile_name)
    envs = tuple(environments) or tuple(project.environments.values())
    retention = effective_retention(project.stack)
    values: dict[str, dict[str, Any]] = {
        charts.PROMETHEUS.values_file: prometheus_values(retention, settings),
        charts.LOKI.values_file: loki_values(profile, retention, settings),
        charts.TEMPO.values_file: tempo_values(project, profile, retention, settings),
        charts.GRAFANA_CHART.values_file: grafana_values(settings),
    }
    for env in envs:
        values[f"{alloy_release(env)}.yaml"] = alloy_values(project, env, settings)
    header = f"{GENERATED}\nHelm values (graf stack render --target kubernetes); chart versions: install.sh."
    files = {name: dump(body, header) for name, body in values.items()}
    files["install.sh"] = install_script(settings, envs)
    files["SIZING.md"] = "\n".join(["# Memory per component (per replica)", "", *sizing.table_lines(settings.series),
                                    ""])
    files["graf-datasources.yaml"] = datasources_snippet(envs[0], settings)
    return KubernetesFiles(files, values, profile, retention, envs)


def datasources_snippet(env: Environment, settings: Settings) -> str:
    """The `datasources:` block of graf.yaml (or an environment's) for a stack on this cluster."""
    urls = charts.endpoints(settings.namespace)
    block = {"datasources": {name: {"uid": ds.uid, "url": urls[name], "name": ds.name}
                             for name, ds in env.datasources.items() if name in urls}}
    return ("# Paste into graf.yaml (top level, or under environments.<env>) so graf sync and graf check\n"
            "# reach the stack on Kubernetes: the charts' gateway and query-frontend Services.\n"
            + yaml.safe_dump(block, sort_keys=False))


def install_script(settings: Settings, environments: Sequence[Environment]) -> str:
    ns = shlex.quote(settings.namespace)
    repos = sorted({c.repo for c in charts.CHARTS})
    lines = [
        "#!/bin/sh",
        "# Written by graf (graf stack render --target kubernetes). Installs the charts in order, pinned.",
        "# Needs: kubectl and helm 3 pointed at the cluster; the environment variables checked below;",
        f"# a Kafka for Tempo 3 at {settings.kafka} (tempo.yaml, ingest.kafka.address); the buckets of",
        "# loki.yaml and tempo.yaml created in the object store.",
        "set -eu",
        f': "${{{ACCESS_KEY}:?set it to the object store access key}}"',
        f': "${{{SECRET_KEY}:?set it to the object store secret key}}"',
        f': "${{{ADMIN_VARIABLE}:?set it to the Grafana admin password}}"',
        'cd "$(dirname "$0")"',
        "",
        *[f"helm repo add {name} {url} --force-update" for name, url in repos],
        "helm repo update",
        f"kubectl create namespace {ns} --dry-run=client -o yaml | kubectl apply -f -",
        "# Secrets from the environment, never from a file graf wrote.",
        f"kubectl -n {ns} create secret generic {SECRET} \\",
        f'  --from-literal={ACCESS_KEY}="${ACCESS_KEY}" --from-literal={SECRET_KEY}="${SECRET_KEY}" \\',
        "  --dry-run=client -o yaml | kubectl apply -f -",
        f"kubectl -n {ns} create secret generic {ADMIN_SECRET} \\",
        f'  --from-literal=admin-user=admin --from-literal=admin-password="${ADMIN_VARIABLE}" \\',
        "  --dry-run=client -o yaml | kubectl apply -f -",
        "",
    ]
    releases = [(c.release, c, c.values_file) for c in charts.CHARTS if c is not charts.ALLOY]
    releases += [(alloy_release(env), charts.ALLOY, f"{alloy_release(env)}.yaml") for env in environments]
    for release, chart, values_file in releases:
        lines.append(f"helm upgrade --install {release} {chart.ref} --version {chart.version} "
                     f"--namespace {ns} --values {values_file} --wait --timeout 10m")
    return "\n".join(lines) + "\n"
