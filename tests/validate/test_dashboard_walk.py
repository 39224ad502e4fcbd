"""The walks of graf.validate.dashboard that skip work give what the plain walks give: `datasource_refs`
(a path made only for a target with a datasource) and the query rule's one pass over the targets
(`queries._target_queries`) against `targets(at)`, on every reference dashboard and on copies with
odd targets (not a list, not objects, blank or missing queries, datasources of every form)."""

from __future__ import annotations

import copy
from collections.abc import Iterator
from typing import Any

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from graf.resources import Resource
from graf.validate.context import ValidationContext
from graf.validate.dashboard import DashboardIndex, Parts, datasource_refs, index, targets
from graf.validate.rules import queries
from tests.reference import REFERENCE, reference_dashboards, reference_json

NAMES = reference_dashboards() if REFERENCE.is_dir() else ["node-exporter-full.json"]


def plain_refs(body: dict[str, Any], idx: DashboardIndex) -> Iterator[tuple[Parts, Any]]:
    """datasource_refs as first written: every target's path, then whether it has a datasource."""
    for at in idx.panels:
        if "datasource" in at.panel:
            yield (*at.parts, "datasource"), at.panel["datasource"]
        for parts, target in targets(at):
            if "datasource" in target:
                yield (*parts, "datasource"), target["datasource"]
    for i, variable in idx.variables:
        if "datasource" in variable:
            yield ("templating", "list", i, "datasource"), variable["datasource"]
    for i, annotation in idx.annotations:
        if "datasource" in annotation:
            yield ("annotations", "list", i, "datasource"), annotation["datasource"]


def plain_queries(idx: DashboardIndex, ctx: ValidationContext) -> list[tuple[Parts, str, str]]:
    """The query rule's targets as first written: each target's language worked out, then its expr read."""
    out = []
    for at in idx.panels:
        if at.is_row:
            continue
        panel_type = queries.datasource_type(at.panel.get("datasource"), idx, ctx)
        for parts, target in targets(at):
            own = queries.datasource_type(target.get("datasource"), idx, ctx)
            language = own if own not in (None, "mixed") else panel_type
            if language is None and "datasource" not in at.panel and "datasource" not in target:
                language = queries._default_type(ctx)
            expr = target.get("expr")
            if isinstance(expr, str) and expr.strip() and language in ("prometheus", "loki"):
                out.append(((*parts, "expr"), expr, language))
    return out


def _same(body: dict[str, Any]) -> None:
    idx = index(body)
    assert list(datasource_refs(body, idx)) == list(plain_refs(body, idx))
    resource = Resource("dashboard", "u", body, source="x.json")
    default = Resource("datasource", "prom", {"uid": "prom", "name": "Prom", "type": "prometheus", "isDefault": True})
    for ctx in (ValidationContext.standalone([resource]), ValidationContext.rendered("dev", [resource, default])):
        fast = [((*at.parts, "targets", i, "expr"), expr, language)
                for at, i, expr, language in queries._target_queries(idx, ctx)]
        assert fast == plain_queries(idx, ctx)


def _dashboard(name: str) -> dict[str, Any]:
    body = reference_json(f"dashboards/{name}")
    return body["dashboard"] if isinstance(body.get("dashboard"), dict) else body


@pytest.mark.parametrize("name", NAMES)
def test_reference_dashboards(name: str) -> None:
    _same(_dashboard(name))


_ODD: st.SearchStrategy[Any] = st.sampled_from([
    None, "x", 3, [], {}, {"expr": ""}, {"expr": " \n"}, {"expr": 5}, {"expr": "up"},
    {"expr": "up", "datasource": None}, {"expr": "up", "datasource": "Loki"},
    {"expr": "up", "datasource": {"uid": "-- Mixed --"}},
    {"expr": "{a=\"b\"}", "datasource": {"type": "loki", "uid": "l"}},
    {"expr": "up", "datasource": "${ds_prometheus}"}, {"expr": "up", "datasource": {"uid": "prom"}},
    {"datasource": {"type": "prometheus"}},
])
_PANEL_DATASOURCE = st.sampled_from([None, "-- Mixed --", {"type": "loki"}, {"type": "prometheus", "uid": "x"},
                                     "Prometheus", 7])


@settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(st.sampled_from(NAMES), st.data())
def test_odd_targets(name: str, data: st.DataObject) -> None:
    body = copy.deepcopy(_dashboard(name))
    panels = [p for p in body.get("panels", []) if isinstance(p, dict)]
    panels += [c for p in panels for c in p.get("panels", []) if isinstance(c, dict)]
    for _ in range(data.draw(st.integers(1, 6))):
        panel = data.draw(st.sampled_from(panels))
        what = data.draw(st.sampled_from(["targets", "target", "datasource", "drop datasource", "row"]))
        if what == "targets":
            panel["targets"] = data.draw(st.one_of(st.lists(_ODD, max_size=4), _ODD))
        elif what == "target" and isinstance(panel.get("targets"), list) and panel["targets"]:
            panel["targets"][data.draw(st.integers(0, len(panel["targets"]) - 1))] = data.draw(_ODD)
        elif what == "datasource":
            panel["datasource"] = data.draw(_PANEL_DATASOURCE)
        elif what == "drop datasource":
            panel.pop("datasource", None)
        else:
            panel["type"] = data.draw(st.sampled_from(["row", "graph", None]))
    _same(body)
