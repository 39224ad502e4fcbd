"""The monitoring server itself: the box that used to die of memory exhaustion and full disks.

Prometheus scrapes the stack under `environment: <stack.server.host>` (graf/stack/prometheus.py):
jobs `node`, `prometheus`, `loki`, `tempo`, `grafana`. These rules select that label, not the
environment's, and carry it as their environment label. Their thresholds come from what graf
renders: each container's memory limit of the size profile (graf/stack/sizing.py) and the
memory the profile leaves to the host.

One Grafana evaluates them once: they are rendered in the first environment (graf.yaml order)
that manages alerts in a given Grafana (by URL), so two environments sharing one Grafana do not page twice.
"""

from __future__ import annotations

from graf.alerts._rule import RuleSpec, build, percent, selector
from graf.context import RenderContext
from graf.resources import JSON
from graf.stack.sizing import MIB, PROFILES

GROUP = "monitoring-server"
# Components exposing their own process metrics, by scrape job (the job name is the compose service).
COMPONENTS = ("prometheus", "loki", "tempo", "grafana")
WINDOW = "30m"
FORECAST_BASIS = "6h"
PSEUDO_FS = "tmpfs|ramfs|devtmpfs|squashfs|overlay|nsfs|autofs|fuse.*"
# Prometheus's TSDB failure counters (all present from start, 0 while healthy).
PROMETHEUS_FAILURES = ("prometheus_tsdb_compactions_failed_total", "prometheus_tsdb_head_truncations_failed_total",
                       "prometheus_tsdb_reloads_failures_total", "prometheus_tsdb_wal_corruptions_total",
                       "prometheus_tsdb_wal_writes_failed_total", "prometheus_tsdb_checkpoint_creations_failed_total")
LOKI_FAILURES = ("loki_ingester_chunks_flush_failures_total", "loki_ingester_wal_disk_full_failures_total",
                 "loki_ingester_checkpoint_creations_failed_total")
TEMPO_FAILURES = ("tempo_ingester_failed_flushes_total", "tempodb_compaction_errors_total",
                  "tempodb_retention_errors_total")


def server_label(ctx: RenderContext) -> str:
    return ctx.project.stack.server_host


def _sel(ctx: RenderContext, job: str, *extra: tuple[str, str, str]) -> str:
    return selector((ctx.labels.environment, "=", server_label(ctx)), ("job", "=", job), *extra)


def limits_mib(ctx: RenderContext) -> dict[str, int]:
    """Each component's container memory limit in the rendered compose file."""
    profile = PROFILES[ctx.project.stack.profile]
    return {job: profile.limits_mib[job] for job in COMPONENTS}


def memory_ratio(ctx: RenderContext, _: float) -> str:
    """Resident memory of each component over its container limit, one series per job."""
    parts = [f"process_resident_memory_bytes{_sel(ctx, job)} / {mib * MIB}" for job, mib in limits_mib(ctx).items()]
    return "\nor ".join(parts)


def host_memory_available(ctx: RenderContext, _: float) -> str:
    return f"node_memory_MemAvailable_bytes{_sel(ctx, ctx.jobs.node)}"


def oom_kills(ctx: RenderContext, _: float) -> str:
    return f"increase(node_vmstat_oom_kill{_sel(ctx, ctx.jobs.node)}[{WINDOW}])"


def _fs(ctx: RenderContext) -> str:
    return _sel(ctx, ctx.jobs.node, ("fstype", "!~", PSEUDO_FS))


def disk_used(ctx: RenderContext, _: float) -> str:
    fs = _fs(ctx)
    return f"1 - node_filesystem_avail_bytes{fs}\n/ (node_filesystem_size_bytes{fs} > 0)"


def disk_forecast(ctx: RenderContext, hours: float) -> str:
    """Free bytes predicted `hours` ahead from the last 6 h, writable filesystems only."""
    fs = _fs(ctx)
    on = f"on ({ctx.labels.instance}, device, mountpoint)"
    return (f"predict_linear(node_filesystem_avail_bytes{fs}[{FORECAST_BASIS}], {round(hours * 3600)})\n"
            f"and {on} node_filesystem_readonly{fs} == 0")


def _by(ctx: RenderContext) -> str:
    """What aggregations keep: the component and the host the annotations name."""
    return f"job, {ctx.labels.host}"


def _failures(ctx: RenderContext, job: str, counters: tuple[str, ...]) -> str:
    """The sum of failure counters' increases; `+` and not a `__name__` regex, which would collide
    once increase() drops the names."""
    return "\n+ ".join(f"sum by ({_by(ctx)}) (increase({name}{_sel(ctx, job)}[{WINDOW}]))" for name in counters)


def prometheus_failing(ctx: RenderContext, _: float) -> str:
    # graf renders no Prometheus rule files today, so the rule-evaluation counter may not exist:
    # it counts as 0 then, instead of hiding the TSDB failures.
    rules = (f"sum by ({_by(ctx)}) (increase(prometheus_rule_evaluation_failures_total{_sel(ctx, 'prometheus')}"
             f"[{WINDOW}]))\nor sum by ({_by(ctx)}) (prometheus_tsdb_head_series{_sel(ctx, 'prometheus')}) * 0")
    return f"{_failures(ctx, 'prometheus', PROMETHEUS_FAILURES)}\n+ ({rules})"


def loki_failing(ctx: RenderContext, _: float) -> str:
    return _failures(ctx, "loki", LOKI_FAILURES)


def tempo_failing(ctx: RenderContext, _: float) -> str:
    remote_write = (f"sum by ({_by(ctx)}) (increase(prometheus_remote_storage_samples_failed_total{_sel(ctx, 'tempo')}"
                    f"[{WINDOW}]))")
    return f"{_failures(ctx, 'tempo', TEMPO_FAILURES)}\n+ {remote_write}"


def loki_discarding(ctx: RenderContext, _: float) -> str:
    # The family appears only with the first discarded line: no series is the healthy case.
    return f"sum by ({_by(ctx)}, reason) (increase(loki_discarded_samples_total{_sel(ctx, 'loki')}[{WINDOW}]))"


def tempo_discarding(ctx: RenderContext, _: float) -> str:
    return f"sum by ({_by(ctx)}, reason) (increase(tempo_discarded_spans_total{_sel(ctx, 'tempo')}[{WINDOW}]))"


def loki_wal_replay(ctx: RenderContext, _: float) -> str:
    return f"loki_ingester_wal_replay_active{_sel(ctx, 'loki')}"


def stack_target_down(ctx: RenderContext, _: float) -> str:
    return "up" + selector((ctx.labels.environment, "=", server_label(ctx)))


def heartbeat(ctx: RenderContext, _: float) -> str:
    return f"sum by ({_by(ctx)}) (up{_sel(ctx, 'prometheus')})"


def _bytes(value: float) -> str:
    return f"{value / MIB:g} MiB"


def specs(ctx: RenderContext) -> list[RuleSpec]:
    profile = PROFILES[ctx.project.stack.profile]
    limits = ", ".join(f"{job} {mib} MiB" for job, mib in limits_mib(ctx).items())
    where = " on {{ $labels.{host} }} (" + server_label(ctx) + ")"
    return [
        RuleSpec(
            name="stack_memory_near_limit", title="Monitoring component memory near its limit", group=GROUP,
            datasource="prometheus", query=memory_ratio, comparison="gt", threshold=0.9, for_="10m",
            severity="critical",
            summary=("{{ $labels.job }} on {{ $labels.{host} }} uses {{ humanizePercentage $values.B.Value }} "
                     "of its memory limit"),
            description=("{{ $labels.job }}" + where + " has a resident set of {{ humanizePercentage $values.B.Value }}"
                         " of its container limit (" + limits + "), above {threshold} for {for_}: "
                         "the kernel kills it at 100%."),
            threshold_text=percent,
        ),
        RuleSpec(
            name="stack_host_memory_low", title="Monitoring server memory available low", group=GROUP,
            datasource="prometheus", query=host_memory_available, comparison="lt",
            # Half of what the size profile leaves to the OS, dockerd and the page cache.
            threshold=profile.reserve_mib * MIB / 2, for_="5m", severity="critical",
            summary="Only {{ humanize1024 $values.B.Value }}B of memory is available on {{ $labels.{host} }}",
            description=("MemAvailable" + where + " is {{ humanize1024 $values.B.Value }}B, below {threshold} "
                         f"(half of the {profile.reserve_mib} MiB the '{profile.name}' profile leaves outside "
                         "the containers) for {for_}."),
            threshold_text=_bytes,
        ),
        RuleSpec(
            name="stack_oom_kill", title="Monitoring server OOM kill", group=GROUP,
            datasource="prometheus", query=oom_kills, comparison="gt", threshold=0, for_="1m", severity="critical",
            summary="The kernel killed a process on {{ $labels.{host} }} for lack of memory",
            description=("{{ $values.B.Value }} OOM kills" + where + " in the last " + WINDOW
                         + " (node_vmstat_oom_kill): a component restarted, and may replay its WAL."),
        ),
        RuleSpec(
            name="stack_disk_almost_full", title="Monitoring server disk almost full", group=GROUP,
            datasource="prometheus", query=disk_used, comparison="gt", threshold=0.85, for_="5m",
            severity="critical",
            summary="{{ $labels.mountpoint }} on {{ $labels.{host} }} is {{ humanizePercentage $values.B.Value }} full",
            description=("{{ $labels.mountpoint }} ({{ $labels.device }})" + where + " holds the stores' volumes "
                         "and is {{ humanizePercentage $values.B.Value }} full, above {threshold} for {for_}."),
            threshold_text=percent,
        ),
        RuleSpec(
            name="stack_disk_full_soon", title="Monitoring server disk predicted full", group=GROUP,
            datasource="prometheus", query=disk_forecast, comparison="lt", threshold=24, condition_value=0,
            for_="1h", severity="warning",
            summary="{{ $labels.mountpoint }} on {{ $labels.{host} }} will be full within {threshold} h",
            description=("At the rate of the last " + FORECAST_BASIS + ", {{ $labels.mountpoint }}" + where
                         + " runs out of space within {threshold} hours "
                         "(predicted free: {{ humanize1024 $values.B.Value }}B)."),
            threshold_text=lambda v: f"{v:g}",
        ),
        RuleSpec(
            name="stack_prometheus_failing", title="Prometheus storage or rules failing", group=GROUP,
            datasource="prometheus", query=prometheus_failing, comparison="gt", threshold=0, for_="1m",
            severity="critical",
            summary="Prometheus on {{ $labels.{host} }} failed {{ $values.B.Value }} times in the last " + WINDOW,
            description=("Prometheus" + where + " counted {{ $values.B.Value }} failed compactions, head "
                         "truncations, reloads, checkpoints, WAL writes or corruptions, or rule evaluations "
                         "in the last " + WINDOW + "."),
        ),
        RuleSpec(
            name="stack_loki_failing", title="Loki flushes or WAL failing", group=GROUP,
            datasource="prometheus", query=loki_failing, comparison="gt", threshold=0, for_="1m",
            severity="critical",
            summary=("Loki on {{ $labels.{host} }} failed {{ $values.B.Value }} chunk flushes, WAL writes "
                     "or checkpoints"),
            description=("Loki" + where + " failed {{ $values.B.Value }} chunk flushes, WAL writes (disk full) "
                         "or checkpoints in the last " + WINDOW + ": log lines may be lost."),
        ),
        RuleSpec(
            name="stack_loki_discarding", title="Loki rejecting log lines", group=GROUP,
            datasource="prometheus", query=loki_discarding, comparison="gt", threshold=0, for_="1m",
            severity="warning",
            summary="Loki on {{ $labels.{host} }} discarded {{ $values.B.Value }} log lines ({{ $labels.reason }})",
            description=("Loki" + where + " refused {{ $values.B.Value }} log lines in the last " + WINDOW
                         + " for {{ $labels.reason }} (rate limit, too old, too many streams...)."),
        ),
        RuleSpec(
            name="stack_loki_wal_replay", title="Loki stuck replaying its WAL", group=GROUP,
            datasource="prometheus", query=loki_wal_replay, comparison="gt", threshold=0, for_="10m",
            severity="critical",
            summary="Loki on {{ $labels.{host} }} has been replaying its WAL for {for_}",
            description=("Loki" + where + " has been replaying its write-ahead log for {for_} "
                         "(replay active: {{ $values.B.Value }}): "
                         "after an OOM "
                         "kill a replay larger than its memory crash-loops it."),
        ),
        RuleSpec(
            name="stack_tempo_failing", title="Tempo flushes, compaction or remote write failing",
            group=GROUP, datasource="prometheus", query=tempo_failing, comparison="gt", threshold=0, for_="1m",
            severity="critical",
            summary=("Tempo on {{ $labels.{host} }} failed {{ $values.B.Value }} flushes, compactions, "
                     "retentions or remote writes"),
            description=("Tempo" + where + " counted {{ $values.B.Value }} failed block flushes, compactions, "
                         "retention runs or span-metrics samples not written to Prometheus in the last "
                         + WINDOW + "."),
        ),
        RuleSpec(
            name="stack_tempo_discarding", title="Tempo rejecting spans", group=GROUP,
            datasource="prometheus", query=tempo_discarding, comparison="gt", threshold=0, for_="1m",
            severity="warning",
            summary="Tempo on {{ $labels.{host} }} discarded {{ $values.B.Value }} spans ({{ $labels.reason }})",
            description=("Tempo" + where + " refused {{ $values.B.Value }} spans in the last " + WINDOW
                         + " for {{ $labels.reason }}."),
        ),
        RuleSpec(
            name="stack_target_down", title="Monitoring stack target down", group=GROUP,
            datasource="prometheus", query=stack_target_down, comparison="lt", threshold=1, for_="2m",
            severity="critical",
            summary="{{ $labels.job }} on {{ $labels.{host} }} is down",
            description=("Prometheus has not been able to scrape {{ $labels.job }} ({{ $labels.{instance} }})"
                         + where + " for {for_} (up = {{ $values.B.Value }})."),
            no_data="Alerting",
        ),
        RuleSpec(
            name="stack_heartbeat", title="Alerting heartbeat", group=GROUP,
            datasource="prometheus", query=heartbeat, comparison="gt", threshold=0, for_="1m", severity="info",
            summary="Alerting works: Prometheus on {{ $labels.{host} }} scrapes itself and Grafana evaluates rules",
            description=("Always firing while Prometheus" + where + " scrapes itself ({{ $values.B.Value }} target up) "
                         "and Grafana evaluates and notifies. Route it to a dead man's switch: its silence means "
                         "alerting is broken."),
            no_data="OK",
        ),
    ]


def renders_here(ctx: RenderContext) -> bool:
    """True in the first environment of graf.yaml that manages alerts in this environment's Grafana."""
    url = ctx.env.grafana.url.rstrip("/")
    first = next(env for env in ctx.project.environments.values()
                 if env.alerts.managed and env.grafana.url.rstrip("/") == url)
    return first.name == ctx.env.name


def rules(ctx: RenderContext) -> list[JSON]:
    if not renders_here(ctx):
        return []
    out = []
    for spec in specs(ctx):
        body = build(ctx, spec)
        if body is not None:
            body["labels"] = {**body["labels"], ctx.labels.environment: server_label(ctx)}
            out.append(body)
    return out
