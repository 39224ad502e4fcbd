"""`graf check --env NAME [--prometheus URL] [--loki URL] [--tempo URL]`: list the panels showing no data."""

from __future__ import annotations

from typing import TYPE_CHECKING

import click

from graf.cli import Invocation, env_option

if TYPE_CHECKING:
    from graf.check import PanelQuery, QueryResult


@click.command()
@env_option(required=True)
@click.option("--prometheus", "prometheus_url", metavar="URL", envvar="GRAF_PROMETHEUS_URL",
              help="Prometheus to query (default: the environment's Prometheus datasource URL) "
                   "[env var: GRAF_PROMETHEUS_URL]")
@click.option("--loki", "loki_url", metavar="URL", envvar="GRAF_LOKI_URL",
              help="also run every Loki panel query (LogQL) against this Loki [env var: GRAF_LOKI_URL]")
@click.option("--tempo", "tempo_url", metavar="URL", envvar="GRAF_TEMPO_URL",
              help="also run every Tempo search panel (TraceQL) against this Tempo [env var: GRAF_TEMPO_URL]")
@click.pass_obj
def check(app: Invocation, env: str, prometheus_url: str | None, loki_url: str | None, tempo_url: str | None) -> int:
    """Run every Prometheus query of the environment's dashboards; list each that errors or returns nothing.

    Panel queries and the `label_values(...)` queries of variables are checked. Variables take
    their defaults (the environment's label, All), Grafana's built-ins sane values
    ($__rate_interval 1m, $__range 1h). With --loki and --tempo, the LogQL panel queries and the
    TraceQL search panels run against Loki and Tempo too, each listed the same way. Exit code 1
    when any query fails.
    """
    from graf._render import render
    from graf.check import PrometheusHTTP, panel_queries, variable_queries
    from graf.check import check as run_check

    project = app.project
    environment = project.environment(env)
    datasource = environment.datasources["prometheus"]
    url = prometheus_url or datasource.url
    resources = render(project, environment)
    queries = [*variable_queries(resources), *panel_queries(resources)]
    results = run_check(queries, PrometheusHTTP(url, datasource))
    failed = _report(app, env, "queries", queries, results, url)
    if loki_url:
        from graf.check_logs import LokiHTTP, loki_queries

        logql = loki_queries(resources)
        loki = LokiHTTP(loki_url, environment.datasources["loki"])
        failed += _report(app, env, "LogQL queries", logql, run_check(logql, loki), loki_url)
    if tempo_url:
        from graf.check_logs import TempoHTTP, tempo_queries

        traceql = tempo_queries(resources)
        tempo = TempoHTTP(tempo_url, environment.datasources["tempo"])
        failed += _report(app, env, "TraceQL searches", traceql, run_check(traceql, tempo), tempo_url)
    return 1 if failed else 0


def _report(app: Invocation, env: str, what: str, queries: list[PanelQuery], results: list[QueryResult],
            url: str) -> list[QueryResult]:
    """List the dead queries (every query with -v) and a summary line; the failures."""
    from graf.check import failures

    failed = failures(results)
    for result in results if app.verbose else failed:
        q = result.query
        detail = result.answer.error or ("no series" if result.status == "empty" else
                                         f"{result.answer.series} series")
        click.echo(f"{result.status.upper():5}  {q.dashboard_title} › {q.panel_title} [{q.ref_id}]: {detail}")
        click.echo(f"       {q.query}")
    dashboards = len({q.dashboard_uid for q in queries})
    errors = sum(r.status == "error" for r in failed)
    click.echo(f"{env}: {len(queries)} {what} in {dashboards} dashboards against {url}: "
               f"{len(results) - len(failed)} with data, {len(failed) - errors} empty, {errors} errors", err=True)
    return failed
