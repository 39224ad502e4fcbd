"""Availability: a scrape target (node_exporter or the app) that Prometheus cannot reach."""

from __future__ import annotations

from graf.alerts._rule import RuleSpec, build_all, env_matcher, one_of, selector
from graf.context import RenderContext
from graf.resources import JSON

GROUP = "availability"


def specs(ctx: RenderContext) -> list[RuleSpec]:
    has_targets = any(ctx.env.servers)
    return [RuleSpec(
        name="instance_down",
        title="Instance down",
        group=GROUP,
        datasource="prometheus",
        # up is 0 for a target Prometheus could not scrape; the condition is up < 1 per series,
        # so the UI lists every target as Normal or Firing.
        query=lambda ctx, _: "up" + selector(env_matcher(ctx), ("job", "=~", one_of((ctx.jobs.node, ctx.jobs.app)))),
        comparison="lt",
        threshold=1,
        for_="2m",
        severity="critical",
        summary="{{ $labels.job }} target {{ $labels.{instance} }} is down",
        description=("Prometheus has not been able to scrape {{ $labels.job }} on {{ $labels.{instance} }} "
                     "({environment}) for {for_} (up = {{ $values.B.Value }})."),
        # No `up` series at all means Prometheus scrapes nothing of this environment: alert,
        # unless the environment has no servers to scrape.
        no_data="Alerting" if has_targets else "OK",
        exec_err="Error",
    )]


def rules(ctx: RenderContext) -> list[JSON]:
    return build_all(ctx, specs(ctx))
