"""Every rule's PromQL against a real Prometheus scraping a real node_exporter and the app's metrics."""

from __future__ import annotations

import time
from collections.abc import Iterator
from contextlib import ExitStack

import pytest

from graf.config import Project
from tests.alerts.conftest import rules
from tests.alerts.evaluate import firing, query
from tests.alerts.fake_app import EXPECTED_5XX_RATIO, EXPECTED_P99, fake_app
from tests.processes import Prometheus, node_exporter, prometheus

pytestmark = pytest.mark.prometheus


def scrape_config(project: Project, env: str, node: str, app: str | None = None) -> str:
    labels = project.labels
    label = project.environment(env).label
    jobs = [f"""
  - job_name: {project.jobs.node}
    static_configs:
      - targets: ["{node}"]
        labels: {{{labels.environment}: {label}}}"""]
    if app is not None:
        jobs.append(f"""
  - job_name: {project.jobs.app}
    metrics_path: /prometheus-provider
    static_configs:
      - targets: ["{app}"]
        labels: {{{labels.environment}: {label}, {labels.application}: shop-api}}""")
    return "global: {scrape_interval: 1s, evaluation_interval: 1s}\nscrape_configs:" + "".join(jobs) + "\n"


def answer(prom: Prometheus, expr: str) -> list[dict]:
    result = prom.query(expr)
    assert result["status"] == "success", f"{expr}\n-> {result.get('error')}"
    assert not result.get("warnings"), result["warnings"]
    return list(result["data"]["result"])


@pytest.fixture(scope="module")
def prod_prometheus(example: Project, tmp_path_factory: pytest.TempPathFactory) -> Iterator[Prometheus]:
    with ExitStack() as stack:
        node = stack.enter_context(node_exporter())
        app = stack.enter_context(fake_app())
        prom = stack.enter_context(prometheus(scrape_config(example, "prod", node, app),
                                              tmp_path_factory.mktemp("prometheus")))
        # Rates need two samples of every target.
        prom.wait_for(f'rate(node_cpu_seconds_total{{job="{example.jobs.node}"}}[1m])')
        prom.wait_for(f'rate(http_server_requests_seconds_count{{job="{example.jobs.app}"}}[1m])')
        yield prom


@pytest.mark.parametrize("env", ["dev", "prod"])
def test_every_rule_query_evaluates_without_error(example, prod_prometheus, env):
    checked = 0
    for name, rule in rules(example, env).items():
        if name != "log_errors":
            result = answer(prod_prometheus, query(rule))
            checked += 1
            if env == "dev":
                assert result == [], f"{name}: dev rule sees prod series"
    assert checked == len(rules(example, env)) - 1


def values(prom: Prometheus, rule: dict) -> list[float]:
    return [float(series["value"][1]) for series in answer(prom, query(rule))]


def test_with_real_data_each_rule_measures_what_its_name_says(example, prod_prometheus):
    prod = rules(example, "prod")
    # Two targets up: nothing down.
    assert sorted(values(prod_prometheus, prod["instance_down"])) == [1.0, 1.0]
    assert firing(prod["instance_down"], answer(prod_prometheus, query(prod["instance_down"]))) == {}
    # The capture's heap: used / max of the pools with a limit (G1 Old Gen), the -1 pools ignored.
    (heap,) = values(prod_prometheus, prod["jvm_heap_used"])
    assert 0 < heap < 0.01
    # GC counters do not move between scrapes of a capture: no time paused.
    assert values(prod_prometheus, prod["jvm_gc_pause_share"]) == [0.0]
    (cpu,) = values(prod_prometheus, prod["host_cpu_busy"])
    assert 0 <= cpu <= 1
    (memory,) = values(prod_prometheus, prod["host_memory_low"])
    assert 0 < memory < 1
    disk = values(prod_prometheus, prod["host_disk_almost_full"])
    assert disk and all(0 <= v <= 1 for v in disk)
    answer(prod_prometheus, query(prod["host_disk_full_soon"]))


def test_http_rules_see_the_5xx_ratio_and_p99_and_fire_per_environment_threshold(example, prod_prometheus):
    dev, prod = rules(example, "dev"), rules(example, "prod")
    result = answer(prod_prometheus, query(prod["http_5xx_ratio"]))
    assert len(result) == 1 and result[0]["metric"] == {"application": "shop-api",
                                                        "instance": result[0]["metric"]["instance"]}
    # The failing scrapes of /prometheus-provider are left out: 5%, not 52%.
    assert float(result[0]["value"][1]) == pytest.approx(EXPECTED_5XX_RATIO, abs=0.002)
    assert len(firing(prod["http_5xx_ratio"], result)) == 1  # prod: above 2%
    assert firing(dev["http_5xx_ratio"], result) == {}  # dev: not above 10%
    (p99,) = values(prod_prometheus, prod["http_p99_latency"])
    assert p99 == pytest.approx(EXPECTED_P99, abs=0.01)
    assert firing(prod["http_p99_latency"], answer(prod_prometheus, query(prod["http_p99_latency"]))) == {}


def test_instance_down_fires_for_a_stopped_target(example, tmp_path):
    rule = rules(example, "prod")["instance_down"]
    with ExitStack() as stack:
        exporter = node_exporter()
        node = stack.enter_context(exporter)
        prom = stack.enter_context(prometheus(scrape_config(example, "prod", node), tmp_path))
        prom.wait_for(f'up{{instance="{node}"}} == 1')
        assert firing(rule, answer(prom, query(rule))) == {}
        # Stop node_exporter while Prometheus keeps scraping its address (the stack's exit is then a no-op).
        exporter.__exit__(None, None, None)
        deadline = time.monotonic() + 30
        fired: dict = {}
        while not fired and time.monotonic() < deadline:
            fired = firing(rule, answer(prom, query(rule)))
            time.sleep(0.5)
    assert len(fired) == 1, "the rule did not fire within 30 s of stopping node_exporter"
    ((labels, value),) = fired.items()
    assert dict(labels)["instance"] == node and dict(labels)["job"] == example.jobs.node and value == 0
