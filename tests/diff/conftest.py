from __future__ import annotations

import json
import subprocess
from pathlib import Path
from typing import Any

import pytest

GRAF_YAML = """\
version: 1
name: t
datasources:
  prometheus: {uid: prometheus, url: "http://prometheus:9090", name: Prometheus}
  loki: {uid: loki, url: "http://loki:3100", name: Loki}
  tempo: {uid: tempo, url: "http://tempo:3200", name: Tempo}
dashboards:
  builtin: []
  files: ["dashboards/*.json"]
environments:
  dev:
    label: dev
    grafana: {url: "http://127.0.0.1:3000"}
    folder: {uid: t-dev, title: "T dev"}
"""


def dashboard(title: str = "Heap", expr: str = "sum(jvm_memory_used_bytes{area=\"heap\"})",
              x: int = 0) -> dict[str, Any]:
    return {"uid": "jvm", "title": "JVM", "schemaVersion": 39, "panels": [
        {"id": 1, "type": "timeseries", "title": title, "gridPos": {"x": x, "y": 0, "w": 12, "h": 8},
         "targets": [{"refId": "A", "expr": expr}]}]}


def write_json(path: Path, data: Any) -> Path:
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(json.dumps(data, indent=2), encoding="utf-8")
    return path


def git(cwd: Path, *args: str) -> str:
    return subprocess.run(["git", "-c", "user.email=t@example.com", "-c", "user.name=t", *args], cwd=cwd,
                          check=True, capture_output=True, text=True).stdout.strip()


@pytest.fixture
def project(tmp_path: Path) -> Path:
    """A graf project in a git repo with two commits; the second moves the panel and edits its query.
    Returns the graf.yaml path (its folder is the repository root)."""
    root = tmp_path / "repo"
    root.mkdir()
    (root / "graf.yaml").write_text(GRAF_YAML, encoding="utf-8")
    write_json(root / "dashboards" / "jvm.json", dashboard())
    git(root, "init", "--quiet", "--initial-branch=main")
    git(root, "add", ".")
    git(root, "commit", "--quiet", "-m", "first")
    write_json(root / "dashboards" / "jvm.json", dashboard(expr="sum(jvm_memory_used_bytes{area=\"nonheap\"})", x=12))
    git(root, "commit", "--quiet", "-am", "second")
    return root / "graf.yaml"
