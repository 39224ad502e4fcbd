"""Rules with a shortcut for the common case give the findings of their plain definition, in the same
order: datasource_refs on standalone files (only name strings can be findings there, so only they get a
path) against every ref of graf.validate.dashboard.datasource_refs checked in full; and the grid's sweep.
On every reference dashboard, on mutated copies of them and on refs of every shape in every place."""

from __future__ import annotations

import copy
from typing import Any

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from graf.resources import Resource
from graf.validate import Finding, ValidationContext
from graf.validate.dashboard import datasource_refs as refs_of
from graf.validate.rules import datasources
from graf.validate.rules._base import dashboard_index
from tests.reference import REFERENCE, reference_dashboards, reference_json
from tests.validate.test_fast_findings import _paths


def _plain_refs(resource: Resource, ctx: ValidationContext) -> list[Finding]:
    idx = dashboard_index(ctx, resource)
    return [f for parts, ref in refs_of(resource.body, idx) for f in datasources._check_ref(resource, ctx, parts, ref)]


def _same(body: dict[str, Any]) -> list[Finding]:
    resource = Resource("dashboard", "d", body, source="copy.json")
    ctx = ValidationContext.standalone([resource])
    fast = list(datasources.datasource_refs(resource, ctx))
    assert fast == _plain_refs(resource, ctx)
    return fast


def _dashboard(name: str) -> dict[str, Any]:
    body = reference_json(f"dashboards/{name}")
    return body["dashboard"] if isinstance(body.get("dashboard"), dict) else body


NAMES = reference_dashboards() if REFERENCE.is_dir() else []


@pytest.mark.parametrize("name", NAMES)
def test_reference_dashboards(name: str) -> None:
    _same(_dashboard(name))


REFS = st.one_of(st.none(), st.integers(), st.sampled_from(["Prometheus", "-- Grafana --", "${DS}", ""]),
                 st.fixed_dictionaries({"type": st.sampled_from(["prometheus", "datasource"]),
                                        "uid": st.sampled_from(["p", "$ds", "grafana"])}),
                 st.lists(st.just("x"), max_size=1))


@st.composite
def dashboards(draw: st.DrawFn) -> dict[str, Any]:
    def panel(pid: int) -> dict[str, Any]:
        out: dict[str, Any] = {"id": pid, "type": "stat"}
        if draw(st.booleans()):
            out["datasource"] = draw(REFS)
        out["targets"] = draw(st.one_of(
            st.lists(st.one_of(st.just("not a target"), st.builds(lambda ref: {"refId": "A", "datasource": ref}, REFS),
                               st.just({"refId": "B"})), max_size=3),
            st.just({"not": "a list"})))
        return out

    panels: list[Any] = [panel(pid) for pid in range(draw(st.integers(0, 3)))]
    if panels and draw(st.booleans()):
        panels.append({"id": 9, "type": "row", "datasource": draw(REFS), "panels": [panel(10), "junk"]})
    listed = st.lists(st.one_of(st.builds(lambda ref: {"name": "v", "datasource": ref}, REFS), st.just({"name": "w"})),
                      max_size=2)
    return {"title": "t", "panels": panels, "templating": {"list": draw(listed)},
            "annotations": {"list": draw(listed)}}


@settings(max_examples=200, deadline=None)
@given(body=dashboards())
def test_refs_of_every_shape_in_every_place(body: dict[str, Any]) -> None:
    _same(body)


@settings(max_examples=40, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(data=st.data())
def test_mutated_copies(data: st.DataObject) -> None:
    body = copy.deepcopy(_dashboard(data.draw(st.sampled_from(NAMES)))) if NAMES else {"panels": []}
    for _ in range(data.draw(st.integers(1, 4))):
        where = data.draw(st.sampled_from(list(_paths(body))[1:] or [("panels",)]))
        parent: Any = body
        for part in where[:-1]:
            parent = parent[part]
        parent[where[-1]] = data.draw(REFS)
    _same(body)


def test_a_name_string_is_found_where_it_sits() -> None:
    body = {"title": "t", "panels": [{"id": 1, "type": "stat", "datasource": {"uid": "p"},
                                      "targets": [{"refId": "A"}, {"refId": "B", "datasource": "Prometheus"}]}],
            "templating": {"list": [{"name": "v", "datasource": "Loki"}]}}
    found = _same(body)
    assert [(f.rule, f.path.split(" › ")[-1]) for f in found] == [("G302", "targets[B].datasource"),
                                                                  ("G302", "datasource")]


# ---------------------------------------------------------------- the grid


def _plain_grid(resource: Resource, ctx: ValidationContext) -> list[Finding]:
    """layout.grid as first written: the bounds message for every panel, the open panels found again
    for every panel."""
    from graf.dashboards._layout import GRID_COLUMNS
    from graf.validate.paths import panel_label
    from graf.validate.rules._base import finding

    out: list[Finding] = []
    groups: dict[tuple[Any, ...], list[Any]] = {}
    for at in dashboard_index(ctx, resource).panels:
        pos = at.panel.get("gridPos")
        if not isinstance(pos, dict):
            out.append(finding(ctx, resource, at.parts, "G205", "has no gridPos {x, y, w, h}"))
            continue
        x, y, w, h = pos.get("x"), pos.get("y"), pos.get("w"), pos.get("h")
        if not (type(x) is int and type(y) is int and type(w) is int and type(h) is int):
            continue
        problem = None
        if w < 1 or h < 1:
            problem = f"size w={w} h={h}: width and height must be at least 1"
        elif x < 0 or y < 0:
            problem = f"position x={x} y={y} is negative"
        elif x + w > GRID_COLUMNS:
            problem = f"x {x} + w {w} = {x + w} is wider than the {GRID_COLUMNS}-column grid"
        if problem:
            out.append(finding(ctx, resource, (*at.parts, "gridPos"), "G204", problem))
            continue
        groups.setdefault(at.parts[:-2] if at.row is not None else (), []).append((at, (x, y, w, h)))
    for items in groups.values():
        active: list[Any] = []
        for at, (x, y, w, h) in sorted(items, key=lambda item: (item[1][1], item[1][0])):
            active = [(o, b) for o, b in active if b[1] + b[3] > y]
            for other, (ox, oy, ow, oh) in active:
                if x < ox + ow and ox < x + w:
                    cols = f"x {max(x, ox)}–{min(x + w, ox + ow) - 1}"
                    rows = f"y {max(y, oy)}–{min(y + h, oy + oh) - 1}"
                    out.append(finding(ctx, resource, (*at.parts, "gridPos"), "G203",
                                       f"overlaps {panel_label(other.panel, int(other.parts[-1]))} at {cols}, {rows}"))
            active.append((at, (x, y, w, h)))
    return out


def _same_grid(body: dict[str, Any]) -> list[Finding]:
    from graf.validate.rules import layout

    resource = Resource("dashboard", "d", body, source="copy.json")
    ctx = ValidationContext.standalone([resource])
    fast = list(layout.grid(resource, ctx))
    assert fast == _plain_grid(resource, ctx)
    return fast


@pytest.mark.parametrize("name", NAMES)
def test_grid_of_reference_dashboards(name: str) -> None:
    _same_grid(_dashboard(name))


BOXES = st.one_of(st.fixed_dictionaries({"x": st.integers(-1, 24), "y": st.integers(-1, 6),
                                         "w": st.integers(0, 25), "h": st.integers(0, 4)}),
                  st.just({"x": 0, "y": 0, "w": 1.0, "h": 1}), st.none())


@st.composite
def layouts(draw: st.DrawFn) -> dict[str, Any]:
    def panel(pid: int) -> dict[str, Any]:
        box = draw(BOXES)
        return {"id": pid, "type": "stat", **({"gridPos": box} if box is not None else {})}

    panels = [panel(pid) for pid in range(draw(st.integers(0, 8)))]
    if draw(st.booleans()):
        panels.append({"id": 50, "type": "row", "collapsed": True, "gridPos": {"x": 0, "y": 3, "w": 24, "h": 1},
                       "panels": [panel(pid) for pid in range(51, 51 + draw(st.integers(0, 4)))]})
    return {"title": "t", "panels": panels}


@settings(max_examples=300, deadline=None)
@given(body=layouts())
def test_grid_of_generated_layouts(body: dict[str, Any]) -> None:
    _same_grid(body)


def test_grid_finds_overlaps_in_a_generated_layout() -> None:
    body = {"title": "t", "panels": [{"id": 1, "type": "stat", "gridPos": {"x": 0, "y": 0, "w": 12, "h": 4}},
                                     {"id": 2, "type": "stat", "gridPos": {"x": 6, "y": 0, "w": 12, "h": 2}},
                                     {"id": 3, "type": "stat", "gridPos": {"x": 0, "y": 3, "w": 24, "h": 1}},
                                     {"id": 4, "type": "stat", "gridPos": {"x": 20, "y": 0, "w": 5, "h": 1}}]}
    assert [f.rule for f in _same_grid(body)] == ["G204", "G203", "G203"]  # bounds first, then overlaps
