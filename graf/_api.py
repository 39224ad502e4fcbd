"""What the README's commands do, as functions on a project and an environment name, returning data.

`project` is a loaded `Project`, or the path of its graf.yaml (None: found from the current folder
upwards, like the CLI). Nothing is printed; errors are `GrafError`s with one line that says what to
do. The CLI's commands are these calls plus printing.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass
from os import PathLike
from pathlib import Path
from typing import TYPE_CHECKING, Any

from graf.config import Project
from graf.grafana.pool import DEFAULT_CONCURRENCY
from graf.resources import Resource
from graf.target import Target

if TYPE_CHECKING:  # only named in signatures: `graf sync` need not import what build, export and validate use
    from graf._build import BuildResult
    from graf.grafana.apply import Outcome
    from graf.grafana.export import Export
    from graf.grafana.plan import Plan
    from graf.target import Synced
    from graf.validate.findings import Finding

ProjectLike = Project | str | PathLike[str] | None


def project_of(project: ProjectLike) -> Project:
    from graf.config import load_project

    if isinstance(project, Project):
        return project
    return load_project(Path(project) if project is not None else None)


def target(project: ProjectLike, env: str, *, url: str | None = None,
           concurrency: int = DEFAULT_CONCURRENCY) -> Target:
    """The `Target` for environment `env` of `project` (an unknown name is a ConfigError naming the choices)."""
    loaded = project_of(project)
    return Target(loaded, loaded.environment(env), url=url, concurrency=concurrency)


def render(project: ProjectLike, *, envs: Iterable[str] = ()) -> dict[str, list[Resource]]:
    """Every environment's (or `envs`') resources, in apply order: what `graf build` writes, before validation."""
    from graf._render import render_all

    return render_all(project_of(project), envs)


def validate(project: ProjectLike, *, envs: Iterable[str] = ()) -> list[Finding]:
    """`graf validate`: the findings of graf's schemas and lint rules on every environment (or `envs`).
    Nothing fails here: `graf.validate.errors(findings)` are the ones that stop a build."""
    from graf.validate import validate_rendered

    loaded = project_of(project)
    return validate_rendered(loaded, render(loaded, envs=envs))


def build(project: ProjectLike, *, envs: Iterable[str] = (), out: str | PathLike[str] | None = None) -> BuildResult:
    """`graf build`: render and validate every environment (or `envs`), then replace `out` (default build/
    beside graf.yaml) with the canonical files. Raises InvalidResources (with the findings) on an error."""
    from graf._build import build as run_build

    loaded = project_of(project)
    return run_build(loaded, Path(out) if out is not None else loaded.root / "build", envs)


def plan(project: ProjectLike, env: str, *, url: str | None = None, only: Iterable[str] = (), prune: bool = False,
         force: bool = False, concurrency: int = DEFAULT_CONCURRENCY) -> Plan:
    """`graf plan`: what sync would do to `env`'s Grafana, one `PlannedChange` per resource. Writes nothing."""
    with target(project, env, url=url, concurrency=concurrency) as there:
        return there.plan(only=only, prune=prune, force=force, orphans=True)


def sync(project: ProjectLike, env: str, *, url: str | None = None, only: Iterable[str] = (), prune: bool = False,
         force: bool = False, force_v2: bool = False, concurrency: int = DEFAULT_CONCURRENCY,
         on_outcome: Callable[[Outcome], None] | None = None) -> Synced:
    """`graf sync`: plan, then write; `.plan` is what was decided, `.applied` one outcome per write
    (`.applied.failed` empty when every write went through; conflicts are left and listed in `.plan`).
    `force_v2`: replace dashboards a UI save stored as schema v2 with graf's classic JSON (loses v2 layout)."""
    with target(project, env, url=url, concurrency=concurrency) as there:
        return there.sync(only=only, prune=prune, force=force, force_v2=force_v2, on_outcome=on_outcome)


@dataclass(frozen=True)
class Exported:
    """What `export` read (resources, drift, unmanaged) and the files it wrote."""

    export: Export
    folder: Path
    files: tuple[Path, ...]


def export(project: ProjectLike, env: str, *, url: str | None = None, uids: Iterable[str] = (),
           include_unmanaged: bool = False, only: Iterable[str] = (), out: str | PathLike[str] | None = None,
           concurrency: int = DEFAULT_CONCURRENCY) -> Exported:
    """`graf export`: write what Grafana holds of `env` as canonical files `<out>/<env>/<kind>/<uid>.json`
    (default out: export/ beside graf.yaml), secrets never included. A uid in `uids` that Grafana does not
    have is a NotFound, raised before anything is written."""
    from graf._export import write_export
    from graf.errors import NotFound
    from graf.grafana.export import safe_uid

    loaded = project_of(project)
    uids = tuple(uids)
    with target(loaded, env, url=url, concurrency=concurrency) as there:
        result = there.export(uids=uids, include_unmanaged=include_unmanaged, only=only)
    # An unsafe uid Grafana has is one of result.errors, not "not in Grafana".
    missing = sorted(set(uids) - {r.uid for r in result.resources} - {u for u in uids if not safe_uid(u)})
    if missing:
        raise NotFound(f"environments.{env}", f"not in Grafana: {', '.join(missing)}",
                       "check the uid (graf plan lists what graf manages)")
    folder = Path(out) if out is not None else loaded.root / "export"
    written = write_export(folder, result.files(), result.private())
    return Exported(result, folder, tuple(written))


def dashboard_module(project: ProjectLike, env: str, dashboard: Mapping[str, Any]) -> str:
    """The source of a dashboard module for graf.yaml's `dashboards.modules` that renders, in `env`, to what
    graf renders for `dashboard` (a model, or an API answer / UI export wrapping one): graf's panel helpers
    where they render exactly, dict literals for the rest; datasources, uids and the environment via `ctx`."""
    from graf.codegen import to_python
    from graf.context import RenderContext

    loaded = project_of(project)
    return to_python(dashboard, RenderContext(loaded, loaded.environment(env)))


def export_python(project: ProjectLike, env: str, *, uids: Iterable[str] = (), file: str | PathLike[str] | None = None,
                  url: str | None = None, out: str | PathLike[str] | None = None,
                  concurrency: int = DEFAULT_CONCURRENCY) -> tuple[Path, ...]:
    """`graf export --as python`: dashboards `uids` of `env`'s Grafana (or the dashboard JSON `file`) as
    modules (`dashboard_module`), written to `out` (a `.py` file for one dashboard, else a folder; default
    export/ beside graf.yaml) as `<env>/python/<uid>.py`. Returns the files written."""
    from graf._render import _read_json
    from graf.codegen import to_python
    from graf.context import RenderContext
    from graf.errors import ConfigError, NotFound
    from graf.files import write_file

    loaded = project_of(project)
    ctx = RenderContext(loaded, loaded.environment(env))
    bodies: dict[str, Mapping[str, Any]] = {}
    source_names: dict[str, str] = {}
    if file is not None:
        body = _read_json(Path(file))
        uid = body.get("uid")
        bodies[uid if isinstance(uid, str) and uid else Path(file).stem] = body
        source_names[next(iter(bodies))] = Path(file).name
    else:
        wanted = tuple(uids)
        if not wanted:
            raise ConfigError("graf export --as python", "name the dashboard(s) to write as Python",
                              "give --uid UID (repeat for several) or a dashboard JSON file")
        with target(loaded, env, url=url, concurrency=concurrency) as there:
            result = there.export(uids=wanted, include_unmanaged=True, only=("dashboard",))
        bodies = {r.uid: r.body for r in result.resources if r.uid in wanted}
        missing = sorted(set(wanted) - set(bodies))
        if missing:
            raise NotFound(f"environments.{env}", f"no dashboard in Grafana: {', '.join(missing)}",
                           "check the uid (graf plan lists what graf manages; export --all the rest)")
    ctx = RenderContext(loaded, loaded.environment(env))
    target_path = Path(out) if out is not None else None
    if target_path is not None and target_path.suffix == ".py" and len(bodies) > 1:
        raise ConfigError(str(target_path), f"one file cannot hold {len(bodies)} dashboards",
                          "give --out a folder")
    written = []
    for uid, model in sorted(bodies.items()):
        text = to_python(model, ctx, source_name=source_names.get(uid, ""))
        if target_path is not None and target_path.suffix == ".py":
            path = target_path
        else:
            folder = target_path if target_path is not None else loaded.root / "export"
            path = folder / env / "python" / f"{uid.replace('-', '_')}.py"
        write_file(path, text)
        written.append(path)
    return tuple(written)
