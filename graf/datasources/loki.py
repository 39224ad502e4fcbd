"""Loki: logs, with a derived field linking trace ids in log lines to Tempo."""

from __future__ import annotations

from graf.context import RenderContext
from graf.resources import JSON

# Matches `"traceId":"<hex>"` (JSON logs) and `traceId=<hex>` / `trace_id=<hex>` (plain pattern).
DEFAULT_TRACE_ID_REGEX = r'(?:"traceId"\s*:\s*"|\btrace_?[iI]d=)([0-9a-fA-F]{16,32})'


def datasource(ctx: RenderContext) -> JSON:
    ds = ctx.datasource("loki")
    return {
        "uid": ds.uid,
        "name": ds.name,
        "type": ds.type,
        "access": "proxy",
        "url": ds.url,
        "jsonData": {
            "maxLines": 1000,
            "derivedFields": [
                {
                    "name": "TraceID",
                    "matcherType": "regex",
                    "matcherRegex": ds.trace_id_regex or DEFAULT_TRACE_ID_REGEX,
                    "datasourceUid": ctx.datasource("tempo").uid,
                    "url": "${__value.raw}",
                    "urlDisplayLabel": "View trace",
                }
            ],
        },
    }
