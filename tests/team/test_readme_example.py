"""The README's "Writing your own dashboards" renders exactly as written, and fails the way it says."""

from __future__ import annotations

import json
import re
from pathlib import Path

import pytest

from tests.conftest import ROOT
from tests.graf_main import Run, run_main
from tests.team.project import team_project


def _section() -> str:
    text = (ROOT / "README.md").read_text(encoding="utf-8")
    start = text.index("## Writing your own dashboards")
    return text[start:text.index("\n## ", start + 1)]


def readme_files() -> dict[str, str]:
    """Each code block of the section, by the file name on the line above it."""
    blocks = re.findall(r"^`([\w/]+\.py)`\n\n```python\n(.*?)^```", _section(), flags=re.M | re.S)
    return dict(blocks)


def readme_error_line() -> str:
    return next(line.strip() for line in _section().splitlines() if line.startswith("    error: "))


def test_the_readme_names_two_files_and_one_error() -> None:
    assert sorted(readme_files()) == ["dashboards/helpers.py", "dashboards/orders.py"]
    assert readme_error_line().startswith("error: dashboards/orders.py:")


def test_the_readme_dashboard_builds_in_every_environment(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    config = team_project(tmp_path, readme_files(), ["dashboards/orders.py"])
    result = run_main(["-c", str(config), "build", "--out", str(tmp_path / "out")], capsys)
    assert result.code == 0, result.err
    assert "prod: 1 folder, 3 datasources, 6 dashboards" in result.out
    for env in ("dev", "prod"):
        body = json.loads((tmp_path / "out" / env / "dashboard" / f"shop-{env}-orders.json").read_text())
        assert body["title"] == f"Orders · {env}"
        assert [p["title"] for p in body["panels"]] == ["Orders/s", "Failed orders/s"]
        assert [v["name"] for v in body["templating"]["list"]] == ["environment", "application", "instance"]
        expr = body["panels"][1]["targets"][0]["expr"]
        assert expr == ('sum by (application) (rate(orders_failed_total{environment="$environment", '
                        'job="spring-boot", application=~"$application", instance=~"$instance"}'
                        "[$__rate_interval]))")
        assert body["panels"][0]["datasource"] == {"type": "prometheus", "uid": "prometheus"}


def test_the_readme_error_is_what_a_missing_description_gives(tmp_path: Path,
                                                              capsys: pytest.CaptureFixture[str]) -> None:
    files = readme_files()
    files["dashboards/orders.py"] = files["dashboards/orders.py"].replace('"Orders placed per second"', '""')
    config = team_project(tmp_path, files, ["dashboards/orders.py"])
    result = run_main(["-c", str(config), "build", "--out", str(tmp_path / "out")], capsys)
    assert result == Run(1, "", readme_error_line() + "\n")
    assert not (tmp_path / "out").exists()
