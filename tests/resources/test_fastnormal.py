"""graf.fastnormal gives exactly the plain normal form (values, types, key order), or hands the value back.

Compared by repr, which tells 1 from 1.0 and True, a str from a str subclass, and shows key order."""

from __future__ import annotations

import enum
import json
import uuid
from typing import Any

import pytest
from hypothesis import given
from hypothesis import strategies as st

from graf import fastnormal, resources
from graf.fastnormal import normal_copy
from graf.resources import canonical, canonical_json, content_hash
from tests.reference import REFERENCE, reference_dashboards, reference_json
from tests.resources.test_fast_paths import _example_resources, plain_normal


def agrees(value: Any) -> bool:
    """normal_copy declined, or gave what the plain definition gives."""
    copy = normal_copy(value)
    return copy is None or repr(copy) == repr(plain_normal(value))


keys = st.text(max_size=4) | st.sampled_from(["a", "B", "é", "\U0001f600", "\ud800", "1.0", ":null"])
floats = st.floats() | st.sampled_from([1.0, -0.0, 0.5, 1e16, 1e-7, 2.0**53, 1.5e300, 123.0])
scalars = (st.none() | st.booleans() | st.integers() | floats | st.text(max_size=6)
           | st.sampled_from(["1.0", "a:1.0", ",2.0]", "x,1e+5", "e+", ":null", "\ud800"]) | st.just(2**64))
values = st.recursive(scalars, lambda inner: st.lists(inner, max_size=4) | st.tuples(inner, inner)
                      | st.dictionaries(keys, inner, max_size=4), max_leaves=25)


@given(values)
def test_same_as_the_plain_normal_form(value: Any) -> None:
    assert agrees(value)


@given(st.dictionaries(st.text(max_size=8), st.recursive(
    st.booleans() | st.integers(-(2**63), 2**63 - 1) | st.text(max_size=8)
    | st.floats(allow_nan=False, allow_infinity=False).filter(lambda f: not f.is_integer()),
    lambda inner: st.lists(inner, max_size=4) | st.dictionaries(st.text(max_size=4), inner, max_size=4),
    max_leaves=20), max_size=6))
def test_taken_for_json_without_nulls_or_integral_floats(value: dict[str, Any]) -> None:
    text = json.dumps(value, ensure_ascii=False)
    if "." in text or "+" in text or "null" in text:
        return  # a string may look like a float or a null: declining is allowed there
    copy = normal_copy(value)
    assert copy is not None and repr(copy) == repr(plain_normal(value))


class Colour(enum.Enum):
    RED = "red"


class Number(enum.IntEnum):
    ONE = 1


class Text(str):
    pass


@pytest.mark.parametrize("value", [
    {"a": 1.0}, {"a": -0.0}, {"a": [1e16]}, {"a": 2.0**53}, {"a": 1.5e300}, {"a": 0.5, "b": 1e-7},
    {"a": None}, {"a": [None, 1]}, {"a": float("nan")}, {"a": [float("inf")]}, {"a": (1, 2)}, {"a": Colour.RED},
    {"a": Text("x")}, {"a": uuid.UUID(int=1)}, {"a": 2**64}, {"a": -(2**63) - 1},
    {1: "int key"}, {"a": "\ud800"}, {"\ud800": 1}, {"b": 1, "a": {"d": 1, "c": 2}, "é": 1, "\U0001f600": 1, "z": 1},
    {"a": "11.6.0", "b": "v1.0 + 2.0", "c": "1e+5"}, {"a": ":1.0,", "b": "[2.0]"}, [1, 2.5, {"b": 1, "a": 2}],
])
def test_edges(value: Any) -> None:
    assert agrees(value)


class Word(str, enum.Enum):
    A = "a"


@pytest.mark.parametrize("value", [{"a": Number.ONE}, {"b": [Word.A]}])
def test_enum_members_that_are_ints_or_strings(value: Any) -> None:
    """orjson writes them as their values: the copy holds the plain int or str, the same JSON as before."""
    copy = normal_copy(value)
    assert copy is None or (copy == plain_normal(value) and json.dumps(copy) == json.dumps(plain_normal(value)))


@pytest.mark.parametrize(("text", "integral"), [
    (b'{"a":1.0}', True), (b'{"a":-2.0}', True), (b'[1e+16]', True), (b'{"a":[0,1.5e+300]}', True),
    (b'1.0', True), (b'{"a":1.05}', False), (b'{"a":1e-7}', False), (b'{"a":"11.6.0"}', False),
    (b'{"a":"x+1"}', False), (b'{"a":"ratio:1.0"}', True),
])
def test_integral_float_seen_in_the_text(text: bytes, integral: bool) -> None:
    assert fastnormal._integral_float(text) is integral


def test_taken_for_rendered_dashboards() -> None:
    """Not a path that always declines: the example's rendered bodies go the fast way, and agree."""
    bodies = [r.body for r in _example_resources()]
    taken = [b for b in bodies if normal_copy(b) is not None]
    assert len(taken) >= len(bodies) // 2
    for body in bodies:
        assert agrees(body)


@pytest.mark.parametrize("name", reference_dashboards() if REFERENCE.is_dir() else ["node-exporter-full.json"])
def test_reference_dashboards(name: str, monkeypatch: pytest.MonkeyPatch) -> None:
    body = reference_json(f"dashboards/{name}")
    assert agrees(body)
    fast = canonical("dashboard", body)
    monkeypatch.setattr(resources, "normal_copy", lambda value: None)  # the plain walk only
    assert repr(fast) == repr(canonical("dashboard", body))


@given(st.dictionaries(st.sampled_from(["uid", "panels", "graf", "version", "title"]), values, max_size=5),
       st.lists(st.dictionaries(st.sampled_from(["id", "pluginVersion", "panels", "type"]), values, max_size=4),
                max_size=3))
def test_canonical_dashboard_leaves_its_input_alone(body: dict[str, Any], panels: list[dict[str, Any]]) -> None:
    """Panels are changed in place only in the fresh copy the normal form made, never in what it was given."""
    body = {**body, "panels": [*panels, {"type": "row", "panels": [dict(p) for p in panels]}]}
    before = repr(body)
    normal = canonical("dashboard", body)
    assert repr(body) == before
    assert all("pluginVersion" not in p for p in normal["panels"] if isinstance(p, dict))


# The hash graf records on every write, as graf computed it before the normal form had a fast path: a record on a
# live Grafana must keep matching after an upgrade, or every dashboard would look changed.
_RECORDED = {"uid": "bench-prod-b0001", "title": "Bench 0001", "schemaVersion": 41, "version": 7, "id": 3,
             "graf": {"hash": "x"}, "tags": ["ü", "a\u2028b"], "time": {"from": "now-6h", "to": "now"},
             "refresh": None, "panels": [{
                 "id": 1, "type": "timeseries", "title": "Panel 1", "gridPos": {"h": 8, "w": 12, "x": 0, "y": 8},
                 "pluginVersion": "11.6.0", "datasource": {"type": "prometheus", "uid": "prometheus"},
                 "fieldConfig": {"defaults": {"min": 0.0, "max": 1.5, "decimals": 2.0}},
                 "targets": [{"refId": "A", "expr": 'sum(rate(x{uri="/1/1"}[5m]))', "interval": None}]}]}


# One without nulls or integral floats: it goes the fast way.
_RECORDED_FAST = {"uid": "bench-prod-b0001", "title": "Bench 0001", "schemaVersion": 41,
                  "tags": ["ü", "a\u2028b", "\U0001f600"], "panels": [{
                      "id": 1, "type": "timeseries", "title": "Panel 1", "gridPos": {"h": 8, "w": 12, "x": 0, "y": 8},
                      "datasource": {"type": "prometheus", "uid": "prometheus"},
                      "fieldConfig": {"defaults": {"max": 1.5, "min": -0.25, "tiny": 1e-07}},
                      "targets": [{"refId": "A", "expr": 'sum(rate(x{uri="/1/1"}[5m])) > 0.5', "hide": False,
                                   "legendFormat": '{{uri}} \\ "q"'}]}]}


def test_recorded_hashes_stay_the_same() -> None:
    assert content_hash("dashboard", _RECORDED) == (
        "sha256:4100c1865ecaf1be6743689681f33003a0bd784e9d37a79c9296f928311f51c1")
    without_panels = {k: v for k, v in _RECORDED.items() if k != "panels"}
    assert content_hash("dashboard", without_panels) == (
        "sha256:c176f1542de14f16dfbf1d7178d4b785088cf924b908d699b8a8c13719abf9bc")
    assert normal_copy(_RECORDED_FAST) is not None
    assert content_hash("dashboard", _RECORDED_FAST) == (
        "sha256:614df3c239020d9d14dc30dbcfa9a8b060fb9530984c1b2359beaa24fe948565")


@pytest.mark.parametrize("name", reference_dashboards() if REFERENCE.is_dir() else ["node-exporter-full.json"])
def test_hash_and_text_as_with_the_plain_walk(name: str, monkeypatch: pytest.MonkeyPatch) -> None:
    body = reference_json(f"dashboards/{name}")
    fast = (content_hash("dashboard", body), canonical_json("dashboard", body))
    monkeypatch.setattr(resources, "normal_copy", lambda value: None)
    assert fast == (content_hash("dashboard", body), canonical_json("dashboard", body))
