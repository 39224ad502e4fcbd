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
    from graf.errors import NotFound
    from graf.files import write_file
    from graf.grafana.client import connect
    from graf.grafana.export import export as run_export
    from graf.grafana.live import desired_resources, scope_of

    project = app.project
    environment = project.environment(env)
    desired = desired_resources(project, environment)
    api = connect(environment, url=url)
    try:
        result = run_export(api, env, desired, uids=uids, include_unmanaged=include_unmanaged,
                            concurrency=concurrency, scope=scope_of(project, environment))
    finally:
        api.close()
    if only:
        result = type(result)(result.env, tuple(r for r in result.resources if r.kind in only),
                              tuple(d for d in result.drift if d.kind in only), result.unmanaged)
    missing = sorted(set(uids) - {r.uid for r in result.resources})
    if missing:
        raise NotFound(f"environments.{env}", f"not in Grafana: {', '.join(missing)}",
                       "check the uid (graf plan lists what graf manages)")
    folder = out or project.root / "export"
    files = result.files()
    for relative, text in sorted(files.items()):
        write_file(folder / relative, text)
    for drift in result.drift:
        click.echo(f"drift: {drift.line}")
    for name in result.unmanaged:
        click.echo(f"unmanaged: {name} (place its file where graf.yaml dashboards.files finds it to adopt it)")
    click.echo(f"export {env}: {len(files)} file(s) -> {folder / env}"
               + (f", {len(result.drift)} drifted from code" if result.drift else ""))
    return 0
