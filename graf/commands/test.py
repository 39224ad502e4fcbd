"""`graf test [--env NAME ...] [FILE ...]`: run the alert rules' unit tests (alerts/tests/*.yaml), or --replay them."""

from __future__ import annotations

from pathlib import Path

import click

from graf.cli import Invocation, env_option


@click.command()
@env_option(multiple=True)
@click.argument("paths", nargs=-1, type=click.Path(path_type=Path), metavar="[FILE_OR_DIR]...")
@click.option("--format", "fmt", type=click.Choice(["text", "json"]), default="text", show_default=True,
              help="Failing cases as lines and a summary, or one JSON document.")
@click.option("--replay", metavar="DURATION",
              help="Instead of the test files: evaluate every rule over the last DURATION (e.g. 7d) of a real "
                   "Prometheus and report how often it would have fired, for how long, and its flaps.")
@click.option("--prometheus", "prometheus_url", metavar="URL", envvar="GRAF_PROMETHEUS_URL",
              help="Prometheus for --replay (default: the environment's Prometheus datasource URL) "
                   "[env var: GRAF_PROMETHEUS_URL]")
@click.pass_obj
def test(app: Invocation, envs: tuple[str, ...], paths: tuple[Path, ...], fmt: str, replay: str | None,
         prometheus_url: str | None) -> int:
    """Evaluate the rendered alert rules on the test files' series; compare states, labels, annotations, routes.

    Without FILE_OR_DIR: every alerts/tests/*.yaml beside graf.yaml. PromQL runs on a real
    Prometheus started for the run (Debian package prometheus), routing on Alertmanager's code
    (amtool, package prometheus-alertmanager). Exit 0 all passed, 1 a case failed, 2 a bad test file.

    With --replay 7d: no test files; every rule of the environments runs over the last 7 days of
    the Prometheus at --prometheus, and each line says how often it would have fired, for how
    long, and how often it flapped.
    """
    if replay is not None:
        return _replay(app, envs, paths, fmt, replay, prometheus_url)
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


def _replay(app: Invocation, envs: tuple[str, ...], paths: tuple[Path, ...], fmt: str, window: str,
            prometheus_url: str | None) -> int:
    import json

    from graf.errors import UsageError
    from graf.ruletest import replay
    from graf.units import parse_duration

    if paths:
        raise UsageError("--replay", "replays the rendered rules on real data; it takes no test files")
    try:
        seconds = parse_duration(window)
    except ValueError:
        raise UsageError("--replay", f"not a duration: {window!r} (e.g. 7d, 24h)") from None
    results = replay.replay(app.project, envs, seconds, prometheus_url)
    if fmt == "json":
        click.echo(json.dumps({"window": window, "rules": [r.as_json() for r in results]}, indent=2,
                              ensure_ascii=False))
    else:
        for line in replay.text(results, window):
            click.echo(line)
    return 0
