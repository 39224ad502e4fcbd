"""`graf stack render|up|agent`: the monitoring server's compose stack and the app servers' agents."""

from __future__ import annotations

import os
from collections.abc import Callable, Mapping
from pathlib import Path
from typing import TYPE_CHECKING, Any, cast

import click

from graf.cli import Invocation, env_option

if TYPE_CHECKING:
    from graf.config import Project
    from graf.stack.server import ServerFiles

MANIFEST = ".graf-files"
PROFILES = ("small", "medium", "large")


def write_files(out: Path, files: Mapping[str, str]) -> list[str]:
    """Write each file atomically; remove files graf wrote last time and no longer renders. Files graf did
    not write (.env, certificates) are left alone. Returns the removed paths."""
    from graf.files import write_file

    manifest = out / MANIFEST
    before = set(manifest.read_text(encoding="utf-8").split()) if manifest.is_file() else set()
    for relative, text in sorted(files.items()):
        write_file(out / relative, text)
        # Containers read these as their own non-root users, whatever the umask.
        (out / relative).chmod(0o644)
    stale = sorted(before - set(files))
    for relative in stale:
        (out / relative).unlink(missing_ok=True)
    write_file(manifest, "".join(f"{name}\n" for name in sorted(files)))
    return stale


@click.group()
def stack() -> None:
    """The monitoring server's compose stack and the app servers' agents, from graf.yaml."""


def _out_option(default_help: str) -> Callable[[Any], Any]:
    return click.option("--out", "-o", type=click.Path(file_okay=False, path_type=Path), default=None,
                        help=f"Output folder (default: {default_help} beside graf.yaml); graf's files in it are "
                             "replaced, others (.env, certificates) kept")


_profile_option = click.option("--profile", type=click.Choice(PROFILES), default=None,
                               help="Size profile (default: stack.profile of graf.yaml)")


def _render_server(app: Invocation, out: Path | None, profile: str | None,
                   envs: tuple[str, ...]) -> tuple[Project, ServerFiles, Path, list[str]]:
    from graf.stack.server import render_server

    project = app.project
    result = render_server(project, profile, project.select(envs))
    folder = out or project.root / "stack-out" / "server"
    stale = write_files(folder, result.files)
    return project, result, folder, stale


@stack.command()
@env_option(multiple=True)
@_out_option("stack-out/server")
@_profile_option
@click.pass_obj
def render(app: Invocation, envs: tuple[str, ...], out: Path | None, profile: str | None) -> None:
    """Write docker-compose.yml, the Prometheus, Loki and Tempo configs and .env.example."""
    _, result, folder, stale = _render_server(app, out, profile, envs)
    _summary(result, folder, stale)


def _summary(result: ServerFiles, folder: Path, stale: list[str]) -> None:
    from graf.stack.sizing import human_size, prometheus_duration

    p, r = result.profile, result.retention
    click.echo(f"wrote {len(result.files)} files to {folder}" + (f" (removed {len(stale)} stale)" if stale else ""))
    click.echo(f"profile {p.name}: memory limits {p.total_mib} MiB of a {p.budget_mib} MiB budget "
               f"({p.host_mib} MiB host, {p.reserve_mib} MiB left to the OS)")
    click.echo(f"retention: metrics {prometheus_duration(r.metrics_seconds)} or {human_size(r.metrics_bytes)}, "
               f"logs {prometheus_duration(r.logs_seconds)}{' (size cap)' if r.logs_capped else ''}, "
               f"traces {prometheus_duration(r.traces_seconds)}{' (size cap)' if r.traces_capped else ''}")
    click.echo(f"next: cp {folder / '.env.example'} {folder / '.env'}, fill it in, then graf stack up")


@stack.command()
@env_option(multiple=True)
@_out_option("stack-out/server")
@_profile_option
@click.option("--timeout", type=float, default=180.0, show_default=True, help="Seconds to wait for Grafana's health")
@click.option("--no-sync", is_flag=True, help="Start the stack only; do not run graf sync")
@click.pass_context
def up(ctx: click.Context, envs: tuple[str, ...], out: Path | None, profile: str | None, timeout: float,
       no_sync: bool) -> int:
    """Render, docker compose up -d, wait for Grafana, then graf sync each environment that uses it.

    --env picks the environments to sync (default: those whose grafana.url is this stack's Grafana).
    """
    from graf.cli import cli
    from graf.errors import ConfigError, GrafError
    from graf.stack.compose import secret_variables
    from graf.stack.server import environments_on_stack
    from graf.stack.up import check_docker, compose_up, missing_variables, wait_for_grafana

    app: Invocation = ctx.obj
    project, result, folder, _ = _render_server(app, out, profile, ())
    docker = check_docker()
    missing = missing_variables(folder, secret_variables(result.environments), os.environ)
    if missing:
        raise ConfigError(str(folder / ".env"), f"{', '.join(missing)} not set",
                          f"cp {folder / '.env.example'} {folder / '.env'} and fill it in")
    click.echo(f"docker compose up -d in {folder}", err=True)
    compose_up(docker, folder)
    stack_cfg = project.stack
    url = f"http://{stack_cfg.grafana_bind}:{stack_cfg.ports['grafana']}"
    waited = wait_for_grafana(url, timeout)
    click.echo(f"Grafana healthy at {url} after {waited:.0f}s")
    if no_sync:
        return 0
    targets = project.select(envs) if envs else environments_on_stack(project)
    if not targets:
        click.echo("no environment's grafana.url points at this stack: nothing to sync (use --env)", err=True)
        return 0
    sync = cli.get_command(ctx, "sync")
    assert sync is not None  # a command of graf's own COMMANDS table
    codes = []
    for env in targets:
        click.echo(f"graf sync --env {env.name}", err=True)
        try:
            code = ctx.invoke(sync, env=env.name)
        except GrafError as exc:  # one environment failing does not keep the others out of Grafana
            click.echo(f"error: {exc.one_line()}", err=True)
            code = exc.exit_code
        codes.append(code if isinstance(code, int) else 0)
    failed = [code for code in codes if code not in (0, 3, 4)]
    return failed[0] if failed else max(codes)  # a failure over conflicts (4) over success


@stack.command()
@click.option("--env", "-e", "env", required=True, envvar="GRAF_ENV", metavar="NAME",
              help="Environment of graf.yaml [env var: GRAF_ENV]")
@click.option("--host", required=True, metavar="HOST", help="The app server's host, as in environments.<env>.servers")
@_out_option("stack-out/agents/<env>/<host>")
@click.option("--shipper", type=click.Choice(["alloy", "promtail"]), default="alloy", show_default=True,
              help="Log shipper (Promtail is end-of-life since 2026-03-02)")
@click.pass_obj
def agent(app: Invocation, env: str, host: str, out: Path | None, shipper: str) -> None:
    """Write an app server's log shipper config, node_exporter unit and Spring Boot settings."""
    from graf.stack.agent import Shipper, render_agent
    from graf.stack.endpoints import unpublished_warnings

    project = app.project
    files = render_agent(project, env, host, cast("Shipper", shipper), os.environ)
    folder = out or project.root / "stack-out" / "agents" / env / host
    stale = write_files(folder, files)
    for warning in unpublished_warnings(project):
        click.echo(f"warning: {warning}", err=True)
    click.echo(f"wrote {len(files)} files to {folder}" + (f" (removed {len(stale)} stale)" if stale else ""))
    for name in sorted(files):
        click.echo(f"  {name}")
