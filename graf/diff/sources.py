"""The edges of `graf diff`: resources from build folders, JSON files and git revisions.

Everything here reads files or runs processes and returns `{env: [Resource]}` for the pure
`diff_sets`. A build folder is `DIR/<env>/<kind>/<uid>.json` as `graf build` writes it; one
environment's folder (`DIR/<kind>/<uid>.json`) and a folder of dashboard JSON files (exports)
work too. Files that are byte-identical on both sides are counted, not parsed.
"""

from __future__ import annotations

import os
import subprocess
import sys
import tempfile
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, replace
from pathlib import Path

from graf.errors import GrafError, UsageError
from graf.gcpause import gc_paused
from graf.jsoninput import parse_json, read_bounded
from graf.resources import JSON, KIND_ORDER, Resource
from graf.validate.v2 import is_v2, uid_of

ResourceSets = dict[str, list[Resource]]
GIT_TIMEOUT = 120  # seconds for a git command
BUILD_TIMEOUT = 600  # seconds for rendering a revision


@dataclass(frozen=True)
class _File:
    env: str
    kind: str | None  # from the folder it is in; None: inferred from the body
    path: Path
    key: str  # where it sits under the root: files at the same key on both sides are compared as bytes


@dataclass(frozen=True)
class Pair:
    """What two paths hold, minus the files equal on both sides (`unchanged` counts those)."""

    old: ResourceSets
    new: ResourceSets
    unchanged: int


def load_pair(old: Path, new: Path) -> Pair:
    """Both sides of `graf diff OLD NEW`. Two single files are compared with each other whatever their uids."""
    old_files, new_files = _scan(old), _scan(new)
    if not old.is_dir() and not new.is_dir():
        before, after = _read(old_files[0]), _read(new_files[0])
        return Pair({"": [replace(before, kind=after.kind, uid=after.uid)]}, {"": [after]}, 0)
    old_data = {f.key: _bytes(f) for f in old_files}
    new_data = {f.key: _bytes(f) for f in new_files}
    same = {key for key, data in old_data.items() if new_data.get(key) == data}
    return Pair(_load((f, old_data[f.key]) for f in old_files if f.key not in same),
                _load((f, new_data[f.key]) for f in new_files if f.key not in same), len(same))


def load_path(path: Path) -> ResourceSets:
    """Every resource under a build folder (or in one JSON file), by environment ("" when there is none)."""
    return _load((f, _bytes(f)) for f in _scan(path))


@dataclass(frozen=True)
class Revision:
    """A git revision rendered: its resources, how to name it (`origin/main (1a2b3c4d)`), and a note
    when there was nothing to render."""

    resources: ResourceSets
    label: str
    note: str = ""


def render_revision(config: Path, rev: str, envs: Iterable[str] = ()) -> Revision:
    """Render the project at git revision `rev` with that revision's code, in a temporary worktree.

    `config` is the graf.yaml of the working tree; the same path inside the revision is used.
    The revision's own `graf` package renders it when the revision has one at its top level
    (graf's own repository); otherwise the installed graf does. A revision without the
    graf.yaml renders nothing (every resource shows as added), and says so in `note`.
    """
    root = Path(_git(["rev-parse", "--show-toplevel"], config.parent)).resolve()
    relative = config.resolve().relative_to(root)
    commit = _commit(rev, root)
    label = f"{rev} ({commit[:8]})"
    wanted = list(envs)
    with tempfile.TemporaryDirectory(prefix="graf-diff-") as tmp:
        tree = Path(tmp) / "tree"
        _git(["worktree", "add", "--detach", "--quiet", str(tree), commit], root)
        try:
            if not (tree / relative).is_file():
                return Revision({}, label, f"{rev} has no {relative}: everything shows as added or removed")
            out = Path(tmp) / "build"
            _build(tree, tree / relative, out, f"{rev}:{relative}")
            resources = load_path(out)
        finally:
            _git(["worktree", "remove", "--force", str(tree)], root, check=False)
    return Revision({env: rs for env, rs in resources.items() if not wanted or env in wanted}, label)


# ---------------------------------------------------------------------------- files


def _scan(path: Path) -> list[_File]:
    if not path.exists():
        raise UsageError(str(path), "no such file or folder")
    if not path.is_dir():  # a file, or a pipe such as <(curl ...): read as one JSON file
        return [_File("", _kind_of_folder(path.parent.name), path, path.name)]
    kinds = [d for d in sorted(path.iterdir()) if d.is_dir() and d.name in KIND_ORDER]
    if kinds:  # one environment: DIR/<kind>/<uid>.json
        return [_File("", d.name, f, f"{d.name}/{f.name}") for d in kinds for f in sorted(d.glob("*.json"))]
    envs = [d for d in sorted(path.iterdir()) if d.is_dir() and any((d / k).is_dir() for k in KIND_ORDER)]
    if envs:  # a build: DIR/<env>/<kind>/<uid>.json
        return [_File(e.name, k, f, f"{e.name}/{k}/{f.name}")
                for e in envs for k in KIND_ORDER if (e / k).is_dir() for f in sorted((e / k).glob("*.json"))]
    files = sorted(path.glob("*.json"))
    if not files:
        raise UsageError(str(path), "no resources found",
                         "expected DIR/<env>/<kind>/<uid>.json as `graf build` writes, or *.json files")
    return [_File("", None, f, f.name) for f in files]


def _load(files: Iterable[tuple[_File, bytes]]) -> ResourceSets:
    out: ResourceSets = {}
    with gc_paused():
        for file, data in files:
            out.setdefault(file.env, []).append(_read(file, data))
    _reject_duplicates(out)
    return out


def _bytes(file: _File) -> bytes:
    return read_bounded(file.path)


def _read(file: _File, raw: bytes | None = None) -> Resource:
    data = parse_json(_bytes(file) if raw is None else raw, str(file.path))
    if not isinstance(data, dict):
        raise GrafError(str(file.path), "expected a JSON object")
    body: JSON = data["dashboard"] if isinstance(data.get("dashboard"), dict) else data  # UI/API export
    kind = file.kind or _kind_of_body(body)
    uid = body.get("uid") if isinstance(body.get("uid"), str) and body.get("uid") else file.path.stem
    if is_v2(body):  # a schema v2 dashboard as graf export writes it: the uid is metadata.name
        uid = uid_of(body) or file.path.stem
    return Resource(kind, uid, body, source=str(file.path))  # type: ignore[arg-type]


def _kind_of_folder(name: str) -> str | None:
    return name if name in KIND_ORDER else None


def _kind_of_body(body: Mapping[str, object]) -> str:
    """A loose JSON file's kind, from the fields only that kind has."""
    if "condition" in body and "data" in body:
        return "alert-rule"
    if "access" in body and "type" in body:
        return "datasource"
    return "dashboard"


def _reject_duplicates(sets: ResourceSets) -> None:
    for resources in sets.values():
        seen: dict[tuple[str, str], Resource] = {}
        for resource in resources:
            first = seen.setdefault(resource.key, resource)
            if first is not resource:
                raise UsageError(f"{resource.kind}/{resource.uid}",
                                 f"found twice: in {first.source} and in {resource.source}")


# ---------------------------------------------------------------------------- git


def _commit(rev: str, root: Path) -> str:
    commit = _git(["rev-parse", "--verify", "--quiet", f"{rev}^{{commit}}"], root, check=False)
    if not commit:
        raise UsageError(f"--base/--head {rev}", "unknown git revision",
                         "fetch it first (e.g. git fetch origin main) or give a commit")
    return commit


def _git(args: list[str], cwd: Path, *, check: bool = True) -> str:
    try:
        proc = subprocess.run(["git", *args], cwd=cwd, capture_output=True, text=True, timeout=GIT_TIMEOUT,
                              check=False)
    except FileNotFoundError:
        from graf.errors import EnvironmentMissing

        raise EnvironmentMissing("git", "not installed", "graf diff --base needs git") from None
    if check and proc.returncode != 0:
        message = (proc.stderr.strip().splitlines() or ["failed"])[-1]
        if "not a git repository" in message:
            raise UsageError(str(cwd), "not inside a git repository", "--base needs the project in git") from None
        raise GrafError(f"git {args[0]}", message)
    return proc.stdout.strip()


def _build(tree: Path, config: Path, out: Path, where: str) -> None:
    """`graf build` of a checked-out revision, in a child process so its own code is imported."""
    env = dict(os.environ)
    if (tree / "graf" / "__init__.py").is_file():
        env["PYTHONPATH"] = os.pathsep.join(p for p in (str(tree), env.get("PYTHONPATH", "")) if p)
    command = [sys.executable, "-c", "import sys; from graf.cli import main; main(sys.argv[1:])",
               "--config", str(config), "build", "--out", str(out)]
    try:
        proc = subprocess.run(command, cwd=tree, env=env, capture_output=True, text=True,
                              timeout=BUILD_TIMEOUT, check=False)
    except subprocess.TimeoutExpired:
        raise GrafError(where, f"graf build took over {BUILD_TIMEOUT} s") from None
    if proc.returncode != 0:
        lines = proc.stderr.strip().splitlines() or proc.stdout.strip().splitlines() or ["no output"]
        raise GrafError(where, f"graf build failed at this revision: {lines[-1]}")
