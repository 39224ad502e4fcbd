"""The adapter from grafanalib 0.7.1 output to the current dashboard model, and the panel helpers."""

from __future__ import annotations

from pathlib import Path

import pytest
from grafanalib import core as g
from hypothesis import given, settings
from hypothesis import strategies as st

from graf.config import load_project
from graf.context import RenderContext
from graf.dashboards import panels
from graf.dashboards._grafanalib import SCHEMA_VERSION, LokiTarget, TempoTarget, to_model
from graf.errors import RenderError


@pytest.fixture
def ctx(example_project: Path) -> RenderContext:
    project = load_project(example_project)
    return RenderContext(project, project.environment("prod"))


def test_plain_grafanalib_dashboard_becomes_the_current_model(ctx: RenderContext,
                                                              capsys: pytest.CaptureFixture[str]) -> None:
    dashboard = g.Dashboard(
        title="Team", uid="team",
        panels=[g.TimeSeries(title="Up", dataSource="Prometheus", unit="short",
                             targets=[g.Target(expr="up", refId="A", legendFormat="{{job}}")],
                             thresholds=[g.Threshold("green", 0, 0.0), g.Threshold("red", 1, 80.0)]),
                g.Stat(title="Count", targets=[g.Target(expr="count(up)", refId="A", instant=True)])],
        templating=g.Templating(list=[g.Template(name="job", query="label_values(up, job)", dataSource="prometheus")]),
    )
    body = to_model(dashboard, ctx)
    assert capsys.readouterr().out == ""  # nothing printed
    assert body["schemaVersion"] == SCHEMA_VERSION
    assert not {"rows", "style", "sharedCrosshair", "gnetId", "id", "version", "hideControls"} & set(body)
    assert body["annotations"]["list"][0]["builtIn"] == 1
    up, count = body["panels"]
    assert up["datasource"] == {"type": "prometheus", "uid": "prometheus"}
    assert up["targets"] == [{"datasource": {"type": "prometheus", "uid": "prometheus"}, "editorMode": "code",
                              "expr": "up", "legendFormat": "{{job}}", "range": True, "refId": "A"}]
    assert up["fieldConfig"]["defaults"]["thresholds"]["steps"] == [{"color": "green"},
                                                                    {"color": "red", "value": 80.0}]
    assert count["targets"][0]["instant"] is True and count["targets"][0]["range"] is False
    assert count["datasource"] == {"type": "prometheus", "uid": "prometheus"}  # the default: graf's Prometheus
    for panel in body["panels"]:
        assert not {"span", "height", "editable", "error", "cacheTimeout", "maxDataPoints"} & set(panel)
    assert [p["id"] for p in body["panels"]] == [1, 2]
    assert [p["gridPos"] for p in body["panels"]] == [{"h": 8, "w": 12, "x": 0, "y": 0},
                                                      {"h": 8, "w": 12, "x": 12, "y": 0}]
    variable = body["templating"]["list"][0]
    assert variable["datasource"] == {"type": "prometheus", "uid": "prometheus"}
    assert not {"useTags", "tagsQuery", "tagValuesQuery", "auto", "auto_min", "auto_count"} & set(variable)


def test_to_model_is_idempotent(ctx: RenderContext) -> None:
    from graf.dashboards import latency

    once = to_model(latency.dashboard(ctx), ctx)
    assert to_model(once, ctx) == once


def test_grafanalib_warnings_become_errors_not_output(ctx: RenderContext, capsys: pytest.CaptureFixture[str]) -> None:
    both = g.Dashboard(title="Both", uid="both", panels=[g.Text(title="t", content="x")],
                       rows=[g.Row(panels=[g.Text(title="r", content="y")])])
    with pytest.raises(RenderError, match="grafanalib: Warning: You are using both panels and rows"):
        to_model(both, ctx)
    assert capsys.readouterr().out == ""


def test_unknown_datasource_is_an_error_naming_the_dashboard(ctx: RenderContext) -> None:
    dashboard = g.Dashboard(title="X", uid="x", panels=[g.TimeSeries(title="a", dataSource="Graphite",
                                                                     targets=[g.Target(expr="up", refId="A")])])
    with pytest.raises(RenderError) as exc:
        to_model(dashboard, ctx)
    assert exc.value.path == "dashboard/x" and "unknown datasource 'Graphite'" in exc.value.message


def test_explicit_layout_is_kept_and_overlaps_are_flowed(ctx: RenderContext) -> None:
    def board(*grids: g.GridPos) -> dict:
        return to_model(g.Dashboard(title="L", uid="l", panels=[
            g.Text(title=f"t{i}", content="x", gridPos=grid) for i, grid in enumerate(grids)]), ctx)

    kept = board(g.GridPos(h=3, w=10, x=14, y=0), g.GridPos(h=3, w=14, x=0, y=0))
    assert [p["gridPos"] for p in kept["panels"]] == [{"h": 3, "w": 10, "x": 14, "y": 0},
                                                      {"h": 3, "w": 14, "x": 0, "y": 0}]
    flowed = board(g.GridPos(h=3, w=16, x=0, y=0), g.GridPos(h=5, w=16, x=0, y=0), g.GridPos(h=2, w=8, x=0, y=0))
    assert [p["gridPos"] for p in flowed["panels"]] == [{"h": 3, "w": 16, "x": 0, "y": 0},
                                                        {"h": 5, "w": 16, "x": 0, "y": 3},
                                                        {"h": 2, "w": 8, "x": 16, "y": 3}]


def test_ids_given_are_kept_duplicates_renumbered_collapsed_rows_included(ctx: RenderContext) -> None:
    body = to_model({"title": "D", "uid": "d", "panels": [
        {"type": "text", "title": "a", "id": 7},
        {"type": "text", "title": "b", "id": 7},
        {"type": "row", "title": "r", "collapsed": True, "panels": [{"type": "text", "title": "c"}]},
    ]}, ctx)
    row = body["panels"][2]
    assert [p["id"] for p in body["panels"]] == [7, 1, 2] and row["panels"][0]["id"] == 3
    assert row["gridPos"]["y"] + 1 == row["panels"][0]["gridPos"]["y"]


def test_loki_and_tempo_targets_have_their_own_shape(ctx: RenderContext) -> None:
    body = to_model(g.Dashboard(title="T", uid="t", panels=[
        g.Logs(title="logs", targets=[LokiTarget(expr='{job="a"}', refId="A", maxLines=10)]),
        g.Table(title="traces", targets=[TempoTarget(query="{status=error}", refId="A")]),
    ]), ctx)
    logs, traces = body["panels"]
    assert logs["datasource"] == {"type": "loki", "uid": "loki"}
    assert logs["targets"][0] == {"datasource": {"type": "loki", "uid": "loki"}, "editorMode": "code",
                                  "expr": '{job="a"}', "maxLines": 10, "queryType": "range", "refId": "A"}
    assert traces["targets"][0]["queryType"] == "traceql" and traces["targets"][0]["filters"] == []
    assert traces["datasource"] == {"type": "tempo", "uid": "tempo"}
    assert "displayMode" not in traces["fieldConfig"]["defaults"]["custom"]


@pytest.mark.parametrize(("call", "message"), [
    (lambda: panels.stat("T", "", [panels.prom("up")], unit="none"), "needs a description"),
    (lambda: panels.stat("T", "d", [], unit="none"), "at least one query"),
    (lambda: panels.stat("T", "d", [panels.prom("up")], unit=""), "needs a unit"),
    (lambda: panels.timeseries("T", "d", [panels.prom("up")], unit="s", w=25), "24-column grid"),
    (lambda: panels.steps(("green", None), ("red", 5), ("orange", 1)), "must increase"),
    (lambda: panels.steps(("green", 1)), "base step"),
    (lambda: panels.prom(" "), "empty PromQL"),
])
def test_panel_helpers_check_their_arguments(call: object, message: str) -> None:
    with pytest.raises(ValueError, match=message):
        call()  # type: ignore[operator]


def test_panel_helpers_number_queries() -> None:
    panel = panels.timeseries("T", "d", [panels.prom("a"), panels.prom("b"), panels.prom("c")], unit="s")
    assert [t.refId for t in panel.targets] == ["A", "B", "C"]


sizes = st.lists(st.one_of(st.just(None), st.tuples(st.integers(1, 24), st.integers(1, 12))), min_size=1, max_size=30)


@given(sizes)
@settings(max_examples=60, deadline=None)
def test_flowed_layout_fits_the_grid_without_overlaps_in_panel_order(spec: list[tuple[int, int] | None]) -> None:
    """Law: any sequence of rows (None) and sized panels (no x, y) flows into the 24 columns, no overlaps, reading
    order kept."""
    project = load_project(Path(__file__).resolve().parents[2] / "graf.yaml")
    ctx = RenderContext(project, project.environment("prod"))
    items = [{"type": "row", "title": f"r{i}"} if s is None else
             {"type": "text", "title": f"t{i}", "gridPos": {"w": s[0], "h": s[1]}}
             for i, s in enumerate(spec)]
    if len(items) == 1 and items[0]["type"] == "text":
        items.append({"type": "text", "title": "extra", "gridPos": {"w": 1, "h": 1}})
    body = to_model({"title": "L", "uid": "l", "panels": items}, ctx)
    grids = [p["gridPos"] for p in body["panels"]]
    for p, g_ in zip(body["panels"], grids, strict=True):
        assert g_["x"] >= 0 and g_["x"] + g_["w"] <= 24
        if p["type"] == "row":
            assert (g_["x"], g_["w"], g_["h"]) == (0, 24, 1)
    for i, a in enumerate(grids):
        for b in grids[i + 1:]:
            assert not (a["x"] < b["x"] + b["w"] and b["x"] < a["x"] + a["w"]
                        and a["y"] < b["y"] + b["h"] and b["y"] < a["y"] + a["h"])
        if i:
            before = grids[i - 1]
            assert (a["y"], a["x"]) > (before["y"], before["x"])  # reading order: later panels right or below
    assert [p["title"] for p in body["panels"]] == [i["title"] for i in items]


def test_variables_keep_only_the_keys_of_their_type(ctx: RenderContext) -> None:
    body = to_model(g.Dashboard(title="V", uid="v", templating=g.Templating(list=[
        g.Template(name="step", type="interval", query="1m,5m", auto=True, default="1m"),
        g.Template(name="text", type="textbox", query="", default=""),
    ])), ctx)
    step, text = body["templating"]["list"]
    assert step["auto"] is True and step["auto_count"] == 30 and "regex" not in step
    assert not {"auto", "refresh", "sort", "useTags"} & set(text)
