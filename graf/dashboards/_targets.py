"""The targets grafanalib 0.7.1 lacks: `PrometheusTarget` (with the exemplar flag), `LokiTarget`, `TempoTarget`.

Each serialises in the current query model of its datasource type; graf's adapter
(graf.dashboards._grafanalib) brings the rest of what grafanalib writes to the current model.
"""

from __future__ import annotations

from typing import Any

import attr
from grafanalib.core import Target

from graf.resources import JSON


@attr.s
class PrometheusTarget(Target):
    """grafanalib's Target with the exemplar flag, written in the current Prometheus query model."""

    exemplar: bool = attr.ib(default=False, validator=attr.validators.instance_of(bool))

    def to_json_data(self) -> JSON:
        body: JSON = {
            "refId": self.refId,
            "datasource": self.datasource,
            "editorMode": "code",
            "expr": self.expr,
            "legendFormat": self.legendFormat or None,
            "range": not self.instant,
            "instant": self.instant or None,
            "format": self.format if self.format != "time_series" else None,
            "interval": self.interval or None,
            "exemplar": self.exemplar or None,
            "hide": self.hide or None,
        }
        return body


@attr.s(frozen=True)
class LokiTarget:
    """A LogQL query: log lines (`queryType="range"` on a logs panel) or a metric query."""

    expr: str = attr.ib(validator=attr.validators.instance_of(str))
    refId: str = attr.ib(default="")
    datasource: Any = attr.ib(default="loki")
    legendFormat: str = attr.ib(default="")
    queryType: str = attr.ib(default="range", validator=attr.validators.in_(("range", "instant", "stream")))
    maxLines: int | None = attr.ib(default=None)

    def to_json_data(self) -> JSON:
        return {"refId": self.refId, "datasource": self.datasource, "editorMode": "code", "expr": self.expr,
                "queryType": self.queryType, "legendFormat": self.legendFormat or None, "maxLines": self.maxLines}


@attr.s(frozen=True)
class TempoTarget:
    """A TraceQL search (`queryType="traceql"`) listing traces or spans in a table."""

    query: str = attr.ib(validator=attr.validators.instance_of(str))
    refId: str = attr.ib(default="")
    datasource: Any = attr.ib(default="tempo")
    queryType: str = attr.ib(default="traceql")
    limit: int = attr.ib(default=20)
    tableType: str = attr.ib(default="traces", validator=attr.validators.in_(("traces", "spans", "raw")))

    def to_json_data(self) -> JSON:
        return {"refId": self.refId, "datasource": self.datasource, "queryType": self.queryType,
                "query": self.query, "limit": self.limit, "tableType": self.tableType, "filters": []}
