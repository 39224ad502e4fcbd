"""`graf check` against a real Prometheus scraping real node_exporters and Spring Boot scrapes.

The scrape config is built from the example graf.yaml for `prod` (jobs, labels, servers, the
app's metrics path); each server's node_exporter is a real one, and its app is a small HTTP
server at the app's metrics path: prod-app-1 serves the real Spring Boot 3.5 WebFlux capture,
prod-app-2 a synthesized Spring MVC + Tomcat + HikariCP scrape whose counters grow.
"""

from __future__ import annotations

import contextlib
import threading
from collections.abc import Callable, Iterator
from http.server import BaseHTTPRequestHandler
from pathlib import Path

import pytest
import yaml

from graf._render import render
from graf.check import PanelQuery, PrometheusHTTP, QueryResult, check, panel_queries, variable_queries
from graf.cli import main
from graf.config import Environment, Project, load_project
from tests.check.spring_mvc import scrape
from tests.processes import Prometheus, node_exporter, prometheus
from tests.reference import reference_path
from tests.serve import serving

pytestmark = pytest.mark.prometheus

CAPTURE = "exposition/spring-boot-3.5-webflux-actuator-prometheus.txt"

# Panels that cannot have data in this setup, and why. Everything else of the node, JVM, latency
# and overview dashboards must return series.
NO_DATA_HERE: dict[tuple[str, str], str] = {}


@contextlib.contextmanager
def exposition_server(path: str, body: Callable[[int], str]) -> Iterator[str]:
    """Serve `body(n)` (n = 1, 2, ... per scrape) at `path` on a free 127.0.0.1 port; yields host:port."""
    scrapes = iter(range(1, 1_000_000))
    lock = threading.Lock()

    class Handler(BaseHTTPRequestHandler):
        def do_GET(self) -> None:
            if self.path.split("?")[0] != path:
                self.send_error(404)
                return
            with lock:
                n = next(scrapes)
            data = body(n).encode()
            self.send_response(200)
            self.send_header("Content-Type", "text/plain; version=0.0.4; charset=utf-8")
            self.send_header("Content-Length", str(len(data)))
            self.end_headers()
            self.wfile.write(data)

        def log_message(self, *args: object) -> None:
            pass

    with serving(Handler) as address:
        yield address


def scrape_config(project: Project, env: Environment, node_targets: dict[str, str],
                  app_targets: dict[tuple[str, str], str]) -> str:
    """prometheus.yml for one environment from graf.yaml, shaped like graf's stack writes it.

    One job per server and kind; the `job` label is the name from `jobs`, every target carries the
    environment label (its `label` value) and the host, app targets the application name. The real
    addresses are swapped for the local stand-ins (`node_targets[host]`, `app_targets[(host, app)]`).
    """
    lb, jobs = project.labels, project.jobs
    scrape_configs: list[dict[str, object]] = []
    for server in env.servers:
        labels = {lb.environment: env.label, lb.host: server.host}
        scrape_configs.append({"job_name": f"{env.name}/{jobs.node}/{server.host}", "static_configs": [
            {"targets": [node_targets[server.host]], "labels": {"job": jobs.node, **labels}}]})
        for name in server.apps:
            scrape_configs.append({
                "job_name": f"{env.name}/{jobs.app}/{server.host}/{name}",
                "metrics_path": project.apps[name].metrics_path,
                "static_configs": [{"targets": [app_targets[(server.host, name)]],
                                    "labels": {"job": jobs.app, **labels, lb.application: name}}],
            })
    config = {"global": {"scrape_interval": "1s", "scrape_timeout": "1s", "evaluation_interval": "1s"},
              "scrape_configs": scrape_configs}
    return yaml.safe_dump(config, sort_keys=False)


@pytest.fixture(scope="module")
def running(tmp_path_factory: pytest.TempPathFactory) -> Iterator[tuple[Project, Prometheus, list[QueryResult]]]:
    capture = reference_path(CAPTURE).read_text(encoding="utf-8")
    project = load_project(Path(__file__).resolve().parents[2] / "graf.yaml")
    env = project.environment("prod")
    assert [s.host for s in env.servers] == ["prod-app-1", "prod-app-2"]
    metrics_path = project.apps["shop-api"].metrics_path
    with contextlib.ExitStack() as stack:
        nodes = {s.host: stack.enter_context(node_exporter()) for s in env.servers}
        apps = {
            ("prod-app-1", "shop-api"): stack.enter_context(exposition_server(metrics_path, lambda n: capture)),
            ("prod-app-2", "shop-api"): stack.enter_context(exposition_server(metrics_path, scrape)),
        }
        workdir = tmp_path_factory.mktemp("prometheus")
        prom = stack.enter_context(prometheus(scrape_config(project, env, nodes, apps), workdir))
        prom.wait_for(f'count(up{{{project.labels.environment}="prod"}} == 1) == 4')
        prom.wait_for("sum(rate(http_server_requests_seconds_count[1m])) > 0")
        prom.wait_for("count(rate(node_cpu_seconds_total[1m]))")
        resources = render(project, env)
        results = check([*variable_queries(resources), *panel_queries(resources)], PrometheusHTTP(prom.url))
        yield project, prom, results


def _by_dashboard(results: list[QueryResult], name: str) -> list[QueryResult]:
    return [r for r in results if r.query.dashboard_uid == f"shop-prod-{name}"]


@pytest.mark.parametrize("name", ["node", "jvm", "latency", "overview"])
def test_every_panel_query_returns_data(running: tuple[Project, Prometheus, list[QueryResult]], name: str) -> None:
    _, _, results = running
    mine = _by_dashboard(results, name)
    assert len(mine) >= 10  # the dashboard's Prometheus queries were found
    dead = {(r.query.panel_title, r.query.ref_id): r.answer.error or "no series" for r in mine
            if r.status != "ok" and (name, r.query.panel_title) not in NO_DATA_HERE}
    assert dead == {}, "\n".join(f"{k}: {v}\n  {r.query.query}" for r in mine for k, v in dead.items()
                                 if (r.query.panel_title, r.query.ref_id) == k)


def test_every_variable_has_values(running: tuple[Project, Prometheus, list[QueryResult]]) -> None:
    _, _, results = running
    variables = [r for r in results if r.query.panel_title.startswith("variable $")]
    assert len(variables) == 11  # environment, application, instance on app dashboards; environment, instance on node
    assert {r.query.panel_title: r.status for r in variables if r.status != "ok"} == {}


def test_queries_were_filtered_by_environment(running: tuple[Project, Prometheus, list[QueryResult]]) -> None:
    _, _, results = running
    panels = [r for r in results if not r.query.panel_title.startswith("variable $")]
    assert all('environment="prod"' in r.query.query for r in panels)
    assert not any("$" in r.query.query for r in results), "a variable was left unsubstituted"


def test_both_app_targets_feed_the_jvm_dashboard(running: tuple[Project, Prometheus, list[QueryResult]]) -> None:
    """The WebFlux capture carries no `application` tag; the scrape's target label gives it one."""
    _, prom, _ = running
    series = prom.query('jvm_threads_live_threads{environment="prod", job="spring-boot", application="shop-api"}')
    hosts = sorted(s["metric"]["host"] for s in series["data"]["result"])
    assert hosts == ["prod-app-1", "prod-app-2"]


def test_check_reports_dead_and_broken_queries(running: tuple[Project, Prometheus, list[QueryResult]]) -> None:
    _, prom, _ = running

    def query(expr: str) -> PanelQuery:
        return PanelQuery("d", "D", "p", 1, "A", expr, expr, instant=False)

    results = check([query("up"), query("jvm_memory_usedd_bytes"), query("sum(rate(up[1m])")], PrometheusHTTP(prom.url))
    assert [r.status for r in results] == ["ok", "empty", "error"]
    assert "parse error" in results[2].answer.error


def test_cli_exits_0_when_every_panel_has_data_and_1_listing_dead_ones(
        running: tuple[Project, Prometheus, list[QueryResult]], capsys: pytest.CaptureFixture[str]) -> None:
    project, prom, results = running
    config = str(project.path)
    with pytest.raises(SystemExit) as exit_prod:
        main(["--config", config, "check", "--env", "prod", "--prometheus", prom.url])
    prod = capsys.readouterr()
    assert exit_prod.value.code == 0, prod.out
    assert prod.out == ""  # nothing dead to list
    # logs has only Loki queries: four dashboards with Prometheus queries
    assert f"prod: {len(results)} queries in 4 dashboards against {prom.url}" in prod.err

    # dev has no targets in this Prometheus: every panel is dead, each one listed with its query.
    with pytest.raises(SystemExit) as exit_dev:
        main(["--config", config, "check", "--env", "dev", "--prometheus", prom.url])
    dev = capsys.readouterr()
    assert exit_dev.value.code == 1
    assert "EMPTY  JVM · dev › Heap used [A]: no series" in dev.out
    assert 'jvm_memory_used_bytes{environment="dev", job="spring-boot"' in dev.out
    assert "EMPTY  JVM · dev › variable $application [query]: no series" in dev.out
    # with data: "Targets down" (count(...) or vector(0)), and the environment variables (prod exists)
    assert f"5 with data, {len(results) - 5} empty, 0 errors" in dev.err
