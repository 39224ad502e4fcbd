"""A dashboard a UI save in 13.1 stored as schema v2, after `graf export`: `graf validate` and `graf diff`
read the file; `dashboards.files` refuses it with one line (graf syncs classic JSON only)."""

from __future__ import annotations

import json
from collections.abc import Callable, Iterator
from pathlib import Path

import pytest

from tests.grafana.conftest import Project, Run
from tests.grafana_server import GrafanaServer


@pytest.fixture
def grafana() -> Iterator[GrafanaServer]:
    with GrafanaServer(version="13.1.0") as server:
        yield server


def _retitle(spec: dict) -> None:
    spec["title"] = "API (edited)"


def _export(graf: Callable[..., Run], out: Path) -> Path:
    run = graf("export", "--env", "prod", "--uid", "shop-prod-api", "--out", str(out))
    assert run.code == 0, run.err
    return out / "prod" / "dashboard" / "shop-prod-api.json"


def test_an_exported_v2_dashboard_validates_and_diffs(graf: Callable[..., Run], grafana: GrafanaServer,
                                                       tmp_path: Path) -> None:
    graf("sync", "--env", "prod")
    grafana.ui_save("shop-prod-api", _retitle, user="alice")
    first = _export(graf, tmp_path / "first")
    assert json.loads(first.read_text(encoding="utf-8"))["apiVersion"] == "dashboard.grafana.app/v2"
    run = graf("validate", str(first))
    assert (run.code, run.out) == (0, ""), run.out

    def requery(spec: dict) -> None:
        spec["elements"]["panel-1"]["spec"]["data"]["spec"]["queries"][0]["spec"]["query"]["spec"]["expr"] = "sum(up)"

    grafana.ui_save("shop-prod-api", requery, user="alice")
    second = _export(graf, tmp_path / "second")
    run = graf("diff", str(first), str(second))
    assert run.code == 3
    assert run.lines[1:] == ['~ dashboard/shop-prod-api "API (edited)"',
                             '    ~ element "panel-1" (title "Up") › queries[A].expr: "up" → "sum(up)"',
                             "1 changed"]


def test_a_v2_file_in_dashboards_files_is_refused_with_one_line(graf: Callable[..., Run], grafana: GrafanaServer,
                                                                project: Project, tmp_path: Path) -> None:
    graf("sync", "--env", "prod")
    grafana.ui_save("shop-prod-api", _retitle, user="alice")
    exported = _export(graf, tmp_path / "export")
    target = project.root / "dashboards" / "shop-prod-api.json"
    target.write_bytes(exported.read_bytes())
    run = graf("plan", "--env", "prod")
    assert run.code != 0 and run.out == ""
    assert run.err.splitlines()[0] == (f"error: {target}: a schema v2 dashboard (dashboard.grafana.app/v2): graf "
                                       "syncs classic dashboard JSON only (graf validate and graf diff read it; to "
                                       "sync it, give graf its classic JSON: a v1 read, which drops tabs and auto "
                                       "grids)")
