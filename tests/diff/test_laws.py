"""Laws of the diff, checked on generated JSON: it agrees with canonical equality."""

from __future__ import annotations

from typing import Any

from hypothesis import given, settings
from hypothesis import strategies as st

from graf.diff.semantic import diff_resource
from graf.diff.tree import diff_values
from graf.resources import Resource, canonical

KEYS = st.sampled_from(["a", "b", "refId", "name", "title", "id", "expr", "odd key"])
SCALARS = st.none() | st.booleans() | st.integers(-3, 3) | st.sampled_from([1.0, 2.5]) | st.sampled_from(
    ["x", "y", "A", "B", "sum(rate(http_server_requests_seconds_count[5m]))"])
JSON = st.recursive(SCALARS, lambda inner: st.lists(inner, max_size=4) | st.dictionaries(KEYS, inner, max_size=4),
                    max_leaves=20)
BODIES = st.dictionaries(KEYS, JSON, max_size=5)


def _canonical(value: dict[str, Any]) -> dict[str, Any]:
    return canonical("", value)


@settings(max_examples=300, deadline=None)
@given(BODIES, BODIES)
def test_no_change_exactly_when_canonical_forms_are_equal(old: dict[str, Any], new: dict[str, Any]) -> None:
    assert (diff_values(old, new) == []) == (_canonical(old) == _canonical(new))


@settings(max_examples=200, deadline=None)
@given(BODIES)
def test_a_body_never_differs_from_itself_or_its_canonical_form(body: dict[str, Any]) -> None:
    assert diff_values(body, body) == []
    assert diff_values(body, _canonical(body)) == []


@settings(max_examples=200, deadline=None)
@given(st.lists(st.fixed_dictionaries({"id": st.integers(1, 6), "title": st.sampled_from(["A", "B", "C", ""]),
                                        "type": st.sampled_from(["row", "stat", "timeseries"]),
                                        "gridPos": st.fixed_dictionaries({"x": st.integers(0, 23),
                                                                          "y": st.integers(0, 30),
                                                                          "w": st.just(12), "h": st.just(8)})}),
                max_size=6),
       st.lists(KEYS, max_size=3))
def test_dashboards_differ_exactly_when_canonical_forms_do(panels: list[dict[str, Any]], noise: list[str]) -> None:
    old = {"uid": "d", "panels": panels, "version": 1}
    new = {"uid": "d", "panels": list(reversed(panels)), "version": 2, "id": 7}
    changes = diff_resource(Resource("dashboard", "d", old), Resource("dashboard", "d", new))
    assert changes == () or _canonical({"p": panels}) != _canonical({"p": list(reversed(panels))})
    if len({(p["id"], p["title"]) for p in panels}) == len(panels):  # identities unique: order never matters
        assert changes == ()
