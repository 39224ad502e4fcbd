"""The apps' HTTP server (Micrometer `http.server.requests`): 5xx ratio and p99 latency per instance."""

from __future__ import annotations

from graf.alerts._rule import RuleSpec, build_all, env_matcher, one_of, percent, selector
from graf.context import RenderContext
from graf.resources import JSON

GROUP = "http"
WINDOW = "5m"
METRIC = "http_server_requests_seconds"


def _matchers(ctx: RenderContext) -> tuple[tuple[str, str, str], ...]:
    # Scrapes and health checks are requests too; leave them out of ratios and percentiles.
    internal = one_of(app.metrics_path for app in ctx.apps)
    return (env_matcher(ctx), ("job", "=", ctx.jobs.app), ("uri", "!~", f"/actuator.*|{internal}"))


def _by(ctx: RenderContext, *extra: str) -> str:
    return f"by ({', '.join((ctx.labels.application, ctx.labels.instance, *extra))})"


def error_ratio(ctx: RenderContext, _: float) -> str:
    errors = f"sum {_by(ctx)} (rate({METRIC}_count{selector(*_matchers(ctx), ('status', '=~', '5..'))}[{WINDOW}]))"
    total = f"sum {_by(ctx)} (rate({METRIC}_count{selector(*_matchers(ctx))}[{WINDOW}]))"
    # `or total * 0`: an instance without any 5xx shows 0, not "no data"; `> 0` avoids 0/0 without traffic.
    return f"({errors} or {total} * 0)\n/ ({total} > 0)"


def p99_latency(ctx: RenderContext, _: float) -> str:
    buckets = f"{METRIC}_bucket{selector(*_matchers(ctx))}[{WINDOW}]"
    return f"histogram_quantile(0.99, sum {_by(ctx, 'le')} (rate({buckets})))"


def specs(ctx: RenderContext) -> list[RuleSpec]:
    if not ctx.apps:
        return []
    out = [RuleSpec(
        name="http_5xx_ratio",
        title="HTTP 5xx ratio high",
        group=GROUP,
        datasource="prometheus",
        query=error_ratio,
        comparison="gt",
        threshold=0.05,
        for_="5m",
        severity="critical",
        summary="{{ humanizePercentage $values.B.Value }} of requests to {{ $labels.{application} }} "
                "on {{ $labels.{instance} }} fail with 5xx",
        description=("The share of HTTP requests answered with a 5xx status on {{ $labels.{instance} }} "
                     "({{ $labels.{application} }}, {environment}) is {{ humanizePercentage $values.B.Value }} "
                     "over the last " + WINDOW + ", above {threshold} for {for_}."),
        threshold_text=percent,
    )]
    # Percentiles need the histogram buckets (management.metrics.distribution.percentiles-histogram);
    # without them the query could never return anything.
    if any(app.percentiles_histogram for app in ctx.apps):
        out.append(RuleSpec(
            name="http_p99_latency",
            title="HTTP p99 latency high",
            group=GROUP,
            datasource="prometheus",
            query=p99_latency,
            comparison="gt",
            threshold=1.0,
            for_="10m",
            severity="warning",
            summary="p99 latency of {{ $labels.{application} }} on {{ $labels.{instance} }} is "
                    "{{ humanizeDuration $values.B.Value }}",
            description=("99% of HTTP requests on {{ $labels.{instance} }} "
                         "({{ $labels.{application} }}, {environment}) finish within "
                         "{{ humanizeDuration $values.B.Value }} over the last " + WINDOW
                         + "; the limit is {threshold} s, exceeded for {for_}."),
            threshold_text=lambda v: f"{v:g}",
        ))
    return out


def rules(ctx: RenderContext) -> list[JSON]:
    return build_all(ctx, specs(ctx))
