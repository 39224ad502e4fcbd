"""Panel helpers shared by the built-in dashboards, and meant for a team's own dashboard modules.

Each helper checks its arguments when called (a title, a description, a unit, a width inside the
24-column grid, at least one query) and returns a new grafanalib panel: queries get refIds
A, B, C... in order, sizes go to `gridPos` (the adapter places panels on the grid), datasources
are graf's logical names (`prometheus`, `loki`, `tempo`) that the adapter turns into `{type, uid}`.
A helper given a bad argument raises ValueError, which graf reports with the module's file and line.

    panel = timeseries("Heap used", "Heap in use by pool", [prom(query, "{{id}}")], unit="bytes")
"""

from __future__ import annotations

import string
from collections.abc import Sequence
from typing import Any

import attr
from grafanalib.core import GridPos, Logs, RowPanel, Stat, Table, Text, TimeSeries

from graf.dashboards._grafanalib import LokiTarget, PrometheusTarget, TempoTarget

Step = tuple[str, float | None]  # (color, from value); the first step's value is None (the base)
Query = PrometheusTarget | LokiTarget | TempoTarget

GREEN, ORANGE, RED, BLUE = "green", "orange", "red", "blue"


# ---------------------------------------------------------------------------- queries


def prom(expr: str, legend: str = "", *, instant: bool = False, exemplar: bool = False,
         table: bool = False) -> PrometheusTarget:
    """A PromQL query; `instant` for one value per series, `exemplar` to show trace exemplars,
    `table` for the table format. `legend` is a legend template such as `{{instance}}`."""
    if not expr.strip():
        raise ValueError("empty PromQL expression")
    return PrometheusTarget(expr=expr, legendFormat=legend, instant=instant, exemplar=exemplar,
                            format="table" if table else "time_series", datasource="prometheus")


def loki(expr: str, legend: str = "", *, max_lines: int | None = None) -> LokiTarget:
    """A LogQL query: log lines for a logs panel, or a metric query (`rate(...)`) for a graph."""
    if not expr.strip():
        raise ValueError("empty LogQL expression")
    return LokiTarget(expr=expr, legendFormat=legend, maxLines=max_lines, datasource="loki")


def traceql(query: str, *, limit: int = 20) -> TempoTarget:
    """A TraceQL search listing at most `limit` traces, for `traces(...)`."""
    if not query.strip():
        raise ValueError("empty TraceQL query")
    return TempoTarget(query=query, limit=limit, datasource="tempo")


# ---------------------------------------------------------------------------- checks


def _check(title: str, description: str, targets: Sequence[Query], w: int, h: int) -> list[Any]:
    if not title.strip():
        raise ValueError("panel without a title")
    if not description.strip():
        raise ValueError(f"panel {title!r}: needs a description")
    if not targets:
        raise ValueError(f"panel {title!r}: needs at least one query")
    if len(targets) > len(string.ascii_uppercase):
        raise ValueError(f"panel {title!r}: too many queries")
    if not 1 <= w <= 24 or h < 1:
        raise ValueError(f"panel {title!r}: size {w}x{h} does not fit the 24-column grid")
    return [attr.evolve(t, refId=string.ascii_uppercase[i]) for i, t in enumerate(targets)]


def _unit(title: str, unit: str) -> str:
    if not unit:
        raise ValueError(f"panel {title!r}: needs a unit (use 'none' for plain numbers)")
    return unit


def steps(*pairs: Step) -> list[dict[str, Any]]:
    """Threshold steps from (color, value) pairs; values must increase, the first is the base (value None):
    `steps((GREEN, None), (ORANGE, 0.8), (RED, 0.9))`."""
    if not pairs or pairs[0][1] is not None:
        raise ValueError("thresholds start with a base step (color, None)")
    values = [v for _, v in pairs[1:]]
    if any(v is None for v in values) or values != sorted(values):  # type: ignore[type-var]
        raise ValueError(f"threshold values must increase: {values}")
    return [{"color": color, "value": value} for color, value in pairs]


def _grid(w: int, h: int) -> GridPos:
    return GridPos(h=h, w=w, x=0, y=0)  # placed by the adapter's layout


def _links(links: Sequence[tuple[str, str]]) -> list[dict[str, str]]:
    return [{"title": title, "url": url} for title, url in links]


# ---------------------------------------------------------------------------- panels


def timeseries(title: str, description: str, targets: Sequence[Query], *, unit: str, w: int = 12, h: int = 8,
               min: float | None = None, max: float | None = None, thresholds: Sequence[Step] = (),
               stack: bool = False, bars: bool = False, legend_calcs: Sequence[str] = ("mean", "max"),
               links: Sequence[tuple[str, str]] = ()) -> TimeSeries:
    """A graph of `targets` over time, `w` x `h` on the 24-column grid.

    `unit` is a Grafana unit id (`bytes`, `s`, `percentunit`, `reqps`, `none`, ...); `min`/`max`
    fix the axis; `thresholds` are `steps(...)` pairs drawn as lines and areas; `stack` stacks the
    series, `bars` draws bars; `legend_calcs` are the legend table's columns (empty: a plain list);
    `links` are (title, url) pairs such as `("JVM", dashboard_url(ctx, "jvm"))`.
    """
    refs = _check(title, description, targets, w, h)
    extra: dict[str, Any] = {"fieldConfig": {"defaults": {}}}
    if min is not None:
        extra["fieldConfig"]["defaults"]["min"] = min
    if max is not None:
        extra["fieldConfig"]["defaults"]["max"] = max
    return TimeSeries(
        title=title, description=description, targets=refs, unit=_unit(title, unit), gridPos=_grid(w, h),
        maxDataPoints=None, fillOpacity=60 if bars else (25 if stack else 10),
        drawStyle="bars" if bars else "line", lineWidth=1, showPoints="never", spanNulls=False,
        stacking={"mode": "normal", "group": "A"} if stack else {"mode": "none", "group": "A"},
        legendDisplayMode="table" if legend_calcs else "list", legendPlacement="bottom",
        legendCalcs=list(legend_calcs), tooltipMode="multi", tooltipSort="desc",
        thresholds=steps(*thresholds) if thresholds else [],
        thresholdsStyleMode="line+area" if thresholds else "off",
        links=_links(links), extraJson=extra,
    )


def stat(title: str, description: str, targets: Sequence[Query], *, unit: str, w: int = 4, h: int = 4,
         thresholds: Sequence[Step] = ((GREEN, None),), decimals: int | None = None, graph: bool = True,
         calc: str = "lastNotNull", min: float | None = None, max: float | None = None,
         links: Sequence[tuple[str, str]] = ()) -> Stat:
    """One big number (the `calc` reduction, last value by default) coloured by `thresholds`, with a
    sparkline unless `graph=False`; `decimals`, `min`, `max` and `links` as for `timeseries`."""
    refs = _check(title, description, targets, w, h)
    defaults: dict[str, Any] = {"color": {"mode": "thresholds"}}
    if min is not None:
        defaults["min"] = min
    if max is not None:
        defaults["max"] = max
    return Stat(
        title=title, description=description, targets=refs, format=_unit(title, unit), gridPos=_grid(w, h),
        maxDataPoints=None, decimals=decimals, graphMode="area" if graph else "none", colorMode="value",
        reduceCalc=calc, noValue="No data", thresholds=steps(*thresholds), links=_links(links),
        extraJson={"fieldConfig": {"defaults": defaults}},
    )


def table(title: str, description: str, targets: Sequence[Query], *, unit: str, w: int = 24, h: int = 8,
          transformations: Sequence[dict[str, Any]] = (), overrides: Sequence[dict[str, Any]] = (),
          sort_by: str | None = None, descending: bool = True, thresholds: Sequence[Step] = ((GREEN, None),),
          links: Sequence[tuple[str, str]] = ()) -> Table:
    """A table of `targets` (usually `prom(..., instant=True, table=True)`), with Grafana
    `transformations` and field `overrides` as dicts, sorted by the column `sort_by`."""
    refs = _check(title, description, targets, w, h)
    panel = Table(
        title=title, description=description, targets=refs, unit=_unit(title, unit), gridPos=_grid(w, h),
        maxDataPoints=None, transformations=list(transformations), overrides=list(overrides),
        thresholds=steps(*thresholds), links=_links(links),
    )
    if sort_by:
        panel = attr.evolve(panel, extraJson={"options": {"sortBy": [{"displayName": sort_by, "desc": descending}]}})
    return panel


def logs(title: str, description: str, targets: Sequence[LokiTarget], *, w: int = 24, h: int = 10) -> Logs:
    """Log lines of `loki(...)` queries, newest first, wrapped, with details on click."""
    refs = _check(title, description, targets, w, h)
    return Logs(title=title, description=description, targets=refs, gridPos=_grid(w, h), maxDataPoints=None,
                showTime=True, showLabels=False, wrapLogMessages=True, enableLogDetails=True,
                prettifyLogMessage=False, sortOrder="Descending", dedupStrategy="none")


def traces(title: str, description: str, target: TempoTarget, *, w: int = 24, h: int = 8) -> Table:
    """A Tempo search: the traces a TraceQL query finds, newest first, each linking to its trace view."""
    refs = _check(title, description, [target], w, h)
    return Table(title=title, description=description, targets=refs, unit="none", gridPos=_grid(w, h),
                 maxDataPoints=None, thresholds=steps((GREEN, None)))


def text(title: str, content: str, *, w: int = 24, h: int = 3) -> Text:
    """A Markdown note (a caveat, how to read the panels below)."""
    if not title.strip() or not content.strip():
        raise ValueError("text panel needs a title and content")
    return Text(title=title, content=content, mode="markdown", gridPos=_grid(w, h))


def row(title: str) -> RowPanel:
    """A row header: the panels after it, up to the next row, sit under it on the grid."""
    if not title.strip():
        raise ValueError("row without a title")
    return RowPanel(title=title, gridPos=GridPos(h=1, w=24, x=0, y=0))
