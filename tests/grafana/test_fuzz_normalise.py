"""Fuzz: whatever JSON a server answers, each kind's `normalise` gives a LiveResource, None, or a GrafanaError,
never another exception (issue 12). Answers are random JSON, and random JSON grafted onto real answers."""

from __future__ import annotations

from typing import Any

import pytest
from hypothesis import example, given, settings
from hypothesis import strategies as st

from graf.errors import GrafanaError
from graf.grafana.kinds import KINDS, LiveResource
from graf.grafana.live import mask_secrets
from graf.resources import Resource

scalars = (st.none() | st.booleans() | st.integers(-2**70, 2**70) | st.floats(allow_nan=True)
           | st.text(max_size=12) | st.sampled_from(["sha256:" + "0" * 64, "[REDACTED]", "${X}", "5m", "file"]))
KEYS = st.sampled_from(["uid", "title", "name", "type", "settings", "dashboard", "meta", "panels", "graf",
                        "annotations", "jsonData", "version", "folderUid", "folderUID", "provenance", "data",
                        "routes", "for", "notification_settings", "relativeTimeRange", "readOnly", "hash",
                        "project", "managedBy", "receiver", "group_wait", "labels",
                        "provisioned"]) | st.text(max_size=6)
json_values = st.recursive(scalars, lambda inner: st.lists(inner, max_size=4)
                           | st.dictionaries(KEYS, inner, max_size=6), max_leaves=25)

REAL: dict[str, Any] = {
    "folder": {"uid": "f", "title": "F", "version": 1},
    "datasource": {"uid": "p", "name": "P", "type": "prometheus", "jsonData": {"graf": {"hash": "sha256:x"}}},
    "dashboard": {"dashboard": {"uid": "d", "title": "D", "panels": [], "graf": {"hash": "sha256:x"}},
                  "meta": {"version": 2, "folderUid": "f"}},
    "alert-rule": {"uid": "r", "title": "R", "data": [], "for": "5m", "annotations": {"graf": "sha256:x shop"}},
    "contact-point": {"uid": "c", "name": "C", "type": "webhook", "settings": {"url": "u", "graf": "sha256:x"}},
    "policy": {"receiver": "c", "routes": [{"receiver": "c", "group_wait": "30s"}]},
}


def check(kind_name: str, answer: Any) -> None:
    io = next(k for k in KINDS if k.name == kind_name)
    try:
        live = io.normalise(answer)
    except GrafanaError:
        return
    assert live is None or isinstance(live, LiveResource)
    if live is not None:
        assert isinstance(live.uid, str) and live.uid and isinstance(live.body, dict)
        live.content_hash()  # graf hashes every live body it plans with
        if kind_name == "contact-point":
            mask_secrets(live, Resource("contact-point", live.uid, {"settings": {"url": "${HOOK}"}}))


@pytest.mark.parametrize("kind_name", [k.name for k in KINDS])
@settings(max_examples=150)
@given(answer=json_values)
def test_normalise_of_random_json_never_raises_anything_else(kind_name: str, answer: Any) -> None:
    check(kind_name, answer)


@pytest.mark.parametrize("kind_name", [k.name for k in KINDS])
@settings(max_examples=150)
@given(data=st.data())
def test_normalise_of_real_answers_with_random_parts_never_raises_anything_else(kind_name: str, data) -> None:
    answer: dict[str, Any] = {**REAL[kind_name]}
    inner = answer.get("dashboard") if kind_name == "dashboard" and data.draw(st.booleans()) else None
    target = dict(inner) if isinstance(inner, dict) else answer
    for key in data.draw(st.lists(KEYS, max_size=4)):
        target[key] = data.draw(json_values)
    if target is not answer:
        answer["dashboard"] = target
    check(kind_name, answer)


APIS_OBJECTS = st.fixed_dictionaries({
    "metadata": st.dictionaries(st.sampled_from(["name", "annotations", "generation", "resourceVersion", "labels"]),
                                json_values, max_size=5),
    "spec": json_values, "status": json_values}) | json_values


@pytest.mark.parametrize("module", ["dashboard_apis", "folder_apis"])
@settings(max_examples=150)
@given(answer=APIS_OBJECTS)
@example(answer={"metadata": {"name": "0"}, "spec": {}, "status": True})  # found: a status that is not an object
def test_apis_normalise_of_random_objects_never_raises_anything_else(module: str, answer: Any) -> None:
    import importlib

    normalise = importlib.import_module(f"graf.grafana.kinds.{module}").normalise
    try:
        live = normalise(answer)
    except GrafanaError:
        return
    assert live is None or (isinstance(live, LiveResource) and isinstance(live.uid, str) and live.uid)
