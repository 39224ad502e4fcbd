"""Projects for the stack tests: the example graf.yaml with a change applied."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path
from typing import Any

import yaml

from graf import load_project
from graf.config import Project
from tests.conftest import EXAMPLE

# bcrypt of NODE_PASSWORD (cost 10), made once like htpasswd -nbBC 10 does: a hash, not the password.
NODE_PASSWORD = "s3cret-node-pass"
NODE_HASH = "$2b$10$.lbW8RC8ymvKicvx.Z3lgerwu8bM/12pPvcl4iR3DHx9D7NSjqk9a"


def example_data() -> dict[str, Any]:
    return yaml.safe_load(EXAMPLE.read_text(encoding="utf-8"))


def write_project(tmp_path: Path, mutate: Callable[[dict[str, Any]], object] | None = None) -> Path:
    data = example_data()
    if mutate is not None:
        mutate(data)
    path = tmp_path / "graf.yaml"
    path.write_text(yaml.safe_dump(data, sort_keys=False), encoding="utf-8")
    return path


def project(tmp_path: Path, mutate: Callable[[dict[str, Any]], object] | None = None) -> Project:
    return load_project(write_project(tmp_path, mutate))


def secure_nodes(data: dict[str, Any]) -> None:
    """Every prod node_exporter behind basic auth and TLS, as the research recommends."""
    for server in data["environments"]["prod"]["servers"]:
        server["node_exporter"] = {"tls": True, "basic_auth_user": "prometheus",
                                   "basic_auth_password": "${NODE_EXPORTER_PASSWORD}",
                                   "basic_auth_password_hash": "${NODE_EXPORTER_PASSWORD_HASH}"}
