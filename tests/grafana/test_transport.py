"""graf.grafana.transport: which transport a URL gets, and keep-alive connections that the server closed.

The safety properties (no redirects, timeouts, the deadline, retries, error mapping, credentials only to
the named host) are tested over both transports in test_http_safety.py and test_errors.py.
"""

from __future__ import annotations

import contextlib
import gzip
import os
import socket
import subprocess
import sys
import threading
import time
from collections.abc import Iterator
from pathlib import Path

import pytest

from graf.grafana.client import Credentials, Grafana
from graf.grafana.transport import Direct, Proxied, transport_for

PROXY_VARIABLES = ("http_proxy", "https_proxy", "all_proxy", "no_proxy", "HTTP_PROXY", "HTTPS_PROXY", "ALL_PROXY",
                   "NO_PROXY", "REQUEST_METHOD")


@pytest.fixture
def no_proxy_set(monkeypatch: pytest.MonkeyPatch) -> None:
    for name in PROXY_VARIABLES:
        monkeypatch.delenv(name, raising=False)


@pytest.mark.usefixtures("no_proxy_set")
def test_direct_unless_the_environment_names_a_proxy_for_the_host(monkeypatch: pytest.MonkeyPatch) -> None:
    assert isinstance(transport_for("https://grafana.example:3000"), Direct)
    monkeypatch.setenv("HTTPS_PROXY", "http://127.0.0.1:9")
    assert isinstance(transport_for("https://grafana.example:3000"), Proxied)
    assert isinstance(transport_for("http://grafana.example:3000"), Direct)  # no proxy for http
    monkeypatch.setenv("NO_PROXY", "grafana.example")
    assert isinstance(transport_for("https://grafana.example:3000"), Direct)
    assert isinstance(transport_for("https://admin:secret@other.example"), Proxied)


class _OneAnswerPerConnection:
    """An HTTP/1.1 server on 127.0.0.1 that answers one request per connection as keep-alive (no
    `Connection: close`), then closes it: what a Grafana behind a proxy with a short idle timeout does."""

    def __init__(self, gzip: bool = False) -> None:
        self.gzip = gzip
        self.listener = socket.create_server(("127.0.0.1", 0))
        self.connections = 0
        self.requests: list[bytes] = []
        self.thread = threading.Thread(target=self._serve, daemon=True)
        self.thread.start()

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self.listener.getsockname()[1]}"

    def _serve(self) -> None:
        while True:
            try:
                conn, _ = self.listener.accept()
            except OSError:
                return
            with conn:
                self.connections += 1
                data = b""
                while b"\r\n\r\n" not in data:
                    chunk = conn.recv(65536)
                    if not chunk:
                        break
                    data += chunk
                head, _, body = data.partition(b"\r\n\r\n")
                length = next((int(line.split(b":")[1]) for line in head.split(b"\r\n")
                               if line.lower().startswith(b"content-length:")), 0)
                while len(body) < length:
                    body += conn.recv(65536)
                self.requests.append(head.split(b"\r\n")[0])
                answer = b'{"uid": "x", "status": "success"}'
                encoding = b""
                if self.gzip and b"accept-encoding: gzip" in head.lower():
                    answer, encoding = gzip.compress(answer), b"Content-Encoding: gzip\r\n"
                conn.sendall(b"HTTP/1.1 200 OK\r\nContent-Type: application/json\r\n%s"
                             b"Content-Length: %d\r\n\r\n%s" % (encoding, len(answer), answer))

    def close(self) -> None:
        """Stop serving: shutting the listener down wakes the thread blocked in accept(), so it ends and the
        port is free (a closed but still accepting listener would answer later tests' requests)."""
        with contextlib.suppress(OSError):
            self.listener.shutdown(socket.SHUT_RDWR)
        self.listener.close()
        self.thread.join(timeout=5)


@pytest.fixture
def closing_server() -> Iterator[_OneAnswerPerConnection]:
    server = _OneAnswerPerConnection()
    try:
        yield server
    finally:
        server.close()


@pytest.mark.usefixtures("no_proxy_set")
def test_a_connection_the_server_closed_while_idle_is_not_reused_for_a_write(
        closing_server: _OneAnswerPerConnection) -> None:
    """Sent on the closed socket, the POST would find the connection dropped and be WriteUncertain; graf sees the
    socket was closed and opens a new one, so the write is sent once and confirmed."""
    api = Grafana(closing_server.url, Credentials(token="t"), backoff=0.01)
    try:
        assert api.get("/folders/x", what="folder/x") == {"uid": "x", "status": "success"}
        time.sleep(0.1)  # the server has closed the connection by now
        assert api.post("/folders", {"uid": "x"}, what="folder/x") == {"uid": "x", "status": "success"}
    finally:
        api.close()
    assert closing_server.requests == [b"GET /api/folders/x HTTP/1.1", b"POST /api/folders HTTP/1.1"]
    assert closing_server.connections == 2


@pytest.mark.usefixtures("no_proxy_set")
def test_a_read_after_a_pause_checks_the_connection_first(closing_server: _OneAnswerPerConnection,
                                                          monkeypatch: pytest.MonkeyPatch) -> None:
    """A read right after another skips the check (and is retried if the server closed it); after a pause the
    closed connection is replaced before the read, so it is sent once."""
    monkeypatch.setattr("graf.grafana.transport._FRESH", 0.05)
    api = Grafana(closing_server.url, Credentials(token="t"), backoff=0.01)
    try:
        api.get("/folders/x", what="folder/x")
        time.sleep(0.2)
        api.get("/folders/x", what="folder/x")
    finally:
        api.close()
    assert api.requests == {"GET": 2} and closing_server.connections == 2


def test_a_sync_without_a_proxy_never_imports_an_http_client_library(tmp_path: Path) -> None:
    """The lean path is the one taken: a whole `graf sync` process loads neither niquests nor grafana-client."""
    from tests.grafana.conftest import Project
    from tests.grafana_server import ADMIN_TOKEN, GrafanaServer

    project = Project(tmp_path)
    project.write_config()
    project.add("shop-prod-api", "API")
    code = ("import sys\nfrom graf.cli import main\ntry:\n    main(sys.argv[1:])\nexcept SystemExit as exc:\n"
            "    print('exit', exc.code, sorted(m for m in ('niquests', 'grafana_client') if m in sys.modules))\n")
    environ = {k: v for k, v in os.environ.items() if k not in PROXY_VARIABLES}
    with GrafanaServer() as server:
        environ.update(GRAFANA_URL=server.url, GRAFANA_TOKEN=ADMIN_TOKEN)
        run = subprocess.run([sys.executable, "-c", code, "--config", str(project.config), "sync", "--env", "prod"],
                             env=environ, capture_output=True, text=True, timeout=60)
        assert sum(server.writes().values()) > 0  # it did sync
    assert run.stdout.splitlines()[-1] == "exit 0 []", run.stdout + run.stderr


@pytest.fixture
def self_signed(tmp_path: Path) -> Iterator[str]:
    """An HTTPS server on 127.0.0.1 with a self-signed certificate, answering every GET with `[]`."""
    import shutil
    import ssl
    from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

    openssl = shutil.which("openssl")
    if openssl is None:
        pytest.skip("openssl not installed (needed to make a test certificate)")
    key, cert = tmp_path / "key.pem", tmp_path / "cert.pem"
    subprocess.run([openssl, "req", "-x509", "-newkey", "ec", "-pkeyopt", "ec_paramgen_curve:prime256v1", "-nodes",
                    "-days", "1", "-subj", "/CN=127.0.0.1", "-addext", "subjectAltName=IP:127.0.0.1",
                    "-keyout", str(key), "-out", str(cert)], check=True, capture_output=True, timeout=60)

    class Answer(BaseHTTPRequestHandler):
        def log_message(self, format: str, *args: object) -> None:
            pass

        def do_GET(self) -> None:
            self.send_response(200)
            self.send_header("Content-Type", "application/json")
            self.send_header("Content-Length", "2")
            self.end_headers()
            self.wfile.write(b"[]")

    class Server(ThreadingHTTPServer):
        daemon_threads = True

        def handle_error(self, request: object, client_address: object) -> None:
            """graf hanging up on a certificate it refuses is expected."""

    server = Server(("127.0.0.1", 0), Answer)
    context = ssl.create_default_context(ssl.Purpose.CLIENT_AUTH)
    context.load_cert_chain(cert, key)
    server.socket = context.wrap_socket(server.socket, server_side=True)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        yield f"https://127.0.0.1:{server.server_address[1]}"
    finally:
        server.shutdown()
        server.server_close()


@pytest.mark.usefixtures("no_proxy_set")
def test_https_verifies_the_certificate_unless_verify_tls_is_off(self_signed: str) -> None:
    from graf.errors import Unreachable

    strict = Grafana(self_signed, Credentials(token="t"), backoff=0.01, retries=0)
    with pytest.raises(Unreachable, match=r"TLS error talking to https://127\.0\.0\.1:.*certificate verify failed"):
        strict.get("/folders", what="folders")
    strict.close()
    trusting = Grafana(self_signed, Credentials(token="t"), verify=False)
    assert trusting.get("/folders", what="folders") == []
    trusting.close()


@pytest.mark.usefixtures("no_proxy_set")
def test_a_gzip_answer_is_decompressed() -> None:
    server = _OneAnswerPerConnection(gzip=True)
    try:
        api = Grafana(server.url, Credentials(token="t"))
        assert api.get("/folders/x", what="folder/x") == {"uid": "x", "status": "success"}
        api.close()
    finally:
        server.close()
