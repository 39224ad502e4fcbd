"""Dashboard JSON files and folders -> resources for a standalone `graf validate FILE_OR_DIR...`.

A file may be a dashboard model, one wrapped as `{"dashboard": {...}}` (the API's and the
UI's export shape), or a schema v2 resource object (`apiVersion: dashboard.grafana.app/v2…`).
A file named on the command line that is not a dashboard is a G002 finding; in a folder, other
JSON (a datasource, package.json) is skipped and counted.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from graf.jsoninput import BadJSON, parse_json, read_json
from graf.resources import Resource
from graf.validate.findings import Finding
from graf.validate.v2 import is_v2, uid_of

_DASHBOARD_KEYS = ("panels", "rows", "schemaVersion", "templating")


@dataclass
class Loaded:
    resources: list[Resource] = field(default_factory=list)
    findings: list[Finding] = field(default_factory=list)
    skipped: list[Path] = field(default_factory=list)


def load_dashboards(paths: Sequence[Path]) -> Loaded:
    return load_entries(entries(paths))


def entries(paths: Sequence[Path]) -> list[tuple[Path, bool]]:
    """(file, named on the command line) for every file `paths` stand for, in the order they are read."""
    out: list[tuple[Path, bool]] = []
    for path in paths:
        if path.is_dir():  # anything else (a file, a pipe, /dev/stdin) is read as one JSON file
            out.extend((file, False) for file in sorted(p for p in path.rglob("*.json") if p.is_file()))
        else:
            out.append((path, True))
    return out


def load_entries(files: Sequence[tuple[Path, bool]]) -> Loaded:
    loaded = Loaded()
    for file, named in files:
        _load(file, loaded, named=named)
    return loaded


def load_read(file: Path, raw: bytes, named: bool) -> Loaded:
    """`load_entries` of one file whose bytes the caller has read (with jsoninput.read_bounded)."""
    loaded = Loaded()
    _load(file, loaded, named=named, raw=raw)
    return loaded


def _load(file: Path, loaded: Loaded, *, named: bool, raw: bytes | None = None) -> None:
    where = str(file)
    try:
        data: Any = read_json(file) if raw is None else parse_json(raw, where)
    except BadJSON as exc:
        loaded.findings.append(Finding(exc.path, "G002", "error", exc.message))
        return
    if is_v2(data):  # a schema v2 resource object, as Grafana 13 stores a UI save and graf export keeps it
        loaded.resources.append(Resource("dashboard", uid_of(data), data, source=where))
        return
    if isinstance(data, dict) and isinstance(data.get("dashboard"), dict):
        data = data["dashboard"]
    if not isinstance(data, dict) or not any(k in data for k in _DASHBOARD_KEYS):
        if named:
            loaded.findings.append(Finding(where, "G002", "error",
                                           "not a dashboard (no panels, rows, templating or schemaVersion)"))
        else:
            loaded.skipped.append(file)
        return
    uid = data.get("uid")
    loaded.resources.append(Resource("dashboard", uid if isinstance(uid, str) else "", data, source=where))
