"""One HTTP/1.1 connection: a request out, its answer back as status, headers and body bytes.

The part of http.client graf needs, without its per-answer cost (an email-parser pass over the headers, a
buffered file per answer): about a third of a millisecond of CPU per request, most of a no-op sync's
reads once the answers are in (bench/whole_sync.py). What it reads: a status line, header lines, and
a body delimited by Content-Length, chunked transfer coding, or the end of the connection; 1xx answers
are skipped. Anything else is `BadAnswer`. Timeouts are the socket's (each connect, send and receive).
"""

from __future__ import annotations

import socket
import ssl

__all__ = ["BadAnswer", "Closed", "Connection"]

MAX_HEAD = 256 * 1024  # bytes of status line and headers; a larger head is not an HTTP answer graf reads
_RECV = 65536  # per read while the length is unknown: below malloc's mmap threshold, so cheap to allocate
_RECV_LARGE = 1 << 20  # per read of a body of known length
_NO_BODY = frozenset({204, 304})


class BadAnswer(ConnectionError):
    """What came back is not an HTTP/1.x answer graf can read."""


class Closed(ConnectionError):
    """The server closed the connection before a whole answer came back."""


class Connection:
    """A keep-alive connection to one host; reconnects when the last answer closed it."""

    def __init__(self, host: str, port: int, *, tls: ssl.SSLContext | None = None, timeout: float = 10.0) -> None:
        self.host, self.port, self.tls, self.timeout = host, port, tls, timeout
        self.sock: socket.socket | None = None
        self._buffer = b""
        shown = f"[{host}]" if ":" in host else host  # an IPv6 address
        default = 443 if tls is not None else 80
        self._host_header = shown if port == default else f"{shown}:{port}"

    def set_timeout(self, timeout: float) -> None:
        if timeout != self.timeout:
            self.timeout = timeout
            if self.sock is not None:
                self.sock.settimeout(timeout)

    def close(self) -> None:
        sock, self.sock, self._buffer = self.sock, None, b""
        if sock is not None:
            sock.close()

    def request(self, method: str, target: str, body: bytes | None, headers: dict[str, str]
                ) -> tuple[int, dict[str, str], bytes]:
        """Send one request, read its answer: (status, headers with lower-case names, body)."""
        if self.sock is None:
            self._connect()
        assert self.sock is not None
        self.sock.sendall(_head(method, target, self._host_header, headers, body))
        while True:
            status, answer, keep = self._read_head()
            if not 100 <= status < 200:
                break
        data = b"" if method == "HEAD" or status in _NO_BODY else self._read_body(answer)
        if not keep:
            self.close()
        return status, answer, data

    # ------------------------------------------------------------------ internals

    def _connect(self) -> None:
        sock = socket.create_connection((self.host, self.port), timeout=self.timeout)
        try:
            sock.setsockopt(socket.IPPROTO_TCP, socket.TCP_NODELAY, 1)
            if self.tls is not None:
                sock = self.tls.wrap_socket(sock, server_hostname=self.host)
        except BaseException:
            sock.close()
            raise
        self.sock, self._buffer = sock, b""

    def _fill(self) -> bool:
        """Read more from the socket into the buffer; False at the end of the connection."""
        assert self.sock is not None
        chunk = self.sock.recv(_RECV)
        self._buffer += chunk
        return bool(chunk)

    def _read_head(self) -> tuple[int, dict[str, str], bool]:
        start = 0
        while (end := self._buffer.find(b"\r\n\r\n", start)) < 0:
            if len(self._buffer) > MAX_HEAD:
                raise BadAnswer(f"an answer's head longer than {MAX_HEAD} bytes")
            start = max(0, len(self._buffer) - 3)
            if not self._fill():
                raise Closed("Remote end closed connection without response" if not self._buffer else
                             "Remote end closed connection in the middle of an answer's head")
        lines = self._buffer[:end].decode("latin-1").split("\r\n")
        self._buffer = self._buffer[end + 4:]
        version, _, rest = lines[0].partition(" ")
        code = rest[:3]
        if not version.startswith("HTTP/1.") or not code.isdigit() or rest[3:4] not in ("", " "):
            raise BadAnswer(f"not an HTTP/1.x status line: {lines[0][:80]!r}")
        headers: dict[str, str] = {}
        for line in lines[1:]:
            name, colon, value = line.partition(":")
            if not colon or not name or name != name.strip():
                raise BadAnswer(f"not a header line: {line[:80]!r}")
            name, value = name.lower(), value.strip()
            headers[name] = f"{headers[name]}, {value}" if name in headers else value
        tokens = {t.strip().lower() for t in headers.get("connection", "").split(",")}
        keep = "keep-alive" in tokens if version == "HTTP/1.0" else "close" not in tokens
        return int(code), headers, keep

    def _read_body(self, headers: dict[str, str]) -> bytes:
        if "chunked" in headers.get("transfer-encoding", "").lower():
            return self._read_chunked()
        length = headers.get("content-length")
        if length is None:  # delimited by the end of the connection
            while self._fill():
                pass
            data, self._buffer = self._buffer, b""
            self.close()
            return data
        if not length.strip().isdigit():
            raise BadAnswer(f"not a Content-Length: {length[:40]!r}")
        return self._take(int(length))

    def _take(self, size: int) -> bytes:
        if len(self._buffer) < size:  # gathered in pieces and joined once: a list page is a megabyte or more
            assert self.sock is not None
            parts, have = [self._buffer], len(self._buffer)
            while have < size:
                chunk = self.sock.recv(min(size - have, _RECV_LARGE))
                if not chunk:
                    raise Closed(f"Remote end closed connection after {have} of {size} bytes")
                parts.append(chunk)
                have += len(chunk)
            self._buffer = b"".join(parts)
        if len(self._buffer) == size:
            data, self._buffer = self._buffer, b""
        else:
            data, self._buffer = self._buffer[:size], self._buffer[size:]
        return data

    def _line(self) -> bytes:
        while (end := self._buffer.find(b"\r\n")) < 0:
            if len(self._buffer) > MAX_HEAD:
                raise BadAnswer("a chunk-size line that does not end")
            if not self._fill():
                raise Closed("Remote end closed connection in the middle of a chunked body")
        line, self._buffer = self._buffer[:end], self._buffer[end + 2:]
        return line

    def _read_chunked(self) -> bytes:
        parts: list[bytes] = []
        while True:
            size_text = self._line().split(b";", 1)[0].strip()
            try:
                size = int(size_text, 16)
            except ValueError:
                raise BadAnswer(f"not a chunk size: {size_text[:40]!r}") from None
            if size == 0:
                while self._line():  # trailers, up to the empty line
                    pass
                return b"".join(parts)
            parts.append(self._take(size))
            if self._take(2) != b"\r\n":
                raise BadAnswer("a chunk that does not end with CRLF")


def _head(method: str, target: str, host: str, headers: dict[str, str], body: bytes | None) -> bytes:
    """The request's bytes; control characters in the target or a header would split the request (refused)."""
    lines = [f"{method} {target} HTTP/1.1", f"Host: {host}"]
    lines += [f"{name}: {value}" for name, value in headers.items()]
    if body is not None or method in ("POST", "PUT", "PATCH"):
        lines.append(f"Content-Length: {len(body or b'')}")
    if not all(line.isprintable() for line in lines) or " " in target:
        raise ValueError("a request target or header holds a control character or a space")
    return "\r\n".join(lines).encode("latin-1") + b"\r\n\r\n" + (body or b"")
