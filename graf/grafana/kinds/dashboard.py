"""Dashboards over the legacy `/api`. Sources: grafana-api.md §3.1-3.6 (pkg/api/dashboard.go,
pkg/services/dashboards/...). graf's record sits in the dashboard JSON's top-level `graf` key."""

from __future__ import annotations

from typing import Any

from graf.grafana.client import Grafana
from graf.grafana.kinds.base import KindIO, LiveMeta, LiveResource, Write, integer, obj, path, reading, text, what
from graf.grafana.record import MARKER, Record
from graf.resources import JSON, Resource, canonical

PAGE = 5000  # /search answers at most this many hits a page


def list_uids(api: Grafana) -> list[str]:
    """Every dashboard uid /api/search lists, page by page. Where search is proxied to the search resource
    (grafana-13-api.md §4.2: hits without id/slug, `page` read as an offset) a page may repeat earlier hits:
    the walk ends at a short page or at one that brings no new uid."""
    found: set[str] = set()
    page = 1
    while True:
        hits = api.get("/search", what="dashboards", params={"type": "dash-db", "limit": PAGE, "page": page})
        hits = hits if isinstance(hits, list) else []
        new = {h["uid"] for h in hits if isinstance(h, dict) and isinstance(h.get("uid"), str) and h["uid"]}
        if not new - found or len(hits) < PAGE:
            return sorted(found | new)
        found |= new
        page += 1


def read(api: Grafana, uid: str) -> LiveResource | None:
    return normalise(api.get(f"/dashboards/uid/{path(uid)}", what=what("dashboard", uid), missing_ok=True))


def normalise(answer: Any) -> LiveResource | None:
    with reading("dashboard"):
        return _normalise(answer)


def _normalise(answer: Any) -> LiveResource | None:
    dashboard, meta = obj(obj(answer).get("dashboard")), obj(obj(answer).get("meta"))
    uid = text(dashboard.get("uid"))
    if uid is None:
        return None
    live_meta = LiveMeta(
        version=integer(meta.get("version", dashboard.get("version"))),
        updated_by=text(meta.get("updatedBy")),
        updated=text(meta.get("updated")),
        locked="provisioned (from a file; the UI and API cannot save it)" if meta.get("provisioned") is True else None,
        record=Record.from_json(dashboard.get(MARKER), uid=uid),
    )
    return LiveResource("dashboard", uid, canonical("dashboard", dashboard), folder=text(meta.get("folderUid")),
                        meta=live_meta)


def prepare(resource: Resource, how: Write) -> JSON:
    dashboard = {k: v for k, v in resource.body.items() if k != "id"}
    if how.record is not None:
        dashboard[MARKER] = how.record.as_json()
    # §3.2: an update must carry the version it was based on; a mismatch is a 412 unless overwrite.
    if how.exists and how.live_version is not None:
        dashboard["version"] = how.live_version
    else:
        dashboard.pop("version", None)
    payload: JSON = {"dashboard": dashboard, "overwrite": bool(how.force),
                     "message": f"graf sync {how.record.hash}" if how.record else "graf sync"}
    if resource.folder:
        payload["folderUid"] = resource.folder
    return payload


def write(api: Grafana, resource: Resource, how: Write) -> Any:
    return api.post("/dashboards/db", prepare(resource, how), what=what("dashboard", resource.uid))


def delete(api: Grafana, uid: str) -> None:
    api.delete(f"/dashboards/uid/{path(uid)}", what=what("dashboard", uid))


LEGACY = KindIO("dashboard", list_uids, read, write, delete, prepare, normalise, holds_record=True)
