"""Memory and retention for each size profile of the monitoring server.

The memory limits are the stack research's budget table (section 7.1): small is its 2 GiB
column, medium its 4 GiB column; large doubles the 4 GiB column for an 8 GiB host (an
extrapolation, not a measurement). Each limit carries 1.5-2x headroom over the peaks measured
there. Go services that do not size their heap from the cgroup limit themselves (Loki 3.4,
Tempo 2.7, Grafana, node_exporter) get GOMEMLIMIT at 80% of their limit; Prometheus 3 and Alloy
set it on their own.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass

from graf.config import DAY, Stack

MIB = 1024**2
GOMEMLIMIT_RATIO = 0.8
GOMEMLIMIT_SERVICES = ("loki", "tempo", "grafana", "node_exporter")
# Loki's chunks on disk, per raw byte shipped: 3.6-6.5x measured (stack research 1.3); 4 errs on the safe side.
LOKI_COMPRESSION = 4


@dataclass(frozen=True)
class Profile:
    name: str
    host_mib: int  # the instance's memory
    reserve_mib: int  # left to the OS, dockerd, containerd and the page cache
    limits_mib: Mapping[str, int]
    loki_chunk_cache_mb: int
    loki_results_cache_mb: int
    loki_small_cache_mb: int  # each of the 5 caches Loki would otherwise copy from the results cache
    loki_max_concurrent: int
    loki_query_parallelism: int
    loki_max_streams: int
    loki_ingestion_mb: int
    prometheus_query_concurrency: int
    prometheus_max_samples: int
    prometheus_max_exemplars: int
    sample_limit: int  # per scrape target: one runaway app cannot exhaust Prometheus
    tempo_max_block_mb: int
    tempo_max_live_traces: int
    tempo_rate_limit_mb: int
    tempo_max_active_series: int
    tempo_search_jobs: int
    tempo_querier_concurrency: int

    @property
    def budget_mib(self) -> int:
        return self.host_mib - self.reserve_mib

    @property
    def total_mib(self) -> int:
        return sum(self.limits_mib.values())

    def limit(self, service: str) -> str:
        return f"{self.limits_mib[service]}M"

    def gomemlimit(self, service: str) -> str | None:
        if service not in GOMEMLIMIT_SERVICES:
            return None
        return f"{int(self.limits_mib[service] * GOMEMLIMIT_RATIO)}MiB"

    @property
    def loki_replay_ceiling_mb(self) -> int:
        """WAL replay ceiling at 60% of Loki's limit: the 4GB default crash-loops a small box after an OOM."""
        return int(self.limits_mib["loki"] * 0.6)

    @property
    def loki_cache_total_mb(self) -> int:
        return self.loki_chunk_cache_mb + self.loki_results_cache_mb + 5 * self.loki_small_cache_mb


PROFILES: dict[str, Profile] = {
    "small": Profile(
        name="small", host_mib=2048, reserve_mib=300,
        limits_mib={"prometheus": 384, "loki": 512, "tempo": 384, "grafana": 256, "node_exporter": 32},
        loki_chunk_cache_mb=48, loki_results_cache_mb=32, loki_small_cache_mb=8, loki_max_concurrent=2,
        loki_query_parallelism=4, loki_max_streams=1000, loki_ingestion_mb=2,
        prometheus_query_concurrency=4, prometheus_max_samples=5_000_000, prometheus_max_exemplars=50_000,
        sample_limit=20_000, tempo_max_block_mb=50, tempo_max_live_traces=2000, tempo_rate_limit_mb=2,
        tempo_max_active_series=10_000, tempo_search_jobs=50, tempo_querier_concurrency=4,
    ),
    "medium": Profile(
        name="medium", host_mib=4096, reserve_mib=600,
        limits_mib={"prometheus": 768, "loki": 1024, "tempo": 768, "grafana": 512, "node_exporter": 64},
        loki_chunk_cache_mb=64, loki_results_cache_mb=64, loki_small_cache_mb=16, loki_max_concurrent=4,
        loki_query_parallelism=8, loki_max_streams=2000, loki_ingestion_mb=4,
        prometheus_query_concurrency=4, prometheus_max_samples=10_000_000, prometheus_max_exemplars=100_000,
        sample_limit=50_000, tempo_max_block_mb=100, tempo_max_live_traces=5000, tempo_rate_limit_mb=5,
        tempo_max_active_series=20_000, tempo_search_jobs=100, tempo_querier_concurrency=5,
    ),
    "large": Profile(
        name="large", host_mib=8192, reserve_mib=1200,
        limits_mib={"prometheus": 1536, "loki": 2048, "tempo": 1536, "grafana": 1024, "node_exporter": 64},
        loki_chunk_cache_mb=128, loki_results_cache_mb=128, loki_small_cache_mb=32, loki_max_concurrent=8,
        loki_query_parallelism=16, loki_max_streams=5000, loki_ingestion_mb=8,
        prometheus_query_concurrency=8, prometheus_max_samples=20_000_000, prometheus_max_exemplars=100_000,
        sample_limit=100_000, tempo_max_block_mb=200, tempo_max_live_traces=10_000, tempo_rate_limit_mb=10,
        tempo_max_active_series=50_000, tempo_search_jobs=200, tempo_querier_concurrency=10,
    ),
}


@dataclass(frozen=True)
class EffectiveRetention:
    """What each store is told to keep, after size caps are turned into times where the store has no size cap."""

    metrics_seconds: float
    metrics_bytes: int
    logs_seconds: float
    traces_seconds: float
    logs_capped: bool  # the size cap, not the time, decided
    traces_capped: bool


def effective_retention(stack: Stack) -> EffectiveRetention:
    """Prometheus caps size itself; Loki and Tempo only know time, so their size caps become a time here.

    Loki: whole days (its retention needs the 24h index period) of `logs_size / (logs_per_day / 4)`.
    Tempo: whole hours of `traces_size / traces_per_day`. Never less than a day (Loki) or an hour (Tempo).
    """
    retention, volume = stack.retention, stack.volume
    logs, traces = retention.logs, retention.traces
    logs_capped = traces_capped = False
    if retention.logs_size is not None:
        days = retention.logs_size * LOKI_COMPRESSION // volume.logs_per_day
        fit = max(1, days) * DAY
        logs_capped, logs = fit < logs, min(logs, fit)
    if retention.traces_size is not None:
        hours = retention.traces_size * 24 // volume.traces_per_day
        fit = max(1, hours) * 3600
        traces_capped, traces = fit < traces, min(traces, fit)
    return EffectiveRetention(retention.metrics, retention.metrics_size, logs, traces, logs_capped, traces_capped)


def hours(seconds: float) -> str:
    """A Go duration in whole hours (`168h`): what Loki and Tempo read."""
    return f"{int(seconds // 3600)}h"


def prometheus_duration(seconds: float) -> str:
    return f"{int(seconds // DAY)}d" if seconds % DAY == 0 else hours(seconds)


def prometheus_size(size: int) -> str:
    """Bytes as Prometheus reads `--storage.tsdb.retention.size` (powers of 2), in the largest whole unit."""
    for unit, factor in (("TB", 1024**4), ("GB", 1024**3), ("MB", 1024**2), ("KB", 1024)):
        if size % factor == 0:
            return f"{size // factor}{unit}"
    return f"{size}B"


def human_size(size: int) -> str:
    for unit, factor in (("TiB", 1024**4), ("GiB", 1024**3), ("MiB", 1024**2), ("KiB", 1024)):
        if size >= factor:
            return f"{size / factor:.3g}{unit}"
    return f"{size}B"
