"""`graf test [--env NAME ...] [FILE ...]`: run the alert rules' unit tests (alerts/tests/*.yaml)."""

from __future__ import annotations

from pathlib import Path

import click

from graf.cli import App, env_option


@click.command()
@env_option(multiple=True)
@click.argument("paths", nargs=-1, type=click.Path(path_type=Path), metavar="[FILE_OR_DIR]...")
@click.option("--format", "fmt", type=click.Choice(["text", "json"]), default="text", show_default=True,
              help="Failing cases as lines and a summary, or one JSON document.")
@click.pass_obj
def test(app: App, envs: tuple[str, ...], paths: tuple[Path, ...], fmt: str) -> int:
    """Evaluate the rendered alert rules on the test files' series; compare states, labels, annotations, routes.

    Without FILE_OR_DIR: every alerts/tests/*.yaml beside graf.yaml. PromQL runs on a real
    Prometheus started for the run (Debian package prometheus), routing on Alertmanager's code
    (amtool, package prometheus-alertmanager). Exit 0 all passed, 1 a case failed, 2 a bad test file.
    """
    from graf.ruletest import report as render
    from graf.ruletest import run

    result = run(app.project, envs, paths)
    if fmt == "json":
        click.echo(render.as_json(result))
    else:
        for line in render.text(result, verbose=app.verbose > 0):
            click.echo(line)
        click.echo(render.summary(result), err=True)
    return 1 if result.failed else 0
