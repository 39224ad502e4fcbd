"""The repository's own scripts: CI stops nothing by name, pyproject.toml uses no deprecated form."""

from __future__ import annotations

import re
import subprocess
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]


def test_ci_stops_no_process_at_all() -> None:
    """Tests start their own prometheus and node_exporter on free ports and stop them by PID; CI itself starts
    nothing to stop, so no kill command of any kind (by PID or by name) belongs in it, and a system service
    is never its to stop."""
    script = (ROOT / ".ci" / "run").read_text()
    assert "kill" not in script.lower()


def test_the_test_processes_use_free_ports_only() -> None:
    source = (ROOT / "tests" / "processes.py").read_text()
    assert "free_port()" in source
    assert not re.search(r"listen-address=[^{]*:\d", source)  # no fixed port like :9090 or :9100


def test_license_is_an_spdx_string_for_setuptools_77() -> None:
    tomllib = pytest.importorskip("tomllib")  # Python 3.11+
    project = tomllib.loads((ROOT / "pyproject.toml").read_text())
    assert project["project"]["license"] == "Apache-2.0"
    assert "setuptools>=77" in project["build-system"]["requires"]


@pytest.mark.parametrize("folder", ["build", "export", "stack-out"])
def test_graf_output_folders_are_git_ignored(folder: str) -> None:
    proc = subprocess.run(["git", "check-ignore", "-q", f"{folder}/x.json"], cwd=ROOT, check=False)
    if proc.returncode == 128:
        pytest.skip("not a git checkout")
    assert proc.returncode == 0, f"{folder}/ is not in .gitignore"
