"""graf: a whole Grafana monitoring setup in code.

The public API is what the README's commands do, on a project (a `Project` or the path of its
graf.yaml) and an environment name, returning data: `render`, `validate`, `build`, `plan`, `sync`,
`export`, `dashboard_module` (a dashboard as the source of a module, `graf export --as python`);
plus `load_project`, `Target` (one environment as a place to plan, sync and export), `Resource`,
`canonical` and `GrafError`. Implementations live in private modules (`graf._api`, `graf._render`,
`graf._build`) behind `__all__`, imported on first use so `graf --help` stays fast.
"""

from __future__ import annotations

import sys
from types import ModuleType
from typing import TYPE_CHECKING, Any

__all__ = ["GrafError", "Resource", "Target", "build", "canonical", "dashboard_module", "export", "load_project",
           "plan", "render", "sync", "validate"]

if TYPE_CHECKING:
    from graf._api import build, dashboard_module, export, plan, render, sync, validate
    from graf.errors import GrafError
    from graf.project import load_project
    from graf.resources import Resource, canonical
    from graf.target import Target

_EXPORTS = {
    "load_project": "graf.project",
    "render": "graf._api",
    "validate": "graf._api",
    "build": "graf._api",
    "plan": "graf._api",
    "sync": "graf._api",
    "export": "graf._api",
    "dashboard_module": "graf._api",
    "Target": "graf.target",
    "Resource": "graf.resources",
    "canonical": "graf.resources",
    "GrafError": "graf.errors",
}


def __getattr__(name: str) -> Any:
    # Lazy, so `import graf.cli` does not pull in yaml, jsonschema or grafanalib.
    if name in _EXPORTS:
        import importlib

        return getattr(importlib.import_module(_EXPORTS[name]), name)
    raise AttributeError(f"module 'graf' has no attribute {name!r}")


class _Graf(ModuleType):
    """The `graf` package. `graf.validate` is also the package of schemas and lint rules, and importing a
    submodule binds it on its parent: refusing that one binding keeps `graf.validate` the function, while
    `from graf.validate import Finding` (and `sys.modules["graf.validate"]`) still reach the package."""

    def __setattr__(self, name: str, value: Any) -> None:
        if name in _EXPORTS and isinstance(value, ModuleType):
            return
        super().__setattr__(name, value)


sys.modules[__name__].__class__ = _Graf
