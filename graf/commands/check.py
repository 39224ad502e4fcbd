"""`graf check --env NAME [--prometheus URL]`: list the dashboard panels whose queries show no data."""

from __future__ import annotations

import click

from graf.cli import Invocation, echo_json, env_option, format_option
from graf.urls import redact, url_option


@click.command()
@env_option(required=True)
@click.option("--prometheus", "prometheus_url", metavar="URL", envvar="GRAF_PROMETHEUS_URL", callback=url_option,
              help="Prometheus to query (default: the environment's Prometheus datasource URL) "
                   "[env var: GRAF_PROMETHEUS_URL]")
@format_option
@click.pass_obj
def check(app: Invocation, env: str, prometheus_url: str | None, fmt: str) -> int:
    """Run every Prometheus query of the environment's dashboards; list each that errors or returns nothing.

    Panel queries and the `label_values(...)` queries of variables are checked, and that each exporter of
    the servers' `scrape` lists is up under graf's labels ("Scrape targets"). Variables take
    their defaults (the environment's label, All), Grafana's built-ins sane values
    ($__rate_interval 1m, $__range 1h). Exit code 1 when any query fails.
    """
    from graf._render import render
    from graf.check import PrometheusHTTP, failures, panel_queries, scrape_queries, variable_queries
    from graf.check import check as run_check

    project = app.project
    environment = project.environment(env)
    datasource = environment.datasources["prometheus"]
    url = prometheus_url or datasource.url
    resources = render(project, environment)
    queries = [*variable_queries(resources), *panel_queries(resources)]
    dashboards = len({q.dashboard_uid for q in queries})
    queries += scrape_queries(project.labels, environment)  # each servers[].scrape exporter is up
    results = run_check(queries, PrometheusHTTP(url, datasource))
    failed = failures(results)
    errors = sum(r.status == "error" for r in failed)
    if fmt == "json":
        echo_json({"env": env, "prometheus": url, "queries": len(queries), "dashboards": dashboards,
                   "with_data": len(results) - len(failed), "empty": len(failed) - errors, "errors": errors,
                   "results": [{"dashboard": r.query.dashboard_uid, "dashboard_title": r.query.dashboard_title,
                                "panel": r.query.panel_title, "ref_id": r.query.ref_id, "query": r.query.query,
                                "status": r.status, "series": r.answer.series, "error": r.answer.error or None}
                               for r in results]})
        return 1 if failed else 0
    for result in results if app.verbose else failed:
        q = result.query
        detail = result.answer.error or ("no series" if result.status == "empty" else
                                         f"{result.answer.series} series")
        click.echo(f"{result.status.upper():5}  {q.dashboard_title} › {q.panel_title} [{q.ref_id}]: {detail}")
        click.echo(f"       {q.query}")
    click.echo(f"{env}: {len(queries)} queries in {dashboards} dashboards against {redact(url)}: "
               f"{len(results) - len(failed)} with data, {len(failed) - errors} empty, {errors} errors", err=True)
    return 1 if failed else 0
