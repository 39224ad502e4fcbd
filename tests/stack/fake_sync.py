"""A stand-in `graf sync` for the `graf stack up` tests: records which environments it was asked to sync."""

from __future__ import annotations

import click

CALLS: list[dict[str, object]] = []


@click.command()
@click.option("--env", "-e", "env", required=True)
@click.option("--dry-run", is_flag=True)
@click.pass_obj
def sync(app: object, env: str, dry_run: bool) -> int:
    from graf.errors import Unauthorized

    CALLS.append({"env": env, "dry_run": dry_run, "project": type(app).__name__})
    if env == "staging":
        raise Unauthorized("http://127.0.0.1:3000", "Grafana rejected the credentials (401)")
    return 4 if env == "prod" else 0
