"""Profiles: limits sum within the budget, GOMEMLIMIT below each limit, Loki's memory bounded, retention math."""

from __future__ import annotations

from dataclasses import replace

import pytest

from graf.config import DAY, Retention, Stack, Volume
from graf.stack.sizing import GOMEMLIMIT_SERVICES, PROFILES, effective_retention, prometheus_size


@pytest.mark.parametrize("name", sorted(PROFILES))
def test_limits_sum_within_budget(name: str) -> None:
    profile = PROFILES[name]
    assert profile.total_mib <= profile.budget_mib
    assert profile.budget_mib + profile.reserve_mib == profile.host_mib
    assert set(profile.limits_mib) == {"prometheus", "loki", "tempo", "grafana", "node_exporter"}


def test_small_fits_a_2_gib_instance_with_room_for_the_os() -> None:
    small = PROFILES["small"]
    assert small.host_mib == 2048
    assert 2048 - small.total_mib >= 300  # the stack research's 7.1: ~300M for OS + dockerd + page cache


@pytest.mark.parametrize("name", sorted(PROFILES))
def test_gomemlimit_below_limit_for_go_services_that_do_not_set_it(name: str) -> None:
    profile = PROFILES[name]
    for service in GOMEMLIMIT_SERVICES:
        soft = profile.gomemlimit(service)
        assert soft is not None and soft.endswith("MiB")
        assert int(soft[:-3]) < profile.limits_mib[service]
    assert profile.gomemlimit("prometheus") is None  # Prometheus 3 derives it from the cgroup itself


@pytest.mark.parametrize("name", sorted(PROFILES))
def test_loki_caches_and_replay_fit_its_limit(name: str) -> None:
    profile = PROFILES[name]
    loki = profile.limits_mib["loki"]
    assert profile.loki_replay_ceiling_mb < loki  # the 4GB default would crash-loop
    assert profile.loki_cache_total_mb <= loki // 4


def _stack(**retention: object) -> Stack:
    return Stack(retention=Retention(**retention), volume=Volume(logs_per_day=1024**3, traces_per_day=480 * 1024**2))


def test_time_alone_when_no_size_cap() -> None:
    r = effective_retention(_stack(logs=7 * DAY, traces=3 * DAY))
    assert (r.logs_seconds, r.traces_seconds, r.logs_capped, r.traces_capped) == (7 * DAY, 3 * DAY, False, False)


def test_size_cap_shortens_log_and_trace_retention() -> None:
    # 1 GiB/day of raw logs is ~256 MiB/day on disk (4x): 1 GiB holds 4 days. 1 GiB of traces at 480 MiB/day: 51.2h.
    r = effective_retention(_stack(logs=30 * DAY, logs_size=1024**3, traces=7 * DAY, traces_size=1024**3))
    assert r.logs_seconds == 4 * DAY and r.logs_capped
    assert r.traces_seconds == 51 * 3600 and r.traces_capped


def test_size_cap_larger_than_time_changes_nothing() -> None:
    r = effective_retention(_stack(logs=7 * DAY, logs_size=100 * 1024**3))
    assert r.logs_seconds == 7 * DAY and not r.logs_capped


def test_metrics_keep_both_caps() -> None:
    r = effective_retention(replace(_stack(metrics=10 * DAY, metrics_size=5 * 1024**3)))
    assert (r.metrics_seconds, prometheus_size(r.metrics_bytes)) == (10 * DAY, "5GB")


@pytest.mark.parametrize(("size", "text"), [(2 * 1024**3, "2GB"), (1536 * 1024**2, "1536MB"), (1000, "1000B")])
def test_prometheus_size(size: int, text: str) -> None:
    assert prometheus_size(size) == text
