"""A module's dashboard as JSON, with which parts grafanalib wrote: the first half of graf's adapter.

`serialise` is the only place that calls grafanalib's `to_json_data` (graf.dashboards._grafanalib
then modernises grafanalib's parts and keeps the written ones). Anything grafanalib prints while
serialising becomes a `RenderError` instead of stray output, and so does anything it raises.
"""

from __future__ import annotations

import contextlib
import io
import json
from dataclasses import dataclass
from typing import Any

from graf.dashboards._layout import Path
from graf.errors import RenderError
from graf.resources import JSON
from graf.wording import clipped


@dataclass(frozen=True)
class Serialised:
    """A module's dashboard as JSON, and which of its parts grafanalib wrote.

    `made` holds the key path of every part grafanalib serialised: `()` for the Dashboard itself,
    `("panels", 2)`, `("panels", 4, "panels", 0)` (a row's panel), `("templating", "list", 1)`,
    `("annotations", "list", 0)`, `("links", 0)`. Every other part is written. `written_keys` are the
    Dashboard's own keys an `extraJson` set."""

    body: JSON
    made: frozenset[Path] = frozenset()
    written_keys: frozenset[str] = frozenset()


def serialise(dashboard: Any, where: str) -> Serialised:
    """A grafanalib Dashboard (or a dashboard dict, all written) as JSON with its provenance; anything
    grafanalib prints or raises meanwhile is a RenderError naming `where`."""
    if isinstance(dashboard, dict):
        return Serialised(dashboard)
    if not hasattr(dashboard, "to_json_data"):
        raise RenderError(where, f"returned {type(dashboard).__name__}, expected a grafanalib Dashboard "
                                 "or a dashboard dict")
    extra = getattr(dashboard, "extraJson", None) if _is_extended(dashboard) else None
    keys = frozenset(str(k) for k in extra) if isinstance(extra, dict) else frozenset()
    made: set[Path] = set()
    printed = io.StringIO()
    try:
        with contextlib.redirect_stdout(printed):
            body = _made(dashboard.to_json_data(), (), made, keys)
    except Exception as exc:  # grafanalib walking a module's objects: any failure comes from what it returned
        raise RenderError(where, f"grafanalib cannot serialise the {type(dashboard).__name__} returned: "
                                 f"{type(exc).__name__}: {clipped(str(exc))}") from None
    _no_prints(dashboard, printed)
    return Serialised(body, frozenset(made), keys)


def to_json(dashboard: Any, where: str) -> JSON:
    """A grafanalib object as plain JSON (nulls kept); anything grafanalib prints or raises meanwhile is a
    RenderError."""
    if not hasattr(dashboard, "to_json_data"):
        raise RenderError(where, f"returned {type(dashboard).__name__}, expected a grafanalib Dashboard "
                                 "or a dashboard dict")
    printed = io.StringIO()
    try:
        with contextlib.redirect_stdout(printed):
            data: JSON = _plain(dashboard.to_json_data())
    except Exception as exc:  # grafanalib walking a module's objects: any failure comes from what it returned
        raise RenderError(where, f"grafanalib cannot serialise the {type(dashboard).__name__} returned: "
                                 f"{type(exc).__name__}: {clipped(str(exc))}") from None
    _no_prints(dashboard, printed)
    return data


def _is_extended(dashboard: Any) -> bool:
    from graf.dashboards.exported import ExtendedDashboard

    return isinstance(dashboard, ExtendedDashboard)


def _no_prints(dashboard: Any, printed: io.StringIO) -> None:
    if printed.getvalue().strip():
        title = clipped(str(getattr(dashboard, "title", "?")), 60)
        raise RenderError(f"dashboard {title!r}", f"grafanalib: {clipped(printed.getvalue().strip().splitlines()[0])}")


def _made(data: Any, path: Path, made: set[Path], written_keys: frozenset[str] = frozenset()) -> Any:
    """What grafanalib serialised at `path`; its parts (panels, a frame's links, variables and annotations)
    each by their own provenance, `written_keys` as written."""
    if not isinstance(data, dict):
        return _plain(data)
    made.add(path)
    parts: dict[str, Any] = {}
    for key, value in data.items():
        if key in written_keys:
            continue
        if isinstance(value, (list, tuple)) and (key == "panels" or (key == "links" and not path)):
            parts[key] = [_part(item, (*path, key, i), made) for i, item in enumerate(value)]
        elif key in ("templating", "annotations") and not path:
            holder = value.to_json_data() if hasattr(value, "to_json_data") else value
            items = holder.get("list") if isinstance(holder, dict) else None
            if isinstance(items, (list, tuple)):
                parts[key] = {**_plain({k: v for k, v in holder.items() if k != "list"}),
                              "list": [_part(item, (key, "list", i), made) for i, item in enumerate(items)]}
    rest = _plain({k: v for k, v in data.items() if k not in parts})  # one JSON round trip for the rest
    return {str(k): parts[k] if k in parts else rest[str(k)] for k in data}


def _part(value: Any, path: Path, made: set[Path]) -> Any:
    """A part: grafanalib's when it is a grafanalib object, else written by the module (a written row's
    panels each by their own provenance)."""
    if hasattr(value, "to_json_data"):
        return _made(value.to_json_data(), path, made)
    if isinstance(value, dict) and isinstance(value.get("panels"), (list, tuple)):
        rest = _plain({k: v for k, v in value.items() if k != "panels"})
        panels = [_part(item, (*path, "panels", i), made) for i, item in enumerate(value["panels"])]
        return {**rest, "panels": panels}
    return _plain(value)


def _plain(value: Any) -> Any:
    from grafanalib._gen import DashboardEncoder  # type: ignore[import-untyped]

    return json.loads(json.dumps(value, cls=DashboardEncoder))


_LEAVES = frozenset({str, int, bool, float})  # kept as they are, tested inline: a call per leaf costs more


def drop_nulls(value: Any) -> Any:
    """`value` without the nulls in its dicts (graf's normal form has none; an `extraJson` key set to None is
    left out)."""
    if isinstance(value, dict):
        return {k: v if type(v) in _LEAVES else drop_nulls(v) for k, v in value.items() if v is not None}
    if isinstance(value, list):
        return [v if type(v) in _LEAVES else drop_nulls(v) for v in value]
    return value
