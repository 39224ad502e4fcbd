"""`graf check --env NAME [--prometheus URL] [--loki URL] [--tempo URL]`: list the panels showing no data."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

import click

from graf.cli import Invocation, echo_json, env_option, format_option
from graf.urls import redact, url_option

if TYPE_CHECKING:
    from graf.check import PanelQuery, QueryResult


@click.command()
@env_option(required=True)
@click.option("--prometheus", "prometheus_url", metavar="URL", envvar="GRAF_PROMETHEUS_URL", callback=url_option,
              help="Prometheus to query (default: the environment's Prometheus datasource URL) "
                   "[env var: GRAF_PROMETHEUS_URL]")
@click.option("--loki", "loki_url", metavar="URL", envvar="GRAF_LOKI_URL", callback=url_option,
              help="also run every Loki panel query (LogQL) against this Loki [env var: GRAF_LOKI_URL]")
@click.option("--tempo", "tempo_url", metavar="URL", envvar="GRAF_TEMPO_URL", callback=url_option,
              help="also run every Tempo search panel (TraceQL) against this Tempo [env var: GRAF_TEMPO_URL]")
@format_option
@click.pass_obj
def check(app: Invocation, env: str, prometheus_url: str | None, loki_url: str | None, tempo_url: str | None,
          fmt: str) -> int:
    """Run every Prometheus query of the environment's dashboards; list each that errors or returns nothing.

    Panel queries and the `label_values(...)` queries of variables are checked, and that each exporter of
    the servers' `scrape` lists is up under graf's labels ("Scrape targets"). Variables take
    their defaults (the environment's label, All), Grafana's built-ins sane values
    ($__rate_interval 1m, $__range 1h). With --loki and --tempo, the LogQL panel queries and the
    TraceQL search panels are run too, each listed the same way. Exit code 1 when any query fails.
    """
    from graf._render import render
    from graf.check import PrometheusHTTP, panel_queries, scrape_queries, variable_queries
    from graf.check import check as run_check

    project = app.project
    environment = project.environment(env)
    datasource = environment.datasources["prometheus"]
    url = prometheus_url or datasource.url
    resources = render(project, environment)
    queries = [*variable_queries(resources), *panel_queries(resources)]
    queries += scrape_queries(project.labels, environment)  # each servers[].scrape exporter is up
    runs = [("prometheus", "queries", url, queries, run_check(queries, PrometheusHTTP(url, datasource)))]
    if loki_url:
        from graf.check_logs import LokiHTTP, loki_queries

        logql = loki_queries(resources)
        runs.append(("loki", "LogQL queries", loki_url, logql,
                     run_check(logql, LokiHTTP(loki_url, environment.datasources["loki"]))))
    if tempo_url:
        from graf.check_logs import TempoHTTP, tempo_queries

        traceql = tempo_queries(resources)
        runs.append(("tempo", "TraceQL searches", tempo_url, traceql,
                     run_check(traceql, TempoHTTP(tempo_url, environment.datasources["tempo"]))))
    if fmt == "json":
        documents = {kind: _document(where, found, results) for kind, _, where, found, results in runs}
        echo_json({"env": env, **documents["prometheus"], "prometheus": redact(url),
                   **{kind: doc for kind, doc in documents.items() if kind != "prometheus"}})
        return 1 if any(_failed(results) for *_, results in runs) else 0
    failed = [r for _, what, where, found, results in runs for r in _report(app, env, what, found, results, where)]
    return 1 if failed else 0


def _failed(results: list[QueryResult]) -> list[QueryResult]:
    from graf.check import failures

    return failures(results)


def _document(url: str, queries: list[PanelQuery], results: list[QueryResult]) -> dict[str, Any]:
    """One source's part of `--format json` (README, Machine-readable output)."""
    failed = _failed(results)
    errors = sum(r.status == "error" for r in failed)
    return {"url": redact(url), "queries": len(queries), "dashboards": len({q.dashboard_uid for q in queries}),
            "with_data": len(results) - len(failed), "empty": len(failed) - errors, "errors": errors,
            "results": [{"dashboard": r.query.dashboard_uid, "dashboard_title": r.query.dashboard_title,
                         "panel": r.query.panel_title, "ref_id": r.query.ref_id, "query": r.query.query,
                         "status": r.status, "series": r.answer.series, "error": r.answer.error or None}
                        for r in results]}


def _report(app: Invocation, env: str, what: str, queries: list[PanelQuery], results: list[QueryResult],
            url: str) -> list[QueryResult]:
    """List the dead queries (every query with -v) and a summary line; the failures."""
    failed = _failed(results)
    for result in results if app.verbose else failed:
        q = result.query
        detail = result.answer.error or ("no series" if result.status == "empty" else
                                         f"{result.answer.series} series")
        click.echo(f"{result.status.upper():5}  {q.dashboard_title} › {q.panel_title} [{q.ref_id}]: {detail}")
        click.echo(f"       {q.query}")
    dashboards = len({q.dashboard_uid for q in queries})
    errors = sum(r.status == "error" for r in failed)
    click.echo(f"{env}: {len(queries)} {what} in {dashboards} dashboards against {redact(url)}: "
               f"{len(results) - len(failed)} with data, {len(failed) - errors} empty, {errors} errors", err=True)
    return failed
