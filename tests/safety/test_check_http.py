"""`graf check` against a Prometheus that misbehaves: redirects never carry the datasource's
credentials anywhere, odd answers are one line, a URL without a scheme is refused up front."""

from __future__ import annotations

import contextlib
import threading
from collections.abc import Iterator
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path

import pytest

from graf.check import PrometheusHTTP
from graf.config import Datasource, Secret
from graf.errors import GrafError, UsageError
from tests.safety.test_hostile_json import run_main


@contextlib.contextmanager
def server(status: int, body: bytes = b"", location: str = "") -> Iterator[tuple[str, list[str | None]]]:
    """A local server answering every request with `status`, `body` and `Location`; records the
    Authorization header of each request (None when there was none)."""
    seen: list[str | None] = []

    class Handler(BaseHTTPRequestHandler):
        def _answer(self) -> None:
            seen.append(self.headers.get("Authorization"))
            length = int(self.headers.get("Content-Length") or 0)
            self.rfile.read(length)
            self.send_response(status)
            if location:
                self.send_header("Location", location)
            self.send_header("Content-Length", str(len(body)))
            self.end_headers()
            self.wfile.write(body)

        do_GET = do_POST = _answer

        def log_message(self, *args: object) -> None:
            pass

    httpd = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
    threading.Thread(target=httpd.serve_forever, kwargs={"poll_interval": 0.05}, daemon=True).start()
    try:
        yield f"http://127.0.0.1:{httpd.server_address[1]}", seen
    finally:
        httpd.shutdown()
        httpd.server_close()


def _datasource(monkeypatch: pytest.MonkeyPatch) -> Datasource:
    monkeypatch.setenv("PROM_PW", "s3cret-pw")
    return Datasource("prometheus", "prometheus", "http://x", "P", basic_auth_user="u",
                      basic_auth_password=Secret("PROM_PW"))


SUCCESS = b'{"status": "success", "data": {"resultType": "vector", "result": [{"metric": {}, "value": [1, "1"]}]}}'


@pytest.mark.parametrize("status", [301, 302, 303, 307, 308])
def test_a_redirect_to_another_host_is_not_followed_and_credentials_stay_home(
        status: int, monkeypatch: pytest.MonkeyPatch) -> None:
    ds = _datasource(monkeypatch)
    with server(200, SUCCESS) as (elsewhere, elsewhere_seen), \
            server(status, location=f"{elsewhere}/api/v1/query") as (url, seen), \
            pytest.raises(GrafError) as caught:
        PrometheusHTTP(url, ds)("up", True)
    assert seen and seen[0] is not None  # the datasource's own server got the credentials
    assert elsewhere_seen == []  # the other one got nothing at all
    line = caught.value.one_line()
    assert f"HTTP {status}, a redirect to {elsewhere}/api/v1/query" in line
    assert "s3cret-pw" not in line and "\n" not in line


@pytest.mark.parametrize(("body", "expected"), [
    (b"<html>Grafana login</html>", "the answer is not Prometheus's JSON"),
    (b"", "the answer is not Prometheus's JSON"),
    (b"[1, 2, 3]", "not a Prometheus query result"),
    (b'{"status": "success", "data": []}', "data is not an object"),
    (b'{"status": "success", "data": {"resultType": "vector", "result": [1, 2]}}', "data.result is not a list"),
    (b'{"status": "success", "data": {"resultType": "vector", "result": {"a": 1}}}', "data.result is not a list"),
    (b'{"status": "success", "data": {"result": [], "result": []}}', "duplicate key 'result'"),
    (b"[" * 50_000, "nested deeper than"),
])
def test_a_200_that_is_not_a_query_result_is_one_line(body: bytes, expected: str) -> None:
    with server(200, body) as (url, _), pytest.raises(GrafError) as caught:
        PrometheusHTTP(url)("up", False)
    line = caught.value.one_line()
    assert expected in line and "\n" not in line and len(line) < 400


def test_a_long_error_from_the_server_is_bounded() -> None:
    body = b'{"status": "error", "errorType": "bad_data", "error": "' + b"x\\n" * 10_000 + b'"}'
    with server(400, body) as (url, _):
        answer = PrometheusHTTP(url)("up", False)
    assert answer.error.startswith("bad_data: x x x") and len(answer.error) <= 300


@pytest.mark.parametrize(("url", "expected"), [
    ("localhost:9090", "has no scheme"),
    ("127.0.0.1:9090", "has no scheme"),
    ("file:///etc/passwd", "not an http(s) URL: 'file:///etc/passwd' (scheme 'file')"),
    ("http://u:pw@[::1", "not a valid URL"),
])
def test_a_url_graf_cannot_use_is_refused_before_any_request(url: str, expected: str) -> None:
    with pytest.raises(UsageError) as caught:
        PrometheusHTTP(url)
    assert expected in caught.value.one_line() and "pw" not in caught.value.one_line()


def test_graf_check_on_a_redirecting_prometheus_is_one_line(
        example_project: Path, capsys: pytest.CaptureFixture[str]) -> None:
    with server(200, SUCCESS) as (elsewhere, elsewhere_seen), \
            server(302, location=f"{elsewhere}/") as (url, _):
        code, out, err = run_main(["-c", str(example_project), "check", "--env", "dev", "--prometheus",
                                   url.replace("http://", "http://u:pw@")], capsys)
    assert (code, out) == (1, "")
    assert err.count("\n") == 1 and "HTTP 302, a redirect to" in err and ":pw@" not in err
    assert "u:***@127.0.0.1" in err
    assert elsewhere_seen == []


def test_graf_check_with_a_url_without_scheme_is_one_line(example_project: Path,
                                                          capsys: pytest.CaptureFixture[str]) -> None:
    code, _, err = run_main(["-c", str(example_project), "check", "--env", "dev", "--prometheus",
                             "localhost:9090"], capsys)
    assert code == 2 and err == ("error: --prometheus: not an http(s) URL: 'localhost:9090' has no scheme "
                                 "(write it as http://localhost:9090 or https://localhost:9090)\n")


def test_userinfo_in_the_url_becomes_basic_auth_and_is_never_shown() -> None:
    with server(401, b"no") as (url, seen), pytest.raises(GrafError) as caught:
        PrometheusHTTP(url.replace("http://", "http://u:p%40ss@"))("up", False)
    assert seen == ["Basic dTpwQHNz"]  # base64 of u:p@ss
    assert "HTTP 401" in caught.value.one_line() and "p%40ss" not in caught.value.one_line()
