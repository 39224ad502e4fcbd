"""Bad stack values in graf.yaml: each one line naming the key (library), exit 2 with that line (CLI)."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path
from typing import Any

import pytest

from graf.errors import ConfigError
from graf.units import parse_size
from tests.stack.helpers import project, write_project


def _prod_server(data: dict[str, Any], i: int = 0) -> dict[str, Any]:
    return data["environments"]["prod"]["servers"][i]


BAD = [
    ("duplicate host in one environment",
     lambda d: _prod_server(d, 1).update(host="prod-app-1"),
     "graf.yaml: environments.prod.servers[1].host: duplicate host 'prod-app-1' (also servers[0])"),
    ("same host in two environments",
     lambda d: d["environments"]["dev"]["servers"][0].update(host="prod-app-1"),
     "graf.yaml: environments.prod.servers[0].host: duplicate host 'prod-app-1' (also environments.dev.servers[0])"),
    ("duplicate address",
     lambda d: _prod_server(d, 1).update(address="10.0.2.11"),
     "graf.yaml: environments.prod.servers[1].address: duplicate address '10.0.2.11' (also servers[0])"),
    ("stack port clash",
     lambda d: d["stack"].update(ports={"loki": 3000}),
     "graf.yaml: stack.ports.loki: port 3000 is also stack.ports.grafana"),
    ("node_exporter on the app's port",
     lambda d: _prod_server(d).update(node_exporter={"port": 8081}),
     "graf.yaml: environments.prod.servers[0].node_exporter.port: port 8081 is used twice on host 'prod-app-1'"),
    ("unknown profile",
     lambda d: d["stack"].update(profile="tiny"),
     "graf.yaml: stack.profile: expected one of small, medium, large, got 'tiny'"),
    ("retention that does not parse",
     lambda d: d["stack"]["retention"].update(logs="7 days"),
     "graf.yaml: stack.retention.logs: not a duration: '7 days'"),
    ("size that does not parse",
     lambda d: d["stack"]["retention"].update(metrics_size="2 gigs"),
     "graf.yaml: stack.retention.metrics_size: not a size: '2 gigs'"),
    ("log retention under Loki's minimum",
     lambda d: d["stack"]["retention"].update(logs="12h"),
     "graf.yaml: stack.retention.logs: '12h' is shorter than Loki's 24h minimum retention"),
    ("log size cap under one day",
     lambda d: d["stack"]["retention"].update(logs_size="100MB"),
     "graf.yaml: stack.retention.logs_size: holds less than one day of logs"),
    ("unpinned image",
     lambda d: d["stack"].update(images={"grafana": "grafana/grafana:latest"}),
     "graf.yaml: stack.images.grafana: 'grafana/grafana:latest' is not pinned"),
    ("image without a tag",
     lambda d: d["stack"].update(images={"loki": "grafana/loki"}),
     "graf.yaml: stack.images.loki: 'grafana/loki' is not pinned"),
    ("Tempo 1",
     lambda d: d["stack"].update(images={"tempo": "grafana/tempo:1.5.0"}),
     "graf.yaml: stack.images.tempo: 'grafana/tempo:1.5.0': graf renders Tempo 2.x and 3.x configs"),
    ("publishing on every interface",
     lambda d: d["stack"]["server"].update(address="0.0.0.0"),
     "graf.yaml: stack.server.address: '0.0.0.0' would publish on every interface"),
    ("password without user",
     lambda d: _prod_server(d).update(node_exporter={"basic_auth_password": "${PW}"}),
     "graf.yaml: environments.prod.servers[0].node_exporter.basic_auth_user: a basic-auth password needs"),
]


@pytest.mark.parametrize(("mutate", "expected"), [b[1:] for b in BAD], ids=[b[0] for b in BAD])
def test_bad_stack_value_names_the_key(tmp_path: Path, mutate, expected: str) -> None:
    with pytest.raises(ConfigError) as caught:
        project(tmp_path, mutate)
    line = caught.value.one_line()
    assert "\n" not in line
    assert line.startswith(expected), line


@pytest.mark.parametrize(("mutate", "expected"), [b[1:] for b in BAD[:7]], ids=[b[0] for b in BAD[:7]])
def test_cli_exits_2_with_one_line(tmp_path: Path, mutate, expected: str) -> None:
    write_project(tmp_path, mutate)
    result = subprocess.run([sys.executable, "-m", "graf", "stack", "render"], cwd=tmp_path, capture_output=True,
                            text=True, timeout=60)
    assert result.returncode == 2, result.stderr
    assert result.stderr.strip().splitlines() == [result.stderr.strip()]
    assert result.stderr.startswith(f"error: {expected}")
    assert not (tmp_path / "stack-out").exists()


def test_example_stack_parses(tmp_path: Path) -> None:
    stack = project(tmp_path).stack
    assert stack.profile == "small"
    assert stack.retention.metrics == 15 * 86400 and stack.retention.metrics_size == 2 * 1024**3
    assert stack.retention.logs == 7 * 86400 and stack.retention.traces == 72 * 3600
    assert stack.ports["tempo"] == 3200 and stack.grafana_bind == "10.0.0.10"


@pytest.mark.parametrize(("text", "size"), [("2GB", 2 * 1024**3), ("512MB", 512 * 1024**2), ("1.5GiB", 3 * 2**29),
                                            ("10 kb", 10240)])
def test_parse_size(text: str, size: int) -> None:
    assert parse_size(text) == size


@pytest.mark.parametrize("text", ["", "2", "GB", "-1GB", "2XB", "0MB"])
def test_parse_size_rejects(text: str) -> None:
    with pytest.raises(ValueError, match="not a size"):
        parse_size(text)
