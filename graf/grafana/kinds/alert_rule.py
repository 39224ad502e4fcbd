"""Alert rules over the legacy `/api`. Sources: grafana-api.md §6 (pkg/services/ngalert/api/api_provisioning.go,
tooling/definitions/provisioning_alert_rules.go). graf's record sits in the rule's `graf` annotation.

Reads are the server's re-encoding (defaults filled in, durations re-formatted); graf's normal form
(`graf.resources.canonical`) brings both sides to the fields graf manages. A rule group's interval is
not a rule's: see graf.grafana.rule_groups.
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

RULES = "/v1/provisioning/alert-rules"


def list_uids(api: Grafana) -> list[str]:
    return uids(api.get(RULES, what="alert rules"))


def read(api: Grafana, uid: str) -> LiveResource | None:
    return normalise(api.get(f"{RULES}/{path(uid)}", what=what("alert-rule", uid), missing_ok=True))


def normalise(answer: Any) -> LiveResource | None:
    with reading("alert-rule"):
        return _normalise(answer)


def _normalise(answer: Any) -> LiveResource | None:
    uid = text(obj(answer).get("uid"))
    if uid is None:
        return None
    meta = LiveMeta(updated=text(answer.get("updated")), locked=provenance_lock(answer),
                    record=Record.from_json(obj(answer.get("annotations")).get(MARKER), uid=uid))
    return LiveResource("alert-rule", uid, canonical("alert-rule", answer), folder=text(answer.get("folderUID")),
                        meta=meta)


def prepare(resource: Resource, how: Write) -> JSON:
    return with_record(resource.body, "annotations", how.record.as_text()) if how.record else resource.body


def write(api: Grafana, resource: Resource, how: Write) -> Any:
    return upsert(api, RULES, resource, prepare(resource, how), exists=how.exists, headers=api.provenance_headers)


def delete(api: Grafana, uid: str) -> None:
    api.delete(f"{RULES}/{path(uid)}", what=what("alert-rule", uid), headers=api.provenance_headers)


LEGACY = KindIO("alert-rule", list_uids, read, write, delete, prepare, normalise, holds_record=True)
