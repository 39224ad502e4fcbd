"""JVM: a Spring Boot app's JVM as Micrometer exposes it (memory, GC, threads, CPU, pools, logs)."""

from __future__ import annotations

import functools

from grafanalib.core import Dashboard

from graf.context import RenderContext
from graf.dashboards import common
from graf.dashboards.panels import BLUE, GREEN, ORANGE, RED, prom, row, stat, timeseries

RATE = "[$__rate_interval]"


def dashboard(ctx: RenderContext) -> Dashboard:
    lg = functools.partial(common.legend, ctx)
    a = common.app_selector(ctx)
    inst = ctx.labels.instance
    heap, nonheap = a('area="heap"'), a('area="nonheap"')
    errors = a('level="error"')
    panels = [
        row("At a glance"),
        stat("Uptime", "Time since the JVM started (process_uptime_seconds); the lowest of the selected "
             "instances, so a recent restart shows.",
             [prom(f"min(process_uptime_seconds{a()})")], unit="s", graph=False, decimals=1,
             thresholds=((ORANGE, None), (GREEN, 600))),
        stat("Started", "When the most recently started instance started (process_start_time_seconds).",
             [prom(f"max(process_start_time_seconds{a()}) * 1000")], unit="dateTimeFromNow", graph=False,
             thresholds=((BLUE, None),)),
        stat("Heap used", "Heap used over the heap limit. Pools without a limit (G1 Eden, Survivor) report "
             "jvm_memory_max_bytes = -1, so only limited pools count towards the limit.",
             [prom(f"sum(jvm_memory_used_bytes{heap}) / sum(jvm_memory_max_bytes{heap} > 0)")],
             unit="percentunit", min=0, max=1, thresholds=((GREEN, None), (ORANGE, 0.8), (RED, 0.9))),
        stat("Heap after GC", "Share of the long-lived heap pool still used after the last collection: "
             "the leak indicator. Climbing towards 100% means the next OutOfMemoryError is near.",
             [prom(f"max(jvm_memory_usage_after_gc{heap})")],
             unit="percentunit", min=0, max=1, thresholds=((GREEN, None), (ORANGE, 0.7), (RED, 0.85))),
        stat("Process CPU", "CPU used by the JVM process, as a share of all cores (highest instance).",
             [prom(f"max(process_cpu_usage{a()})")], unit="percentunit", min=0, max=1,
             thresholds=((GREEN, None), (ORANGE, 0.7), (RED, 0.9))),
        stat("Error log events", "logback error events in the selected time range (all selected instances).",
             [prom(f"sum(increase(logback_events_total{errors}[$__range]))")],
             unit="none", decimals=0, graph=False, thresholds=((GREEN, None), (ORANGE, 1), (RED, 100)),
             links=[("Error lines in Logs", common.dashboard_url(ctx, "logs"))]),

        row("Memory"),
        timeseries("Heap by pool", "Used, committed and max bytes per heap pool. Max is left out for pools "
                   "without a limit (-1).",
                   [prom(f"sum by (id) (jvm_memory_used_bytes{heap})", "{{id}} used"),
                    prom(f"sum by (id) (jvm_memory_committed_bytes{heap})", "{{id}} committed"),
                    prom(f"sum by (id) (jvm_memory_max_bytes{heap} > 0)", "{{id}} max")],
                   unit="bytes", min=0),
        timeseries("Non-heap by pool", "Metaspace, compressed class space and code cache: used, committed "
                   "and max where the pool has one.",
                   [prom(f"sum by (id) (jvm_memory_used_bytes{nonheap})", "{{id}} used"),
                    prom(f"sum by (id) (jvm_memory_committed_bytes{nonheap})", "{{id}} committed"),
                    prom(f"sum by (id) (jvm_memory_max_bytes{nonheap} > 0)", "{{id}} max")],
                   unit="bytes", min=0),
        timeseries("Heap used per instance", "Heap used and committed per instance, against its limit.",
                   [prom(f"sum by ({inst}) (jvm_memory_used_bytes{heap})", lg("{{instance}} used")),
                    prom(f"sum by ({inst}) (jvm_memory_committed_bytes{heap})", lg("{{instance}} committed")),
                    prom(f"sum by ({inst}) (jvm_memory_max_bytes{heap} > 0)", lg("{{instance}} max"))],
                   unit="bytes", min=0),
        timeseries("Buffers", "Direct and mapped buffer memory (off-heap; Netty and NIO use it).",
                   [prom(f"sum by ({inst}, id) (jvm_buffer_memory_used_bytes{a()})", lg("{{instance}} {{id}} used")),
                    prom(f"sum by ({inst}, id) (jvm_buffer_total_capacity_bytes{a()})",
                         lg("{{instance}} {{id}} capacity"))],
                   unit="bytes", min=0),

        row("Garbage collection"),
        timeseries("Time in GC pauses", "Share of wall-clock time spent in stop-the-world pauses "
                   "(rate of jvm_gc_pause_seconds_sum). Above a few percent the app stalls noticeably.",
                   [prom(f"sum by ({inst}, gc) (rate(jvm_gc_pause_seconds_sum{a()}{RATE}))",
                         lg("{{instance}} {{gc}}"))],
                   unit="percentunit", min=0, thresholds=((GREEN, None), (ORANGE, 0.05), (RED, 0.1))),
        timeseries("GC pauses per second", "Collections per second by action and cause.",
                   [prom(f"sum by ({inst}, action, cause) (rate(jvm_gc_pause_seconds_count{a()}{RATE}))",
                         lg("{{instance}} {{action}} ({{cause}})"))],
                   unit="ops", min=0),
        timeseries("Longest GC pause", "jvm_gc_pause_seconds_max: the longest recent pause per action "
                   "(Micrometer's decaying max over its step).",
                   [prom(f"max by ({inst}, action) (jvm_gc_pause_seconds_max{a()})", lg("{{instance}} {{action}}"))],
                   unit="s", min=0, thresholds=((GREEN, None), (ORANGE, 0.2), (RED, 1))),
        timeseries("Allocation and promotion", "Bytes allocated in the young generation and promoted to the "
                   "old generation per second.",
                   [prom(f"sum by ({inst}) (rate(jvm_gc_memory_allocated_bytes_total{a()}{RATE}))",
                         lg("{{instance}} allocated")),
                    prom(f"sum by ({inst}) (rate(jvm_gc_memory_promoted_bytes_total{a()}{RATE}))",
                         lg("{{instance}} promoted"))],
                   unit="Bps", min=0),

        row("Threads and classes"),
        timeseries("Threads", "Live, daemon and peak threads.",
                   [prom(f"sum by ({inst}) (jvm_threads_live_threads{a()})", lg("{{instance}} live")),
                    prom(f"sum by ({inst}) (jvm_threads_daemon_threads{a()})", lg("{{instance}} daemon")),
                    prom(f"sum by ({inst}) (jvm_threads_peak_threads{a()})", lg("{{instance}} peak"))],
                   unit="none", min=0, w=8),
        timeseries("Thread states", "Threads per state; many blocked threads point at lock contention.",
                   [prom(f"sum by (state) (jvm_threads_states_threads{a()})", "{{state}}")],
                   unit="none", min=0, stack=True, w=8),
        timeseries("Classes", "Loaded classes, and classes unloaded per second.",
                   [prom(f"sum by ({inst}) (jvm_classes_loaded_classes{a()})", lg("{{instance}} loaded")),
                    prom(f"sum by ({inst}) (rate(jvm_classes_unloaded_classes_total{a()}{RATE}))",
                         lg("{{instance}} unloaded/s"))],
                   unit="none", min=0, w=8),

        row("Process"),
        timeseries("CPU", "CPU used by the JVM process and by the whole system, as a share of all cores.",
                   [prom(f"max by ({inst}) (process_cpu_usage{a()})", lg("{{instance}} process")),
                    prom(f"max by ({inst}) (system_cpu_usage{a()})", lg("{{instance}} system"))],
                   unit="percentunit", min=0, max=1, thresholds=((GREEN, None), (ORANGE, 0.7), (RED, 0.9))),
        timeseries("Open files", "Open file descriptors of the process against its limit.",
                   [prom(f"max by ({inst}) (process_files_open_files{a()})", lg("{{instance}} open")),
                    prom(f"max by ({inst}) (process_files_max_files{a()})", lg("{{instance}} max"))],
                   unit="none", min=0),

        row("Connection pool (HikariCP)"),
        timeseries("Connections", "HikariCP connections: active (in use), idle, pending (threads waiting for "
                   "one) and the pool maximum. Pending above zero for long means the pool is too small "
                   "or queries are slow. Empty when the app has no JDBC DataSource.",
                   [prom(f"sum by ({inst}, pool) (hikaricp_connections_active{a()})",
                         lg("{{instance}} {{pool}} active")),
                    prom(f"sum by ({inst}, pool) (hikaricp_connections_idle{a()})", lg("{{instance}} {{pool}} idle")),
                    prom(f"sum by ({inst}, pool) (hikaricp_connections_pending{a()})",
                         lg("{{instance}} {{pool}} pending")),
                    prom(f"sum by ({inst}, pool) (hikaricp_connections_max{a()})", lg("{{instance}} {{pool}} max"))],
                   unit="none", min=0, w=8),
        timeseries("Connection timeouts", "Requests for a connection that timed out (connectionTimeout): "
                   "each one is a failed request.",
                   [prom(f"sum by ({inst}, pool) (increase(hikaricp_connections_timeout_total{a()}{RATE}))",
                         lg("{{instance}} {{pool}}"))],
                   unit="none", min=0, w=8, thresholds=((GREEN, None), (RED, 1))),
        timeseries("Connection acquire time", "Average and longest time to get a connection from the pool.",
                   [prom(f"sum by ({inst}, pool) (rate(hikaricp_connections_acquire_seconds_sum{a()}{RATE})) / "
                         f"sum by ({inst}, pool) (rate(hikaricp_connections_acquire_seconds_count{a()}{RATE}))",
                         lg("{{instance}} {{pool}} avg")),
                    prom(f"max by ({inst}, pool) (hikaricp_connections_acquire_seconds_max{a()})",
                         lg("{{instance}} {{pool}} max"))],
                   unit="s", min=0, w=8),

        row("Logging and web server"),
        timeseries("Log events by level", "logback events per second by level.",
                   # `level` is Micrometer's tag on logback_events_total, not the log shipper's label
                   [prom(f"sum by (level) (rate(logback_events_total{a()}{RATE}))", "{{level}}")],
                   unit="cps", min=0, stack=True, w=8,
                   links=[("Logs", common.dashboard_url(ctx, "logs"))]),
        timeseries("Tomcat threads", "Busy and current request threads against the configured maximum. Needs "
                   "server.tomcat.mbeanregistry.enabled=true; empty for WebFlux (Netty) apps.",
                   [prom(f"sum by ({inst}, name) (tomcat_threads_busy_threads{a()})", lg("{{instance}} busy")),
                    prom(f"sum by ({inst}, name) (tomcat_threads_current_threads{a()})", lg("{{instance}} current")),
                    prom(f"sum by ({inst}, name) (tomcat_threads_config_max_threads{a()})", lg("{{instance}} max"))],
                   unit="none", min=0, w=8),
        timeseries("Tomcat sessions", "Active HTTP sessions, and sessions created and rejected per second "
                   "(Spring MVC on Tomcat only).",
                   [prom(f"sum by ({inst}) (tomcat_sessions_active_current_sessions{a()})", lg("{{instance}} active")),
                    prom(f"sum by ({inst}) (rate(tomcat_sessions_created_sessions_total{a()}{RATE}))",
                         lg("{{instance}} created/s")),
                    prom(f"sum by ({inst}) (rate(tomcat_sessions_rejected_sessions_total{a()}{RATE}))",
                         lg("{{instance}} rejected/s"))],
                   unit="none", min=0, w=8),
    ]
    return common.frame(
        ctx, "jvm", description=f"The JVM of the Spring Boot apps in {ctx.env.name} (Micrometer metrics): "
        "memory, GC, threads, CPU, connection pool, logging, Tomcat.", panels=panels, with_application=True,
        variables=[common.environment_variable(ctx), common.application_variable(ctx),
                   common.instance_variable(ctx, "app")],
    )
