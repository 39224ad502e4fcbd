"""Folders over the legacy `/api`. Sources: grafana-api.md §4 (pkg/api/folder.go, pkg/api/apierrors/folder.go).

A folder has no free field for graf's record: graf owns it by identity (the folder uid in graf.yaml).
"""

from __future__ import annotations

from typing import Any

from graf.grafana.client import Grafana
from graf.grafana.kinds.base import (
    KindIO,
    LiveMeta,
    LiveResource,
    Write,
    integer,
    obj,
    path,
    reading,
    text,
    uids,
    upsert,
    what,
)
from graf.resources import FOLDER_FIELDS, JSON, Resource, canonical


def list_uids(api: Grafana) -> list[str]:
    return uids(api.get("/folders", what="folders", params={"limit": 1000}))


def read(api: Grafana, uid: str) -> LiveResource | None:
    return normalise(api.get(f"/folders/{path(uid)}", what=what("folder", uid), missing_ok=True))


def normalise(answer: Any) -> LiveResource | None:
    with reading("folder"):
        return _normalise(answer)


def _normalise(answer: Any) -> LiveResource | None:
    uid = text(obj(answer).get("uid"))
    if uid is None:
        return None
    meta = LiveMeta(version=integer(answer.get("version")), updated_by=text(answer.get("updatedBy")),
                    updated=text(answer.get("updated")))
    return LiveResource("folder", uid, canonical("folder", answer), meta=meta)


def prepare(resource: Resource, how: Write) -> JSON:
    body = resource.body
    if not how.exists:
        return {k: body[k] for k in FOLDER_FIELDS if k in body}
    payload: JSON = {"title": body["title"], "overwrite": how.force or how.live_version is None}
    if "description" in body:
        payload["description"] = body["description"]
    if how.live_version is not None:
        payload["version"] = how.live_version
    return payload


def write(api: Grafana, resource: Resource, how: Write) -> Any:
    return upsert(api, "/folders", resource, prepare(resource, how), exists=how.exists)


def delete(api: Grafana, uid: str) -> None:
    api.delete(f"/folders/{path(uid)}", what=what("folder", uid))


LEGACY = KindIO("folder", list_uids, read, write, delete, prepare, normalise, holds_record=False)
