"""Fixtures for graf's Grafana edge: the test server, a small project of its own, and the CLI."""

from __future__ import annotations

import json
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from pathlib import Path

import pytest

from tests.grafana_server import GrafanaServer

GRAF_YAML = """\
version: 1
name: shop
dashboards:
  builtin: []
  files: ["dashboards/*.json"]
environments:
  prod:
    grafana: {{url: "http://127.0.0.1:9", token: "${{GRAFANA_TOKEN}}", timeout: {timeout}}}
    folder: {{uid: shop-prod, title: "Shop prod"}}
{extra}"""


def dashboard(uid: str, title: str, expr: str = "up") -> dict:
    return {"uid": uid, "title": title, "schemaVersion": 39, "tags": ["graf"],
            "panels": [{"id": 1, "type": "timeseries", "title": "Up", "gridPos": {"h": 8, "w": 12, "x": 0, "y": 0},
                        "datasource": {"type": "prometheus", "uid": "prometheus"},
                        "targets": [{"refId": "A", "expr": expr}]}]}


@dataclass
class Project:
    """A graf project in a temp folder: graf.yaml plus dashboard JSON files."""

    root: Path

    @property
    def config(self) -> Path:
        return self.root / "graf.yaml"

    def write_config(self, extra: str = "", timeout: float = 5) -> None:
        self.config.write_text(GRAF_YAML.format(extra=extra, timeout=timeout), encoding="utf-8")

    def add(self, uid: str, title: str, expr: str = "up") -> None:
        folder = self.root / "dashboards"
        folder.mkdir(exist_ok=True)
        (folder / f"{uid}.json").write_text(json.dumps(dashboard(uid, title, expr)), encoding="utf-8")

    def remove(self, uid: str) -> None:
        (self.root / "dashboards" / f"{uid}.json").unlink()


@pytest.fixture
def grafana() -> Iterator[GrafanaServer]:
    with GrafanaServer() as server:
        yield server


@pytest.fixture
def project(tmp_path: Path) -> Project:
    p = Project(tmp_path)
    p.write_config()
    p.add("shop-prod-api", "API")
    p.add("shop-prod-jvm", "JVM")
    return p


@dataclass
class Run:
    code: int
    out: str
    err: str

    @property
    def lines(self) -> list[str]:
        return self.out.splitlines()


@pytest.fixture
def graf(project: Project, grafana: GrafanaServer, monkeypatch: pytest.MonkeyPatch,
         capsys: pytest.CaptureFixture[str]) -> Callable[..., Run]:
    """Run `graf <args>` in-process against the test server, as a user would (main(), exit code, no traceback)."""
    from graf.cli import main

    monkeypatch.setenv("GRAFANA_URL", grafana.url)
    monkeypatch.setenv("GRAFANA_TOKEN", grafana.token)
    monkeypatch.setattr("graf.grafana.client.BACKOFF", 0.01)  # retries stay fast in tests

    def run(*args: str) -> Run:
        capsys.readouterr()
        try:
            main(["--config", str(project.config), *args])
        except SystemExit as exc:
            code = exc.code if isinstance(exc.code, int) else 1
        else:  # pragma: no cover - main always exits
            code = 0
        captured = capsys.readouterr()
        assert "Traceback" not in captured.err
        return Run(code, captured.out, captured.err)

    return run


@pytest.fixture(params=["direct", "proxied"])
def each_transport(request: pytest.FixtureRequest, monkeypatch: pytest.MonkeyPatch) -> str:
    """The test once over each transport of graf.grafana.transport. A proxy in the environment selects the
    proxied one; here it is chosen outright, so it talks to the test server with no proxy in between."""
    if request.param == "proxied":
        from graf.grafana import client, transport

        monkeypatch.setattr(client, "transport_for",
                            lambda url, *, verify=True: transport.Proxied(url, verify=verify))
    return str(request.param)
