"""The whole of graf validate with its fast paths gives the findings of the plain definitions: same
findings, same order, same messages, on every reference dashboard and on mutated copies of them.

Plain: the schema answered by jsonschema alone (no compiled fast path), each query's text made by
the two plain passes (`substitute(normal_form(expr))`), each file's JSON checked by the walk that
rebuilds every object. Run standalone and with an environment label (G503 reads the queries too)."""

from __future__ import annotations

import copy
import json
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import replace
from typing import Any

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from graf.resources import Resource
from graf.validate import Finding, ValidationContext, promql, schema, validate
from graf.validate.variables import substitute
from tests.reference import REFERENCE, reference_dashboards, reference_json
from tests.validate.test_fast_queries import _PIECES


@contextmanager
def plain_paths(monkeypatch: pytest.MonkeyPatch) -> Iterator[None]:
    with monkeypatch.context() as patch:
        patch.setattr(schema, "fast_check", lambda kind: schema.validator(kind).is_valid)
        patch.setattr(promql, "prepared", lambda expr, values=(), fallback="x":
                      substitute(promql.normal_form(expr), values, fallback=fallback))
        # G503 from the query substituted, parsed again, not from the tree G501 parsed
        patch.setattr(promql, "_unfiltered_in", lambda text, label: None)
        # what promql.Checker calls: the samples also as a dict, which the plain passes do not read
        patch.setattr(promql, "_prepare", lambda expr, values, lookup, fallback, outside, inside:
                      substitute(promql.normal_form(expr), values, fallback=fallback))
        promql._error.cache_clear()
        yield
    promql._error.cache_clear()


def _findings(body: dict[str, Any], label: str | None) -> list[Finding]:
    resource = Resource("dashboard", str(body.get("uid") or ""), body, source="copy.json")
    ctx = replace(ValidationContext.standalone([resource]), environment_label=label)
    return validate([resource], ctx)


def _both(body: dict[str, Any], monkeypatch: pytest.MonkeyPatch) -> None:
    for label in (None, "environment"):
        fast = _findings(copy.deepcopy(body), label)
        with plain_paths(monkeypatch):
            plain = _findings(copy.deepcopy(body), label)
        assert fast == plain, json.dumps(body)[:300]


def _dashboard(name: str) -> dict[str, Any]:
    body = reference_json(f"dashboards/{name}")
    return body["dashboard"] if isinstance(body.get("dashboard"), dict) else body


NAMES = reference_dashboards() if REFERENCE.is_dir() else ["node-exporter-full.json"]


@pytest.mark.parametrize("name", NAMES)
def test_reference_dashboards(name: str, monkeypatch: pytest.MonkeyPatch) -> None:
    _both(_dashboard(name), monkeypatch)


def _targets(body: dict[str, Any]) -> list[dict[str, Any]]:
    panels = [p for p in body.get("panels", []) if isinstance(p, dict)]
    panels += [c for p in panels for c in p.get("panels", []) if isinstance(c, dict)]
    return [t for p in panels for t in p.get("targets", []) if isinstance(t, dict)]


def _paths(value: Any, prefix: tuple[Any, ...] = ()) -> Iterator[tuple[Any, ...]]:
    yield prefix
    items = value.items() if isinstance(value, dict) else enumerate(value) if isinstance(value, list) else ()
    for key, item in items:
        yield from _paths(item, (*prefix, key))


SCALARS = st.one_of(st.none(), st.booleans(), st.integers(-3, 30), st.floats(-2, 2, allow_nan=False),
                    st.sampled_from(["", "row", "x", "$job", "${ds}", "prometheus", "graph", "query", "-- Mixed --"]))


@settings(max_examples=40, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture,
                                                                 HealthCheck.too_slow])
@given(data=st.data())
def test_mutated_copies(data: st.DataObject, monkeypatch: pytest.MonkeyPatch) -> None:
    body = _dashboard(data.draw(st.sampled_from(NAMES)))
    targets = _targets(body)
    for _ in range(data.draw(st.integers(1, 4))):
        action = data.draw(st.sampled_from(["query", "query", "field", "delete", "add"]))
        if action == "query" and targets:
            target = data.draw(st.sampled_from(targets))
            target["expr"] = data.draw(st.lists(_PIECES, max_size=10).map("".join))
            continue
        where = data.draw(st.sampled_from(list(_paths(body))[1:]))
        parent: Any = body
        for part in where[:-1]:
            parent = parent[part]
        if action == "delete" and isinstance(parent, dict):
            del parent[where[-1]]
        elif action == "add" and isinstance(parent, dict):
            key = data.draw(st.sampled_from(["extra", "id", "type", "uid", "expr", "datasource"]))
            parent[key] = data.draw(SCALARS)
        else:
            parent[where[-1]] = data.draw(SCALARS)
    _both(body, monkeypatch)
