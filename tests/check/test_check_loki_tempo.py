"""`graf check --loki URL --tempo URL` against a small fake Loki and Tempo on 127.0.0.1.

The fakes answer with the shapes of the real APIs: Loki's `/loki/api/v1/query_range` and
`/loki/api/v1/query` (`{"status": "success", "data": {"resultType": "streams"|"matrix", "result":
[...]}}`, a bad query HTTP 400 with the parse error as plain text), Tempo's `/api/search`
(`{"traces": [{"traceID", "rootServiceName", ...}], "metrics": {...}}`, HTTP 400 with the reason as
text). They hold data for prod only, so dev's panels come out empty; a query with unbalanced
brackets is a parse error. Prometheus is a fake too here (every query one series): its own check
is proven against a real one in test_check_prometheus.py.
"""

from __future__ import annotations

import contextlib
import json
import urllib.parse
from collections.abc import Iterator
from dataclasses import replace
from http.server import BaseHTTPRequestHandler
from typing import Any

import pytest

from graf._render import render
from graf.check import check
from graf.check_logs import LokiHTTP, TempoHTTP, loki_queries, tempo_queries
from graf.cli import main
from graf.config import load_project
from tests.conftest import EXAMPLE
from tests.serve import serving

TRACE_ID = "4bf92f3577b34da6a3ce929d0e0e4736"
NOW = 1_764_550_000.0


def _balanced(text: str) -> bool:
    depth = 0
    for c in text:
        depth += (c in "({[" and 1) or (-1 if c in ")}]" else 0)
        if depth < 0:
            return False
    return depth == 0


def _loki(path: str, params: dict[str, str]) -> tuple[int, Any]:
    query = params["query"]
    if not _balanced(query):
        return 400, f"parse error at line 1, col {len(query)}: syntax error: unexpected $end"
    prod = 'environment="prod"' in query
    if query.lstrip().startswith("{"):
        result = [{"stream": {"job": "app-logs", "environment": "prod", "level": "ERROR"},
                   "values": [[str(int(NOW * 1e9)), '{"level":"ERROR","traceId":"' + TRACE_ID + '"}']]}] if prod else []
        kind = "streams"
    elif path.endswith("/query"):
        result, kind = ([{"metric": {}, "value": [NOW, "4"]}] if prod else []), "vector"
    else:
        result, kind = ([{"metric": {"level": "ERROR"}, "values": [[NOW - 60, "1"], [NOW, "4"]]}] if prod else []), \
            "matrix"
    return 200, {"status": "success", "data": {"resultType": kind, "result": result,
                                               "stats": {"summary": {"totalEntriesReturned": len(result)}}}}


def _tempo(params: dict[str, str]) -> tuple[int, Any]:
    q = params["q"]
    if not _balanced(q):
        return 400, "invalid TraceQL query: parse error at line 1, col 2: syntax error: unexpected $end"
    traces = [{"traceID": TRACE_ID, "rootServiceName": "shop-api", "rootTraceName": "http post /orders",
               "startTimeUnixNano": str(int(NOW * 1e9)), "durationMs": 2100,
               "spanSets": [{"spans": [{"spanID": "00f067aa0ba902b7", "startTimeUnixNano": str(int(NOW * 1e9)),
                                        "durationNanos": "2100000000"}], "matched": 1}]}] if '"prod"' in q else []
    return 200, {"traces": traces, "metrics": {"inspectedBytes": "13744", "completedJobs": 1, "totalJobs": 1}}


@contextlib.contextmanager
def fake_backends(requests: list[tuple[str, dict[str, str]]]) -> Iterator[str]:
    """One 127.0.0.1 server answering Prometheus (POST), Loki and Tempo (GET) paths; yields its URL."""

    class Handler(BaseHTTPRequestHandler):
        def _answer(self, status: int, body: Any) -> None:
            data = (json.dumps(body) if not isinstance(body, str) else body).encode()
            self.send_response(status)
            self.send_header("Content-Type", "application/json" if not isinstance(body, str) else "text/plain")
            self.send_header("Content-Length", str(len(data)))
            self.end_headers()
            self.wfile.write(data)

        def do_GET(self) -> None:
            url = urllib.parse.urlsplit(self.path)
            params = dict(urllib.parse.parse_qsl(url.query))
            requests.append((url.path, params))
            if url.path in ("/loki/api/v1/query_range", "/loki/api/v1/query"):
                self._answer(*_loki(url.path, params))
            elif url.path == "/api/search":
                self._answer(*_tempo(params))
            else:
                self._answer(404, "404 page not found\n")

        def do_POST(self) -> None:  # Prometheus: every query has one series
            self.rfile.read(int(self.headers.get("Content-Length", 0)))
            self._answer(200, {"status": "success", "data": {"resultType": "vector", "result": [
                {"metric": {}, "value": [NOW, "1"]}]}})

        def log_message(self, *args: object) -> None:
            pass

    with serving(Handler) as address:
        yield f"http://{address}"


@pytest.fixture
def backends() -> Iterator[tuple[str, list[tuple[str, dict[str, str]]]]]:
    requests: list[tuple[str, dict[str, str]]] = []
    with fake_backends(requests) as url:
        yield url, requests


def test_every_loki_and_tempo_panel_of_prod_has_data(backends, capsys) -> None:
    url, requests = backends
    with pytest.raises(SystemExit) as done:
        main(["--config", str(EXAMPLE), "check", "--env", "prod", "--prometheus", url, "--loki", url, "--tempo", url])
    out = capsys.readouterr()
    assert done.value.code == 0, out.out + out.err
    project = load_project(EXAMPLE)
    resources = render(project, project.environment("prod"))
    logql, traceql = loki_queries(resources), tempo_queries(resources)
    assert len(logql) >= 6 and len(traceql) == 1
    assert f"prod: {len(logql)} LogQL queries in 2 dashboards against {url}: {len(logql)} with data, 0 empty, " \
           "0 errors" in out.err
    assert f"prod: 1 TraceQL searches in 1 dashboards against {url}: 1 with data, 0 empty, 0 errors" in out.err
    # what was sent: variables at their defaults, an hour back, in each API's own time unit
    loki = [p for path, p in requests if path.startswith("/loki/")]
    assert len(loki) == len(logql) and all("$" not in p["query"] for p in loki)
    ranged = [p for p in loki if "start" in p]
    assert ranged and all(int(p["end"]) - int(p["start"]) == 3600 * 10**9 for p in ranged)
    [search] = [p for path, p in requests if path == "/api/search"]
    assert 'resource.deployment.environment="prod"' in search["q"] and int(search["end"]) - int(search["start"]) == 3600


def test_dev_lists_every_empty_panel_with_its_query(backends, capsys) -> None:
    url, _ = backends
    with pytest.raises(SystemExit) as done:
        main(["--config", str(EXAMPLE), "check", "--env", "dev", "--prometheus", url, "--loki", url, "--tempo", url])
    out = capsys.readouterr()
    assert done.value.code == 1
    assert "EMPTY  Logs · dev › " in out.out and 'environment="dev"' in out.out
    assert "EMPTY  Overview · dev › Failed or slow traces [A]: no series" in out.out
    assert "0 with data" in out.err.splitlines()[-1]


def test_a_query_loki_or_tempo_refuses_is_an_error_with_their_reason(backends) -> None:
    url, _ = backends
    project = load_project(EXAMPLE)
    resources = render(project, project.environment("prod"))
    [good] = tempo_queries(resources)
    [tempo] = check([replace(good, query=good.query + " | count() > 2)")], TempoHTTP(url, now=lambda: NOW))
    assert tempo.status == "error" and "unexpected $end" in tempo.answer.error
    logql = loki_queries(resources)[0]
    [loki] = check([replace(logql, query='sum(rate({job="x"}[5m])')], LokiHTTP(url, now=lambda: NOW))
    assert loki.status == "error" and loki.answer.error.startswith("parse error at line 1")


def test_an_unreachable_loki_is_one_clear_line(capsys) -> None:
    with fake_backends([]) as url:
        pass  # closed: nothing listens there any more
    with pytest.raises(SystemExit) as done, fake_backends([]) as prometheus:
        main(["--config", str(EXAMPLE), "check", "--env", "prod", "--prometheus", prometheus, "--loki", url])
    err = capsys.readouterr().err
    assert done.value.code != 0 and "cannot reach Loki" in err and "Traceback" not in err
