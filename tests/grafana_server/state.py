"""The test server's data and rules: a Grafana org as `grafana-api.md` documents it, without HTTP.

Every behaviour cites its section of `../shared/reference/grafana-api.md` (`§n`) or, where 12.x/13.x
differ, of `grafana-13-api.md` (`13§n`), and the Grafana source file that section names. The Grafana
version played is `self.version` (versions.py); 11.6 is the default. Handlers return `(status, body)`;
`server.py` does the HTTP, `resources.py` the `/apis` resource API over the same data.
"""

from __future__ import annotations

import copy
import re
import threading
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import datetime, timezone
from typing import Any, ClassVar

from tests.grafana_server.versions import Version

JSON = dict[str, Any]
Reply = tuple[int, Any]

# §3.1 UID rules (pkg/util/shortid_generator.go): letters, digits, '-', '_'; at most 40.
UID_RE = re.compile(r"^[a-zA-Z0-9\-_]*$")


def now() -> str:
    return datetime.now(timezone.utc).strftime("%Y-%m-%dT%H:%M:%S.%fZ")


def msg(text: str, **extra: Any) -> JSON:
    # §1.5 response.Error builds {"message": ...} (pkg/api/response/response.go).
    return {**extra, "message": text}


# 13§4.1 annotation keys (pkg/apimachinery/utils/meta.go).
MANAGED_BY = "grafana.app/managedBy"
MANAGER_ID = "grafana.app/managerId"
MANAGER_ALLOWS_EDITS = "grafana.app/managerAllowsEdits"


def identity(login: str) -> str:
    """13§4.1 createdBy/updatedBy values: `user:<uid>` or `service-account:<uid>` (test logins stand in for uids;
    the test server's service accounts are the logins starting "sa-")."""
    return f"service-account:{login}" if login.startswith("sa-") else f"user:{login}"


def manager(annotations: JSON) -> tuple[str, str] | None:
    """(kind, identity) of the object's manager, or None: 13§5 reads manager properties only when
    `grafana.app/managerId` is non-empty."""
    manager_id = str(annotations.get(MANAGER_ID) or "")
    return (str(annotations.get(MANAGED_BY) or ""), manager_id) if manager_id else None


def ui_can_edit(annotations: JSON) -> bool:
    """13§5 UI: managedResourceCannotBeEdited() (DashboardScene.tsx) is true when managedBy is set, the kind is
    not `repo` and managerAllowsEdits is absent; such a dashboard can only be saved as a copy."""
    kind = annotations.get(MANAGED_BY)
    return not kind or kind == "repo" or MANAGER_ALLOWS_EDITS in annotations


class UiRefused(Exception):
    """The UI would not save this dashboard in place (13§5 UI: a managed one without managerAllowsEdits)."""

    @classmethod
    def check(cls, uid: str, annotations: JSON) -> None:
        if not ui_can_edit(annotations):
            raise cls(f"dashboard {uid} is managed by {annotations.get(MANAGED_BY)} without {MANAGER_ALLOWS_EDITS}: "
                      "the UI only offers 'save as copy' (13§5 UI)")


@dataclass
class Dashboard:
    id: int
    uid: str
    data: JSON
    version: int
    folder_uid: str
    created: str
    updated: str
    created_by: str
    updated_by: str
    provisioned: bool = False
    versions: list[JSON] = field(default_factory=list)
    # 12.x+ resource view (13§4.1): `version` above is metadata.generation; the rest is metadata.
    resource_version: int = 0
    k8s_uid: str = ""
    labels: JSON = field(default_factory=dict)
    annotations: JSON = field(default_factory=dict)
    # 13§3.2: a legacy POST stores dashboard.grafana.app/v0alpha1; /apis writes store the version written.
    stored_as: str = "v0alpha1"
    # 13§3.4: the typed spec of a v2-stored dashboard; `data` then holds its lossy classic copy (13§3.1).
    v2: JSON | None = None
    # 13§4.2 Read: a test may make conversion to the other schema (classic <-> v2) fail with this error.
    conversion_error: str = ""


@dataclass
class Datasource:
    fields: JSON
    secure: dict[str, str]
    version: int
    read_only: bool = False


class GrafanaState:
    """One org's dashboards, folders, datasources and alerting resources, guarded by one lock."""

    def __init__(self, version: str = "11.6.0", *, unified_search: bool | None = None,
                 dynamic_dashboards: bool | None = None) -> None:
        self.version = Version.parse(version)
        # 13§4.2 Search: /api/search is proxied to the search resource when `unifiedStorageSearchUI` is on;
        # the flag's default is [unverified]: on by default here for 13.x, the harder case for a client.
        self.unified_search = self.version.major >= 13 if unified_search is None else unified_search
        # 13§2: dynamic dashboards (UI saves store schema v2) are on by default in 13.x, a preview in 12.x.
        self.dynamic_dashboards = self.version.dynamic_dashboards if dynamic_dashboards is None \
            else dynamic_dashboards
        self.lock = threading.RLock()
        self.next_id = 1
        self.next_resource_version = 1000
        self.dashboards: dict[str, Dashboard] = {}
        self.folders: dict[str, JSON] = {}
        self.datasources: dict[str, Datasource] = {}
        self.rules: dict[str, JSON] = {}
        self.contact_points: dict[str, JSON] = {}
        self.policy: JSON = self.default_policy()

    def _id(self) -> int:
        self.next_id += 1
        return self.next_id

    def ui_save_v2(self, uid: str, change: Callable[[JSON], None] | None = None, *, login: str = "alice",
                   message: str = "") -> Reply:
        """A UI save with dynamic dashboards on (13§3.3): the dashboard is stored as schema v2, losing every field
        v2 has no place for (graf's record included, 13§3.4); `change` edits the v2 spec first. Raises UiRefused
        where the UI only offers "save as copy" (13§5 UI)."""
        from tests.grafana_server.resources import ResourceAPI  # resources.py builds on this module

        with self.lock:
            return ResourceAPI(self).ui_save_v2(uid, change, login, message)

    def touch(self, obj: Dashboard | JSON, login: str, message: str | None = None) -> None:
        """Every write gives the object a new resourceVersion and the server-set annotations (13§4.1).
        A folder (a dict) keeps its resource metadata under "_" keys that the legacy DTOs leave out."""
        self.next_resource_version += 1
        if isinstance(obj, Dashboard):
            obj.resource_version = self.next_resource_version
            obj.k8s_uid = obj.k8s_uid or f"k8s-{obj.id:08d}"
            annotations, labels, internal_id, folder_uid = obj.annotations, obj.labels, obj.id, obj.folder_uid
        else:
            obj["_rv"] = self.next_resource_version
            obj.setdefault("_k8s_uid", f"k8s-{obj['id']:08d}")
            annotations, labels = obj.setdefault("_annotations", {}), obj.setdefault("_labels", {})
            internal_id, folder_uid = obj["id"], str(obj.get("parentUid") or "")
        who = identity(login)
        annotations.setdefault("grafana.app/createdBy", who)
        annotations.update({"grafana.app/updatedBy": who, "grafana.app/updatedTimestamp": now()})
        if folder_uid:
            annotations["grafana.app/folder"] = folder_uid
        else:
            annotations.pop("grafana.app/folder", None)
        if message:
            annotations["grafana.app/message"] = message
        elif message is not None:
            annotations.pop("grafana.app/message", None)
        labels["grafana.app/deprecatedInternalID"] = str(internal_id)  # 13§4.1 Label

    # ------------------------------------------------------------------ dashboards (§3)

    def dashboard_get(self, uid: str) -> Reply:
        dash = self.dashboards.get(uid)
        if dash is None:
            # §3.4 404 {"message":"Dashboard not found"} (pkg/api/dashboard.go getDashboardHelper)
            return 404, msg("Dashboard not found")
        if dash.v2 is not None and self.version.legacy_get_of_v2 == "406":
            # 13§3.1 12.0-12.3: a v2-stored dashboard is 406 on the legacy GET (pkg/api/dashboard.go, 12.x).
            return 406, msg("dashboard api version not supported, use /apis/dashboard.grafana.app/"
                            f"{dash.stored_as}/namespaces/default/dashboards/{uid} instead")
        folder = self.folders.get(dash.folder_uid)
        # 13§3.1 12.4+: for a v2-stored dashboard `data` is its lossy classic copy (schema_v2.to_classic).
        data = copy.deepcopy(dash.data)
        # §3.3 on read `id`, `uid` and `version` come from the DB row (database.go GetDashboard, dashboard.go).
        data.update(id=dash.id, uid=dash.uid, version=dash.version)
        # §3.4 meta fields (pkg/api/dtos/dashboard.go DashboardMeta); `provisioned` only when
        # the provider forbids UI updates.
        meta = {
            "type": "db", "canSave": True, "canEdit": True, "canAdmin": True, "canStar": True, "canDelete": True,
            "slug": slugify(dash.data.get("title", "")), "url": f"/d/{uid}/{slugify(dash.data.get('title', ''))}",
            "expires": "0001-01-01T00:00:00Z", "created": dash.created, "updated": dash.updated,
            "updatedBy": dash.updated_by, "createdBy": dash.created_by, "version": dash.version,
            "hasAcl": False, "isFolder": False, "folderId": folder["id"] if folder else 0,
            "folderUid": dash.folder_uid, "folderTitle": folder["title"] if folder else "General",
            "folderUrl": folder["url"] if folder else "", "provisioned": dash.provisioned,
            "provisionedExternalId": f"{uid}.json" if dash.provisioned else "",
        }
        return 200, {"dashboard": data, "meta": meta}

    def dashboard_save(self, body: Any, login: str) -> Reply:
        # §3.1 PostDashboard: unbindable JSON is 400 "bad request data" (pkg/api/dashboard.go).
        if not isinstance(body, dict) or not isinstance(body.get("dashboard"), dict):
            return 400, msg("bad request data")
        if body.get("isFolder"):
            return 400, msg("Use folders endpoint for saving folders.")
        data = copy.deepcopy(body["dashboard"])
        overwrite = bool(body.get("overwrite"))
        message = str(body.get("message") or "")
        if self.version.major >= 13:
            as_resource = self._legacy_resource_save(data, body, login, message)
            if as_resource is not None:
                return as_resource
        # §3.1 validation order 1-2 (dashboard_service.go BuildSaveDashboardCommand,
        # ValidateBasicDashboardProperties).
        title = str(data.get("title") or "").strip()
        if not title and self.version.legacy_save_through_resource_api:
            return 400, msg("Dashboard spec is missing required title property")  # 13§3.2 (13.1+ [unverified])
        if not title:
            return 400, {"status": "empty-name", "message": "Dashboard title cannot be empty"}
        data["title"] = title
        if len(message) > 500:
            return 400, msg("message too long, max 500 characters")
        uid = data.get("uid").strip() if isinstance(data.get("uid"), str) else ""
        if not UID_RE.match(uid):
            return 400, msg("uid contains illegal characters")
        if len(uid) > 40:
            return 400, msg("uid too long, max 40 characters")
        # §3.1 step 4 (12.x, PR #103503): a missing folder is 400 {"message":"folder not found"}.
        folder_uid = str(body.get("folderUid") or "")
        if folder_uid and folder_uid not in self.folders:
            return 400, msg("folder not found")
        if uid in self.folders:
            return 400, msg("Dashboard cannot be changed to a folder")
        existing = self.dashboards.get(uid) if uid else None
        if existing is None and isinstance(data.get("id"), int):
            existing = next((d for d in self.dashboards.values() if d.id == data["id"]), None)
            if existing is None:
                return 404, {"status": "not-found", "message": "Dashboard not found"}
        stamp = now()
        if existing is not None:
            # §3.2: `version` is read only for updates; V != E.version is 412 unless overwrite
            # (legacy getExistingDashboardByIDOrUIDForUpdate, database.go saveDashboard).
            sent = data.get("version") if isinstance(data.get("version"), int) else 0
            if sent != existing.version and not overwrite:
                if self.version.stale_save_status == 409:
                    # 13§3.2: the handler that writes through the resource API (13.1+ [unverified]).
                    return 409, msg("Dashboard already exists. Use overwrite flag to update.")
                return 412, {"status": "version-mismatch", "message": "The dashboard has been changed by someone else"}
            # §3.1 step 7: provisioned with allowUiUpdates false is 400, not 403 (pkg/services/dashboards/errors.go).
            if existing.provisioned:
                return 400, msg("Cannot save provisioned dashboard")
            # 13§3.2 / 13§5: 13.1+ also refuses a target whose manager does not allow edits [unverified release].
            if self.version.legacy_save_through_resource_api and manager(existing.annotations) is not None \
                    and existing.annotations.get(MANAGER_ALLOWS_EDITS) != "true":
                return 400, msg("Cannot save provisioned dashboard")
            parent = existing.version
            # §3.2 12.x: the version is metadata.generation and each legacy update increments it, unchanged
            # spec or not (whether the 13.1+ resource-API handler skips a no-change save is [unverified]).
            existing.version += 1
            data.update(uid=existing.uid, id=existing.id, version=existing.version)
            existing.data, existing.updated, existing.updated_by = data, stamp, login
            existing.folder_uid = folder_uid  # §3.1 docs: an update without folderUid moves it to the root
            # 13§3.2 "Writing a classic body over a v2-stored dashboard": the object becomes v0 content and
            # the v2-only structure is gone. Manager annotations stay [unverified]; the client sends none.
            existing.stored_as, existing.v2 = "v0alpha1", None
            dash = existing
        else:
            uid = uid or f"g{self._id():012d}"
            dash_id = self._id()
            data.update(uid=uid, id=dash_id, version=1)  # §3.2: no E: inserted with version 1, whatever V was
            dash = Dashboard(dash_id, uid, data, 1, folder_uid, stamp, stamp, login, login)
            self.dashboards[uid] = dash
            parent = 0
        self.touch(dash, login, message)
        # §3.2: every successful save inserts a version row with the request message.
        dash.versions.append({"id": self._id(), "dashboardId": dash.id, "uid": dash.uid, "parentVersion": parent,
                              "restoredFrom": 0, "version": dash.version, "created": stamp, "createdBy": login,
                              "message": message, "data": copy.deepcopy(dash.data)})
        slug = slugify(title)
        # §3.1 success body (pkg/api/dashboard.go postDashboard, 11.x).
        return 200, {"status": "success", "slug": slug, "version": dash.version, "id": dash.id, "uid": dash.uid,
                     "url": f"/d/{dash.uid}/{slug}", "folderUid": folder_uid}

    def _legacy_resource_save(self, data: JSON, body: JSON, login: str, message: str) -> Reply | None:
        """13§3.2 (13.x copy of pkg/api/dashboard.go): a full resource object with an `apiVersion` of the dashboard
        group is written as that version (PR #119689, March 2026, so 13.0); a classic-looking body with v2 elements
        is refused (PR #118665, February 2026: 13.0 assumed [unverified]). None: a classic body, saved as before.
        Which bodies count as "k8s style" ([unverified]: here any with spec, metadata or apiVersion), and that the
        write is a create-or-replace without the classic version check ([unverified]), are this server's reading."""
        from tests.grafana_server.resources import ResourceAPI  # resources.py builds on this module
        from tests.grafana_server.versions import DASHBOARD_GROUP

        if not any(key in data for key in ("spec", "metadata", "apiVersion")):
            if "elements" in data or "layout" in data:
                return 400, msg("Dashboard looks like schema v2 (elements, layout): send it as a resource object "
                                "with an explicit apiVersion and the dashboard in spec")  # text not quoted by 13§3.2
            return None
        if "id" in data:
            return 400, msg("The k8s style dashboard must not include an id on the root element")
        if not isinstance(data.get("spec"), dict):
            # 13§3.2 quotes only the end of this message: "…must include the dashboard contents in the spec property".
            return 400, msg("The k8s style dashboard must include the dashboard contents in the spec property")
        api_version = str(data.get("apiVersion") or "")
        if not api_version:
            return 400, msg("Dashboard appears to be a k8s style resource, but is missing an explicit apiVersion.")
        group, _, version = api_version.partition("/")
        if group != DASHBOARD_GROUP or version not in self.version.dashboard_versions:
            # 13§3.2 quotes the start: "The dashboard payload references a non dashboard apiVersion…".
            return 400, msg(f"The dashboard payload references a non dashboard apiVersion: {api_version}")
        metadata = dict(data.get("metadata") or {}) if isinstance(data.get("metadata"), dict) else {}
        name = str(metadata.get("name") or "")
        existing = self.dashboards.get(name)
        if existing is not None and self.version.legacy_save_through_resource_api and manager(
                existing.annotations) is not None and existing.annotations.get(MANAGER_ALLOWS_EDITS) != "true":
            return 400, msg("Cannot save provisioned dashboard")  # 13§3.2
        annotations = dict(metadata.get("annotations") or {})
        if self.version.legacy_save_through_resource_api:
            # 13§3.2 (13.1+ [unverified]): client annotations and labels are discarded; the server sets the folder
            # and message annotations. That the stored object keeps its own (the manager's) is [unverified].
            annotations = dict(existing.annotations) if existing is not None else {}
            metadata["labels"] = dict(existing.labels) if existing is not None else {}
        annotations.pop("grafana.app/folder", None)
        if body.get("folderUid"):
            annotations["grafana.app/folder"] = str(body["folderUid"])
        annotations.pop("grafana.app/message", None)
        if message:
            annotations["grafana.app/message"] = message
        metadata.update(annotations=annotations)
        metadata.pop("resourceVersion", None)
        status, answer = ResourceAPI(self).write_dashboard(version, name if existing else None,
                                                           {"metadata": metadata, "spec": data["spec"]}, login)
        if status not in (200, 201):
            return status, msg(answer.get("message", ""))
        dash = self.dashboards[answer["metadata"]["name"]]
        slug = slugify(dash.data.get("title", ""))
        return 200, {"status": "success", "slug": slug, "version": dash.version, "id": dash.id, "uid": dash.uid,
                     "url": f"/d/{dash.uid}/{slug}", "folderUid": dash.folder_uid}

    def dashboard_delete(self, uid: str) -> Reply:
        dash = self.dashboards.get(uid)
        if dash is None:
            return 404, msg("Dashboard not found")  # §3.5
        if dash.provisioned:
            # §3.5: deletion always checks provisioning data (pkg/services/dashboards/errors.go).
            return 400, msg("provisioned dashboard cannot be deleted")
        del self.dashboards[uid]
        title = dash.data.get("title", "")
        return 200, {"title": title, "message": f"Dashboard {title} deleted", "uid": uid}

    def dashboard_versions(self, uid: str) -> Reply:
        # §3.7 GET /api/dashboards/uid/:uid/versions (pkg/api/dashboard.go), newest first.
        dash = self.dashboards.get(uid)
        if dash is None:
            return 404, msg("Dashboard not found")
        items = []
        for row in reversed(dash.versions):
            item = {k: v for k, v in row.items() if k != "data"}
            # §3.7: the server rewrites the message of the first version (pkg/api/dashboard.go).
            if item["parentVersion"] == 0:
                item["message"] = "Initial save"
            items.append(item)
        # §3.7 / §0: 11.6 and 12 answer {continueToken, versions}.
        return 200, {"continueToken": "", "versions": items}

    def search(self, query: dict[str, list[str]]) -> Reply:
        # §3.6 pkg/api/search.go: limit default 1000, max 5000 (422 above), page from 1.
        # 13§4.2 Search: proxied to the search resource, the default limit is 50.
        default_limit = "50" if self.unified_search else "1000"
        limit = int(query.get("limit", [default_limit])[0] or default_limit)
        page = max(int(query.get("page", ["1"])[0] or 1), 1)
        if limit > 5000:
            return 422, msg("Limit is above maximum allowed (5000), use page parameter to access hits beyond limit")
        if limit < 1:
            limit = int(default_limit)
        kind = query.get("type", [""])[0]
        text = query.get("query", [""])[0].lower()
        folders = set(query.get("folderUIDs", []))
        hits: list[JSON] = []
        if kind in ("", "dash-folder"):
            for f in self.folders.values():
                if text in f["title"].lower() and not folders:
                    hits.append({"id": f["id"], "uid": f["uid"], "title": f["title"],
                                 "uri": f"db/{slugify(f['title'])}", "url": f["url"], "slug": slugify(f["title"]),
                                 "type": "dash-folder", "tags": [], "isStarred": False, "sortMeta": 0})
        if kind in ("", "dash-db"):
            for d in self.dashboards.values():
                title = d.data.get("title", "")
                if text not in title.lower():
                    continue
                if folders and (d.folder_uid or "general") not in folders:
                    continue
                hit = {"id": d.id, "uid": d.uid, "title": title, "uri": f"db/{slugify(title)}",
                       "url": f"/d/{d.uid}/{slugify(title)}", "slug": slugify(title), "type": "dash-db",
                       "tags": sorted(d.data.get("tags") or []), "isStarred": False, "sortMeta": 0}
                if d.folder_uid:
                    f = self.folders.get(d.folder_uid, {})
                    hit.update(folderId=f.get("id"), folderUid=d.folder_uid, folderTitle=f.get("title"),
                               folderUrl=f.get("url"))
                hits.append(hit)
        # §3.6 default ordering: folders first, then title case-insensitively (pkg/services/search/service.go).
        hits.sort(key=lambda h: (h["type"] != "dash-folder", h["title"].lower()))
        hits = hits[(page - 1) * limit: page * limit]
        if self.unified_search:
            # 13§4.2 Search: proxied hits lack the numeric id, slug and folder title (the numeric folder id too:
            # [inference]); `page` becomes an offset of (page - 1) * limit hits (how it maps is [unverified]).
            hits = [{k: v for k, v in h.items() if k not in ("id", "slug", "folderTitle", "folderId")}
                    for h in hits]
        return 200, hits

    # ------------------------------------------------------------------ folders (§4)

    def _folder_dto(self, f: JSON) -> JSON:
        # §4 dtos.Folder (pkg/api/folder.go).
        public = {k: v for k, v in f.items() if not k.startswith("_")}  # "_rv" etc.: the /apis metadata
        return {**public, "hasAcl": False, "canSave": True, "canEdit": True, "canAdmin": True, "canDelete": True,
                "parents": []}

    def folder_list(self) -> Reply:
        # §4 GET /api/folders: [{id, uid, title}] of the root's children (pkg/api/folder.go).
        return 200, [{"id": f["id"], "uid": f["uid"], "title": f["title"]} for f in
                     sorted(self.folders.values(), key=lambda f: f["title"].lower())]

    def folder_get(self, uid: str) -> Reply:
        f = self.folders.get(uid)
        if f is None:
            return 404, {"status": "not-found", "message": "folder not found"}  # §4 apierrors/folder.go
        return 200, self._folder_dto(f)

    def folder_create(self, body: Any, login: str) -> Reply:
        if not isinstance(body, dict):
            return 400, msg("bad request data")
        title = str(body.get("title") or "").strip()
        if not title:
            return 400, msg("folder title cannot be empty")
        uid = str(body.get("uid") or "") or f"f{self._id():012d}"
        if not UID_RE.match(uid):
            return 400, msg("uid contains illegal characters")
        if len(uid) > 40:
            return 400, msg("uid too long, max 40 characters")
        # §4: uid taken by a folder or dashboard is 409 (12.x may say 412; clients accept either).
        if uid in self.folders or uid in self.dashboards:
            return 409, msg("a folder/dashboard with the same uid already exists")
        stamp = now()
        folder = {"id": self._id(), "uid": uid, "title": title, "url": f"/dashboards/f/{uid}/{slugify(title)}",
                  "version": 1, "created": stamp, "updated": stamp, "createdBy": login, "updatedBy": login}
        if body.get("parentUid"):
            folder["parentUid"] = body["parentUid"]
        if body.get("description"):
            folder["description"] = body["description"]
        self.folders[uid] = folder
        self.touch(folder, login)
        return 200, self._folder_dto(folder)

    def folder_update(self, uid: str, body: Any, login: str) -> Reply:
        f = self.folders.get(uid)
        if f is None:
            return 404, {"status": "not-found", "message": "folder not found"}
        if not isinstance(body, dict):
            return 400, msg("bad request data")
        # §4 PUT: `version` must equal the stored one unless overwrite: 412 version-mismatch.
        if not body.get("overwrite") and body.get("version") != f["version"]:
            return 412, {"status": "version-mismatch", "message": "the folder has been changed by someone else"}
        if body.get("title"):
            f["title"] = str(body["title"]).strip()
            f["url"] = f"/dashboards/f/{uid}/{slugify(f['title'])}"
        if "description" in body:
            f["description"] = body["description"]
        f.update(version=f["version"] + 1, updated=now(), updatedBy=login)
        self.touch(f, login)
        return 200, self._folder_dto(f)

    def folder_delete(self, uid: str) -> Reply:
        # §4 DELETE /api/folders/:uid (pkg/api/folder.go): 404 as GET; 200 {"message":"Folder deleted"}.
        if uid not in self.folders:
            return 404, {"status": "not-found", "message": "folder not found"}
        # §4 DELETE: the folder goes with its dashboards.
        del self.folders[uid]
        for dash_uid in [u for u, d in self.dashboards.items() if d.folder_uid == uid]:
            del self.dashboards[dash_uid]
        return 200, msg("Folder deleted")

    # ------------------------------------------------------------------ datasources (§5)

    _DS_DEFAULTS: ClassVar[JSON] = {"access": "proxy", "url": "", "user": "", "database": "", "basicAuth": False,
                    "basicAuthUser": "", "withCredentials": False, "isDefault": False, "jsonData": {}}
    _DS_FIELDS = ("name", "type", "access", "url", "user", "database", "basicAuth", "basicAuthUser",
                  "withCredentials", "isDefault", "jsonData")

    def _ds_dto(self, ds: Datasource) -> JSON:
        # §5 single GET fields (pkg/api/dtos/datasource.go); secrets never come back, only
        # secureJsonFields for non-empty values.
        return {"id": ds.fields["id"], "uid": ds.fields["uid"], "orgId": 1, **{k: copy.deepcopy(ds.fields[k])
                for k in self._DS_FIELDS}, "typeLogoUrl": f"public/plugins/{ds.fields['type']}/logo.svg",
                "secureJsonFields": {k: True for k, v in ds.secure.items() if v}, "version": ds.version,
                "readOnly": ds.read_only, "apiVersion": ""}

    def datasource_list(self) -> Reply:
        # §5 list: no version/secureJsonFields/basicAuthUser/withCredentials; sorted by lower-cased name.
        items = []
        for ds in sorted(self.datasources.values(), key=lambda d: d.fields["name"].lower()):
            dto = self._ds_dto(ds)
            for key in ("version", "secureJsonFields", "basicAuthUser", "withCredentials", "apiVersion"):
                dto.pop(key)
            dto["typeName"] = ds.fields["type"].capitalize()
            items.append(dto)
        return 200, items

    def datasource_get(self, uid: str) -> Reply:
        ds = self.datasources.get(uid)
        if ds is None:
            # §5 single GET, missing (pkg/api/datasources.go)
            return 404, msg("Data source not found")
        return 200, self._ds_dto(ds)

    def datasource_create(self, body: Any) -> Reply:
        if not isinstance(body, dict):
            return 400, msg("bad request data")
        name = str(body.get("name") or "") or str(body.get("type"))
        if any(d.fields["name"] == name for d in self.datasources.values()):
            return 409, msg("data source with the same name already exists")  # §5 create
        uid = str(body.get("uid") or "") or f"d{self._id():012d}"
        if uid in self.datasources:
            return 409, msg("data source with the same uid already exists")
        url = body.get("url") or ""
        if url and not re.match(r"^[a-z][a-z0-9+.-]*://", url):
            return 400, msg("Validation error, invalid URL")
        fields = {**self._DS_DEFAULTS, **{k: copy.deepcopy(body[k]) for k in self._DS_FIELDS if k in body},
                  "name": name, "uid": uid, "id": self._id()}
        # §5 AddDataSource: the first data source of an org is made the default.
        if not self.datasources:
            fields["isDefault"] = True
        if fields["isDefault"]:
            self._clear_default(uid)
        ds = Datasource(fields, dict(body.get("secureJsonData") or {}), version=1)
        self.datasources[uid] = ds
        return 200, {"message": "Datasource added", "id": fields["id"], "name": name, "datasource": self._ds_dto(ds)}

    def _clear_default(self, keep: str) -> None:
        # store.go updateIsDefaultFlag: one default per org; clearing the flag does not bump the version.
        for other in self.datasources.values():
            if other.fields["uid"] != keep:
                other.fields["isDefault"] = False

    def datasource_update(self, uid: str, body: Any) -> Reply:
        ds = self.datasources.get(uid)
        if ds is None:
            return 404, msg("Data source not found")
        if not isinstance(body, dict):
            return 400, msg("bad request data")
        if ds.read_only:
            return 403, msg("Cannot update read-only data source")  # §5 update, readOnly
        if self.version.datasource_uid_must_match and "uid" in body and body["uid"] != uid:
            # 13§6 PR #125398 (11.6.15+, 12.2.9+, 12.3.7+, 12.4.4+, 13.0.2+): 400; the reference quotes no message.
            return 400, msg("datasource uid in the body does not match the uid in the path")
        name = str(body.get("name") or ds.fields["name"])
        if any(d.fields["name"] == name and u != uid for u, d in self.datasources.items()):
            return 409, msg("Failed to update datasource: data source with the same name already exists")
        # §5 store UpdateDataSource: optimistic lock on version; omitted version is unconditional and
        # the stored version becomes 1, otherwise body.version + 1.
        sent = body.get("version") if isinstance(body.get("version"), int) else 0
        if sent and ds.version > sent:
            return 409, msg("Datasource has already been updated by someone else. Please reload and try again")
        # A full replacement of the non-secret fields; secureJsonData is merged.
        ds.fields = {**self._DS_DEFAULTS, **{k: copy.deepcopy(body[k]) for k in self._DS_FIELDS if k in body},
                     "name": name, "uid": uid, "id": ds.fields["id"]}
        ds.secure.update(body.get("secureJsonData") or {})
        ds.version = sent + 1
        if ds.fields["isDefault"]:
            self._clear_default(uid)
        return 200, {"message": "Datasource updated", "id": ds.fields["id"], "name": name,
                     "datasource": self._ds_dto(ds)}

    def datasource_delete(self, uid: str) -> Reply:
        ds = self.datasources.get(uid)
        if ds is None:
            return 404, msg("Data source not found")
        if ds.read_only:
            return 403, msg("Cannot delete read-only data source")
        del self.datasources[uid]
        return 200, {"message": "Data source deleted", "id": ds.fields["id"]}

    # ------------------------------------------------------------------ alerting provisioning (§6)

    # The ProvisionedAlertRule struct (tooling/definitions/provisioning_alert_rules.go): keys it does
    # not know are dropped on decode; reads are its re-encoding with defaults filled in.
    _RULE_KEYS = ("uid", "title", "folderUID", "ruleGroup", "condition", "data", "noDataState", "execErrState",
                  "for", "keep_firing_for", "annotations", "labels", "isPaused", "notification_settings", "record",
                  "missingSeriesEvalsToResolve")

    def _rule_out(self, rule: JSON) -> JSON:
        out = {k: copy.deepcopy(rule[k]) for k in self._RULE_KEYS if rule.get(k) is not None}
        out.setdefault("isPaused", False)
        # §6 AlertQuery: queryType and relativeTimeRange have no omitempty, so they come back zero-valued.
        out["data"] = [{"queryType": "", "relativeTimeRange": {"from": 0, "to": 0}, **q} for q in out.get("data", [])]
        # §6: durations are re-formatted by Prometheus' model.Duration ("300s" -> "5m").
        out["for"] = prom_duration(out.get("for", "0s"))
        out["keep_firing_for"] = prom_duration(out.get("keep_firing_for", "0s"))
        out.update(id=rule["id"], orgID=1, updated=rule["updated"], provenance=rule["provenance"])
        return out

    def _rule_invalid(self, rule: JSON) -> str | None:
        # §6 validation messages, prefixed "invalid alert rule" (models/alert_rule.go ValidateAlertRule).
        if not rule.get("title"):
            return "invalid alert rule: title is empty"
        if not rule.get("data"):
            return "invalid alert rule: no queries or expressions are found"
        if not rule.get("folderUID"):
            return "invalid alert rule: folderUID must be set"
        if rule["folderUID"] not in self.folders:
            return "invalid alert rule: folder does not exist"
        for key in ("for", "keep_firing_for"):
            if key in rule and not re.match(r"^([0-9]+(ms|s|m|h|d|w|y))+$", str(rule[key])):
                return f"invalid alert rule: invalid duration {rule[key]!r}"
        return None

    def rule_list(self) -> Reply:
        # §6 GET /alert-rules: every rule of the org, no paging (api_provisioning.go).
        return 200, [self._rule_out(r) for _, r in sorted(self.rules.items())]

    def rule_get(self, uid: str) -> Reply:
        rule = self.rules.get(uid)
        if rule is None:
            return 404, None  # §6: 404 with an empty body
        return 200, self._rule_out(rule)

    def rule_write(self, uid: str | None, body: Any, provenance: str) -> Reply:
        if not isinstance(body, dict):
            return 400, msg("bad request data")
        rule = {k: copy.deepcopy(body[k]) for k in self._RULE_KEYS if k in body}
        if uid is not None:
            stored = self.rules.get(uid)
            if stored is None:
                return 404, None
            # §6 CanUpdateProvenance: stored == provided, stored == none, or api -> none.
            if stored["provenance"] not in (provenance, "") and not (stored["provenance"] == "api"
                                                                      and provenance == ""):
                return 409, {"statusCode": 409, "messageId": "alerting.provenanceMismatch",
                             "message": f"cannot update with provided provenance '{provenance}', "
                                        f"needs '{stored['provenance']}'"}
            rule["uid"] = uid
        else:
            rule["uid"] = rule.get("uid") or f"r{self._id():012d}"
            if rule["uid"] in self.rules:
                return 400, msg(f"invalid alert rule: cannot create rule with UID '{rule['uid']}': "
                                "rule UID is not unique")
        problem = self._rule_invalid(rule)
        if problem:
            return 400, msg(problem)
        # §6 notes: a rule written one at a time ignores any interval in the body; it takes its group's
        # existing interval, or the default (6 x the 10s scheduler tick = 60s; pkg/setting/setting_unified_alerting.go).
        # Grafana keeps the interval on each rule of the group (models/alert_rule.go IntervalSeconds).
        group = self._group_rules(rule["folderUID"], str(rule.get("ruleGroup") or ""), but=rule["uid"])
        stored = self.rules.get(rule["uid"])
        if group:
            rule["intervalSeconds"] = group[0]["intervalSeconds"]
        elif stored is not None and (stored["folderUID"], stored.get("ruleGroup")) == (rule["folderUID"],
                                                                                     rule.get("ruleGroup")):
            rule["intervalSeconds"] = stored["intervalSeconds"]
        else:
            rule["intervalSeconds"] = DEFAULT_RULE_INTERVAL
        rule.update(id=self.rules.get(rule["uid"], {}).get("id") or self._id(), updated=now(), provenance=provenance)
        created = uid is None
        self.rules[rule["uid"]] = rule
        return (201 if created else 200), self._rule_out(rule)  # §6: POST 201, PUT 200

    def rule_delete(self, uid: str, provenance: str) -> Reply:
        stored = self.rules.get(uid)
        if stored is not None and stored["provenance"] == "file":
            return 409, {"statusCode": 409, "messageId": "alerting.provenanceMismatch",
                         "message": f"cannot delete with provided provenance '{provenance}', needs 'file'"}
        self.rules.pop(uid, None)
        return 204, None  # §6 DELETE 204

    def _group_rules(self, folder_uid: str, title: str, but: str | None = None) -> list[JSON]:
        return [r for u, r in sorted(self.rules.items()) if u != but and r["folderUID"] == folder_uid
                and r.get("ruleGroup") == title]

    def rule_group_get(self, folder_uid: str, title: str) -> Reply:
        # §6 GET /folder/{folderUid}/rule-groups/{group}: {title, folderUid, interval (int seconds), rules};
        # 404 when the group has no rules (ErrAlertRuleGroupNotFound, an ErrResp {"message": <err>} body).
        rules = self._group_rules(folder_uid, title)
        if not rules:
            return 404, msg("rule group not found")
        return 200, {"title": title, "folderUid": folder_uid, "interval": rules[0]["intervalSeconds"],
                     "rules": [self._rule_out(r) for r in rules]}

    def rule_group_put(self, folder_uid: str, title: str, body: Any, provenance: str) -> Reply:
        """§6 PUT /folder/{folderUid}/rule-groups/{group}, the interval-only form graf uses: with `rules`
        absent or null only the interval changes. A PUT with rules replaces the whole group (rules not listed
        are deleted); graf never sends one, so this server refuses it rather than pretend."""
        if not isinstance(body, dict) or not isinstance(body.get("interval"), int) or isinstance(body["interval"],
                                                                                                 bool):
            return 400, msg("bad request data")
        if body.get("rules") is not None:
            return 501, msg("test server: a rule-group PUT with rules (replacing the group) is not modelled")
        interval = body["interval"]
        # §6 validation messages: models/alert_rule.go ValidateRuleGroupInterval, prefixed "invalid alert rule".
        if interval <= 0 or interval % SCHEDULER_INTERVAL:
            return 400, msg(f"invalid alert rule: interval ({go_duration(interval)}) should be non-zero and divided "
                            f"exactly by scheduler interval: {go_duration(SCHEDULER_INTERVAL)}")
        rules = self._group_rules(folder_uid, title)
        # §6 provenance: rule-group writes check CanUpdateProvenanceInRuleGroup for every rule of the group.
        for rule in rules:
            if rule["provenance"] not in (provenance, "") and not (rule["provenance"] == "api" and provenance == ""):
                return 409, {"statusCode": 409, "messageId": "alerting.provenanceMismatch",
                             "message": f"cannot update with provided provenance '{provenance}', "
                                        f"needs '{rule['provenance']}'"}
        # The rules are written again with the new interval and the provided provenance (§6: a write without
        # X-Disable-Provenance stores "api", which locks UI-editable rules). A group without rules has nothing
        # to keep the interval on: nothing changes.
        for rule in rules:
            rule.update(intervalSeconds=interval, updated=now(), provenance=provenance)
        # §6: the response echoes the request body with the path's title and folder, not the stored state.
        return 200, {**copy.deepcopy(body), "title": title, "folderUid": folder_uid}

    _SECURE_SETTINGS: ClassVar[set[str]] = {"password", "token", "authorization_credentials", "secureSettings"}

    def contact_point_list(self, name: str | None) -> Reply:
        out = []
        for point in sorted(self.contact_points.values(), key=lambda p: p["name"]):
            if name and point["name"] != name:  # §6: exact name filter
                continue
            shown = copy.deepcopy(point)
            # §6: secrets are shown as "[REDACTED]".
            shown["settings"] = {k: "[REDACTED]" if k in self._SECURE_SETTINGS or (k == "url" and point["type"] ==
                                 "slack") else v for k, v in shown["settings"].items()}
            out.append(shown)
        return 200, out

    def contact_point_write(self, uid: str | None, body: Any, provenance: str) -> Reply:
        if not isinstance(body, dict) or not body.get("type") or not isinstance(body.get("settings"), dict):
            return 400, msg("invalid object specification: type and settings are required")
        if uid is not None:
            stored = self.contact_points.get(uid)
            if stored is None:
                return 404, msg("contact point not found")
            refused = notification_provenance_error(stored["provenance"], provenance)
            if refused is not None:
                return refused
        point = {"uid": uid or body.get("uid") or f"c{self._id():012d}", "name": body.get("name") or "",
                 "type": body["type"], "settings": copy.deepcopy(body["settings"]),
                 "disableResolveMessage": bool(body.get("disableResolveMessage")), "provenance": provenance}
        if not point["name"]:
            return 400, msg("invalid object specification: name is required")
        self.contact_points[point["uid"]] = point
        if uid is None:
            return 202, point  # §6 POST 202 with the created EmbeddedContactPoint
        return 202, msg("contactpoint updated")

    def contact_point_delete(self, uid: str) -> Reply:
        # §6 DELETE /contact-points/{uid} (api_provisioning.go)
        self.contact_points.pop(uid, None)
        return 202, msg("contactpoint deleted")  # §6: 202 in code (docs say 204)

    @staticmethod
    def default_policy() -> JSON:
        return {"receiver": "grafana-default-email", "group_by": ["grafana_folder", "alertname"], "provenance": ""}

    def policy_get(self) -> Reply:
        # §6 GET /policies: the Route tree, re-encoded (durations by model.Duration; api_provisioning.go).
        out = copy.deepcopy(self.policy)
        for key in ("group_wait", "group_interval", "repeat_interval"):
            if key in out:
                out[key] = prom_duration(out[key])
        return 200, out

    def policy_put(self, body: Any, provenance: str) -> Reply:
        if not isinstance(body, dict) or not body.get("receiver"):
            return 400, msg("invalid object specification: root route must have a receiver")
        refused = notification_provenance_error(self.policy.get("provenance", ""), provenance)
        if refused is not None:
            return refused
        self.policy = {**copy.deepcopy(body), "provenance": provenance}
        return 202, msg("policies updated")  # §6 PUT 202

    def policy_reset(self) -> Reply:
        self.policy = self.default_policy()
        return 202, self.policy  # §6 DELETE 202, the reset default tree


def notification_provenance_error(stored: str, provided: str) -> Reply | None:
    """§6: contact points and policies may keep their provenance or leave none for another, but a locked one
    ('api' or 'file') is never made editable ('') again: 403 alerting.notifications.invalidProvenance
    (pkg/services/ngalert/provisioning/validation, ValidateProvenanceRelaxed)."""
    if stored in ("", provided):
        return None
    return 403, {"statusCode": 403, "messageId": "alerting.notifications.invalidProvenance",
                 "message": f"Resource with provenance status '{stored}' cannot be managed via API "
                            f"(provided '{provided}')"}


# §6 notes: the scheduler's base interval ([unified_alerting] min_interval, 10s) and the default evaluation
# interval of a new group, DefaultRuleEvaluationInterval = 6 x base (pkg/setting/setting_unified_alerting.go).
SCHEDULER_INTERVAL = 10
DEFAULT_RULE_INTERVAL = 6 * SCHEDULER_INTERVAL


def go_duration(seconds: int) -> str:
    """Go's time.Duration String for whole seconds, as the interval message prints it: 90 -> 1m30s, 0 -> 0s."""
    if seconds <= 0:
        return f"{seconds}s"
    hours, rest = divmod(seconds, 3600)
    minutes, secs = divmod(rest, 60)
    if hours:
        return f"{hours}h{minutes}m{secs}s"
    return f"{minutes}m{secs}s" if minutes else f"{secs}s"


def slugify(title: str) -> str:
    return re.sub(r"[^a-z0-9]+", "-", title.lower()).strip("-")


_PROM_UNITS = (("y", 365 * 86400_000, True), ("w", 7 * 86400_000, True), ("d", 86400_000, False),
               ("h", 3600_000, False), ("m", 60_000, False), ("s", 1000, False), ("ms", 1, False))
_PROM_PART = re.compile(r"([0-9]+)(ms|s|m|h|d|w|y)")
_PROM_MS = {"ms": 1, "s": 1000, "m": 60_000, "h": 3600_000, "d": 86400_000, "w": 7 * 86400_000, "y": 365 * 86400_000}


def prom_duration(text: str) -> str:
    """github.com/prometheus/common/model Duration.String: written independently of graf's copy."""
    ms = sum(int(n) * _PROM_MS[u] for n, u in _PROM_PART.findall(str(text)))
    if ms == 0:
        return "0s"
    out = ""
    for unit, size, exact in _PROM_UNITS:
        if exact and ms % size != 0:
            continue
        if ms // size:
            out += f"{ms // size}{unit}"
            ms -= (ms // size) * size
    return out
