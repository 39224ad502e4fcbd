"""Node: the app servers' hosts as node_exporter sees them (CPU, load, memory, disks, network)."""

from __future__ import annotations

import functools

from grafanalib.core import Dashboard

from graf.context import RenderContext
from graf.dashboards import common
from graf.dashboards.panels import GREEN, ORANGE, RED, prom, row, stat, table, timeseries

RATE = "[$__rate_interval]"
# Real, persistent filesystems only: pseudo and in-memory file systems are never "full" in a useful way.
FS_FILTER = ('fstype!~"tmpfs|ramfs|devtmpfs|squashfs|nsfs|fuse.lxcfs|autofs"',
             'mountpoint!~"/(run|var/lib/docker|snap)/.*"')
NET_FILTER = 'device!~"lo|veth.*|docker.*|br-.*|cni.*|flannel.*"'
DISK_FILTER = 'device!~"loop.*|ram.*|dm-.*|sr.*"'
YEAR = 365 * 86400


def cpu_busy(ctx: RenderContext) -> str:
    idle = common.node_selector(ctx)('mode="idle"')
    return f"1 - avg by ({ctx.labels.instance}) (rate(node_cpu_seconds_total{idle}{RATE}))"


def load_per_core(ctx: RenderContext) -> str:
    n, inst = common.node_selector(ctx), ctx.labels.instance
    idle = n('mode="idle"')
    return f"max by ({inst}) (node_load1{n()}) / count by ({inst}) (node_cpu_seconds_total{idle})"


def memory_used(ctx: RenderContext) -> str:
    n = common.node_selector(ctx)
    return f"1 - node_memory_MemAvailable_bytes{n()} / node_memory_MemTotal_bytes{n()}"


def fullest_filesystem(ctx: RenderContext) -> str:
    fs = common.node_selector(ctx)(*FS_FILTER)
    return f"max by ({ctx.labels.instance}) (1 - node_filesystem_avail_bytes{fs} / node_filesystem_size_bytes{fs})"


def dashboard(ctx: RenderContext) -> Dashboard:
    lg = functools.partial(common.legend, ctx)
    n = common.node_selector(ctx)
    inst = ctx.labels.instance
    fs, disk, net = n(*FS_FILTER), n(DISK_FILTER), n(NET_FILTER)
    idle, busy = n('mode="idle"'), n('mode!="idle"')
    cores = f"count by ({inst}) (node_cpu_seconds_total{idle})"
    panels = [
        row("Saturation at a glance"),
        stat("CPU busy", "Share of CPU time not idle, averaged over all cores of each host.",
             [prom(cpu_busy(ctx), lg("{{instance}}"))],
             unit="percentunit", min=0, max=1, thresholds=((GREEN, None), (ORANGE, 0.7), (RED, 0.9))),
        stat("Load per core", "1-minute load average divided by the number of cores; above 1 means work is "
             "queueing for CPU (or waiting on disk).",
             [prom(load_per_core(ctx), lg("{{instance}}"))],
             unit="none", decimals=2, thresholds=((GREEN, None), (ORANGE, 0.8), (RED, 1.5))),
        stat("Memory used", "1 - MemAvailable / MemTotal: memory the kernel cannot hand out without swapping.",
             [prom(memory_used(ctx), lg("{{instance}}"))],
             unit="percentunit", min=0, max=1, thresholds=((GREEN, None), (ORANGE, 0.8), (RED, 0.9))),
        stat("Fullest filesystem", "Used share of the fullest real filesystem of each host.",
             [prom(fullest_filesystem(ctx), lg("{{instance}}"))],
             unit="percentunit", min=0, max=1, thresholds=((GREEN, None), (ORANGE, 0.8), (RED, 0.9))),
        stat("Swap used", "Swap in use; any steady swap use on an app server slows the JVM down badly.",
             [prom(f"node_memory_SwapTotal_bytes{n()} - node_memory_SwapFree_bytes{n()}", lg("{{instance}}"))],
             unit="bytes", thresholds=((GREEN, None), (ORANGE, 1), (RED, 512 * 1024**2))),
        stat("Uptime", "Time since the host booted (node_time_seconds - node_boot_time_seconds).",
             [prom(f"node_time_seconds{n()} - node_boot_time_seconds{n()}", lg("{{instance}}"))],
             unit="s", graph=False, thresholds=((ORANGE, None), (GREEN, 3600))),

        row("CPU and load"),
        timeseries("CPU busy by mode", "CPU time per mode as a share of all cores (idle left out), stacked: "
                   "user/system is work, iowait is waiting for disks, steal is the hypervisor taking CPU.",
                   [prom(f"avg by ({inst}, mode) (rate(node_cpu_seconds_total{busy}{RATE}))",
                         lg("{{instance}} {{mode}}"))],
                   unit="percentunit", min=0, max=1, stack=True),
        timeseries("Load vs cores", "Load averages next to the core count: load above the core line means "
                   "runnable work is waiting.",
                   [prom(f"node_load1{n()}", lg("{{instance}} load 1m")),
                    prom(f"node_load5{n()}", lg("{{instance}} load 5m")),
                    prom(f"node_load15{n()}", lg("{{instance}} load 15m")),
                    prom(cores, lg("{{instance}} cores"))],
                   unit="none", min=0),

        row("Memory and swap"),
        timeseries("Memory", "Used (total minus available), available, page cache + buffers, and total.",
                   [prom(f"node_memory_MemTotal_bytes{n()} - node_memory_MemAvailable_bytes{n()}",
                         lg("{{instance}} used")),
                    prom(f"node_memory_MemAvailable_bytes{n()}", lg("{{instance}} available")),
                    prom(f"node_memory_Cached_bytes{n()} + node_memory_Buffers_bytes{n()}",
                         lg("{{instance}} cache + buffers")),
                    prom(f"node_memory_MemTotal_bytes{n()}", lg("{{instance}} total"))],
                   unit="bytes", min=0),
        timeseries("Swap", "Swap used, and pages swapped in/out per second (right side of the legend).",
                   [prom(f"node_memory_SwapTotal_bytes{n()} - node_memory_SwapFree_bytes{n()}",
                         lg("{{instance}} used")),
                    prom(f"node_memory_SwapTotal_bytes{n()}", lg("{{instance}} total")),
                    prom(f"rate(node_vmstat_pswpin{n()}{RATE}) + rate(node_vmstat_pswpout{n()}{RATE})",
                         lg("{{instance}} pages swapped/s"))],
                   unit="bytes", min=0),

        row("Disks"),
        timeseries("Filesystem used", "Used share per mount point (real filesystems only).",
                   [prom(f"1 - node_filesystem_avail_bytes{fs} / node_filesystem_size_bytes{fs}",
                         lg("{{instance}} {{mountpoint}}"))],
                   unit="percentunit", min=0, max=1, thresholds=((GREEN, None), (ORANGE, 0.8), (RED, 0.9))),
        table("Time until full", "Free space divided by how fast it shrank over the last 6 hours, per mount. "
              "365 days means not filling up (or slower than a year).",
              [prom(f"clamp_max(node_filesystem_avail_bytes{fs} / clamp_min(-deriv(node_filesystem_avail_bytes{fs}"
                    f"[6h]), 1e-6), {YEAR})", instant=True, table=True)],
              unit="s", w=12, sort_by="Value", descending=False,
              thresholds=((RED, None), (ORANGE, 86400), (GREEN, 7 * 86400)),
              transformations=[{"id": "organize", "options": {
                  "excludeByName": {"Time": True, "__name__": True, "job": True, "device": True, "fstype": True},
                  "renameByName": {"Value": "Time until full"}}}],
              overrides=[{"matcher": {"id": "byName", "options": "Time until full"},
                          "properties": [{"id": "custom.cellOptions", "value": {"type": "color-text"}}]}]),
        timeseries("Disk throughput", "Bytes read and written per second per device.",
                   [prom(f"rate(node_disk_read_bytes_total{disk}{RATE})", lg("{{instance}} {{device}} read")),
                    prom(f"rate(node_disk_written_bytes_total{disk}{RATE})",
                         lg("{{instance}} {{device}} write"))],
                   unit="Bps", min=0),
        timeseries("Disk latency and busy time", "Average time per completed read and write, and the share "
                   "of time the device was busy (near 100% means saturated).",
                   [prom(f"rate(node_disk_read_time_seconds_total{disk}{RATE}) / "
                         f"rate(node_disk_reads_completed_total{disk}{RATE})", lg("{{instance}} {{device}} read")),
                    prom(f"rate(node_disk_write_time_seconds_total{disk}{RATE}) / "
                         f"rate(node_disk_writes_completed_total{disk}{RATE})",
                         lg("{{instance}} {{device}} write")),
                    prom(f"rate(node_disk_io_time_seconds_total{disk}{RATE})",
                         lg("{{instance}} {{device}} busy (fraction)"))],
                   unit="s", min=0),

        row("Network"),
        timeseries("Network traffic", "Bytes received and sent per second per interface (virtual bridges left out).",
                   [prom(f"rate(node_network_receive_bytes_total{net}{RATE})", lg("{{instance}} {{device}} in")),
                    prom(f"rate(node_network_transmit_bytes_total{net}{RATE})",
                         lg("{{instance}} {{device}} out"))],
                   unit="Bps", min=0),
        timeseries("Network errors and drops", "Receive/transmit errors and dropped packets per second; "
                   "anything above zero is worth a look.",
                   [prom(f"rate(node_network_receive_errs_total{net}{RATE}) + "
                         f"rate(node_network_transmit_errs_total{net}{RATE})", lg("{{instance}} {{device}} errors")),
                    prom(f"rate(node_network_receive_drop_total{net}{RATE}) + "
                         f"rate(node_network_transmit_drop_total{net}{RATE})", lg("{{instance}} {{device}} drops"))],
                   unit="pps", min=0, thresholds=((GREEN, None), (RED, 1))),

        row("System"),
        timeseries("File descriptors", "Allocated file handles as a share of the kernel's maximum.",
                   [prom(f"node_filefd_allocated{n()} / node_filefd_maximum{n()}", lg("{{instance}}"))],
                   unit="percentunit", min=0, thresholds=((GREEN, None), (ORANGE, 0.7), (RED, 0.9))),
        timeseries("Processes", "Processes running and blocked on I/O.",
                   [prom(f"node_procs_running{n()}", lg("{{instance}} running")),
                    prom(f"node_procs_blocked{n()}", lg("{{instance}} blocked"))],
                   unit="none", min=0),
    ]
    return common.frame(
        ctx, "node", description=f"Hosts of {ctx.env.name} as node_exporter sees them: CPU, load, memory, "
        "disks, network.", panels=panels, with_application=False,
        variables=[common.environment_variable(ctx), common.instance_variable(ctx, "node")],
    )
