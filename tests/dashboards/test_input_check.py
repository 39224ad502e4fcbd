"""check_dashboard puts a key path together only for its message: the same verdicts and messages as the
checker that built every path up front (kept here as the definition)."""

from __future__ import annotations

from typing import Any

from hypothesis import given
from hypothesis import strategies as st

from graf.dashboards._input import check_dashboard
from graf.errors import PATH_SEPARATOR, RenderError, format_path
from graf.wording import type_of

Path = tuple[str | int, ...]


class _Definition:
    def __init__(self, where: str) -> None:
        self.where = where

    def fail(self, path: Path, expected: str, got: Any) -> None:
        raise RenderError(f"{self.where}{PATH_SEPARATOR}{format_path(path)}",
                          f"expected {expected}, got {type_of(got, 'json')}")

    def kind(self, parent: dict[str, Any], path: Path, expected: type) -> Any:
        value = parent.get(str(path[-1]))
        if value is None:
            return None
        if not isinstance(value, expected) or (expected is int and isinstance(value, bool)):
            self.fail(path, type_of(expected(), "json"), value)
        return value

    def list_of_dicts(self, parent: dict[str, Any], path: Path) -> list[dict[str, Any]]:
        items = self.kind(parent, path, list) or []
        for i, item in enumerate(items):
            if not isinstance(item, dict):
                self.fail((*path, i), "an object", item)
        return items

    def panels(self, parent: dict[str, Any], path: Path) -> None:
        for i, panel in enumerate(self.list_of_dicts(parent, (*path, "panels"))):
            at = (*path, "panels", i)
            self.list_of_dicts(panel, (*at, "targets"))
            self.kind(panel, (*at, "options"), dict)
            grid = self.kind(panel, (*at, "gridPos"), dict)
            for key in ("x", "y", "w", "h") if grid else ():
                self.kind(grid, (*at, "gridPos", key), int)
            config = self.kind(panel, (*at, "fieldConfig"), dict)
            defaults = self.kind(config, (*at, "fieldConfig", "defaults"), dict) if config else None
            thresholds = defaults.get("thresholds") if defaults else None
            if isinstance(thresholds, dict):
                self.list_of_dicts(thresholds, (*at, "fieldConfig", "defaults", "thresholds", "steps"))
            self.panels(panel, at)


def definition(body: Any, where: str) -> None:
    if not isinstance(body, dict):
        raise RenderError(where, f"expected a grafanalib Dashboard or a dashboard dict, got {type_of(body, 'json')}")
    check = _Definition(where)
    for key in ("annotations", "templating"):
        holder = check.kind(body, (key,), dict)
        if holder is not None:
            for i, item in enumerate(check.list_of_dicts(holder, (key, "list"))):
                if key == "templating":
                    check.kind(item, (key, "list", i, "type"), str)
    check.list_of_dicts(body, ("links",))
    check.panels(body, ())


def verdict(check: Any, body: Any) -> str | None:
    try:
        check(body, "dashboards/x.py: dashboard(ctx)")
    except RenderError as exc:
        return str(exc)
    return None


odd = st.none() | st.booleans() | st.integers(-2, 30) | st.text(max_size=3) | st.just([]) | st.just({}) | st.just([1])
steps = st.lists(st.fixed_dictionaries({"color": st.just("red")}) | odd, max_size=2)
grid = st.fixed_dictionaries({}, optional={k: st.integers(0, 24) | odd for k in ("x", "y", "w", "h")}) | odd
config = st.fixed_dictionaries({}, optional={"defaults": st.fixed_dictionaries(
    {}, optional={"thresholds": st.fixed_dictionaries({}, optional={"steps": steps | odd}) | odd}) | odd}) | odd
panel = st.recursive(
    st.fixed_dictionaries({"type": st.just("timeseries")}, optional={
        "targets": st.lists(st.fixed_dictionaries({"refId": st.just("A")}) | odd, max_size=2) | odd,
        "options": st.just({}) | odd, "gridPos": grid, "fieldConfig": config}),
    lambda inner: st.fixed_dictionaries({"type": st.just("row"), "panels": st.lists(inner | odd, max_size=3)}),
    max_leaves=4)
holder = st.fixed_dictionaries({}, optional={"list": st.lists(
    st.fixed_dictionaries({}, optional={"type": st.just("query") | odd}) | odd, max_size=2) | odd}) | odd
dashboards = st.fixed_dictionaries({"title": st.just("x")}, optional={
    "annotations": holder, "templating": holder, "links": st.lists(st.just({}) | odd, max_size=2) | odd,
    "panels": st.lists(panel | odd, max_size=4) | odd}) | odd


@given(dashboards)
def test_same_verdict_as_the_definition(body: Any) -> None:
    assert verdict(check_dashboard, body) == verdict(definition, body)


def test_a_deep_wrong_part_is_named_by_its_path() -> None:
    body = {"panels": [{"type": "row", "panels": [{"gridPos": {"x": 0, "y": "1"}}]}]}
    assert verdict(check_dashboard, body) == ("dashboards/x.py: dashboard(ctx) › panels[0].panels[0].gridPos.y: "
                                              "expected an integer, got a string")
