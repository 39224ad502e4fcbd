"""Tempo: traces, linking to logs in Loki and to span metrics in Prometheus."""

from __future__ import annotations

from graf.context import RenderContext
from graf.resources import JSON


def datasource(ctx: RenderContext) -> JSON:
    ds = ctx.datasource("tempo")
    loki, prometheus = ctx.datasource("loki"), ctx.datasource("prometheus")
    return {
        "uid": ds.uid,
        "name": ds.name,
        "type": ds.type,
        "access": "proxy",
        "url": ds.url,
        "jsonData": {
            "tracesToLogsV2": {
                "datasourceUid": loki.uid,
                "spanStartTimeShift": "-5m",
                "spanEndTimeShift": "5m",
                "filterByTraceID": True,
                "filterBySpanID": False,
                "customQuery": False,
                "tags": [{"key": "service.name", "value": ctx.labels.service}],
            },
            "serviceMap": {"datasourceUid": prometheus.uid},
            "nodeGraph": {"enabled": True},
            "search": {"hide": False},
        },
    }
