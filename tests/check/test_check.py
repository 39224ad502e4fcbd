"""`graf check`'s pure part (queries, variable defaults) and its HTTP edge against a fake Prometheus."""

from __future__ import annotations

import base64
import contextlib
import json
from collections.abc import Iterator
from http.server import BaseHTTPRequestHandler
from pathlib import Path
from typing import Any
from urllib.parse import parse_qs

import pytest

from graf.check import (
    Answer,
    PanelQuery,
    PrometheusHTTP,
    check,
    failures,
    panel_queries,
    variable_defaults,
    variable_queries,
)
from graf.config import Datasource, Secret
from graf.errors import GrafError
from graf.resources import Resource
from tests.serve import serving

PROM = {"type": "prometheus", "uid": "prometheus"}


def dashboard(panels: list[dict[str, Any]], variables: list[dict[str, Any]] = ()) -> Resource:  # type: ignore[assignment]
    return Resource("dashboard", "d1", {"uid": "d1", "title": "D", "panels": panels,
                                        "templating": {"list": list(variables)}})


def test_variable_defaults_as_grafana_sends_them() -> None:
    body = {"templating": {"list": [
        {"name": "environment", "type": "query", "current": {"value": "prod"}},
        {"name": "instance", "type": "query", "includeAll": True, "allValue": ".*", "current": {"value": "$__all"}},
        {"name": "app", "type": "query", "includeAll": True, "current": {"value": ["$__all"]}},
        {"name": "pick", "type": "custom", "multi": True, "current": {"value": ["a", "b"]}},
        {"name": "search", "type": "textbox", "query": "timeout", "current": {}},
        {"name": "ds", "type": "datasource", "current": {"value": "x"}},
        {"name": "unset", "type": "query"},
    ]}}
    assert variable_defaults(body) == {"environment": "prod", "instance": ".*", "app": ".*", "pick": "(a|b)",
                                       "search": "timeout", "unset": ".*"}


def test_panel_queries_takes_prometheus_targets_only_and_substitutes() -> None:
    resource = dashboard(
        [{"type": "row", "title": "r", "collapsed": True, "panels": [
            {"title": "in row", "id": 3, "datasource": PROM,
             "targets": [{"refId": "A", "expr": 'up{env="$environment"}[$__rate_interval]'}]}]},
         {"title": "logs", "id": 4, "datasource": {"type": "loki", "uid": "loki"},
          "targets": [{"refId": "A", "expr": '{job="x"}'}]},
         {"title": "mixed", "id": 5, "datasource": {"type": "datasource", "uid": "-- Mixed --"},
          "targets": [{"refId": "A", "datasource": PROM, "expr": "sum(x)", "instant": True, "range": False},
                      {"refId": "B", "datasource": {"type": "tempo", "uid": "t"}, "query": "{}"}]},
         {"title": "text", "type": "text", "id": 6}],
        [{"name": "environment", "current": {"value": "prod"}}],
    )
    queries = panel_queries([resource, Resource("folder", "f", {"uid": "f"})])
    assert [(q.panel_title, q.ref_id, q.query, q.instant) for q in queries] == [
        ("in row", "A", 'up{env="prod"}[1m]', False), ("mixed", "A", "sum(x)", True)]
    assert queries[0].where == 'dashboard/d1 › panel "in row" › A'


def test_check_keeps_order_and_classifies() -> None:
    queries = [PanelQuery("d", "D", f"p{i}", i, "A", e, e, False) for i, e in enumerate(["a", "b", "c"])]
    answers = {"a": Answer(series=2), "b": Answer(), "c": Answer(error="bad_data: parse error")}
    results = check(queries, lambda expr, instant: answers[expr], workers=3)
    assert [r.status for r in results] == ["ok", "empty", "error"]
    assert [r.query.panel_title for r in failures(results)] == ["p1", "p2"]


@contextlib.contextmanager
def fake_prometheus(status: int, body: dict[str, Any] | str, seen: list[dict[str, Any]]) -> Iterator[str]:
    """Answers every POST with `status` and `body` (or `body[path]` when body maps API paths to answers)."""

    class Handler(BaseHTTPRequestHandler):
        def do_POST(self) -> None:
            form = parse_qs(self.rfile.read(int(self.headers["Content-Length"])).decode())
            seen.append({"path": self.path, "form": form, "auth": self.headers.get("Authorization")})
            answer = body.get(self.path, body) if isinstance(body, dict) else body
            data = (answer if isinstance(answer, str) else json.dumps(answer)).encode()
            self.send_response(status)
            self.send_header("Content-Type", "application/json")
            self.end_headers()
            self.wfile.write(data)

        def log_message(self, *args: object) -> None:
            pass

    with serving(Handler) as address:
        yield f"http://{address}"


def test_range_and_instant_queries_with_basic_auth(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("PROM_PW", "pw")
    ds = Datasource("prometheus", "prometheus", "http://x", "P", basic_auth_user="u",
                    basic_auth_password=Secret("PROM_PW"))
    seen: list[dict[str, Any]] = []
    answers = {
        "/api/v1/query_range": {"status": "success", "data": {"resultType": "matrix", "result": [
            {"metric": {}, "values": [[1, "1"]]}, {"metric": {"a": "b"}, "values": [[1, "2"]]}]}},
        "/api/v1/query": {"status": "success", "data": {"resultType": "vector", "result": [
            {"metric": {}, "value": [1, "1"]}]}},
    }
    with fake_prometheus(200, answers, seen) as url:
        http = PrometheusHTTP(url, ds, now=lambda: 10_000.0)
        assert http("up", False) == Answer(series=2)
        assert http("up", True) == Answer(series=1)
    assert seen[0]["path"] == "/api/v1/query_range"
    assert seen[0]["form"]["start"] == ["6400.000"] and seen[0]["form"]["end"] == ["10000.000"]
    assert seen[1]["path"] == "/api/v1/query" and seen[1]["form"]["time"] == ["10000.000"]
    assert seen[0]["auth"] == "Basic " + base64.b64encode(b"u:pw").decode()


def test_query_errors_are_results_auth_errors_stop_the_run(monkeypatch: pytest.MonkeyPatch) -> None:
    bad = {"status": "error", "errorType": "bad_data", "error": "1:5: parse error: unexpected end of input"}
    with fake_prometheus(400, bad, []) as url:
        assert PrometheusHTTP(url)("sum(", False) == Answer(error="bad_data: 1:5: parse error: unexpected end of input")
    with fake_prometheus(401, "Unauthorized", []) as url, pytest.raises(GrafError) as exc:
        PrometheusHTTP(url)("up", False)
    assert "HTTP 401" in exc.value.message and "credentials" in exc.value.hint


def test_bearer_token_from_the_environment_never_in_errors(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("PROM_TOKEN", "tok-123")
    ds = Datasource("prometheus", "prometheus", "http://x", "P", bearer_token=Secret("PROM_TOKEN"))
    seen: list[dict[str, Any]] = []
    with fake_prometheus(500, "boom", seen) as url, pytest.raises(GrafError) as exc:
        PrometheusHTTP(url, ds)("up", False)
    assert seen[0]["auth"] == "Bearer tok-123"
    assert "tok-123" not in exc.value.one_line()


def test_unreachable_prometheus_is_one_error_line(tmp_path: Path) -> None:
    from tests.processes import free_port

    with pytest.raises(GrafError) as exc:
        PrometheusHTTP(f"http://127.0.0.1:{free_port()}")("up", False)
    assert "cannot reach Prometheus" in exc.value.message and "--prometheus" in exc.value.hint


def test_variable_queries_ask_for_series_carrying_the_label() -> None:
    resource = dashboard([], [
        {"name": "environment", "type": "query", "datasource": PROM, "query": "label_values(up, environment)",
         "current": {"value": "prod"}},
        {"name": "app", "type": "query", "datasource": PROM, "current": {"value": "$__all"}, "includeAll": True,
         "query": {"query": 'label_values(jvm_info{environment="$environment"}, application)', "refId": "X"}},
        {"name": "host", "type": "query", "datasource": {"type": "loki", "uid": "loki"},
         "query": 'label_values({job="x"}, host)'},
        {"name": "names", "type": "query", "datasource": PROM, "query": "label_names()"},
        {"name": "bare", "type": "query", "datasource": PROM, "query": "label_values(instance)"},
        {"name": "custom", "type": "custom", "query": "a,b"},
    ])
    queries = variable_queries([resource])
    assert [(q.panel_title, q.query) for q in queries] == [
        ("variable $environment", 'group by (environment) (up{environment!=""})'),
        ("variable $app", 'group by (application) (jvm_info{environment="prod", application!=""})'),
    ]
