"""graf: a whole Grafana monitoring setup in code."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

# `render` and `validate` are submodules, so the functions are exported as `render_all` and
# `validate_rendered` (a lazily exported function would be shadowed by its module once imported).
__all__ = ["GrafError", "Resource", "apply", "canonical", "export", "load_project", "plan", "render_all",
           "validate_rendered"]

if TYPE_CHECKING:
    from graf.errors import GrafError
    from graf.grafana.apply import apply
    from graf.grafana.export import export
    from graf.grafana.plan import plan
    from graf.project import load_project
    from graf.render import render_all
    from graf.resources import Resource, canonical
    from graf.validate import validate_rendered

_EXPORTS = {
    "load_project": "graf.project",
    "render_all": "graf.render",
    "Resource": "graf.resources",
    "canonical": "graf.resources",
    "validate_rendered": "graf.validate",
    "plan": "graf.grafana.plan",
    "apply": "graf.grafana.apply",
    "export": "graf.grafana.export",
    "GrafError": "graf.errors",
}


def __getattr__(name: str) -> Any:
    # Lazy, so `import graf.cli` does not pull in yaml, jsonschema or grafanalib.
    if name in _EXPORTS:
        import importlib

        return getattr(importlib.import_module(_EXPORTS[name]), name)
    raise AttributeError(f"module 'graf' has no attribute {name!r}")
