"""`graf export --env NAME --adopt UID`: a dashboard as Grafana holds it (a UI edit) taken into the code.

The dashboard is written in the form the project keeps dashboards in: a JSON file where the environment's
`dashboards.files` globs find it (`--as python`: a module for `dashboards.modules`). A file or module whose
uid is a built-in's replaces that built-in in its environment only (graf.config.model.Dashboards), so after
adopting, the code says what Grafana holds and `graf plan` has no conflict left for it (at most an `adopt`
that writes graf's record). graf.yaml is edited only where one line can be changed safely (`files: []`
becomes `files: ["dashboards/{env}/*.json"]`, comments kept); otherwise the line to add is returned.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from pathlib import Path

from graf.config import Environment, Project
from graf.errors import ConfigError, NotFound
from graf.files import write_file
from graf.resources import Resource
from graf.target import Target

DEFAULT_FILES = "dashboards/{env}/*.json"
_EMPTY_FILES = re.compile(r"^(?P<indent>[ ]+)files:[ ]*\[\][ ]*(?P<comment>#.*)?$")


@dataclass(frozen=True)
class Adopted:
    uid: str
    path: Path
    form: str  # json | python
    v2: bool  # Grafana stores it as schema v2: what was adopted is its classic (v1) read
    config_edit: str | None = None  # what graf did to graf.yaml, if anything
    config_todo: str | None = None  # what the user still has to add to graf.yaml


def adopt(target: Target, uids: tuple[str, ...], *, form: str = "json") -> list[Adopted]:
    """Read dashboards `uids` from `target`'s Grafana and write each into the code (see the module doc)."""
    live = _read(target, uids)
    stored_v2 = sorted(uid for uid, (_, v2) in live.items() if v2)
    if form == "python" and stored_v2:
        # A module renders graf's classic model; Grafana's classic read of a v2 copy differs from it (schemaVersion,
        # panel datasources), so plan would keep the conflict. The JSON file is that read, byte for byte.
        raise ConfigError(f"dashboard/{stored_v2[0]}", "stored as schema v2 by a UI save on Grafana 13: a module "
                          "cannot render what Grafana holds", "adopt it as a JSON file (without --as python), or "
                          "adopt the module and replace the v2 copy with graf sync --force-v2")
    return [_adopt_one(target.project, target.env, uid, body, v2, form) for uid, (body, v2) in live.items()]


def _read(target: Target, uids: tuple[str, ...]) -> dict[str, tuple[dict, bool]]:
    from graf.grafana.live import read_state

    # Only the named dashboards are read, whether the code has them or not: no listing.
    wanted = [Resource("dashboard", uid, {"uid": uid}) for uid in uids]
    state = read_state(target.api, wanted, concurrency=target.concurrency, kinds=target.kinds)
    out: dict[str, tuple[dict, bool]] = {}
    for resource in state.present():
        out[resource.uid] = (Resource("dashboard", resource.uid, resource.body).normalised().body,
                             bool(resource.meta.stored_as))
    missing = [uid for uid in uids if uid not in out]
    if missing:
        raise NotFound(f"environments.{target.env.name}", f"no dashboard in Grafana: {', '.join(missing)}",
                       "check the uid (graf plan lists what graf manages)")
    return out


def _adopt_one(project: Project, env: Environment, uid: str, body: dict, v2: bool, form: str) -> Adopted:
    if form == "python":
        return _as_module(project, env, uid, body, v2)
    pattern = _files_pattern(env)
    edit = todo = None
    if pattern is None:
        pattern = DEFAULT_FILES
        # The top-level list is edited only when this environment uses it (has no `files` of its own).
        edit = _add_files_pattern(project.path) if env.dashboards.files == project.dashboards.files else None
        if edit is None:
            todo = (f'add "{DEFAULT_FILES}" to dashboards.files (or environments.{env.name}.dashboards.files) '
                    f"in {project.path.name}")
    folder = project.root / pattern.replace("{env}", env.name).rsplit("/", 1)[0]
    path = folder / f"{uid}.json"
    write_file(path, Resource("dashboard", uid, body).canonical_json())
    return Adopted(uid, path, "json", v2, edit, todo)


def _as_module(project: Project, env: Environment, uid: str, body: dict, v2: bool) -> Adopted:
    from graf.codegen import to_python
    from graf.context import RenderContext

    relative = Path("dashboards") / env.name / f"{uid.replace('-', '_')}.py"
    write_file(project.root / relative, to_python(body, RenderContext(project, env)))
    listed = [str(p) for p in env.dashboards.modules]
    todo = None
    if str(relative) not in listed:
        modules = ", ".join([*listed, str(relative)])
        todo = f"add under environments.{env.name} in {project.path.name}:  dashboards: {{modules: [{modules}]}}"
        if any(str(p) for p in project.dashboards.modules) and env.dashboards.modules == project.dashboards.modules:
            todo += " (keeps the project's modules)"
    return Adopted(uid, project.root / relative, "python", v2, None, todo)


def _files_pattern(env: Environment) -> str | None:
    """The environment's first `dashboards.files` glob of the form `<folder>/*.json`, whose folder has no glob."""
    for pattern in env.dashboards.files:
        folder, _, name = pattern.rpartition("/")
        if name == "*.json" and folder and not any(ch in folder for ch in "*?["):
            return pattern
    return None


def _add_files_pattern(config: Path) -> str | None:
    """graf.yaml's one `files: []` under the top-level `dashboards:` made `files: ["dashboards/{env}/*.json"]`,
    the line's comment kept; None (nothing written) when there is not exactly one such line."""
    text = config.read_text(encoding="utf-8")
    lines = text.splitlines(keepends=True)
    block: list[int] = []
    inside = False
    for i, line in enumerate(lines):
        if line.startswith("dashboards:"):
            inside = line.rstrip() == "dashboards:"
            continue
        if inside and line.strip() and not line.startswith((" ", "#")):
            inside = False
        if inside and _EMPTY_FILES.match(line.rstrip("\n")):
            block.append(i)
    if len(block) != 1:
        return None
    match = _EMPTY_FILES.match(lines[block[0]].rstrip("\n"))
    assert match is not None
    comment = f"  {match['comment']}" if match["comment"] else ""
    ending = lines[block[0]][len(lines[block[0]].rstrip("\r\n")):]
    lines[block[0]] = f'{match["indent"]}files: ["{DEFAULT_FILES}"]{comment}{ending}'
    write_file(config, "".join(lines))
    _check_still_loads(config)
    return f'{config.name}: dashboards.files: ["{DEFAULT_FILES}"]'


def _check_still_loads(config: Path) -> None:
    from graf.config import load_project

    try:
        load_project(config)
    except ConfigError as exc:
        raise ConfigError(config.name, f"graf.yaml no longer loads after adding dashboards.files: {exc}") from None
