"""Monitoring server: the box running Grafana, Prometheus, Loki and Tempo, against what graf gave it.

Its series carry `environment: <stack.server.host>` (graf/stack/prometheus.py scrapes the stack
under that label, jobs named after the compose services), so every query selects that value, not
`$environment`. Memory limits, the disk budget of the retention and the stores' ceilings are the
ones graf rendered (graf/stack/sizing.py), written into the queries as constants.
"""

from __future__ import annotations

from grafanalib.core import Dashboard

from graf.alerts.monitoring import COMPONENTS
from graf.config import DAY, Stack
from graf.context import RenderContext
from graf.dashboards import common
from graf.dashboards.panels import GREEN, ORANGE, RED, prom, row, stat, timeseries
from graf.stack.sizing import LOKI_COMPRESSION, MIB, PROFILES, effective_retention

RATE = "[$__rate_interval]"
PSEUDO_FS = "tmpfs|ramfs|devtmpfs|squashfs|overlay|nsfs|autofs|fuse.*"


def disk_budget(stack: Stack) -> dict[str, int]:
    """Bytes each store may keep on disk under the rendered retention: Prometheus's size cap, and
    Loki's and Tempo's retention time times the expected daily volume (Loki's chunks compressed)."""
    kept = effective_retention(stack)
    volume = stack.volume
    return {"prometheus": kept.metrics_bytes,
            "loki": int(kept.logs_seconds / DAY * volume.logs_per_day / LOKI_COMPRESSION),
            "tempo": int(kept.traces_seconds / DAY * volume.traces_per_day)}


def _sel(ctx: RenderContext, job: str, *extra: str) -> str:
    lb = ctx.labels
    return "{" + ", ".join((f'{lb.environment}="{ctx.project.stack.server_host}"', f'job="{job}"', *extra)) + "}"


def memory_ratio(ctx: RenderContext) -> str:
    limits = PROFILES[ctx.project.stack.profile].limits_mib
    return "\nor ".join(f"process_resident_memory_bytes{_sel(ctx, job)} / {limits[job] * MIB}" for job in COMPONENTS)


def dashboard(ctx: RenderContext) -> Dashboard:
    stack = ctx.project.stack
    profile = PROFILES[stack.profile]
    host = stack.server_host
    node = ctx.jobs.node
    fs = _sel(ctx, node, f'fstype!~"{PSEUDO_FS}"')
    budget = disk_budget(stack)
    limits = ", ".join(f"{job} {profile.limits_mib[job]} MiB" for job in COMPONENTS)
    bad = ((GREEN, None), (RED, 1e-9))
    components = "{" + f'{ctx.labels.environment}="{host}", job=~"{"|".join(COMPONENTS)}"' + "}"
    panels = [
        row("Will it survive?"),
        stat("Memory against limit", f"Resident memory of each component over its container limit ({limits}, "
             f"profile '{profile.name}'). The kernel kills a container at 100%.",
             [prom(memory_ratio(ctx), "{{job}}")], unit="percentunit", w=8, min=0, max=1,
             thresholds=((GREEN, None), (ORANGE, 0.75), (RED, 0.9))),
        stat("Host memory available", f"MemAvailable of {host}: what the kernel can hand out before the OOM "
             f"killer; the '{profile.name}' profile leaves {profile.reserve_mib} MiB outside the containers.",
             [prom(f"node_memory_MemAvailable_bytes{_sel(ctx, node)}", "available")], unit="bytes", w=4,
             thresholds=((RED, None), (ORANGE, profile.reserve_mib * MIB / 2), (GREEN, profile.reserve_mib * MIB))),
        stat("OOM kills", "Processes the kernel killed for lack of memory in the selected time range.",
             [prom(f"increase(node_vmstat_oom_kill{_sel(ctx, node)}[$__range])", "OOM kills")],
             unit="none", w=4, graph=False, thresholds=bad),
        stat("Disk used", f"Used share of each real filesystem of {host}; the stores' volumes live on it.",
             [prom(f"1 - node_filesystem_avail_bytes{fs} / node_filesystem_size_bytes{fs}", "{{mountpoint}}")],
             unit="percentunit", w=4, min=0, max=1, thresholds=((GREEN, None), (ORANGE, 0.75), (RED, 0.85))),
        stat("Targets up", f"The stack's scrape targets on {host}: 1 up, 0 down.",
             [prom("up" + "{" + f'{ctx.labels.environment}="{host}", job=~"{"|".join((node, *COMPONENTS))}"' + "}",
                   "{{job}}")],
             unit="none", w=4, graph=False, thresholds=((RED, None), (GREEN, 1))),

        row("Memory"),
        timeseries("Resident memory", "process_resident_memory_bytes of each component, with its container limit.",
                   [prom(f"process_resident_memory_bytes{components}", "{{job}}"),
                    prom("\nor ".join(f'label_replace(vector({profile.limits_mib[job] * MIB}), "job", "{job}", "", "")'
                                      for job in COMPONENTS), "{{job}} limit")],
                   unit="bytes", min=0),
        timeseries("Go heap in use", "go_memstats_heap_inuse_bytes: the live heap each Go component keeps; "
                   "Loki, Tempo and Grafana are told GOMEMLIMIT at 80% of their limit.",
                   [prom(f"go_memstats_heap_inuse_bytes{components}", "{{job}}")],
                   unit="bytes", min=0),

        row("Disk"),
        timeseries("Disk used against the retention budget",
                   "Used bytes of the host's real filesystems, and what the stores may keep under the rendered "
                   f"retention: Prometheus {budget['prometheus'] // MIB} MiB (its size cap), Loki "
                   f"{budget['loki'] // MIB} MiB and Tempo {budget['tempo'] // MIB} MiB (retention time x "
                   "expected daily volume, stack.volume).",
                   [prom(f"node_filesystem_size_bytes{fs} - node_filesystem_avail_bytes{fs}", "used {{mountpoint}}"),
                    prom(f"vector({sum(budget.values())})", "retention budget (all stores)"),
                    prom(f"node_filesystem_size_bytes{fs}", "size {{mountpoint}}")],
                   unit="bytes", min=0),
        timeseries("Prometheus blocks against its size cap",
                   "prometheus_tsdb_storage_blocks_bytes and --storage.tsdb.retention.size: past the cap "
                   "Prometheus deletes its oldest blocks.",
                   [prom(f"prometheus_tsdb_storage_blocks_bytes{_sel(ctx, 'prometheus')}", "blocks"),
                    prom(f"prometheus_tsdb_retention_limit_bytes{_sel(ctx, 'prometheus')}", "size cap")],
                   unit="bytes", min=0),

        row("Ingestion"),
        timeseries("Samples appended", "Samples Prometheus writes to its head block per second (scrapes and "
                   "Tempo's span metrics).",
                   [prom(f"sum by (type) (rate(prometheus_tsdb_head_samples_appended_total"
                         f"{_sel(ctx, 'prometheus')}{RATE}))", "{{type}}")], unit="ops", min=0),
        timeseries("Log lines received", "Lines Loki's distributor received per second (refused ones included).",
                   [prom(f"sum(rate(loki_distributor_lines_received_total{_sel(ctx, 'loki')}{RATE}))", "lines/s")],
                   unit="ops", min=0),
        timeseries("Spans received", "Spans Tempo's distributor accepted per second.",
                   [prom(f"sum(rate(tempo_distributor_spans_received_total{_sel(ctx, 'tempo')}{RATE}))", "spans/s")],
                   unit="ops", min=0),
        timeseries("Rejections", "Data the stores refused, per second: Loki's discarded lines and Tempo's "
                   "discarded spans by reason, Prometheus's scrapes over the sample limit and out-of-order samples.",
                   [prom(f"sum by (reason) (rate(loki_discarded_samples_total{_sel(ctx, 'loki')}{RATE}))",
                         "loki {{reason}}"),
                    prom(f"sum by (reason) (rate(tempo_discarded_spans_total{_sel(ctx, 'tempo')}{RATE}))",
                         "tempo {{reason}}"),
                    prom(f"rate(prometheus_target_scrapes_exceeded_sample_limit_total{_sel(ctx, 'prometheus')}"
                         f"{RATE})", "prometheus over sample limit"),
                    prom(f"sum(rate(prometheus_tsdb_out_of_order_samples_total{_sel(ctx, 'prometheus')}{RATE}))",
                         "prometheus out of order")],
                   unit="ops", min=0, thresholds=bad),

        row("Store ceilings"),
        timeseries("Loki streams", f"Streams in Loki's ingesters against the per-tenant limit "
                   f"({profile.loki_max_streams}).",
                   [prom(f"sum(loki_ingester_memory_streams{_sel(ctx, 'loki')})", "streams"),
                    prom(f"vector({profile.loki_max_streams})", "limit")], unit="none", min=0),
        timeseries("Tempo span-metrics series", "Active series of Tempo's metrics generator against its limit.",
                   [prom(f"sum(tempo_metrics_generator_registry_active_series{_sel(ctx, 'tempo')})", "active"),
                    prom(f"sum(tempo_metrics_generator_registry_max_active_series{_sel(ctx, 'tempo')})", "limit")],
                   unit="none", min=0),
    ]
    return common.frame(
        ctx, "monitoring", description=f"The monitoring server {host}: each component's memory against its "
        "limit, disk against the retention budget, ingestion and rejections.", panels=panels,
        # $environment only steers the links to the other dashboards; no query here uses it.
        with_application=False, variables=[common.environment_variable(ctx)],
    )
