"""What modules written by `graf export --as python` use beyond grafanalib and graf's panel helpers.

`ExtendedDashboard` is grafanalib's Dashboard with `extraJson`, like its panels have: top-level
fields grafanalib has no argument for (`fiscalYearStartMonth`, `weekStart`, ...) and, as `None`,
fields to leave out that grafanalib would write with its own default. `at` places a panel made by
a helper (which only sizes it) at a grid position and gives it a fixed id.
"""

from __future__ import annotations

from typing import Any

import attr
from grafanalib.core import Dashboard, GridPos  # type: ignore[import-untyped]


@attr.s
class ExtendedDashboard(Dashboard):  # type: ignore[misc]
    extraJson: dict[str, Any] = attr.ib(factory=dict)

    def to_json_data(self) -> dict[str, Any]:
        return {**super().to_json_data(), **self.extraJson}


def at(panel: Any, *, x: int | None = None, y: int | None = None, id: int | None = None) -> Any:
    """`panel` at column `x`, row `y` of the grid (its size kept) and/or with panel id `id`."""
    changes: dict[str, Any] = {}
    if x is not None and y is not None:
        grid = panel.gridPos
        changes["gridPos"] = GridPos(h=grid.h, w=grid.w, x=x, y=y)
    if id is not None:
        changes["id"] = id
    return attr.evolve(panel, **changes)
