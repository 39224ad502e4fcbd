"""Prometheus: metrics, with exemplars linking to their traces in Tempo."""

from __future__ import annotations

from graf.context import RenderContext
from graf.datasources._http import base
from graf.resources import JSON

# The exemplar label carrying the trace id: Micrometer Tracing (Spring Boot 3) writes `trace_id`
# (Grafana's UI default would be `traceID`).
EXEMPLAR_TRACE_ID_LABEL = "trace_id"


def datasource(ctx: RenderContext) -> JSON:
    return base(ctx.datasource("prometheus"), {
        "httpMethod": "POST",
        "timeInterval": ctx.project.stack.scrape_interval,  # the real scrape interval: $__rate_interval's base
        "prometheusType": "Prometheus",
        "exemplarTraceIdDestinations": [{"name": EXEMPLAR_TRACE_ID_LABEL, "datasourceUid": ctx.datasource("tempo").uid,
                                         "urlDisplayLabel": "View trace"}],
    }, isDefault=True)
