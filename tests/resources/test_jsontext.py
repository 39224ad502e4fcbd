"""graf.jsontext.dumps is json.dumps(indent=2, sort_keys=True, ensure_ascii=False), byte for byte (or the same
error): on generated values (hypothesis, including what the fast path hands back), the example's build and
the reference dashboards."""

from __future__ import annotations

import json
from collections import OrderedDict
from pathlib import Path
from typing import Any

import pytest
from hypothesis import given
from hypothesis import strategies as st

from graf._render import render_all
from graf.config import load_project
from graf.jsontext import dumps
from tests.reference import REFERENCE, reference_dashboards, reference_json


def plain(value: Any) -> str:
    return json.dumps(value, indent=2, sort_keys=True, ensure_ascii=False)


def outcome(write: Any, value: Any) -> tuple[str, str]:
    """("ok", text) or (error type, "") - the messages of a refused value are json.dumps' own either way."""
    try:
        return "ok", write(value)
    except (TypeError, ValueError, RecursionError) as exc:
        return type(exc).__name__, ""


scalars = (st.none() | st.booleans() | st.integers() | st.floats() | st.text()
           | st.text(alphabet=st.characters(max_codepoint=0x20)) | st.sampled_from(["\u2028", "\x7f", "é", "\ud800"]))
keys = st.text(max_size=6) | st.sampled_from(["a", "b", "B", "é", "a\n"])
odd_keys = keys | st.integers(-3, 3) | st.booleans() | st.none() | st.floats(allow_nan=False, width=16)


def containers(inner: st.SearchStrategy[Any]) -> st.SearchStrategy[Any]:
    return st.lists(inner, max_size=4) | st.dictionaries(keys, inner, max_size=4)


plain_values = st.recursive(scalars, containers, max_leaves=30)
# What the fast path does not take itself: tuples, subclasses, sets, non-string keys.
odd_values = st.recursive(
    scalars | st.sets(st.integers(), max_size=2) | st.just(object()),
    lambda inner: (containers(inner) | st.tuples(inner, inner) | st.dictionaries(odd_keys, inner, max_size=3)
                   | st.dictionaries(keys, inner, max_size=3).map(OrderedDict)),
    max_leaves=12,
)


@given(plain_values)
def test_plain_values(value: Any) -> None:
    assert dumps(value) == plain(value)


@given(odd_values)
def test_values_handed_to_json_dumps(value: Any) -> None:
    assert outcome(dumps, value) == outcome(plain, value)


def test_a_cycle_is_json_dumps_error() -> None:
    value: dict[str, Any] = {"a": [1]}
    value["a"].append(value)
    with pytest.raises(ValueError, match="Circular reference"):
        dumps(value)


def test_deep_nesting() -> None:
    value: Any = 1
    for _ in range(200):
        value = {"k": [value]}
    assert dumps(value) == plain(value)


def test_the_example_build() -> None:
    example = Path(__file__).resolve().parents[2] / "graf.yaml"
    bodies = [r.canonical() for rs in render_all(load_project(example)).values() for r in rs]
    assert len(bodies) > 50
    for body in bodies:
        assert dumps(body) == plain(body)


@pytest.mark.parametrize("name", reference_dashboards() if REFERENCE.is_dir() else ["node-exporter-full.json"])
def test_reference_dashboards(name: str) -> None:
    body = reference_json(f"dashboards/{name}")
    assert dumps(body) == plain(body)
