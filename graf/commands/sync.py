"""`graf sync --env NAME`: bring Grafana in step with the code; never overwrite an edit made in Grafana."""

from __future__ import annotations

import click

from graf.cli import Invocation, echo_json, env_option, format_option, use_colour
from graf.commands.plan import grafana_options, transport_lines


@click.command()
@env_option(required=True)
@grafana_options
@click.option("--dry-run", is_flag=True, help="Show the plan and write nothing (exit 3 when changes are pending)")
@click.option("--force", is_flag=True, help="Overwrite edits made in Grafana and take over resources graf did not "
              "create (never provisioned or read-only ones)")
@click.option("--force-v2", is_flag=True, help="Also replace dashboards a UI save stored as schema v2 (Grafana 13) "
              "with graf's classic JSON; their v2-only layout (tabs, rows, auto grid) is lost")
@click.option("--prune", is_flag=True, help="Delete graf-managed resources the code no longer has")
@format_option
@click.pass_obj
def sync(app: Invocation, env: str, url: str | None, only: tuple[str, ...], concurrency: int, dry_run: bool,
         force: bool, force_v2: bool, prune: bool, fmt: str) -> int:
    """Create, update (and with --prune delete) what differs; exit 4 when conflicts are left.

    Each change is printed as it is applied, in plan order, then a summary line."""
    from graf._api import target
    from graf.grafana.report import (
        change_line,
        outcome_line,
        plan_json,
        plan_lines,
        plan_summary,
        sync_json,
        sync_summary,
    )

    text, colour = fmt == "text", fmt == "text" and use_colour()
    with target(app.project, env, url=url, concurrency=concurrency) as there:
        plan = there.plan(only=only, prune=prune, force=force, force_v2=force_v2, orphans=dry_run)
        if app.verbose:
            for line in transport_lines(there):
                click.echo(line, err=True)
        if dry_run:
            if text:
                for line in plan_lines(plan, verbose=app.verbose > 0, colour=colour):
                    click.echo(line, color=colour)
                click.echo(plan_summary(env, plan))
            else:
                echo_json(plan_json(env, plan))
            return 3 if plan.pending else 0
        if text:
            for change in plan.changes:
                if change.action in ("conflict", "skipped", "orphan", "unread"):
                    click.echo(change_line(change, colour=colour), color=colour)
        result = there.apply(plan, force=force, on_outcome=(lambda o: click.echo(outcome_line(o, colour=colour),
                                                                               color=colour)) if text else None)
        requests = there.requests
    if app.verbose:
        click.echo("requests: " + ", ".join(f"{n} {m}" for m, n in sorted(requests.items())), err=True)
    if text:
        click.echo(sync_summary(env, plan, result))
    else:
        echo_json(sync_json(env, plan, result))
    if result.failed:
        click.echo(f"error: {len(result.failed)} of {len(plan.writes)} writes failed; what is listed as applied is "
                   "in Grafana, run graf sync again to finish", err=True)
        return 1
    if plan.unread:
        click.echo(f"error: {len(plan.unread)} resource(s) could not be read and were not written; the rest is "
                   "applied, run graf sync again to finish", err=True)
        return 1
    if plan.conflicts:
        click.echo(f"{len(plan.conflicts)} conflict(s) left: graf export keeps the Grafana version, graf sync --force "
                   "overwrites it", err=True)
        return 4
    return 0
