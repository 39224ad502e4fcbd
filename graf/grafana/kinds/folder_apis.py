"""Folders over `/apis/folder.grafana.app/<version>` (13.x `v1`, 12.x `v1beta1`).

Sources: grafana-13-api.md §4.1-§4.2: the spec holds the title and description, the parent is the
`grafana.app/folder` annotation; a stale update is 412 `version-mismatch` (graf maps it like 409).
graf owns its folder by identity (the uid in graf.yaml): no record.
"""

from __future__ import annotations

from typing import Any

from graf.grafana.discovery import FOLDER_GROUP
from graf.grafana.kinds import resource_api as r
from graf.grafana.kinds.base import KindIO, LiveResource, Write
from graf.resources import JSON, Resource, canonical


def normalise(answer: Any) -> LiveResource | None:
    name = r.name_of(answer)
    if name is None:
        return None
    spec = answer["spec"]
    body: JSON = {"uid": name, "title": spec.get("title")}
    if spec.get("description"):
        body["description"] = spec["description"]
    parent = r.annotations_of(answer).get(r.FOLDER_ANNOTATION)
    if parent:
        body["parentUid"] = parent
    return LiveResource("folder", name, canonical("folder", body), meta=r.live_meta(answer))


def prepare_for(version: str, resource: Resource, how: Write) -> JSON:
    body = resource.body
    spec: JSON = {"title": body.get("title")}
    if body.get("description"):
        spec["description"] = body["description"]
    return {"apiVersion": f"{FOLDER_GROUP}/{version}", "kind": "Folder",
            "metadata": r.metadata_for(resource, how, "graf sync", body.get("parentUid") or None), "spec": spec}


def kind_io(version: str) -> KindIO:
    """The folder kind over the resource API at `version`."""
    return r.kind_io("folder", FOLDER_GROUP, version, "folders", normalise, prepare_for, holds_record=False)
