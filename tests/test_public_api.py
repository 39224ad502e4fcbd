"""The small public API DESIGN.md names is importable from `graf` itself."""

from __future__ import annotations

import graf


def test_public_names_resolve() -> None:
    for name in graf.__all__:
        assert callable(getattr(graf, name)), name
    assert graf.Resource.__module__ == "graf.resources"
    assert graf.plan.__module__ == "graf.grafana.plan"


def test_unknown_name_is_an_attribute_error() -> None:
    try:
        graf.nope  # noqa: B018
    except AttributeError as exc:
        assert "nope" in str(exc)
    else:
        raise AssertionError("graf.nope resolved")
