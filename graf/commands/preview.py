"""`graf preview`: every dashboard as a standalone HTML page (with real data given a Prometheus)."""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING, Any

import click

from graf.cli import Invocation, env_option

if TYPE_CHECKING:
    from collections.abc import Mapping

    from graf.config import Datasource

# (folder under --out, dashboard uid, dashboard body, the environment's datasources for their auth)
Page = tuple[str, str, dict[str, Any], "Mapping[str, Datasource]"]


@click.command()
@click.argument("files", nargs=-1, type=click.Path(exists=True, dir_okay=False, path_type=Path),
                metavar="[DASHBOARD.json ...]")
@env_option(multiple=True)
@click.option("--uid", "uids", multiple=True, metavar="UID", help="Only this dashboard; repeat for several.")
@click.option("--prometheus", "prometheus_url", metavar="URL", envvar="GRAF_PROMETHEUS_URL",
              help="Prometheus to draw the last hour from (default: none, the layout alone) "
                   "[env var: GRAF_PROMETHEUS_URL]")
@click.option("--loki", "loki_url", metavar="URL", envvar="GRAF_LOKI_URL",
              help="Loki to show the newest lines of logs panels from (and LogQL metric series) "
                   "[env var: GRAF_LOKI_URL]")
@click.option("--since", default="1h", show_default=True, metavar="DURATION",
              help="With --prometheus/--loki: how far back the data goes (Grafana's default time range is 1h).")
@click.option("--out", "-o", "out", type=click.Path(file_okay=False, path_type=Path),
              help="Folder to write the pages to, one subfolder per environment (default: preview/ beside "
                   "graf.yaml; for DASHBOARD.json files, preview/ here).")
@click.option("--png", is_flag=True, help="Also a PNG of each page, through headless chromium "
                                          "(or the browser named by GRAF_CHROMIUM).")
@click.pass_obj
def preview(app: Invocation, files: tuple[Path, ...], envs: tuple[str, ...], uids: tuple[str, ...],
            prometheus_url: str | None, loki_url: str | None, since: str, out: Path | None, png: bool) -> None:
    """Draw dashboards as Grafana lays them out, one HTML page each, viewable with no server.

    Panels sit where gridPos puts them on the 24-column grid, with title, type, unit and
    description; collapsed rows stay collapsed, repeated panels are marked. With --prometheus,
    each panel's queries run as `graf check` runs them (variables at their defaults) over the
    last hour (--since): lines, stat and gauge values coloured by thresholds, table rows, "No data" with
    the query. Without it, each panel lists its queries. DASHBOARD.json files (exported or
    downloaded dashboards) are drawn instead of graf.yaml's.

    \b
    graf preview --env prod --prometheus http://localhost:9090 --png
    graf preview node-exporter-full.json --out /tmp/pages
    """
    import time

    from graf.errors import GrafError, UsageError
    from graf.files import write_file
    from graf.preview import page_name, preview_dashboard
    from graf.units import parse_duration

    try:
        range_seconds = parse_duration(since)
    except ValueError as exc:
        raise UsageError("--since", str(exc)) from None
    if range_seconds <= 0:
        raise UsageError("--since", "must be more than 0s")
    now = time.time()
    pages = _from_files(files) if files else _from_project(app, envs)
    if out is None:
        out = Path("preview") if files else app.project.root / "preview"
    if uids:
        unknown = sorted(set(uids) - {uid for _, uid, _, _ in pages})
        if unknown:
            raise UsageError("--uid", f"no dashboard with uid {', '.join(unknown)}")
        pages = [p for p in pages if p[1] in uids]
    written: list[tuple[Path, dict[str, object]]] = []
    for folder, uid, body, datasources in pages:
        fetch = loki = None
        if prometheus_url:
            from graf.check import PrometheusHTTP

            fetch = PrometheusHTTP(prometheus_url, datasources.get("prometheus"), now=lambda: now,
                                   range_seconds=range_seconds).fetch
        if loki_url:
            from graf.preview.loki import LokiHTTP

            loki = LokiHTTP(loki_url, datasources.get("loki"), now=lambda: now, range_seconds=range_seconds).fetch
        source = " and ".join(u for u in (prometheus_url, loki_url) if u)
        types = {key: str(ds.ref["type"]) for ds in datasources.values() for key in (ds.name, ds.uid)}
        text = preview_dashboard(body, fetch=fetch, loki=loki, source=source, now=now, range_seconds=range_seconds,
                                 datasources=types)
        path = out / folder / page_name(uid) if folder else out / page_name(uid)
        try:
            write_file(path, text)
        except OSError as exc:
            raise GrafError(str(path), f"cannot write: {exc.strerror or exc}") from None
        written.append((path, body))
        click.echo(str(path))
    if png:
        _screenshots(written)
    click.echo(f"{len(written)} page{'s' if len(written) != 1 else ''} in {out}"
               + ("" if prometheus_url or loki_url else " (layout only: --prometheus URL draws the data)"), err=True)


def _from_project(app: Invocation, envs: tuple[str, ...]) -> list[Page]:
    from graf._render import render

    project = app.project
    out: list[Page] = []
    for env in project.select(envs):
        out.extend((env.name, r.uid, r.body, env.datasources) for r in render(project, env) if r.kind == "dashboard")
    return out


def _from_files(files: tuple[Path, ...]) -> list[Page]:
    import json

    from graf.errors import GrafError

    out: list[Page] = []
    for path in files:
        try:
            body = json.loads(path.read_text(encoding="utf-8"))
        except (OSError, UnicodeDecodeError, ValueError) as exc:
            raise GrafError(str(path), f"not a dashboard JSON file: {exc}") from None
        if isinstance(body, dict) and isinstance(body.get("dashboard"), dict):
            body = body["dashboard"]  # the API's {"dashboard": ..., "meta": ...} shape
        if not isinstance(body, dict) or not isinstance(body.get("panels", []), list):
            raise GrafError(str(path), "not a dashboard: expected an object with a `panels` list")
        out.append(("", str(body.get("uid") or path.stem), body, {}))
    return out


def _screenshots(written: list[tuple[Path, dict[str, object]]]) -> None:
    from graf.preview import layout
    from graf.preview.browser import screenshot
    from graf.preview.page import page_size

    for path, body in written:
        width, height = page_size(layout(body))
        png = path.with_suffix(".png")
        screenshot(path, png, width=width, height=height)
        click.echo(str(png))
