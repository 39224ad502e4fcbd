"""Reads sent while the code renders (graf.grafana.live.EarlyReads): the same plan from the same requests as
the plain order (render, then read), never more than --concurrency requests in flight, errors as before."""

from __future__ import annotations

import threading
import time
from collections import Counter
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import pytest

from graf.grafana import transport
from graf.grafana.plan import Plan
from graf.project import load_project
from graf.target import Target
from tests.grafana.conftest import Project
from tests.grafana_server import GrafanaServer


def _project(tmp_path: Path, count: int) -> Project:
    project = Project(tmp_path)
    project.write_config()
    for i in range(count):
        project.add(f"shop-prod-d{i:02d}", f"Board {i:02d}", expr=f"up{{i='{i}'}}")
    return project


def _target(project: Project, server: GrafanaServer, concurrency: int = 16) -> Target:
    loaded = load_project(project.config)
    return Target(loaded, loaded.environment("prod"), url=server.url, concurrency=concurrency)


def _described(plan: Plan) -> list[tuple[str, str, str, str]]:
    return [(c.kind, c.uid, c.action, c.reason) for c in plan.changes]


@pytest.fixture
def token(monkeypatch: pytest.MonkeyPatch) -> Iterator[None]:
    from tests.grafana_server import ADMIN_TOKEN

    monkeypatch.setenv("GRAFANA_TOKEN", ADMIN_TOKEN)
    yield


@pytest.mark.usefixtures("token")
@pytest.mark.parametrize("version", ["11.6.0", "13.1.0"])
@pytest.mark.parametrize("options", [{}, {"prune": True}, {"only": ("dashboard",)}, {"orphans": True}])
def test_the_same_plan_from_the_same_requests_as_render_then_read(tmp_path: Path, version: str,
                                                                   options: dict[str, Any]) -> None:
    project = _project(tmp_path, 12)
    with GrafanaServer(version=version) as server:
        with _target(project, server) as first:
            first.sync()
        project.add("shop-prod-d03", "Board 03 changed")  # an update
        project.remove("shop-prod-d05")  # an orphan, or a delete with --prune
        project.add("shop-prod-new", "New")  # a create
        plans, requests = [], []
        for early in (True, False):
            server.reset_counts()
            with _target(project, server) as target:
                if not early:
                    target.desired()  # rendered before the plan: nothing to overlap, the plain order
                plans.append(_described(target.plan(**options)))
            requests.append(Counter({(m, p): n for (m, p), n in server.requests.items()}))
    assert plans[0] == plans[1]
    assert requests[0] == requests[1]
    assert {a for _, _, a, _ in plans[0]} >= {"create", "update", "unchanged"}


@pytest.mark.usefixtures("token")
def test_reads_are_answered_while_the_code_still_renders(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    import graf._render

    project = _project(tmp_path, 6)
    answered_during_render: list[int] = []
    read_json = graf._render._read_json

    def slow_read(path: Path) -> Any:
        time.sleep(0.1)  # a slow dashboard to render
        return read_json(path)

    with GrafanaServer() as server:
        with _target(project, server) as first:
            first.sync()
        server.reset_counts()
        monkeypatch.setattr(graf._render, "_read_json", slow_read)
        render = Target._render

        def timed(self: Target, seen: Callable[..., None] | None = None) -> Any:
            out = render(self, seen)
            answered_during_render.append(server.count("GET", "/api/dashboards/uid/"))
            return out

        monkeypatch.setattr(Target, "_render", timed)
        with _target(project, server) as target:
            plan = target.plan()
        assert plan.counts() == Counter({"unchanged": 10})  # the folder, 3 datasources, 6 dashboards
        assert server.count("GET", "/api/dashboards/uid/") == 6  # each read once
    assert answered_during_render[0] >= 4  # most dashboards were read before the last one rendered


@pytest.mark.usefixtures("token")
def test_never_more_requests_in_flight_than_the_concurrency(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    project = _project(tmp_path, 30)
    in_flight, peak = 0, 0
    lock = threading.Lock()
    send = transport.Direct.send

    def counted(self: transport.Direct, *args: Any, **kwargs: Any) -> transport.Raw:
        nonlocal in_flight, peak
        with lock:
            in_flight += 1
            peak = max(peak, in_flight)
        try:
            return send(self, *args, **kwargs)
        finally:
            with lock:
                in_flight -= 1

    with GrafanaServer(latency=0.02) as server:
        with _target(project, server, concurrency=4) as first:
            first.sync()
        monkeypatch.setattr(transport.Direct, "send", counted)
        with _target(project, server, concurrency=4) as target:
            target.plan(prune=True)  # early reads, then the listing and what it found, in one pool
    assert 2 <= peak <= 4


def test_a_render_error_is_reported_as_before_and_nothing_is_written(graf: Callable[..., Any], project: Project,
                                                                     grafana: GrafanaServer) -> None:
    (project.root / "dashboards" / "zz-broken.json").write_text("{not json", encoding="utf-8")
    run = graf("sync", "--env", "prod")
    assert run.code == 1
    assert "zz-broken.json" in run.err and len(run.err.strip().splitlines()) == 1
    assert sum(grafana.writes().values()) == 0


@pytest.mark.usefixtures("token")
@pytest.mark.parametrize("fails", [False, True])
def test_threads_switch_often_while_reads_wait_on_rendering_and_as_before_afterwards(
        tmp_path: Path, monkeypatch: pytest.MonkeyPatch, fails: bool) -> None:
    import sys

    from graf.grafana.live import SWITCH_INTERVAL

    project = _project(tmp_path, 3)
    during: list[float] = []
    render = Target._render

    def watched(self: Target, seen: Callable[..., None] | None = None) -> Any:
        during.append(sys.getswitchinterval())
        if fails:
            raise RuntimeError("rendering failed")
        return render(self, seen)

    before = sys.getswitchinterval()
    with GrafanaServer() as server:
        monkeypatch.setattr(Target, "_render", watched)
        with _target(project, server) as target:
            if fails:
                with pytest.raises(RuntimeError):
                    target.plan()
            else:
                target.plan()
    assert during == [pytest.approx(SWITCH_INTERVAL)] and before > SWITCH_INTERVAL
    assert sys.getswitchinterval() == before
