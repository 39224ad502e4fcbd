"""Dashboards over `/apis/dashboard.grafana.app/<version>` (13.x `v1`, 12.4 `v1beta1`): classic JSON in `spec`.

Sources: grafana-13-api.md §3.3-§3.4 (UI saves on 13 store schema v2; the v1 spec is untyped and
keeps extra keys, a v2 conversion drops them), §4 (operations, `status.conversion`). graf's record
stays in the spec's top-level `graf` key. A dashboard stored as schema v2 answers a v1 read with a
down-converted copy and `status.conversion.storedVersion`; graf marks it (`LiveMeta.stored_as`),
plan reports it as a conflict, export reads it at its stored version (`read_stored`), and graf
writes classic JSON over it only with `--force-v2`.
"""

from __future__ import annotations

from typing import Any

from graf.grafana.client import Grafana
from graf.grafana.discovery import DASHBOARD_GROUP
from graf.grafana.kinds import resource_api as r
from graf.grafana.kinds.base import KindIO, LiveResource, Write, path, what
from graf.grafana.record import MARKER, Record
from graf.resources import JSON, Resource, canonical

_IN_METADATA = ("uid", "id", "version")  # §4.2: moved into metadata on write, never part of the spec


def stored_as_v2(answer: JSON) -> str | None:
    """The schema v2 version a dashboard is stored as, when a read at a classic version was converted."""
    status = answer.get("status")
    conversion = status.get("conversion") if isinstance(status, dict) else None
    stored = conversion.get("storedVersion") if isinstance(conversion, dict) else None
    return stored if isinstance(stored, str) and stored.startswith("v2") else None


def normalise(answer: Any) -> LiveResource | None:
    name = r.name_of(answer)
    if name is None:
        return None
    spec = answer["spec"]
    body = canonical("dashboard", {**{k: v for k, v in spec.items() if k not in _IN_METADATA}, "uid": name})
    folder = r.annotations_of(answer).get(r.FOLDER_ANNOTATION) or None
    return LiveResource("dashboard", name, body, folder=folder,
                        meta=r.live_meta(answer, Record.from_json(spec.get(MARKER)), stored_as_v2(answer)))


def prepare_for(version: str, resource: Resource, how: Write) -> JSON:
    spec = {k: v for k, v in resource.body.items() if k not in _IN_METADATA}
    if how.record is not None:
        spec[MARKER] = how.record.as_json()
    message = f"graf sync {how.record.hash}" if how.record else "graf sync"
    return {"apiVersion": f"{DASHBOARD_GROUP}/{version}", "kind": "Dashboard",
            "metadata": r.metadata_for(resource, how, message, resource.folder), "spec": spec}


def read_stored(api: Grafana, uid: str, stored_as: str) -> JSON | None:
    """A dashboard exactly as stored (schema v2 for a UI save on 13), for export: `apiVersion`, `kind`, the
    name and folder, and the spec untouched."""
    answer = api.get(f"{r.collection(DASHBOARD_GROUP, stored_as, 'dashboards')}/{path(uid)}",
                     what=what("dashboard", uid), missing_ok=True)
    if r.name_of(answer) is None:
        return None
    metadata: JSON = {"name": uid}
    folder = r.annotations_of(answer).get(r.FOLDER_ANNOTATION)
    if folder:
        metadata["annotations"] = {r.FOLDER_ANNOTATION: folder}
    return {"apiVersion": answer.get("apiVersion") or f"{DASHBOARD_GROUP}/{stored_as}", "kind": "Dashboard",
            "metadata": metadata, "spec": answer["spec"]}


def kind_io(version: str) -> KindIO:
    """The dashboard kind over the resource API at `version` (one the server serves, from discovery)."""
    return r.kind_io("dashboard", DASHBOARD_GROUP, version, "dashboards", normalise, prepare_for, holds_record=True)
