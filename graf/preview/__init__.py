"""`graf preview`: dashboards drawn without Grafana, as standalone HTML pages (and PNGs).

    layout.py   gridPos on the 24-column grid, rows collapsed or not, repeats (pure)
    panels.py   migrated panel types, units, thresholds and colours (pure)
    data.py     each shown panel's Prometheus and Loki queries (as `graf check` sends them), their answers
    loki.py     Loki's query_range over HTTP (Prometheus's is `graf.check.PrometheusHTTP`)
    charts.py   series as deterministic inline SVG (matplotlib, the optional `preview` extra)
    bodies.py   the inside of a panel by type: lines, stat, gauge, bars, table, "No data" (pure)
    page.py     the grid and the page around it (pure)
    browser.py  headless chromium: PNG screenshots and DOM dumps of the pages
"""

from __future__ import annotations

import html
from collections.abc import Iterable, Mapping
from datetime import datetime, timezone

from graf.check import RANGE_SECONDS, datasource_types, variable_defaults
from graf.preview.data import Fetch, Source, fetch_panels, panel_targets
from graf.preview.layout import Box, layout
from graf.preview.page import Grid, Mark, dashboard_page, grid_html, page
from graf.resources import JSON, Resource

__all__ = ["Box", "Grid", "Mark", "dashboard_page", "grid_html", "layout", "page", "page_name",
           "preview_dashboard", "preview_resources"]


def preview_dashboard(dashboard: JSON, *, fetch: Fetch | None = None, source: str = "",
                      now: float | None = None, range_seconds: float = RANGE_SECONDS,
                      loki: Fetch | None = None, datasources: Mapping[str, str] | None = None) -> str:
    """One dashboard as a standalone HTML page: with `fetch` (Prometheus) and `loki`, each panel's
    data over the `range_seconds` to `now` (how the axes are drawn); without, the layout.
    `datasources` gives the type of a datasource named by a string (`graf.check.datasource_types`)."""
    boxes = layout(dashboard)
    fetchers: dict[Source, Fetch] = {}
    if fetch is not None:
        fetchers["prometheus"] = fetch
    if loki is not None:
        fetchers["loki"] = loki
    data = fetch_panels(panel_targets(dashboard, boxes, datasources), fetchers) if fetchers else None
    window = (now - range_seconds, now) if data is not None and now is not None else None
    meta = _meta(dashboard, source, data, window)
    return dashboard_page(dashboard, Grid(boxes, data, window=window), meta)


def preview_resources(resources: Iterable[Resource], *, fetch: Fetch | None = None, source: str = "",
                      now: float | None = None, loki: Fetch | None = None) -> dict[str, str]:
    """Every dashboard among `resources` as `{file name: page}`."""
    resources = list(resources)
    types = datasource_types(resources)
    return {page_name(r.uid): preview_dashboard(r.body, fetch=fetch, source=source, now=now, loki=loki,
                                                datasources=types)
            for r in resources if r.kind == "dashboard"}


def page_name(uid: str) -> str:
    """A file name for a dashboard's page (uids are letters, digits, `-` and `_`, but imports may not be)."""
    safe = "".join(c if c.isalnum() or c in "-_." else "_" for c in uid).lstrip(".")
    return f"{safe or 'dashboard'}.html"


def _meta(dashboard: JSON, source: str, data: object, window: tuple[float, float] | None) -> str:
    parts = [f"uid {html.escape(str(dashboard.get('uid') or '-'))}"]
    values = variable_defaults(dashboard)
    if values:
        parts.append("variables " + ", ".join(f"${html.escape(k)}={html.escape(v)}" for k, v in values.items()))
    if data is None:
        parts.append("layout only (no data: pass --prometheus URL to draw the last hour)")
    elif window is None:
        parts.append(f"data from {html.escape(source)}")
    else:
        start, end = (datetime.fromtimestamp(t, tz=timezone.utc) for t in window)
        parts.append(f"data from {html.escape(source)}: {start:%Y-%m-%d %H:%M} to {end:%H:%M} UTC")
    return " · ".join(parts)
