"""The Monitoring server dashboard draws what graf rendered: each container's limit, the retention budget."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import yaml

from graf._render import render
from graf.check import panel_queries
from graf.config import Project, load_project
from graf.dashboards.monitoring import disk_budget
from graf.stack.sizing import LOKI_COMPRESSION, MIB, PROFILES
from tests.conftest import EXAMPLE


def _queries(project: Project) -> dict[str, str]:
    resources = render(project, project.environment("prod"))
    return {f"{q.panel_title} [{q.ref_id}]": q.query for q in panel_queries(resources)
            if q.dashboard_uid == "shop-prod-monitoring"}


def _example(tmp_path: Path, profile: str) -> Project:
    raw: dict[str, Any] = yaml.safe_load(EXAMPLE.read_text(encoding="utf-8"))
    raw["stack"]["profile"] = profile
    path = tmp_path / "graf.yaml"
    path.write_text(yaml.safe_dump(raw, sort_keys=False), encoding="utf-8")
    return load_project(path)


def test_limits_follow_the_size_profile(tmp_path: Path) -> None:
    for project in (load_project(EXAMPLE), _example(tmp_path, "medium")):
        limits = PROFILES[project.stack.profile].limits_mib
        queries = _queries(project)
        for job in ("prometheus", "loki", "tempo", "grafana"):
            assert f'job="{job}"}} / {limits[job] * MIB}' in queries["Memory against limit [A]"]
            assert f'vector({limits[job] * MIB}), "job", "{job}"' in queries["Resident memory [B]"]


def test_disk_budget_is_the_rendered_retention() -> None:
    example = load_project(EXAMPLE)
    stack = example.stack
    budget = disk_budget(stack)
    # graf.yaml: metrics_size 2GB; logs 7d capped by logs_size 4GB (16 days fit: 7d stays); traces 72h capped
    # by traces_size 1500MB at 450MB/day (3 days fit: 72h stays)
    assert budget == {"prometheus": 2 * 1024**3, "loki": int(7 * stack.volume.logs_per_day / LOKI_COMPRESSION),
                      "tempo": int(3 * stack.volume.traces_per_day)}
    assert f"vector({sum(budget.values())})" in _queries(example)["Disk used against the retention budget [B]"]
