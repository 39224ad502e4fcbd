"""`graf export --env NAME`: live Grafana -> canonical JSON files, and which managed resources drifted."""

from __future__ import annotations

from pathlib import Path

import click

from graf.cli import Invocation, env_option
from graf.commands.plan import grafana_options


@click.command()
@env_option(required=True)
@grafana_options
@click.option("--uid", "uids", multiple=True, metavar="UID", help="Only these uids (any kind); repeat for several")
@click.option("--all", "include_unmanaged", is_flag=True,
              help="Also export dashboards graf does not manage, ready to be adopted into code")
@click.option("--out", "-o", type=click.Path(file_okay=False, path_type=Path), default=None,
              help="Output folder (default: export/ beside graf.yaml); files are <env>/<kind>/<uid>.json")
@click.pass_obj
def export(app: Invocation, env: str, url: str | None, only: tuple[str, ...], concurrency: int, uids: tuple[str, ...],
           include_unmanaged: bool, out: Path | None) -> int:
    """Write what Grafana holds as canonical JSON (secrets never included); report drift from the code."""
    from graf._api import export as run_export

    done = run_export(app.project, env, url=url, uids=uids, include_unmanaged=include_unmanaged, only=only, out=out,
                      concurrency=concurrency)
    for drift in done.export.drift:
        click.echo(f"drift: {drift.line}")
    for name in done.export.unmanaged:
        click.echo(f"unmanaged: {name} (place its file where graf.yaml dashboards.files finds it to adopt it)")
    for line in done.export.errors:
        click.echo(f"error: {line}", err=True)
    click.echo(f"export {env}: {len(done.files)} file(s) -> {done.folder / env}"
               + (f", {len(done.export.drift)} drifted from code" if done.export.drift else "")
               + (f", {len(done.export.errors)} not exported" if done.export.errors else ""))
    return 1 if done.export.errors else 0
