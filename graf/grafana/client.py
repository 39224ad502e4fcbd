"""The HTTP verbs graf speaks to Grafana: retries, the deadline, error mapping, what was sent.

Where graf connects and as whom (URL, credentials, deadline) is graf.grafana.connection; how the bytes
travel is graf.grafana.transport (one keep-alive connection per pool thread).

`connect(project, env, url=None)` gives a `Grafana`, with one method per HTTP verb. Every request
goes through `_mapped()`, the one place where HTTP statuses and transport errors become
`GrafanaError`s with one line that names the resource and says what to do. Idempotent requests
(GET, PUT, DELETE) are retried with exponential backoff on 5xx, 429 and connection errors.

What graf trusts in an answer:
- Redirects are never followed: a 3xx is an error naming its Location. Following one would turn a
  POST into a GET (nothing written, yet reported applied) or re-send credentials and resolved
  secrets to a host the user did not name.
- A GET must answer JSON and a write must answer a JSON object: a 200 login page of a proxy is an
  error, not an empty success.
- A POST whose connection drops may or may not have landed: that is `WriteUncertain`, so the
  caller reads back instead of retrying blindly or giving up on every other write.
- A run has one deadline (`deadline=` seconds for all requests together); a server that accepts
  connections but never answered anything is not retried on a read timeout.
- Credentials go only to the host of the URL graf was given: the transport connects to that host alone.
"""

from __future__ import annotations

import base64
import json as jsonlib
import os
import random
import threading
import time
from collections.abc import Mapping
from typing import Any
from urllib.parse import urlencode

from graf.config import Environment
from graf.errors import (
    NotFound,
    Unreachable,
)
from graf.grafana.answers import IDEMPOTENT, Retryable, confirmed, decoded, mapped
from graf.grafana.connection import (
    Credentials,
    credentials,
    deadline_from,
    display_url,
    grafana_url,
    url_credentials,
)
from graf.grafana.transport import Transport, transport_for

__all__ = ["Credentials", "Grafana", "connect", "credentials", "display_url", "grafana_url", "url_credentials"]

RETRIES = 3
BACKOFF = 0.2  # seconds before the first retry; doubles each time, plus up to 50% jitter


class Grafana:
    """One Grafana: verbs that map errors, retry idempotent requests and count what was sent."""

    def __init__(self, url: str, creds: Credentials, *, verify: bool = True, timeout: float = 10.0,
                 retries: int = RETRIES, backoff: float = BACKOFF, disable_provenance: bool = False,
                 disable_notification_provenance: bool | None = None, deadline: float | None = None) -> None:
        self.base_url = url.rstrip("/")
        self.url = display_url(self.base_url)  # what messages show: never the URL's password
        self.creds = creds
        # One budget for the whole run (seconds, from now); no request starts or waits past it.
        self.deadline_seconds = deadline
        self._deadline_at = None if deadline is None else time.monotonic() + deadline
        self._answered = False  # set once the server answered anything: only then is a read timeout retried
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
        self._lock = threading.Lock()
        self._transport: Transport = transport_for(self.base_url, verify=verify)
        self._headers = {"User-Agent": "graf", "Accept": "*/*", **_authorization(creds)}
        self.requests: dict[str, int] = {}

    # ------------------------------------------------------------------ verbs

    def get(self, path: str, *, what: str, params: Mapping[str, Any] | None = None,
            missing_ok: bool = False) -> Any:
        """GET `path` (below /api, or a full `/apis/...` path); with `missing_ok`, a 404 gives None."""
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
        target = _target(path, params)
        sent = {**self._headers, **(headers or {})}
        for attempt in range(1, attempts + 1):
            timeout = self._timeout_now(what)
            cut_by_deadline = timeout < self.timeout
            self._count(method)
            try:
                with mapped(self, method, path, what):
                    body = None
                    if json is not None:  # encoded as grafana-client did: compact-ish, ASCII, no NaN
                        body = jsonlib.dumps(json, allow_nan=False).encode()
                        sent["Content-Type"] = "application/json;charset=utf-8"
                    raw = self._transport.send(method, target, body, sent, timeout)
                    answer = decoded(raw.status, raw.headers, raw.data)
                    self._answered = True
                    return confirmed(self, method, answer, what)
            except Retryable as exc:
                if exc.timed_out and cut_by_deadline:
                    raise self._past_deadline(what) from exc.__cause__
                pause = self.backoff * 2 ** (attempt - 1) * (1 + random.random() / 2)
                if attempt == attempts or not exc.worth_retrying(self) or not self._time_left(pause):
                    raise exc.error from exc.__cause__
                self._transport.drop()
                time.sleep(pause)
        raise AssertionError("unreachable")  # pragma: no cover

    def _time_left(self, needed: float = 0.0) -> bool:
        return self._deadline_at is None or time.monotonic() + needed < self._deadline_at

    def _timeout_now(self, what: str) -> float:
        """The per-request timeout, cut to what is left of the run's deadline."""
        if self._deadline_at is None:
            return self.timeout
        left = self._deadline_at - time.monotonic()
        if left <= 0:
            raise self._past_deadline(what)
        return min(self.timeout, left)

    def _past_deadline(self, what: str) -> Unreachable:
        return Unreachable("", f"graf's deadline of {self.deadline_seconds:g}s for talking to {self.url} passed",
                           "raise it with GRAF_DEADLINE (seconds), or check the server's load")

    def close(self) -> None:
        """Close every thread's connection."""
        self._transport.close()

    # ------------------------------------------------------------------ internals

    def _count(self, method: str) -> None:
        with self._lock:
            self.requests[method] = self.requests.get(method, 0) + 1



def _target(path: str, params: Mapping[str, Any] | None) -> str:
    """The request target: `path` below `/api`, or a resource-API path (`/apis/...`) as it is, plus the query."""
    full = path if path == "/apis" or path.startswith("/apis/") else "/api" + path
    return f"{full}?{urlencode(params, doseq=True)}" if params else full


def _authorization(creds: Credentials) -> dict[str, str]:
    """The Authorization header for `creds` (a token as Bearer, a user and password as Basic), or none."""
    auth = creds.auth
    if auth is None:
        return {}
    if isinstance(auth, tuple):
        pair = f"{auth[0]}:{auth[1]}".encode()
        return {"Authorization": "Basic " + base64.b64encode(pair).decode("ascii")}
    return {"Authorization": f"Bearer {auth}"}


def connect(env: Environment, *, url: str | None = None, notifications_editable: bool | None = None,
            deadline: float | None = None) -> Grafana:
    """A `Grafana` for one environment: URL and credentials resolved, nothing sent yet.

    `notifications_editable`: whether shared contact points and the policy tree are written editable in
    the UI (default: like the environment's rules). `deadline`: seconds all requests of the run may take.
    """
    chosen = grafana_url(env, url)
    if deadline is None:
        deadline = deadline_from(os.environ)
    creds = credentials(env)
    if creds.auth is None:
        creds = url_credentials(chosen) or creds
    return Grafana(chosen, creds, verify=env.grafana.verify_tls,
                   timeout=env.grafana.timeout, retries=RETRIES, backoff=BACKOFF,
                   disable_provenance=env.alerts.editable_in_ui,
                   disable_notification_provenance=notifications_editable, deadline=deadline)
