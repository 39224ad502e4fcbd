"""Memory per component of the Kubernetes target: request = limit (no overcommit, as on the box).

Every figure is per replica, in MiB, with where it comes from (`../shared/reference/stack.md`,
section 7.1 "Memory", and the chart facts in `../shared/reference/helm/README.md`). The scalable
components split what the 4 GiB box gives one process across roles; like the box's table they carry
1.5-2x headroom over the measured single-binary peaks. They are starting points, not measurements of
the scalable components (none can run here).
"""

from __future__ import annotations

from dataclasses import dataclass

from graf.stack.sizing import MIB

BYTES_PER_SERIES = 4 * 1024  # stack.md 3.2: 3-4 KB per series at steady state, plus 50 MB base, x2 for queries
PROMETHEUS_BASE_MIB = 50


@dataclass(frozen=True)
class Size:
    mib: int
    source: str


SIZES: dict[str, dict[str, Size]] = {
    "loki": {
        "write": Size(1024, "stack.md 7.1: Loki 1024M on the 4 GiB box; the write target holds the ingesters"),
        "read": Size(1024, "stack.md 7.1: Loki 1024M; the read target runs the queriers"),
        "backend": Size(512, "stack.md 7.1: half of Loki's 1024M (compactor, index gateway, ruler)"),
        "gateway": Size(128, "nginx proxy; helm README: gateway resources default to {}"),
        "chunksCache": Size(512, "helm README: 8192 MB by default renders 9830Mi; sized to the box's cache scale"),
        "resultsCache": Size(128, "stack.md 7.1: Loki caches 32/64/128MB"),
    },
    "tempo": {
        "distributor": Size(256, "stack.md 7.1: a third of Tempo's 768M (stateless receive and forward)"),
        "liveStore": Size(768, "stack.md 7.1: Tempo 768M on the 4 GiB box; the live store holds recent traces"),
        "blockBuilder": Size(512, "stack.md 7.1: two thirds of Tempo's 768M (cuts blocks from Kafka)"),
        "querier": Size(512, "stack.md 7.1: two thirds of Tempo's 768M"),
        "queryFrontend": Size(256, "stack.md 7.1: a third of Tempo's 768M"),
        "backendScheduler": Size(128, "schedules compaction jobs only"),
        "backendWorker": Size(512, "stack.md 7.1: two thirds of Tempo's 768M (compaction)"),
        "metricsGenerator": Size(512, "stack.md 4: 974 series from 2 services; max_active_series bounds it"),
        "memcached": Size(256, "helm README: memcached is on by default; stack.md 7.1 cache scale"),
    },
    "grafana": {"grafana": Size(512, "stack.md 7.1: Grafana docs recommend 512 MB minimum")},
    "alloy": {"alloy": Size(256, "stack.md 7.1: Alloy 256M on the 4 GiB column (per node)")},
}


def prometheus_mib(series: int) -> int:
    """stack.md 3.2's budget rule: 4 KB per series plus 50 MB base, doubled for query headroom (>= 768M)."""
    need = 2 * (series * BYTES_PER_SERIES // MIB + PROMETHEUS_BASE_MIB)
    return max(768, -(-need // 256) * 256)


def resources(mib: int) -> dict[str, dict[str, str]]:
    return {"requests": {"memory": f"{mib}Mi"}, "limits": {"memory": f"{mib}Mi"}}


def table_lines(series: int) -> list[str]:
    """The sizing table as a Markdown table (written beside the values files)."""
    lines = ["| chart | component | memory (request = limit) | source |", "|---|---|---|---|"]
    lines.append(f"| prometheus | server | {prometheus_mib(series)}Mi | stack.md 3.2: 4 KB/series + 50 MB, x2, "
                 f"for {series} series |")
    for chart, components in SIZES.items():
        for name, size in components.items():
            lines.append(f"| {chart} | {name} | {size.mib}Mi | {size.source} |")
    return lines
