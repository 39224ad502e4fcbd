"""`graf export --env NAME`: live Grafana -> canonical JSON files, and which managed resources drifted;
with `--as python`, dashboards (live, or a JSON file) -> dashboard modules for `dashboards.modules`."""

from __future__ import annotations

from pathlib import Path

import click

from graf.cli import Invocation, echo_json, env_option, format_option
from graf.commands.plan import grafana_options


@click.command()
@env_option(required=True)
@grafana_options
@click.option("--uid", "uids", multiple=True, metavar="UID", help="Only these uids (any kind); repeat for several")
@click.option("--all", "include_unmanaged", is_flag=True,
              help="Also export dashboards graf does not manage, ready to be adopted into code")
@click.option("--out", "-o", type=click.Path(path_type=Path), default=None,
              help="Output folder (default: export/ beside graf.yaml); files are <env>/<kind>/<uid>.json, "
                   "with --as python <env>/python/<uid>.py (or this .py file for one dashboard)")
@click.option("--as", "form", type=click.Choice(["json", "python"]), default="json", show_default=True,
              help="python: write dashboards as Python modules for graf.yaml's dashboards.modules")
@click.option("--adopt", "adopt_uids", multiple=True, metavar="UID",
              help="Take dashboard UID as Grafana holds it (a UI edit) into the code: a JSON file where the "
                   "environment's dashboards.files finds it (with --as python, a module); repeat for several")
@click.argument("file", required=False, type=click.Path(exists=True, dir_okay=False, path_type=Path))
@format_option
@click.pass_obj
def export(app: Invocation, env: str, url: str | None, only: tuple[str, ...], concurrency: int, uids: tuple[str, ...],
           include_unmanaged: bool, out: Path | None, form: str, adopt_uids: tuple[str, ...], file: Path | None,
           fmt: str) -> int:
    """Write what Grafana holds as canonical JSON (secrets never included); report drift from the code.

    With --as python, write dashboards --uid UID (or the dashboard JSON FILE, without asking Grafana)
    as Python modules that render to the same dashboard. With --adopt UID, keep a UI edit: the dashboard
    goes into the code, after which graf plan shows it unchanged."""
    if adopt_uids:
        return _adopt(app, env, url, concurrency, adopt_uids, form,
                      conflicting=bool(uids or include_unmanaged or out or file))
    if form == "python":
        from graf._api import export_python

        if include_unmanaged:
            raise click.UsageError("--all exports JSON; name the dashboards to write as Python with --uid")

        written = export_python(app.project, env, uids=uids, file=file, url=url, out=out, concurrency=concurrency)
        for path in written:
            click.echo(f"wrote {path} (add it to dashboards.modules in graf.yaml)")
        return 0
    if file is not None:
        raise click.UsageError("a FILE is read only with --as python")
    if out is not None and out.is_file():
        raise click.UsageError(f"--out {out}: is a file; JSON export writes a folder")
    from graf._api import export as run_export

    done = run_export(app.project, env, url=url, uids=uids, include_unmanaged=include_unmanaged, only=only, out=out,
                      concurrency=concurrency)
    if fmt == "json":
        from graf.grafana.report import export_json

        echo_json(export_json(env, done.export, str(done.folder), [str(f) for f in done.files]))
        return 1 if done.export.errors else 0
    for drift in done.export.drift:
        click.echo(f"drift: {drift.line}")
    for name in done.export.unmanaged:
        click.echo(f"unmanaged: {name} (place its file where graf.yaml dashboards.files finds it to adopt it)")
    for line in done.export.errors:
        click.echo(f"error: {line}", err=True)
    click.echo(f"export {env}: {len(done.files)} file(s) -> {done.folder / env}"
               + (f", {len(done.export.drift)} drifted from code" if done.export.drift else "")
               + (f", {len(done.export.errors)} not exported" if done.export.errors else ""))
    return 1 if done.export.errors else 0


def _adopt(app: Invocation, env: str, url: str | None, concurrency: int, uids: tuple[str, ...], form: str, *,
           conflicting: bool) -> int:
    if conflicting:
        raise click.UsageError("--adopt writes into the project: it takes no --uid, --all, --out or FILE")
    from graf._api import target
    from graf.adopt import adopt

    with target(app.project, env, url=url, concurrency=concurrency) as there:
        done = adopt(there, uids, form=form)
    for item in done:
        kept = "module" if item.form == "python" else "file"
        click.echo(f"adopted dashboard/{item.uid} -> {item.path} ({kept})")
        if item.v2:
            click.echo(f"  dashboard/{item.uid} is stored as schema v2 (a UI save on Grafana 13): graf keeps "
                       "its classic JSON (a v1 read: no tabs or auto grids) in code; Grafana keeps its v2 copy "
                       "until the code changes")
        if item.config_edit:
            click.echo(f"  edited {item.config_edit}")
        if item.config_todo:
            click.echo(f"  to finish: {item.config_todo}")
    click.echo(f"review the change (git diff), then graf plan --env {env} shows it unchanged")
    return 0

