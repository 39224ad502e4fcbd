"""`graf check --env NAME [--prometheus URL]`: list the dashboard panels whose queries show no data."""

from __future__ import annotations

import click

from graf.cli import Invocation, env_option


@click.command()
@env_option(required=True)
@click.option("--prometheus", "prometheus_url", metavar="URL", envvar="GRAF_PROMETHEUS_URL",
              help="Prometheus to query (default: the environment's Prometheus datasource URL) "
                   "[env var: GRAF_PROMETHEUS_URL]")
@click.pass_obj
def check(app: Invocation, env: str, prometheus_url: str | None) -> int:
    """Run every Prometheus query of the environment's dashboards; list each that errors or returns nothing.

    Panel queries and the `label_values(...)` queries of variables are checked. Variables take
    their defaults (the environment's label, All), Grafana's built-ins sane values
    ($__rate_interval 1m, $__range 1h). Exit code 1 when any query fails.
    """
    from graf._render import render
    from graf.check import PrometheusHTTP, failures, panel_queries, variable_queries
    from graf.check import check as run_check

    project = app.project
    environment = project.environment(env)
    datasource = environment.datasources["prometheus"]
    url = prometheus_url or datasource.url
    resources = render(project, environment)
    queries = [*variable_queries(resources), *panel_queries(resources)]
    results = run_check(queries, PrometheusHTTP(url, datasource))
    failed = failures(results)
    for result in results if app.verbose else failed:
        q = result.query
        detail = result.answer.error or ("no series" if result.status == "empty" else
                                         f"{result.answer.series} series")
        click.echo(f"{result.status.upper():5}  {q.dashboard_title} › {q.panel_title} [{q.ref_id}]: {detail}")
        click.echo(f"       {q.query}")
    dashboards = len({q.dashboard_uid for q in queries})
    errors = sum(r.status == "error" for r in failed)
    click.echo(f"{env}: {len(queries)} queries in {dashboards} dashboards against {url}: "
               f"{len(results) - len(failed)} with data, {len(failed) - errors} empty, {errors} errors", err=True)
    return 1 if failed else 0
