"""The public API DESIGN.md names is importable from `graf` itself, whatever was imported before."""

from __future__ import annotations

import importlib
import sys
from types import ModuleType

import graf


def test_public_names_resolve_even_after_their_modules_are_imported() -> None:
    for module in ("graf._render", "graf._build", "graf._api", "graf.validate", "graf.validate.findings",
                   "graf.target", "graf.grafana.plan", "graf.grafana.apply", "graf.grafana.export"):
        importlib.import_module(module)
    for name in graf.__all__:
        value = getattr(graf, name)
        assert callable(value) and not isinstance(value, ModuleType), name
    assert graf.Resource.__module__ == "graf.resources"
    assert graf.Target.__module__ == "graf.target"
    for name in ("render", "validate", "build", "plan", "sync", "export"):
        assert getattr(graf, name).__module__ == "graf._api", name


def test_the_validate_package_stays_importable_beside_the_function() -> None:
    from graf import validate
    from graf.validate import Finding

    assert validate is graf.validate and callable(validate)
    assert isinstance(sys.modules["graf.validate"], ModuleType)
    assert sys.modules["graf.validate"].Finding is Finding


def test_unknown_name_is_an_attribute_error() -> None:
    try:
        graf.nope  # noqa: B018
    except AttributeError as exc:
        assert "nope" in str(exc)
    else:
        raise AssertionError("graf.nope resolved")
