"""The only module that imports grafana_client: connection, credentials, retries, error mapping.

`connect(project, env, url=None)` gives a `Grafana`, a small wrapper over grafana-client's
low-level `GrafanaClient` with one method per HTTP verb. Every request goes through
`_mapped()`, the one place where HTTP statuses and transport errors become `GrafanaError`s with
one line that names the resource and says what to do. Idempotent requests (GET, PUT, DELETE)
are retried with exponential backoff on 5xx, 429 and connection errors.

Each thread gets its own keep-alive session (grafana-client's niquests Session), so the bounded
pool in `graf.grafana.pool` reuses connections without sharing a session across threads.

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
"""

from __future__ import annotations

import os
import random
import re
import threading
import time
import warnings
from collections.abc import Iterator, Mapping
from contextlib import contextmanager
from dataclasses import dataclass, field
from typing import Any
from urllib.parse import urlparse

import niquests
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
    WriteUncertain,
)

IDEMPOTENT = frozenset({"GET", "HEAD", "PUT", "DELETE"})
DEFAULT_DEADLINE = 300.0  # seconds for all of a command's requests together; GRAF_DEADLINE overrides
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
    """`--url`, then GRAFANA_URL, then graf.yaml's `environments.<env>.grafana.url`.

    The URL may carry `user:password@` (basic auth, as grafana-client's `from_url` takes it); it is
    never shown: messages use `display_url`.
    """
    environ = os.environ if environ is None else environ
    chosen = (url or environ.get("GRAFANA_URL") or env.grafana.url).rstrip("/")
    where = ("--url" if url else "GRAFANA_URL" if environ.get("GRAFANA_URL") else
             f"environments.{env.name}.grafana.url")
    try:
        parsed = urlparse(chosen)
        hostname, _ = parsed.hostname, parsed.port  # .port raises ValueError on a bad port
    except ValueError as exc:
        raise ConfigError(where, f"not a valid URL: {display_url(chosen)!r} ({exc})") from None
    if parsed.scheme not in ("http", "https") or not hostname:
        raise ConfigError(where, f"not an http(s) URL: {display_url(chosen)!r}",
                          "write it as http://HOST:PORT or https://HOST")
    return chosen


def display_url(url: str) -> str:
    """`url` without the password of its `user:password@` part, for messages."""
    scheme, sep, rest = url.partition("://")
    if not sep:
        return url.split("@", 1)[-1] if "@" in url else url
    netloc, slash, path = rest.partition("/")
    if "@" in netloc:
        userinfo, _, host = netloc.rpartition("@")
        user = userinfo.split(":", 1)[0]
        netloc = f"{user}:***@{host}" if ":" in userinfo else f"{user}@{host}"
    return f"{scheme}{sep}{netloc}{slash}{path}"


def url_credentials(url: str) -> Credentials | None:
    """Basic-auth credentials written into the URL (`http://user:password@host`), if any."""
    parsed = urlparse(url)
    if parsed.username is None:
        return None
    from urllib.parse import unquote

    return Credentials(user=unquote(parsed.username), password=unquote(parsed.password or ""),
                       source="the URL's user:password")


class _Redirected(Exception):
    """A 3xx answer: graf does not follow redirects on API calls."""

    def __init__(self, status: int, location: str) -> None:
        super().__init__(f"{status} to {location}")
        self.status = status
        self.location = location


class _NoRedirectSession(niquests.Session):
    """grafana-client's session, except that a redirect is an error instead of being followed."""

    def request(self, method: Any, url: Any, *args: Any, **kwargs: Any) -> Any:  # type: ignore[override]
        kwargs["allow_redirects"] = False
        response = super().request(method, url, *args, **kwargs)
        if 300 <= (response.status_code or 0) < 400:
            raise _Redirected(response.status_code or 0, response.headers.get("Location", "") or "")
        return response


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
        self._local = threading.local()
        self._lock = threading.Lock()
        self._sessions: list[Any] = []
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
        for attempt in range(1, attempts + 1):
            client = self._client()
            client.timeout = self._timeout_now(what)
            cut_by_deadline = client.timeout < self.timeout
            self._count(method)
            try:
                with _mapped(self, method, path, what):
                    runner = getattr(client, method)
                    answer = runner(_below_api(path), json=json, params=dict(params) if params else None,
                                    headers=dict(headers) if headers else None, accept_empty_json=True)
                    self._answered = True
                    return _confirmed(self, method, answer, what)
            except _Retryable as exc:
                if exc.timed_out and cut_by_deadline:
                    raise self._past_deadline(what) from exc.__cause__
                pause = self.backoff * 2 ** (attempt - 1) * (1 + random.random() / 2)
                if attempt == attempts or not exc.worth_retrying(self) or not self._time_left(pause):
                    raise exc.error from exc.__cause__
                self._drop_session()
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
            parsed = urlparse(self.base_url)
            api = GrafanaApi(auth=self.creds.auth, host=parsed.hostname, port=parsed.port,
                             url_path_prefix=parsed.path.strip("/") + "/" if parsed.path.strip("/") else "",
                             protocol=parsed.scheme, verify=self.verify, timeout=self.timeout,
                             user_agent="graf", session_pool_size=2)
            client = self._local.client = api.client
            session = _NoRedirectSession(pool_maxsize=2)
            session.headers.update(client.s.headers)
            client.s.close()
            client.s = session
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



def _below_api(path: str) -> str:
    """grafana-client puts every path below `<url>/api`; a resource-API path (`/apis/...`) is written as the
    rest of it (`s/...`), so both APIs share one client, its sessions, retries and error mapping."""
    return path[len("/api"):] if path == "/apis" or path.startswith("/apis/") else path


class _Retryable(Exception):
    def __init__(self, error: GrafanaError, *, timed_out: bool = False) -> None:
        super().__init__(error.one_line())
        self.error = error
        self.timed_out = timed_out

    def worth_retrying(self, grafana: Grafana) -> bool:
        """A read timeout from a server that never answered this run is a hung server: fail now."""
        return not self.timed_out or grafana._answered


def _confirmed(grafana: Grafana, method: str, answer: Any, what: str) -> Any:
    """`answer` if it is what Grafana's API gives for `method`, else an error: a write counts only when confirmed."""
    if method == "GET" and isinstance(answer, (dict, list)):
        return answer
    if method in ("POST", "PUT") and isinstance(answer, dict):
        return answer
    if method == "DELETE" and (answer is None or answer == "" or isinstance(answer, dict)):
        return answer
    shown = "an empty body" if answer in (None, "") else "a body that is not a JSON object"
    raise GrafanaError(what, f"Grafana at {grafana.url} answered {method} with {shown}, so graf cannot tell "
                             "whether it worked (a proxy or login page in front of Grafana?)",
                       "point grafana.url (or --url) at Grafana's own address")


def _message(response: Any) -> str:
    if isinstance(response, dict):
        return str(response.get("message") or response.get("title") or "").strip()
    return str(response or "").strip()[:200]


@contextmanager
def _mapped(grafana: Grafana, method: str, path: str, what: str) -> Iterator[None]:
    """Turn grafana-client and transport errors into one GrafanaError naming `what` (e.g. `dashboard/x`).

    What is about the server, not the resource (it cannot be reached, its TLS, the credentials, the run's
    deadline), names the server alone: the message carries its URL."""
    retry = method in IDEMPOTENT
    try:
        yield
    except _Redirected as exc:
        where = display_url(exc.location) if exc.location else "no Location"
        raise GrafanaError(what, f"Grafana at {grafana.url} answered {exc.status} redirecting to {where}; "
                                 "graf does not follow redirects on API calls",
                           "set grafana.url (or --url) to the address Grafana answers on") from None
    except GrafanaTimeoutError as exc:
        error = Unreachable(what, f"Grafana at {grafana.url} did not answer within {grafana.timeout:g}s",
                            "raise grafana.timeout in graf.yaml, or check the server's load")
        if not retry and method == "POST":
            raise WriteUncertain(what, error.message, error.hint) from exc
        raise (_Retryable(error, timed_out=True) if retry else error) from exc
    except GrafanaException as exc:
        raise _status_error(grafana, exc.status_code, exc.response, method, what, retry) from exc
    except niquests.exceptions.SSLError as exc:
        raise Unreachable("", f"TLS error talking to {grafana.url}: {_short(exc)}",
                          "fix the certificate, or set grafana.verify_tls: false for a self-signed one") from exc
    except niquests.exceptions.Timeout as exc:
        error = Unreachable(what, f"Grafana at {grafana.url} did not answer within {grafana.timeout:g}s",
                            "raise grafana.timeout in graf.yaml, or check the server's load")
        if not retry and method == "POST":
            raise WriteUncertain(what, error.message, error.hint) from exc
        raise (_Retryable(error, timed_out=True) if retry else error) from exc
    except (niquests.exceptions.ConnectionError, ConnectionError) as exc:
        error = Unreachable("", f"cannot reach Grafana at {grafana.url}: {_short(exc)}",
                            "check that Grafana runs, and grafana.url in graf.yaml (or --url / GRAFANA_URL)")
        if not retry and method == "POST" and grafana._answered:
            # The server was up a moment ago: the write may have landed before the connection dropped.
            raise WriteUncertain(what, error.message, error.hint) from exc
        raise (_Retryable(error) if retry else error) from exc
    except ValueError as exc:  # a 2xx whose body is not JSON (niquests' JSONDecodeError is a ValueError)
        raise GrafanaError(what, f"Grafana at {grafana.url} answered {method} with a body that is not JSON "
                                 "(a proxy or login page in front of Grafana?)",
                           "point grafana.url (or --url) at Grafana's own address") from exc
    except niquests.exceptions.RequestException as exc:
        raise Unreachable(what, f"request to {grafana.url} failed: {_short(exc)}",
                          "check grafana.url in graf.yaml") from exc


def _status_error(grafana: Grafana, status: int, response: Any, method: str, what: str,
                  retry: bool) -> Exception:
    text = _message(response)
    detail = f" ({status}: {text})" if text else f" ({status})"
    if status == 0:
        text = _short_text(text)
        error: GrafanaError = Unreachable("", f"cannot reach Grafana at {grafana.url}: {text or 'connection failed'}",
                                          "check that Grafana runs and grafana.url")
        return _Retryable(error) if retry else error
    if status == 401:
        return Unauthorized("", f"Grafana at {grafana.url} rejected the credentials{detail}",
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
    # 13.1+ answers a stale dashboard save with 409 "Dashboard already exists. Use overwrite flag to update."
    # (grafana-13-api.md §3.2): a save by someone else, not a clash with another resource.
    stale = "overwrite flag" in text.lower() or "has been modified" in text.lower()
    if status in (409, 412) and "already exists" in text.lower() and not stale:
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


def _short_text(text: str) -> str:
    return _short(Exception(text))


def _short(exc: BaseException) -> str:
    """The innermost reason of a transport error, on one line, with no URL password in it."""
    text = re.sub(r"(//[^/@\s:]*):[^/@\s]*@", r"\1:***@", str(exc).replace("\n", " "))
    for marker in ("Connection refused", "certificate verify failed", "timed out", "Name or service not known",
                   "Remote end closed connection", "Connection reset", "Connection aborted", "wrong version number"):
        if marker.lower() in text.lower():
            return marker
    return text[:160]


def _deadline_from(environ: Mapping[str, str]) -> float:
    text = environ.get("GRAF_DEADLINE", "")
    if not text:
        return DEFAULT_DEADLINE
    try:
        value = float(text)
    except ValueError:
        value = -1.0
    if not value > 0 or value == float("inf"):
        raise ConfigError("GRAF_DEADLINE", f"not a positive number of seconds: {text[:40]!r}")
    return value


def connect(env: Environment, *, url: str | None = None, notifications_editable: bool | None = None,
            deadline: float | None = None) -> Grafana:
    """A `Grafana` for one environment: URL and credentials resolved, nothing sent yet.

    `notifications_editable`: whether shared contact points and the policy tree are written editable in
    the UI (default: like the environment's rules). `deadline`: seconds all requests of the run may take.
    """
    chosen = grafana_url(env, url)
    if deadline is None:
        deadline = _deadline_from(os.environ)
    creds = credentials(env)
    if creds.auth is None:
        creds = url_credentials(chosen) or creds
    return Grafana(chosen, creds, verify=env.grafana.verify_tls,
                   timeout=env.grafana.timeout, retries=RETRIES, backoff=BACKOFF,
                   disable_provenance=env.alerts.editable_in_ui,
                   disable_notification_provenance=notifications_editable, deadline=deadline)
