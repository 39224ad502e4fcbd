"""graf.yaml -> Project: read safely, checked against the schema, typed, then checked across keys.

    read_yaml (yamlfile.py)   bytes -> plain data, within limits of size, depth and aliases
    check (schema.py)         the JSON Schema, errors in words at their key path
    build_project (build.py)  plain data -> frozen dataclasses, durations and sizes parsed
    checks.check (checks.py)  rules between keys
    rules                     the caller's own rules on the Project (graf.stack.rules, through
                              graf.load_project), so graf.config never imports the layers above it
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from pathlib import Path

from graf.config import checks, schema
from graf.config.build import build_project
from graf.config.model import CONFIG_NAME, Project
from graf.config.yamlfile import read_yaml
from graf.errors import ConfigError

Rule = Callable[[Project], None]


def find_config(start: Path | None = None) -> Path:
    """graf.yaml in `start` or its nearest parent, like git finds its repository."""
    here = (start or Path.cwd()).resolve()
    for folder in (here, *here.parents):
        candidate = folder / CONFIG_NAME
        if candidate.is_file():
            return candidate
    raise ConfigError(
        CONFIG_NAME,
        f"not found in {here} or any parent folder",
        "run graf inside a graf project or pass --config FILE",
    )


def load_project(path: Path | str | None = None, rules: Iterable[Rule] = ()) -> Project:
    """Read, validate and type graf.yaml (found from the current folder upwards when no path is given).

    `rules` run last, on the typed Project, each raising a ConfigError at the key to change.
    """
    config_path = Path(path) if path is not None else find_config()
    raw = read_yaml(config_path)
    schema.check(raw, config_path.name)
    project = build_project(raw, config_path)
    checks.check(project)
    for rule in rules:
        rule(project)
    return project
