"""Rules between keys of graf.yaml that a JSON Schema cannot say, checked on the typed Project.

Each check raises a ConfigError at the key the user has to change. Rules that need what the stack
knows (pinned images, ports, retention minimums) are in `graf.stack.rules`, not here.
"""

from __future__ import annotations

import re
from collections.abc import Callable

from graf.config import keys
from graf.config.keys import KeyPath
from graf.config.model import Environment, Project
from graf.errors import format_path
from graf.wording import did_you_mean


def check(project: Project) -> None:
    for rule in RULES:
        rule(project)


def grafana_credentials(project: Project) -> None:
    for env in project.environments.values():
        at: KeyPath = ("environments", env.name, "grafana")
        if env.grafana.password is not None and env.grafana.user is None:
            raise keys.error(project.path.name, (*at, "password"), "a password needs a user",
                             f"add {format_path((*at, 'user'))}")


def trace_id_regexes(project: Project) -> None:
    for env in project.environments.values():
        for logical, datasource in env.datasources.items():
            if datasource.trace_id_regex is None:
                continue
            at: KeyPath = ("environments", env.name, "datasources", logical, "trace_id_regex")
            try:
                compiled = re.compile(datasource.trace_id_regex)
            except re.error as exc:
                raise keys.error(project.path.name, at, f"not a valid regular expression: {exc}") from None
            if compiled.groups != 1:
                raise keys.error(project.path.name, at,
                                 f"needs exactly one capture group for the trace id, has {compiled.groups}")


def servers(project: Project) -> None:
    """Hosts and addresses are unique in an environment, and a host belongs to one environment (the same
    host in two would be scraped twice with two labels); every app a server runs is defined."""
    owner: dict[str, KeyPath] = {}
    for env in project.environments.values():
        hosts: dict[str, int] = {}
        addresses: dict[str, int] = {}
        for i, server in enumerate(env.servers):
            at: KeyPath = ("environments", env.name, "servers", i)
            if server.host in hosts:
                raise keys.error(project.path.name, (*at, "host"),
                                 f"duplicate host {server.host!r} (also servers[{hosts[server.host]}])")
            if server.host in owner:
                raise keys.error(project.path.name, (*at, "host"),
                                 f"duplicate host {server.host!r} (also {format_path(owner[server.host])})")
            hosts[server.host], owner[server.host] = i, at
            if server.address in addresses:
                raise keys.error(project.path.name, (*at, "address"),
                                 f"duplicate address {server.address!r} (also servers[{addresses[server.address]}])")
            addresses[server.address] = i
            for app in server.apps:
                if app not in project.apps:
                    raise keys.error(project.path.name, (*at, "apps"),
                                     f"unknown app {app!r}{did_you_mean(app, project.apps)}", "define it under apps:")
            _node_exporter_auth(project.path.name, env, i)
            _scrape_targets(project, env, i)


def _node_exporter_auth(file: str, env: Environment, i: int) -> None:
    node = env.servers[i].node_exporter
    at: KeyPath = ("environments", env.name, "servers", i, "node_exporter")
    if node.basic_auth_user and node.basic_auth_password is None:
        raise keys.error(file, (*at, "basic_auth_password"), "basic_auth_user needs a basic_auth_password: ${VAR}",
                         "Prometheus reads it from a secret file")
    if (node.basic_auth_password or node.basic_auth_password_hash) and not node.basic_auth_user:
        raise keys.error(file, (*at, "basic_auth_user"), "a basic-auth password needs a basic_auth_user")


def _scrape_targets(project: Project, env: Environment, i: int) -> None:
    """A server's extra exporters: one job name each, not graf's own (their series would mix with the built-in
    dashboards'), ports not taken by node_exporter, an app or another exporter; auth complete, one kind."""
    server = env.servers[i]
    taken = {server.node_exporter.port: "node_exporter",
             **{project.apps[a].port: f"app {a!r}" for a in server.apps if a in project.apps}}
    jobs: set[str] = set()
    for j, target in enumerate(server.scrape):
        at: KeyPath = ("environments", env.name, "servers", i, "scrape", j)
        if target.job in (project.jobs.node, project.jobs.app, project.jobs.logs):
            raise keys.error(project.path.name, (*at, "job"), f"job {target.job!r} is one of graf's own jobs",
                             "name the exporter's job after it, e.g. redis")
        if target.job in jobs:
            raise keys.error(project.path.name, (*at, "job"), f"duplicate job {target.job!r} on {server.host}")
        if target.port in taken:
            raise keys.error(project.path.name, (*at, "port"),
                             f"port {target.port} is {taken[target.port]}'s on {server.host}")
        jobs.add(target.job)
        taken[target.port] = f"job {target.job!r}"
        if bool(target.basic_auth_user) != (target.basic_auth_password is not None):
            missing = "basic_auth_password: ${VAR}" if target.basic_auth_user else "basic_auth_user"
            raise keys.error(project.path.name, (*at, missing.split(":")[0]), f"basic auth needs {missing}")
        if target.basic_auth_user and target.bearer_token is not None:
            raise keys.error(project.path.name, (*at, "bearer_token"), "give basic auth or a bearer token, not both")


def urls(project: Project) -> None:
    """Every URL graf.yaml gives parses (host, a port in range): the schema only sees `^https?://`, and the
    stack, the checks and the Grafana client read these URLs' parts later (graf.urls.check_url's rule)."""
    from graf.errors import UsageError
    from graf.urls import check_url

    found: list[tuple[KeyPath, str]] = []
    for env in project.environments.values():
        found.append((("environments", env.name, "grafana", "url"), env.grafana.url))
        found += [(("environments", env.name, "datasources", name, "url"), ds.url)
                  for name, ds in env.datasources.items()]
    found += [(("stack", "agent_endpoints", name), url) for name, url in project.stack.agent_endpoints.items()]
    for at, url in found:
        try:
            check_url(url, "")
        except UsageError as exc:
            raise keys.error(project.path.name, at, exc.message, exc.hint) from None


def contact_points(project: Project) -> None:
    for env in project.environments.values():
        contact = env.alerts.contact_point
        if contact is None:
            continue
        at: KeyPath = ("environments", env.name, "alerts", "contact_point")
        if contact.type in ("webhook", "slack") and contact.url is None:
            raise keys.error(project.path.name, (*at, "url"), f"a {contact.type} contact point needs a url")
        if contact.type == "email" and not contact.addresses:
            raise keys.error(project.path.name, (*at, "addresses"), "an email contact point needs addresses")


RULES: tuple[Callable[[Project], None], ...] = (
    grafana_credentials, trace_id_regexes, servers, urls, contact_points,
)
