"""The README's "Using graf from Python" example runs as written, against the Grafana API test server."""

from __future__ import annotations

import json
import re
import shutil
from pathlib import Path

import pytest

from tests.grafana_server import GrafanaServer

ROOT = Path(__file__).resolve().parents[1]


def readme_example() -> str:
    text = (ROOT / "README.md").read_text(encoding="utf-8")
    section = text.split("## Using graf from Python", 1)[1].split("\n## ", 1)[0]
    [code] = re.findall(r"```python\n(.*?)```", section, flags=re.S)
    return code


def test_readme_python_example_builds_plans_syncs_and_exports(tmp_path: Path, monkeypatch: pytest.MonkeyPatch,
                                                               capsys: pytest.CaptureFixture[str]) -> None:
    shutil.copy(ROOT / "graf.yaml", tmp_path / "graf.yaml")
    monkeypatch.chdir(tmp_path)
    monkeypatch.setenv("ALERT_WEBHOOK_URL", "http://127.0.0.1:9/hook")
    monkeypatch.setattr("graf.grafana.client.BACKOFF", 0.01)
    with GrafanaServer() as grafana:
        monkeypatch.setenv("GRAFANA_TOKEN", grafana.token)
        code = readme_example().replace("http://127.0.0.1:3000", grafana.url)
        exec(compile(code, "README.md (Using graf from Python)", "exec"), {})
        assert "shop-prod-jvm" in grafana.state.dashboards
    out = capsys.readouterr().out.splitlines()
    assert out[0].startswith("prod: ") and out[0].endswith(str(tmp_path / "build" / "prod"))
    assert "create dashboard/shop-prod-jvm not in Grafana" in out
    assert re.fullmatch(r"\d+ files in export - 0 drifted", out[-1])  # out= is relative to the current folder
    exported = json.loads((tmp_path / "export" / "prod" / "dashboard" / "shop-prod-jvm.json").read_text())
    built = json.loads((tmp_path / "build" / "prod" / "dashboard" / "shop-prod-jvm.json").read_text())
    assert exported == built  # the law the README states: right after a sync, export equals build
