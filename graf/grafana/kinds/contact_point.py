"""Contact points over the legacy `/api`. Sources: grafana-api.md §6 (provisioning_contactpoints.go).

Secrets come back as `[REDACTED]`; graf's record sits in `settings.graf`. There is no GET by uid:
the list is the only read (§6 table).
"""

from __future__ import annotations

from typing import Any

from graf.grafana.client import Grafana
from graf.grafana.kinds.base import (
    KindIO,
    LiveMeta,
    LiveResource,
    Write,
    obj,
    path,
    provenance_lock,
    reading,
    text,
    uids,
    upsert,
    what,
    with_record,
)
from graf.grafana.record import MARKER, Record
from graf.resources import JSON, Resource, canonical

POINTS = "/v1/provisioning/contact-points"
REDACTED = "[REDACTED]"


def list_uids(api: Grafana) -> list[str]:
    return uids(api.get(POINTS, what="contact points"))


def read(api: Grafana, uid: str) -> LiveResource | None:
    for point in api.get(POINTS, what=what("contact-point", uid)) or []:
        if isinstance(point, dict) and point.get("uid") == uid:
            return normalise(point)
    return None


def normalise(answer: Any) -> LiveResource | None:
    with reading("contact-point"):
        return _normalise(answer)


def _normalise(answer: Any) -> LiveResource | None:
    uid = text(obj(answer).get("uid"))
    if uid is None:
        return None
    meta = LiveMeta(record=Record.from_json(obj(answer.get("settings")).get(MARKER), uid=uid),
                    locked=provenance_lock(answer))
    return LiveResource("contact-point", uid, canonical("contact-point", answer), meta=meta)


def prepare(resource: Resource, how: Write) -> JSON:
    return with_record(resource.body, "settings", how.record.as_text()) if how.record else resource.body


def write(api: Grafana, resource: Resource, how: Write) -> Any:
    return upsert(api, POINTS, resource, prepare(resource, how), exists=how.exists,
                  headers=api.notification_provenance_headers)


def delete(api: Grafana, uid: str) -> None:
    api.delete(f"{POINTS}/{path(uid)}", what=what("contact-point", uid), headers=api.notification_provenance_headers)


LEGACY = KindIO("contact-point", list_uids, read, write, delete, prepare, normalise, holds_record=True)
