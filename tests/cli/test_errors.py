"""Bad input at the command line: one line on stderr, exit code 2, no traceback."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import pytest
import yaml

from tests.conftest import EXAMPLE


def graf(*args: str, cwd: Path) -> subprocess.CompletedProcess[str]:
    return subprocess.run([sys.executable, "-m", "graf", *args], cwd=cwd, capture_output=True, text=True,
                          timeout=60)


def _project(tmp_path: Path, text: str) -> Path:
    (tmp_path / "graf.yaml").write_text(text)
    return tmp_path


def _mutated(tmp_path: Path, mutate) -> Path:
    data = yaml.safe_load(EXAMPLE.read_text())
    mutate(data)
    return _project(tmp_path, yaml.safe_dump(data))


@pytest.mark.parametrize(
    ("setup", "args", "expected"),
    [
        (lambda p: p, ["build"], "error: graf.yaml: not found in"),
        (lambda p: _project(p, "name: shop\nenvironments: [\n"), ["build"], "YAML syntax error"),
        (lambda p: _mutated(p, lambda d: d["environments"]["prod"].update(grafan=1)), ["build"],
         "error: graf.yaml: environments.prod: unknown key 'grafan', did you mean 'grafana'?"),
        (lambda p: _mutated(p, lambda d: d["environments"]["prod"]["servers"][0].update(address=[1])), ["build"],
         "error: graf.yaml: environments.prod.servers[0].address: expected a string, got a list"),
        (lambda p: _mutated(p, lambda d: None), ["build", "--env", "staging"],
         "error: graf.yaml: environments: unknown environment 'staging'"),
        (lambda p: _mutated(p, lambda d: None), ["--config", "missing.yaml", "build"],
         "error: missing.yaml: file not found"),
    ],
)
def test_bad_input_is_one_line_exit_2(tmp_path: Path, setup, args: list[str], expected: str) -> None:
    result = graf(*args, cwd=setup(tmp_path))
    assert result.returncode == 2, result.stderr
    assert "Traceback" not in result.stderr
    lines = result.stderr.strip().splitlines()
    assert len(lines) == 1, result.stderr
    assert expected in lines[0]


def test_unknown_option_is_usage_error(tmp_path: Path) -> None:
    result = graf("build", "--nope", cwd=_mutated(tmp_path, lambda d: None))
    assert result.returncode == 2
    assert "No such option '--nope'" in result.stderr
    assert "Traceback" not in result.stderr


def test_unset_secret_is_one_line_exit_2_before_any_request(tmp_path: Path) -> None:
    """graf.yaml names ${GRAFANA_TOKEN}; unset, `graf plan` stops before it sends anything (the URL is a
    closed local port, so a request would have been a different error)."""
    import socket

    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        closed = sock.getsockname()[1]
    project = _mutated(tmp_path, lambda d: None)
    result = graf("plan", "--env", "prod", "--url", f"http://127.0.0.1:{closed}", cwd=project)
    assert result.returncode == 2, result.stderr
    assert "Traceback" not in result.stderr
    assert result.stderr.strip().splitlines() == [
        "error: graf.yaml: environments.prod.grafana.token: environment variable GRAFANA_TOKEN is not set "
        "(export GRAFANA_TOKEN=... before running graf)"
    ]
