"""Talking to a server that misbehaves: redirects, answers that are not JSON, hung servers, URL passwords.

Each test is a case from issue 12 that graf 0.1.0 got wrong: a redirect turned POSTs into GETs (reported
applied) or re-sent credentials to another host; a 200 page that is not JSON crashed; a hung server blocked
a sync for 86 s; URL passwords were printed.
"""

from __future__ import annotations

import socket
import threading
import time
from collections.abc import Iterator
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

import pytest

from tests.grafana.conftest import Project
from tests.grafana_server import GrafanaServer

# Every safety property holds over both transports (direct, and niquests where a proxy is set).
pytestmark = pytest.mark.usefixtures("each_transport")


class _Recorder(ThreadingHTTPServer):
    """A server on 127.0.0.1 that answers every request with one fixed reply and records what it got."""

    daemon_threads = True

    def __init__(self, status: int, headers: dict[str, str], body: bytes) -> None:
        self.status, self.reply_headers, self.body = status, headers, body
        self.seen: list[tuple[str, str, str | None, bytes]] = []
        super().__init__(("127.0.0.1", 0), _RecordingHandler)
        self.thread = threading.Thread(target=self.serve_forever, daemon=True)
        self.thread.start()

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self.server_address[1]}"

    def handle_error(self, request: object, client_address: object) -> None:
        """graf hanging up on a reply it refuses is expected."""

    def close(self) -> None:
        self.shutdown()
        self.server_close()


class _RecordingHandler(BaseHTTPRequestHandler):
    server: _Recorder

    def log_message(self, format: str, *args: object) -> None:
        pass

    def _any(self) -> None:
        length = int(self.headers.get("Content-Length") or 0)
        body = self.rfile.read(length) if length else b""
        self.server.seen.append((self.command, self.path, self.headers.get("Authorization"), body))
        self.send_response(self.server.status)
        for name, value in self.server.reply_headers.items():
            self.send_header(name, value)
        self.send_header("Content-Length", str(len(self.server.body)))
        self.end_headers()
        self.wfile.write(self.server.body)

    do_GET = do_POST = do_PUT = do_DELETE = _any


@pytest.fixture
def recorder() -> Iterator[_Recorder]:
    catcher = _Recorder(200, {"Content-Type": "application/json"}, b"{}")
    try:
        yield catcher
    finally:
        catcher.close()


def _one_error_line(err: str) -> str:
    lines = [line for line in err.splitlines() if line.strip()]
    assert len(lines) == 1, err
    assert lines[0].startswith("error: ") and "Traceback" not in err
    return lines[0]


@pytest.mark.parametrize("status", [301, 302, 307, 308])
def test_a_redirect_is_an_error_naming_its_location_and_nothing_reaches_the_other_host(
        graf, monkeypatch, recorder: _Recorder, status: int) -> None:
    redirector = _Recorder(status, {"Location": recorder.url + "/api/x"}, b"")
    try:
        monkeypatch.setenv("GRAFANA_URL", redirector.url)
        run = graf("sync", "--env", "prod")
    finally:
        redirector.close()
    assert run.code == 1
    assert "applied" not in run.out.replace("0 applied", "")
    assert f"answered {status} redirecting to {recorder.url}/api/x" in run.out + run.err
    assert "does not follow redirects" in run.out + run.err
    assert recorder.seen == []  # neither the token nor a body went to the other host


def test_a_200_page_that_is_not_json_is_one_line(graf, monkeypatch) -> None:
    login_page = _Recorder(200, {"Content-Type": "text/html"}, b"<html>Sign in</html>")
    try:
        monkeypatch.setenv("GRAFANA_URL", login_page.url)
        run = graf("plan", "--env", "prod")
    finally:
        login_page.close()
    assert run.code == 1
    line = _one_error_line(run.err)
    assert "a body that is not" in line and "proxy or login page" in line


def test_a_write_counts_only_when_grafana_confirms_it(graf, monkeypatch) -> None:
    """A server that takes every request with `200 {}`-less answers: nothing is reported applied."""
    empty = _Recorder(200, {"Content-Type": "text/plain"}, b"ok")
    try:
        monkeypatch.setenv("GRAFANA_URL", empty.url)
        run = graf("sync", "--env", "prod")
    finally:
        empty.close()
    assert run.code == 1
    assert "Traceback" not in run.err
    assert " applied" not in run.out.replace("0 applied", "")


def test_a_url_password_is_never_printed(graf, monkeypatch) -> None:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        port = s.getsockname()[1]
    monkeypatch.setenv("GRAFANA_URL", f"http://admin:PASSWORD123@127.0.0.1:{port}")
    run = graf("sync", "--env", "prod")
    assert run.code == 1
    assert "PASSWORD123" not in run.out + run.err
    assert "admin:***@127.0.0.1" in run.err


def test_url_credentials_are_used_for_basic_auth(grafana: GrafanaServer, monkeypatch) -> None:
    from graf.config import Environment, Folder, GrafanaTarget
    from graf.grafana.client import connect

    monkeypatch.delenv("GRAFANA_TOKEN", raising=False)
    env = Environment("prod", "prod", GrafanaTarget(url=grafana.url.replace("http://", "http://admin:admin@")),
                      Folder("f", "F"), {})
    api = connect(env)
    try:
        assert api.creds.auth == ("admin", "admin") and "password=" not in repr(api.creds)
        assert api.url == grafana.url.replace("http://", "http://admin:***@")
        assert api.get("/folders", what="folders") == []  # the test server answers 401 without credentials
    finally:
        api.close()


@pytest.mark.parametrize("url", ["http://u:x@[::1", "http://127.0.0.1:99999", "127.0.0.1:3000", "ftp://h/",
                                 "http://", "http://h:port/"])
def test_malformed_urls_are_one_line(graf, url: str) -> None:
    run = graf("plan", "--env", "prod", "--url", url)
    assert run.code == 2
    line = _one_error_line(run.err)
    assert line.startswith("error: --url: not a")
    assert ":x@" not in line


def test_a_server_that_accepts_and_never_answers_costs_one_timeout(graf, project: Project, monkeypatch) -> None:
    project.write_config(timeout=0.5)
    hung = socket.socket()
    hung.bind(("127.0.0.1", 0))
    hung.listen(64)  # connections are accepted by the kernel and never answered
    try:
        monkeypatch.setenv("GRAFANA_URL", f"http://127.0.0.1:{hung.getsockname()[1]}")
        started = time.monotonic()
        run = graf("sync", "--env", "prod")
        took = time.monotonic() - started
    finally:
        hung.close()
    assert run.code == 1
    assert "did not answer within 0.5s" in run.out + run.err
    assert took < 5, f"a hung server held sync for {took:.1f}s"


def test_the_deadline_bounds_the_whole_run(graf, grafana: GrafanaServer, project: Project, monkeypatch) -> None:
    project.write_config(timeout=5)
    graf("sync", "--env", "prod", "--only", "folder")  # answered once: timeouts are now retried
    grafana.fail("GET", "*", status=200, times=1000, delay=3.0)
    monkeypatch.setenv("GRAF_DEADLINE", "1")
    started = time.monotonic()
    run = graf("plan", "--env", "prod")
    took = time.monotonic() - started
    assert run.code == 1
    assert "graf's deadline of 1s for talking to http://127.0.0.1:" in _one_error_line(run.err)
    assert took < 3, f"the run took {took:.1f}s with a 1s deadline"


def test_a_bad_deadline_is_a_config_error(graf, monkeypatch) -> None:
    monkeypatch.setenv("GRAF_DEADLINE", "soon")
    run = graf("plan", "--env", "prod")
    assert run.code == 2
    assert _one_error_line(run.err) == "error: GRAF_DEADLINE: not a positive number of seconds: 'soon'"
