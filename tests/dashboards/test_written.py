"""Provenance: graf modernises what grafanalib writes; what a module writes as JSON, graf keeps as written."""

from __future__ import annotations

import copy
import json
import re
from pathlib import Path
from typing import Any

import pytest
from grafanalib import core as g
from hypothesis import given, settings
from hypothesis import strategies as st

from graf._render import render
from graf.check import datasource_types, panel_queries, variable_queries
from graf.check_logs import loki_queries
from graf.config import Project, load_project
from graf.context import RenderContext
from graf.dashboards import panels
from graf.dashboards._grafanalib import BUILTIN_ANNOTATION, SCHEMA_VERSION, serialise, to_model
from graf.dashboards.exported import ExtendedDashboard
from graf.preview.data import panel_targets
from graf.preview.layout import layout
from graf.validate import validate_rendered

ROOT = Path(__file__).resolve().parents[2]
PROM = {"type": "prometheus", "uid": "prom-main"}


@pytest.fixture(scope="module")
def ctx() -> RenderContext:
    project = load_project(ROOT / "graf.yaml")
    return RenderContext(project, project.environment("prod"))


@pytest.fixture
def renamed(tmp_path: Path) -> Project:
    """The example with graf's Prometheus under uid `prom-main`: its logical name `prometheus` is then neither
    the datasource's Grafana name (`Prometheus`) nor its uid, so Grafana could not resolve it."""
    text = (ROOT / "graf.yaml").read_text(encoding="utf-8")
    old = 'prometheus: {uid: prometheus, url: "http://prometheus:9090", name: Prometheus}'
    assert old in text
    (tmp_path / "graf.yaml").write_text(text.replace(old, old.replace("uid: prometheus", "uid: prom-main")),
                                        encoding="utf-8")
    return load_project(tmp_path / "graf.yaml")


def _panel(body: dict[str, Any], title: str) -> dict[str, Any]:
    every = [*body["panels"], *(p for row in body["panels"] for p in row.get("panels", []))]
    [found] = [p for p in every if p.get("title") == title]
    return found


WRITTEN = {"type": "piechart", "title": "Payment options", "datasource": "Prometheus", "maxDataPoints": 100,
           "links": [], "fieldConfig": {"defaults": {"mappings": []}, "overrides": []}, "legend": {"show": True},
           "targets": [{"refId": "A", "expr": "sum by (method) (orders_total)"}], "repeatDirection": "h"}


def test_a_grafanalib_panel_is_modernised_and_a_dict_panel_beside_it_kept(ctx: RenderContext) -> None:
    body = to_model(g.Dashboard(title="Mixed", uid="mixed", panels=[
        g.TimeSeries(title="Up", dataSource="Prometheus", targets=[g.Target(expr="up", refId="A")]),
        copy.deepcopy(WRITTEN),
    ]), ctx)
    up, pie = body["panels"]
    assert up["datasource"] == {"type": "prometheus", "uid": "prometheus"}
    assert up["targets"][0]["datasource"] == up["datasource"] and "maxDataPoints" not in up
    assert not {"links", "repeatDirection", "legend", "span"} & set(up)
    assert {k: v for k, v in pie.items() if k not in ("id", "gridPos")} == WRITTEN  # not one key touched
    assert pie["id"] == 2 and pie["gridPos"] == {"h": 8, "w": 12, "x": 12, "y": 0}  # filled: it had none
    assert body["schemaVersion"] == SCHEMA_VERSION and body["annotations"]["list"] == [BUILTIN_ANNOTATION]


def test_a_dict_row_keeps_a_grafanalib_panel_grafanalib_s(ctx: RenderContext) -> None:
    """Provenance is per part: a grafanalib panel inside a written row is modernised, a written panel inside a
    grafanalib row is kept."""
    written_row = {"type": "row", "title": "Written", "collapsed": True, "gridPos": {"h": 1, "w": 24, "x": 0, "y": 0},
                   "panels": [panels.stat("Up", "Targets up", [panels.prom("up")], unit="none")]}
    made_row = g.RowPanel(title="Made", collapsed=True, panels=[{"type": "text", "title": "Note", "legend": {}}])
    done = serialise(g.Dashboard(title="Rows", uid="rows", panels=[written_row, made_row]), "test")
    assert done.made == {(), ("panels", 0, "panels", 0), ("panels", 1)}
    body = to_model(done, ctx)
    assert _panel(body, "Up")["datasource"] == {"type": "prometheus", "uid": "prometheus"}
    assert "maxDataPoints" not in _panel(body, "Up")
    assert _panel(body, "Note")["legend"] == {}  # a legacy key graf drops from grafanalib's panels: written here
    assert "gridPos" in _panel(body, "Note") and "id" in _panel(body, "Note")


def test_a_logical_name_grafana_cannot_resolve_becomes_a_ref_a_grafana_name_or_uid_stays(renamed: Project) -> None:
    ctx = RenderContext(renamed, renamed.environment("prod"))
    refs = ["prometheus", "Prometheus", "prom-main", "${ds}", {"type": "prometheus", "uid": "prometheus"}, "loki"]
    body = to_model({"uid": "d", "title": "D", "panels": [
        {"type": "timeseries", "title": f"p{i}", "datasource": ref, "targets": [{"refId": "A", "datasource": ref}]}
        for i, ref in enumerate(refs)]}, ctx)
    got = [(p["datasource"], p["targets"][0]["datasource"]) for p in body["panels"]]
    # "loki" is the uid of graf's Loki (Grafana resolves it); a {type, uid} dict is kept even if its uid is off
    assert got == [(PROM, PROM), ("Prometheus", "Prometheus"), ("prom-main", "prom-main"), ("${ds}", "${ds}"),
                   (refs[4], refs[4]), ("loki", "loki")]
    variables = to_model({"uid": "d", "title": "D", "templating": {"list": [
        {"type": "query", "name": "a", "datasource": "prometheus"},
        {"type": "query", "name": "b", "datasource": "Prometheus"}]},
        "annotations": {"list": [{"name": "deploys", "datasource": "prometheus"}]}}, ctx)
    assert [v["datasource"] for v in variables["templating"]["list"]] == [PROM, "Prometheus"]
    assert variables["annotations"]["list"] == [{"name": "deploys", "datasource": PROM}]  # no built-in added


def test_a_written_dashboard_gets_only_what_it_leaves_out(ctx: RenderContext) -> None:
    bare = to_model({"uid": "d", "title": "D"}, ctx)
    assert bare == {"uid": "d", "title": "D", "schemaVersion": SCHEMA_VERSION,
                    "annotations": {"list": [BUILTIN_ANNOTATION]}}
    old = {"uid": "d", "title": "D", "schemaVersion": 30, "gnetId": 4701, "style": "dark", "rows": [],
           "annotations": {"list": []}, "timepicker": {"time_options": ["5m"]}, "links": [{"type": "link", "tags": []}]}
    assert to_model(copy.deepcopy(old), ctx) == old


def test_extra_json_keys_are_written(ctx: RenderContext) -> None:
    body = to_model(ExtendedDashboard(title="E", uid="e", extraJson={
        "schemaVersion": 38, "gnetId": 1860, "timepicker": {"time_options": ["5m"]}, "refresh": None,
        "annotations": {"list": [{"name": "mine", "datasource": "Prometheus"}]}}), ctx)
    assert body["schemaVersion"] == 38 and body["gnetId"] == 1860 and body["timepicker"] == {"time_options": ["5m"]}
    assert "refresh" not in body  # None: left out
    assert body["annotations"] == {"list": [{"name": "mine", "datasource": "Prometheus"}]}
    plain = to_model(g.Dashboard(title="E", uid="e", gnetId=1860), ctx)
    assert plain["schemaVersion"] == SCHEMA_VERSION and "gnetId" not in plain  # grafanalib's own: modernised


def test_a_complete_gridpos_is_never_moved_a_missing_one_is_flowed(ctx: RenderContext) -> None:
    kept = {"type": "text", "title": "kept", "gridPos": {"h": 4, "w": 6, "x": 18, "y": 2}}
    overlapping = {"type": "text", "title": "over", "gridPos": {"h": 4, "w": 6, "x": 18, "y": 3}}
    body = to_model({"uid": "d", "title": "D", "panels": [
        {"type": "text", "title": "a", "gridPos": {"w": 12, "h": 3}}, kept, overlapping,
        {"type": "text", "title": "b"}]}, ctx)
    assert [p["gridPos"] for p in body["panels"]] == [
        {"h": 3, "w": 12, "x": 0, "y": 0}, kept["gridPos"], overlapping["gridPos"], {"h": 8, "w": 12, "x": 0, "y": 7}]


grids = st.fixed_dictionaries({"x": st.integers(0, 23), "y": st.integers(0, 40), "w": st.integers(1, 24),
                               "h": st.integers(1, 12)}).filter(lambda grid: grid["x"] + grid["w"] <= 24)
loose = st.fixed_dictionaries({}, optional={"w": st.integers(1, 24), "h": st.integers(1, 12)})


@given(st.lists(st.tuples(st.booleans(), grids, loose, st.booleans()), min_size=1, max_size=12))
@settings(max_examples=80, deadline=None)
def test_law_written_panels_keep_a_complete_gridpos_and_the_rest_get_one(
        spec: list[tuple[bool, dict[str, int], dict[str, int], bool]]) -> None:
    """Any mix of written panels and rows, placed or not: a complete gridPos is kept exactly, every other panel gets a
    complete one inside the grid, and every panel has a unique id."""
    project = load_project(ROOT / "graf.yaml")
    ctx = RenderContext(project, project.environment("prod"))
    items = [{"type": "row" if row else "text", "title": f"t{i}", "gridPos": dict(grid if placed else size)}
             for i, (placed, grid, size, row) in enumerate(spec)]
    body = to_model({"uid": "d", "title": "D", "panels": copy.deepcopy(items)}, ctx)
    assert len({p["id"] for p in body["panels"]}) == len(items)
    for item, (placed, *_), out in zip(items, spec, body["panels"], strict=True):
        assert {k: v for k, v in out.items() if k not in ("gridPos", "id")} == \
            {k: v for k, v in item.items() if k != "gridPos"}
        grid = out["gridPos"]
        if placed:
            assert grid == item["gridPos"]
        assert grid["x"] >= 0 and grid["y"] >= 0 and grid["w"] >= 1 and grid["x"] + grid["w"] <= 24


# ---------------------------------------------------------------------------- a team module written as a dict


TEAM_MODULE = '''
def dashboard(ctx):
    sel = '{environment="$environment"}'
    return {
        "uid": ctx.uid("orders"), "title": f"Orders · {ctx.env.name}",
        "templating": {"list": [
            {"type": "query", "name": "environment", "datasource": "prometheus",
             "query": "label_values(up, environment)"},
        ]},
        "panels": [
            {"type": "timeseries", "title": "Orders", "datasource": "prometheus",
             "targets": [{"refId": "A", "expr": f"sum(rate(orders_total{sel}[5m]))"}]},
            {"type": "logs", "title": "Errors", "datasource": "loki",
             "targets": [{"refId": "A", "expr": '{environment="$environment"} |= "ERROR"'}]},
        ],
    }
'''


@pytest.mark.parametrize("uid", ["prometheus", "prom-main"])
def test_a_dict_module_like_the_readme_renders_validates_and_is_checked(tmp_path: Path, uid: str) -> None:
    """Logical datasource names, no gridPos or ids: a valid dashboard (no validation error) whose queries graf check
    runs, whether `prometheus` is also the datasource's uid (kept: Grafana resolves it) or not (a {type, uid})."""
    text = (ROOT / "graf.yaml").read_text(encoding="utf-8")
    text = text.replace("uid: prometheus, url", f"uid: {uid}, url")
    text = text.replace("  modules: []", "  modules: [dashboards/orders.py]")
    (tmp_path / "graf.yaml").write_text(text, encoding="utf-8")
    (tmp_path / "dashboards").mkdir()
    (tmp_path / "dashboards" / "orders.py").write_text(TEAM_MODULE, encoding="utf-8")
    project = load_project(tmp_path / "graf.yaml")
    env = project.environment("prod")
    resources = render(project, env)
    [orders] = [r for r in resources if r.uid == "shop-prod-orders"]
    first = orders.body["panels"][0]
    assert first["datasource"] == ("prometheus" if uid == "prometheus" else {"type": "prometheus", "uid": uid})
    assert [p["gridPos"] for p in orders.body["panels"]] == [{"h": 8, "w": 12, "x": 0, "y": 0},
                                                             {"h": 8, "w": 12, "x": 12, "y": 0}]
    found = validate_rendered(project, {"prod": resources})
    assert not [f for f in found if f.severity == "error" and "orders" in f.path], found
    checked = [q for q in [*panel_queries(resources), *variable_queries(resources)]
               if q.dashboard_uid == "shop-prod-orders"]
    assert [(q.panel_title, q.ref_id) for q in checked] == [("Orders", "A"), ("variable $environment", "query")]
    assert [q.panel_title for q in loki_queries(resources) if q.dashboard_uid == "shop-prod-orders"] == ["Errors"]
    boxes = layout(orders.body)  # graf preview: the string names the datasource whose data it draws
    shown = [(t.ref_id, t.source) for t in panel_targets(orders.body, boxes, datasource_types(resources))]
    assert shown == [("A", "prometheus"), ("A", "loki")]
    assert len(panel_targets(orders.body, boxes)) == (0 if uid == "prometheus" else 1)  # strings name nothing


def test_the_readme_dict_example_renders_as_it_says(ctx: RenderContext) -> None:
    text = (ROOT / "README.md").read_text(encoding="utf-8")
    section = text.split("### What graf changes in a module's dashboard", 1)[1].split("\n### ", 1)[0]
    [code] = re.findall(r"```python\n(.*?)```", section, flags=re.S)
    namespace: dict[str, Any] = {}
    exec(compile(code, "README.md", "exec"), namespace)
    returned = namespace["dashboard"](ctx)
    body = to_model(copy.deepcopy(returned), ctx)
    [panel] = body["panels"]
    assert panel == {**returned["panels"][0], "gridPos": {"h": 8, "w": 12, "x": 0, "y": 0}, "id": 1}
    assert panel["datasource"] == "prometheus"  # graf's Prometheus has the uid `prometheus`: Grafana resolves it
    assert {k: v for k, v in body.items() if k != "panels"} == {
        **{k: v for k, v in returned.items() if k != "panels"}, "schemaVersion": SCHEMA_VERSION,
        "annotations": {"list": [BUILTIN_ANNOTATION]}}


def test_graf_diff_names_a_written_string_datasource_change(renamed: Project) -> None:
    """A string datasource kept in a written part is an ordinary value to graf diff: one line, old -> new."""
    from graf.diff.dashboard import diff_dashboard

    ctx = RenderContext(renamed, renamed.environment("prod"))

    def body(ref: str) -> dict[str, Any]:
        return to_model({"uid": "d", "title": "D", "panels": [
            {"type": "timeseries", "title": "Orders", "datasource": ref, "targets": [{"refId": "A", "expr": "up"}]}]},
            ctx)

    [change] = diff_dashboard(body("Prometheus"), body("prometheus"))  # a Grafana name -> a logical name
    assert (change.subject, change.path, change.old, change.new) == ('panel "Orders"', "datasource", "Prometheus", PROM)


@pytest.mark.parametrize("extra", [{"panels": None}, {"templating": None}, {"templating": {"list": None}},
                                   {"panels": [{"type": "row", "panels": None, "gridPos": None}]}])
def test_nulls_a_module_writes_are_left_out_as_in_graf_s_normal_form(ctx: RenderContext, extra: dict[str, Any]) -> None:
    """Found by probing check and preview with written nulls: graf's normal form has no nulls, so a written null
    is left out before anything reads the dashboard."""
    from graf.preview import preview_resources
    from graf.resources import Resource

    body = to_model({"uid": "d", "title": "D", **extra}, ctx)
    assert "null" not in json.dumps(body)
    resources = [Resource("dashboard", "d", body)]
    assert panel_queries(resources) == [] and variable_queries(resources) == []
    assert "D" in preview_resources(resources)["d.html"]
