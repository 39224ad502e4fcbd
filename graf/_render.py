"""Project + Environment -> [Resource]: the only caller of producer modules.

Producers have one signature per kind and do no I/O:
  graf/datasources/<name>.py   datasource(ctx) -> JSON
  graf/dashboards/<name>.py    dashboard(ctx) -> grafanalib Dashboard | JSON
  graf/alerts/                 resources(ctx) -> list[Resource]
A team's own dashboard modules (graf.yaml `dashboards.modules`) follow the dashboard contract;
dashboard JSON files (`dashboards.files`, e.g. adopted exports) are taken as they are.
"""

from __future__ import annotations

import importlib
import importlib.util
from collections.abc import Callable, Iterable
from pathlib import Path
from types import ModuleType
from typing import Any

from graf.config import DATASOURCE_TYPES, Environment, Project
from graf.context import RenderContext
from graf.errors import RenderError
from graf.resources import JSON, KIND_ORDER, Resource


def render(project: Project, env: Environment) -> list[Resource]:
    """Every resource of one environment, in apply order; duplicate (kind, uid) is an error naming both."""
    ctx = RenderContext(project, env)
    resources = [_folder(ctx), *_datasources(ctx), *_dashboards(ctx), *_alerting(ctx)]
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
        body = _call(module, "datasource", ctx, module.__name__)
        if not isinstance(body, dict):
            raise RenderError(module.__name__, f"datasource(ctx) returned {type(body).__name__}, expected a dict")
        out.append(Resource("datasource", body["uid"], body, source=module.__name__))
    return out


def _dashboards(ctx: RenderContext) -> list[Resource]:
    from graf.dashboards._grafanalib import to_model

    out = []
    for name in ctx.project.dashboards.builtin:
        module = _import_builtin("graf.dashboards", name)
        out.append(_dashboard_resource(to_model(_call(module, "dashboard", ctx, module.__name__), ctx),
                                       ctx, module.__name__, _silenced(module, module.__name__)))
    for path in ctx.project.dashboards.modules:
        module = _import_file(ctx.project.root / path)
        out.append(_dashboard_resource(to_model(_call(module, "dashboard", ctx, str(path)), ctx), ctx, str(path),
                                       _silenced(module, str(path))))
    for file in _dashboard_files(ctx):
        out.append(_dashboard_resource(_read_json(file), ctx, str(file.relative_to(ctx.project.root))))
    return out


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
    for pattern in ctx.project.dashboards.files:
        matched = sorted(ctx.project.root.glob(pattern.replace("{env}", ctx.env.name)))
        files.extend(p for p in matched if p.is_file() and p.suffix == ".json")
    return files


def _alerting(ctx: RenderContext) -> list[Resource]:
    if importlib.util.find_spec("graf.alerts.render") is None:
        return []
    module = importlib.import_module("graf.alerts.render")
    return list(_call(module, "resources", ctx, module.__name__))


def _read_json(path: Path) -> JSON:
    from graf.jsoninput import BadJSON, read_json

    try:
        data = read_json(path)
    except BadJSON as exc:
        raise RenderError(exc.path, exc.message) from None
    if not isinstance(data, dict):
        raise RenderError(str(path), "expected a dashboard JSON object")
    # A file saved from the UI's "Export" or from the API wraps the model.
    return data["dashboard"] if isinstance(data.get("dashboard"), dict) else data


def _import_builtin(package: str, name: str) -> ModuleType:
    try:
        return importlib.import_module(f"{package}.{name}")
    except ModuleNotFoundError as exc:
        if exc.name == f"{package}.{name}":
            raise RenderError(f"{package}.{name}", "no such built-in module") from None
        raise


def _import_file(path: Path) -> ModuleType:
    if not path.is_file():
        raise RenderError(str(path), "dashboard module not found", "check dashboards.modules in graf.yaml")
    spec = importlib.util.spec_from_file_location(f"graf_user_{path.stem}", path)
    if spec is None or spec.loader is None:
        raise RenderError(str(path), "not a Python module")
    module = importlib.util.module_from_spec(spec)
    try:
        spec.loader.exec_module(module)
    except Exception as exc:  # a team's module is foreign code: any failure is reported with its file
        raise RenderError(str(path), f"import failed: {type(exc).__name__}: {exc}") from exc
    return module


def _call(module: ModuleType, function: str, ctx: RenderContext, source: str) -> Any:
    produce: Callable[[RenderContext], Any] | None = getattr(module, function, None)
    if not callable(produce):
        raise RenderError(source, f"has no function {function}(ctx)")
    try:
        return produce(ctx)
    except RenderError:
        raise
    except Exception as exc:  # producers are user-extensible code; name the module that failed
        raise RenderError(source, f"{function}(ctx) failed: {type(exc).__name__}: {exc}") from exc


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
