"""What every built-in dashboard shares, and a team's own modules may use: label selectors, template
variables, links, the frame.

Label names and job names come from `ctx.labels` / `ctx.jobs` — the same config that writes the
Prometheus scrape jobs and the log shipper's labels — so a query cannot ask for a label the
stack never sets. Every selector filters on the environment label through `$environment`, whose
default is the environment's label value.
"""

from __future__ import annotations

import re
from collections.abc import Mapping, Sequence
from dataclasses import dataclass

from grafanalib.core import Dashboard, DashboardLink, Template, Templating, Time

from graf.context import RenderContext

# The built-in dashboards' titles; `frame` takes a team dashboard's title as an argument.
TITLES: Mapping[str, str] = {
    "overview": "Overview",
    "jvm": "JVM",
    "node": "Node",
    "latency": "Request latency",
    "logs": "Logs",
    "monitoring": "Monitoring server",
}
ALL = "$__all"  # the value of a multi-value variable's "All" option


@dataclass(frozen=True)
class Selector:
    """Label matchers of one kind of series; `sel()` renders `{a="x", b=~"y", ...}` with extras appended."""

    matchers: tuple[str, ...]

    def __call__(self, *extra: str) -> str:
        return "{" + ", ".join((*self.matchers, *extra)) + "}"


def node_selector(ctx: RenderContext) -> Selector:
    """node_exporter series of the `$environment` and `$instance` variables."""
    lb = ctx.labels
    return Selector((f'{lb.environment}="$environment"', f'job="{ctx.jobs.node}"', f'{lb.instance}=~"$instance"'))


def app_selector(ctx: RenderContext) -> Selector:
    """The Spring Boot apps' series of the `$environment`, `$application` and `$instance` variables;
    `app_selector(ctx)('status=~"5.."')` adds a matcher: `{environment="$environment", ..., status=~"5.."}`."""
    lb = ctx.labels
    return Selector((f'{lb.environment}="$environment"', f'job="{ctx.jobs.app}"',
                     f'{lb.application}=~"$application"', f'{lb.instance}=~"$instance"'))


def log_selector(ctx: RenderContext, *, by_host: bool = True) -> Selector:
    """Loki stream selector of the app logs the shipper sends (job, environment, application[, host]).

    The Logs dashboard's `instance` variable holds the shipper's host label; elsewhere `instance`
    holds scrape targets (`host:port`), which logs do not carry, so `by_host=False` leaves it out.
    """
    lb = ctx.labels
    host = (f'{lb.host}=~"$instance"',) if by_host else ()
    return Selector((f'job="{ctx.jobs.logs}"', f'{lb.environment}="$environment"',
                     f'{lb.application}=~"$application"', *host))


def legend(ctx: RenderContext, text: str) -> str:
    """A legend template written with graf's logical label names (`{{instance}} {{id}}`), in the configured ones."""
    lb = ctx.labels
    names = {"environment": lb.environment, "application": lb.application, "instance": lb.instance,
             "host": lb.host, "level": lb.level, "service": lb.service}
    return re.sub(r"\{\{\s*(\w+)\s*\}\}", lambda m: "{{" + names.get(m.group(1), m.group(1)) + "}}", text)


def promql_regex_literal(text: str) -> str:
    """`text` as a literal inside a PromQL/LogQL regex string: regex metacharacters escaped, backslashes doubled."""
    escaped = "".join("\\" + ch if ch in ".^$*+?()[]{}|\\" else ch for ch in text)
    return escaped.replace("\\", "\\\\")


# ---------------------------------------------------------------------------- variables


def environment_variable(ctx: RenderContext, datasource: str = "prometheus") -> Template:
    """`$environment`: the environment label's values, defaulting to this environment's (every
    selector above filters on it); `datasource="loki"` reads the values from the logs."""
    label = ctx.labels.environment
    query = f"label_values(up, {label})" if datasource == "prometheus" else f"label_values({label})"
    return Template(name="environment", label="Environment", query=query, default=ctx.env.label,
                    dataSource=datasource, refresh=1, sort=1)


def application_variable(ctx: RenderContext, datasource: str = "prometheus") -> Template:
    """`$application`: the apps of `$environment` (from `jvm_info`, or the logs with "loki"), All by default."""
    lb = ctx.labels
    if datasource == "prometheus":
        query = f'label_values(jvm_info{{{lb.environment}="$environment", job="{ctx.jobs.app}"}}, {lb.application})'
    else:
        query = f'label_values({{job="{ctx.jobs.logs}", {lb.environment}="$environment"}}, {lb.application})'
    return _multi("application", "Application", query, datasource)


def instance_variable(ctx: RenderContext, kind: str) -> Template:
    """`instance`: app instances, node_exporter instances, any scrape target, or (logs) the host label."""
    lb = ctx.labels
    env = f'{lb.environment}="$environment"'
    if kind == "app":
        query = (f'label_values(jvm_info{{{env}, job="{ctx.jobs.app}", {lb.application}=~"$application"}}, '
                 f"{lb.instance})")
    elif kind == "node":
        query = f'label_values(node_uname_info{{{env}, job="{ctx.jobs.node}"}}, {lb.instance})'
    elif kind == "any":
        query = f'label_values(up{{{env}, job=~"{ctx.jobs.node}|{ctx.jobs.app}"}}, {lb.instance})'
    elif kind == "logs":
        return _multi("instance", "Host", f'label_values({{job="{ctx.jobs.logs}", {env}}}, {lb.host})', "loki")
    else:
        raise ValueError(f"unknown instance kind {kind!r}")
    return _multi("instance", "Instance", query, "prometheus")


def _multi(name: str, label: str, query: str, datasource: str) -> Template:
    """A multi-value variable defaulting to All, whose All value is `.*` (matches a missing label too)."""
    return Template(name=name, label=label, query=query, dataSource=datasource, includeAll=True, multi=True,
                    allValue=".*", default=ALL, refresh=2, sort=1)


# ---------------------------------------------------------------------------- the dashboard frame


def links(ctx: RenderContext, current: str, *, with_application: bool) -> list[DashboardLink]:
    """Links to the environment's other built-in dashboards (`ctx.env.dashboards.builtin`; one replaced by an
    adopted file keeps its uid, so its link stays), keeping time range and environment.

    Only the environment (and the application, between app dashboards) is carried over: the
    `instance` values differ between node_exporter and app targets, so passing them would empty
    the target dashboard.
    """
    out = []
    for name in ctx.env.dashboards.builtin:
        if name == current:
            continue
        params = "${environment:queryparam}"
        if with_application and name != "node":
            params += "&${application:queryparam}"
        out.append(DashboardLink(title=TITLES.get(name, name), type="link", icon="dashboard", keepTime=True,
                                 uri=f"/d/{ctx.uid(name)}?{params}", tooltip=f"{TITLES.get(name, name)} dashboard"))
    return out


def dashboard_url(ctx: RenderContext, name: str, *, with_application: bool = True) -> str:
    """A panel link to another built-in dashboard of this environment (time range and variables kept)."""
    params = "${environment:queryparam}" + ("&${application:queryparam}" if with_application else "")
    return f"/d/{ctx.uid(name)}?{params}&${{__url_time_range}}"


def frame(ctx: RenderContext, name: str, *, description: str, panels: Sequence[object],
          variables: Sequence[Template], with_application: bool, title: str | None = None) -> Dashboard:
    """The Dashboard every built-in uses: stable uid `ctx.uid(name)`, title, tags, variables, links to
    the built-in dashboards, time settings.

    `title` is shown as `<title> · <env>`; it defaults to the built-in's title, or `name` for a
    team's dashboard. `with_application` carries `$application` over in the links.
    """
    return Dashboard(
        title=f"{title or TITLES.get(name, name)} · {ctx.env.name}",
        uid=ctx.uid(name),
        description=description,
        tags=["graf", ctx.env.name, name],
        editable=True,
        graphTooltip=1,
        refresh="1m",
        time=Time("now-1h", "now"),
        timezone="browser",
        templating=Templating(list=list(variables)),
        links=links(ctx, name, with_application=with_application),
        panels=list(panels),
    )
