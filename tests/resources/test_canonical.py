"""Laws of canonical form (hypothesis): idempotent, key order irrelevant, volatile fields gone."""

from __future__ import annotations

import json
from typing import Any

from hypothesis import given
from hypothesis import strategies as st

from graf.resources import KIND_ORDER, VOLATILE, Resource, canonical, canonical_json, content_hash

keys = st.text(alphabet="abcdefghijklmnopqrstuvwxyz_", min_size=1, max_size=8)
scalars = st.none() | st.booleans() | st.integers(-10**6, 10**6) | st.text(max_size=12) | \
    st.floats(allow_nan=False, allow_infinity=False, width=32)
json_values = st.recursive(
    scalars, lambda inner: st.lists(inner, max_size=4) | st.dictionaries(keys, inner, max_size=4), max_leaves=20
)
bodies = st.dictionaries(keys, json_values, max_size=8)
kinds = st.sampled_from(KIND_ORDER)


def _reversed_keys(value: Any) -> Any:
    if isinstance(value, dict):
        return {k: _reversed_keys(value[k]) for k in reversed(list(value))}
    if isinstance(value, list):
        return [_reversed_keys(v) for v in value]
    return value


@given(kinds, bodies)
def test_canonical_is_idempotent(kind: str, body: dict[str, Any]) -> None:
    once = canonical(kind, body)
    assert canonical(kind, once) == once
    assert canonical_json(kind, once) == canonical_json(kind, body)


@given(kinds, bodies)
def test_key_order_does_not_matter(kind: str, body: dict[str, Any]) -> None:
    assert canonical_json(kind, _reversed_keys(body)) == canonical_json(kind, body)
    assert content_hash(kind, _reversed_keys(body)) == content_hash(kind, body)


@given(kinds, bodies, st.data())
def test_volatile_fields_are_removed(kind: str, body: dict[str, Any], data: st.DataObject) -> None:
    volatile = list(VOLATILE[kind])
    noisy = dict(body)
    for field in data.draw(st.lists(st.sampled_from(volatile), unique=True, min_size=1)):
        noisy[field] = data.draw(st.integers(0, 10**6) | st.text(max_size=5))
    assert not set(canonical(kind, noisy)) & set(volatile)
    assert canonical_json(kind, noisy) == canonical_json(kind, {k: v for k, v in body.items() if k not in volatile})


def test_canonical_json_is_stable_text() -> None:
    body = {"title": "JVM", "version": 7, "id": 3, "panels": [{"b": 1, "a": None, "gridPos": {"y": 0, "x": 0}}],
            "tags": ["ü"]}
    text = canonical_json("dashboard", body)
    assert text == (
        '{\n  "panels": [\n    {\n      "b": 1,\n      "gridPos": {\n        "x": 0,\n        "y": 0\n      }\n'
        '    }\n  ],\n  "tags": [\n    "ü"\n  ],\n  "title": "JVM"\n}\n'
    )
    assert json.loads(text)["title"] == "JVM"


def test_integral_floats_equal_ints() -> None:
    """Grafana may return 1.0 where graf sent 1 (alert thresholds); both are the same resource."""
    assert content_hash("alert-rule", {"threshold": 1.0}) == content_hash("alert-rule", {"threshold": 1})


def test_resource_exposes_its_canonical_form() -> None:
    resource = Resource("dashboard", "shop-prod-jvm", {"uid": "shop-prod-jvm", "title": "JVM", "version": 3})
    assert resource.canonical() == {"title": "JVM", "uid": "shop-prod-jvm"}
    assert resource.title == "JVM"
    assert resource.key == ("dashboard", "shop-prod-jvm")
    assert resource.content_hash().startswith("sha256:")


def test_panel_plugin_version_stamped_by_the_ui_is_not_a_difference() -> None:
    code = {"title": "JVM", "panels": [{"id": 1, "type": "row", "panels": [{"id": 2, "type": "stat"}]},
                                       {"id": 3, "type": "timeseries"}]}
    saved = {"title": "JVM", "panels": [
        {"id": 1, "type": "row", "panels": [{"id": 2, "type": "stat", "pluginVersion": "11.6.0"}]},
        {"id": 3, "type": "timeseries", "pluginVersion": "11.6.0"}]}
    assert canonical_json("dashboard", saved) == canonical_json("dashboard", code)
    assert canonical("dashboard", code) == code
