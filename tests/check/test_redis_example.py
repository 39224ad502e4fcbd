"""The Redis team dashboard in examples/redis: its graf.yaml snippet renders a `redis` scrape job with the
environment label, promtool accepts the config, graf validate finds nothing, and a real Prometheus scraping
a redis_exporter stand-in through the rendered job gives every panel and variable data (what graf check asks)."""

from __future__ import annotations

import contextlib
import dataclasses
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
import yaml

from graf._render import render
from graf.check import PrometheusHTTP, QueryResult, check, panel_queries, scrape_queries, variable_queries
from graf.config import Project, ScrapeTarget, load_project
from graf.stack.server import render_server
from tests.check.redis_exporter import scrape
from tests.check.test_check_prometheus import exposition_server
from tests.conftest import EXAMPLE, ROOT
from tests.processes import prometheus, promtool

pytestmark = pytest.mark.prometheus
UID = "shop-prod-redis"


def redis_project(root: Path) -> Project:
    """The example graf.yaml with examples/redis/graf.yaml merged in (its prod server gains the scrape target)."""
    config: dict[str, Any] = yaml.safe_load(EXAMPLE.read_text(encoding="utf-8"))
    snippet = yaml.safe_load((ROOT / "examples/redis/graf.yaml").read_text(encoding="utf-8"))
    config["dashboards"]["modules"] = [str(ROOT / m) for m in snippet["dashboards"]["modules"]]
    [server] = snippet["environments"]["prod"]["servers"]
    prod = config["environments"]["prod"]["servers"]
    prod[[s["host"] for s in prod].index(server["host"])] = server
    path = root / "graf.yaml"
    path.write_text(yaml.safe_dump(config), encoding="utf-8")
    return load_project(path)


def _redis_job(project: Project) -> dict[str, Any]:
    config = yaml.safe_load(render_server(project).files["prometheus/prometheus.yml"])
    return next(job for job in config["scrape_configs"] if job["job_name"] == "prod/redis/prod-app-1")


def test_the_snippet_renders_a_labelled_job_promtool_accepts(tmp_path: Path) -> None:
    project = redis_project(tmp_path)
    job = _redis_job(project)
    assert job["metrics_path"] == "/metrics" and job["scheme"] == "http"
    assert job["static_configs"] == [{"targets": ["10.0.2.11:9121"],
                                      "labels": {"job": "redis", "environment": "prod", "host": "prod-app-1"}}]
    path = tmp_path / "prometheus.yml"
    path.write_text(render_server(project).files["prometheus/prometheus.yml"], encoding="utf-8")
    result = promtool("check", "config", str(path))
    assert result.returncode == 0, result.stdout + result.stderr


def test_the_dashboard_validates_clean(tmp_path: Path) -> None:
    from graf._api import validate

    project = redis_project(tmp_path)
    assert [f.one_line() for f in validate(project, envs=["prod", "dev"])] == []
    assert {r.uid for r in render(project, project.environment("dev")) if r.kind == "dashboard"} >= {"shop-dev-redis"}


@pytest.fixture(scope="module")
def checked(tmp_path_factory: pytest.TempPathFactory) -> Iterator[list[QueryResult]]:
    root = tmp_path_factory.mktemp("redis")
    project = redis_project(root)
    job = _redis_job(project)
    with contextlib.ExitStack() as stack:
        address = stack.enter_context(exposition_server(job["metrics_path"], scrape))
        job["static_configs"][0]["targets"] = [address]  # the real address swapped for the local stand-in
        config = {"global": {"scrape_interval": "1s", "scrape_timeout": "1s", "evaluation_interval": "1s"},
                  "scrape_configs": [job]}
        prom = stack.enter_context(prometheus(yaml.safe_dump(config), root))
        prom.wait_for('count(redis_up{environment="prod", job="redis"} == 1) == 1')
        prom.wait_for('sum(rate(redis_commands_processed_total{environment="prod"}[1m])) > 0')
        prod = project.environment("prod")
        resources = [r for r in render(project, prod) if r.uid == UID]
        # graf check's queries: the dashboard's, and its "Scrape targets" check that the exporter is up
        yield check([*variable_queries(resources), *panel_queries(resources), *scrape_queries(project.labels, prod)],
                    PrometheusHTTP(prom.url)), PrometheusHTTP(prom.url), project


def test_every_panel_and_variable_gets_data(checked: tuple[list[QueryResult], PrometheusHTTP, Project]) -> None:
    results, _, _ = checked
    assert len(results) >= 15  # 2 variables, the panels' queries and the scrape target were found
    assert {(r.query.panel_title, r.query.ref_id): r.answer.error or "no series" for r in results
            if r.status != "ok"} == {}
    assert [r.query.panel_title for r in results if r.query.dashboard_title == "Scrape targets"] == [
        "redis on prod-app-1"]


def test_an_exporter_prometheus_does_not_scrape_is_reported(
        checked: tuple[list[QueryResult], PrometheusHTTP, Project]) -> None:
    _, prometheus_http, project = checked
    dev = project.environment("dev")
    server = dataclasses.replace(dev.servers[0], scrape=(ScrapeTarget("redis", 9121),))
    dev = dataclasses.replace(dev, servers=(server, *dev.servers[1:]))
    [result] = check(scrape_queries(project.labels, dev), prometheus_http)
    assert result.status == "empty" and result.query.panel_title == f"redis on {server.host}"
