"""`graf plan --env NAME`: what sync would do, per resource. Exit 0 nothing pending, 3 changes pending."""

from __future__ import annotations

from typing import Any

import click

from graf.cli import Invocation, echo_json, env_option, format_option, use_colour
from graf.urls import url_option

KIND_CHOICES = ("folder", "datasource", "dashboard", "alert-rule", "contact-point", "policy")


def grafana_options(function: Any) -> Any:
    """--url, --only and --concurrency, shared by plan, sync and export."""
    function = click.option("--concurrency", type=click.IntRange(1, 64), default=16, show_default=True,
                            help="Requests to Grafana in flight at once")(function)
    function = click.option("--only", "only", multiple=True, type=click.Choice(KIND_CHOICES), metavar="KIND",
                            help=f"Only these kinds; repeat for several ({', '.join(KIND_CHOICES)})")(function)
    function = click.option("--url", envvar="GRAFANA_URL", default=None, metavar="URL", callback=url_option,
                            help="Grafana to talk to, instead of graf.yaml's [env var: GRAFANA_URL]")(function)
    return function


def transport_lines(there: Any) -> list[str]:
    """`-v`: which Grafana graf met and which API it speaks for each kind (chosen once per run)."""
    kinds = there.kinds
    server = kinds.server
    lines = [f"grafana: {server.version or 'version unknown'}" if server else "grafana: not asked"]
    lines += [f"  {io.name:<14} {io.transport}" for io in kinds]
    return lines


@click.command()
@env_option(required=True)
@grafana_options
@click.option("--prune", is_flag=True, help="Also show graf-managed resources the code no longer has as deletes")
@format_option
@click.pass_obj
def plan(app: Invocation, env: str, url: str | None, only: tuple[str, ...], concurrency: int, prune: bool,
         fmt: str) -> int:
    """Show what `graf sync` would create, update, delete, and what conflicts with edits made in Grafana."""
    from graf._api import target
    from graf.grafana.report import plan_json, plan_lines, plan_summary

    with target(app.project, env, url=url, concurrency=concurrency) as there:
        result = there.plan(only=only, prune=prune, orphans=True)
        if app.verbose:
            for line in transport_lines(there):
                click.echo(line, err=True)
    if fmt == "json":
        echo_json(plan_json(env, result))
    else:
        colour = use_colour()
        for line in plan_lines(result, verbose=app.verbose > 0, colour=colour):
            click.echo(line, color=colour)
        click.echo(plan_summary(env, result))
    if result.unread:
        click.echo(f"error: {len(result.unread)} resource(s) could not be read; run graf plan again", err=True)
        return 1
    return 3 if result.pending else 0
