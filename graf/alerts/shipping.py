"""The log shippers: Alloy on each app server, scraped as job `alloy` (graf/stack/prometheus.py).

Metric names and labels are Alloy's `loki.write` client metrics (grafana/alloy,
internal/component/common/loki/client/metrics.go): `loki_write_sent_entries_total{host, tenant}`
and `loki_write_dropped_entries_total{host, tenant, reason}` (reasons ingester_error, rate_limited,
stream_limited, line_too_long), where Alloy's `host` is the Loki endpoint's; the scrape's own
`host` label (the app server) wins and Alloy's becomes `exported_host`.
"""

from __future__ import annotations

from graf.alerts._rule import RuleSpec, build_all, env_matcher, selector
from graf.context import RenderContext
from graf.resources import JSON
from graf.stack.alloy import ALLOY_JOB

GROUP = "log-shipping"
WINDOW = "30m"
QUIET = "1h"


def _alloy(ctx: RenderContext) -> str:
    return selector(env_matcher(ctx), ("job", "=", ALLOY_JOB))


def down(ctx: RenderContext, _: float) -> str:
    return f"up{_alloy(ctx)}"


def dropping(ctx: RenderContext, _: float) -> str:
    return (f"sum by ({ctx.labels.host}, reason) "
            f"(increase(loki_write_dropped_entries_total{_alloy(ctx)}[{WINDOW}]))")


def sent(ctx: RenderContext, _: float) -> str:
    return f"sum by ({ctx.labels.host}) (increase(loki_write_sent_entries_total{_alloy(ctx)}[{QUIET}]))"


def specs(ctx: RenderContext) -> list[RuleSpec]:
    has_targets = any(ctx.env.servers)
    return [
        RuleSpec(
            name="log_shipper_down", title="Log shipper down", group=GROUP, datasource="prometheus",
            query=down, comparison="lt", threshold=1, for_="5m", severity="warning",
            summary="Alloy on {{ $labels.{host} }} is down: its logs are not shipped",
            description=("Prometheus has not been able to scrape Alloy on {{ $labels.{host} }} ({environment}) "
                         "for {for_} (up = {{ $values.B.Value }}): the log shipper is stopped or unreachable."),
            no_data="OK" if not has_targets else "Alerting",
        ),
        RuleSpec(
            name="log_shipper_dropping", title="Log shipper dropping lines", group=GROUP, datasource="prometheus",
            query=dropping, comparison="gt", threshold=0, for_="1m", severity="warning",
            summary="Alloy on {{ $labels.{host} }} dropped {{ $values.B.Value }} log lines ({{ $labels.reason }})",
            description=("Alloy on {{ $labels.{host} }} ({environment}) gave up on {{ $values.B.Value }} log lines "
                         "in the last " + WINDOW + " ({{ $labels.reason }}): Loki refused them after all retries."),
        ),
        RuleSpec(
            name="log_shipper_stalled", title="Log shipper sends nothing", group=GROUP, datasource="prometheus",
            query=sent, comparison="lt", threshold=1, for_="15m", severity="warning",
            summary="Alloy on {{ $labels.{host} }} has sent no log line to Loki for " + QUIET,
            description=("Alloy on {{ $labels.{host} }} ({environment}) sent {{ $values.B.Value }} log lines to "
                         "Loki in the last " + QUIET + ": the apps stopped logging, the log files moved, or "
                         "Loki is unreachable."),
        ),
    ]


def rules(ctx: RenderContext) -> list[JSON]:
    return build_all(ctx, specs(ctx))
