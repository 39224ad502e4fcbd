"""graf.yaml as typed, frozen data: `load_project(path) -> Project`.

    model.py      the dataclasses (Project, Environment, Secret, ...) and their defaults
    loading.py    find_config, load_project: the steps below, in order
    yamlfile.py   reading YAML within limits (size, depth, aliases, duplicate keys)
    schema.py     the JSON Schema and how its errors read
    build.py      checked data -> dataclasses
    checks.py     rules between keys
    keys.py       key paths as tuples, formatted once

Every error is a `ConfigError` naming the file and the key path
(`graf.yaml: environments.prod.grafana.url`). Rules about the stack live in `graf.stack.rules`;
`graf.load_project` runs them too.
"""

from __future__ import annotations

from graf.config.loading import find_config, load_project
from graf.config.model import (
    ALERT_BASE_INTERVAL,
    BUILTIN_DASHBOARDS,
    CONFIG_NAME,
    DATASOURCE_TYPES,
    DAY,
    STACK_PORTS,
    AlertRuleSettings,
    Alerts,
    App,
    ContactPoint,
    Dashboards,
    Datasource,
    Environment,
    Folder,
    GrafanaTarget,
    Jobs,
    Labels,
    NodeExporter,
    Project,
    Retention,
    ScrapeTarget,
    Secret,
    Server,
    Stack,
    Volume,
)
from graf.config.schema import ALERT_RULES

__all__ = [
    "ALERT_BASE_INTERVAL", "ALERT_RULES", "BUILTIN_DASHBOARDS", "CONFIG_NAME", "DATASOURCE_TYPES", "DAY",
    "STACK_PORTS", "AlertRuleSettings", "Alerts", "App", "ContactPoint", "Dashboards", "Datasource", "Environment",
    "Folder", "GrafanaTarget", "Jobs", "Labels", "NodeExporter", "Project", "Retention", "ScrapeTarget", "Secret",
    "Server", "Stack", "Volume", "find_config", "load_project",
]
