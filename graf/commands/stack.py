"""`graf stack render|up|agent`: the monitoring server's compose stack and the app servers' agents."""

from __future__ import annotations

import os
from collections.abc import Callable, Collection, Mapping
from pathlib import Path
from typing import TYPE_CHECKING, Any, cast

import click

from graf.cli import Invocation, env_option
from graf.completion import hosts

if TYPE_CHECKING:
    from graf.config import Project
    from graf.stack.server import ServerFiles

PROFILES = ("small", "medium", "large")
KUBERNETES_PROFILE = "large"


def write_files(out: Path, files: Mapping[str, str], private: Collection[str] = ()) -> list[str]:
    """Write the rendered files (all or none); remove files graf wrote last time and no longer renders
    (graf/stack/output.py says which ones it may). Returns the removed paths; says which it kept."""
    from graf.stack.output import shown, write_output

    outcome = write_output(out, files, private)
    for path, why in outcome.kept:
        click.echo(f"warning: {shown(path)}: kept, {why}", err=True)
    return outcome.removed


@click.group()
def stack() -> None:
    """The monitoring server's compose stack and the app servers' agents, from graf.yaml."""


def _out_option(default_help: str) -> Callable[[Any], Any]:
    return click.option("--out", "-o", type=click.Path(path_type=Path), default=None,
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
@_out_option("stack-out/server, or stack-out/kubernetes")
@_profile_option
@click.option("--target", type=click.Choice(["compose", "kubernetes"]), default=None,
              help="compose: one server's docker-compose stack; kubernetes: Helm values for the official charts "
                   "[default: stack.target of graf.yaml, else compose]")
@click.option("--namespace", default=None,
              help="[kubernetes] Namespace of the releases [default: stack.namespace of graf.yaml, else monitoring]")
@click.option("--s3-endpoint", default="https://s3.amazonaws.com", show_default=True, metavar="URL",
              help="[kubernetes] S3-compatible object store (http:// for a plain-HTTP in-cluster store)")
@click.option("--s3-region", default="us-east-1", show_default=True, help="[kubernetes] Object store region")
@click.option("--s3-path-style/--s3-virtual-host", default=False,
              help="[kubernetes] Path-style bucket URLs (MinIO and most S3-compatible stores) [default: virtual host]")
@click.option("--bucket-prefix", default=None,
              help="[kubernetes] Bucket names start with this (default: the project name)")
@click.option("--kafka", default=None, metavar="HOST:PORT",
              help="[kubernetes] Kafka for Tempo 3 (default: kafka.<namespace>.svc.cluster.local:9092)")
@click.option("--grafana-host", default=None,
              help="[kubernetes] Host name of Grafana's ingress "
                   "(default: the host of the first environment's grafana.url)")
@click.option("--series", type=click.IntRange(min=1), default=10_000, show_default=True,
              help="[kubernetes] Expected active series: sizes Prometheus")
@click.pass_obj
def render(app: Invocation, envs: tuple[str, ...], out: Path | None, profile: str | None, target: str | None,
           namespace: str | None, s3_endpoint: str, s3_region: str, s3_path_style: bool, bucket_prefix: str | None,
           kafka: str | None, grafana_host: str | None, series: int) -> None:
    """Write docker-compose.yml, the Prometheus, Loki and Tempo configs and .env.example
    (--target kubernetes: Helm values for each chart and install.sh)."""
    stack_cfg = app.project.stack
    if (target or stack_cfg.target) == "kubernetes":
        _render_kubernetes(app, envs, out, profile, namespace or stack_cfg.namespace, s3_endpoint, s3_region,
                           s3_path_style, bucket_prefix,
                           kafka, grafana_host, series)
        return
    _, result, folder, stale = _render_server(app, out, profile, envs)
    _summary(result, folder, stale)


def _render_kubernetes(app: Invocation, envs: tuple[str, ...], out: Path | None, profile: str | None,
                       namespace: str, s3_endpoint: str, s3_region: str, s3_path_style: bool,
                       bucket_prefix: str | None, kafka: str | None, grafana_host: str | None, series: int) -> None:
    from urllib.parse import urlsplit

    from graf.stack.kubernetes.render import render_kubernetes
    from graf.stack.kubernetes.storage import object_store
    from graf.stack.kubernetes.values import Settings, retention_note

    project = app.project
    selected = project.select(envs)
    first = (selected or list(project.environments.values()))[0]
    host = grafana_host or urlsplit(first.grafana.url).hostname or ""
    if not host or host.replace(".", "").isdigit() or ":" in host:
        from graf.errors import UsageError

        raise UsageError("--grafana-host", f"{first.name}'s grafana.url has no host name for an ingress "
                                           f"({host or 'none'})", "give --grafana-host grafana.example.com")
    settings = Settings(namespace, object_store(s3_endpoint, s3_region, s3_path_style, bucket_prefix or project.name),
                        kafka or f"kafka.{namespace}.svc.cluster.local:9092", host, series)
    # A cluster starts from the large profile's limits (Loki streams and rates, Tempo's live traces and
    # generator series) unless --profile says otherwise; stack.profile sizes the box.
    result = render_kubernetes(project, settings, profile or KUBERNETES_PROFILE, selected)
    folder = out or project.root / "stack-out" / "kubernetes"
    stale = write_files(folder, result.files)
    click.echo(f"wrote {len(result.files)} files to {folder}" + (f" (removed {len(stale)} stale)" if stale else ""))
    click.echo(f"retention: {retention_note(result.retention)}; memory per component: {folder / 'SIZING.md'}")
    click.echo(f"datasources for graf.yaml: {folder / 'graf-datasources.yaml'}")
    click.echo("next: export S3_ACCESS_KEY_ID, S3_SECRET_ACCESS_KEY, GRAFANA_ADMIN_PASSWORD; "
               f"sh {folder / 'install.sh'}")


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
@click.option("--host", required=True, metavar="HOST", shell_complete=hosts,
              help="The app server's host, as in environments.<env>.servers")
@_out_option("stack-out/agents/<env>/<host>")
@click.option("--shipper", type=click.Choice(["alloy", "promtail"]), default="alloy", show_default=True,
              help="Log shipper (Promtail is end-of-life since 2026-03-02)")
@click.pass_obj
def agent(app: Invocation, env: str, host: str, out: Path | None, shipper: str) -> None:
    """Write an app server's log shipper config, node_exporter unit and Spring Boot settings."""
    from graf.stack.agent import CREDENTIAL_FILES, Shipper, render_agent
    from graf.stack.endpoints import unpublished_warnings

    project = app.project
    files = render_agent(project, env, host, cast("Shipper", shipper), os.environ)
    folder = out or project.root / "stack-out" / "agents" / env / host
    stale = write_files(folder, files, CREDENTIAL_FILES)
    for warning in unpublished_warnings(project):
        click.echo(f"warning: {warning}", err=True)
    click.echo(f"wrote {len(files)} files to {folder}" + (f" (removed {len(stale)} stale)" if stale else ""))
    for name in sorted(files):
        click.echo(f"  {name}")


@stack.command("plan-capacity")
@click.option("--series", type=click.IntRange(min=0), default=None, help="Expected active series [default: 10000]")
@click.option("--logs-gb-day", type=click.FloatRange(min=0), default=None,
              help="Expected raw logs per day in GB [default: stack.volume.logs_per_day]")
@click.option("--spans-per-second", type=click.FloatRange(min=0), default=None,
              help="Expected spans per second [default: from stack.volume.traces_per_day]")
@click.pass_obj
def plan_capacity(app: Invocation, series: int | None, logs_gb_day: float | None,
                  spans_per_second: float | None) -> None:
    """Say which target fits the expected volumes: a box profile or Kubernetes, with the figures behind it."""
    from graf.stack.kubernetes.capacity import expected_from, report_lines
    from graf.stack.sizing import effective_retention

    project = app.project
    expected = expected_from(project.stack, series, logs_gb_day, spans_per_second)
    for line in report_lines(expected, effective_retention(project.stack)):
        click.echo(line)


def _image_pair(_ctx: click.Context, _param: click.Parameter, values: tuple[str, ...]) -> dict[str, str] | None:
    if not values:
        return None
    pairs: dict[str, str] = {}
    for value in values:
        service, sep, image = value.partition("=")
        if not sep or not service or not image:
            from graf.errors import UsageError

            raise UsageError("--to", f"{value[:100]!r} is not SERVICE=IMAGE (e.g. tempo=grafana/tempo:3.0.3)")
        pairs[service.strip()] = image.strip()
    return pairs


@stack.command("upgrade-check")
@click.option("--to", "to", multiple=True, callback=_image_pair, metavar="SERVICE=IMAGE",
              help="A newer image to compare with (repeatable; default: the newer releases graf renders for, "
                   "e.g. tempo=grafana/tempo:3.0.3)")
@_profile_option
@click.pass_obj
def upgrade_check(app: Invocation, to: dict[str, str] | None, profile: str | None) -> int:
    """Name what graf would render differently with newer images: keys moved, removed, added, changed.

    Compares graf's rendering for the images in use (pinned, or stack.images) with its rendering for the
    newer ones; writes nothing. Exit 0 when nothing changes, 3 when something does.
    """
    from graf.stack.upgrade import parse_targets, report_lines, upgrade_check

    report = upgrade_check(app.project, parse_targets(to), profile)
    for line in report_lines(report):
        click.echo(line)
    return 3 if report.changes else 0
