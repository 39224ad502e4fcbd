"""What a panel is and how its numbers read: migrated type, unit, thresholds, colours (pure)."""

from __future__ import annotations

import math
from dataclasses import dataclass
from typing import Any

from graf.resources import JSON

# Legacy panel types and what Grafana's migration turns them into when a dashboard is opened.
MIGRATED: dict[str, str] = {
    "graph": "timeseries",
    "singlestat": "stat",
    "grafana-singlestat-panel": "stat",
    "table-old": "table",
    "grafana-piechart-panel": "piechart",
    "grafana-worldmap-panel": "geomap",
    "natel-discrete-panel": "state-timeline",
    "flant-statusmap-panel": "status-history",
}
# Core panel types the preview draws from data; other core ones are drawn as their layout only.
DRAWN = frozenset({"timeseries", "stat", "gauge", "bargauge", "table", "text", "logs", "heatmap",
                   "barchart", "piechart", "state-timeline", "status-history", "trend", "xychart"})
CORE = DRAWN | frozenset({"row", "traces", "nodeGraph", "flamegraph", "dashlist", "alertlist",
                          "annolist", "news", "geomap", "canvas", "histogram", "candlestick",
                          "welcome", "gettingstarted", "datagrid", "logs-volume"})
# Grafana's named colours (dark theme) as thresholds and overrides write them.
NAMED_COLOURS = {
    "green": "#73BF69", "dark-green": "#37872D", "semi-dark-green": "#56A64B", "light-green": "#96D98D",
    "red": "#F2495C", "dark-red": "#C4162A", "semi-dark-red": "#E02F44", "light-red": "#FF7383",
    "yellow": "#FADE2A", "dark-yellow": "#E0B400", "semi-dark-yellow": "#F2CC0C", "light-yellow": "#FFEE52",
    "orange": "#FF9830", "dark-orange": "#FA6400", "semi-dark-orange": "#FF780A", "light-orange": "#FFB357",
    "blue": "#5794F2", "dark-blue": "#1F60C4", "semi-dark-blue": "#3274D9", "light-blue": "#8AB8FF",
    "purple": "#B877D9", "dark-purple": "#8F3BB8", "semi-dark-purple": "#A352CC", "light-purple": "#CA95E5",
    "text": "#CCCCDC", "transparent": "transparent",
}
# Grafana's classic palette: the colours series get in order.
PALETTE = ("#73BF69", "#F2CC0C", "#8AB8FF", "#FF780A", "#F2495C", "#5794F2", "#B877D9", "#705DA0",
           "#37872D", "#FADE2A", "#447EBC", "#C15C17")
BASE_COLOUR = NAMED_COLOURS["green"]


@dataclass(frozen=True)
class PanelKind:
    """The type Grafana shows (after migration), the one written, and whether the preview draws it."""

    shown: str
    written: str

    @property
    def migrated(self) -> bool:
        return self.shown != self.written

    @property
    def known(self) -> bool:
        return self.shown in CORE


def kind(panel: JSON) -> PanelKind:
    written = str(panel.get("type") or "")
    return PanelKind(MIGRATED.get(written, written), written)


def defaults(panel: JSON) -> JSON:
    field_config = panel.get("fieldConfig")
    found = field_config.get("defaults") if isinstance(field_config, dict) else None
    return found if isinstance(found, dict) else {}


def unit(panel: JSON) -> str:
    """The panel's unit: fieldConfig's, else a legacy graph's left y-axis format or singlestat's."""
    found = defaults(panel).get("unit")
    if isinstance(found, str) and found:
        return found
    yaxes = panel.get("yaxes")
    if isinstance(yaxes, list) and yaxes and isinstance(yaxes[0], dict) and isinstance(yaxes[0].get("format"), str):
        return str(yaxes[0]["format"])
    legacy = panel.get("format")
    return legacy if isinstance(legacy, str) else ""


def colour(name: Any) -> str:
    """A Grafana colour (named or CSS) as CSS."""
    if not isinstance(name, str) or not name:
        return BASE_COLOUR
    return NAMED_COLOURS.get(name, name if name.startswith(("#", "rgb")) else BASE_COLOUR)


def threshold_steps(panel: JSON) -> list[tuple[float, str]]:
    """(from value, CSS colour) in ascending order; the base step is minus infinity."""
    thresholds = defaults(panel).get("thresholds")
    steps = thresholds.get("steps") if isinstance(thresholds, dict) else None
    out: list[tuple[float, str]] = []
    for step in steps if isinstance(steps, list) else ():
        if not isinstance(step, dict):
            continue
        value = step.get("value")
        start = float(value) if isinstance(value, (int, float)) and not isinstance(value, bool) else -math.inf
        out.append((start, colour(step.get("color"))))
    return sorted(out, key=lambda s: s[0]) or [(-math.inf, BASE_COLOUR)]


def threshold_colour(panel: JSON, value: float) -> str:
    """The colour of the highest step at or below `value`, as Grafana colours a stat or gauge."""
    chosen = BASE_COLOUR
    for start, css in threshold_steps(panel):
        if value >= start:
            chosen = css
    return chosen


def thresholds_percentage(panel: JSON) -> bool:
    thresholds = defaults(panel).get("thresholds")
    return isinstance(thresholds, dict) and thresholds.get("mode") == "percentage"


_SI = ((1e12, "T"), (1e9, "G"), (1e6, "M"), (1e3, "k"))
_IEC = ((1024**4, "TiB"), (1024**3, "GiB"), (1024**2, "MiB"), (1024, "KiB"))
_TIME = ((86400 * 365, "year"), (86400 * 7, "week"), (86400, "day"), (3600, "hour"), (60, "min"), (1, "s"))
_SUFFIX = {"reqps": " req/s", "rps": " req/s", "ops": " ops/s", "iops": " io/s", "hertz": " Hz",
           "celsius": "°C", "watt": " W", "volt": " V", "none": "", "short": "", "": "", "locale": "",
           "Bps": "B/s", "binBps": "B/s", "bps": "b/s", "binbps": "b/s", "pps": " p/s", "wps": " wr/s",
           "rps_io": " rd/s", "cps": " c/s"}


def format_value(value: float, unit_name: str, decimals: int | None = None) -> str:
    """A number as Grafana would print it in that unit (the common units; others as `<n> <unit>`)."""
    if math.isnan(value):
        return "NaN"
    if math.isinf(value):
        return "+Inf" if value > 0 else "-Inf"
    if unit_name == "percentunit":
        return _num(value * 100, decimals) + "%"
    if unit_name == "percent":
        return _num(value, decimals) + "%"
    if unit_name in ("bytes", "decbytes", "Bps", "binBps"):
        scaled = _scale(value, _IEC if unit_name in ("bytes", "binBps") else
                        tuple((f, s + "B") for f, s in _SI), decimals)
        suffix = "/s" if unit_name.endswith("ps") else ""
        return (scaled if scaled[-1].isalpha() else scaled + " B") + suffix
    if unit_name in ("s", "ms", "µs", "us", "ns", "dtdurations", "m", "h", "d"):
        factor = {"ms": 1e-3, "µs": 1e-6, "us": 1e-6, "ns": 1e-9, "m": 60, "h": 3600, "d": 86400}.get(unit_name, 1)
        return _duration(value * factor, decimals)
    if unit_name in _SUFFIX:
        return _scale(value, tuple((f, s) for f, s in _SI), decimals) + _SUFFIX[unit_name]
    if unit_name.startswith("suffix:"):
        return _num(value, decimals) + unit_name[len("suffix:"):]
    if unit_name.startswith("prefix:"):
        return unit_name[len("prefix:"):] + _num(value, decimals)
    return f"{_num(value, decimals)} {unit_name}"


def _scale(value: float, steps: tuple[tuple[float, str], ...], decimals: int | None) -> str:
    for factor, suffix in steps:
        if abs(value) >= factor:
            return _num(value / factor, decimals) + (" " if len(suffix) > 1 else "") + suffix
    return _num(value, decimals)


def _duration(seconds: float, decimals: int | None) -> str:
    if seconds == 0:
        return "0 s"
    if abs(seconds) < 1:
        return _num(seconds * 1000, decimals) + " ms" if abs(seconds) >= 1e-3 else _num(seconds * 1e6, decimals) + " µs"
    for factor, name in _TIME:
        if abs(seconds) >= factor:
            return f"{_num(seconds / factor, decimals)} {name}"
    return f"{_num(seconds, decimals)} s"


def _num(value: float, decimals: int | None) -> str:
    if decimals is not None:
        return f"{value:.{max(0, min(decimals, 10))}f}"
    size = abs(value)
    places = 0 if size >= 100 or value == int(value) else 1 if size >= 10 else 2 if size >= 0.01 else 4
    text = f"{value:.{places}f}"
    return text.rstrip("0").rstrip(".") if "." in text else text
