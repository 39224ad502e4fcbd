"""Per-environment dashboards: `environments.<env>.dashboards` overrides graf.yaml's `dashboards` key by key,
and an adopted file (or module) with a built-in's uid replaces that built-in in its environment only."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest
import yaml

from graf._render import render
from graf.config import load_project
from graf.errors import RenderError
from graf.resources import Resource
from tests.conftest import EXAMPLE


def _project(root: Path, edit: Any) -> Path:
    config = yaml.safe_load(EXAMPLE.read_text(encoding="utf-8"))
    config.pop("alerts")
    for env in config["environments"].values():
        env.pop("alerts", None)
    edit(config)
    path = root / "graf.yaml"
    path.write_text(yaml.safe_dump(config), encoding="utf-8")
    return path


def _dashboards(path: Path, env: str) -> dict[str, Resource]:
    project = load_project(path)
    return {r.uid: r for r in render(project, project.environment(env)) if r.kind == "dashboard"}


def _link_targets(resource: Resource) -> set[str]:
    return {link["url"].split("?")[0].removeprefix("/d/") for link in resource.body.get("links", [])}


def test_an_environment_chooses_its_own_builtins(tmp_path: Path) -> None:
    path = _project(tmp_path, lambda c: c["environments"]["prod"].update(dashboards={"builtin": ["overview", "jvm"]}))
    prod, dev = _dashboards(path, "prod"), _dashboards(path, "dev")
    assert set(prod) == {"shop-prod-overview", "shop-prod-jvm"}
    assert len(dev) == 6  # every built-in of graf.yaml (monitoring included)
    assert _link_targets(prod["shop-prod-overview"]) == {"shop-prod-jvm"}  # no link to a dashboard prod lacks
    assert "shop-dev-node" in _link_targets(dev["shop-dev-overview"])


def test_an_adopted_file_replaces_the_builtin_in_its_environment_only(tmp_path: Path) -> None:
    path = _project(tmp_path, lambda c: c["dashboards"].update(files=["dashboards/{env}/*.json"]))
    built = _dashboards(path, "prod")["shop-prod-jvm"].body
    edited = {**built, "title": "JVM (edited in the UI)"}
    (tmp_path / "dashboards/prod").mkdir(parents=True)
    (tmp_path / "dashboards/prod/shop-prod-jvm.json").write_text(json.dumps(edited), encoding="utf-8")

    prod, dev = _dashboards(path, "prod"), _dashboards(path, "dev")
    assert prod["shop-prod-jvm"].source == "dashboards/prod/shop-prod-jvm.json"
    assert prod["shop-prod-jvm"].body["title"] == "JVM (edited in the UI)"
    assert len(prod) == 6 and dev["shop-dev-jvm"].source == "graf.dashboards.jvm"
    assert "shop-prod-jvm" in _link_targets(prod["shop-prod-overview"])  # the others still link to it


def test_two_files_with_one_uid_are_still_an_error(tmp_path: Path) -> None:
    path = _project(tmp_path, lambda c: c["environments"]["prod"].update(
        dashboards={"builtin": [], "files": ["a/*.json", "b/*.json"]}))
    for folder in ("a", "b"):
        (tmp_path / folder).mkdir()
        (tmp_path / folder / "x.json").write_text(json.dumps({"uid": "same", "title": "X", "panels": []}))
    with pytest.raises(RenderError, match=r"rendered twice: by a/x\.json and by b/x\.json"):
        _dashboards(path, "prod")


def test_an_unknown_key_in_an_environments_dashboards_is_named(tmp_path: Path) -> None:
    from graf.errors import ConfigError

    path = _project(tmp_path, lambda c: c["environments"]["prod"].update(dashboards={"builtins": ["jvm"]}))
    with pytest.raises(ConfigError, match=r"environments\.prod\.dashboards"):
        load_project(path)
