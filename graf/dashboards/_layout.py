"""A dashboard's panels on Grafana's 24-column grid, and their ids.

`layout` keeps each `gridPos` as given when together they are complete and free of overlaps (the
top-level panels, and each collapsed row's panels among themselves: Grafana places those when the
row opens); otherwise it flows the panels left to right in order, keeping each panel's size, with
a collapsed row's panels below its header, except the `fixed` ones, which keep their complete
`gridPos` (the flow goes on below them). `assign_ids` keeps given unique ids and numbers the rest.
"""

from __future__ import annotations

from collections.abc import Iterable

from graf.resources import JSON

GRID_COLUMNS = 24
DEFAULT_SIZE = (12, 8)  # w, h of a panel that comes without gridPos
ROW_HEIGHT = 1

Path = tuple[str | int, ...]  # a key path inside a dashboard, e.g. ("panels", 3, "panels", 0)


def _size(panel: JSON) -> tuple[int, int]:
    grid = panel.get("gridPos") or {}
    if panel.get("type") == "row":
        return GRID_COLUMNS, ROW_HEIGHT
    w = grid.get("w") or DEFAULT_SIZE[0]
    return min(int(w), GRID_COLUMNS), int(grid.get("h") or DEFAULT_SIZE[1])


def placed(panel: JSON) -> bool:
    """The panel has a full gridPos inside the grid."""
    grid = panel.get("gridPos")
    if not isinstance(grid, dict):
        return False
    x, y, w, h = grid.get("x"), grid.get("y"), grid.get("w"), grid.get("h")
    if type(x) is not int or type(y) is not int or type(w) is not int or type(h) is not int:
        return False
    return not (x < 0 or y < 0 or w < 1 or h < 1 or x + w > GRID_COLUMNS)


def _complete(panels: Iterable[JSON]) -> bool:
    """Every panel has a full gridPos inside the grid, and no two overlap."""
    boxes = []
    for panel in panels:
        if not placed(panel):
            return False
        grid = panel["gridPos"]
        boxes.append((grid["x"], grid["y"], grid["x"] + grid["w"], grid["y"] + grid["h"]))
    for i, a in enumerate(boxes):
        for b in boxes[i + 1:]:
            if a[0] < b[2] and b[0] < a[2] and a[1] < b[3] and b[1] < a[3]:
                return False
    return True


def layout(panels: list[JSON], fixed: frozenset[tuple[int, ...]] = frozenset()) -> list[JSON]:
    """Panels with gridPos: kept if already a valid layout, else flowed in order keeping each size, except
    those at the positions `fixed` names (`(i,)`, or `(i, j)` inside row i)."""
    if _complete(panels) and all(_complete(p.get("panels") or []) for p in panels if p.get("type") == "row"):
        return panels
    out: list[JSON] = []
    y, run = 0, []
    for i, panel in enumerate(panels):
        if panel.get("type") != "row":
            run.append((panel, (i,) in fixed))
            continue
        placed_run, y = _flow(run, y)
        out.extend(placed_run)
        run = []
        if (i,) in fixed:
            grid = dict(panel["gridPos"])
            y = max(y, grid["y"])
        else:
            w, h = _size(panel)
            grid = {"h": h, "w": w, "x": 0, "y": y}
        inner = [(p, (i, j) in fixed) for j, p in enumerate(panel.get("panels") or [])]
        inner_placed, _ = _flow(inner, y + ROW_HEIGHT)  # a collapsed row's panels, below its header
        row = dict(panel, gridPos=grid)
        if "panels" in panel:
            row["panels"] = inner_placed
        out.append(row)
        y += ROW_HEIGHT
    out.extend(_flow(run, y)[0])
    return out


def _flow(panels: list[tuple[JSON, bool]], top: int) -> tuple[list[JSON], int]:
    """Panels flowed left to right from `top`, keeping each size, a fixed one where it is (the flow goes on
    below it); and the first free line below them."""
    x, y, line_height = 0, top, 0
    out = []
    for panel, keep in panels:
        if keep:
            grid = panel["gridPos"]
            out.append(panel)
            x, y, line_height = 0, max(y + line_height, grid["y"] + grid["h"]), 0
            continue
        w, h = _size(panel)
        if x + w > GRID_COLUMNS:
            y += line_height
            x, line_height = 0, 0
        out.append(dict(panel, gridPos={"h": h, "w": w, "x": x, "y": y}))
        x += w
        line_height = max(line_height, h)
    return out, y + line_height


def assign_ids(panels: list[JSON]) -> list[JSON]:
    """Unique ids: ids already given (and unique) are kept, the rest count up from 1."""
    every = [*panels, *(p for row in panels for p in (row.get("panels") or []))]
    taken: set[int] = set()
    for panel in every:
        pid = panel.get("id")
        if isinstance(pid, int) and pid not in taken:
            taken.add(pid)
    counter = iter(i for i in range(1, 100_000) if i not in taken)
    seen: set[int] = set()

    def with_id(panel: JSON) -> JSON:
        pid = panel.get("id")
        if not isinstance(pid, int) or pid in seen:
            pid = next(counter)
        seen.add(pid)
        return dict(panel, id=pid)

    out = []
    for panel in panels:
        panel = with_id(panel)
        if panel.get("type") == "row" and "panels" in panel:
            panel["panels"] = [with_id(p) for p in panel["panels"]]
        out.append(panel)
    return out
