"""`graf build`: render every environment to DIR/<env>/<kind>/<uid>.json."""

from __future__ import annotations

from pathlib import Path

import click

from graf.cli import Invocation, env_option


@click.command()
@env_option(multiple=True)
@click.option("--out", "-o", type=click.Path(path_type=Path), default=None,
              help="Output folder, replaced as a whole (default: build/ beside graf.yaml)")
@click.pass_obj
def build(app: Invocation, envs: tuple[str, ...], out: Path | None) -> None:
    """Render datasources, dashboards and alert rules as canonical JSON (refused if graf validate finds errors)."""
    import gc

    from graf._build import build as run_build
    from graf.validate import verdicts
    from graf.validate.findings import InvalidResources

    # What a build makes (classes, rendered JSON) lives until the process ends: no cycle to look for, so the
    # collector waits, and what was made is frozen out of its sight (as graf.gcpause.gc_held does).
    was_enabled = gc.isenabled()
    gc.disable()
    verdicts.enable()  # the queries' verdicts of earlier runs, as graf validate keeps them
    try:
        project = app.project
        result = run_build(project, out or project.root / "build", envs)
    except InvalidResources as exc:
        for finding in exc.findings:
            click.echo(finding.one_line(), err=True)
        raise
    finally:
        verdicts.save()
        verdicts.disable()
        gc.freeze()
        if was_enabled:
            gc.enable()
    for finding in result.findings:
        click.echo(finding.one_line(), err=True)
    for env in result.resources:
        click.echo(result.summary(env))
