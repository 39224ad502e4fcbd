"""The monitoring server's own rules against a real Prometheus scraping real /metrics captures.

The scrape jobs are the ones graf's stack renders for the monitoring server (prometheus.yml:
`<server host>/<job>`, labels `job`, environment and host = the server's host), with each target
swapped for a local server answering the capture of that component (reference/exposition/:
Prometheus 2.42, Loki 3.7.6, Tempo 2.10.8, node_exporter 1.5). Grafana has no capture: its job
is left out, so the rules must work with a component missing.
"""

from __future__ import annotations

import contextlib
from collections.abc import Iterator
from typing import Any

import pytest
import yaml

from graf.alerts import monitoring
from graf.config import Project
from graf.context import RenderContext
from graf.stack.sizing import MIB, PROFILES
from tests.alerts.conftest import rules
from tests.alerts.evaluate import firing, query
from tests.check.stack_captures import serve_captures, stack_jobs
from tests.processes import Prometheus, prometheus

pytestmark = pytest.mark.prometheus


def stack_scrape_config(project: Project, targets: dict[str, str]) -> str:
    config = {"global": {"scrape_interval": "1s", "scrape_timeout": "1s", "evaluation_interval": "1s"},
              "scrape_configs": stack_jobs(project, targets)}
    return yaml.safe_dump(config, sort_keys=False)


@pytest.fixture(scope="module")
def stack_prometheus(example: Project, tmp_path_factory: pytest.TempPathFactory) -> Iterator[Prometheus]:
    with contextlib.ExitStack() as stack:
        targets = stack.enter_context(serve_captures(example))
        prom = stack.enter_context(prometheus(stack_scrape_config(example, targets),
                                              tmp_path_factory.mktemp("prometheus")))
        # increase() and predict_linear() need two samples of every target.
        prom.wait_for('min(count_over_time(up{environment="monitoring"}[1m])) >= 3')
        yield prom


def _names(project: Project) -> list[str]:
    return [s.name for s in monitoring.specs(RenderContext(project, project.environment("dev")))]


def _answer(prom: Prometheus, expr: str) -> list[dict[str, Any]]:
    result = prom.query(expr)
    assert result["status"] == "success", f"{expr}\n-> {result.get('error')}"
    return list(result["data"]["result"])


def test_rules_render_once_per_grafana_with_the_server_label(example: Project) -> None:
    dev, prod = rules(example, "dev"), rules(example, "prod")
    mine = set(_names(example))
    assert mine <= set(dev) and not mine & set(prod)  # dev and prod share one Grafana: rendered once
    for name in mine:
        assert dev[name]["labels"][example.labels.environment] == example.stack.server_host
        assert f'{example.labels.environment}="{example.stack.server_host}"' in query(dev[name])


def test_every_rule_returns_data_from_the_real_captures(example: Project, stack_prometheus: Prometheus) -> None:
    """Series for each rule; none fires on the healthy captures except the heartbeat and those named."""
    # Loki's capture holds 2 lines refused as too old; Tempo's 1000 spans refused by its rate limit,
    # both before the first scrape here, so the increase over the window is 0 (the captures are static).
    expected_firing = {"stack_heartbeat"}
    rendered = rules(example, "dev")
    fired = set()
    for name in _names(example):
        result = _answer(stack_prometheus, query(rendered[name]))
        assert result, f"{name}: no series\n{query(rendered[name])}"
        if firing(rendered[name], result):
            fired.add(name)
    assert fired == expected_firing


def test_memory_rule_divides_each_component_by_its_own_limit(example: Project, stack_prometheus: Prometheus) -> None:
    rule = rules(example, "dev")["stack_memory_near_limit"]
    result = {s["metric"]["job"]: float(s["value"][1]) for s in _answer(stack_prometheus, query(rule))}
    assert set(result) == {"prometheus", "loki", "tempo"}  # no Grafana capture
    limits = PROFILES[example.stack.profile].limits_mib
    # process_resident_memory_bytes of each capture (README): Loki 1.50e8, Tempo 1.16e8, Prometheus 5.50e7
    for job, resident in (("loki", 1.50e8), ("tempo", 1.16e8), ("prometheus", 5.50e7)):
        assert result[job] == pytest.approx(resident / (limits[job] * MIB), rel=0.01)


def test_host_memory_threshold_comes_from_the_profile(example: Project) -> None:
    rule = rules(example, "dev")["stack_host_memory_low"]
    threshold = next(q for q in rule["data"] if q["refId"] == "C")["model"]["conditions"][0]["evaluator"]["params"][0]
    assert threshold == PROFILES[example.stack.profile].reserve_mib * MIB / 2
