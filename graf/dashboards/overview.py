"""Overview: one page per environment — requests (rate, errors, duration), host saturation, recent
error logs with trace links, and a search for failed or slow traces. Each section links to the
dashboard that explains it.
"""

from __future__ import annotations

import functools

from grafanalib.core import Dashboard

from graf.context import RenderContext
from graf.dashboards import common, latency, logs, node
from graf.dashboards.panels import GREEN, ORANGE, RED, loki, prom, row, stat, timeseries, traceql
from graf.dashboards.panels import logs as logs_panel
from graf.dashboards.panels import traces as traces_panel
from graf.datasources.tempo import TRACE_ENVIRONMENT_ATTRIBUTE, TRACE_SERVICE_ATTRIBUTE

RATE = "[$__rate_interval]"


def trace_search(ctx: RenderContext, slow_seconds: float) -> str:
    """TraceQL: this environment's traces of the chosen apps that failed or took longer than the alert limit."""
    env, service = TRACE_ENVIRONMENT_ATTRIBUTE, TRACE_SERVICE_ATTRIBUTE
    slow_ms = round(slow_seconds * 1000)
    return (f'{{resource.{env}="$environment" && resource.{service}=~"${{application:regex}}" '
            f"&& (status=error || duration>{slow_ms}ms)}}")


def dashboard(ctx: RenderContext) -> Dashboard:
    lg = functools.partial(common.legend, ctx)
    lb = ctx.labels
    histograms = latency.histograms_on(ctx)
    err_limit = latency.alert_threshold(ctx, "http_5xx_ratio", latency.DEFAULT_5XX_THRESHOLD)
    slow = latency.alert_threshold(ctx, "http_p99_latency", latency.DEFAULT_P99_THRESHOLD)
    sel = latency.request_selector(ctx)
    to_latency = [("Request latency", common.dashboard_url(ctx, "latency"))]
    to_node = [("Node", common.dashboard_url(ctx, "node", with_application=False))]
    to_jvm = [("JVM", common.dashboard_url(ctx, "jvm"))]
    duration, duration_title = ((latency.quantile(ctx, 0.99, lb.application), "p99 latency by application")
                                if histograms else
                                (latency.average(ctx, lb.application), "Average latency by application"))
    up = f'up{{{lb.environment}="$environment", job=~"{ctx.jobs.node}|{ctx.jobs.app}", {lb.instance}=~"$instance"}}'
    panels = [
        row("Requests: rate, errors, duration"),
        stat("Requests per second", "Requests served per second by the chosen apps.",
             [prom(f"sum(rate({latency.METRIC}_count{sel}{RATE}))")], unit="reqps", w=5, links=to_latency),
        stat("Server errors (5xx)", f"Share of requests answered 5xx; red at the alert threshold ({err_limit:.0%}).",
             [prom(latency.ratio(ctx, "5.."))], unit="percentunit", w=5, min=0, max=1, links=to_latency,
             thresholds=((GREEN, None), (ORANGE, err_limit / 2), (RED, err_limit))),
        stat("p99 latency" if histograms else "Average latency",
             "Request duration over all endpoints; red at the alert threshold." +
             ("" if histograms else " Average, because no app publishes percentile histograms."),
             [prom(latency.quantile(ctx, 0.99) if histograms else latency.average(ctx))], unit="s", w=5,
             thresholds=latency.latency_steps(slow), links=to_latency),
        stat("Targets down", "Scrape targets (apps and node_exporters) of this environment that Prometheus "
             "cannot reach right now.", [prom(f"count({up} == 0) or vector(0)")], unit="none", w=4,
             decimals=0, graph=False, thresholds=((GREEN, None), (RED, 1))),
        stat("Heap used", "Highest heap use over the heap limit among the chosen app instances.",
             [prom(_heap(ctx))],
             unit="percentunit", w=5, min=0, max=1, links=to_jvm,
             thresholds=((GREEN, None), (ORANGE, 0.8), (RED, 0.9))),
        timeseries("Requests per second by application", "Request rate per application.",
                   [prom(f"sum by ({lb.application}) (rate({latency.METRIC}_count{sel}{RATE}))",
                         lg("{{application}}"))], unit="reqps", min=0, w=8, links=to_latency),
        timeseries("Server error ratio by application", "Share of requests answered 5xx per application.",
                   [prom(latency.ratio(ctx, "5..", lb.application), lg("{{application}}"))],
                   unit="percentunit", min=0, max=1, w=8, links=to_latency,
                   thresholds=((GREEN, None), (RED, err_limit))),
        timeseries(duration_title, "Request duration per application; red line at the alert threshold.",
                   [prom(duration, lg("{{application}}"), exemplar=histograms)], unit="s", min=0, w=8,
                   thresholds=latency.latency_steps(slow), links=to_latency),

        row("Hosts: saturation"),
        stat("CPU busy", "Share of CPU time not idle, per host.", [prom(node.cpu_busy(ctx), lg("{{instance}}"))],
             unit="percentunit", w=6, min=0, max=1, links=to_node,
             thresholds=((GREEN, None), (ORANGE, 0.7), (RED, 0.9))),
        stat("Load per core", "1-minute load over the core count, per host; above 1 means waiting work.",
             [prom(node.load_per_core(ctx), lg("{{instance}}"))], unit="none", decimals=2, w=6, links=to_node,
             thresholds=((GREEN, None), (ORANGE, 0.8), (RED, 1.5))),
        stat("Memory used", "Memory the kernel cannot hand out without swapping, per host.",
             [prom(node.memory_used(ctx), lg("{{instance}}"))], unit="percentunit", w=6, min=0, max=1, links=to_node,
             thresholds=((GREEN, None), (ORANGE, 0.8), (RED, 0.9))),
        stat("Fullest filesystem", "Used share of each host's fullest real filesystem.",
             [prom(node.fullest_filesystem(ctx), lg("{{instance}}"))], unit="percentunit", w=6, min=0, max=1,
             links=to_node, thresholds=((GREEN, None), (ORANGE, 0.8), (RED, 0.9))),

        row("Errors: logs and traces"),
        logs_panel("Recent error logs", "The newest error lines of the chosen apps (Loki). Open a line: its "
                   "trace id links to the trace in Tempo.",
                   [loki(logs.error_lines(ctx, by_host=False), max_lines=200)], w=12, h=12),
        traces_panel("Failed or slow traces", f"Traces of the chosen apps in this environment that ended in an "
                     f"error or took longer than {slow:g}s (the latency alert threshold); click a trace id to "
                     "open it.", traceql(trace_search(ctx, slow), limit=20), w=12, h=12),
    ]
    return common.frame(
        ctx, "overview", description=f"{ctx.env.name} at a glance: requests, hosts, errors and traces, with "
        "links to the detailed dashboards.", panels=panels, with_application=True,
        variables=[common.environment_variable(ctx), common.application_variable(ctx),
                   common.instance_variable(ctx, "any")],
    )


def _heap(ctx: RenderContext) -> str:
    heap = common.app_selector(ctx)('area="heap"')
    inst = ctx.labels.instance
    return (f"max(sum by ({inst}) (jvm_memory_used_bytes{heap}) / "
            f"sum by ({inst}) (jvm_memory_max_bytes{heap} > 0))")
