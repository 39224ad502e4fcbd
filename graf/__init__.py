"""graf: a whole Grafana monitoring setup in code."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

__all__ = ["GrafError", "Resource", "load_project", "render"]

if TYPE_CHECKING:
    from graf.config import load_project
    from graf.errors import GrafError
    from graf.render import render
    from graf.resources import Resource

_EXPORTS = {
    "load_project": "graf.config",
    "render": "graf.render",
    "Resource": "graf.resources",
    "GrafError": "graf.errors",
}


def __getattr__(name: str) -> Any:
    # Lazy, so `import graf.cli` does not pull in yaml, jsonschema or grafanalib.
    if name in _EXPORTS:
        import importlib

        return getattr(importlib.import_module(_EXPORTS[name]), name)
    raise AttributeError(f"module 'graf' has no attribute {name!r}")
