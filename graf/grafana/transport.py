"""How graf's requests travel to Grafana: one keep-alive connection per thread, bytes in, bytes out.

`transport_for(url, verify=...)` gives what `graf.grafana.client.Grafana` sends its requests through:
`send(method, target, body, headers, timeout) -> Raw` (status, headers and body bytes, nothing
interpreted) and `drop()` (close this thread's connection, after an error, so a broken socket is
never reused). A transport follows no redirect and interprets nothing (it only undoes gzip); whatever
goes wrong on the way is one of three errors, which graf.grafana.answers maps: `TimedOut`, `TLSFailed`,
`ConnectionFailed`.

Two transports, one behaviour:
- `Direct` (the usual case): the standard library's http.client, one connection per pool thread.
  A GET costs a fraction of what a full HTTP client's machinery does per request, which is most of a
  no-op sync's CPU once a few hundred dashboards are read (bench/whole_sync.py).
- `Proxied`: niquests, only when a proxy from the environment (HTTPS_PROXY, HTTP_PROXY, NO_PROXY)
  applies to Grafana's host, so graf goes through the proxy as it always did.
"""

from __future__ import annotations

import http.client
import select
import socket
import ssl
import threading
import time
import urllib.request
import zlib
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any, Generic, Protocol, TypeVar
from urllib.parse import urlsplit

__all__ = ["ConnectionFailed", "Direct", "Proxied", "Raw", "TLSFailed", "TimedOut", "Transport", "transport_for"]


class TransportError(Exception):
    """The request got no HTTP answer; the message is the lower layer's reason."""


class TimedOut(TransportError):
    """No answer within the timeout (connecting or waiting for the answer)."""


class TLSFailed(TransportError):
    """The TLS handshake failed: a certificate that does not verify, or no TLS at the other end."""


class ConnectionFailed(TransportError):
    """No connection, or it broke before a whole answer came back (refused, reset, unknown host, bad reply)."""


@dataclass(frozen=True)
class Raw:
    """One HTTP answer as it came: status, headers (names in lower case) and the body's bytes."""

    status: int
    headers: Mapping[str, str]
    data: bytes


def _lower(headers: Any) -> dict[str, str]:
    return {str(name).lower(): str(value) for name, value in headers.items()}


class Transport(Protocol):
    def send(self, method: str, target: str, body: bytes | None, headers: Mapping[str, str],
             timeout: float) -> Raw: ...

    def drop(self) -> None: ...

    def close(self) -> None: ...


def transport_for(url: str, *, verify: bool = True) -> Transport:
    """`Proxied` when the environment names a proxy for `url`'s host, else `Direct`."""
    parts = urlsplit(url)
    proxies = urllib.request.getproxies()
    if parts.scheme in proxies and not urllib.request.proxy_bypass(parts.netloc.rpartition("@")[2]):
        return Proxied(url, verify=verify)
    return Direct(url, verify=verify)


_REPEATABLE = frozenset({"GET", "HEAD", "PUT", "DELETE"})  # what graf.grafana.client retries when it fails
_FRESH = 1.0  # seconds after its last request a connection is taken as open without asking the socket


class _Closable(Protocol):
    def close(self) -> None: ...


Held = TypeVar("Held", bound=_Closable)


class _PerThread(Generic[Held]):
    """One object per thread (a connection, a session), each closed by `drop` in its own thread or by
    `close_all` at the end; `local` keeps whatever else a transport tracks per thread."""

    def __init__(self) -> None:
        self.local = threading.local()
        self._lock = threading.Lock()
        self._open: list[Held] = []

    def get(self) -> Held | None:
        return getattr(self.local, "held", None)

    def keep(self, held: Held) -> Held:
        self.local.held = held
        with self._lock:
            self._open.append(held)
        return held

    def drop(self) -> None:
        held = self.get()
        if held is not None:
            self.local.held = None
            held.close()

    def close_all(self) -> None:
        with self._lock:
            opened, self._open = self._open, []
        for held in opened:
            held.close()
        self.local.held = None


class Direct:
    """http.client connections to `url`'s host, one per thread, kept alive between requests."""

    def __init__(self, url: str, *, verify: bool = True) -> None:
        parts = urlsplit(url)
        self.https = parts.scheme == "https"
        self.host = parts.hostname or ""
        self.port = parts.port
        self.prefix = parts.path.rstrip("/")  # Grafana served below a sub-path
        self._tls: ssl.SSLContext | None = None
        if self.https and verify:
            self._tls = _trusting()
        elif self.https:  # grafana.verify_tls: false, a decision for a self-signed certificate
            self._tls = ssl.create_default_context()
            self._tls.check_hostname = False
            self._tls.verify_mode = ssl.CERT_NONE
        self._connections: _PerThread[http.client.HTTPConnection] = _PerThread()

    def send(self, method: str, target: str, body: bytes | None, headers: Mapping[str, str],
             timeout: float) -> Raw:
        connection = self._connection(timeout, reused_ok=method in _REPEATABLE)
        try:
            # gzip where Grafana's [server] enable_gzip is on: a /apis list page shrinks ~10x on the wire
            connection.request(method, self.prefix + target, body=body,
                               headers={**headers, "Accept-Encoding": "gzip"})
            response = connection.getresponse()
            data = response.read()
        except BaseException as exc:
            self.drop()
            raise _failure(exc) from exc
        if response.will_close:
            self.drop()
        answer = _lower(response.headers)
        if answer.get("content-encoding", "").strip().lower() == "gzip":
            try:
                data = zlib.decompress(data, 16 + zlib.MAX_WBITS)
            except zlib.error as exc:
                raise ConnectionFailed(f"a gzip body that does not decompress ({exc})") from exc
        return Raw(response.status, answer, data)

    def _connection(self, timeout: float, *, reused_ok: bool) -> http.client.HTTPConnection:
        """This thread's connection; one the server closed while idle is replaced. That is checked before a
        request that must not be sent twice (a POST: sent on a closed connection it would be uncertain) and after
        a pause; a read right after the last one skips the check (a poll that shows across hundreds of reads),
        and is retried if the connection was closed all the same."""
        connection = self._connections.get()
        now = time.monotonic()
        if (connection is not None and connection.sock is not None
                and (not reused_ok or now - self._connections.local.used > _FRESH)
                and _closed_by_peer(connection.sock)):
            self.drop()
            connection = None
        self._connections.local.used = now
        if connection is None:
            if self._tls is not None:
                connection = http.client.HTTPSConnection(self.host, self.port, timeout=timeout, context=self._tls)
            else:
                connection = http.client.HTTPConnection(self.host, self.port, timeout=timeout)
            self._connections.keep(connection)
        if connection.timeout != timeout:  # the run's deadline cuts it near the end
            connection.timeout = timeout
            if connection.sock is not None:
                connection.sock.settimeout(timeout)
        return connection

    def drop(self) -> None:
        self._connections.drop()

    def close(self) -> None:
        self._connections.close_all()


def _trusting() -> ssl.SSLContext:
    """A TLS context trusting what graf trusted through niquests: the operating system's root certificates as
    wassima (a dependency of graf and of niquests) reads them, the macOS keychain and the Windows store included, on top
    of OpenSSL's default paths."""
    context = ssl.create_default_context()
    try:
        import wassima
    except ImportError:  # pragma: no cover - installed with niquests
        return context
    context.load_verify_locations(cadata=wassima.generate_ca_bundle())
    return context


def _closed_by_peer(sock: socket.socket) -> bool:
    """True when an idle kept-alive socket is readable: the server closed it (or sent what nobody asked for)."""
    try:
        poller = select.poll()
    except AttributeError:  # no poll() on Windows
        return bool(select.select([sock], [], [], 0)[0])
    poller.register(sock, select.POLLIN)
    return bool(poller.poll(0))


def _failure(exc: BaseException) -> BaseException:
    """The transport error for what http.client or the socket raised; anything else (Ctrl-C) as it is."""
    reason = str(exc) or type(exc).__name__
    if isinstance(exc, TimeoutError):  # socket.timeout
        return TimedOut(reason)
    if isinstance(exc, (ssl.SSLError, ssl.CertificateError)):
        return TLSFailed(reason)
    if isinstance(exc, (OSError, http.client.HTTPException)):
        return ConnectionFailed(reason)
    return exc


class Proxied:
    """niquests, which takes the proxy (and its credentials) from the environment; one session per thread."""

    def __init__(self, url: str, *, verify: bool = True) -> None:
        import warnings

        parts = urlsplit(url)
        host = parts.netloc.rpartition("@")[2]  # credentials go in the Authorization header only
        self.base = f"{parts.scheme}://{host}{parts.path.rstrip('/')}"
        self.verify = verify
        if not verify:  # a decision, not something to warn about per request
            warnings.filterwarnings("ignore", message="Unverified HTTPS request")
        self._sessions: _PerThread[Any] = _PerThread()

    def send(self, method: str, target: str, body: bytes | None, headers: Mapping[str, str],
             timeout: float) -> Raw:
        import niquests
        import niquests.exceptions as failed

        session = self._sessions.get()
        if session is None:
            session = self._sessions.keep(niquests.Session(pool_maxsize=2))
            session.headers.pop("User-Agent", None)
        try:
            response = session.request(method, self.base + target, data=body, headers=dict(headers),
                                       timeout=timeout, verify=self.verify, allow_redirects=False)
            data = response.content or b""
        except failed.SSLError as exc:
            self.drop()
            raise TLSFailed(str(exc)) from exc
        except failed.Timeout as exc:
            self.drop()
            raise TimedOut(str(exc)) from exc
        except (failed.RequestException, OSError) as exc:
            self.drop()
            raise ConnectionFailed(str(exc) or type(exc).__name__) from exc
        return Raw(response.status_code or 0, _lower(response.headers), data)

    def drop(self) -> None:
        self._sessions.drop()

    def close(self) -> None:
        self._sessions.close_all()
