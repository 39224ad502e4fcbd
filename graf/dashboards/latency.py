"""Request latency: the apps' HTTP server requests (`http_server_requests_seconds_*`, Micrometer).

Micrometer's timers are summaries (count, sum, max) unless the app turns on percentile
histograms (`management.metrics.distribution.percentiles-histogram.http.server.requests=true`,
set by graf's Spring settings when `apps.<name>.percentiles_histogram` is true). The percentile
panels need those `_bucket` series; the average and max panels work either way, so with no
app on histograms the dashboard shows only those, and says why.
"""

from __future__ import annotations

from grafanalib.core import Dashboard

from graf.context import RenderContext
from graf.dashboards import common
from graf.dashboards.panels import GREEN, ORANGE, RED, Step, prom, row, stat, table, text, timeseries

RATE = "[$__rate_interval]"
METRIC = "http_server_requests_seconds"
DEFAULT_5XX_THRESHOLD = 0.05
DEFAULT_P99_THRESHOLD = 1.0


def histograms_on(ctx: RenderContext) -> bool:
    """Whether any app of the environment publishes http.server.requests buckets."""
    apps = {a for server in ctx.env.servers for a in server.apps} or set(ctx.project.apps)
    return any(ctx.project.apps[name].percentiles_histogram for name in apps if name in ctx.project.apps)


def request_selector(ctx: RenderContext, *extra: str) -> str:
    """App selector for served requests: actuator and the metrics endpoints (scrapes) are left out."""
    paths = sorted({app.metrics_path for app in ctx.apps})
    excluded = "|".join(["/actuator.*", *(common.promql_regex_literal(p) for p in paths)])
    return common.app_selector(ctx)(f'uri!~"{excluded}"', *extra)


def alert_threshold(ctx: RenderContext, rule: str, default: float) -> float:
    """The threshold of the environment's alert rule, so panel colours turn red where alerts fire."""
    settings = ctx.env.alerts.rules.get(rule)
    return settings.threshold if settings is not None and settings.threshold is not None else default


def ratio(ctx: RenderContext, status_regex: str, by: str = "") -> str:
    """Share of requests whose status matches; 0 (not empty) when there were none of them."""
    grouping = f" by ({by})" if by else ""
    matching = request_selector(ctx, 'status=~"' + status_regex + '"')
    part = f"sum{grouping} (rate({METRIC}_count{matching}{RATE}))"
    whole = f"sum{grouping} (rate({METRIC}_count{request_selector(ctx)}{RATE}))"
    if by:
        return f"({part} or {whole} * 0) / {whole}"
    return f"({part} or vector(0)) / {whole}"


def average(ctx: RenderContext, by: str = "", window: str = RATE) -> str:
    grouping = f" by ({by})" if by else ""
    sel = request_selector(ctx)
    return f"sum{grouping} (rate({METRIC}_sum{sel}{window})) / sum{grouping} (rate({METRIC}_count{sel}{window}))"


def quantile(ctx: RenderContext, q: float, by: str = "", window: str = RATE) -> str:
    keys = ", ".join(["le", *([by] if by else [])])
    return f"histogram_quantile({q}, sum by ({keys}) (rate({METRIC}_bucket{request_selector(ctx)}{window})))"


def latency_steps(threshold: float) -> tuple[Step, ...]:
    return ((GREEN, None), (ORANGE, round(threshold / 2, 3)), (RED, threshold))


def dashboard(ctx: RenderContext) -> Dashboard:
    histograms = histograms_on(ctx)
    err_limit = alert_threshold(ctx, "http_5xx_ratio", DEFAULT_5XX_THRESHOLD)
    slow = alert_threshold(ctx, "http_p99_latency", DEFAULT_P99_THRESHOLD)
    sel = request_selector(ctx)
    headline = (prom(quantile(ctx, 0.99)), "p99 latency", "99th percentile of request duration, from the histogram "
                "buckets, over all endpoints.") if histograms else \
        (prom(average(ctx)), "Average latency", "Average request duration (sum / count): percentiles need "
         "percentile histograms, which no app of this environment has turned on.")
    panels = [
        row("Traffic and errors"),
        stat("Requests per second", "Requests served per second, all endpoints (actuator and metrics scrapes "
             "left out).", [prom(f"sum(rate({METRIC}_count{sel}{RATE}))")], unit="reqps", w=6),
        stat("Server errors (5xx)", f"Share of requests answered 5xx. Turns red at the alert threshold "
             f"({err_limit:.0%}).", [prom(ratio(ctx, "5.."))], unit="percentunit", w=6, min=0, max=1,
             thresholds=((GREEN, None), (ORANGE, err_limit / 2), (RED, err_limit))),
        stat("Client errors (4xx)", "Share of requests answered 4xx: bad requests, missing auth, unknown "
             "paths. A jump usually means a broken client or a scan.",
             [prom(ratio(ctx, "4.."))], unit="percentunit", w=6, min=0, max=1,
             thresholds=((GREEN, None), (ORANGE, 0.1), (RED, 0.25))),
        stat(headline[1], headline[2] + " Red at the alert threshold.", [headline[0]], unit="s", w=6,
             thresholds=latency_steps(slow)),
        timeseries("Requests per second by URI and status", "Request rate per route template and status code.",
                   [prom(f"sum by (uri, status) (rate({METRIC}_count{sel}{RATE}))", "{{status}} {{uri}}")],
                   unit="reqps", min=0, stack=True),
        timeseries("Error ratio", "Share of requests answered 5xx (server errors) and 4xx (client errors), "
                   "shown separately.",
                   [prom(ratio(ctx, "5.."), "5xx"), prom(ratio(ctx, "4.."), "4xx")],
                   unit="percentunit", min=0, max=1, thresholds=((GREEN, None), (RED, err_limit))),
        row("Latency"),
        text("About these panels", _about(histograms), h=3),
    ]
    if histograms:
        panels += [
            timeseries("Latency percentiles", "p50, p90 and p99 of request duration over all endpoints, from "
                       "the histogram buckets. Dots are exemplars: click one to open its trace in Tempo.",
                       [prom(quantile(ctx, q), f"p{round(q * 100)}", exemplar=True) for q in (0.5, 0.9, 0.99)],
                       unit="s", min=0, thresholds=latency_steps(slow)),
            *(timeseries(f"p{round(q * 100)} by URI", f"{round(q * 100)}th percentile of request duration per "
                         "route, from the histogram buckets; exemplars link to Tempo.",
                         [prom(quantile(ctx, q, "uri"), "{{uri}}", exemplar=True)],
                         unit="s", min=0, thresholds=latency_steps(slow))
              for q in (0.5, 0.9, 0.99)),
        ]
    panels += [
        timeseries("Average latency by URI", "Average request duration per route (sum / count): works with or "
                   "without histograms, but hides the slow tail.",
                   [prom(average(ctx, "uri"), "{{uri}}")], unit="s", min=0),
        timeseries("Max latency by URI", "Longest request per route (http_server_requests_seconds_max, "
                   "Micrometer's decaying max): catches the outliers an average hides.",
                   [prom(f"max by (uri) ({METRIC}_max{sel})", "{{uri}}")], unit="s", min=0,
                   thresholds=latency_steps(slow)),
        _slowest(ctx, histograms, slow),
    ]
    return common.frame(
        ctx, "latency", description=f"HTTP requests served by the Spring Boot apps in {ctx.env.name}: rate, "
        "errors, latency percentiles (with exemplars linking to traces), slowest endpoints.", panels=panels,
        with_application=True,
        variables=[common.environment_variable(ctx), common.application_variable(ctx),
                   common.instance_variable(ctx, "app")],
    )


def _about(histograms: bool) -> str:
    prop = "`management.metrics.distribution.percentiles-histogram.http.server.requests=true`"
    if histograms:
        return (f"Percentiles come from the `{METRIC}_bucket` histogram, which exists only with {prop} "
                "(graf's Spring settings set it for apps with `percentiles_histogram: true`). An app without it "
                "is a summary: it shows in the average and max panels but not in the percentiles.")
    return (f"No app here publishes `{METRIC}_bucket`: Micrometer timers are summaries (count, sum, max) unless "
            f"{prop} is set (`percentiles_histogram: true` in graf.yaml). So this dashboard shows average and "
            "max latency instead of p50/p90/p99.")


def _slowest(ctx: RenderContext, histograms: bool, slow: float) -> object:
    window = "[$__range]"
    sel = request_selector(ctx)
    by = "method, uri"
    queries = [prom(average(ctx, by, window), instant=True, table=True)]
    names = {"Value #A": "Average"}
    if histograms:
        queries.append(prom(quantile(ctx, 0.99, by, window), instant=True, table=True))
        names["Value #B"] = "p99"
    queries.append(prom(f"max by ({by}) (max_over_time({METRIC}_max{sel}{window}))", instant=True, table=True))
    names[f"Value #{'C' if histograms else 'B'}"] = "Max"
    queries.append(prom(f"sum by ({by}) (rate({METRIC}_count{sel}{window}))", instant=True, table=True))
    names[f"Value #{'D' if histograms else 'C'}"] = "Requests/s"
    sort = "p99" if histograms else "Average"
    return table(
        "Slowest endpoints", f"Endpoints over the selected time range, slowest first (by {sort}).",
        queries, unit="s", h=10, sort_by=sort, thresholds=latency_steps(slow),
        transformations=[{"id": "merge", "options": {}},
                         {"id": "organize", "options": {"excludeByName": {"Time": True}, "renameByName": names,
                                                        "indexByName": {"method": 0, "uri": 1}}}],
        overrides=[{"matcher": {"id": "byName", "options": "Requests/s"},
                    "properties": [{"id": "unit", "value": "reqps"}]},
                   {"matcher": {"id": "byName", "options": sort},
                    "properties": [{"id": "custom.cellOptions", "value": {"type": "color-background"}}]}],
    )
