"""Resources as plain data, and the one normal form and the one hash every command uses.

A `Resource` is what graf puts into Grafana: its `kind`, `uid`, the folder it lives in and the
`body` Grafana's API takes. `canonical(kind, body)` is graf's one normal form: it removes what
the server owns (`VOLATILE`), what it fills in with a default when the body leaves it out
(`DEFAULTS`), graf's own record (`MARKER`), and writes durations as Grafana returns them, each
with its reason. Build output, plan, export and diff all use it, so two equal resources are
byte-identical files, and `content_hash` (the hash graf records on every write) is the sha256
of exactly that form.

Why one module past 300 lines: the normaliser tables (`VOLATILE`, `DEFAULTS`) and the per-kind
functions that apply them are one contract (normal form and hash) and are read together.
"""

from __future__ import annotations

import hashlib
import json
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field, replace
from typing import Any, Literal

from graf.fastnormal import normal_copy

JSON = dict[str, Any]
Kind = Literal["folder", "datasource", "dashboard", "alert-rule", "contact-point", "policy"]

# Apply order: a dashboard needs its folder and datasources; a rule needs its folder.
KIND_ORDER: tuple[Kind, ...] = ("folder", "datasource", "dashboard", "alert-rule", "contact-point", "policy")

# Server-owned fields per kind, removed at the top level of the body.
VOLATILE: Mapping[str, Mapping[str, str]] = {
    "folder": {
        "id": "numeric id assigned by the server",
        "version": "bumped by the server on every save",
        "url": "derived from uid and title",
        "hasAcl": "permission flag of the reader",
        "canSave": "permission flag of the reader",
        "canEdit": "permission flag of the reader",
        "canAdmin": "permission flag of the reader",
        "canDelete": "permission flag of the reader",
        "created": "timestamp",
        "updated": "timestamp",
        "createdBy": "who, not what",
        "updatedBy": "who, not what",
        "parents": "derived from parentUid",
        "managedBy": "12.x storage metadata",
        "accessControl": "permission flags of the reader",
    },
    "datasource": {
        "id": "numeric id assigned by the server",
        "orgId": "organisation of the reader",
        "version": "bumped by the server on every save",
        "typeLogoUrl": "derived from the plugin",
        "typeName": "derived from the plugin",
        "readOnly": "set by file provisioning, not by the API body",
        "secureJsonFields": "which secrets are set; the values never come back",
        "secureJsonData": "secrets are never part of a compared or written body",
        "accessControl": "permission flags of the reader",
        "apiVersion": "plugin API version reported by the server",
    },
    "dashboard": {
        "id": "numeric id assigned by the server",
        "version": "bumped by the server on every save",
        "iteration": "set by the frontend on every change",
    },
    "alert-rule": {
        "id": "numeric id assigned by the server",
        "orgID": "organisation of the reader",
        "updated": "timestamp",
        "provenance": "how it was written (api, file, none), not what it says",
    },
    "contact-point": {"provenance": "how it was written, not what it says"},
    "policy": {"provenance": "how it was written, not what it says"},
}


# Where graf's record of its last push sits inside a body (graf.grafana.record): never content.
MARKER = "graf"

# Fields Grafana fills in when the body leaves them out, with that value: dropped when equal to it,
# so a body graf sends and the same body read back are one form. Each entry: (default, why).
DEFAULTS: Mapping[str, Mapping[str, tuple[Any, str]]] = {
    "folder": {
        "parentUid": ("", "a folder at the root has none; the API answers an empty string"),
        "description": ("", "the API answers an empty description"),
    },
    "datasource": {
        "basicAuth": (False, "zero value the server stores for a field left out (store.go)"),
        "basicAuthUser": ("", "zero value the server stores for a field left out"),
        "user": ("", "zero value the server stores for a field left out"),
        "database": ("", "zero value the server stores for a field left out"),
        "withCredentials": (False, "zero value the server stores for a field left out"),
        "isDefault": (False, "zero value the server stores for a field left out"),
        "jsonData": ({}, "zero value the server stores for a field left out"),
        "url": ("", "zero value the server stores for a field left out"),
    },
    "alert-rule": {
        "isPaused": (False, "the provisioning API answers the zero value"),
        "keep_firing_for": ("0s", "the provisioning API answers the zero duration"),
        "annotations": ({}, "answered empty when none are set"),
        "labels": ({}, "answered empty when none are set"),
        "missingSeriesEvalsToResolve": (0, "12.x answers the zero value"),
        "notification_settings": ({}, "answered empty when none are set"),
        "record": ({}, "answered empty on an alerting (not recording) rule"),
    },
    "contact-point": {
        "disableResolveMessage": (False, "the provisioning API answers the zero value"),
    },
    "policy": {  # for the tree's root and every nested route
        "continue": (False, "zero value the API answers on every route"),
        "routes": ([], "zero value the API answers on every route"),
        "group_by": ([], "zero value the API answers on every route"),
        "object_matchers": ([], "zero value the API answers on every route"),
        "matchers": ([], "zero value the API answers on every route"),
        "mute_time_intervals": ([], "zero value the API answers on every route"),
        "active_time_intervals": ([], "zero value the API answers on every route"),
        "match": ({}, "legacy matcher field, answered empty"),
        "match_re": ({}, "legacy matcher field, answered empty"),
    },
}

# Only these folder fields are content: the folder API answers with many server facts besides.
FOLDER_FIELDS = ("uid", "title", "parentUid", "description")
# Only these contact-point fields are content: the list answers with provenance and server ids besides.
CONTACT_POINT_FIELDS = ("uid", "name", "type", "settings", "disableResolveMessage")
# Durations Grafana re-encodes as Prometheus' Duration.String writes them (`300s` comes back `5m`).
RULE_DURATIONS = ("for", "keep_firing_for")
ROUTE_DURATIONS = ("group_wait", "group_interval", "repeat_interval")

# Server- or frontend-owned fields inside every dashboard panel (rows' nested panels too).
VOLATILE_PANEL: Mapping[str, str] = {
    "pluginVersion": "stamped by the frontend with the Grafana version on every UI save",
}


@dataclass(frozen=True)
class Resource:
    kind: Kind
    uid: str
    body: JSON = field(compare=True, hash=False)
    folder: str | None = None
    source: str = field(default="", compare=False)
    silenced: frozenset[str] = field(default=frozenset(), compare=False)  # graf validate codes not reported

    @property
    def key(self) -> tuple[str, str]:
        return (self.kind, self.uid)

    @property
    def title(self) -> str:
        spec = self.body.get("spec")  # a schema v2 dashboard resource object keeps its title in spec
        spec_title = spec.get("title") if isinstance(spec, dict) and "apiVersion" in self.body else None
        return str(self.body.get("title") or self.body.get("name") or spec_title or self.uid)

    def canonical(self) -> JSON:
        return canonical(self.kind, self.body)

    def canonical_json(self) -> str:
        return canonical_json(self.kind, self.body)

    def content_hash(self) -> str:
        return content_hash(self.kind, self.body)

    def normalised(self) -> Resource:
        """This resource with its body in graf's normal form (what graf compares, sends and hashes)."""
        return replace(self, body=canonical(self.kind, self.body))


def canonical(kind: str, body: Mapping[str, Any]) -> JSON:
    """graf's one normal form of a body of `kind`: server-owned and defaulted fields, graf's record and
    nulls removed, durations as Grafana writes them, keys sorted, recursively. Idempotent.

    An unknown kind (e.g. "" for a loose value) gets only the generic part: nulls out, keys sorted."""
    return _NORMALISERS.get(kind, _generic)(body)


def _generic(body: Mapping[str, Any]) -> JSON:
    fast = normal_copy(body)  # the same copy at C speed where graf.fastnormal can vouch for it
    if fast is not None:
        return fast  # type: ignore[no-any-return]
    return {str(k): _normal(v) for k, v in sorted(body.items(), key=lambda kv: str(kv[0])) if v is not None}


def _top(kind: str, body: Mapping[str, Any]) -> JSON:
    """The body without `kind`'s server-owned fields and nulls, then without the fields equal to their default."""
    volatile = VOLATILE.get(kind, {})
    return _drop_defaults(kind, _generic({k: v for k, v in body.items() if k not in volatile}))


def _drop_defaults(kind: str, body: JSON) -> JSON:
    defaults = DEFAULTS.get(kind, {})
    return {k: v for k, v in body.items() if not (k in defaults and v == defaults[k][0])}


def _without_marker(value: Any) -> Any:
    return {k: v for k, v in value.items() if k != MARKER} if isinstance(value, Mapping) else value


def _folder(body: Mapping[str, Any]) -> JSON:
    return _top("folder", {k: body[k] for k in FOLDER_FIELDS if k in body})


def _datasource(body: Mapping[str, Any]) -> JSON:
    return _top("datasource", {**body, "jsonData": _without_marker(body.get("jsonData"))})


def _dashboard(body: Mapping[str, Any]) -> JSON:
    out = _top("dashboard", {k: v for k, v in body.items() if k != MARKER})
    if isinstance(out.get("panels"), list):
        out["panels"] = [_without_panel_volatile(p) for p in out["panels"]]
    return out


def _alert_rule(body: Mapping[str, Any]) -> JSON:
    out = dict(body)
    for key in RULE_DURATIONS:
        out[key] = _duration(out.get(key))
    out["annotations"] = _without_marker(out.get("annotations"))
    if isinstance(out.get("data"), list):
        out["data"] = [_alert_query(q) for q in out["data"]]
    settings = out.get("notification_settings")
    if isinstance(settings, Mapping):
        # The server answers unset timings and lists as null, [] or "": all mean "not set".
        out["notification_settings"] = {k: _duration(v) if k.endswith(("_wait", "_interval")) else v
                                        for k, v in settings.items() if v not in (None, [], "")}
    return _top("alert-rule", out)


def _alert_query(query: Any) -> Any:
    """An AlertQuery without the zero values the server writes back (`queryType: ""`, a 0-0 time range)."""
    if not isinstance(query, Mapping):
        return query
    out = {k: v for k, v in query.items() if not (k == "queryType" and v == "")}
    if out.get("relativeTimeRange") in ({"from": 0, "to": 0}, {}):
        del out["relativeTimeRange"]
    return out


def _contact_point(body: Mapping[str, Any]) -> JSON:
    out = {k: body[k] for k in CONTACT_POINT_FIELDS if k in body}
    out["settings"] = _without_marker(out.get("settings"))
    return _top("contact-point", out)


def _policy(body: Mapping[str, Any]) -> JSON:
    out = {k: _duration(v) if k in ROUTE_DURATIONS else v for k, v in body.items()}
    if isinstance(out.get("routes"), list):
        out["routes"] = [_policy(r) if isinstance(r, Mapping) else r for r in out["routes"]]
    return _top("policy", out)


def _duration(value: Any) -> Any:
    from graf.units import prom_duration

    if not isinstance(value, str):
        return value
    try:
        return prom_duration(value)
    except ValueError:
        return value  # not a duration: left for graf validate to report


_NORMALISERS: Mapping[str, Callable[[Mapping[str, Any]], JSON]] = {
    "folder": _folder,
    "datasource": _datasource,
    "dashboard": _dashboard,
    "alert-rule": _alert_rule,
    "contact-point": _contact_point,
    "policy": _policy,
}


def _without_panel_volatile(panel: Any) -> Any:
    """`panel` (a fresh copy the normal form made: changed in place) without the volatile fields."""
    if not isinstance(panel, dict):
        return panel
    out = panel if VOLATILE_PANEL.keys().isdisjoint(panel) else {k: v for k, v in panel.items()
                                                                 if k not in VOLATILE_PANEL}
    if isinstance(out.get("panels"), list):
        out["panels"] = [_without_panel_volatile(p) for p in out["panels"]]
    return out


_LEAVES = frozenset({str, int, bool})  # returned as they are: tested inline, a call per leaf costs more


def _normal(value: Any) -> Any:
    kind = type(value)
    if kind is str or kind is int or kind is bool or value is None:
        return value  # the common leaves first: this runs once per value of every body graf reads or renders
    if kind is dict:
        # sorted by str(key) (stable, so equal strings keep their order); `sorted(keys, key=str)` runs at C speed
        return {str(k): v if type(v) in _LEAVES else _normal(v)
                for k in sorted(value, key=str) if (v := value[k]) is not None}
    if kind is list:
        return [v if type(v) in _LEAVES else _normal(v) for v in value]
    return _normal_other(value)


def _normal_other(value: Any) -> Any:
    """`_normal` of a value that is not a plain str, int, bool, None or dict (the plain definition)."""
    if isinstance(value, Mapping):
        return {str(k): _normal(v) for k, v in sorted(value.items(), key=lambda kv: str(kv[0])) if v is not None}
    if isinstance(value, (list, tuple)):
        return [_normal(v) for v in value]
    if isinstance(value, float) and value.is_integer() and abs(value) < 2**53:
        return int(value)
    return value


def canonical_json(kind: str, body: Mapping[str, Any]) -> str:
    """Stable serialisation: sorted keys, 2-space indent, UTF-8 characters kept, trailing newline
    (`json.dumps(..., indent=2, sort_keys=True, ensure_ascii=False)`, written at C speed by graf.jsontext)."""
    from graf.jsontext import dumps

    return dumps(canonical(kind, body)) + "\n"


def content_hash(kind: str, body: Mapping[str, Any]) -> str:
    """The one hash: sha256 of the normal form (`canonical`) as compact JSON (sorted keys, no white space,
    UTF-8 characters kept). The same content `canonical_json` writes, without the indentation (the compact
    form is serialised at C speed). The form graf recorded before, so records on live Grafanas keep matching."""
    return normal_hash(canonical(kind, body))


def normal_hash(body: Mapping[str, Any]) -> str:
    """`content_hash` of a body already in normal form (what `Resource.normalised` and every kind's `normalise`
    give): the same digest without normalising again."""
    text = json.dumps(body, sort_keys=True, separators=(",", ":"), ensure_ascii=False)
    return "sha256:" + hashlib.sha256(text.encode()).hexdigest()
