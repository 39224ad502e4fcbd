"""The only module that imports grafana_client: connection, credentials, retries, error mapping.

`connect(project, env, url=None)` gives a `Grafana`, a small wrapper over grafana-client's
low-level `GrafanaClient` with one method per HTTP verb. Every request goes through
`_mapped()`, the one place where HTTP statuses and transport errors become `GrafanaError`s with
one line that names the resource and says what to do. Idempotent requests (GET, PUT, DELETE)
are retried with exponential backoff on 5xx, 429 and connection errors.

Each thread gets its own keep-alive session (grafana-client's niquests Session), so the bounded
pool in `graf.grafana.pool` reuses connections without sharing a session across threads.
"""

from __future__ import annotations

import os
import random
import threading
import time
import warnings
from collections.abc import Iterator, Mapping
from contextlib import contextmanager
from dataclasses import dataclass, field
from typing import Any
from urllib.parse import urlparse

import niquests.exceptions
from grafana_client import GrafanaApi
from grafana_client.client import GrafanaException, GrafanaTimeoutError

from graf.config import Environment, Secret
from graf.errors import (
    ConfigError,
    Conflict,
    Forbidden,
    GrafanaError,
    NotFound,
    ServerError,
    Unauthorized,
    Unreachable,
)

IDEMPOTENT = frozenset({"GET", "HEAD", "PUT", "DELETE"})
RETRIES = 3
BACKOFF = 0.2  # seconds before the first retry; doubles each time, plus up to 50% jitter


@dataclass(frozen=True)
class Credentials:
    """How graf authenticates: a service-account token or basic auth. `repr` never shows a secret."""

    token: str | None = field(default=None, repr=False)
    user: str | None = None
    password: str | None = field(default=None, repr=False)
    source: str = ""

    @property
    def auth(self) -> str | tuple[str, str] | None:
        if self.token:
            return self.token
        if self.user is not None and self.password is not None:
            return (self.user, self.password)
        return None


def credentials(env: Environment, environ: Mapping[str, str] | None = None) -> Credentials:
    """GRAFANA_TOKEN, then GRAFANA_USER/GRAFANA_PASSWORD (grafana-client's names), then graf.yaml's ${VAR}s."""
    environ = os.environ if environ is None else environ
    if environ.get("GRAFANA_TOKEN"):
        return Credentials(token=environ["GRAFANA_TOKEN"], source="GRAFANA_TOKEN")
    if environ.get("GRAFANA_USER") and environ.get("GRAFANA_PASSWORD"):
        return Credentials(user=environ["GRAFANA_USER"], password=environ["GRAFANA_PASSWORD"],
                           source="GRAFANA_USER/GRAFANA_PASSWORD")
    target = env.grafana
    if target.token is not None:
        return Credentials(token=target.token.resolve(environ), source=str(target.token))
    if target.user is not None:
        password = target.password.resolve(environ) if isinstance(target.password, Secret) else None
        if password is None:
            raise ConfigError(f"environments.{env.name}.grafana.password", "a user needs a password",
                              "set grafana.password: ${VAR} or GRAFANA_PASSWORD")
        return Credentials(user=target.user, password=password, source=f"grafana.user {target.user}")
    return Credentials(source="anonymous")


def grafana_url(env: Environment, url: str | None = None, environ: Mapping[str, str] | None = None) -> str:
    """`--url`, then GRAFANA_URL, then graf.yaml's `environments.<env>.grafana.url`."""
    environ = os.environ if environ is None else environ
    chosen = (url or environ.get("GRAFANA_URL") or env.grafana.url).rstrip("/")
    parsed = urlparse(chosen)
    if parsed.scheme not in ("http", "https") or not parsed.hostname:
        raise ConfigError("--url" if url else "GRAFANA_URL" if environ.get("GRAFANA_URL") else
                          f"environments.{env.name}.grafana.url",
                          f"not an http(s) URL: {chosen!r}")
    return chosen


class Grafana:
    """One Grafana: verbs that map errors, retry idempotent requests and count what was sent."""

    def __init__(self, url: str, creds: Credentials, *, verify: bool = True, timeout: float = 10.0,
                 retries: int = RETRIES, backoff: float = BACKOFF, disable_provenance: bool = False,
                 disable_notification_provenance: bool | None = None) -> None:
        self.url = url.rstrip("/")
        self.creds = creds
        self.verify = verify
        self.timeout = timeout
        self.retries = retries
        self.backoff = backoff
        # alerts.editable_in_ui: alerting writes carry X-Disable-Provenance so the UI may edit them.
        self.disable_provenance = disable_provenance
        # Contact points and the policy tree are shared by every environment on this Grafana: editable only
        # when all of them are (graf.alerts.notifications.editable_in_ui).
        self.disable_notification_provenance = (disable_provenance if disable_notification_provenance is None
                                                else disable_notification_provenance)
        self._local = threading.local()
        self._lock = threading.Lock()
        self._sessions: list[Any] = []
        self.requests: dict[str, int] = {}

    # ------------------------------------------------------------------ verbs

    def get(self, path: str, *, what: str, params: Mapping[str, Any] | None = None,
            missing_ok: bool = False) -> Any:
        """GET `path` (below /api); with `missing_ok`, a 404 gives None instead of an error."""
        try:
            return self.request("GET", path, what=what, params=params)
        except NotFound:
            if missing_ok:
                return None
            raise

    def post(self, path: str, body: Any, *, what: str, headers: Mapping[str, str] | None = None) -> Any:
        return self.request("POST", path, what=what, json=body, headers=headers)

    def put(self, path: str, body: Any, *, what: str, headers: Mapping[str, str] | None = None) -> Any:
        return self.request("PUT", path, what=what, json=body, headers=headers)

    def delete(self, path: str, *, what: str, headers: Mapping[str, str] | None = None) -> Any:
        return self.request("DELETE", path, what=what, headers=headers)

    @property
    def provenance_headers(self) -> dict[str, str]:
        """Header for alerting writes: present (any value) means provenance none, editable in the UI."""
        return {"X-Disable-Provenance": "true"} if self.disable_provenance else {}

    @property
    def notification_provenance_headers(self) -> dict[str, str]:
        """The same header for contact-point and policy writes, which follow every environment on the Grafana."""
        return {"X-Disable-Provenance": "true"} if self.disable_notification_provenance else {}

    def request(self, method: str, path: str, *, what: str, json: Any = None,
                params: Mapping[str, Any] | None = None, headers: Mapping[str, str] | None = None) -> Any:
        attempts = 1 + (self.retries if method in IDEMPOTENT else 0)
        for attempt in range(1, attempts + 1):
            self._count(method)
            try:
                with _mapped(self, method, path, what):
                    runner = getattr(self._client(), method)
                    return runner(path, json=json, params=dict(params) if params else None,
                                  headers=dict(headers) if headers else None, accept_empty_json=True)
            except _Retryable as exc:
                if attempt == attempts:
                    raise exc.error from exc.__cause__
                self._drop_session()
                time.sleep(self.backoff * 2 ** (attempt - 1) * (1 + random.random() / 2))
        raise AssertionError("unreachable")  # pragma: no cover

    def close(self) -> None:
        """Close every thread's session."""
        with self._lock:
            sessions, self._sessions = self._sessions, []
        for session in sessions:
            session.close()
        self._local.client = None

    # ------------------------------------------------------------------ internals

    def _client(self) -> Any:
        client = getattr(self._local, "client", None)
        if client is None:
            if not self.verify:  # grafana.verify_tls: false is a decision, not something to warn about per request
                warnings.filterwarnings("ignore", message="Unverified HTTPS request")
            parsed = urlparse(self.url)
            api = GrafanaApi(auth=self.creds.auth, host=parsed.hostname, port=parsed.port,
                             url_path_prefix=parsed.path.strip("/") + "/" if parsed.path.strip("/") else "",
                             protocol=parsed.scheme, verify=self.verify, timeout=self.timeout,
                             user_agent="graf", session_pool_size=2)
            client = self._local.client = api.client
            with self._lock:
                self._sessions.append(client.s)
        return client

    def _drop_session(self) -> None:
        """After a dropped connection start a fresh session in this thread, so a dead socket is not reused."""
        client = getattr(self._local, "client", None)
        if client is not None:
            client.s.close()
            self._local.client = None

    def _count(self, method: str) -> None:
        with self._lock:
            self.requests[method] = self.requests.get(method, 0) + 1



class _Retryable(Exception):
    def __init__(self, error: GrafanaError) -> None:
        super().__init__(error.one_line())
        self.error = error


def _message(response: Any) -> str:
    if isinstance(response, dict):
        return str(response.get("message") or response.get("title") or "").strip()
    return str(response or "").strip()[:200]


@contextmanager
def _mapped(grafana: Grafana, method: str, path: str, what: str) -> Iterator[None]:
    """Turn grafana-client and transport errors into one GrafanaError naming `what` (e.g. `dashboard/x`)."""
    retry = method in IDEMPOTENT
    try:
        yield
    except GrafanaTimeoutError as exc:
        error = Unreachable(what, f"Grafana at {grafana.url} did not answer within {grafana.timeout:g}s",
                            "raise grafana.timeout in graf.yaml, or check the server's load")
        raise (_Retryable(error) if retry else error) from exc
    except GrafanaException as exc:
        raise _status_error(grafana, exc.status_code, exc.response, method, what, retry) from exc
    except niquests.exceptions.SSLError as exc:
        raise Unreachable(what, f"TLS error talking to {grafana.url}: {_short(exc)}",
                          "fix the certificate, or set grafana.verify_tls: false for a self-signed one") from exc
    except niquests.exceptions.Timeout as exc:
        error = Unreachable(what, f"Grafana at {grafana.url} did not answer within {grafana.timeout:g}s",
                            "raise grafana.timeout in graf.yaml, or check the server's load")
        raise (_Retryable(error) if retry else error) from exc
    except (niquests.exceptions.ConnectionError, ConnectionError) as exc:
        error = Unreachable(what, f"cannot reach Grafana at {grafana.url}: {_short(exc)}",
                            "check that Grafana runs, and grafana.url in graf.yaml (or --url / GRAFANA_URL)")
        raise (_Retryable(error) if retry else error) from exc
    except niquests.exceptions.RequestException as exc:
        raise Unreachable(what, f"request to {grafana.url} failed: {_short(exc)}",
                          "check grafana.url in graf.yaml") from exc


def _status_error(grafana: Grafana, status: int, response: Any, method: str, what: str,
                  retry: bool) -> Exception:
    text = _message(response)
    detail = f" ({status}: {text})" if text else f" ({status})"
    if status == 0:
        error: GrafanaError = Unreachable(what, f"cannot reach Grafana at {grafana.url}: {text or 'connection failed'}",
                                          "check that Grafana runs and grafana.url")
        return _Retryable(error) if retry else error
    if status == 401:
        return Unauthorized(what, f"Grafana at {grafana.url} rejected the credentials{detail}",
                            "set GRAFANA_TOKEN to a service-account token, or GRAFANA_USER and GRAFANA_PASSWORD")
    if status == 403:
        return Forbidden(what, f"permission denied{detail}",
                         "give graf's service account the Editor role (Admin for datasources and alerting)")
    if status == 404 or (status == 400 and text.lower() == "folder not found"):
        if text.lower() == "folder not found" and not what.startswith("folder/"):
            return NotFound(what, f"its folder does not exist in Grafana{detail}",
                            "sync the folder first (graf sync does folders first), or check folder.uid in graf.yaml")
        return NotFound(what, f"not found in Grafana{detail}", "run graf plan again; it may have been deleted")
    if status in (409, 412) and "provenance" in text.lower():
        return Conflict(what, f"Grafana refuses the write because of how it was provisioned{detail}",
                        "alerts.editable_in_ui must match how the resource was first written, or delete it in Grafana")
    if status in (409, 412) and "already exists" in text.lower():
        return Conflict(what, f"clashes with another resource in Grafana{detail}",
                        "give it another name or uid in code, or remove the other one in Grafana")
    if status in (409, 412):
        return Conflict(what, f"changed in Grafana by someone else while graf was writing{detail}",
                        "run graf plan to see the change; graf export keeps it, graf sync --force overwrites it")
    if status == 429 or status >= 500:
        error = ServerError(what, f"Grafana answered {status}{': ' + text if text else ''}"
                            + (f" after {grafana.retries} retries" if retry and grafana.retries else ""),
                            "check Grafana's logs and run graf sync again; it converges")
        return _Retryable(error) if retry else error
    if status == 400 and "scheduler interval" in text:  # §6 ValidateRuleGroupInterval: Grafana's tick may exceed 10s
        return GrafanaError(what, f"Grafana refused the evaluation interval{detail}",
                            "set alerts.interval in graf.yaml to a multiple of that scheduler interval")
    return GrafanaError(what, f"Grafana refused the request{detail}", "fix the resource in code and run again")


def _short(exc: BaseException) -> str:
    """The innermost reason of a transport error, on one line."""
    text = str(exc).replace("\n", " ")
    for marker in ("Connection refused", "certificate verify failed", "timed out", "Name or service not known",
                   "Remote end closed connection", "Connection reset", "Connection aborted", "wrong version number"):
        if marker.lower() in text.lower():
            return marker
    return text[:160]


def connect(env: Environment, *, url: str | None = None, notifications_editable: bool | None = None) -> Grafana:
    """A `Grafana` for one environment: URL and credentials resolved, nothing sent yet.

    `notifications_editable`: whether shared contact points and the policy tree are written editable in
    the UI (default: like the environment's rules).
    """
    return Grafana(grafana_url(env, url), credentials(env), verify=env.grafana.verify_tls,
                   timeout=env.grafana.timeout, retries=RETRIES, backoff=BACKOFF,
                   disable_provenance=env.alerts.editable_in_ui,
                   disable_notification_provenance=notifications_editable)
