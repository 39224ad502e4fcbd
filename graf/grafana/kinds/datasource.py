"""Datasources over the legacy `/api`. Sources: grafana-api.md §5 (pkg/api/datasources.go,
pkg/services/datasources/service/store.go). graf's record sits in `jsonData.graf`."""

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
    what,
    with_record,
)
from graf.grafana.record import MARKER, Record
from graf.resources import JSON, Resource, canonical


def list_uids(api: Grafana) -> list[str]:
    return uids(api.get("/datasources", what="datasources"))


def read(api: Grafana, uid: str) -> LiveResource | None:
    return normalise(api.get(f"/datasources/uid/{path(uid)}", what=what("datasource", uid), missing_ok=True))


def normalise(answer: Any) -> LiveResource | None:
    with reading("datasource"):
        return _normalise(answer)


def _normalise(answer: Any) -> LiveResource | None:
    uid = text(obj(answer).get("uid"))
    if uid is None:
        return None
    record = Record.from_json(obj(answer.get("jsonData")).get(MARKER), uid=uid)
    meta = LiveMeta(version=integer(answer.get("version")), locked="read-only (provisioned from a file)"
                    if answer.get("readOnly") else None, record=record)
    return LiveResource("datasource", uid, canonical("datasource", answer), meta=meta)


def prepare(resource: Resource, how: Write) -> JSON:
    body = dict(resource.body)
    if how.record is not None:
        body = with_record(body, "jsonData", how.record.as_json())
    # PUT is a full replacement of the non-secret fields; secureJsonData keys not sent are kept.
    # Sending the version read at plan time makes a concurrent edit a 409 instead of a lost update.
    if how.exists and how.live_version is not None and not how.force:
        body["version"] = how.live_version
    return body


def write(api: Grafana, resource: Resource, how: Write) -> Any:
    if not how.exists:
        return api.post("/datasources", prepare(resource, how), what=what("datasource", resource.uid))
    return api.put(f"/datasources/uid/{path(resource.uid)}", prepare(resource, how),
                   what=what("datasource", resource.uid))


def delete(api: Grafana, uid: str) -> None:
    api.delete(f"/datasources/uid/{path(uid)}", what=what("datasource", uid))


LEGACY = KindIO("datasource", list_uids, read, write, delete, prepare, normalise, holds_record=True)
