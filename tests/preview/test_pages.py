"""Whole pages, without a browser: every dashboard draws, the same input gives the same bytes, and
nothing is fetched at view time."""

from __future__ import annotations

import re
import subprocess
import sys
from functools import partial
from pathlib import Path

import pytest

from graf.config import load_project
from graf.errors import GrafError
from graf.preview import preview_dashboard, preview_resources
from graf._render import render
from tests.preview import fake
from tests.preview.dom import panels
from tests.reference import reference_dashboards, reference_json

ROOT = Path(__file__).resolve().parents[2]
pytest.importorskip("matplotlib", reason="the preview extra (matplotlib) draws the series")


def _builtin() -> list[tuple[str, dict[str, object]]]:
    project = load_project(ROOT / "graf.yaml")
    return [(f"{env.name}/{r.uid}", r.body) for env in project.select() for r in render(project, env)
            if r.kind == "dashboard"]


def _community() -> list[tuple[str, dict[str, object]]]:
    return [(name, reference_json(f"dashboards/{name}")) for name in reference_dashboards()]


def _assert_whole(page: str, body: dict[str, object]) -> None:
    seen = panels(page)
    top = [p for p in body.get("panels", []) if isinstance(p, dict)]  # type: ignore[union-attr]
    assert len(seen) == len(top)  # every top-level panel and row drawn once
    broken = [p.title for p in seen if "broken" in p.classes]
    assert broken == []


@pytest.mark.parametrize("with_data", [False, True], ids=["layout", "data"])
def test_builtin_dashboards_of_both_environments_draw_every_panel(with_data: bool) -> None:
    dashboards = _builtin()
    assert {name.split("/")[0] for name, _ in dashboards} == {"dev", "prod"}
    for name, body in dashboards:
        if with_data and not name.startswith("prod/"):
            continue  # dev's are the same panels; drawing ~100 charts twice only costs time
        page = preview_dashboard(body, fetch=fake.answer if with_data else None, source="test", now=fake.END)
        _assert_whole(page, body)
        if with_data:
            assert "No data" not in page or name.endswith("logs"), name


def test_community_dashboards_draw_with_legacy_panels_shown_migrated() -> None:
    names = []
    for name, body in _community():
        page = preview_dashboard(body, fetch=fake.answer, source="test", now=fake.END)
        _assert_whole(page, body)
        names.append(name)
    assert len(names) == 8
    micrometer = preview_dashboard(reference_json("dashboards/jvm-micrometer.json"))
    assert "graph → timeseries" in micrometer
    assert "repeats for each $" in micrometer  # its per-pool rows repeat


def test_same_input_gives_the_same_bytes_across_processes() -> None:
    body = dict(_builtin())["prod/shop-prod-node"]
    here = preview_dashboard(body, fetch=fake.answer, source="test", now=fake.END)
    script = ("import sys, json; from graf.preview import preview_dashboard; from tests.preview import fake;"
              "sys.stdout.write(preview_dashboard(json.load(sys.stdin), fetch=fake.answer, source='test',"
              " now=fake.END))")
    import json

    other = subprocess.run([sys.executable, "-c", script], input=json.dumps(body), capture_output=True, text=True,
                           cwd=ROOT, check=True, env={"PYTHONHASHSEED": "123", "PATH": ""}).stdout
    assert other == here
    assert len(here.encode()) < 400_000  # small: 18 panels with two series each


def test_pages_are_self_contained() -> None:
    body = dict(_builtin())["prod/shop-prod-jvm"]
    page = preview_dashboard(body, fetch=fake.answer, source="test", now=fake.END)
    assert "<svg" in page
    assert not re.search(r"<(link|img|iframe|object|embed)\b", page)
    assert not re.search(r"\bsrc=", page)
    assert set(re.findall(r'href="([^"]*)"', page)) <= {h for h in re.findall(r'href="(#[^"]*)"', page)}
    assert "@import" not in page and not re.search(r"url\((?!#)", page)


def _one(panel: dict[str, object], fetch: object) -> str:
    return preview_dashboard({"uid": "t", "title": "T", "panels": [panel]}, fetch=fetch,  # type: ignore[arg-type]
                             source="test", now=fake.END)


STAT = {"id": 1, "type": "stat", "title": "Busy", "gridPos": {"x": 0, "y": 0, "w": 6, "h": 4},
        "fieldConfig": {"defaults": {"unit": "percentunit", "thresholds": {"mode": "absolute", "steps": [
            {"color": "green"}, {"color": "red", "value": 0.8}]}}},
        "targets": [{"refId": "A", "expr": "busy"}]}


def test_stat_shows_the_value_in_its_threshold_colour() -> None:
    low = _one(STAT, partial(fake.answer, series=1, value=0.42))
    assert "42%" in low and 'data-colour="#73BF69"' in low
    high = _one(STAT, partial(fake.answer, series=1, value=0.9))
    assert 'data-colour="#F2495C"' in high


def test_table_rows_and_empty_and_failing_queries() -> None:
    table = {"id": 2, "type": "table", "title": "Disks", "gridPos": {"x": 0, "y": 0, "w": 12, "h": 8},
             "targets": [{"refId": "A", "expr": "free", "instant": True, "format": "table"}],
             "transformations": [{"id": "organize", "options": {"excludeByName": {"__name__": True},
                                                                "renameByName": {"Value": "Free"}}}]}
    rows = panels(_one(table, fake.answer))[0]
    assert "instance mountpoint Free host-0:9100 / 0.42 host-1:9100 / 0.84" in rows.all_text

    empty = dict(STAT, targets=[{"refId": "A", "expr": 'absent_metric{environment="$environment"}'}])
    shown = panels(preview_dashboard({"panels": [empty], "templating": {"list": [
        {"name": "environment", "type": "constant", "query": "prod"}]}}, fetch=fake.answer, now=fake.END))[0]
    assert "No data" in shown.all_text and 'absent_metric{environment="prod"}' in shown.all_text

    failing = dict(STAT, targets=[{"refId": "A", "expr": "broken(x"}])
    assert "parse error" in panels(_one(failing, fake.answer))[0].all_text


def test_layout_only_pages_need_no_matplotlib_and_data_pages_say_how_to_get_it(
        monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setitem(sys.modules, "matplotlib", None)
    monkeypatch.setitem(sys.modules, "matplotlib.figure", None)
    body = dict(_builtin())["prod/shop-prod-node"]
    assert "CPU busy by mode" in preview_dashboard(body)
    with pytest.raises(GrafError, match="needs matplotlib") as error:
        preview_dashboard(body, fetch=fake.answer, now=fake.END)
    assert "pip install 'graf[preview]'" in error.value.one_line()


def test_preview_resources_names_a_page_per_dashboard() -> None:
    project = load_project(ROOT / "graf.yaml")
    pages = preview_resources(render(project, project.environment("prod")))
    assert sorted(pages) == [f"shop-prod-{n}.html" for n in ("jvm", "latency", "logs", "node", "overview")]
