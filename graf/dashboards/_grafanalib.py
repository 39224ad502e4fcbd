"""The one adapter between grafanalib and graf: grafanalib objects -> the current dashboard model."""

from __future__ import annotations

import json
from typing import Any

from graf.context import RenderContext
from graf.resources import JSON

SCHEMA_VERSION = 39  # Grafana 11.x model; the UI does not migrate on load, so saves diff little
LEGACY_KEYS = ("rows", "style", "sharedCrosshair", "hideControls", "gnetId")


def to_model(dashboard: Any, ctx: RenderContext) -> JSON:
    """A grafanalib Dashboard (or a dashboard dict) as a current-model dashboard dict."""
    raw = dashboard if isinstance(dashboard, dict) else _to_json(dashboard)
    body = _drop_nulls(raw)
    for key in LEGACY_KEYS:
        body.pop(key, None)
    body["schemaVersion"] = SCHEMA_VERSION
    return body


def _to_json(dashboard: Any) -> JSON:
    from grafanalib._gen import DashboardEncoder

    return json.loads(json.dumps(dashboard.to_json_data(), cls=DashboardEncoder))


def _drop_nulls(value: Any) -> Any:
    if isinstance(value, dict):
        return {k: _drop_nulls(v) for k, v in value.items() if v is not None}
    if isinstance(value, list):
        return [_drop_nulls(v) for v in value]
    return value
