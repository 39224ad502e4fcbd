"""node_exporter on an app server: a systemd unit, and a web config when graf.yaml asks for TLS or basic auth.

The web config is what Prometheus's scrape job (prometheus.py) expects: `scheme: https` when `tls`,
and the same user whose password Prometheus reads from its secret file. node_exporter needs the
bcrypt hash of that password (`basic_auth_password_hash: ${VAR}`): graf never hashes a password.
"""

from __future__ import annotations

import re
from collections.abc import Mapping

from graf.config import Server
from graf.errors import ConfigError
from graf.stack._yaml import GENERATED, dump

BINARY = "/usr/local/bin/node_exporter"
CONFIG_DIR = "/etc/node_exporter"
WEB_CONFIG = f"{CONFIG_DIR}/web-config.yml"
MEMORY_MAX_MIB = 64
# Pseudo and container filesystems: their usage says nothing about the disk filling up.
MOUNT_EXCLUDE = "^/(dev|proc|sys|run|var/lib/docker/.+)($|/)"
_BCRYPT = re.compile(r"^\$2[aby]?\$\d{2}\$[./A-Za-z0-9]{53}$")


def needs_web_config(server: Server) -> bool:
    node = server.node_exporter
    return node.tls or node.basic_auth_user is not None


def listen_address(server: Server) -> str:
    node = server.node_exporter
    return f"{node.listen_address or server.address}:{node.port}"


def flags(server: Server) -> list[str]:
    out = [f"--web.listen-address={listen_address(server)}",
           f"--collector.filesystem.mount-points-exclude={MOUNT_EXCLUDE}"]
    if needs_web_config(server):
        out.append(f"--web.config.file={WEB_CONFIG}")
    return out


def systemd_unit(server: Server) -> str:
    # systemd expands `$` in ExecStart: a literal one is written `$$`.
    exec_start = " \\\n    ".join([BINARY, *(f.replace("$", "$$") for f in flags(server))])
    return (
        f"# /etc/systemd/system/node_exporter.service for {server.host}. Rendered by graf from graf.yaml.\n"
        "# Needs the user: useradd --system --no-create-home --shell /usr/sbin/nologin node_exporter\n"
        "[Unit]\n"
        "Description=Prometheus node_exporter\n"
        "Wants=network-online.target\n"
        "After=network-online.target\n"
        "\n"
        "[Service]\n"
        "User=node_exporter\n"
        "Group=node_exporter\n"
        f"ExecStart={exec_start}\n"
        "Restart=on-failure\n"
        "RestartSec=5s\n"
        f"MemoryMax={MEMORY_MAX_MIB}M\n"
        f"Environment=GOMEMLIMIT={int(MEMORY_MAX_MIB * 0.8)}MiB\n"
        "NoNewPrivileges=true\n"
        "ProtectSystem=strict\n"
        "ProtectHome=read-only\n"
        "PrivateTmp=true\n"
        "\n"
        "[Install]\n"
        "WantedBy=multi-user.target\n"
    )


def web_config(server: Server, where: str, environ: Mapping[str, str]) -> str:
    """exporter-toolkit web config; the certificate paths are relative to it (/etc/node_exporter/tls/)."""
    node = server.node_exporter
    config: dict[str, object] = {}
    if node.tls:
        config["tls_server_config"] = {"cert_file": "tls/node_exporter.crt", "key_file": "tls/node_exporter.key",
                                       "min_version": "TLS12"}
    if node.basic_auth_user:
        if node.basic_auth_password_hash is None:
            raise ConfigError(f"{where}.node_exporter.basic_auth_password_hash",
                              "node_exporter's web config needs the bcrypt hash of the password as a ${VAR}",
                              "make one with: htpasswd -nbBC 10 '' \"$PASSWORD\" | tr -d ':\\n'")
        hashed = node.basic_auth_password_hash.resolve(environ)
        if not _BCRYPT.match(hashed):
            raise ConfigError(f"{where}.node_exporter.basic_auth_password_hash",
                              f"${{{node.basic_auth_password_hash.name}}} is not a bcrypt hash ($2b$10$...)")
        config["basic_auth_users"] = {node.basic_auth_user: hashed}
    private = " readable by node_exporter only (install -m 0640 -g node_exporter: it holds a password hash)"
    header = f"{GENERATED}\nInstall as {WEB_CONFIG}" + ("," + private if node.basic_auth_user else "") + (
        "; put the server certificate and key in tls/ beside it (the certificate names the host "
        f"{server.host!r}, the name Prometheus checks)." if node.tls else ".")
    return dump(config, header)
