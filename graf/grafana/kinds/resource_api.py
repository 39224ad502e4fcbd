"""What the `/apis` kinds (dashboard_apis, folder_apis) share: addressing, paging, metadata, managers.

Sources: grafana-13-api.md §4 (addressing, operations, list paging, conversion status) and §5
(manager annotations). What the resource API gives graf over the legacy `/api`:

- `metadata.resourceVersion` goes back on every update, so a save made in the UI after graf read
  the object is a 409 and is never overwritten (§4.2 Update);
- `metadata.generation` moves only when the spec changes (§4.1): graf's record predicts it;
- one paginated list returns complete objects (§4.2 List): reading a kind costs
  `ceil(n / PAGE)` requests instead of one GET per resource;
- graf says it manages an object in the official place (§5): `grafana.app/managedBy: kubectl`,
  `grafana.app/managerId: graf`, `grafana.app/managerAllowsEdits: "true"`. `kubectl` is the kind for
  a client that applies resources and is not tied to the caller's identity; the id is the same for
  every graf version and project (changing it later is a 403), and edits stay allowed, so the team
  can still save in the UI (without it the UI only offers "save as copy").
"""

from __future__ import annotations

from collections.abc import Callable, Iterator
from typing import Any

from graf.grafana.client import Grafana
from graf.grafana.kinds.base import KindIO, LiveMeta, LiveResource, Write, path, what
from graf.grafana.record import Record
from graf.resources import JSON, Kind, Resource

NAMESPACE = "default"  # §4.1: org 1
PAGE = 500  # objects per list request
MANAGER = {"grafana.app/managedBy": "kubectl", "grafana.app/managerId": "graf",
           "grafana.app/managerAllowsEdits": "true"}
FOLDER_ANNOTATION = "grafana.app/folder"


def collection(group: str, version: str, resource: str) -> str:
    return f"/apis/{group}/{version}/namespaces/{NAMESPACE}/{resource}"


def list_objects(api: Grafana, base: str, kinds: str) -> Iterator[JSON]:
    """Every object of a collection, following `metadata.continue` until the server gives none (§4.2 List).

    Page by page: a caller that keeps less than the objects (graf's normal form) holds one page of them at a time."""
    token: str | None = None
    while True:
        params: dict[str, Any] = {"limit": PAGE}
        if token:
            params["continue"] = token
        page = api.get(base, what=kinds, params=params)
        page = page if isinstance(page, dict) else {}
        items = page.get("items") or []
        token = (page.get("metadata") or {}).get("continue") or None
        del page
        yield from (i for i in items if isinstance(i, dict))
        items = []  # this page's objects are the caller's now: not held while the next page is read
        if not token:
            return


def foreign_manager(annotations: JSON) -> str | None:
    """Why graf must not write an object another tool manages (§5): changing its manager is a 403, and a
    repository-managed object is written through its repository only."""
    kind, ident = annotations.get("grafana.app/managedBy"), annotations.get("grafana.app/managerId")
    if not kind or not ident:
        return None  # §5: manager properties count only with a non-empty managerId
    if (kind, ident) == (MANAGER["grafana.app/managedBy"], MANAGER["grafana.app/managerId"]):
        return None
    if kind == "classic-file-provisioning":
        return f"provisioned (from the file provisioning '{ident}'; the UI and API cannot save it)"
    if kind == "repo":
        return f"managed by Git Sync (repository '{ident}'); change it in that repository"
    return f"managed by {kind} '{ident}' (grafana.app/managedBy); change it there, or remove that manager first"


def name_of(answer: Any) -> str | None:
    if not isinstance(answer, dict) or not isinstance(answer.get("spec"), dict):
        return None
    name = (answer.get("metadata") or {}).get("name")
    return name if isinstance(name, str) and name else None


def annotations_of(answer: JSON) -> JSON:
    annotations = (answer.get("metadata") or {}).get("annotations")
    return annotations if isinstance(annotations, dict) else {}


def live_meta(answer: JSON, record: Record | None = None, stored_as: str | None = None) -> LiveMeta:
    metadata = answer.get("metadata") or {}
    annotations = annotations_of(answer)
    generation = metadata.get("generation")
    return LiveMeta(version=generation if isinstance(generation, int) else None,
                    updated_by=annotations.get("grafana.app/updatedBy"),
                    updated=annotations.get("grafana.app/updatedTimestamp"),
                    locked=foreign_manager(annotations), record=record,
                    resource_version=str(metadata.get("resourceVersion") or "") or None, stored_as=stored_as,
                    graf_manager=all(annotations.get(k) == v for k, v in MANAGER.items()))


def metadata_for(resource: Resource, how: Write, message: str, parent: str | None) -> JSON:
    """graf's metadata for a write: name, manager, message, parent folder and (on update) the resourceVersion
    read at plan time; with --force the update is unconditional."""
    annotations = {**MANAGER, "grafana.app/message": message}
    if parent:
        annotations[FOLDER_ANNOTATION] = parent
    metadata: JSON = {"name": resource.uid, "annotations": annotations}
    if how.live is not None and how.live.meta.resource_version and not how.force:
        metadata["resourceVersion"] = how.live.meta.resource_version
    return metadata


def upsert(api: Grafana, base: str, resource: Resource, payload: JSON, how: Write) -> Any:
    """POST to the collection (201), or PUT to `<collection>/<name>` (200; a stale resourceVersion is 409)."""
    where = what(resource.kind, resource.uid)
    if how.exists:
        return api.put(f"{base}/{path(resource.uid)}", payload, what=where)
    return api.post(base, payload, what=where)


def kind_io(kind: Kind, group: str, version: str, plural: str, normalise: Callable[[Any], LiveResource | None],
            prepare_for: Callable[[str, Resource, Write], JSON], *, holds_record: bool) -> KindIO:
    """`kind` over `/apis/<group>/<version>/.../<plural>`: the verbs are the same for every resource kind;
    only its normal form (`normalise`) and the object graf writes (`prepare_for`) differ."""
    base = collection(group, version, plural)

    def list_all(api: Grafana) -> list[LiveResource]:
        found = (normalise(obj) for obj in list_objects(api, base, plural))
        return sorted((live for live in found if live is not None), key=lambda live: live.uid)

    def list_uids(api: Grafana) -> list[str]:
        return [live.uid for live in list_all(api)]

    def read(api: Grafana, uid: str) -> LiveResource | None:
        return normalise(api.get(f"{base}/{path(uid)}", what=what(kind, uid), missing_ok=True))

    def prepare(resource: Resource, how: Write) -> JSON:
        return prepare_for(version, resource, how)

    def write(api: Grafana, resource: Resource, how: Write) -> Any:
        return upsert(api, base, resource, prepare(resource, how), how)

    def delete(api: Grafana, uid: str) -> None:
        api.delete(f"{base}/{path(uid)}", what=what(kind, uid))

    return KindIO(kind, list_uids, read, write, delete, prepare, normalise, holds_record=holds_record,
                  list_all=list_all, transport=f"/apis/{group}/{version}")
