"""The inside of each panel as HTML: data drawn by type, or the layout facts without data (pure)."""

from __future__ import annotations

import html
import math
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime, timezone

from graf.preview.charts import line_chart
from graf.preview.data import PanelData, Series
from graf.preview.layout import Box
from graf.preview.panels import PALETTE, defaults, format_value, kind, threshold_colour, unit

# Types drawn as lines from series (heatmaps and the like are approximated, and say so).
LINES = {"timeseries": "", "trend": "", "heatmap": "drawn as lines", "barchart": "drawn as lines",
         "state-timeline": "drawn as lines", "status-history": "drawn as lines", "xychart": "drawn as lines",
         "histogram": "drawn as lines", "candlestick": "drawn as lines"}
MAX_ROWS = 50  # table rows shown
MAX_LEGEND = 12


@dataclass(frozen=True)
class Size:
    """The panel body's inner size in px."""

    width: int
    height: int


def body_html(box: Box, data: PanelData | None, size: Size, window: tuple[float, float] | None = None) -> str:
    """The body of one panel: with `data` (possibly empty), what it shows; without, its layout facts."""
    panel_kind = kind(box.panel)
    if data is None or not data:
        return _facts(box, with_data=data is not None)
    errors = [d for d in data if d.error]
    series = [s for d in data for s in d.series]
    if panel_kind.shown == "logs" and not errors and any(d.lines for d in data):
        return _logs(box, [line for d in data for line in d.lines], size)
    if not series:
        return _no_data(box, error=errors[0].error if errors else "", sent=[d.target.query for d in data])
    shown = panel_kind.shown
    if shown in LINES:
        note = f'<p class="note">{LINES[shown]}</p>' if LINES[shown] else ""
        return _lines(box, series, size, window) + note
    if shown == "stat":
        return _stat(box, series, size)
    if shown == "gauge":
        return _gauge(box, series, size)
    if shown in ("bargauge", "piechart"):
        return _bars(box, series)
    if shown == "table":
        return _table(box, series)
    return _facts(box, with_data=True)


def queries(box: Box) -> list[str]:
    """Each target's query as written (PromQL, LogQL, TraceQL, SQL)."""
    found: list[str] = []
    for target in box.panel.get("targets") or ():
        if isinstance(target, dict):
            text = target.get("expr") or target.get("query") or target.get("rawSql")
            if isinstance(text, str) and text.strip():
                found.append(text.strip())
    return found


def _facts(box: Box, *, with_data: bool) -> str:
    panel_kind = kind(box.panel)
    parts: list[str] = []
    if panel_kind.shown == "text":
        content = (box.panel.get("options") or {}).get("content") or box.panel.get("content") or ""
        return f'<div class="text">{html.escape(str(content))}</div>'
    if with_data:
        source = _datasource_type(box)
        if source == "loki":
            parts.append('<p class="note">Loki was not queried: pass --loki URL</p>')
        elif source and source != "prometheus":
            parts.append(f'<p class="note">{html.escape(source)} queries are not run in the preview</p>')
        elif queries(box):
            parts.append(f'<p class="note">{html.escape(panel_kind.shown)} panels are not drawn in the preview</p>')
    if not panel_kind.known:
        parts.append(f'<p class="note unsupported">plugin panel “{html.escape(panel_kind.written)}”: '
                     "not previewed</p>")
    parts.extend(_query_list(box))
    return "".join(parts)


def _datasource_type(box: Box) -> str:
    """The type of the panel's (or its first target's) datasource, `` when not said."""
    for ds in [box.panel.get("datasource"), *(t.get("datasource") for t in box.panel.get("targets") or ()
                                               if isinstance(t, dict))]:
        if isinstance(ds, dict) and isinstance(ds.get("type"), str) and ds["type"] != "-- Mixed --":
            return str(ds["type"])
    return ""


def _query_list(box: Box) -> list[str]:
    return [f'<code class="query">{html.escape(q)}</code>' for q in queries(box)[:4]]


def _no_data(box: Box, *, error: str, sent: Sequence[str] = ()) -> str:
    """Grafana's "No data" (or the panel's own noValue text), with the queries as sent (else as written)."""
    text = defaults(box.panel).get("noValue") if not error else None
    message = html.escape(str(text)) if isinstance(text, str) and text else "No data"
    detail = f'<p class="error">{html.escape(error)}</p>' if error else ""
    shown = [f'<code class="query">{html.escape(q)}</code>' for q in sent[:4]] if sent else _query_list(box)
    return f'<div class="nodata"><p class="nodata-text">{message}</p>{detail}{"".join(shown)}</div>'


def _logs(box: Box, lines: Sequence[tuple[float, str]], size: Size) -> str:
    """The newest lines that fit, newest first (Grafana's default order), with their time."""
    fits = max(1, size.height // 15)
    shown = sorted(lines, key=lambda line: (-line[0], line[1]))[:fits]
    rows = "".join(f'<li><time>{datetime.fromtimestamp(t, tz=timezone.utc):%H:%M:%S}</time> {html.escape(text)}</li>'
                   for t, text in shown)
    return f'<ul class="loglines" data-lines="{len(shown)}">{rows}</ul>'


def _decimals(box: Box) -> int | None:
    value = defaults(box.panel).get("decimals")
    return value if isinstance(value, int) and not isinstance(value, bool) else None


def _lines(box: Box, series: Sequence[Series], size: Size, window: tuple[float, float] | None) -> str:
    legend_rows = 0 if len(series) < 2 else min(3, math.ceil(len(series) / max(1, size.width // 160)))
    legend_height = legend_rows * 14
    chart = line_chart(series, width=size.width, height=max(30, size.height - legend_height),
                       unit=unit(box.panel), salt=box.key, decimals=_decimals(box), window=window)
    legend = ""
    if legend_rows:
        items = "".join(
            f'<li><i style="background:{PALETTE[i % len(PALETTE)]}"></i>{html.escape(s.name)}</li>'
            for i, s in enumerate(series[:MAX_LEGEND]))
        legend = f'<ul class="legend" style="max-height:{legend_height}px">{items}</ul>'
    return f'<div class="chart" data-series="{len(series)}">{chart}</div>{legend}'


def _reduce(box: Box, one: Series) -> float | None:
    options = box.panel.get("options") or {}
    calcs = (options.get("reduceOptions") or {}).get("calcs") or ["lastNotNull"]
    values = [v for _, v in one.points if not math.isnan(v)]
    if not values:
        return None
    calc = calcs[0] if isinstance(calcs, list) and calcs else "lastNotNull"
    reducers = {"mean": lambda: sum(values) / len(values), "max": lambda: max(values), "min": lambda: min(values),
                "sum": lambda: sum(values), "first": lambda: values[0], "firstNotNull": lambda: values[0],
                "count": lambda: float(len(values)), "range": lambda: max(values) - min(values),
                "delta": lambda: values[-1] - values[0], "diff": lambda: values[-1] - values[0]}
    reducer = reducers.get(calc)
    return reducer() if reducer else one.last()


def _values(box: Box, series: Sequence[Series]) -> list[tuple[str, float]]:
    out = []
    for one in series:
        value = _reduce(box, one)
        if value is not None:
            out.append((one.name, value))
    return out


def _font(size: Size, count: int, text: str) -> str:
    """A font size that fits `text` in one of `count` cells side by side (as Grafana's auto-sizing)."""
    across = max(1, min(count, size.width // 60))
    down = math.ceil(count / across)
    fit = min((size.width / across - 8) / (0.72 * max(len(text), 1)), (size.height / down) * 0.5, 32)
    return f"font-size:{max(9, int(fit))}px"


def _stat(box: Box, series: Sequence[Series], size: Size) -> str:
    values = _values(box, series)
    if not values:
        return _no_data(box, error="")
    background = ((box.panel.get("options") or {}).get("colorMode") or "value") == "background"
    cells = []
    shown = values[:12]
    for name, value in shown:
        css = threshold_colour(box.panel, value)
        style = f"background:{css};color:#fff" if background else f"color:{css}"
        label = f'<span class="stat-name">{html.escape(name)}</span>' if len(values) > 1 else ""
        text = format_value(value, unit(box.panel), _decimals(box))
        cells.append(f'<div class="stat" style="{style}" data-colour="{css}">{label}'
                     f'<span class="stat-value" style="{_font(size, len(shown), text)}">{html.escape(text)}'
                     "</span></div>")
    return f'<div class="stats">{"".join(cells)}</div>'


def _range(box: Box) -> tuple[float, float]:
    found = defaults(box.panel)
    low, high = found.get("min"), found.get("max")
    low = float(low) if isinstance(low, (int, float)) else 0.0
    high = float(high) if isinstance(high, (int, float)) else 1.0 if unit(box.panel) == "percentunit" else 100.0
    return low, high


def _gauge(box: Box, series: Sequence[Series], size: Size) -> str:
    values = _values(box, series)
    if not values:
        return _no_data(box, error="")
    low, high = _range(box)
    cells = []
    shown = values[:6]
    for name, value in shown:
        css = threshold_colour(box.panel, value)
        share = 0.0 if high == low else min(1.0, max(0.0, (value - low) / (high - low)))
        label = f'<span class="stat-name">{html.escape(name)}</span>' if len(values) > 1 else ""
        text = format_value(value, unit(box.panel), _decimals(box))
        cells.append(
            f'<div class="gauge" data-colour="{css}">{label}<span class="stat-value" '
            f'style="color:{css};{_font(size, len(shown), text)}">{html.escape(text)}</span>'
            f'<span class="track"><span class="fill" style="width:{share * 100:.1f}%;background:{css}"></span></span>'
            "</div>")
    return f'<div class="stats">{"".join(cells)}</div>'


def _bars(box: Box, series: Sequence[Series]) -> str:
    values = _values(box, series)
    if not values:
        return _no_data(box, error="")
    low, high = _range(box)
    top = max([high, *(v for _, v in values)]) if kind(box.panel).shown == "piechart" else high
    rows = []
    for index, (name, value) in enumerate(values[:MAX_ROWS]):
        css = threshold_colour(box.panel, value) if kind(box.panel).shown == "bargauge" else \
            PALETTE[index % len(PALETTE)]
        share = 0.0 if top == low else min(1.0, max(0.0, (value - low) / (top - low)))
        rows.append(f'<li><span class="bar-name">{html.escape(name)}</span><span class="track">'
                    f'<span class="fill" style="width:{share * 100:.1f}%;background:{css}"></span></span>'
                    f'<span class="bar-value">{html.escape(format_value(value, unit(box.panel), _decimals(box)))}'
                    "</span></li>")
    return f'<ul class="bars">{"".join(rows)}</ul>'


def _table(box: Box, series: Sequence[Series]) -> str:
    excluded, renamed = _organize(box)
    columns = sorted({k for s in series for k, _ in s.labels if k != "__name__" and not excluded.get(k)})
    value_name = renamed.get("Value", "Value")
    head = "".join(f"<th>{html.escape(renamed.get(c, c))}</th>" for c in [*columns, value_name])
    rows = []
    for one in series[:MAX_ROWS]:
        labels = dict(one.labels)
        value = one.last()
        shown = "" if value is None else format_value(value, unit(box.panel), _decimals(box))
        cells = "".join(f"<td>{html.escape(labels.get(c, ''))}</td>" for c in columns)
        rows.append(f"<tr>{cells}<td>{html.escape(shown)}</td></tr>")
    more = f'<p class="note">{len(series) - MAX_ROWS} more rows</p>' if len(series) > MAX_ROWS else ""
    return f'<table class="rows"><thead><tr>{head}</tr></thead><tbody>{"".join(rows)}</tbody></table>{more}'


def _organize(box: Box) -> tuple[dict[str, bool], dict[str, str]]:
    """The `organize` transformation's hidden and renamed columns (the one tables use most)."""
    for step in box.panel.get("transformations") or ():
        if isinstance(step, dict) and step.get("id") == "organize":
            options = step.get("options") or {}
            return dict(options.get("excludeByName") or {}), dict(options.get("renameByName") or {})
    return {}, {}


