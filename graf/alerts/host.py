"""The app servers (node_exporter): CPU busy, memory available low, filesystems filling up."""

from __future__ import annotations

from graf.alerts._rule import RuleSpec, build_all, env_matcher, percent, selector
from graf.context import RenderContext
from graf.resources import JSON

GROUP = "host"
WINDOW = "5m"
# Filesystems that cannot fill up in a way anyone can act on: memory-backed, read-only images,
# container layers (node_exporter on a Docker host sees every overlay mount).
PSEUDO_FS = "tmpfs|ramfs|devtmpfs|squashfs|overlay|nsfs|autofs|fuse.*"
FORECAST_BASIS = "6h"


def _node(ctx: RenderContext, *extra: tuple[str, str, str]) -> str:
    return selector(env_matcher(ctx), ("job", "=", ctx.jobs.node), *extra)


def _fs(ctx: RenderContext) -> str:
    return _node(ctx, ("fstype", "!~", PSEUDO_FS))


def cpu_busy(ctx: RenderContext, _: float) -> str:
    idle = _node(ctx, ("mode", "=", "idle"))
    return f"1 - avg by ({ctx.labels.instance}) (rate(node_cpu_seconds_total{idle}[{WINDOW}]))"


def memory_available(ctx: RenderContext, _: float) -> str:
    return f"node_memory_MemAvailable_bytes{_node(ctx)}\n/ node_memory_MemTotal_bytes{_node(ctx)}"


def disk_used(ctx: RenderContext, _: float) -> str:
    return f"1 - node_filesystem_avail_bytes{_fs(ctx)}\n/ (node_filesystem_size_bytes{_fs(ctx)} > 0)"


def fs_forecast(ctx: RenderContext, hours: float) -> str:
    """Free bytes predicted `hours` ahead from the last 6 h, for writable filesystems already under 40% free.

    The 40% gate keeps a short burst of writes on a roomy disk from paging anyone.
    """
    on = f"on ({ctx.labels.instance}, device, mountpoint)"
    fs = _fs(ctx)
    return (f"predict_linear(node_filesystem_avail_bytes{fs}[{FORECAST_BASIS}], {round(hours * 3600)})\n"
            f"and {on} node_filesystem_avail_bytes{fs} / node_filesystem_size_bytes{fs} < 0.4\n"
            f"and {on} node_filesystem_readonly{fs} == 0")


def specs(ctx: RenderContext) -> list[RuleSpec]:
    return [
        RuleSpec(
            name="host_cpu_busy",
            title="Host CPU busy",
            group=GROUP,
            datasource="prometheus",
            query=cpu_busy,
            comparison="gt",
            threshold=0.9,
            for_="15m",
            severity="warning",
            summary="CPU of {{ $labels.{instance} }} is {{ humanizePercentage $values.B.Value }} busy",
            description=("All CPUs of {{ $labels.{instance} }} ({environment}) together are "
                         "{{ humanizePercentage $values.B.Value }} busy (not idle) over the last " + WINDOW
                         + ", above {threshold} for {for_}."),
            threshold_text=percent,
        ),
        RuleSpec(
            name="host_memory_low",
            title="Host memory available low",
            group=GROUP,
            datasource="prometheus",
            query=memory_available,
            comparison="lt",
            threshold=0.1,
            for_="10m",
            severity="critical",
            summary="Only {{ humanizePercentage $values.B.Value }} of memory is available on {{ $labels.{instance} }}",
            description=("MemAvailable on {{ $labels.{instance} }} ({environment}) is "
                         "{{ humanizePercentage $values.B.Value }} of MemTotal, below {threshold} for {for_}: "
                         "the OOM killer is next."),
            threshold_text=percent,
        ),
        RuleSpec(
            name="host_disk_full_soon",
            title="Filesystem predicted full",
            group=GROUP,
            datasource="prometheus",
            query=fs_forecast,
            comparison="lt",
            threshold=24,
            condition_value=0,
            for_="1h",
            severity="warning",
            summary="{{ $labels.mountpoint }} on {{ $labels.{instance} }} will be full within {threshold} h",
            description=("At the rate of the last " + FORECAST_BASIS + ", {{ $labels.mountpoint }} "
                         "({{ $labels.device }}) on {{ $labels.{instance} }} ({environment}) runs out of space "
                         "within {threshold} hours (predicted free: {{ humanize1024 $values.B.Value }}B)."),
            threshold_text=lambda v: f"{v:g}",
        ),
        RuleSpec(
            name="host_disk_almost_full",
            title="Filesystem almost full",
            group=GROUP,
            datasource="prometheus",
            query=disk_used,
            comparison="gt",
            threshold=0.9,
            for_="5m",
            severity="critical",
            summary="{{ $labels.mountpoint }} on {{ $labels.{instance} }} is "
                    "{{ humanizePercentage $values.B.Value }} full",
            description=("{{ $labels.mountpoint }} ({{ $labels.device }}) on {{ $labels.{instance} }} ({environment}) "
                         "is {{ humanizePercentage $values.B.Value }} full, above {threshold} for {for_}."),
            threshold_text=percent,
        ),
    ]


def rules(ctx: RenderContext) -> list[JSON]:
    return build_all(ctx, specs(ctx))
