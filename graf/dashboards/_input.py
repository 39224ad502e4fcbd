"""What `to_model` takes from a dashboard module: the shape of each part the adapter reads.

A module may return any dashboard dict, and the adapter keeps what it does not know; but the parts
it walks must have the shape Grafana gives them, or it could not walk them. `check_dashboard` says
which part is off, by its key path, instead of a TypeError from inside the adapter. Run it after
`graf.jsonvalue.check_json`, which guarantees plain JSON of bounded depth.
"""

from __future__ import annotations

from typing import Any

from graf.errors import PATH_SEPARATOR, RenderError, format_path
from graf.wording import type_of

Path = tuple[str | int, ...]


def check_dashboard(body: Any, where: str) -> None:
    """Raise RenderError naming `where` and the key path of the first part the adapter cannot read."""
    if not isinstance(body, dict):
        raise RenderError(where, f"expected a grafanalib Dashboard or a dashboard dict, got {type_of(body, 'json')}")
    check = _Checker(where)
    for key in ("annotations", "templating"):
        holder = check.kind(body, (), key, dict)
        if holder is not None:
            for i, item in enumerate(check.list_of_dicts(holder, (key,), "list")):
                if key == "templating":
                    check.kind(item, (key, "list", i), "type", str)
    check.list_of_dicts(body, (), "links")
    check.panels(body, ())


class _Checker:
    """Each check gets the path of the parent (`at`) and the key: the key path is put together only for a
    message, as most dashboards have every part right."""

    def __init__(self, where: str) -> None:
        self.where = where

    def fail(self, path: Path, expected: str, got: Any) -> None:
        raise RenderError(f"{self.where}{PATH_SEPARATOR}{format_path(path)}",
                          f"expected {expected}, got {type_of(got, 'json')}")

    def kind(self, parent: dict[str, Any], at: Path, key: str, expected: type) -> Any:
        """`parent[key]` if present and of the expected type, else an error; None if absent."""
        value = parent.get(key)
        if value is None:
            return None
        if not isinstance(value, expected) or (expected is int and isinstance(value, bool)):
            self.fail((*at, key), type_of(expected(), "json"), value)
        return value

    def list_of_dicts(self, parent: dict[str, Any], at: Path, key: str) -> list[dict[str, Any]]:
        items = self.kind(parent, at, key, list) or []
        for i, item in enumerate(items):
            if not isinstance(item, dict):
                self.fail((*at, key, i), "an object", item)
        return items

    def panels(self, parent: dict[str, Any], path: Path) -> None:
        for i, panel in enumerate(self.list_of_dicts(parent, path, "panels")):
            at = (*path, "panels", i)
            self.list_of_dicts(panel, at, "targets")
            self.kind(panel, at, "options", dict)
            grid = self.kind(panel, at, "gridPos", dict)
            if grid:
                for key in ("x", "y", "w", "h"):
                    self.kind(grid, (*at, "gridPos"), key, int)
            config = self.kind(panel, at, "fieldConfig", dict)
            defaults = self.kind(config, (*at, "fieldConfig"), "defaults", dict) if config else None
            thresholds = defaults.get("thresholds") if defaults else None
            if isinstance(thresholds, dict):
                self.list_of_dicts(thresholds, (*at, "fieldConfig", "defaults", "thresholds"), "steps")
            self.panels(panel, at)  # a row's panels
