"""HTML pages: a dashboard's grid of panels, standalone (inline CSS and SVG, nothing fetched) (pure).

Each panel is a `<section class="panel">` placed absolutely from its gridPos, carrying the
gridPos in `data-x/y/w/h`; a small inline script writes each box's measured place, in grid
units, to `data-measured` so a headless browser's DOM dump shows where it was drawn.
"""

from __future__ import annotations

import html
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field

from graf.errors import GrafError
from graf.preview.bodies import Size, body_html
from graf.preview.data import PanelData
from graf.preview.layout import GAP, ROW_HEIGHT, Box, height
from graf.preview.panels import kind, unit
from graf.resources import JSON

PAGE_WIDTH = 1200  # px of the grid on a dashboard page: 50 px a column
HEAD = 22  # px of a panel's title bar
PAD = 6  # px around a panel's body

CSS = """
*{box-sizing:border-box}
body{margin:0;padding:12px;background:#111217;color:#ccccdc;font:12px/1.35 "DejaVu Sans",Arial,sans-serif}
h1{font-size:18px;font-weight:500;margin:0 0 2px}
.meta{color:#8e8e9e;margin:0 0 10px}
.grid{position:relative}
.panel{position:absolute;background:#181b1f;border:1px solid #2c3235;border-radius:2px;overflow:hidden}
.head{height:22px;display:flex;align-items:center;gap:6px;padding:0 6px;white-space:nowrap;overflow:hidden}
.title{font-size:12px;font-weight:500;margin:0;overflow:hidden;text-overflow:ellipsis;color:#ccccdc;
  flex:0 0 auto;max-width:100%}
.badge{font-size:10px;color:#8e8e9e;border:1px solid #34373d;border-radius:8px;padding:0 5px;flex:0 1 auto;
  min-width:0;overflow:hidden;text-overflow:ellipsis}
.badge.mark{color:#111217;border:0;font-weight:600;flex-shrink:0}
.info{flex:0 0 auto;width:12px;height:12px;border:1px solid #8e8e9e;border-radius:50%;color:#8e8e9e;
  font:bold 9px/10px serif;text-align:center;cursor:help}
.body{position:absolute;left:6px;right:6px;top:22px;bottom:6px;overflow:hidden}
.desc{color:#9fa0ad;margin:0 0 4px}
.query{display:block;font:10px/1.3 "DejaVu Sans Mono",monospace;color:#a7aab6;background:#111217;
  padding:2px 4px;margin:2px 0;white-space:pre-wrap;word-break:break-all;max-height:5.3em;overflow:hidden}
.note{color:#8e8e9e;font-style:italic;margin:2px 0}
.unsupported{color:#FF9830}
.error{color:#F2495C;margin:2px 0;word-break:break-all}
.nodata{display:flex;flex-direction:column;justify-content:center;height:100%;text-align:center}
.nodata-text{font-size:14px;color:#9fa0ad;margin:0 0 4px}
.chart svg{display:block}
.legend{list-style:none;margin:0;padding:0;display:flex;flex-wrap:wrap;gap:0 10px;overflow:hidden;font-size:10px}
.legend li{white-space:nowrap;max-width:320px;overflow:hidden;text-overflow:ellipsis}
.legend i{display:inline-block;width:10px;height:3px;margin:0 4px 2px 0;vertical-align:middle}
.stats{display:flex;flex-wrap:wrap;height:100%;gap:4px}
.stat,.gauge{flex:1 1 0;min-width:60px;display:flex;flex-direction:column;justify-content:center;
  align-items:center;border-radius:2px;overflow:hidden}
.stat-value{font-size:24px;font-weight:500;white-space:nowrap}
.stat-name{font-size:10px;color:#ccccdc;white-space:nowrap;overflow:hidden;text-overflow:ellipsis;max-width:100%}
.track{display:block;width:90%;height:6px;background:#2c3235;border-radius:3px;overflow:hidden}
.fill{display:block;height:100%}
.bars{list-style:none;margin:0;padding:0}
.bars li{display:flex;align-items:center;gap:6px;margin:2px 0}
.bar-name{width:35%;overflow:hidden;text-overflow:ellipsis;white-space:nowrap}
.bars .track{flex:1;height:10px}
.bar-value{width:70px;text-align:right}
.rows{border-collapse:collapse;width:100%;font-size:11px}
.rows th{text-align:left;color:#6e9fff;font-weight:500;border-bottom:1px solid #2c3235;padding:2px 4px}
.rows td{border-bottom:1px solid #22252b;padding:2px 4px;white-space:nowrap}
.text{white-space:pre-wrap;overflow:hidden;height:100%}
.loglines{list-style:none;margin:0;padding:0;font:11px/15px "DejaVu Sans Mono",monospace}
.loglines li{white-space:nowrap;overflow:hidden;text-overflow:ellipsis}
.loglines time{color:#8e8e9e}
.row{background:none;border:0;border-bottom:1px solid #2c3235;border-radius:0}
.row .title{font-size:14px}
.row.collapsed .title::before{content:"▸ "}
.row.expanded .title::before{content:"▾ "}
.broken{border-color:#F2495C}
.changed{outline:2px solid #FF9830;outline-offset:-1px}
.moved{outline:2px dashed #5794F2;outline-offset:-1px}
.added{outline:2px solid #73BF69;outline-offset:-1px}
.removed{outline:2px solid #F2495C;outline-offset:-1px}
.ghost{opacity:.35;border-style:dashed;outline:2px dashed #F2495C;outline-offset:-1px}
.side-by-side{display:flex;gap:16px;align-items:flex-start}
.side h2{font-size:13px;font-weight:500;margin:0 0 6px;color:#8e8e9e}
.side .grid{outline:1px dashed #34373d;outline-offset:4px}
.lines{margin:10px 0 28px;padding-left:18px;font-size:12px}
.lines li{margin:2px 0;word-break:break-word}
.lines code{font:11px "DejaVu Sans Mono",monospace;color:#d8d9da}
del{color:#F2495C}ins{color:#73BF69;text-decoration:none}
""".strip()

# Measures each panel's drawn box in grid units (from the grid's corner) into data-measured, and the
# drawn width of its title and chart (0 when hidden or missing) into data-title-px / data-chart-px.
MEASURE_SCRIPT = """
document.querySelectorAll('.grid').forEach(function(g){var o=g.getBoundingClientRect(),
c=parseFloat(g.dataset.column),r=parseFloat(g.dataset.rowHeight),p=parseFloat(g.dataset.gap);
g.querySelectorAll('.panel').forEach(function(e){var b=e.getBoundingClientRect();
e.dataset.measured=[Math.round((b.left-o.left)/c),Math.round((b.top-o.top)/(r+p)),
Math.round((b.width+p)/c),Math.round((b.height+p)/(r+p))].join(',');
function px(q){var x=e.querySelector(q);return x?Math.round(x.getBoundingClientRect().width):0;}
e.dataset.titlePx=px('.title');e.dataset.chartPx=px('.chart svg');});});
""".strip()

COLOURS = {"changed": "#FF9830", "moved": "#5794F2", "added": "#73BF69", "removed": "#F2495C"}


@dataclass(frozen=True)
class Mark:
    """A diff's word on a panel: the CSS class (changed, moved, added, removed, ghost) and a label."""

    css: str
    label: str


@dataclass(frozen=True)
class Grid:
    """One dashboard's boxes and what goes in them, ready to draw at a given width."""

    boxes: Sequence[Box]
    data: Mapping[str, PanelData] | None = None  # None: layout only
    marks: Mapping[str, Mark] = field(default_factory=dict)
    ghosts: Sequence[Box] = ()  # removed panels drawn faintly where they were
    window: tuple[float, float] | None = None  # the time range the data covers (unix seconds)


def grid_html(grid: Grid, width: int = PAGE_WIDTH) -> str:
    column = width / 24
    rows = max(height(grid.boxes), height(grid.ghosts))
    total = max(rows * (ROW_HEIGHT + GAP) - GAP, 0)
    parts = [f'<div class="grid" style="width:{width}px;height:{total}px" data-column="{_num(column)}" '
             f'data-row-height="{ROW_HEIGHT}" data-gap="{GAP}">']
    for box in grid.ghosts:  # first, so what is there now is drawn over them
        parts.append(_panel(box, Grid(()), column, Mark("ghost", "removed")))
    for box in grid.boxes:
        parts.append(_panel(box, grid, column, grid.marks.get(box.key)))
    parts.append("</div>")
    return "".join(parts)


def page(title: str, meta: str, content: str) -> str:
    """A whole standalone page around some grids."""
    return ("<!doctype html>\n<html lang=\"en\"><head><meta charset=\"utf-8\">"
            f"<title>{html.escape(title)}</title><style>{CSS}</style></head><body>"
            f"<h1>{html.escape(title)}</h1><p class=\"meta\">{meta}</p>\n{content}\n"
            f"<script>{MEASURE_SCRIPT}</script></body></html>\n")


def dashboard_page(dashboard: JSON, grid: Grid, meta: str) -> str:
    return page(str(dashboard.get("title") or "untitled dashboard"), meta, grid_html(grid))


def _panel(box: Box, grid: Grid, column: float, mark: Mark | None) -> str:
    left, top = box.x * column, box.y * (ROW_HEIGHT + GAP)
    width, tall = box.w * column - GAP, box.h * (ROW_HEIGHT + GAP) - GAP
    panel_kind = kind(box.panel)
    classes = ["panel", f"type-{_css_word(panel_kind.shown)}"]
    badges: list[str] = []
    if box.is_row:
        classes += ["row", "collapsed" if box.collapsed else "expanded"]
        if box.collapsed:
            badges.append(_badge(f"{box.hidden_panels} panel{'s' if box.hidden_panels != 1 else ''} folded"))
    else:
        badges.append(_badge(panel_kind.shown if not panel_kind.migrated else
                             f"{panel_kind.written} → {panel_kind.shown}"))
        if unit(box.panel):
            badges.append(_badge(unit(box.panel)))
    if box.repeat:
        classes.append("repeated")
        badges.append(_badge(f"repeats for each ${box.repeat}"))
    if box.fixed:
        badges.append(_badge("; ".join(box.fixed)))
    if mark is not None:
        classes.append(mark.css)
        badges.insert(0, f'<span class="badge mark" style="background:{COLOURS.get(mark.css, "#F2495C")}">'
                         f"{html.escape(mark.label)}</span>")
    description = str(box.panel.get("description") or "")
    info = f'<span class="info" title="{html.escape(description)}">i</span>' if description else ""
    body = ""
    if not box.is_row:
        size = Size(int(width) - 2 * PAD, int(tall) - HEAD - PAD)
        try:
            inner = body_html(box, None if grid.data is None else grid.data.get(box.key, ()), size, grid.window)
        except GrafError:
            raise
        except Exception as exc:  # a panel that cannot be drawn is shown broken, the page still is
            classes.append("broken")
            reason = html.escape(f"{type(exc).__name__}: {exc}")
            inner = f'<p class="error">cannot draw this panel: {reason}</p>'
        if grid.data is None and description:
            inner = f'<p class="desc">{html.escape(description)}</p>' + inner
        body = f'<div class="body">{inner}</div>'
    return (f'<section class="{" ".join(classes)}" id="{box.key}" data-x="{box.x}" data-y="{box.y}" '
            f'data-w="{box.w}" data-h="{box.h}" data-type="{html.escape(panel_kind.shown)}" '
            f'style="left:{_num(left)}px;top:{top}px;width:{_num(width)}px;height:{tall}px">'
            f'<div class="head"><h2 class="title">{html.escape(box.title)}</h2>{info}{"".join(badges)}</div>'
            f"{body}</section>")


def _badge(text: str) -> str:
    return f'<span class="badge">{html.escape(text)}</span>'


def _css_word(text: str) -> str:
    return "".join(c if c.isalnum() or c == "-" else "-" for c in text) or "none"


def _num(value: float) -> str:
    return f"{value:.2f}".rstrip("0").rstrip(".")


def page_size(boxes: Sequence[Box], width: int = PAGE_WIDTH, extra: int = 0) -> tuple[int, int]:
    """The window (px) that shows a whole dashboard page: grid, title, margins (+ `extra` below)."""
    return width + 24, max(height(boxes) * (ROW_HEIGHT + GAP), 0) + 80 + extra
