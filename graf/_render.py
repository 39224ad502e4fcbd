"""Project + Environment -> [Resource]: the only caller of producer modules.

Producers have one signature per kind and do no I/O:
  graf/datasources/<name>.py   datasource(ctx) -> JSON
  graf/dashboards/<name>.py    dashboard(ctx) -> grafanalib Dashboard | JSON
  graf/alerts/                 resources(ctx) -> list[Resource]
A team's own dashboard modules (graf.yaml `dashboards.modules`) follow the dashboard contract;
dashboard JSON files (`dashboards.files`, e.g. adopted exports) are taken as they are. Either replaces
a built-in of the same uid in its environment.
"""

from __future__ import annotations

import importlib
import importlib.util
from collections.abc import Callable, Iterable
from pathlib import Path
from types import ModuleType
from typing import Any

from graf import team
from graf.config import DATASOURCE_TYPES, Environment, Project
from graf.context import RenderContext
from graf.errors import RenderError
from graf.jsonvalue import check_json
from graf.resources import JSON, KIND_ORDER, Resource


def render(project: Project, env: Environment, *, seen: Callable[[Resource], None] | None = None) -> list[Resource]:
    """Every resource of one environment, in apply order; duplicate (kind, uid) is an error naming both.

    `seen` is called with each resource as soon as it is rendered (graf.target starts reading Grafana while
    the rest renders)."""
    ctx = RenderContext(project, env)
    seen = seen or _unseen
    resources = [_folder(ctx), *_datasources(ctx)]
    for resource in resources:
        seen(resource)
    with team.one_render():
        resources += _dashboards(ctx, seen)
        alerting = _alerting(ctx)
    for resource in alerting:
        seen(resource)
    resources += alerting
    _reject_duplicates(resources)
    return sorted(resources, key=lambda r: (KIND_ORDER.index(r.kind), r.uid))


def render_all(project: Project, names: Iterable[str] = ()) -> dict[str, list[Resource]]:
    return {env.name: render(project, env) for env in project.select(list(names))}


def _folder(ctx: RenderContext) -> Resource:
    folder = ctx.env.folder
    return Resource("folder", folder.uid, {"uid": folder.uid, "title": folder.title}, source="graf.yaml")


def _datasources(ctx: RenderContext) -> list[Resource]:
    out = []
    for logical in DATASOURCE_TYPES:
        module = _import_builtin("graf.datasources", logical)
        body = team.call(module, "datasource", ctx, module.__name__)
        if not isinstance(body, dict):
            raise RenderError(module.__name__, f"datasource(ctx) returned {type(body).__name__}, expected a dict")
        out.append(Resource("datasource", body["uid"], body, source=module.__name__))
    return out


def _unseen(resource: Resource) -> None:
    pass


def _dashboards(ctx: RenderContext, seen: Callable[[Resource], None] = _unseen) -> list[Resource]:
    """The environment's dashboards (`ctx.env.dashboards`). A team module or file whose uid is a built-in's
    replaces the built-in here: that is how an adopted UI edit of a built-in is kept in one environment."""
    chosen = ctx.env.dashboards
    from graf._codecache import grafanalib_when_imported, import_grafanalib

    if chosen.builtin:
        import_grafanalib()  # graf's own dashboards are grafanalib's: the CLI's cached attrs code
    with grafanalib_when_imported():  # a module's own `import grafanalib` too; dict modules import none
        own = _modules(ctx, seen)
    for file in _dashboard_files(ctx):
        own.append(_dashboard_resource(_read_json(file), ctx, str(file.relative_to(ctx.project.root))))
        seen(own[-1])
    replaced = {r.uid for r in own}
    out = []
    for name in chosen.builtin:
        if ctx.uid(name) in replaced:
            continue
        module = _import_builtin("graf.dashboards", name)
        produced = team.call(module, "dashboard", ctx, module.__name__)
        out.append(_dashboard_resource(_model(produced, ctx, module.__name__), ctx, module.__name__,
                                       _silenced(module, module.__name__)))
        seen(out[-1])
    return out + own


def _modules(ctx: RenderContext, seen: Callable[[Resource], None]) -> list[Resource]:
    """The dashboards of the team's modules (graf.yaml `dashboards.modules`), in order."""
    own: list[Resource] = []
    for path in ctx.env.dashboards.modules:
        source = str(path)
        module = team.load(ctx.project.root, path, kind="dashboard module", key="dashboards.modules")
        produced = team.call(module, "dashboard", ctx, source, ctx.project.root)
        own.append(_dashboard_resource(_model(produced, ctx, source), ctx, source, _silenced(module, source)))
        seen(own[-1])
    return own


def _model(produced: Any, ctx: RenderContext, source: str) -> JSON:
    """What `dashboard(ctx)` returned, checked to be a readable dashboard, in the current model."""
    from graf.dashboards._grafanalib import serialise, to_model
    from graf.dashboards._input import check_dashboard

    where = f"{source}: dashboard(ctx)"
    serialised = serialise(produced, where)
    check_json(serialised.body, where)
    check_dashboard(serialised.body, where)
    return to_model(serialised, ctx)


def _dashboard_resource(body: JSON, ctx: RenderContext, source: str,
                        silenced: frozenset[str] = frozenset()) -> Resource:
    uid = body.get("uid")
    if not isinstance(uid, str) or not uid:
        raise RenderError(source, "dashboard has no uid", "set uid=ctx.uid('<name>') on the Dashboard")
    return Resource("dashboard", uid, body, folder=ctx.folder_uid, source=source, silenced=silenced)


def _silenced(module: ModuleType, source: str) -> frozenset[str]:
    """A module's `SILENCE = {"G402": "why"}`: graf validate codes not reported for its resource."""
    raw = getattr(module, "SILENCE", None)
    if raw is None:
        return frozenset()
    if not isinstance(raw, dict) or not all(isinstance(k, str) and isinstance(v, str) and v.strip()
                                            for k, v in raw.items()):
        raise RenderError(f"{source}: SILENCE", "must map each graf validate code to why it is silenced",
                          'e.g. SILENCE = {"G402": "kept for links from the overview"}')
    return frozenset(raw)


def _dashboard_files(ctx: RenderContext) -> list[Path]:
    """Files matched by `dashboards.files` globs; `{env}` in a pattern is the environment's name."""
    files: list[Path] = []
    for pattern in ctx.env.dashboards.files:
        matched = sorted(ctx.project.root.glob(pattern.replace("{env}", ctx.env.name)))
        files.extend(p for p in matched if p.is_file() and p.suffix == ".json")
    return files


def _alerting(ctx: RenderContext) -> list[Resource]:
    from graf.alerts.render import resources

    return resources(ctx)


def _read_json(path: Path) -> JSON:
    from graf.jsoninput import BadJSON, read_json

    try:
        data = read_json(path)
    except BadJSON as exc:
        raise RenderError(exc.path, exc.message) from None
    if not isinstance(data, dict):
        raise RenderError(str(path), "expected a dashboard JSON object")
    if _is_v2(data):
        raise RenderError(str(path), f"a schema v2 dashboard ({data['apiVersion']}): graf syncs classic dashboard "
                                     "JSON only", "graf validate and graf diff read it; to sync it, give graf its "
                                     "classic JSON: a v1 read, which drops tabs and auto grids")
    # A file saved from the UI's "Export" or from the API wraps the model.
    return data["dashboard"] if isinstance(data.get("dashboard"), dict) else data


def _is_v2(data: JSON) -> bool:
    from graf.validate.v2 import is_v2

    return is_v2(data)


def _import_builtin(package: str, name: str) -> ModuleType:
    try:
        return importlib.import_module(f"{package}.{name}")
    except ModuleNotFoundError as exc:
        if exc.name == f"{package}.{name}":
            raise RenderError(f"{package}.{name}", "no such built-in module") from None
        raise


def _reject_duplicates(resources: list[Resource]) -> None:
    seen: dict[tuple[str, str], Resource] = {}
    for resource in resources:
        if resource.key in seen:
            first = seen[resource.key]
            raise RenderError(
                f"{resource.kind}/{resource.uid}",
                f"rendered twice: by {first.source} and by {resource.source}",
                "give one of them another uid",
            )
        seen[resource.key] = resource
