from __future__ import annotations

import pytest
from hypothesis import given
from hypothesis import strategies as st

from graf.units import parse_duration, prom_duration


@pytest.mark.parametrize(("given_", "grafana_returns"), [
    ("300s", "5m"), ("90m", "1h30m"), ("24h", "1d"), ("14d", "2w"), ("10d", "10d"), ("365d", "1y"),
    ("0s", "0s"), ("1500ms", "1s500ms"), ("2m", "2m"),
])
def test_durations_are_rendered_the_way_grafana_reads_them_back(given_, grafana_returns):
    assert prom_duration(given_) == grafana_returns


@given(st.integers(min_value=0, max_value=10**10))
def test_prom_duration_keeps_the_length_and_is_idempotent(ms):
    text = prom_duration(f"{ms}ms")
    assert round(parse_duration(text) * 1000) == ms
    assert prom_duration(text) == text
