"""Each visible panel's data: the queries `graf check` runs, with their answers kept.

`panel_targets` (pure) finds the Prometheus and Loki targets of the panels on show (not those
folded in a collapsed row) with the dashboard's variables at their defaults, exactly as `graf
check` sends them; `fetch_panels` runs each through the fetcher of its source
(`PrometheusHTTP.fetch`, `LokiHTTP.fetch`) and keeps every series and log line.
"""

from __future__ import annotations

import math
import re
from collections.abc import Callable, Mapping, Sequence
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass
from typing import Literal

from graf.check import MAX_WORKERS, _is_prometheus, datasource_type, variable_defaults
from graf.preview.layout import Box
from graf.resources import JSON
from graf.variables import substitute

Fetch = Callable[[str, bool], JSON]  # (query, instant) -> Prometheus's (or Loki's) answer
Source = Literal["prometheus", "loki"]
_LEGEND = re.compile(r"\{\{\s*([A-Za-z_]\w*)\s*\}\}")


@dataclass(frozen=True)
class Target:
    key: str  # the panel's box key
    ref_id: str
    expr: str
    query: str  # variables substituted: what is sent
    instant: bool
    legend: str
    source: Source = "prometheus"


@dataclass(frozen=True)
class Series:
    name: str
    points: tuple[tuple[float, float], ...]  # (unix seconds, value), NaN kept as NaN
    labels: tuple[tuple[str, str], ...] = ()

    def last(self) -> float | None:
        """The last value that is a number (Grafana's `lastNotNull`)."""
        for _, value in reversed(self.points):
            if not math.isnan(value):
                return value
        return None


@dataclass(frozen=True)
class TargetData:
    target: Target
    series: tuple[Series, ...] = ()
    error: str = ""
    lines: tuple[tuple[float, str], ...] = ()  # log lines (unix seconds, text), newest first


PanelData = tuple[TargetData, ...]


def panel_targets(dashboard: JSON, boxes: Sequence[Box], datasources: Mapping[str, str] | None = None) -> list[Target]:
    """The Prometheus and Loki targets of the boxes shown, in layout order, variables at their defaults;
    `datasources` gives the type of a datasource named by a string."""
    values = variable_defaults(dashboard)
    out: list[Target] = []
    for box in boxes:
        if box.is_row:
            continue
        panel_ds = box.panel.get("datasource")
        for target in box.panel.get("targets") or ():
            if not isinstance(target, dict):
                continue
            expr = target.get("expr")
            source = _source(target.get("datasource") or panel_ds, datasources or {})
            if source is None or not isinstance(expr, str) or not expr.strip() or target.get("hide"):
                continue
            out.append(Target(
                key=box.key, ref_id=str(target.get("refId", "?")), expr=expr, query=substitute(expr, values),
                instant=bool(target.get("instant")) and not target.get("range"),
                legend=str(target.get("legendFormat") or ""), source=source,
            ))
    return out


def fetch_panels(targets: Sequence[Target], fetchers: Mapping[Source, Fetch],
                 workers: int = MAX_WORKERS) -> dict[str, PanelData]:
    """Every target's answer, grouped by panel key (targets in their order); targets of a source
    without a fetcher are left out (their panels show their queries)."""
    runnable = [t for t in targets if t.source in fetchers]
    with ThreadPoolExecutor(max_workers=max(1, workers)) as pool:
        answers = list(pool.map(lambda t: fetchers[t.source](t.query, t.instant), runnable))
    out: dict[str, list[TargetData]] = {}
    for target, answer in zip(runnable, answers, strict=True):
        out.setdefault(target.key, []).append(read_answer(target, answer))
    return {key: tuple(found) for key, found in out.items()}


def _source(ds: object, datasources: Mapping[str, str]) -> Source | None:
    if _is_prometheus(ds, datasources):
        return "prometheus"
    if datasource_type(ds, datasources) == "loki":
        return "loki"
    return None


def read_answer(target: Target, answer: JSON) -> TargetData:
    """Prometheus's answer as series (a scalar or string result is one series)."""
    if answer.get("status") != "success":
        return TargetData(target, error=str(answer.get("error") or "unexpected answer"))
    data = answer.get("data") or {}
    result = data.get("result")
    if data.get("resultType") == "streams":
        return TargetData(target, lines=_log_lines(result))
    if data.get("resultType") in ("scalar", "string") and isinstance(result, list) and len(result) == 2:
        return TargetData(target, (Series(target.ref_id, (_point(result),)),))
    series: list[Series] = []
    for item in result if isinstance(result, list) else ():
        labels = item.get("metric") or {}
        raw = item.get("values") or ([item["value"]] if item.get("value") else [])
        points = tuple(_point(p) for p in raw)
        if points:
            series.append(Series(_name(labels, target), points, tuple(sorted(labels.items()))))
    return TargetData(target, tuple(series))


def _log_lines(result: object) -> tuple[tuple[float, str], ...]:
    """Loki's streams as (unix seconds, line), newest first, the order a logs panel shows by default."""
    lines: list[tuple[float, str]] = []
    for stream in result if isinstance(result, list) else ():
        for pair in stream.get("values") or () if isinstance(stream, dict) else ():
            try:
                lines.append((int(pair[0]) / 1e9, str(pair[1])))
            except (ValueError, TypeError, IndexError):
                continue
    return tuple(sorted(lines, key=lambda line: (-line[0], line[1])))


def _point(pair: Sequence[object]) -> tuple[float, float]:
    try:
        return float(str(pair[0])), float(str(pair[1]))
    except (ValueError, IndexError):
        return 0.0, math.nan


def _name(labels: dict[str, str], target: Target) -> str:
    """The legend Grafana shows: the legend format with labels filled in, else `name{labels}`."""
    if target.legend and target.legend != "__auto":
        return _LEGEND.sub(lambda m: labels.get(m.group(1), ""), target.legend)
    name = labels.get("__name__", "")
    rest = ", ".join(f'{k}="{v}"' for k, v in sorted(labels.items()) if k != "__name__")
    return f"{name}{{{rest}}}" if rest else name or target.expr
