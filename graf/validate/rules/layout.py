"""Panel identity and the grid: G201 panel-id-missing, G202 panel-id-duplicate, G203 grid-overlap,
G204 grid-bounds, G205 grid-missing.

Grafana lays panels on a 24-column grid. Rows are panels too (full width, one unit high); a
collapsed row keeps its panels in its own `panels`, positioned as they will be when it opens,
so those are checked among themselves, not against the panels that follow the row.
"""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

from graf.dashboards._layout import GRID_COLUMNS
from graf.resources import Resource
from graf.validate.context import ValidationContext
from graf.validate.dashboard import PanelAt
from graf.validate.findings import Finding
from graf.validate.paths import panel_label
from graf.validate.rules._base import dashboard_index, finding


def panel_ids(resource: Resource, ctx: ValidationContext) -> Iterator[Finding]:
    if resource.kind != "dashboard":
        return
    seen: dict[int, PanelAt] = {}
    for at in dashboard_index(ctx, resource).panels:
        pid = at.panel.get("id")
        if not isinstance(pid, int) or not _is_int(pid):
            yield finding(ctx, resource, at.parts, "G201",
                          "has no id; Grafana assigns one on load, so links (viewPanel) and diffs are unstable")
            continue
        if pid in seen:
            first = seen[pid]
            yield finding(ctx, resource, (*at.parts, "id"), "G202",
                          f"id {pid} is also the id of {panel_label(first.panel, int(first.parts[-1]))}")
        else:
            seen[pid] = at


def grid(resource: Resource, ctx: ValidationContext) -> Iterator[Finding]:
    if resource.kind != "dashboard":
        return
    groups: dict[tuple[str | int, ...], list[tuple[PanelAt, tuple[int, int, int, int]]]] = {}
    for at in dashboard_index(ctx, resource).panels:
        pos = at.panel.get("gridPos")
        if not isinstance(pos, dict):
            yield finding(ctx, resource, at.parts, "G205", "has no gridPos {x, y, w, h}")
            continue
        x, y, w, h = pos.get("x"), pos.get("y"), pos.get("w"), pos.get("h")
        if not (type(x) is int and type(y) is int and type(w) is int and type(h) is int):
            continue  # a schema error (G001) already
        if w < 1 or h < 1 or x < 0 or y < 0 or x + w > GRID_COLUMNS:  # what _bounds_problem reports
            yield finding(ctx, resource, (*at.parts, "gridPos"), "G204", str(_bounds_problem(x, y, w, h)))
            continue
        group = at.parts[:-2] if at.row is not None else ()
        groups.setdefault(group, []).append((at, (x, y, w, h)))
    for items in groups.values():
        yield from _overlaps(resource, ctx, items)


def _bounds_problem(x: int, y: int, w: int, h: int) -> str | None:
    if w < 1 or h < 1:
        return f"size w={w} h={h}: width and height must be at least 1"
    if x < 0 or y < 0:
        return f"position x={x} y={y} is negative"
    if x + w > GRID_COLUMNS:
        return f"x {x} + w {w} = {x + w} is wider than the {GRID_COLUMNS}-column grid"
    return None


def _overlaps(resource: Resource, ctx: ValidationContext,
              items: list[tuple[PanelAt, tuple[int, int, int, int]]]) -> Iterator[Finding]:
    """Sweep by y: each panel is compared only with the panels still open at its top edge (those
    are found again only when the top edge moves down: a panel added at this edge is open at it)."""
    active: list[tuple[int, PanelAt, tuple[int, int, int, int]]] = []  # (bottom edge, panel, box)
    edge = None
    for at, (x, y, w, h) in sorted(items, key=_top_left):
        if y != edge:
            active = [entry for entry in active if entry[0] > y]
            edge = y
        for _, other, (ox, oy, ow, oh) in active:
            if x < ox + ow and ox < x + w:
                cols = f"x {max(x, ox)}–{min(x + w, ox + ow) - 1}"
                rows = f"y {max(y, oy)}–{min(y + h, oy + oh) - 1}"
                yield finding(ctx, resource, (*at.parts, "gridPos"), "G203",
                              f"overlaps {panel_label(other.panel, int(other.parts[-1]))} at {cols}, {rows}")
        active.append((y + h, at, (x, y, w, h)))


def _top_left(item: tuple[PanelAt, tuple[int, int, int, int]]) -> tuple[int, int]:
    return item[1][1], item[1][0]


def _is_int(value: Any) -> bool:
    return type(value) is int
