"""The adapter's per-value helpers test the commonest leaves inline: the same results as their definitions."""

from __future__ import annotations

from typing import Any

from hypothesis import given
from hypothesis import strategies as st

from graf.dashboards._layout import GRID_COLUMNS, placed
from graf.dashboards._serialise import drop_nulls


def drop_nulls_definition(value: Any) -> Any:
    if isinstance(value, dict):
        return {k: drop_nulls_definition(v) if isinstance(v, (dict, list)) else v for k, v in value.items()
                if v is not None}
    if isinstance(value, list):
        return [drop_nulls_definition(v) if isinstance(v, (dict, list)) else v for v in value]
    return value


def placed_definition(panel: Any) -> bool:
    grid = panel.get("gridPos")
    if not isinstance(grid, dict) or any(type(grid.get(k)) is not int for k in ("x", "y", "w", "h")):
        return False
    return not (grid["x"] < 0 or grid["y"] < 0 or grid["w"] < 1 or grid["h"] < 1
                or grid["x"] + grid["w"] > GRID_COLUMNS)


class Mapping(dict):  # type: ignore[type-arg]
    pass


leaves = (st.none() | st.booleans() | st.integers() | st.floats(allow_nan=False) | st.text(max_size=4)
          | st.tuples(st.none()) | st.builds(lambda: Mapping(a=None, b=1)))
values = st.recursive(leaves, lambda inner: st.lists(inner, max_size=4)
                      | st.dictionaries(st.text(max_size=3), inner, max_size=4), max_leaves=20)


@given(values)
def test_drop_nulls(value: Any) -> None:
    fast, plain = drop_nulls(value), drop_nulls_definition(value)
    assert repr(fast) == repr(plain)
    assert type(fast) is type(plain)


coordinate = st.integers(-2, 26) | st.booleans() | st.none() | st.floats(0, 3) | st.text(max_size=1)
grids = st.fixed_dictionaries({}, optional={k: coordinate for k in ("x", "y", "w", "h")}) | st.none() | st.just([])


@given(grids)
def test_placed(grid: Any) -> None:
    panel = {"type": "timeseries"} if grid is None else {"gridPos": grid}
    assert placed(panel) is placed_definition(panel)
