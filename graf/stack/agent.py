"""An app server's files: {relative path: text}, pure. `graf stack agent` writes them."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Literal

from graf.config import Project, Server
from graf.errors import ConfigError
from graf.stack.alloy import alloy_config, alloy_default
from graf.stack.node_exporter import needs_web_config, systemd_unit, web_config
from graf.stack.promtail import promtail_yml
from graf.stack.spring import spring_yml
from graf.wording import did_you_mean

Shipper = Literal["alloy", "promtail"]
# Files that hold a credential (the bcrypt hash of node_exporter's password): written 0600.
CREDENTIAL_FILES = frozenset({"node_exporter/web-config.yml"})


def find_server(project: Project, env_name: str, host: str) -> tuple[int, Server]:
    env = project.environment(env_name)
    for i, server in enumerate(env.servers):
        if server.host == host:
            return i, server
    known = [s.host for s in env.servers]
    raise ConfigError(f"{project.path.name}: environments.{env_name}.servers",
                      f"no server with host {host!r}{did_you_mean(host, known)}",
                      f"known: {', '.join(known) or 'none'}")


def render_agent(project: Project, env_name: str, host: str, shipper: Shipper = "alloy",
                 environ: Mapping[str, str] | None = None) -> dict[str, str]:
    """Log shipper config, node_exporter unit (+ web config) and one Spring Boot fragment per app."""
    env = project.environment(env_name)
    index, server = find_server(project, env_name, host)
    files: dict[str, str] = {}
    if shipper == "alloy":
        files["alloy/config.alloy"] = alloy_config(project, env, server)
        files["alloy/alloy.default"] = alloy_default()
    else:
        files["promtail/config.yml"] = promtail_yml(project, env, server)
    files["node_exporter/node_exporter.service"] = systemd_unit(server)
    if needs_web_config(server):
        where = f"{project.path.name}: environments.{env_name}.servers[{index}]"
        files["node_exporter/web-config.yml"] = web_config(server, where, environ if environ is not None else {})
    for name in server.apps:
        files[f"spring/{name}/application.yml"] = spring_yml(project, env, server, project.apps[name])
    return files
