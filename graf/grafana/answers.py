"""What Grafana's answers mean to graf: the one place HTTP statuses and transport errors become GrafanaErrors.

`mapped()` wraps every request of graf.grafana.client: the most specific error wins, with one line
naming the resource (or the server, for what is about the server) and what to do. `confirmed()`
accepts an answer only when it is what Grafana's API gives for the method, so a write counts only
when Grafana says it happened. `Retryable` marks what the client may try again.
"""

from __future__ import annotations

import json
import re
from collections.abc import Iterator, Mapping
from contextlib import contextmanager
from typing import TYPE_CHECKING, Any

import orjson

from graf.errors import (
    Conflict,
    Forbidden,
    GrafanaError,
    NotFound,
    ServerError,
    Unauthorized,
    Unreachable,
    WriteUncertain,
)
from graf.grafana.transport import ConnectionFailed, TimedOut, TLSFailed
from graf.jsoninput import has_digit_run
from graf.urls import redact

if TYPE_CHECKING:
    from graf.grafana.client import Grafana

IDEMPOTENT = frozenset({"GET", "HEAD", "PUT", "DELETE"})


class Redirected(Exception):
    """A 3xx answer: graf does not follow redirects on API calls."""

    def __init__(self, status: int, location: str) -> None:
        super().__init__(f"{status} to {location}")
        self.status = status
        self.location = location



class StatusError(Exception):
    """An answer with a 4xx or 5xx status; `response` is its body, decoded as JSON where it is JSON."""

    def __init__(self, status: int, response: Any) -> None:
        super().__init__(f"{status}")
        self.status = status
        self.response = response


class Retryable(Exception):
    def __init__(self, error: GrafanaError, *, timed_out: bool = False) -> None:
        super().__init__(error.one_line())
        self.error = error
        self.timed_out = timed_out

    def worth_retrying(self, grafana: Grafana) -> bool:
        """A read timeout from a server that never answered this run is a hung server: fail now."""
        return not self.timed_out or grafana._answered


def confirmed(grafana: Grafana, method: str, answer: Any, what: str) -> Any:
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
def mapped(grafana: Grafana, method: str, path: str, what: str) -> Iterator[None]:
    """Turn error statuses and transport errors (graf.grafana.transport) into one GrafanaError naming `what`
    (e.g. `dashboard/x`).

    What is about the server, not the resource (it cannot be reached, its TLS, the credentials, the run's
    deadline), names the server alone: the message carries its URL."""
    retry = method in IDEMPOTENT
    try:
        yield
    except Redirected as exc:
        where = redact(exc.location) if exc.location else "no Location"
        raise GrafanaError(what, f"Grafana at {grafana.url} answered {exc.status} redirecting to {where}; "
                                 "graf does not follow redirects on API calls",
                           "set grafana.url (or --url) to the address Grafana answers on") from None
    except StatusError as exc:
        raise _status_error(grafana, exc.status, exc.response, method, what, retry) from exc
    except TLSFailed as exc:
        raise Unreachable("", f"TLS error talking to {grafana.url}: {_short(exc)}",
                          "fix the certificate, or set grafana.verify_tls: false for a self-signed one") from exc
    except TimedOut as exc:
        error = Unreachable(what, f"Grafana at {grafana.url} did not answer within {grafana.timeout:g}s",
                            "raise grafana.timeout in graf.yaml, or check the server's load")
        if not retry and method == "POST":
            raise WriteUncertain(what, error.message, error.hint) from exc
        raise (Retryable(error, timed_out=True) if retry else error) from exc
    except ConnectionFailed as exc:
        error = Unreachable("", f"cannot reach Grafana at {grafana.url}: {_short(exc)}",
                            "check that Grafana runs, and grafana.url in graf.yaml (or --url / GRAFANA_URL)")
        if not retry and method == "POST" and grafana._answered:
            # The server was up a moment ago: the write may have landed before the connection dropped.
            raise WriteUncertain(what, error.message, error.hint) from exc
        raise (Retryable(error) if retry else error) from exc
    except ValueError as exc:  # a 2xx whose body is not JSON, or a body graf cannot encode as JSON
        raise GrafanaError(what, f"Grafana at {grafana.url} answered {method} with a body that is not JSON "
                                 "(a proxy or login page in front of Grafana?)",
                           "point grafana.url (or --url) at Grafana's own address") from exc


def _status_error(grafana: Grafana, status: int, response: Any, method: str, what: str,
                  retry: bool) -> Exception:
    text = _message(response)
    detail = f" ({status}: {text})" if text else f" ({status})"
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
        error: GrafanaError = ServerError(what, f"Grafana answered {status}{': ' + text if text else ''}"
                            + (f" after {grafana.retries} retries" if retry and grafana.retries else ""),
                            "check Grafana's logs and run graf sync again; it converges")
        return Retryable(error) if retry else error
    if status == 400 and "scheduler interval" in text:  # §6 ValidateRuleGroupInterval: Grafana's tick may exceed 10s
        return GrafanaError(what, f"Grafana refused the evaluation interval{detail}",
                            "set alerts.interval in graf.yaml to a multiple of that scheduler interval")
    return GrafanaError(what, f"Grafana refused the request{detail}", "fix the resource in code and run again")


def _short(exc: BaseException) -> str:
    """The innermost reason of a transport error, on one line, with no URL password in it."""
    text = re.sub(r"(//[^/@\s:]*):[^/@\s]*@", r"\1:***@", str(exc).replace("\n", " "))
    for marker in ("Connection refused", "certificate verify failed", "timed out", "Name or service not known",
                   "Remote end closed connection", "Connection reset", "Connection aborted", "wrong version number"):
        if marker.lower() in text.lower():
            return marker
    return text[:160]


def decoded(status: int, headers: Mapping[str, str], data: bytes) -> Any:
    """The body of an answer (`headers`' names in lower case) as grafana-client read it: a 3xx is `Redirected`,
    a 4xx or 5xx `StatusError`, a 204 None, a text/* body its text, an empty body "", anything else JSON (a body
    that is not JSON is a ValueError)."""
    if 300 <= status < 400:
        raise Redirected(status, headers.get("location") or "")
    if status >= 400:
        try:
            response: Any = json.loads(data)
        except ValueError:
            response = _text(headers, data)
        raise StatusError(status, response)
    if status == 204:
        return None
    if (headers.get("content-type") or "").startswith("text/"):
        return _text(headers, data)
    if not data:
        return ""
    return loads(data)


def loads(data: bytes) -> Any:
    """`json.loads(data)`, read by orjson where it gives the same: orjson refuses what only json.loads takes (NaN,
    1e400, a lone surrogate, a byte order mark, nesting past 1024 levels), and a run of 19 digits (an integer
    past 64 bits, which orjson reads as a float; or only text in a string) goes to json.loads."""
    if not has_digit_run(data):
        try:
            return orjson.loads(data)
        except orjson.JSONDecodeError:
            pass
    return json.loads(data)


def _text(headers: Mapping[str, str], data: bytes) -> str:
    found = re.search(r"charset=([\w-]+)", headers.get("content-type") or "", re.IGNORECASE)
    try:
        return data.decode(found[1] if found else "utf-8", "replace")
    except LookupError:  # a charset Python does not know
        return data.decode("utf-8", "replace")
