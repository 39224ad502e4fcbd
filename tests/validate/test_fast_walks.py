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
