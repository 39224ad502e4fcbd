"""The notification policy tree over the legacy `/api`. Sources: grafana-api.md §6
(`GET/PUT/DELETE /api/v1/provisioning/policies`): one tree per org, so one uid, `policy`.

The tree has no free field for graf's record: graf owns it by identity when the code defines one.
"""

from __future__ import annotations

from typing import Any

from graf.grafana.client import Grafana
from graf.grafana.kinds.base import KindIO, LiveMeta, LiveResource, Write, provenance_lock, reading, what
from graf.resources import JSON, Resource, canonical

POLICIES = "/v1/provisioning/policies"
POLICY_UID = "policy"


def list_uids(api: Grafana) -> list[str]:
    return [POLICY_UID]


def read(api: Grafana, uid: str) -> LiveResource | None:
    return normalise(api.get(POLICIES, what=what("policy", uid), missing_ok=True))


def normalise(answer: Any) -> LiveResource | None:
    with reading("policy"):
        return _normalise(answer)


def _normalise(answer: Any) -> LiveResource | None:
    if not isinstance(answer, dict):
        return None
    meta = LiveMeta(locked=provenance_lock(answer))
    return LiveResource("policy", POLICY_UID, canonical("policy", answer), meta=meta)


def prepare(resource: Resource, how: Write) -> JSON:
    return resource.body


def write(api: Grafana, resource: Resource, how: Write) -> Any:
    return api.put(POLICIES, prepare(resource, how), what=what("policy", resource.uid),
                   headers=api.notification_provenance_headers)


def delete(api: Grafana, uid: str) -> None:
    # The tree cannot be removed, only reset to Grafana's default.
    api.delete(POLICIES, what=what("policy", uid), headers=api.notification_provenance_headers)


LEGACY = KindIO("policy", list_uids, read, write, delete, prepare, normalise, holds_record=False)
