"""Every kind meets the one protocol (`KindIO`), its prepare/normalise pair round-trips, and the one hash holds."""

from __future__ import annotations

import inspect
from pathlib import Path

import pytest

from graf.grafana.kinds import BY_NAME, KINDS, KindIO, LiveResource, Write
from graf.grafana.record import Record
from graf.resources import KIND_ORDER, Resource, canonical, content_hash
from graf.units import prom_duration

PARAMETERS = {
    "list_uids": ["api"],
    "read": ["api", "uid"],
    "write": ["api", "resource", "how"],
    "delete": ["api", "uid"],
    "prepare": ["resource", "how"],
    "normalise": ["answer"],
}


def test_every_kind_meets_the_protocol_in_apply_order() -> None:
    assert tuple(k.name for k in KINDS) == KIND_ORDER
    for io in KINDS:
        assert isinstance(io, KindIO)
        for name, parameters in PARAMETERS.items():
            function = getattr(io, name)
            assert list(inspect.signature(function).parameters) == parameters, (io.name, name)
            # One file per kind: every function of a kind lives in graf/grafana/kinds/<kind>.py.
            assert Path(inspect.getfile(function)).stem == io.name.replace("-", "_"), (io.name, name)


SAMPLES = {
    "datasource": {"uid": "prom", "name": "Prometheus", "type": "prometheus", "access": "proxy",
                   "url": "http://p:9090", "isDefault": False, "basicAuth": False, "jsonData": {"timeInterval": "15s"}},
    "dashboard": {"uid": "d1", "title": "JVM", "schemaVersion": 39,
                  "panels": [{"id": 1, "type": "stat", "title": "Up", "pluginVersion": "11.0.0"}], "version": 3},
    "alert-rule": {"uid": "r1", "title": "High", "ruleGroup": "http", "folderUID": "f", "condition": "C",
                   "for": "300s", "keep_firing_for": "0s", "isPaused": False, "annotations": {"summary": "x"},
                   "labels": {"severity": "page"},
                   "data": [{"refId": "A", "queryType": "", "relativeTimeRange": {"from": 600, "to": 0},
                             "datasourceUid": "prom", "model": {"expr": "up"}}],
                   "noDataState": "OK", "execErrState": "Error"},
    "contact-point": {"uid": "cp", "name": "oncall", "type": "email", "settings": {"addresses": "a@b.c"},
                      "disableResolveMessage": False},
}

# The hashes graf recorded for SAMPLES before graf.grafana.kinds was split (then `body_hash`): records
# already on live Grafanas must keep matching, so the hashed form may not change without a migration.
RECORDED = {
    "datasource": "sha256:1433ce9eb50e3f2b58cc04362230d362a92ca66d2f0d6b515cb3416a23bf6665",
    "dashboard": "sha256:2ec96c7ecc8cedc0f6e2aaac65418527a326f7f37fde33ebe60af6803fffaa81",
    "alert-rule": "sha256:c8ca2768bef46a835251de89b1eb465e1299ed0e9492f184bfa3e2e760e61fb2",
    "contact-point": "sha256:537a80c6a9b3d9adfdb225c255536ed86fae72e15a4d67d7884771ca05d1951d",
}


@pytest.mark.parametrize("kind", sorted(SAMPLES))
def test_the_one_hash_is_the_hash_records_on_live_grafanas_carry(kind: str) -> None:
    assert content_hash(kind, SAMPLES[kind]) == RECORDED[kind]
    assert content_hash(kind, canonical(kind, SAMPLES[kind])) == RECORDED[kind]


def _answer(kind: str, payload: dict) -> dict:
    """What the legacy API answers for a body written with `payload` (server fields added)."""
    if kind == "dashboard":
        return {"dashboard": {**payload["dashboard"], "id": 7, "version": 1},
                "meta": {"version": 1, "folderUid": payload.get("folderUid", "")}}
    return {**payload, "id": 3, "provenance": "api"} if kind != "datasource" else {**payload, "id": 3, "orgId": 1}


@pytest.mark.parametrize("kind", sorted(SAMPLES))
def test_normalise_of_what_prepare_sends_is_the_normal_form_and_gives_the_record_back(kind: str) -> None:
    io = BY_NAME[kind]
    record = Record(content_hash(kind, SAMPLES[kind]), project="shop")
    desired = Resource(kind, SAMPLES[kind]["uid"], SAMPLES[kind]).normalised()
    for how in (Write(record=record), Write(record=record, live=LiveResource(kind, desired.uid, desired.body))):
        live = io.normalise(_answer(kind, io.prepare(desired, how)))
        assert live is not None and live.key == desired.key
        assert live.body == desired.body == canonical(kind, SAMPLES[kind])
        assert live.meta.record is not None and live.meta.record.hash == record.hash
        assert record.matches(kind, live.body)


def test_kinds_without_a_record_field_say_so() -> None:
    assert {k.name for k in KINDS if not k.holds_record} == {"folder", "policy"}
    assert BY_NAME["folder"].prepare(Resource("folder", "f", {"uid": "f", "title": "F"}), Write()) == \
        {"uid": "f", "title": "F"}


def test_the_normal_form_drops_each_default_and_is_idempotent() -> None:
    for kind, body in SAMPLES.items():
        once = canonical(kind, body)
        assert canonical(kind, once) == once
    rule = canonical("alert-rule", SAMPLES["alert-rule"])
    assert rule["for"] == "5m" and "isPaused" not in rule and "keep_firing_for" not in rule
    assert "queryType" not in rule["data"][0]
    policy = canonical("policy", {"receiver": "r", "group_wait": "30s", "routes": [
        {"receiver": "x", "repeat_interval": "240m", "continue": False, "provenance": "api", "routes": []}]})
    assert policy == {"receiver": "r", "group_wait": "30s", "routes": [{"receiver": "x", "repeat_interval": "4h"}]}


@pytest.mark.parametrize(("text", "expected"), [
    ("300s", "5m"), ("14d", "2w"), ("0s", "0s"), ("90s", "1m30s"), ("1h", "1h"), ("365d", "1y"), ("8d", "8d"),
    ("1500ms", "1s500ms"),
])
def test_prom_duration_matches_prometheus_string_form(text: str, expected: str) -> None:
    assert prom_duration(text) == expected


def test_a_field_that_is_not_a_duration_is_left_as_it_is() -> None:
    with pytest.raises(ValueError, match="not a duration"):
        prom_duration("not a duration")
    assert canonical("alert-rule", {"for": "not a duration"}) == {"for": "not a duration"}
