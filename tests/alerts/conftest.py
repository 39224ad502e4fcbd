from __future__ import annotations

from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest
import yaml

from graf._render import render
from graf.config import Project, load_project
from graf.resources import JSON, Resource
from tests.conftest import EXAMPLE

RULE_PREFIX = "alert-"


def alerting(project: Project, env: str) -> list[Resource]:
    return [r for r in render(project, project.environment(env)) if r.kind in ("alert-rule", "contact-point", "policy")]


def rules(project: Project, env: str) -> dict[str, JSON]:
    """Rule name (as in graf.yaml) -> rendered body, for one environment."""
    prefix = f"{project.name}-{env}-{RULE_PREFIX}"
    out = {}
    for resource in alerting(project, env):
        if resource.kind == "alert-rule":
            assert resource.uid.startswith(prefix), resource.uid
            out[resource.uid[len(prefix):]] = resource.body
    return out


@pytest.fixture(scope="session")
def example() -> Project:
    return load_project(EXAMPLE)


@pytest.fixture
def variant(tmp_path: Path) -> Callable[[Callable[[dict[str, Any]], None]], Project]:
    """The example graf.yaml changed by `edit(raw_dict)`, loaded."""

    def make(edit: Callable[[dict[str, Any]], None]) -> Project:
        raw = yaml.safe_load(EXAMPLE.read_text(encoding="utf-8"))
        edit(raw)
        path = tmp_path / "graf.yaml"
        path.write_text(yaml.safe_dump(raw, sort_keys=False), encoding="utf-8")
        return load_project(path)

    return make
