"""The `/apis` resource API (12.x+) over the test server's dashboards and folders (grafana-13-api.md §4, §5).

Paths: `/apis/<group>/<version>/namespaces/default/<resource>[/<name>]` (13§4.1); only org 1's
namespace `default` exists here. The legacy handlers in state.py and these work on the same
objects, so a legacy write is seen here and the other way round. Error bodies are Kubernetes
`Status` objects (apimachinery's shape; the message texts of 404/409/422 are apimachinery's
standard ones, not quoted by the reference).
"""

from __future__ import annotations

import base64
import binascii
import copy
import re
from collections.abc import Callable
from typing import Any

from tests.grafana_server import schema_v2
from tests.grafana_server.state import (
    JSON,
    Dashboard,
    GrafanaState,
    Reply,
    UiRefused,
    manager,
    now,
    slugify,
)
from tests.grafana_server.versions import DASHBOARD_GROUP, FOLDER_GROUP

NAMESPACE = "default"  # 13§4.1 Namespaces: org 1
_PATH = re.compile(r"/apis/(?P<group>[^/]+)/(?P<version>[^/]+)/namespaces/(?P<ns>[^/]+)/(?P<resource>[^/]+)"
                   r"(?:/(?P<name>[^/]+))?")
_KINDS = {(DASHBOARD_GROUP, "dashboards"): "Dashboard", (FOLDER_GROUP, "folders"): "Folder"}
# 13§4.2: `uid`, `version` and `id` are removed from a classic spec (they live in metadata).
_METADATA_KEYS = ("id", "uid", "version")


def status(code: int, reason: str, message: str, **details: str) -> Reply:
    """A Kubernetes `Status` failure body (k8s.io/apimachinery metav1.Status)."""
    return code, {"kind": "Status", "apiVersion": "v1", "metadata": {}, "status": "Failure", "message": message,
                  "reason": reason, "details": details, "code": code}


def _timestamp(stamp: str) -> str:
    return stamp[:19] + "Z"  # RFC 3339 in seconds, as metadata.creationTimestamp


class ResourceAPI:
    """Answers `/apis` requests for the state's Grafana version (None: not served there, a plain 404)."""

    def __init__(self, state: GrafanaState) -> None:
        self.s = state

    # ------------------------------------------------------------------ discovery (13§4.1)

    def _versions(self, group: str) -> tuple[tuple[str, ...], str]:
        v = self.s.version
        if group == DASHBOARD_GROUP:
            return v.dashboard_versions, v.dashboard_preferred
        if group == FOLDER_GROUP:
            return v.folder_versions, (v.folder_versions or ("",))[-1]
        return (), ""

    def _group(self, group: str) -> JSON:
        versions, preferred = self._versions(group)
        return {"name": group, "versions": [{"groupVersion": f"{group}/{v}", "version": v} for v in versions],
                "preferredVersion": {"groupVersion": f"{group}/{preferred}", "version": preferred}}

    def handle(self, method: str, path: str, query: dict[str, list[str]], body: Any, login: str) -> Reply | None:
        if not self.s.version.has_apis or not (path == "/apis" or path.startswith("/apis/")):
            return None  # 13§4.1: /apis exists from 12; 11.x answers the router's 404
        parts = path.strip("/").split("/")
        if method == "GET" and len(parts) == 1:
            return 200, {"kind": "APIGroupList", "apiVersion": "v1",
                         "groups": [self._group(DASHBOARD_GROUP), self._group(FOLDER_GROUP)]}
        group = parts[1] if len(parts) > 1 else ""
        versions, _ = self._versions(group)
        if not versions:
            return status(404, "NotFound", "the server could not find the requested resource")
        if method == "GET" and len(parts) == 2:
            return 200, {"kind": "APIGroup", "apiVersion": "v1", **self._group(group)}
        version = parts[2]
        if version not in versions:
            return status(404, "NotFound", "the server could not find the requested resource")
        resource = "dashboards" if group == DASHBOARD_GROUP else "folders"
        if method == "GET" and len(parts) == 3:
            return 200, {"kind": "APIResourceList", "apiVersion": "v1", "groupVersion": f"{group}/{version}",
                         "resources": [{"name": resource, "singularName": resource[:-1], "namespaced": True,
                                        "kind": _KINDS[(group, resource)],
                                        "verbs": ["create", "delete", "get", "list", "update"]}]}
        found = _PATH.fullmatch(path)
        if found is None or found["resource"] != resource:
            return status(404, "NotFound", "the server could not find the requested resource")
        if found["ns"] != NAMESPACE:
            return status(404, "NotFound", f'namespaces "{found["ns"]}" not found')
        name = found["name"]
        handlers = self._dashboard if group == DASHBOARD_GROUP else self._folder
        return handlers(method, version, name, query, body, login)

    # ------------------------------------------------------------------ shared (13§4.2)

    def _list(self, names: list[str], query: dict[str, list[str]], group: str, version: str, kind: str,
              render: Any) -> Reply:
        """13§4.2 List: `?limit=` and `?continue=`; items are complete objects; paging ends when the list
        metadata has no `continue`."""
        names = sorted(names)
        token = (query.get("continue") or [""])[0]
        if token:
            try:
                decoded = base64.b64decode(token.encode(), altchars=b"-_", validate=True).decode()
            except (binascii.Error, UnicodeDecodeError):
                decoded = ""
            if not decoded.startswith("after:"):
                return status(400, "BadRequest", "continue key is not valid")
            names = [n for n in names if n > decoded[len("after:"):]]
        limit_text = (query.get("limit") or ["0"])[0]
        limit = int(limit_text) if limit_text.isdigit() else 0
        page = names[:limit] if limit else names
        metadata: JSON = {"resourceVersion": str(self.s.next_resource_version)}
        if limit and len(names) > limit:
            metadata["continue"] = base64.urlsafe_b64encode(f"after:{page[-1]}".encode()).decode()
            metadata["remainingItemCount"] = len(names) - limit
        return 200, {"kind": f"{kind}List", "apiVersion": f"{group}/{version}", "metadata": metadata,
                     "items": [render(n, version) for n in page]}

    def _metadata_error(self, body: Any, name: str | None, group: str, resource: str) -> Reply | None:
        if not isinstance(body, dict) or not isinstance(body.get("metadata", {}), dict):
            return status(400, "BadRequest", "the body of the request was in an unknown format")
        meta = body.get("metadata") or {}
        if name is not None and meta.get("name") not in (None, name):
            return status(400, "BadRequest", f"the name of the object ({meta.get('name')}) does not match the name "
                          f"on the URL ({name})")
        if not isinstance(body.get("spec"), dict):
            return status(422, "Invalid", f"{resource}.{group} is invalid: spec: Required value")
        for key in ("labels", "annotations"):
            if not isinstance(meta.get(key) or {}, dict):
                return status(400, "BadRequest", f"metadata.{key} must be a map of strings")
        return None

    def _manager_error(self, old: JSON | None, new: JSON, name: str, group: str, resource: str) -> Reply | None:
        """13§5 server rules on update (managed.go, 13.0+)."""
        if not self.s.version.manager_rules:
            return None
        before, after = manager(old or {}), manager(new)
        if after is not None and after[0] == "classic-file-provisioning" and (before is None or before[0] != after[0]):
            return status(403, "Forbidden", "Can not set the classic-file-provisioning resource manager",
                          name=name, group=group, kind=resource)
        if before is None or after is None:
            # Adding a manager is allowed; removing one needs the old manager's rights, which the test
            # server's admin and editors are given (kubectl/terraform are not tied to the caller's identity).
            return None
        if before[0] != after[0]:
            return status(403, "Forbidden", "Cannot change resource manager kind; remove the existing manager "
                          "first, then add the new one", name=name, group=group, kind=resource)
        if before[1] != after[1]:
            return status(403, "Forbidden", "Cannot change resource manager identity; remove the existing manager "
                          "first, then add the new one", name=name, group=group, kind=resource)
        return None

    @staticmethod
    def _conflict(name: str, group: str, resource: str) -> Reply:
        """13§4.2 Update: a stale resourceVersion is 409 (optimistic concurrency)."""
        return status(409, "Conflict", f'Operation cannot be fulfilled on {resource}.{group} "{name}": the object '
                      "has been modified; please apply your changes to the latest version and try again",
                      name=name, group=group, kind=resource)

    @staticmethod
    def _metadata(name: str, k8s_uid: str, rv: int, generation: int, created: str, labels: JSON,
                  annotations: JSON) -> JSON:
        # 13§4.1 Object identity: metadata.name is the uid (the path segment), metadata.uid an internal id.
        return {"name": name, "namespace": NAMESPACE, "uid": k8s_uid, "resourceVersion": str(rv),
                "generation": generation, "creationTimestamp": _timestamp(created),
                "labels": copy.deepcopy(labels), "annotations": copy.deepcopy(annotations)}

    # ------------------------------------------------------------------ dashboards

    @staticmethod
    def classic_spec(dash: Dashboard) -> JSON:
        return {k: copy.deepcopy(v) for k, v in dash.data.items() if k not in _METADATA_KEYS}

    def stored_spec(self, dash: Dashboard) -> JSON:
        return copy.deepcopy(dash.v2) if dash.v2 is not None else self.classic_spec(dash)

    def dashboard_object(self, uid: str, version: str) -> JSON:
        """13§4.2 Read: the full object at `version`; read at another version than the stored one, the spec is
        converted and `status.conversion` names the stored version."""
        dash = self.s.dashboards[uid]
        if version.startswith("v2"):
            spec = copy.deepcopy(dash.v2) if dash.v2 is not None else schema_v2.to_v2(self.classic_spec(dash))
        else:
            spec = self.classic_spec(dash)  # a v2-stored dashboard's `data` is already its classic copy
        state: JSON = {}
        if version != dash.stored_as:
            state["conversion"] = {"failed": False, "storedVersion": dash.stored_as}
            if dash.conversion_error and version.startswith("v2") != (dash.v2 is not None):
                # 13§4.2 Read: on failed: true, read again at storedVersion. What spec a failed conversion carries
                # is [unverified]: none here, so a client that ignores the flag sees an empty dashboard.
                state["conversion"].update(failed=True, error=dash.conversion_error)
                spec = {}
        return {"apiVersion": f"{DASHBOARD_GROUP}/{version}", "kind": "Dashboard",
                "metadata": self._metadata(uid, dash.k8s_uid, dash.resource_version, dash.version, dash.created,
                                           dash.labels, dash.annotations),
                "spec": spec, "status": state}

    def _dashboard(self, method: str, version: str, name: str | None, query: dict[str, list[str]], body: Any,
                   login: str) -> Reply:
        s, group, resource = self.s, DASHBOARD_GROUP, "dashboards"
        if name is None:
            if method == "GET":
                return self._list(list(s.dashboards), query, group, version, "Dashboard", self.dashboard_object)
            if method == "POST":
                return self.write_dashboard(version, None, body, login)
            return status(405, "MethodNotAllowed", "the server does not allow this method on the requested resource")
        if method == "GET":
            if name not in s.dashboards:
                return status(404, "NotFound", f'{resource}.{group} "{name}" not found', name=name, group=group,
                              kind=resource)
            return 200, self.dashboard_object(name, version)
        if method == "PUT":
            return self.write_dashboard(version, name, body, login)
        if method == "DELETE":
            dash = s.dashboards.get(name)
            if dash is None:
                return status(404, "NotFound", f'{resource}.{group} "{name}" not found', name=name, group=group,
                              kind=resource)
            answer, _ = s.dashboard_delete(name)
            if answer != 200:
                return status(answer, "BadRequest", "provisioned dashboard cannot be deleted", name=name)
            # 13§4.2 Delete: a 200 Status object.
            return 200, {"kind": "Status", "apiVersion": "v1", "metadata": {}, "status": "Success",
                         "details": {"name": name, "group": group, "kind": resource, "uid": dash.k8s_uid}}
        return status(405, "MethodNotAllowed", "the server does not allow this method on the requested resource")

    def write_dashboard(self, version: str, name: str | None, body: Any, login: str) -> Reply:
        """Create (`name` None: the name is in the body) or update a dashboard written at `version`."""
        s, group, resource = self.s, DASHBOARD_GROUP, "dashboards"
        problem = self._metadata_error(body, name, group, resource)
        if problem is not None:
            return problem
        meta = body.get("metadata") or {}
        spec = copy.deepcopy(body["spec"])
        annotations = {str(k): str(v) for k, v in (meta.get("annotations") or {}).items()}
        labels = {str(k): str(v) for k, v in (meta.get("labels") or {}).items()}
        v2: JSON | None = None
        if version.startswith("v2"):
            unknown = schema_v2.unknown_root_keys(spec)
            if unknown:
                # 13§3.4: the v2 spec is typed; 13§4.2: strict field validation answers 422 (that an unknown root
                # key is refused rather than dropped is [unverified]).
                return status(422, "Invalid", f"{resource}.{group} is invalid: spec.{unknown[0]}: unknown field "
                              f'"{unknown[0]}"', group=group, kind=resource)
            v2, classic = spec, schema_v2.to_classic(spec)
        else:
            classic = {k: v for k, v in spec.items() if k not in _METADATA_KEYS}  # 13§4.2
            latest = schema_v2.LATEST_SCHEMA_VERSION
            if version in ("v1", "v1beta1") and int(classic.get("schemaVersion") or 0) < latest:
                # 13§4.2: v1/v1beta1 writes migrate to the latest schemaVersion (only the number is modelled here,
                # not the migrations' edits); v0alpha1 writes are not migrated.
                classic["schemaVersion"] = latest
        if not str(classic.get("title") or "").strip():
            return status(422, "Invalid", f"{resource}.{group} is invalid: spec.title: Required value",
                          group=group, kind=resource)
        folder_uid = annotations.get("grafana.app/folder", "")
        if folder_uid and folder_uid not in s.folders:
            return status(400, "BadRequest", "folder not found", group=group, kind=resource)  # as §3.1 step 4
        stamp = now()
        if name is None:
            name = str(meta.get("name") or "")
            if not name and meta.get("generateName"):
                name = f"{meta['generateName']}{s._id():06d}"  # 13§4.1 generateName
            if not name:
                return status(422, "Invalid", f"{resource}.{group} is invalid: metadata.name: Required value, name "
                              "or generateName is required", group=group, kind=resource)
            if name in s.dashboards or name in s.folders:
                # 13§4.2 Create: an existing name is 409.
                return status(409, "AlreadyExists", f'{resource}.{group} "{name}" already exists', name=name,
                              group=group, kind=resource)
            refused = self._manager_error(None, annotations, name, group, resource)
            if refused is not None:
                return refused
            dash_id = s._id()
            dash = Dashboard(dash_id, name, {**classic, "id": dash_id, "uid": name, "version": 1}, 1, folder_uid,
                             stamp, stamp, login, login, stored_as=version, v2=v2)
            dash.annotations, dash.labels = annotations, labels
            s.dashboards[name] = dash
            parent, changed, created = 0, True, True
        else:
            dash_or_none = s.dashboards.get(name)
            if dash_or_none is None:
                return status(404, "NotFound", f'{resource}.{group} "{name}" not found', name=name, group=group,
                              kind=resource)
            dash = dash_or_none
            sent_rv = meta.get("resourceVersion")
            # 13§4.2 Update: a stale resourceVersion is 409; without one the update is unconditional.
            if sent_rv not in (None, "") and str(sent_rv) != str(dash.resource_version):
                return self._conflict(name, group, resource)
            refused = self._manager_error(dash.annotations, annotations, name, group, resource)
            if refused is not None:
                return refused
            # 13§4.1: generation increments on each spec change (only then; metadata edits move resourceVersion).
            changed = version.startswith("v2") != (dash.v2 is not None) or self.stored_spec(dash) != (
                v2 if v2 is not None else classic)
            parent, created = dash.version, False
            if changed:
                dash.version += 1
            if created_by := dash.annotations.get("grafana.app/createdBy"):
                annotations["grafana.app/createdBy"] = created_by
            dash.data = {**classic, "id": dash.id, "uid": name, "version": dash.version}
            dash.stored_as, dash.v2, dash.folder_uid = version, v2, folder_uid
            dash.annotations, dash.labels = annotations, labels
            dash.updated, dash.updated_by = stamp, login
        s.touch(dash, login)
        if changed:
            # §3.2 / §3.7: a new generation is a new version-history row.
            dash.versions.append({"id": s._id(), "dashboardId": dash.id, "uid": dash.uid, "parentVersion": parent,
                                  "restoredFrom": 0, "version": dash.version, "created": stamp, "createdBy": login,
                                  "message": annotations.get("grafana.app/message", ""),
                                  "data": copy.deepcopy(dash.data)})
        return (201 if created else 200), self.dashboard_object(name, version)

    def ui_save_v2(self, uid: str, change: Callable[[JSON], None] | None, login: str, message: str) -> Reply:
        """A UI save in 13 (13§3.3): the dashboard is loaded as v2 (a classic one converted, dropping what v2 has
        no place for), `change` edits the v2 spec, and it is written back as v2 with its resourceVersion."""
        dash = self.s.dashboards.get(uid)
        if dash is None:
            return status(404, "NotFound", f'dashboards.{DASHBOARD_GROUP} "{uid}" not found')
        UiRefused.check(uid, dash.annotations)
        version = self.s.version.dashboard_v2
        loaded = self.dashboard_object(uid, version)
        if change is not None:
            change(loaded["spec"])
        annotations = loaded["metadata"]["annotations"]
        annotations.pop("grafana.app/message", None)
        if message:
            annotations["grafana.app/message"] = message
        body = {"apiVersion": loaded["apiVersion"], "kind": "Dashboard", "spec": loaded["spec"],
                "metadata": {"name": uid, "resourceVersion": loaded["metadata"]["resourceVersion"],
                             "labels": loaded["metadata"]["labels"], "annotations": annotations}}
        return self.write_dashboard(version, uid, body, login)

    # ------------------------------------------------------------------ folders

    def folder_object(self, uid: str, version: str) -> JSON:
        f = self.s.folders[uid]
        spec = {"title": f["title"], **({"description": f["description"]} if f.get("description") else {})}
        return {"apiVersion": f"{FOLDER_GROUP}/{version}", "kind": "Folder",
                "metadata": self._metadata(uid, f.get("_k8s_uid", ""), f.get("_rv", 0), f["version"], f["created"],
                                           f.get("_labels") or {}, f.get("_annotations") or {}),
                "spec": spec}

    def _folder(self, method: str, version: str, name: str | None, query: dict[str, list[str]], body: Any,
                login: str) -> Reply:
        s, group, resource = self.s, FOLDER_GROUP, "folders"
        if name is None and method == "GET":
            return self._list(list(s.folders), query, group, version, "Folder", self.folder_object)
        if name is not None and name not in s.folders and method != "POST":
            return status(404, "NotFound", f'{resource}.{group} "{name}" not found', name=name, group=group,
                          kind=resource)
        if name is not None and method == "GET":
            return 200, self.folder_object(name, version)
        if name is not None and method == "DELETE":
            k8s_uid = s.folders[name].get("_k8s_uid", "")
            s.folder_delete(name)  # §4 DELETE: the folder goes with its dashboards
            return 200, {"kind": "Status", "apiVersion": "v1", "metadata": {}, "status": "Success",
                         "details": {"name": name, "group": group, "kind": resource, "uid": k8s_uid}}
        if method not in ("POST", "PUT") or (method == "POST") != (name is None):
            return status(405, "MethodNotAllowed", "the server does not allow this method on the requested resource")
        problem = self._metadata_error(body, name, group, resource)
        if problem is not None:
            return problem
        meta, spec = body.get("metadata") or {}, body["spec"]
        annotations = {str(k): str(v) for k, v in (meta.get("annotations") or {}).items()}
        labels = {str(k): str(v) for k, v in (meta.get("labels") or {}).items()}
        title = str(spec.get("title") or "").strip()
        if not title:
            return status(422, "Invalid", f"{resource}.{group} is invalid: spec.title: Required value")
        parent = annotations.get("grafana.app/folder", "")  # 13§4.2 Folders: the parent is this annotation
        if parent and parent not in s.folders:
            return status(400, "BadRequest", "folder not found")
        if name is None:
            name = str(meta.get("name") or "")
            if name in s.folders or name in s.dashboards:
                return status(409, "AlreadyExists", f'{resource}.{group} "{name}" already exists', name=name,
                              group=group, kind=resource)
            refused = self._manager_error(None, annotations, name, group, resource)
            if refused is not None:
                return refused
            answer, dto = s.folder_create({"uid": name, "title": title, "description": spec.get("description"),
                                           "parentUid": parent}, login)
            if answer != 200:
                return status(answer, "BadRequest", dto["message"], group=group, kind=resource)
            folder = s.folders[dto["uid"]]
            folder["_annotations"], folder["_labels"] = annotations, labels
            s.touch(folder, login)
            return 201, self.folder_object(folder["uid"], version)
        folder = s.folders[name]
        sent_rv = meta.get("resourceVersion")
        if sent_rv not in (None, "") and str(sent_rv) != str(folder["_rv"]):
            # 13§4.2 Folders: the documented update conflict is 412 with a legacy-style body.
            return 412, {"message": "The folder has been changed by someone else", "status": "version-mismatch"}
        refused = self._manager_error(folder.get("_annotations"), annotations, name, group, resource)
        if refused is not None:
            return refused
        old_spec = {"title": folder["title"], "description": folder.get("description") or ""}
        if old_spec != {"title": title, "description": spec.get("description") or ""}:
            folder["version"] += 1  # generation: spec changes only (13§4.1)
        folder["title"], folder["url"] = title, f"/dashboards/f/{name}/{slugify(title)}"
        if spec.get("description"):
            folder["description"] = spec["description"]
        else:
            folder.pop("description", None)
        if parent:
            folder["parentUid"] = parent
        else:
            folder.pop("parentUid", None)
        if created_by := (folder.get("_annotations") or {}).get("grafana.app/createdBy"):
            annotations["grafana.app/createdBy"] = created_by
        folder["_annotations"], folder["_labels"] = annotations, labels
        folder.update(updated=now(), updatedBy=login)
        s.touch(folder, login)
        return 200, self.folder_object(name, version)

