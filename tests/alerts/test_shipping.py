"""The log shippers' rules against a real Prometheus scraping Alloy-shaped /metrics through graf's own job.

No Alloy runs here: each app server's Alloy is a local server answering the `loki.write` client
metrics as Alloy defines them (grafana/alloy internal/component/common/loki/client/metrics.go:
`loki_write_sent_entries_total{host, tenant}`, `loki_write_dropped_entries_total{host, tenant,
reason}`, `host` being the Loki endpoint's). The scrape jobs are the `alloy` jobs of graf's rendered
prometheus.yml for prod, targets swapped for the stand-ins.
"""

from __future__ import annotations

import contextlib
from collections.abc import Iterator
from typing import Any

import pytest
import yaml

from graf.config import Project
from graf.stack.alloy import ALLOY_JOB
from graf.stack.prometheus import prometheus_config
from graf.stack.sizing import PROFILES
from tests.alerts.conftest import rules
from tests.alerts.evaluate import firing, query
from tests.check.exposition import exposition_server
from tests.processes import Prometheus, prometheus

pytestmark = pytest.mark.prometheus

LOKI_HOST = "10.0.0.10:3100"
REASONS = ("ingester_error", "rate_limited", "stream_limited", "line_too_long")


def alloy_metrics(n: int, *, shipping: bool) -> str:
    """Scrape n of an Alloy that ships (sent grows) or one whose pushes Loki refuses (dropped grows)."""
    sent = 40 * n if shipping else 0
    lines = ["# HELP loki_write_sent_entries_total Number of log entries sent to the ingester.",
             "# TYPE loki_write_sent_entries_total counter",
             f'loki_write_sent_entries_total{{host="{LOKI_HOST}",tenant=""}} {sent}',
             "# HELP loki_write_dropped_entries_total Number of log entries dropped because failed to be sent "
             "to the ingester after all retries.",
             "# TYPE loki_write_dropped_entries_total counter"]
    for reason in REASONS:
        dropped = 25 * n if not shipping and reason == "rate_limited" else 0
        lines.append(f'loki_write_dropped_entries_total{{host="{LOKI_HOST}",reason="{reason}",tenant=""}} {dropped}')
    return "\n".join(lines) + "\n"


def alloy_jobs(project: Project, targets: dict[str, str]) -> list[dict[str, Any]]:
    config = prometheus_config(project, PROFILES[project.stack.profile], [project.environment("prod")])
    jobs = [j for j in config["scrape_configs"] if j["static_configs"][0]["labels"]["job"] == ALLOY_JOB]
    assert [j["static_configs"][0]["labels"][project.labels.host] for j in jobs] == list(targets)
    return [{**j, "static_configs": [{**j["static_configs"][0],
                                       "targets": [targets[j["static_configs"][0]["labels"][project.labels.host]]]}]}
            for j in jobs]


@pytest.fixture(scope="module")
def shippers(example: Project, tmp_path_factory: pytest.TempPathFactory) -> Iterator[Prometheus]:
    with contextlib.ExitStack() as stack:
        targets = {host: stack.enter_context(exposition_server("/metrics",
                                                               lambda n, s=ships: alloy_metrics(n, shipping=s)))
                   for host, ships in (("prod-app-1", True), ("prod-app-2", False))}
        config = {"global": {"scrape_interval": "1s", "scrape_timeout": "1s"},
                  "scrape_configs": alloy_jobs(example, targets)}
        prom = stack.enter_context(prometheus(yaml.safe_dump(config), tmp_path_factory.mktemp("prometheus")))
        prom.wait_for('min(count_over_time(up{job="alloy"}[1m])) >= 3')
        yield prom


def _series(prom: Prometheus, expr: str) -> list[dict[str, Any]]:
    answer = prom.query(expr)
    assert answer["status"] == "success", f"{expr}\n-> {answer.get('error')}"
    return list(answer["data"]["result"])


def _firing_hosts(rule: dict[str, Any], result: list[dict[str, Any]]) -> set[str]:
    return {dict(labels)["host"] for labels in firing(rule, result)}


def test_the_target_host_wins_over_alloy_s_loki_host(shippers: Prometheus) -> None:
    series = _series(shippers, 'loki_write_sent_entries_total{environment="prod", job="alloy"}')
    assert sorted(s["metric"]["host"] for s in series) == ["prod-app-1", "prod-app-2"]
    assert {s["metric"]["exported_host"] for s in series} == {LOKI_HOST}


def test_each_rule_returns_data_and_fires_for_the_server_that_stopped_shipping(
        example: Project, shippers: Prometheus) -> None:
    prod = rules(example, "prod")
    expected = {"log_shipper_down": set(), "log_shipper_dropping": {"prod-app-2"},
                "log_shipper_stalled": {"prod-app-2"}}
    for name, hosts in expected.items():
        result = _series(shippers, query(prod[name]))
        assert result, f"{name}: no series\n{query(prod[name])}"
        assert _firing_hosts(prod[name], result) == hosts, name
    dropping = firing(prod["log_shipper_dropping"], _series(shippers, query(prod["log_shipper_dropping"])))
    assert {dict(labels)["reason"] for labels in dropping} == {"rate_limited"}


def test_dev_rules_do_not_see_prod_shippers(example: Project, shippers: Prometheus) -> None:
    dev = rules(example, "dev")
    for name in ("log_shipper_down", "log_shipper_dropping", "log_shipper_stalled"):
        assert _series(shippers, query(dev[name])) == []
