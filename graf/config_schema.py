"""Moved to `graf.config.schema`; this name stays so code written against it keeps importing.

Drop it once no branch imports `graf.config_schema` any more.
"""

from __future__ import annotations

from graf.config.schema import (  # noqa: F401
    ALERT_RULE,
    ALERT_RULES,
    ALERTS,
    APP,
    CONTACT_POINT,
    DASHBOARDS,
    DATASOURCE,
    DATASOURCES,
    DURATION_PATTERN,
    ENVIRONMENT,
    FOLDER,
    GRAFANA,
    JOBS,
    LABELS,
    NAME_PATTERN,
    NODE_EXPORTER,
    PATTERN_HINTS,
    ROOT,
    SECRET_PATTERN,
    SERVER,
    STACK,
    STACK_PORTS,
    STACK_SERVICES,
    UID_PATTERN,
    check,
)
