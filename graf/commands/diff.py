"""`graf diff`: what changes, per resource, as a review-sized semantic diff."""

from __future__ import annotations

import os
import sys
from pathlib import Path
from typing import TYPE_CHECKING, Any

import click

from graf.cli import Invocation, env_option
from graf.urls import url_option

if TYPE_CHECKING:

    from graf.diff import Diff

FORMATS = ("terminal", "markdown", "json", "html")


@click.command()
@click.argument("paths", nargs=-1, type=click.Path(exists=True, path_type=Path), metavar="[OLD NEW]")
@click.option("--base", metavar="REV", help="Git revision to compare against (e.g. origin/main).")
@click.option("--head", metavar="REV", help="Git revision to compare with --base (default: the working tree).")
@env_option(multiple=True)
@click.option("--format", "-f", "fmt", type=click.Choice(FORMATS), default="terminal", show_default=True,
              help="terminal text, markdown for a pull-request comment, JSON, or HTML pictures "
                   "(each changed dashboard before and after).")
@click.option("--out", "-o", type=click.Path(file_okay=False, path_type=Path), metavar="DIR",
              help="With --format html: write index.html and a page per changed dashboard to DIR.")
@click.option("--png", is_flag=True, help="With --format html --out: a PNG of each page (headless chromium).")
@click.option("--url", metavar="URL", envvar="GRAFANA_URL", callback=url_option,
              help="With --env alone: the Grafana to read instead of graf.yaml's [env var: GRAFANA_URL]")
@click.option("--color/--no-color", "colour", default=None,
              help="Colour the terminal format (default: when stdout is a terminal and NO_COLOR is unset).")
@click.pass_obj
def diff(app: Invocation, paths: tuple[Path, ...], base: str | None, head: str | None, envs: tuple[str, ...],
         fmt: str, url: str | None, colour: bool | None, out: Path | None, png: bool) -> None:
    """Show what differs, resource by resource: exit 0 when nothing, 3 when something does
    (1 on an error, 2 on bad usage).

    \b
    graf diff OLD NEW                 two build folders or JSON files
    graf diff --base origin/main      the code at a git revision vs the working tree
    graf diff --base A --head B       the code at two git revisions
    graf diff --env prod              the code vs what the environment's Grafana has now
    """
    from graf.errors import UsageError
    from graf.gcpause import gc_paused

    if paths and (base or head):
        raise UsageError("graf diff", "give either two paths or --base/--head, not both")
    if paths and len(paths) != 2:
        raise UsageError("graf diff", f"expected two paths (OLD NEW), got {len(paths)}")
    if head and not base:
        raise UsageError("--head", "needs --base", "graf diff --base origin/main --head HEAD")
    if (out or png) and fmt != "html":
        raise UsageError("--out/--png", "only with --format html")
    if png and not out:
        raise UsageError("--png", "needs --out DIR to write the pictures to")
    if fmt == "html" and not (paths or base):
        raise UsageError("--format html", "compares code: give OLD NEW or --base REV")
    if not (paths or base or envs):
        raise UsageError("graf diff", "nothing to compare",
                         "graf diff OLD NEW | graf diff --base REV [--head REV] | graf diff --env NAME")
    if fmt == "html":
        _html(app, paths, base, head, envs, out, png)
        return
    with gc_paused():  # a short run over large JSON trees: see graf.gcpause
        result = _paths(paths) if paths else _revisions(app, base, head, envs) if base else _live(app, envs, url)
        use_colour = colour if colour is not None else sys.stdout.isatty() and "NO_COLOR" not in os.environ
        click.echo(_render(result, fmt, use_colour), nl=False, color=use_colour)
    click.get_current_context().exit(0 if result.empty else 3)


def _render(result: Diff, fmt: str, colour: bool) -> str:
    from graf.diff import render_json, render_markdown, render_terminal

    if fmt == "json":
        return render_json(result)
    if fmt == "markdown":
        return render_markdown(result)
    return render_terminal(result, colour=colour)


def _paths(paths: tuple[Path, ...], sides: list[object] | None = None) -> Diff:
    """The diff of two build folders or files; `sides`, when given, receives both resource sets (for html)."""
    from graf.diff import diff_sets
    from graf.diff.sources import load_pair

    pair = load_pair(*paths)
    if sides is not None:
        sides += [pair.old, pair.new]
    return diff_sets(pair.old, pair.new, old_label=str(paths[0]), new_label=str(paths[1]), unchanged=pair.unchanged)


def _revisions(app: Invocation, base: str | None, head: str | None, envs: tuple[str, ...],
               sides: list[object] | None = None) -> Diff:
    from graf._render import render_all
    from graf.diff import diff_sets
    from graf.diff.sources import render_revision

    assert base is not None
    config = app.project.path
    app.project.select(envs)  # an unknown --env fails before any rendering
    old = render_revision(config, base, envs)
    notes: tuple[str, ...]
    if head:
        new = render_revision(config, head, envs)
        new_sets, new_label, notes = new.resources, new.label, (old.note, new.note)
    else:
        new_sets, new_label, notes = render_all(app.project, envs), "working tree", (old.note,)
    if sides is not None:
        sides += [old.resources, new_sets]
    return diff_sets(old.resources, new_sets, old_label=old.label, new_label=new_label,
                     notes=[n for n in notes if n])


def _html(app: Invocation, paths: tuple[Path, ...], base: str | None, head: str | None, envs: tuple[str, ...],
          out: Path | None, png: bool) -> None:
    """Pictures of the diff: one page on stdout, or index.html + a page (and PNG) per dashboard in `out`."""
    from graf.diff.html import dashboard_pages, render_html
    from graf.errors import GrafError
    from graf.files import write_file
    from graf.gcpause import gc_paused

    sides: list[Any] = []
    with gc_paused():
        result = _paths(paths, sides) if paths else _revisions(app, base, head, envs, sides)
    old, new = sides
    index = render_html(result, old, new)
    if out is None:
        click.echo(index, nl=False)
    else:
        pages = dashboard_pages(result, old, new)
        try:
            write_file(out / "index.html", index)
            for name, page in pages.items():
                write_file(out / name, page.text)
        except OSError as exc:
            raise GrafError(str(out), f"cannot write: {exc.strerror or exc}") from None
        click.echo(str(out / "index.html"))
        for name, page in pages.items():
            click.echo(str(out / name))
            if png:
                from graf.preview.browser import screenshot

                picture = (out / name).with_suffix(".png")
                screenshot(out / name, picture, width=page.width, height=page.height)
                click.echo(str(picture))
    click.get_current_context().exit(0 if result.empty else 3)


def _live(app: Invocation, envs: tuple[str, ...], url: str | None) -> Diff:
    """Live Grafana (old) vs the code (new): what `graf sync` would change, read the way `graf plan` reads."""
    from graf.diff import diff_sets
    from graf.target import Target

    project = app.project
    old, new = {}, {}
    for env in project.select(envs):
        with Target(project, env, url=url) as target:
            old[env.name] = target.live()
            new[env.name] = target.desired()
    names = ", ".join(old)
    return diff_sets(old, new, old_label=f"live Grafana ({names})", new_label="code")
