"""The apps' logs in Loki: error-level lines per minute above a threshold."""

from __future__ import annotations

from graf.alerts._rule import RuleSpec, build_all, env_matcher, selector
from graf.context import RenderContext
from graf.resources import JSON

GROUP = "logs"
WINDOW = "5m"
# Level values as Logback, Log4j2 and the JSON encoders write them, any case.
ERROR_LEVELS = "(?i)(error|fatal|critical)"


def stream_selector(ctx: RenderContext) -> str:
    """The app log streams of this environment at error level: labels the log shipper sets (graf.yaml labels/jobs)."""
    return selector(env_matcher(ctx), ("job", "=", ctx.jobs.logs), (ctx.labels.level, "=~", ERROR_LEVELS))


def error_lines_per_minute(ctx: RenderContext, _: float) -> str:
    by = f"by ({ctx.labels.service}, {ctx.labels.host})"
    return f"sum {by} (rate({stream_selector(ctx)}[{WINDOW}])) * 60"


def specs(ctx: RenderContext) -> list[RuleSpec]:
    return [RuleSpec(
        name="log_errors",
        title="Error log lines frequent",
        group=GROUP,
        datasource="loki",
        query=error_lines_per_minute,
        comparison="gt",
        threshold=10,
        for_="5m",
        severity="warning",
        summary="{{ $labels.{service} }} on {{ $labels.{host} }} logs {{ humanize $values.B.Value }} errors a minute",
        description=("{{ $labels.{service} }} on {{ $labels.{host} }} ({environment}) wrote "
                     "{{ humanize $values.B.Value }} error-level log lines a minute "
                     "over the last " + WINDOW + ", above {threshold} for {for_}. Open Explore on Loki with "
                     + stream_selector(ctx) + " to read them."),
        threshold_text=lambda v: f"{v:g}/min",
    )]


def rules(ctx: RenderContext) -> list[JSON]:
    return build_all(ctx, specs(ctx))
