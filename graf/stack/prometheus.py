"""prometheus/prometheus.yml: one scrape job per environment, app server and target kind, plus the stack itself.

Every series carries the environment label (`labels.environment` = the environment's `label`),
`job` is the name from `jobs` (dashboards and alert rules query exactly these), and the
monitoring server's own services are scraped under its host name. Only features Prometheus 2.42
already reads are used, so the Debian binary in the tests checks the same file the 3.x image runs.
"""

from __future__ import annotations

import ipaddress
from collections.abc import Sequence
from typing import Any

from graf.config import App, Environment, NodeExporter, Project, ScrapeTarget, Secret, Server
from graf.stack._yaml import GENERATED, dump
from graf.stack.alloy import ALLOY_JOB
from graf.stack.alloy import listen_address as alloy_listen_address
from graf.stack.sizing import Profile

CONFIG_DIR = "/etc/prometheus"  # where prometheus.yml sits in the container; relative paths resolve from it
CA_FILE = "certs/ca.crt"
NODE_EXPORTER_PORT = 9100


def secret_name(node: NodeExporter) -> str:
    """The compose secret (and file under prometheus/secrets/) holding a node_exporter password."""
    assert node.basic_auth_password is not None
    return node.basic_auth_password.name.lower()


def password_file(node: NodeExporter) -> str:
    return f"secrets/{secret_name(node)}"


def secret_file(secret: Secret) -> str:
    """Where Prometheus reads a `${VAR}` of a scrape target: the compose secret named after the variable."""
    return f"secrets/{secret.name.lower()}"


def prometheus_yml(project: Project, profile: Profile, environments: Sequence[Environment]) -> str:
    return dump(prometheus_config(project, profile, environments), GENERATED)


def prometheus_config(project: Project, profile: Profile, environments: Sequence[Environment]) -> dict[str, Any]:
    stack = project.stack
    jobs: list[dict[str, Any]] = []
    for env in environments:
        for server in env.servers:
            jobs.append(_node_job(project, env, server, profile))
            jobs.append(_alloy_job(project, env, server, profile))
            jobs.extend(_app_job(project, env, server, project.apps[name], profile) for name in server.apps)
            jobs.extend(scrape_job(project, env, server, target, profile) for target in server.scrape)
    jobs.extend(_stack_jobs(project, profile))
    return {
        "global": {
            "scrape_interval": stack.scrape_interval,
            "evaluation_interval": stack.scrape_interval,
            "external_labels": {"monitor": f"{project.name}-{stack.server_host}"},
        },
        "storage": {"exemplars": {"max_exemplars": profile.prometheus_max_exemplars}},
        "scrape_configs": jobs,
    }


def _limits(profile: Profile) -> dict[str, Any]:
    return {"sample_limit": profile.sample_limit, "label_limit": 64, "label_value_length_limit": 2048,
            "body_size_limit": "10MB"}


def _target_labels(project: Project, env: Environment, server: Server, job: str) -> dict[str, str]:
    lb = project.labels
    return {"job": job, lb.environment: env.label, lb.host: server.host}


def _node_job(project: Project, env: Environment, server: Server, profile: Profile) -> dict[str, Any]:
    node = server.node_exporter
    job: dict[str, Any] = {"job_name": f"{env.name}/{project.jobs.node}/{server.host}",
                           "scheme": "https" if node.tls else "http"}
    if node.tls:
        job["tls_config"] = {"ca_file": CA_FILE, "server_name": server.host}
    if node.basic_auth_user:
        job["basic_auth"] = {"username": node.basic_auth_user, "password_file": password_file(node)}
    job.update(_limits(profile))
    job["static_configs"] = [{"targets": [f"{server.address}:{node.port}"],
                              "labels": _target_labels(project, env, server, project.jobs.node)}]
    return job


def _alloy_job(project: Project, env: Environment, server: Server, profile: Profile) -> dict[str, Any]:
    """The log shipper's own metrics (Alloy's loki_write_* counters). Alloy labels those series with
    `host` (the Loki endpoint's); the target's `host` wins and Alloy's is kept as `exported_host`."""
    return {"job_name": f"{env.name}/{ALLOY_JOB}/{server.host}", **_limits(profile),
            "static_configs": [{"targets": [alloy_listen_address(server)],
                                "labels": _target_labels(project, env, server, ALLOY_JOB)}]}


def _app_job(project: Project, env: Environment, server: Server, app: App, profile: Profile) -> dict[str, Any]:
    application = project.labels.application
    labels = {**_target_labels(project, env, server, project.jobs.app), application: app.name}
    return {
        "job_name": f"{env.name}/{project.jobs.app}/{server.host}/{app.name}",
        "metrics_path": app.metrics_path,
        **_limits(profile),
        "static_configs": [{"targets": [f"{server.address}:{app.port}"], "labels": labels}],
        # The app tags its series with the same name (Micrometer's common tag); graf.yaml's value, the
        # target label, wins, and the copy Prometheus would keep as exported_<name> is dropped.
        "metric_relabel_configs": [{"action": "labeldrop", "regex": f"exported_{application}"}],
    }


def scrape_job(project: Project, env: Environment, server: Server, target: ScrapeTarget,
               profile: Profile) -> dict[str, Any]:
    """Another exporter of the server (graf.yaml `servers[].scrape`), labelled like node_exporter."""
    job: dict[str, Any] = {"job_name": f"{env.name}/{target.job}/{server.host}", "metrics_path": target.path,
                           "scheme": target.scheme}
    if target.basic_auth_user and target.basic_auth_password is not None:
        job["basic_auth"] = {"username": target.basic_auth_user,
                             "password_file": secret_file(target.basic_auth_password)}
    if target.bearer_token is not None:
        job["authorization"] = {"type": "Bearer", "credentials_file": secret_file(target.bearer_token)}
    job.update(_limits(profile))
    job["static_configs"] = [{"targets": [f"{server.address}:{target.port}"],
                              "labels": _target_labels(project, env, server, target.job)}]
    return job


def host_node_exporter(project: Project) -> str | None:
    """Where the monitoring server's node_exporter listens on the host's network (`address:9100`), so its
    network figures are the host's (stack research 5.3); Prometheus reaches it there like any app
    server's. None when the server address is loopback: a container cannot reach the host's loopback,
    so node_exporter stays on the compose network (its network figures are then the container's)."""
    address = project.stack.server_address
    try:
        loopback = ipaddress.ip_address(address.strip("[]")).is_loopback
    except ValueError:
        loopback = address == "localhost"
    if loopback:
        return None
    host = f"[{address.strip('[]')}]" if ":" in address else address
    return f"{host}:{NODE_EXPORTER_PORT}"


def _stack_jobs(project: Project, profile: Profile) -> list[dict[str, Any]]:
    """The monitoring server watches itself: its host (the box that used to die) and each service."""
    stack, lb = project.stack, project.labels
    labels = {lb.environment: stack.server_host, lb.host: stack.server_host}
    node = host_node_exporter(project) or f"node-exporter:{NODE_EXPORTER_PORT}"
    targets = {project.jobs.node: node, "prometheus": "localhost:9090", "loki": "loki:3100",
               "tempo": "tempo:3200", "grafana": "grafana:3000"}
    return [{"job_name": f"{stack.server_host}/{job}", **_limits(profile),
             "static_configs": [{"targets": [target], "labels": {"job": job, **labels}}]}
            for job, target in targets.items()]
