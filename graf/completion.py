"""Shell completion from graf.yaml: environment names and app-server hosts, read without validating.

Completion runs on every <TAB>: it reads graf.yaml with a plain YAML load (no schema, no render)
and never raises; a file it cannot read completes nothing. Kinds (`--only`) are click choices and
complete on their own.
"""

from __future__ import annotations

import os
from pathlib import Path
from typing import Any

import click
from click.shell_completion import CompletionItem


def _graf_yaml(ctx: click.Context) -> dict[str, Any]:
    root = ctx.find_root()
    given = root.params.get("config") or os.environ.get("GRAF_CONFIG")
    path: Path | None = Path(given) if given else None
    if path is None:
        for folder in (Path.cwd(), *Path.cwd().parents):
            if (folder / "graf.yaml").is_file():
                path = folder / "graf.yaml"
                break
    try:
        import yaml

        if path is None or path.stat().st_size > 1 << 20:
            return {}
        data = yaml.safe_load(path.read_text(encoding="utf-8"))
    except Exception:  # completion must never break the shell: an unreadable file completes nothing
        return {}
    return data if isinstance(data, dict) else {}


def _environments(ctx: click.Context) -> dict[str, Any]:
    envs = _graf_yaml(ctx).get("environments")
    return envs if isinstance(envs, dict) else {}


def environments(ctx: click.Context, param: click.Parameter, incomplete: str) -> list[CompletionItem]:
    """`--env <TAB>`: the environments of graf.yaml."""
    return [CompletionItem(str(name)) for name in _environments(ctx) if str(name).startswith(incomplete)]


def hosts(ctx: click.Context, param: click.Parameter, incomplete: str) -> list[CompletionItem]:
    """`--host <TAB>`: the app servers of the chosen environment (of every environment when none is chosen)."""
    chosen = ctx.params.get("env")
    out: list[str] = []
    for name, env in _environments(ctx).items():
        if (chosen and name != chosen) or not isinstance(env, dict):
            continue
        for server in env.get("servers") or []:
            host = server.get("host") if isinstance(server, dict) else None
            if isinstance(host, str) and host.startswith(incomplete) and host not in out:
                out.append(host)
    return [CompletionItem(host) for host in out]
