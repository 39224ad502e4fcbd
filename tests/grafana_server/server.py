"""A Grafana HTTP API test server: real HTTP/1.1 with keep-alive on 127.0.0.1, in-process.

    with GrafanaServer(latency=0.02) as grafana:       # Grafana 11.6.0; or version="12.4.4" / "13.1.0"
        grafana.url, grafana.token            # point graf at it
        grafana.writes()                      # requests that were not GET/HEAD
        grafana.count_kind("dashboards")      # requests per kind, legacy and /apis alike
        grafana.fail("GET", "/api/dashboards/uid/x", status=503, times=2)
        grafana.ui_save("x", lambda d: d.update(title="Edited"), user="alice")   # on 13: stored as v2

Behaviour lives in `state.py` (legacy API) and `resources.py` (`/apis`, 12.x+) with their sources;
`versions.py` says what the chosen version changes. This module adds what a test needs around it:
authentication (§1), request counting by method and path, added latency, injected 5xx/429
answers and dropped connections.
"""

from __future__ import annotations

import base64
import contextlib
import json
import re
import socket
import threading
import time
from collections import Counter
from collections.abc import Callable
from dataclasses import dataclass
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any
from urllib.parse import parse_qs, unquote, urlsplit

from tests.grafana_server.resources import ResourceAPI
from tests.grafana_server.state import JSON, GrafanaState, Reply, UiRefused
from tests.grafana_server.versions import DASHBOARD_GROUP

ADMIN_TOKEN = "glsa_test_admin_token"
VIEWER_TOKEN = "glsa_test_viewer_token"


@dataclass
class Fault:
    method: str
    path: str  # exact path, or a prefix when it ends with '*'
    status: int | None  # None: drop the connection without an answer
    times: int
    delay: float = 0.0
    after: bool = False  # the request is carried out first (a write lands), then the answer is lost or replaced

    def matches(self, method: str, path: str) -> bool:
        if self.method not in ("*", method):
            return False
        return path.startswith(self.path[:-1]) if self.path.endswith("*") else path == self.path


class _Server(ThreadingHTTPServer):
    daemon_threads = True
    allow_reuse_address = True
    request_queue_size = 128

    def handle_error(self, request: Any, client_address: Any) -> None:
        """A client that hung up (timeouts, dropped connections) is expected; anything else is a server bug."""
        import sys

        if not isinstance(sys.exc_info()[1], (BrokenPipeError, ConnectionResetError)):
            super().handle_error(request, client_address)


class GrafanaServer:
    """Start with `with GrafanaServer() as g:` (or `start()` / `stop()`); state is reachable as `g.state`.

    `version` picks the Grafana played (versions.py): "11.6.0" (default), "12.4.4", "13.0.2", "13.1.0", ...
    `unified_search` (default: on for 13.x) proxies /api/search through the search resource (13§4.2);
    `dynamic_dashboards` (default: on for 13.x) makes `ui_save` store schema v2 (13§2, 13§3.3)."""

    def __init__(self, latency: float = 0.0, version: str = "11.6.0", *, unified_search: bool | None = None,
                 dynamic_dashboards: bool | None = None) -> None:
        self.state = GrafanaState(version, unified_search=unified_search, dynamic_dashboards=dynamic_dashboards)
        self.apis = ResourceAPI(self.state)
        self.latency = latency
        self.version = version
        self.requests: Counter[tuple[str, str]] = Counter()
        self.faults: list[Fault] = []
        self.hooks: list[tuple[str, str, Callable[[], None]]] = []
        # Called for each request no fault in `faults` matched: may sleep, and may return a Fault for it.
        self.chaos: Callable[[str, str], Fault | None] | None = None
        # §1.1: service-account tokens (Bearer) and basic-auth users; the role decides writes (§1.4).
        self.tokens: dict[str, tuple[str, str]] = {ADMIN_TOKEN: ("sa-graf", "Admin"),
                                                   VIEWER_TOKEN: ("sa-viewer", "Viewer")}
        self.users: dict[str, tuple[str, str]] = {"admin": ("admin", "Admin"), "alice": ("alice", "Editor")}
        self._lock = threading.Lock()
        self._httpd: _Server | None = None
        self._thread: threading.Thread | None = None

    # ------------------------------------------------------------------ lifecycle

    def start(self) -> GrafanaServer:
        server = self

        class Handler(_Handler):
            grafana = server

        self._httpd = _Server(("127.0.0.1", 0), Handler)
        self._thread = threading.Thread(target=self._httpd.serve_forever, args=(0.05,), name="grafana-test-server",
                                        daemon=True)
        self._thread.start()
        return self

    def stop(self) -> None:
        if self._httpd is not None:
            self._httpd.shutdown()
            self._httpd.server_close()
            self._httpd = None

    def __enter__(self) -> GrafanaServer:
        return self.start()

    def __exit__(self, *exc: object) -> None:
        self.stop()

    @property
    def port(self) -> int:
        assert self._httpd is not None, "server not started"
        return self._httpd.server_address[1]

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self.port}"

    token = ADMIN_TOKEN

    # ------------------------------------------------------------------ what tests use

    def writes(self) -> Counter[tuple[str, str]]:
        with self._lock:
            return Counter({k: n for k, n in self.requests.items() if k[0] not in ("GET", "HEAD")})

    def count(self, method: str | None = None, prefix: str = "") -> int:
        with self._lock:
            return sum(n for (m, p), n in self.requests.items() if (method is None or m == method)
                       and p.startswith(prefix))

    def counts_by_kind(self, method: str | None = None) -> Counter[str]:
        """Requests per kind of resource (`kind_of`), legacy and /apis paths counted together."""
        with self._lock:
            out: Counter[str] = Counter()
            for (m, p), n in self.requests.items():
                if method is None or m == method:
                    out[kind_of(p)] += n
            return out

    def count_kind(self, kind: str, method: str | None = None) -> int:
        return self.counts_by_kind(method)[kind]

    def reset_counts(self) -> None:
        with self._lock:
            self.requests.clear()

    def fail(self, method: str, path: str, *, status: int | None = 503, times: int = 1, delay: float = 0.0,
             after: bool = False) -> None:
        """The next `times` matching requests get `status` (None: the connection is dropped unanswered).
        With `after`, each is carried out first, so the write lands and only its answer is lost."""
        with self._lock:
            self.faults.append(Fault(method, path, status, times, delay, after))

    def before(self, method: str, path: str, action: Callable[[], None]) -> None:
        """Run `action` once, just before the next matching request is handled (e.g. a UI save racing graf)."""
        with self._lock:
            self.hooks.append((method, path, action))

    def ui_save(self, uid: str, change: Callable[[JSON], None], *, user: str = "alice", keep_unknown: bool = True,
                message: str = "", as_v2: bool | None = None) -> JSON:
        """Save dashboard `uid` the way the UI does: load it, change it, POST it back with its version,
        as another user (basic auth). `keep_unknown=False` drops top-level keys the UI model does not know.

        With dynamic dashboards (`as_v2`, default: the server's setting, on for 13.x) the UI loads the
        dashboard as schema v2 through /apis, `change` edits the v2 spec (title, description, tags... have the
        same keys as classic) and it is PUT back as v2 with its resourceVersion (13§3.3): the dashboard is
        stored as v2, and every field v2 has no place for is gone (13§3.4), whatever `keep_unknown` says.
        Raises UiRefused where the UI offers only "save as copy" (13§5 UI)."""
        import urllib.request

        auth = "Basic " + base64.b64encode(f"{user}:{user}".encode()).decode()

        def call(method: str, path: str, body: Any = None) -> Any:
            data = json.dumps(body).encode() if body is not None else None
            req = urllib.request.Request(self.url + path, data=data, method=method,
                                         headers={"Authorization": auth, "Content-Type": "application/json"})
            with urllib.request.urlopen(req, timeout=5) as resp:
                return json.loads(resp.read() or b"null")

        if self.state.dynamic_dashboards if as_v2 is None else as_v2:
            path = (f"/apis/{DASHBOARD_GROUP}/{self.state.version.dashboard_v2}/namespaces/default/dashboards/"
                    f"{uid}")
            resource = call("GET", path)
            annotations = resource["metadata"]["annotations"]
            UiRefused.check(uid, annotations)
            change(resource["spec"])
            annotations.pop("grafana.app/message", None)
            if message:
                annotations["grafana.app/message"] = message
            resource.pop("status", None)
            answer: JSON = call("PUT", path, resource)
            return answer
        loaded = call("GET", f"/api/dashboards/uid/{uid}")
        dashboard = loaded["dashboard"]
        if not keep_unknown:
            dashboard = {k: v for k, v in dashboard.items() if k in _UI_MODEL_KEYS}
        change(dashboard)
        return call("POST", "/api/dashboards/db", {"dashboard": dashboard, "folderUid": loaded["meta"]["folderUid"],
                                                   "message": message, "overwrite": False})

    def provision_dashboard(self, uid: str, title: str, folder_uid: str = "") -> None:
        """A dashboard from a file provider with allowUiUpdates: false (§3.4 meta.provisioned)."""
        status, _ = self.state.dashboard_save({"dashboard": {"uid": uid, "title": title, "panels": []},
                                               "folderUid": folder_uid}, "admin")
        assert status == 200
        self.state.dashboards[uid].provisioned = True
        if self.state.version.has_apis:
            # 13§5 Kinds: file provisioning's manager kind is classic-file-provisioning (deprecated); that 12.x+
            # shows it on file-provisioned dashboards, with the file as identity, is [inference].
            self.state.dashboards[uid].annotations.update({"grafana.app/managedBy": "classic-file-provisioning",
                                                           "grafana.app/managerId": f"{uid}.json"})

    def provision_datasource(self, body: JSON) -> None:
        """A datasource provisioned from a file with `editable: false`: readOnly in the API (§5, §8)."""
        status, _ = self.state.datasource_create(body)
        assert status == 200, body
        self.state.datasources[body["uid"]].read_only = True

    # ------------------------------------------------------------------ internals

    def _take_fault(self, method: str, path: str) -> Fault | None:
        with self._lock:
            for fault in self.faults:
                if fault.matches(method, path) and fault.times > 0:
                    fault.times -= 1
                    return fault
        return self.chaos(method, path) if self.chaos is not None else None

    def _count(self, method: str, path: str) -> None:
        with self._lock:
            self.requests[(method, path)] += 1


def kind_of(path: str) -> str:
    """The kind of resource a request path is about: dashboards, folders, datasources, search, alert-rules,
    rule-groups, contact-points, policies, discovery (/api/health, /apis documents), or other."""
    if path.startswith("/apis/"):
        parts = path.split("/")
        return parts[6] if len(parts) > 6 else "discovery"  # /apis/<group>/<version>/namespaces/<ns>/<resource>
    for prefix, kind in (("/api/dashboards", "dashboards"), ("/api/folders", "folders"),
                         ("/api/datasources", "datasources"), ("/api/search", "search"),
                         ("/api/v1/provisioning/alert-rules", "alert-rules"),
                         ("/api/v1/provisioning/folder/", "rule-groups"),
                         ("/api/v1/provisioning/contact-points", "contact-points"),
                         ("/api/v1/provisioning/policies", "policies")):
        if path.startswith(prefix):
            return kind
    return "discovery" if path in ("/api/health", "/apis") else "other"


# Top-level keys of the dashboard save model the frontend writes (a UI save drops others).
_UI_MODEL_KEYS = {"id", "uid", "title", "description", "tags", "timezone", "editable", "graphTooltip", "panels",
                  "time", "timepicker", "templating", "annotations", "refresh", "schemaVersion", "version", "links",
                  "fiscalYearStartMonth", "liveNow", "weekStart"}


class _Handler(BaseHTTPRequestHandler):
    grafana: GrafanaServer
    protocol_version = "HTTP/1.1"  # keep-alive, as Grafana's Go server
    # Go's net/http sets TCP_NODELAY; without it, headers and body in two segments meet the client's
    # delayed ACK and every answer waits ~40 ms.
    disable_nagle_algorithm = True

    def log_message(self, format: str, *args: Any) -> None:  # quiet
        pass

    def do_GET(self) -> None:
        self._handle("GET")

    def do_POST(self) -> None:
        self._handle("POST")

    def do_PUT(self) -> None:
        self._handle("PUT")

    def do_DELETE(self) -> None:
        self._handle("DELETE")

    def _handle(self, method: str) -> None:
        g = self.grafana
        split = urlsplit(self.path)
        path, query = unquote(split.path), parse_qs(split.query)
        length = int(self.headers.get("Content-Length") or 0)
        raw = self.rfile.read(length) if length else b""
        g._count(method, path)
        with g._lock:
            hook = next((h for h in g.hooks if h[0] == method and h[1] == path), None)
            if hook is not None:
                g.hooks.remove(hook)
        if hook is not None:
            hook[2]()
        if g.latency:
            time.sleep(g.latency)
        fault = g._take_fault(method, path)
        if fault is not None and fault.after:
            with contextlib.suppress(ValueError):
                self._route(method, path, query, json.loads(raw) if raw else None)
        if fault is not None:
            if fault.delay:
                time.sleep(fault.delay)
            if fault.status is None:
                self.close_connection = True
                with contextlib.suppress(OSError):
                    self.connection.shutdown(socket.SHUT_RDWR)
                return
            self._reply(fault.status, {"message": "injected failure"} if fault.status != 429 else
                        {"message": "Too Many Requests"})
            return
        try:
            body = json.loads(raw) if raw else None
        except ValueError:
            self._reply(400, {"message": "bad request data"})
            return
        status, answer = self._route(method, path, query, body)
        self._reply(status, answer)

    def _reply(self, status: int, body: Any) -> None:
        data = b"" if body is None else json.dumps(body).encode()
        self.send_response(status)
        if body is not None:
            self.send_header("Content-Type", "application/json; charset=UTF-8")
        self.send_header("Content-Length", str(len(data)))
        self.end_headers()
        if data:
            self.wfile.write(data)

    def _login(self) -> tuple[str, str] | Reply:
        """(login, role), or the 401 answer (§1.3)."""
        header = self.headers.get("Authorization") or ""
        g = self.grafana
        if header.startswith("Bearer "):
            found = g.tokens.get(header[7:])
            if found is None:
                # §1.1 / §1.3 pkg/services/authn/clients/api_key.go: errAPIKeyInvalid
                return 401, {"statusCode": 401, "messageId": "api-key.invalid", "message": "Invalid API key"}
            return found
        if header.startswith("Basic "):
            try:
                user, _, password = base64.b64decode(header[6:]).decode().partition(":")
            except ValueError:
                user, password = "", ""
            found = g.users.get(user)
            if found is None or password != user:  # test users' password is their login
                # §1.1 pkg/services/authn/clients/password.go (11.x+): 401 password-auth.failed
                return 401, {"statusCode": 401, "messageId": "password-auth.failed",
                             "message": "Invalid username or password"}
            return found
        # §1.3 authnimpl/service.go errCantAuthenticateReq via accesscontrol/middleware.go unauthorized()
        return 401, {"statusCode": 401, "messageId": "auth.unauthorized", "message": "Unauthorized"}

    def _route(self, method: str, path: str, query: dict[str, list[str]], body: Any) -> Reply:
        g, s = self.grafana, self.grafana.state
        if path == "/api/health" and method == "GET":
            # §2 pkg/api/http_server.go apiHealthHandler: no authentication.
            return 200, {"commit": "0000000", "database": "ok", "version": g.version}
        who = self._login()
        if isinstance(who[0], int):
            return who  # type: ignore[return-value]
        login, role = who  # type: ignore[misc]
        if method != "GET" and role == "Viewer":
            # §1.4 pkg/services/accesscontrol/middleware.go deny()
            return 403, {"title": "Access denied", "message": "You'll need additional permissions to perform this "
                         "action. Permissions needed: any of dashboards:create, dashboards:write",
                         "accessErrorId": "ACE0123456789"}
        # §6 determineProvenance: the header's presence (any value) means provenance none.
        provenance = "" if "X-Disable-Provenance" in self.headers else "api"
        with s.lock:
            answer = g.apis.handle(method, path, query, body, login)
            if answer is not None:
                return answer
            for pattern, verb, handler in _ROUTES:
                match = pattern.fullmatch(path)
                if match and verb == method:
                    return handler(s, match, query, body, login, provenance)
        return 404, {"message": "Not found"}


def _r(pattern: str) -> re.Pattern[str]:
    return re.compile(pattern.replace("{uid}", r"(?P<uid>[^/]+)"))


_ROUTES: list[tuple[re.Pattern[str], str, Callable[..., Reply]]] = [
    (_r("/api/search"), "GET", lambda s, m, q, b, u, p: s.search(q)),
    (_r("/api/dashboards/db"), "POST", lambda s, m, q, b, u, p: s.dashboard_save(b, u)),
    (_r("/api/dashboards/uid/{uid}"), "GET", lambda s, m, q, b, u, p: s.dashboard_get(m["uid"])),
    (_r("/api/dashboards/uid/{uid}"), "DELETE", lambda s, m, q, b, u, p: s.dashboard_delete(m["uid"])),
    (_r("/api/dashboards/uid/{uid}/versions"), "GET", lambda s, m, q, b, u, p: s.dashboard_versions(m["uid"])),
    (_r("/api/folders"), "GET", lambda s, m, q, b, u, p: s.folder_list()),
    (_r("/api/folders"), "POST", lambda s, m, q, b, u, p: s.folder_create(b, u)),
    (_r("/api/folders/{uid}"), "GET", lambda s, m, q, b, u, p: s.folder_get(m["uid"])),
    (_r("/api/folders/{uid}"), "PUT", lambda s, m, q, b, u, p: s.folder_update(m["uid"], b, u)),
    (_r("/api/folders/{uid}"), "DELETE", lambda s, m, q, b, u, p: s.folder_delete(m["uid"])),
    (_r("/api/datasources"), "GET", lambda s, m, q, b, u, p: s.datasource_list()),
    (_r("/api/datasources"), "POST", lambda s, m, q, b, u, p: s.datasource_create(b)),
    (_r("/api/datasources/uid/{uid}"), "GET", lambda s, m, q, b, u, p: s.datasource_get(m["uid"])),
    (_r("/api/datasources/uid/{uid}"), "PUT", lambda s, m, q, b, u, p: s.datasource_update(m["uid"], b)),
    (_r("/api/datasources/uid/{uid}"), "DELETE", lambda s, m, q, b, u, p: s.datasource_delete(m["uid"])),
    (_r("/api/v1/provisioning/alert-rules"), "GET", lambda s, m, q, b, u, p: s.rule_list()),
    (_r("/api/v1/provisioning/alert-rules"), "POST", lambda s, m, q, b, u, p: s.rule_write(None, b, p)),
    (_r("/api/v1/provisioning/alert-rules/{uid}"), "GET", lambda s, m, q, b, u, p: s.rule_get(m["uid"])),
    (_r("/api/v1/provisioning/alert-rules/{uid}"), "PUT", lambda s, m, q, b, u, p: s.rule_write(m["uid"], b, p)),
    (_r("/api/v1/provisioning/alert-rules/{uid}"), "DELETE", lambda s, m, q, b, u, p: s.rule_delete(m["uid"], p)),
    (_r("/api/v1/provisioning/folder/{uid}/rule-groups/(?P<group>[^/]+)"), "GET",
     lambda s, m, q, b, u, p: s.rule_group_get(m["uid"], m["group"])),
    (_r("/api/v1/provisioning/folder/{uid}/rule-groups/(?P<group>[^/]+)"), "PUT",
     lambda s, m, q, b, u, p: s.rule_group_put(m["uid"], m["group"], b, p)),
    (_r("/api/v1/provisioning/contact-points"), "GET",
     lambda s, m, q, b, u, p: s.contact_point_list((q.get("name") or [None])[0])),
    (_r("/api/v1/provisioning/contact-points"), "POST", lambda s, m, q, b, u, p: s.contact_point_write(None, b, p)),
    (_r("/api/v1/provisioning/contact-points/{uid}"), "PUT",
     lambda s, m, q, b, u, p: s.contact_point_write(m["uid"], b, p)),
    (_r("/api/v1/provisioning/contact-points/{uid}"), "DELETE",
     lambda s, m, q, b, u, p: s.contact_point_delete(m["uid"])),
    (_r("/api/v1/provisioning/policies"), "GET", lambda s, m, q, b, u, p: s.policy_get()),
    (_r("/api/v1/provisioning/policies"), "PUT", lambda s, m, q, b, u, p: s.policy_put(b, p)),
    (_r("/api/v1/provisioning/policies"), "DELETE", lambda s, m, q, b, u, p: s.policy_reset()),
]
