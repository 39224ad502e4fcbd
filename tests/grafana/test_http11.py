"""graf.grafana.http11: the answers it reads (lengths, chunks, the end of the connection, 1xx) and the ones it refuses.

Every answer the test Grafana gives goes through it in the rest of tests/grafana; these are the shapes that
server never sends, written byte for byte by a scripted server.
"""

from __future__ import annotations

import contextlib
import socket
import threading
from collections.abc import Iterator

import pytest

from graf.grafana.http11 import BadAnswer, Closed, Connection


class _Scripted:
    """A server on 127.0.0.1 that reads each request and writes the next scripted answer: (its bytes, whether
    the connection is closed after it)."""

    def __init__(self, answers: list[tuple[bytes, bool]]) -> None:
        self.answers = answers
        self.requests: list[bytes] = []
        self.listener = socket.create_server(("127.0.0.1", 0))
        self.thread = threading.Thread(target=self._serve, daemon=True)
        self.thread.start()

    @property
    def port(self) -> int:
        return int(self.listener.getsockname()[1])

    def _serve(self) -> None:
        while self.answers:
            try:
                conn, _ = self.listener.accept()
            except OSError:
                return
            with conn:
                data = b""
                while self.answers:
                    while b"\r\n\r\n" not in data:
                        chunk = conn.recv(65536)
                        if not chunk:
                            break
                        data += chunk
                    if b"\r\n\r\n" not in data:
                        break
                    head, _, data = data.partition(b"\r\n\r\n")
                    length = next((int(line.split(b":")[1]) for line in head.split(b"\r\n")
                                   if line.lower().startswith(b"content-length:")), 0)
                    while len(data) < length:
                        data += conn.recv(65536)
                    self.requests.append(head + b"\r\n\r\n" + data[:length])
                    data = data[length:]
                    answer, close = self.answers.pop(0)
                    conn.sendall(answer)
                    if close:
                        break

    def close(self) -> None:
        """Stop serving: shutting the listener down wakes the thread blocked in accept(), so it ends and the
        port is free (a closed but still accepting listener would answer later tests' requests)."""
        with contextlib.suppress(OSError):
            self.listener.shutdown(socket.SHUT_RDWR)
        self.listener.close()
        self.thread.join(timeout=5)


@pytest.fixture
def script() -> Iterator[list[_Scripted]]:
    made: list[_Scripted] = []
    yield made
    for server in made:
        server.close()


def _connection(script: list[_Scripted], *answers: tuple[bytes, bool]) -> tuple[Connection, _Scripted]:
    server = _Scripted(list(answers))
    script.append(server)
    return Connection("127.0.0.1", server.port, timeout=5), server


def test_content_length_keep_alive_and_the_request_bytes(script: list[_Scripted]) -> None:
    first = b"HTTP/1.1 200 OK\r\nContent-Length: 2\r\nX-A: 1\r\nx-a: 2\r\n\r\n[]"
    connection, server = _connection(script, (first, False),
                                     (b"HTTP/1.1 201 Created\r\nContent-Length: 3\r\n\r\n{}\n", False))
    assert connection.request("GET", "/api/x?a=1", None, {"Authorization": "Bearer t"}) == (
        200, {"content-length": "2", "x-a": "1, 2"}, b"[]")
    assert connection.request("POST", "/api/y", b'{"a": 1}', {"Content-Type": "application/json"})[::2] == (
        201, b"{}\n")
    connection.close()
    assert server.requests == [
        f"GET /api/x?a=1 HTTP/1.1\r\nHost: 127.0.0.1:{server.port}\r\nAuthorization: Bearer t\r\n\r\n".encode(),
        f"POST /api/y HTTP/1.1\r\nHost: 127.0.0.1:{server.port}\r\nContent-Type: application/json\r\n"
        'Content-Length: 8\r\n\r\n{"a": 1}'.encode()]


def test_chunked_with_extensions_and_trailers(script: list[_Scripted]) -> None:
    body = b'4;ext=1\r\n{"a"\r\n5\r\n: 12}\r\n0\r\nX-Trailer: t\r\n\r\n'
    connection, _ = _connection(script, (b"HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\n" + body, False),
                                (b"HTTP/1.1 204 No Content\r\n\r\n", False))
    assert connection.request("GET", "/", None, {})[2] == b'{"a": 12}'
    assert connection.request("DELETE", "/", None, {})[::2] == (204, b"")  # the same connection, still in step
    connection.close()


def test_a_body_ended_by_the_connection_and_a_1xx_before_the_answer(script: list[_Scripted]) -> None:
    connection, _ = _connection(script, (b"HTTP/1.1 100 Continue\r\n\r\nHTTP/1.0 200 OK\r\n\r\nall of it", True))
    assert connection.request("GET", "/", None, {}) == (200, {}, b"all of it")
    assert connection.sock is None  # closed with the answer: the next request connects again


def test_connection_close_is_honoured(script: list[_Scripted]) -> None:
    connection, _ = _connection(script, (b"HTTP/1.1 200 OK\r\nConnection: close\r\nContent-Length: 2\r\n\r\n{}", True))
    assert connection.request("GET", "/", None, {})[2] == b"{}"
    assert connection.sock is None


@pytest.mark.parametrize(("answer", "error", "message"), [
    (b"", Closed, "Remote end closed connection without response"),
    (b"HTTP/1.1 200 OK\r\nContent-Length: 10\r\n\r\nshort", Closed, "after 5 of 10 bytes"),
    (b"SSH-2.0-OpenSSH_9.6\r\n\r\n", BadAnswer, "not an HTTP/1.x status line"),
    (b"HTTP/1.1 200 OK\r\nno colon here\r\n\r\n", BadAnswer, "not a header line"),
    (b"HTTP/1.1 200 OK\r\nContent-Length: -1\r\n\r\n", BadAnswer, "not a Content-Length"),
    (b"HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\nzz\r\n", BadAnswer, "not a chunk size"),
    (b"HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\n2\r\nabcd", BadAnswer, "does not end with CRLF"),
    (b"HTTP/1.1 200 OK\r\n" + b"X: y\r\n" * 50000, BadAnswer, "head longer than"),
])
def test_what_is_not_an_answer_is_one_error(script: list[_Scripted], answer: bytes, error: type[Exception],
                                            message: str) -> None:
    connection, _ = _connection(script, (answer, True))
    with pytest.raises(error, match=message):
        connection.request("GET", "/", None, {})
    connection.close()


@pytest.mark.parametrize(("target", "headers"), [("/a b", {}), ("/a", {"X": "a\r\nInjected: 1"}), ("/a\n", {})])
def test_a_request_that_would_split_is_refused_before_sending(script: list[_Scripted], target: str,
                                                              headers: dict[str, str]) -> None:
    connection, server = _connection(script, (b"HTTP/1.1 200 OK\r\nContent-Length: 0\r\n\r\n", True))
    with pytest.raises(ValueError, match="control character or a space"):
        connection.request("GET", target, None, headers)
    connection.close()
    assert server.requests == []
