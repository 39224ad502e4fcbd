"""Prometheus: metrics, with exemplars linking to Tempo."""

from __future__ import annotations

from graf.context import RenderContext
from graf.resources import JSON


def datasource(ctx: RenderContext) -> JSON:
    ds = ctx.datasource("prometheus")
    return {
        "uid": ds.uid,
        "name": ds.name,
        "type": ds.type,
        "access": "proxy",
        "url": ds.url,
        "isDefault": True,
        "jsonData": {
            "httpMethod": "POST",
            "timeInterval": ctx.project.stack.scrape_interval,
            "prometheusType": "Prometheus",
            "exemplarTraceIdDestinations": [{"name": "trace_id", "datasourceUid": ctx.datasource("tempo").uid}],
        },
    }
