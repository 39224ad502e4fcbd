"""`graf validate`: schema and lint findings for rendered resources or dashboard JSON files."""

from __future__ import annotations

import gc
import json
import os
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import TYPE_CHECKING

import click

from graf.cli import Invocation, env_option

if TYPE_CHECKING:
    from graf.validate import Finding


@click.command()
@env_option(multiple=True)
@click.argument("paths", nargs=-1, type=click.Path(exists=True, path_type=Path), metavar="[FILE_OR_DIR]...")
@click.option("--strict", is_flag=True, help="Treat warnings as errors.")
@click.option("--jobs", "-j", type=click.IntRange(min=0), default=0, envvar="GRAF_JOBS", show_default=True,
              help="Worker processes for large inputs; 0 = one per CPU [env var: GRAF_JOBS]")
@click.option("--format", "fmt", type=click.Choice(["text", "json"]), default="text", show_default=True,
              help="Findings as lines, or as one JSON document.")
@click.pass_obj
def validate(app: Invocation, envs: tuple[str, ...], paths: tuple[Path, ...], strict: bool, jobs: int, fmt: str) -> int:
    """Check resources against graf's JSON Schemas and lint rules.

    Without FILE_OR_DIR: every environment's rendered resources (or those of --env).
    With them: any dashboard JSON (exports, community dashboards; folders are searched for
    *.json) on its own, or with --env against that environment's datasources and labels.
    Exit 0 clean, 1 with errors, 2 bad usage.
    """
    from graf.validate import strict as as_strict
    from graf.validate import verdicts

    jobs = jobs or os.cpu_count() or 1
    verdicts.enable()
    try:
        findings, count, skipped = _findings(app, envs, paths, jobs)
    finally:
        verdicts.save()
        verdicts.disable()
    if strict:
        findings = as_strict(findings)
    return _report(findings, count, skipped, strict, fmt)


def _findings(app: Invocation, envs: tuple[str, ...], paths: tuple[Path, ...],
              jobs: int) -> tuple[list[Finding], int, list[Path]]:
    from graf.validate import validate as run
    from graf.validate import validate_rendered

    skipped: list[Path] = []
    if paths and not envs and jobs > 1:
        import multiprocessing  # here, not at the top: `graf --help` imports this module for its help line

        from graf.validate import PARALLEL_FROM
        from graf.validate.load import entries

        files = entries(paths)
        if len(files) >= PARALLEL_FROM and "fork" in multiprocessing.get_all_start_methods():
            from graf.validate.sharded import validate_files

            return validate_files(files, jobs)
    if paths:
        from graf.gcpause import gc_paused
        from graf.validate.load import load_dashboards

        with gc_paused():  # a large input is thousands of fresh JSON trees: see graf.gcpause
            loaded = load_dashboards(paths)
        if envs:
            from graf._render import render_all

            project = app.project
            rendered = render_all(project, envs)
            with _frozen_for_gc():
                findings = loaded.findings + validate_rendered(project, rendered, jobs=jobs, files=loaded.resources)
        else:
            with _frozen_for_gc():
                findings = loaded.findings + run(loaded.resources, jobs=jobs)
        count, skipped = len(loaded.resources), loaded.skipped
    else:
        from graf._render import render_all

        project = app.project
        rendered = render_all(project, envs)
        with _frozen_for_gc():
            findings = validate_rendered(project, rendered, jobs=jobs)
        count = sum(len(rs) for rs in rendered.values())
    return findings, count, skipped


def _report(findings: list[Finding], count: int, skipped: list[Path], strict: bool, fmt: str) -> int:
    from graf.validate import errors

    failing = errors(findings)
    warnings = len(findings) - len(failing)
    if fmt == "json":
        click.echo(json.dumps({"resources": count, "errors": len(failing), "warnings": warnings, "strict": strict,
                               "findings": [f.as_json() for f in findings]}, indent=2, ensure_ascii=False))
    else:
        for finding in findings:
            click.echo(finding.one_line())
        note = f" ({len(skipped)} non-dashboard JSON file{'s' if len(skipped) != 1 else ''} skipped)" if skipped else ""
        click.echo(f"{count} resource{'s' if count != 1 else ''}: {_plural(len(failing), 'error')}, "
                   f"{_plural(warnings, 'warning')}{note}", err=True)
    return 1 if failing else 0


@contextmanager
def _frozen_for_gc() -> Iterator[None]:
    """The loaded resources are only read while validating: keep them out of the garbage
    collector's full passes, which otherwise re-scan every one of them (a third faster on 1,000
    large dashboards; see bench/validate_bench.py)."""
    gc.freeze()
    try:
        yield
    finally:
        gc.unfreeze()


def _plural(n: int, word: str) -> str:
    return f"{n} {word}{'' if n == 1 else 's'}"
