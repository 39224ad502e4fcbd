"""Where Grafana puts each panel: the 24-column grid, rows, collapsed rows, repeats (pure).

Grafana lays panels out from `gridPos` (x, w in 24ths of the width; y, h in 30 px rows with an
8 px gap). A row is a full-width one-unit bar; an expanded row's panels sit at the top level
after it, a collapsed row keeps them in its own `panels` and shows none of them. A panel with a
`repeat` is drawn once and marked: which copies exist depends on the variable's values.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass

from graf.resources import JSON

COLUMNS = 24
ROW_HEIGHT = 30  # px per grid unit (Grafana's GRID_CELL_HEIGHT)
GAP = 8  # px between panels (GRID_CELL_VMARGIN)
# What Grafana gives a panel whose gridPos is missing or not a number.
DEFAULT_SIZE = (12, 8)


@dataclass(frozen=True)
class Box:
    """One panel (or row header) placed on the grid; `key` is stable within the dashboard."""

    key: str
    panel: JSON
    x: int
    y: int
    w: int
    h: int
    is_row: bool = False
    collapsed: bool = False
    hidden_panels: int = 0  # panels folded inside a collapsed row
    repeat: str = ""  # the variable the panel (or row) repeats for
    row: str = ""  # title of the row the panel sits in
    fixed: tuple[str, ...] = ()  # what was wrong with gridPos and how it was read

    @property
    def title(self) -> str:
        return str(self.panel.get("title") or "")

    @property
    def bottom(self) -> int:
        return self.y + self.h


def layout(dashboard: JSON) -> list[Box]:
    """The boxes of a dashboard in layout order (top to bottom, left to right)."""
    boxes: list[Box] = []
    row_title = ""
    panels = [p for p in dashboard.get("panels") or () if isinstance(p, dict)]
    ordered = sorted(range(len(panels)), key=lambda i: (*_yx(panels[i]), i))
    for n, i in enumerate(ordered):
        panel = panels[i]
        is_row = panel.get("type") == "row"
        if is_row:
            row_title = str(panel.get("title") or "")
        boxes.append(_box(panel, n, is_row=is_row, row="" if is_row else row_title))
    return boxes


def panel_key(panel: JSON, index: int) -> str:
    """`p<id>` when the panel has an integer id, else `i<index>`: what pages and data are keyed by."""
    panel_id = panel.get("id")
    return f"p{panel_id}" if type(panel_id) is int else f"i{index}"


def height(boxes: Iterable[Box]) -> int:
    """Grid units from the top to the lowest box's bottom."""
    return max((b.bottom for b in boxes), default=0)


def _box(panel: JSON, index: int, *, is_row: bool, row: str) -> Box:
    grid = panel.get("gridPos")
    fixed: list[str] = []
    if not isinstance(grid, dict):
        grid = {}
        fixed.append("no gridPos")
    default_w, default_h = (COLUMNS, 1) if is_row else DEFAULT_SIZE
    x, y = _int(grid.get("x"), 0), _int(grid.get("y"), 0)
    w, h = _int(grid.get("w"), default_w), _int(grid.get("h"), default_h)
    if is_row:
        x, w, h = 0, COLUMNS, 1
    w = min(max(w, 1), COLUMNS)
    h = max(h, 1)
    x = min(max(x, 0), COLUMNS - w)
    if (x, w) != (_int(grid.get("x"), x), _int(grid.get("w"), w)) and grid and not is_row:
        fixed.append(f"gridPos x={grid.get('x')} w={grid.get('w')} outside the 24 columns")
    nested = [p for p in panel.get("panels") or () if isinstance(p, dict)]
    collapsed = is_row and bool(panel.get("collapsed"))
    return Box(
        key=panel_key(panel, index), panel=panel, x=x, y=max(y, 0), w=w, h=h, is_row=is_row,
        collapsed=collapsed, hidden_panels=len(nested) if collapsed else 0,
        repeat=str(panel.get("repeat") or ""), row=row, fixed=tuple(fixed),
    )


def _yx(panel: JSON) -> tuple[int, int]:
    grid = panel.get("gridPos")
    if not isinstance(grid, dict):
        grid = {}
    return (_int(grid.get("y"), 0), _int(grid.get("x"), 0))


def _int(value: object, default: int) -> int:
    if isinstance(value, bool) or not isinstance(value, (int, float)):
        return default
    return int(value)
