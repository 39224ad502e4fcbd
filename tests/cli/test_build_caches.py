"""`graf build` as a process with its caches in the user cache directory (graf validate's query verdicts,
graf._codecache's compiled attrs methods): cold, warm and with both turned off, the same files, the same
summary and the same warnings; the caches are written outside the project."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

from graf.files import MARKER
from tests.team.project import team_project

# A team module whose query reads every environment: a warning, which graf build prints and still writes.
UNFILTERED = '''def dashboard(ctx):
    return {"uid": ctx.uid("kpi"), "title": "KPI", "panels": [
        {"type": "timeseries", "title": "Up", "id": 1, "gridPos": {"x": 0, "y": 0, "w": 12, "h": 8},
         "datasource": "prometheus", "targets": [{"refId": "A", "expr": "up"}]}]}
'''


def _build(config: Path, out: Path, cache: Path, **env: str) -> tuple[dict[str, bytes], str, str]:
    environ = {k: v for k, v in os.environ.items() if not k.startswith("GRAF_")}
    result = subprocess.run([sys.executable, "-m", "graf", "-c", str(config), "build", "--out", str(out)],
                            env={**environ, "XDG_CACHE_HOME": str(cache), **env}, capture_output=True, text=True,
                            timeout=120)
    assert result.returncode == 0, result.stderr
    files = {str(p.relative_to(out)): p.read_bytes() for p in sorted(out.rglob("*"))
             if p.is_file() and p.name != MARKER}
    return files, result.stdout.replace(str(out), "OUT"), result.stderr


def test_cold_warm_and_uncached_builds_are_the_same(tmp_path: Path) -> None:
    config = team_project(tmp_path / "project", {"team/kpi.py": UNFILTERED}, ["team/kpi.py"])
    cache = tmp_path / "cache"
    cold = _build(config, tmp_path / "cold", cache)
    assert "warning: G503" in cold[2] and "dashboard" in cold[1]
    assert list(cache.glob("graf/verdicts/*/*.shard")) and list(cache.glob("graf/code/*.marshal"))
    assert _build(config, tmp_path / "warm", cache) == cold
    off = _build(config, tmp_path / "off", tmp_path / "unused", GRAF_VALIDATE_CACHE="0", GRAF_CODE_CACHE="0")
    assert off == cold
    assert not (tmp_path / "unused").exists()
    assert sorted(p.name for p in (tmp_path / "project").iterdir()) == ["graf.yaml", "team"]
