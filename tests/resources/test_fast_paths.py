"""The fast paths give what the plain definitions give: graf's normal form, the hash, the JSON check.

Run on every reference dashboard, on the example project's rendered resources (built-ins) and on
generated values (hypothesis), including the values the fast paths hand back to the plain walk."""

from __future__ import annotations

from collections.abc import Mapping
from pathlib import Path
from typing import Any

import pytest
from hypothesis import given
from hypothesis import strategies as st

from graf import jsonvalue
from graf._render import render_all
from graf.config import load_project
from graf.errors import RenderError
from graf.resources import KIND_ORDER, _normal, canonical, content_hash, normal_hash
from tests.reference import REFERENCE, reference_dashboards, reference_json


def plain_normal(value: Any) -> Any:
    """graf.resources._normal as first written: the definition the fast one must match."""
    if isinstance(value, Mapping):
        return {str(k): plain_normal(v) for k, v in sorted(value.items(), key=lambda kv: str(kv[0])) if v is not None}
    if isinstance(value, (list, tuple)):
        return [plain_normal(v) for v in value]
    if isinstance(value, float) and value.is_integer() and abs(value) < 2**53:
        return int(value)
    return value


def plain_check(value: Any) -> str | None:
    """The message of the plain iterative walk (None: accepted)."""
    try:
        jsonvalue._walk(value, "here")
    except RenderError as exc:
        return str(exc)
    return None


def fast_check(value: Any) -> str | None:
    try:
        jsonvalue.check_json(value, "here")
    except RenderError as exc:
        return str(exc)
    return None


def _example_resources() -> list[Any]:
    example = Path(__file__).resolve().parents[2] / "graf.yaml"
    return [r for resources in render_all(load_project(example)).values() for r in resources]


@pytest.mark.parametrize("name", reference_dashboards() if REFERENCE.is_dir() else ["node-exporter-full.json"])
def test_reference_dashboards(name: str) -> None:
    body = reference_json(f"dashboards/{name}")
    assert _normal(body) == plain_normal(body)
    normal = canonical("dashboard", body)
    assert normal_hash(normal) == content_hash("dashboard", body)
    assert fast_check(body) is None and plain_check(body) is None


def test_built_in_resources() -> None:
    resources = _example_resources()
    assert {r.kind for r in resources} >= {"folder", "datasource", "dashboard", "alert-rule"}
    for resource in resources:
        assert _normal(resource.body) == plain_normal(resource.body)
        assert normal_hash(resource.normalised().body) == resource.content_hash()
        assert fast_check(resource.body) is None


keys = st.text(max_size=4) | st.integers(-3, 3) | st.booleans()
scalars = (st.none() | st.booleans() | st.integers() | st.floats() | st.text(max_size=6)
           | st.just("\ud800") | st.just(2**63) | st.just(-(2**63)))
values = st.recursive(scalars, lambda inner: st.lists(inner, max_size=4) | st.tuples(inner, inner)
                      | st.dictionaries(keys, inner, max_size=4), max_leaves=25)


@given(values)
def test_normal_form_matches_the_definition(value: Any) -> None:
    fast, plain = _normal(value), plain_normal(value)
    # NaN is never equal to itself: compare the reprs, where nan reads the same
    assert repr(fast) == repr(plain)


@given(st.sampled_from(KIND_ORDER), st.dictionaries(st.text(max_size=5), values, max_size=6))
def test_hash_of_the_normal_form(kind: str, body: dict[str, Any]) -> None:
    if plain_check(body) is not None:
        return  # not JSON (NaN, a lone surrogate, ...): graf refuses it before it hashes anything
    assert normal_hash(canonical(kind, body)) == content_hash(kind, body)


@given(values)
def test_json_check_matches_the_walk(value: Any) -> None:
    assert fast_check(value) == plain_check(value)


class Text(str):
    pass


def _deep(levels: int) -> Any:
    value: Any = 1
    for _ in range(levels):
        value = [value]
    return value


@pytest.mark.parametrize("value", [
    {"a": Text("subclass of str")}, {"a": (1, 2)}, {1: "int key"}, {"a": float("inf")}, {"a": 2**63},
    {"a": "\udc80"}, {"a": {1, 2}}, _deep(jsonvalue.MAX_DEPTH - 1), _deep(jsonvalue.MAX_DEPTH),
    _deep(jsonvalue.MAX_DEPTH + 5), "ü and \U0001f600",
])
def test_json_check_edges(value: Any) -> None:
    assert fast_check(value) == plain_check(value)


def test_json_check_cycle() -> None:
    cycle: dict[str, Any] = {"a": []}
    cycle["a"].append(cycle)
    assert fast_check(cycle) == plain_check(cycle) is not None

