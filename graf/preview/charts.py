"""Time series as inline SVG through matplotlib, byte-for-byte the same for the same data.

matplotlib is an optional extra (`pip install 'graf[preview]'`): only pages with data need it.
Determinism: a fixed `svg.hashsalt` per chart (ids differ between charts of one page, never between
runs), no creation date in the metadata, text kept as text (`svg.fonttype: none`, also smaller).
"""

from __future__ import annotations

import io
import re
from collections.abc import Sequence
from datetime import datetime, timezone
from typing import Any

from graf.errors import GrafError
from graf.preview.data import Series
from graf.preview.panels import PALETTE, format_value

DPI = 96
TEXT = "#ccccdc"
GRID = "#2c3235"
INSTALL_HINT = "pip install 'graf[preview]' (matplotlib draws the series)"
# Time axis steps (seconds): whole minutes and hours, as Grafana labels its axes.
TICK_STEPS = (60, 120, 300, 600, 900, 1200, 1800, 3600, 7200, 10800, 21600, 43200, 86400)
_XML_HEAD = re.compile(r"\A.*?(?=<svg)", re.DOTALL)


def line_chart(series: Sequence[Series], *, width: int, height: int, unit: str, salt: str,
               decimals: int | None = None, window: tuple[float, float] | None = None) -> str:
    """An `<svg>` element of the series as lines, `width`×`height` px, y ticks in the panel's unit.

    The x axis spans `window` (the queried time range, as Grafana shows it whatever the data
    covers) with ticks on whole minutes or hours; a series of one or two points is drawn as dots.
    """
    try:
        import matplotlib
        from matplotlib.figure import Figure
        from matplotlib.ticker import FuncFormatter
    except ImportError:
        raise GrafError("graf preview", "drawing series needs matplotlib, which is not installed",
                        INSTALL_HINT) from None

    settings: Any = {"svg.hashsalt": f"graf-{salt}", "svg.fonttype": "none", "font.size": 7.5,
                     "font.family": "DejaVu Sans", "axes.linewidth": 0.6, "path.simplify_threshold": 0.5}
    with matplotlib.rc_context(settings):
        figure = Figure(figsize=(max(width, 40) / DPI, max(height, 30) / DPI), dpi=DPI)
        figure.patch.set_alpha(0)
        axes = figure.add_subplot()
        axes.set_facecolor("none")
        for index, one in enumerate(series):
            xs = [t for t, _ in one.points]
            ys = [v for _, v in one.points]
            sparse = sum(1 for v in ys if v == v) < 3  # NaN != NaN
            axes.plot(xs, ys, color=PALETTE[index % len(PALETTE)], linewidth=1.1,
                      marker="o" if sparse else None, markersize=2.5)
        axes.xaxis.set_major_formatter(FuncFormatter(lambda v, _: _clock(v)))
        if window is None:
            times = [t for one in series for t, _ in one.points]
            window = (min(times), max(times)) if times else (0.0, 1.0)
        start, end = window
        axes.set_xlim(start, end if end > start else start + 1)
        room = max(2, width // 90)  # labels that fit side by side
        every = next((step for step in TICK_STEPS if (end - start) / step <= room), TICK_STEPS[-1])
        edge = (end - start) * 0.04  # a label centred closer to an edge would be cut
        axes.set_xticks([t for t in range(int(start // every + 1) * every, int(end) + 1, every)
                         if start + edge <= t <= end - edge])
        axes.locator_params(axis="y", nbins=max(2, height // 35))
        low, high = axes.get_ylim()
        ticks = [t for t in axes.get_yticks() if low - 1e-9 * abs(low) <= t <= high + 1e-9 * abs(high)]
        labels = _labels(ticks, unit, decimals)
        axes.set_yticks(ticks, labels)
        axes.set_ylim(low, high)
        axes.tick_params(colors=TEXT, length=0, pad=2)
        axes.grid(color=GRID, linewidth=0.5)
        for spine in axes.spines.values():
            spine.set_visible(False)
        # leave room for the tick labels inside the given size
        label_px = 8 + 5.8 * max((len(label) for label in labels), default=4)  # ~5.8 px a character at 7.5 pt
        figure.subplots_adjust(left=min(0.45, label_px / max(width, 1)), right=0.99, top=0.96,
                               bottom=min(0.4, 16 / max(height, 1)))
        out = io.StringIO()
        figure.savefig(out, format="svg", metadata={"Date": None, "Creator": None}, transparent=True)
    return _XML_HEAD.sub("", out.getvalue()).strip()


def _labels(ticks: Sequence[float], unit: str, decimals: int | None) -> list[str]:
    """Tick labels in the unit, with as many decimals as it takes to tell them apart."""
    for places in (decimals, *range(0 if decimals is None else decimals + 1, 7)):
        labels = [format_value(t, unit, places) for t in ticks]
        if len(set(labels)) == len(labels):
            return labels
    return labels


def _clock(seconds: float) -> str:
    return datetime.fromtimestamp(seconds, tz=timezone.utc).strftime("%H:%M")
