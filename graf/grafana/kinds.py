"""One small I/O shape per kind: `list_uids`, `read`, `write`, `delete`, plus where its marker lives.

Every kind has the same four functions (a test checks it), and the ordered tuple `KINDS` at the
bottom: apply in that order, delete in reverse. `read` returns a `LiveResource` whose body is in
graf's own shape (server defaults and graf's marker removed, see `normalise`), so the canonical
form of what graf pushed equals the canonical form of what it reads back; `None` when the uid
does not exist.

graf's marker (see README, "How graf tells code changes from UI edits") is a `Record` of the
content hash graf pushed (and, for dashboards, the version that push produced). It is kept inside
the resource where the API returns it unchanged: the dashboard JSON's top-level `graf` key, the
datasource's `jsonData.graf`, the alert rule's `graf` annotation and the contact point's
`settings.graf`. Folders and the notification policy tree have no free field; graf owns them by
identity (the folder uid in graf.yaml, the org's one policy tree when the code defines it).
"""

from __future__ import annotations

import copy
import hashlib
import json
import re
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from typing import Any
from urllib.parse import quote

from graf.grafana.client import Grafana
from graf.resources import JSON, Kind, Resource, canonical

MARKER = "graf"
POLICY_UID = "policy"


@dataclass(frozen=True)
class Record:
    """What graf pushed last: the hash of the canonical body, where the server counts them the version, and
    the graf project (graf.yaml `name`) that pushed it, so one project never prunes another's resources."""

    hash: str
    version: int | None = None
    project: str | None = None

    def as_json(self) -> JSON:
        out: JSON = {"managedBy": "graf", "hash": self.hash}
        if self.version is not None:
            out["version"] = self.version
        if self.project is not None:
            out["project"] = self.project
        return out

    def as_text(self) -> str:
        """The record where only a string fits (a rule annotation, a contact-point setting)."""
        return f"{self.hash} {self.project}" if self.project else self.hash

    @classmethod
    def from_json(cls, value: Any) -> Record | None:
        if isinstance(value, str) and value.startswith("sha256:"):
            digest, _, project = value.partition(" ")
            return cls(hash=digest, project=project or None)
        if isinstance(value, Mapping) and isinstance(value.get("hash"), str):
            version, project = value.get("version"), value.get("project")
            return cls(hash=value["hash"], version=version if isinstance(version, int) else None,
                       project=project if isinstance(project, str) and project else None)
        return None


@dataclass(frozen=True)
class LiveMeta:
    """Server-side facts about a live resource: never part of its body or hash."""

    version: int | None = None
    updated_by: str | None = None
    updated: str | None = None
    locked: str | None = None  # why graf must never write it: "provisioned", "read-only", ...
    record: Record | None = None


@dataclass(frozen=True)
class LiveResource(Resource):
    meta: LiveMeta = field(default_factory=LiveMeta, compare=False)


@dataclass(frozen=True)
class KindIO:
    name: Kind
    list_uids: Callable[[Grafana], list[str]]
    read: Callable[[Grafana, str], LiveResource | None]
    write: Callable[..., Any]
    delete: Callable[[Grafana, str], None]
    normalise: Callable[[JSON], JSON]
    mark: Callable[[JSON, Record], JSON] | None  # None: the kind has no place for a marker


def body_hash(kind: str, body: JSON) -> str:
    """sha256 of the canonical body as compact JSON: the hash graf records (C-speed, unlike the indented form)."""
    text = json.dumps(canonical(kind, body), sort_keys=True, separators=(",", ":"), ensure_ascii=False)
    return "sha256:" + hashlib.sha256(text.encode()).hexdigest()


def record_for(kind: str, body: JSON, version: int | None = None, project: str | None = None) -> Record:
    return Record(hash=body_hash(kind, body), version=version, project=project)


def _what(kind: str, uid: str) -> str:
    return f"{kind}/{uid}"


def _path(uid: str) -> str:
    return quote(uid, safe="")


# ---------------------------------------------------------------------------- durations

_UNITS = (("y", 365 * 86400_000, True), ("w", 7 * 86400_000, True), ("d", 86400_000, False),
          ("h", 3600_000, False), ("m", 60_000, False), ("s", 1000, False), ("ms", 1, False))
_DURATION = re.compile(r"^([0-9]+(ms|s|m|h|d|w|y))+$")


def prom_duration(text: str) -> str:
    """A duration as Prometheus' model.Duration.String writes it: `300s` -> `5m`, `14d` -> `2w`, `0` -> `0s`."""
    from graf.units import parse_duration

    if not isinstance(text, str) or not _DURATION.match(text):
        return text
    ms = round(parse_duration(text) * 1000)
    if ms == 0:
        return "0s"
    out = ""
    for unit, size, exact in _UNITS:
        if exact and ms % size:
            continue
        if ms >= size:
            out += f"{ms // size}{unit}"
            ms %= size
    return out


def _drop_defaults(body: JSON, defaults: Mapping[str, Any]) -> JSON:
    return {k: v for k, v in body.items() if not (k in defaults and v == defaults[k])}


# ---------------------------------------------------------------------------- folder
# Sources: grafana-api.md §4 (pkg/api/folder.go, pkg/api/apierrors/folder.go).


def folder_normalise(body: JSON) -> JSON:
    out = {k: body[k] for k in ("uid", "title", "parentUid", "description") if body.get(k)}
    return canonical("folder", out)


def folder_list_uids(api: Grafana) -> list[str]:
    hits = api.get("/folders", what="folders", params={"limit": 1000}) or []
    return sorted(h["uid"] for h in hits if isinstance(h, dict) and h.get("uid"))


def folder_read(api: Grafana, uid: str) -> LiveResource | None:
    data = api.get(f"/folders/{_path(uid)}", what=_what("folder", uid), missing_ok=True)
    if not isinstance(data, dict):
        return None
    meta = LiveMeta(version=data.get("version"), updated_by=data.get("updatedBy"), updated=data.get("updated"))
    return LiveResource("folder", uid, folder_normalise(data), meta=meta)


def folder_write(api: Grafana, resource: Resource, *, exists: bool, live: LiveResource | None = None,
                 force: bool = False) -> Any:
    body = resource.body
    if not exists:
        return api.post("/folders", {k: body[k] for k in ("uid", "title", "parentUid", "description") if k in body},
                        what=_what("folder", resource.uid))
    version = live.meta.version if live is not None else None
    payload = {"title": body["title"], "overwrite": force or version is None}
    if "description" in body:
        payload["description"] = body["description"]
    if version is not None:
        payload["version"] = version
    return api.put(f"/folders/{_path(resource.uid)}", payload, what=_what("folder", resource.uid))


def folder_delete(api: Grafana, uid: str) -> None:
    api.delete(f"/folders/{_path(uid)}", what=_what("folder", uid))


# ---------------------------------------------------------------------------- datasource
# Sources: grafana-api.md §5 (pkg/api/datasources.go, pkg/services/datasources/service/store.go).

# Fields the server fills with a zero value when the body leaves them out.
_DATASOURCE_DEFAULTS = {"basicAuth": False, "basicAuthUser": "", "user": "", "database": "",
                        "withCredentials": False, "isDefault": False, "jsonData": {}, "url": ""}


def datasource_normalise(body: JSON) -> JSON:
    out = canonical("datasource", body)
    if isinstance(out.get("jsonData"), dict):
        out["jsonData"] = {k: v for k, v in out["jsonData"].items() if k != MARKER}
    return _drop_defaults(out, _DATASOURCE_DEFAULTS)


def datasource_mark(body: JSON, record: Record) -> JSON:
    out = copy.deepcopy(body)
    out["jsonData"] = {**(out.get("jsonData") or {}), MARKER: record.as_json()}
    return out


def datasource_list_uids(api: Grafana) -> list[str]:
    items = api.get("/datasources", what="datasources") or []
    return sorted(i["uid"] for i in items if isinstance(i, dict) and i.get("uid"))


def datasource_read(api: Grafana, uid: str) -> LiveResource | None:
    data = api.get(f"/datasources/uid/{_path(uid)}", what=_what("datasource", uid), missing_ok=True)
    if not isinstance(data, dict):
        return None
    record = Record.from_json((data.get("jsonData") or {}).get(MARKER))
    meta = LiveMeta(version=data.get("version"), locked="read-only (provisioned from a file)"
                    if data.get("readOnly") else None, record=record)
    return LiveResource("datasource", uid, datasource_normalise(data), meta=meta)


def datasource_write(api: Grafana, resource: Resource, *, exists: bool, live: LiveResource | None = None,
                     force: bool = False) -> Any:
    body = dict(resource.body)
    if not exists:
        return api.post("/datasources", body, what=_what("datasource", resource.uid))
    # PUT is a full replacement of the non-secret fields; secureJsonData keys not sent are kept.
    # Sending the version read at plan time makes a concurrent edit a 409 instead of a lost update.
    if live is not None and live.meta.version is not None and not force:
        body["version"] = live.meta.version
    return api.put(f"/datasources/uid/{_path(resource.uid)}", body, what=_what("datasource", resource.uid))


def datasource_delete(api: Grafana, uid: str) -> None:
    api.delete(f"/datasources/uid/{_path(uid)}", what=_what("datasource", uid))


# ---------------------------------------------------------------------------- dashboard
# Sources: grafana-api.md §3.1-3.6 (pkg/api/dashboard.go, pkg/services/dashboards/...).


def dashboard_normalise(body: JSON) -> JSON:
    return canonical("dashboard", {k: v for k, v in body.items() if k != MARKER})


def dashboard_mark(body: JSON, record: Record) -> JSON:
    return {**body, MARKER: record.as_json()}


def dashboard_list_uids(api: Grafana) -> list[str]:
    uids: list[str] = []
    page = 1
    while True:
        hits = api.get("/search", what="dashboards", params={"type": "dash-db", "limit": 5000, "page": page}) or []
        uids.extend(h["uid"] for h in hits if isinstance(h, dict) and h.get("uid"))
        if len(hits) < 5000:
            return sorted(set(uids))
        page += 1


def dashboard_read(api: Grafana, uid: str) -> LiveResource | None:
    data = api.get(f"/dashboards/uid/{_path(uid)}", what=_what("dashboard", uid), missing_ok=True)
    if not isinstance(data, dict) or not isinstance(data.get("dashboard"), dict):
        return None
    dashboard, meta = data["dashboard"], data.get("meta") or {}
    live_meta = LiveMeta(
        version=meta.get("version", dashboard.get("version")),
        updated_by=meta.get("updatedBy"),
        updated=meta.get("updated"),
        locked="provisioned (from a file; the UI and API cannot save it)" if meta.get("provisioned") else None,
        record=Record.from_json(dashboard.get(MARKER)),
    )
    return LiveResource("dashboard", uid, dashboard_normalise(dashboard), folder=meta.get("folderUid") or None,
                        meta=live_meta)


def dashboard_write(api: Grafana, resource: Resource, *, exists: bool, live: LiveResource | None = None,
                    force: bool = False) -> Any:
    dashboard = {k: v for k, v in resource.body.items() if k != "id"}
    # §3.2: an update must carry the version it was based on; a mismatch is a 412 unless overwrite.
    if exists and live is not None and live.meta.version is not None:
        dashboard["version"] = live.meta.version
    else:
        dashboard.pop("version", None)
    record = Record.from_json(resource.body.get(MARKER))
    payload: JSON = {"dashboard": dashboard, "overwrite": bool(force),
                     "message": f"graf sync {record.hash}" if record else "graf sync"}
    if resource.folder:
        payload["folderUid"] = resource.folder
    return api.post("/dashboards/db", payload, what=_what("dashboard", resource.uid))


def dashboard_delete(api: Grafana, uid: str) -> None:
    api.delete(f"/dashboards/uid/{_path(uid)}", what=_what("dashboard", uid))


# ---------------------------------------------------------------------------- alert-rule
# Sources: grafana-api.md §6 (pkg/services/ngalert/api/api_provisioning.go,
# tooling/definitions/provisioning_alert_rules.go). Reads are the server's re-encoding: defaults
# filled in and durations re-formatted, so both sides are brought to the fields graf manages.

_RULE_DEFAULTS = {"isPaused": False, "keep_firing_for": "0s", "annotations": {}, "labels": {},
                  "missingSeriesEvalsToResolve": 0, "notification_settings": {}, "record": {}}
_RULE_SERVER_ONLY = ("id", "orgID", "updated", "provenance")


def _alert_query(query: Any) -> Any:
    """An AlertQuery without the zero values the server writes back (`queryType: ""`, a 0-0 time range)."""
    if not isinstance(query, dict):
        return query
    out = {k: v for k, v in query.items() if not (k == "queryType" and v == "")}
    if out.get("relativeTimeRange") in ({"from": 0, "to": 0}, {}):
        del out["relativeTimeRange"]
    return out


def alert_rule_normalise(body: JSON) -> JSON:
    out = {k: copy.deepcopy(v) for k, v in body.items() if k not in _RULE_SERVER_ONLY and v is not None}
    for key in ("for", "keep_firing_for"):
        if isinstance(out.get(key), str):
            out[key] = prom_duration(out[key])
    if isinstance(out.get("annotations"), dict):
        out["annotations"] = {k: v for k, v in out["annotations"].items() if k != MARKER}
    if isinstance(out.get("data"), list):
        out["data"] = [_alert_query(q) for q in out["data"]]
    settings = out.get("notification_settings")
    if isinstance(settings, dict):
        out["notification_settings"] = {k: prom_duration(v) if k.endswith(("_wait", "_interval")) else v
                                        for k, v in settings.items() if v not in (None, [], "")}
    return canonical("alert-rule", _drop_defaults(out, _RULE_DEFAULTS))


def alert_rule_mark(body: JSON, record: Record) -> JSON:
    return {**body, "annotations": {**(body.get("annotations") or {}), MARKER: record.as_text()}}


def alert_rule_list_uids(api: Grafana) -> list[str]:
    rules = api.get("/v1/provisioning/alert-rules", what="alert rules") or []
    return sorted(r["uid"] for r in rules if isinstance(r, dict) and r.get("uid"))


def alert_rule_read(api: Grafana, uid: str) -> LiveResource | None:
    data = api.get(f"/v1/provisioning/alert-rules/{_path(uid)}", what=_what("alert-rule", uid), missing_ok=True)
    if not isinstance(data, dict):
        return None
    provenance = data.get("provenance") or ""
    meta = LiveMeta(updated=data.get("updated"), record=Record.from_json((data.get("annotations") or {}).get(MARKER)),
                    locked="provisioned from a file (provenance 'file')" if provenance == "file" else None)
    return LiveResource("alert-rule", uid, alert_rule_normalise(data), folder=data.get("folderUID"), meta=meta)


def alert_rule_write(api: Grafana, resource: Resource, *, exists: bool, live: LiveResource | None = None,
                     force: bool = False) -> Any:
    what = _what("alert-rule", resource.uid)
    if exists:
        return api.put(f"/v1/provisioning/alert-rules/{_path(resource.uid)}", resource.body, what=what,
                       headers=api.provenance_headers)
    return api.post("/v1/provisioning/alert-rules", resource.body, what=what, headers=api.provenance_headers)


def alert_rule_delete(api: Grafana, uid: str) -> None:
    api.delete(f"/v1/provisioning/alert-rules/{_path(uid)}", what=_what("alert-rule", uid),
               headers=api.provenance_headers)


def _group_path(folder_uid: str, group: str) -> str:
    return f"/v1/provisioning/folder/{_path(folder_uid)}/rule-groups/{_path(group)}"


def rule_group_interval_read(api: Grafana, folder_uid: str, group: str) -> int | None:
    """The evaluation interval (seconds) of a rule group; None when the group has no rules (§6: 404)."""
    data = api.get(_group_path(folder_uid, group), what=f"alert-rule-group/{folder_uid}/{group}", missing_ok=True)
    interval = data.get("interval") if isinstance(data, dict) else None
    return interval if isinstance(interval, int) and not isinstance(interval, bool) else None


def rule_group_interval_write(api: Grafana, folder_uid: str, group: str, interval: int) -> Any:
    """Set a group's interval and nothing else: `rules` is left out, so Grafana keeps the group's rules
    (§6: a PUT with rules replaces the group and deletes the rules it does not list)."""
    return api.put(_group_path(folder_uid, group), {"title": group, "folderUid": folder_uid, "interval": interval},
                   what=f"alert-rule-group/{folder_uid}/{group}", headers=api.provenance_headers)


# ---------------------------------------------------------------------------- contact-point
# Sources: grafana-api.md §6 (provisioning_contactpoints.go). Secrets come back as "[REDACTED]".

REDACTED = "[REDACTED]"


def contact_point_normalise(body: JSON) -> JSON:
    out = {k: copy.deepcopy(body[k]) for k in ("uid", "name", "type", "settings", "disableResolveMessage")
           if k in body}
    if isinstance(out.get("settings"), dict):
        out["settings"] = {k: v for k, v in out["settings"].items() if k != MARKER}
    return canonical("contact-point", _drop_defaults(out, {"disableResolveMessage": False}))


def contact_point_mark(body: JSON, record: Record) -> JSON:
    return {**body, "settings": {**(body.get("settings") or {}), MARKER: record.as_text()}}


def contact_point_list_uids(api: Grafana) -> list[str]:
    points = api.get("/v1/provisioning/contact-points", what="contact points") or []
    return sorted(p["uid"] for p in points if isinstance(p, dict) and p.get("uid"))


def contact_point_read(api: Grafana, uid: str) -> LiveResource | None:
    # There is no GET by uid: the list is the only read (§6 table).
    points = api.get("/v1/provisioning/contact-points", what=_what("contact-point", uid)) or []
    for point in points:
        if isinstance(point, dict) and point.get("uid") == uid:
            provenance = point.get("provenance") or ""
            meta = LiveMeta(record=Record.from_json((point.get("settings") or {}).get(MARKER)),
                            locked="provisioned from a file (provenance 'file')" if provenance == "file" else None)
            return LiveResource("contact-point", uid, contact_point_normalise(point), meta=meta)
    return None


def contact_point_write(api: Grafana, resource: Resource, *, exists: bool, live: LiveResource | None = None,
                        force: bool = False) -> Any:
    what = _what("contact-point", resource.uid)
    if exists:
        return api.put(f"/v1/provisioning/contact-points/{_path(resource.uid)}", resource.body, what=what,
                       headers=api.notification_provenance_headers)
    return api.post("/v1/provisioning/contact-points", resource.body, what=what,
                    headers=api.notification_provenance_headers)


def contact_point_delete(api: Grafana, uid: str) -> None:
    api.delete(f"/v1/provisioning/contact-points/{_path(uid)}", what=_what("contact-point", uid),
               headers=api.notification_provenance_headers)


# ---------------------------------------------------------------------------- policy
# Sources: grafana-api.md §6 (`GET/PUT/DELETE /api/v1/provisioning/policies`): one tree per org.

_ROUTE_DEFAULTS = {"continue": False, "routes": [], "group_by": [], "object_matchers": [], "matchers": [],
                   "mute_time_intervals": [], "active_time_intervals": [], "match": {}, "match_re": {}}


def _route(route: Any) -> Any:
    if not isinstance(route, dict):
        return route
    out = {}
    for key, value in route.items():
        if key == "provenance" or value is None:
            continue
        if key in ("group_wait", "group_interval", "repeat_interval") and isinstance(value, str):
            value = prom_duration(value)
        elif key == "routes" and isinstance(value, list):
            value = [_route(r) for r in value]
        out[key] = value
    return _drop_defaults(out, _ROUTE_DEFAULTS)


def policy_normalise(body: JSON) -> JSON:
    return canonical("policy", _route(body))


def policy_list_uids(api: Grafana) -> list[str]:
    return [POLICY_UID]


def policy_read(api: Grafana, uid: str) -> LiveResource | None:
    data = api.get("/v1/provisioning/policies", what=_what("policy", uid), missing_ok=True)
    if not isinstance(data, dict):
        return None
    locked = "provisioned from a file (provenance 'file')" if data.get("provenance") == "file" else None
    return LiveResource("policy", POLICY_UID, policy_normalise(data), meta=LiveMeta(locked=locked))


def policy_write(api: Grafana, resource: Resource, *, exists: bool, live: LiveResource | None = None,
                 force: bool = False) -> Any:
    return api.put("/v1/provisioning/policies", resource.body, what=_what("policy", resource.uid),
                   headers=api.notification_provenance_headers)


def policy_delete(api: Grafana, uid: str) -> None:
    # The tree cannot be removed, only reset to Grafana's default.
    api.delete("/v1/provisioning/policies", what=_what("policy", uid), headers=api.notification_provenance_headers)


# ---------------------------------------------------------------------------- registry

KINDS: tuple[KindIO, ...] = (
    KindIO("folder", folder_list_uids, folder_read, folder_write, folder_delete, folder_normalise, None),
    KindIO("datasource", datasource_list_uids, datasource_read, datasource_write, datasource_delete,
           datasource_normalise, datasource_mark),
    KindIO("dashboard", dashboard_list_uids, dashboard_read, dashboard_write, dashboard_delete,
           dashboard_normalise, dashboard_mark),
    KindIO("alert-rule", alert_rule_list_uids, alert_rule_read, alert_rule_write, alert_rule_delete,
           alert_rule_normalise, alert_rule_mark),
    KindIO("contact-point", contact_point_list_uids, contact_point_read, contact_point_write, contact_point_delete,
           contact_point_normalise, contact_point_mark),
    KindIO("policy", policy_list_uids, policy_read, policy_write, policy_delete, policy_normalise, None),
)
BY_NAME: Mapping[str, KindIO] = {k.name: k for k in KINDS}


def kind(name: str) -> KindIO:
    return BY_NAME[name]


def normalised(resource: Resource) -> Resource:
    """`resource` with its body in graf's compared shape (what `read` gives for the same content)."""
    body = kind(resource.kind).normalise(resource.body)
    return Resource(resource.kind, resource.uid, body, folder=resource.folder, source=resource.source)
