"""Logs: the apps' log lines in Loki — volume by level, error lines, filters by application and text.

Trace ids in the lines link to Tempo through the Loki datasource's derived field, so every
error line with a trace id opens its trace.
"""

from __future__ import annotations

import functools

from grafanalib.core import Dashboard, Template

from graf.context import RenderContext
from graf.dashboards import common
from graf.dashboards.panels import GREEN, RED, logs, loki, row, stat, timeseries

ERROR_LEVELS = "(?i)error|fatal"
SEARCH = '|~ "(?i)$search"'  # the textbox: a case-insensitive regex, empty matches every line


def error_lines(ctx: RenderContext, *, by_host: bool = True) -> str:
    """LogQL for the app's error lines (level label error or fatal, any case)."""
    lb = ctx.labels
    return common.log_selector(ctx, by_host=by_host)(f'{lb.level}=~"{ERROR_LEVELS}"')


def dashboard(ctx: RenderContext) -> Dashboard:
    lg = functools.partial(common.legend, ctx)
    lb = ctx.labels
    s = common.log_selector(ctx)
    chosen = s(f'{lb.level}=~"$level"')
    errors = error_lines(ctx)
    panels = [
        row("Volume"),
        timeseries("Log volume by level", "Log lines per interval by level, for the chosen applications, hosts, "
                   "levels and search text.",
                   [loki(f"sum by ({lb.level}) (count_over_time({chosen} {SEARCH} [$__interval]))", lg("{{level}}"))],
                   unit="short", min=0, stack=True, bars=True, w=16, legend_calcs=("sum",)),
        stat("Errors in range", "Error and fatal lines in the selected time range.",
             [loki(f"sum(count_over_time({errors} {SEARCH} [$__range]))")], unit="short", w=8, h=8,
             decimals=0, graph=False, thresholds=((GREEN, None), (RED, 1))),
        timeseries("Errors by application", "Error and fatal lines per interval by application.",
                   [loki(f"sum by ({lb.application}) (count_over_time({errors} {SEARCH} [$__interval]))",
                         lg("{{application}}"))],
                   unit="short", min=0, bars=True, stack=True, w=24, h=6, legend_calcs=("sum",)),
        row("Lines"),
        logs("Error lines", "Newest error and fatal lines first. Open a line for its labels and, when it "
             "carries a trace id, the link to its trace in Tempo.",
             [loki(f"{errors} {SEARCH}", max_lines=500)], h=10),
        logs("All lines", "Every line for the chosen applications, hosts, levels and search text, newest first.",
             [loki(f"{chosen} {SEARCH}", max_lines=1000)], h=14),
    ]
    env = f'{lb.environment}="$environment"'
    level = Template(name="level", label="Level", dataSource="loki", includeAll=True, multi=True, allValue=".*",
                     default=common.ALL, refresh=2, sort=1,
                     query=f'label_values({{job="{ctx.jobs.logs}", {env}}}, {lb.level})')
    search = Template(name="search", label="Search (regex)", type="textbox", query="", default="")
    return common.frame(
        ctx, "logs", description=f"Log lines of the apps in {ctx.env.name} from Loki: volume by level, "
        "errors, search; trace ids link to Tempo.", panels=panels, with_application=True,
        variables=[common.environment_variable(ctx, "loki"), common.application_variable(ctx, "loki"),
                   common.instance_variable(ctx, "logs"), level, search],
    )
