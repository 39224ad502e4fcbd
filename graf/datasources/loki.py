"""Loki: logs, with a derived field linking the trace id in each log line to its trace in Tempo."""

from __future__ import annotations

from graf.context import RenderContext
from graf.datasources._http import base
from graf.resources import JSON

# One capture group, the trace id (16 or 32 hex digits), after any of:
#   "traceId":"…"                  JSON logs (logstash-logback-encoder / Spring Boot structured logging)
#   traceId=… / trace_id=… / traceId: …   key-value patterns
#   [<traceId>-<spanId>]            Spring Boot ≥ 3.2's default plain pattern (logging.pattern.correlation)
#   [<app>,<traceId>,<spanId>]      Spring Boot 3.0/3.1 (Sleuth-style) plain pattern
# Override per project with graf.yaml `datasources.loki.trace_id_regex`.
DEFAULT_TRACE_ID_REGEX = r'(?:"trace_?[iI]d"\s*:\s*"|\btrace_?[iI]d[=:]\s*"?|\[(?:[\w.-]*,)?)([0-9a-fA-F]{16,32})\b'


def datasource(ctx: RenderContext) -> JSON:
    ds = ctx.datasource("loki")
    return base(ds, {
        "maxLines": 1000,
        "derivedFields": [
            {
                "name": "TraceID",
                "matcherType": "regex",
                "matcherRegex": ds.trace_id_regex or DEFAULT_TRACE_ID_REGEX,
                "datasourceUid": ctx.datasource("tempo").uid,
                "url": "${__value.raw}",  # the query sent to Tempo: the trace id (single $: API, not provisioning)
                "urlDisplayLabel": "View trace",
            }
        ],
    })
