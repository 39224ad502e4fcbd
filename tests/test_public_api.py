"""The small public API DESIGN.md names is importable from `graf` itself, whatever was imported before."""

from __future__ import annotations

import importlib

import graf


def test_public_names_resolve_even_after_their_modules_are_imported() -> None:
    for module in ("graf.render", "graf.validate", "graf.grafana.plan", "graf.grafana.apply", "graf.grafana.export"):
        importlib.import_module(module)
    for name in graf.__all__:
        value = getattr(graf, name)
        assert callable(value) and not isinstance(value, type(graf)), name
    assert graf.Resource.__module__ == "graf.resources"
    assert graf.plan.__module__ == "graf.grafana.plan"
    assert graf.render_all.__module__ == "graf.render"


def test_unknown_name_is_an_attribute_error() -> None:
    try:
        graf.nope  # noqa: B018
    except AttributeError as exc:
        assert "nope" in str(exc)
    else:
        raise AssertionError("graf.nope resolved")
