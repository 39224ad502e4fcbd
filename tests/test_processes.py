"""The real-process fixtures themselves: a real Prometheus scraping a real node_exporter."""

from __future__ import annotations

from pathlib import Path

import pytest

from tests.processes import node_exporter, prometheus

pytestmark = pytest.mark.prometheus


def test_prometheus_scrapes_node_exporter_with_labels(tmp_path: Path) -> None:
    with node_exporter() as target:
        config = f"""
global: {{scrape_interval: 1s}}
scrape_configs:
  - job_name: node
    static_configs:
      - targets: ["{target}"]
        labels: {{environment: prod}}
"""
        with prometheus(config, tmp_path) as prom:
            series = prom.wait_for('up{job="node",environment="prod"} == 1')
    assert series[0]["metric"]["instance"] == target
    assert series[0]["value"][1] == "1"
