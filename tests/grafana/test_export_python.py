"""`graf export --as python`: a UI edit kept as a dashboard module, after which sync has nothing to do."""

from __future__ import annotations

import json
from pathlib import Path

from graf.config import load_project
from graf.context import RenderContext
from graf.dashboards._grafanalib import to_model
from tests.grafana.conftest import Project
from tests.grafana_server import GrafanaServer


def _as_graf_renders_modules(project: Project, uid: str) -> None:
    """The project's file in the form graf renders modules (a module cannot write schemaVersion 39)."""
    loaded = load_project(project.config)
    path = project.root / "dashboards" / f"{uid}.json"
    body = to_model(json.loads(path.read_text()), RenderContext(loaded, loaded.environment("prod")))
    path.write_text(json.dumps(body), encoding="utf-8")


def test_a_ui_edit_exported_as_python_is_what_grafana_holds(graf, grafana: GrafanaServer, project: Project) -> None:
    _as_graf_renders_modules(project, "shop-prod-jvm")
    assert graf("sync", "--env", "prod").code == 0
    grafana.ui_save("shop-prod-jvm", lambda d: d["panels"][0].update(title="Better title"))

    run = graf("export", "--env", "prod", "--uid", "shop-prod-jvm", "--as", "python", "--out",
               str(project.root / "jvm.py"))
    assert run.code == 0, run.err
    assert run.lines == [f"wrote {project.root / 'jvm.py'} (add it to dashboards.modules in graf.yaml)"]
    text = (project.root / "jvm.py").read_text()
    assert "def dashboard(ctx: RenderContext)" in text and "better_title = " in text

    project.remove("shop-prod-jvm")
    config = project.config.read_text().replace('files: ["dashboards/*.json"]',
                                                'files: ["dashboards/*.json"]\n  modules: ["jvm.py"]')
    project.config.write_text(config, encoding="utf-8")
    run = graf("sync", "--env", "prod")
    assert run.code == 0, run.err
    assert "adopt    dashboard/shop-prod-jvm" in run.lines  # same content: only graf's record is written
    grafana.reset_counts()
    assert graf("sync", "--env", "prod").code == 0 and grafana.writes() == {}
    assert grafana.state.dashboards["shop-prod-jvm"].data["panels"][0]["title"] == "Better title"


def test_an_unknown_uid_names_it(graf, project: Project) -> None:
    graf("sync", "--env", "prod")
    run = graf("export", "--env", "prod", "--uid", "nope", "--as", "python")
    assert run.code != 0
    assert "nope" in run.err and len(run.err.strip().splitlines()) <= 2


def test_a_json_file_as_python_without_grafana(graf, project: Project, tmp_path: Path) -> None:
    source = project.root / "dashboards" / "shop-prod-api.json"
    run = graf("export", "--env", "prod", "--as", "python", str(source), "--out", str(tmp_path / "out"))
    assert run.code == 0, run.err
    written = tmp_path / "out/prod/python/shop_prod_api.py"
    assert written.is_file()
    assert f"from {source.name}:" in written.read_text()


def test_a_file_needs_as_python(graf, project: Project) -> None:
    run = graf("export", "--env", "prod", str(project.root / "dashboards" / "shop-prod-api.json"))
    assert run.code == 2 and "--as python" in run.err


def test_a_broken_file_is_one_line_naming_it(graf, tmp_path: Path) -> None:
    broken = tmp_path / "broken.json"
    broken.write_text('{"uid": "x", "panels": [', encoding="utf-8")
    run = graf("export", "--env", "prod", "--as", "python", str(broken))
    assert run.code != 0
    assert str(broken) in run.err and len(run.err.strip().splitlines()) <= 2
    listing = tmp_path / "list.json"
    listing.write_text("[1, 2]", encoding="utf-8")
    run = graf("export", "--env", "prod", "--as", "python", str(listing))
    assert run.code != 0 and str(listing) in run.err


def test_two_dashboards_need_a_folder(graf, project: Project, tmp_path: Path) -> None:
    graf("sync", "--env", "prod")
    run = graf("export", "--env", "prod", "--uid", "shop-prod-api", "--uid", "shop-prod-jvm", "--as", "python",
               "--out", str(tmp_path / "one.py"))
    assert run.code != 0 and "folder" in run.err
    run = graf("export", "--env", "prod", "--uid", "shop-prod-api", "--uid", "shop-prod-jvm", "--as", "python",
               "--out", str(tmp_path / "mods"))
    assert run.code == 0, run.err
    assert sorted(p.name for p in (tmp_path / "mods/prod/python").iterdir()) == ["shop_prod_api.py", "shop_prod_jvm.py"]


def test_usage_errors_say_what_to_give(graf, project: Project, tmp_path: Path) -> None:
    run = graf("export", "--env", "prod", "--all", "--as", "python")
    assert run.code == 2 and "--uid" in run.err
    run = graf("export", "--env", "prod", "--as", "python")
    assert run.code != 0 and "--uid" in run.err
    existing = tmp_path / "a.py"
    existing.write_text("", encoding="utf-8")
    run = graf("export", "--env", "prod", "--out", str(existing))
    assert run.code == 2 and "folder" in run.err
