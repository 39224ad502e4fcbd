"""`graf build`: render every environment to DIR/<env>/<kind>/<uid>.json."""

from __future__ import annotations

from pathlib import Path

import click

from graf.cli import App, env_option


@click.command()
@env_option(multiple=True)
@click.option("--out", "-o", type=click.Path(file_okay=False, path_type=Path), default=None,
              help="Output folder, replaced as a whole (default: build/ beside graf.yaml)")
@click.pass_obj
def build(app: App, envs: tuple[str, ...], out: Path | None) -> None:
    """Render datasources, dashboards and alert rules as canonical JSON."""
    from graf.build import build as run_build

    project = app.project
    result = run_build(project, out or project.root / "build", envs)
    for env in result.resources:
        click.echo(result.summary(env))
