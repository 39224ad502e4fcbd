"""`graf preview --loki URL`: logs panels show the newest lines, LogQL metric panels their series.

Loki here is a stand-in HTTP server on 127.0.0.1 answering `/loki/api/v1/query_range` in Loki's
format (no Loki binary is installed), so the HTTP edge, the parameters sent and the drawing are real.
"""

from __future__ import annotations

import json
import threading
import urllib.parse
from collections.abc import Iterator
from http.server import BaseHTTPRequestHandler
from pathlib import Path

import pytest

from graf.cli import main
from tests.preview.dom import panels
from tests.serve import serving

pytest.importorskip("matplotlib", reason="the preview extra (matplotlib) draws the series")


@pytest.fixture
def loki() -> Iterator[tuple[str, list[dict[str, str]]]]:
    asked: list[dict[str, str]] = []

    class Handler(BaseHTTPRequestHandler):
        def do_GET(self) -> None:
            url = urllib.parse.urlsplit(self.path)
            params = dict(urllib.parse.parse_qsl(url.query))
            asked.append(params)
            end = int(params["end"])
            query = params["query"]
            if "broken" in query:
                body, status = b"parse error at line 1, col 3: syntax error", 400
            elif query.startswith(("sum", "count", "rate")):  # a metric query: a matrix
                start = int(params["start"]) // 10**9
                values = [[start + 60 * i, str(i % 7)] for i in range(60)]
                body = json.dumps({"status": "success", "data": {"resultType": "matrix", "result": [
                    {"metric": {"level": "error"}, "values": values}]}}).encode()
                status = 200
            else:
                lines = [[str(end - n * 10**9), f"2025-12-01 ERROR order {n} failed"] for n in range(40)]
                body = json.dumps({"status": "success", "data": {"resultType": "streams", "result": [
                    {"stream": {"job": "app-logs"}, "values": lines}]}}).encode()
                status = 200
            self.send_response(status)
            self.send_header("Content-Length", str(len(body)))
            self.end_headers()
            self.wfile.write(body)

        def log_message(self, *args: object) -> None:
            pass

    with serving(Handler) as address:
        yield f"http://{address}", asked


def test_logs_panels_show_the_newest_lines(example_project: Path, tmp_path: Path,
                                           loki: tuple[str, list[dict[str, str]]]) -> None:
    url, asked = loki
    out = tmp_path / "pages"
    with pytest.raises(SystemExit) as done:
        main(["--config", str(example_project), "preview", "--env", "prod", "--uid", "shop-prod-logs",
              "--loki", url, "--since", "15m", "--out", str(out)])
    assert done.value.code == 0
    seen = {p.title: p for p in panels((out / "prod/shop-prod-logs.html").read_text(encoding="utf-8"))}
    errors = seen["Error lines"].all_text
    assert "ERROR order 0 failed" in errors  # the newest first
    assert "order 39" not in errors  # only as many as fit the panel
    assert any(p.lines for p in seen.values())  # a LogQL metric panel draws its series
    sent = [a for a in asked if "level=~\"(?i)error|fatal\"" in a["query"]]
    assert sent and sent[0]["direction"] == "backward" and 'environment="prod"' in sent[0]["query"]
    assert int(sent[0]["end"]) - int(sent[0]["start"]) == 15 * 60 * 10**9


def test_a_rejected_loki_query_shows_lokis_message(tmp_path: Path, loki: tuple[str, list[dict[str, str]]]) -> None:
    url, _ = loki
    dashboard = {"uid": "l", "title": "L", "panels": [
        {"id": 1, "type": "logs", "title": "Bad", "gridPos": {"x": 0, "y": 0, "w": 24, "h": 8},
         "datasource": {"type": "loki", "uid": "loki"}, "targets": [{"refId": "A", "expr": '{job="broken"'}]}]}
    source = tmp_path / "l.json"
    source.write_text(json.dumps(dashboard), encoding="utf-8")
    with pytest.raises(SystemExit) as done:
        main(["preview", str(source), "--loki", url, "--out", str(tmp_path / "pages")])
    assert done.value.code == 0
    bad = panels((tmp_path / "pages/l.html").read_text(encoding="utf-8"))[0]
    assert "No data" in bad.all_text and "parse error at line 1" in bad.all_text
