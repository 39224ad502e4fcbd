"""The Loki datasource's derived field, run the way Grafana runs it: JavaScript, `line.match(matcherRegex)[1]`.

Grafana's Loki datasource (public/app/plugins/datasource/loki/getDerivedFields.ts) passes the
provisioned `matcherRegex` string to `String.prototype.match`, i.e. `new RegExp(matcherRegex)`
without flags, and takes capture group 1. Python's `re` is not JavaScript's: the regex is run
under node here, on lines of both formats as the rendered Spring settings write them.
"""

from __future__ import annotations

import json
import shutil
import subprocess
from pathlib import Path
from typing import Any

import pytest
import yaml

from graf._render import render
from graf.config import load_project
from graf.stack.agent import render_agent
from tests.conftest import EXAMPLE

TRACE_ID = "4bf92f3577b34da6a3ce929d0e0e4736"
SPAN_ID = "00f067aa0ba902b7"
MATCH = "const [regex, ...lines] = JSON.parse(process.argv[1]);\n" \
        "console.log(JSON.stringify(lines.map((line) => { const m = line.match(regex); return m && m[1]; })));"


def js_match(regex: str, lines: list[str]) -> list[str | None]:
    node = shutil.which("node")
    if node is None:
        pytest.skip("node is not installed: the derived field cannot be run with JavaScript semantics")
    done = subprocess.run([node, "-e", MATCH, json.dumps([regex, *lines])], capture_output=True, text=True,
                          timeout=30, check=True)
    return list(json.loads(done.stdout))


def _matcher_regex() -> str:
    project = load_project(EXAMPLE)
    [loki] = [r for r in render(project, project.environment("prod"))
              if r.kind == "datasource" and r.body["type"] == "loki"]
    [field] = loki.body["jsonData"]["derivedFields"]
    return str(field["matcherRegex"])


def _spring(tmp_path: Path, log_format: str) -> dict[str, Any]:
    raw = yaml.safe_load(EXAMPLE.read_text(encoding="utf-8"))
    raw["apps"]["shop-api"]["log_format"] = log_format
    path = tmp_path / f"{log_format}.yaml"
    path.write_text(yaml.safe_dump(raw, sort_keys=False), encoding="utf-8")
    text = render_agent(load_project(path), "prod", "prod-app-1")["spring/shop-api/application.yml"]
    return dict(yaml.safe_load(text))


def test_the_trace_id_is_extracted_from_both_formats_with_javascript_semantics(tmp_path: Path) -> None:
    assert _spring(tmp_path, "json")["logging"]["structured"]["format"]["file"] == "logstash"
    # logstash format: MDC entries (Micrometer Tracing's traceId/spanId) are top-level fields
    json_line = json.dumps({"@timestamp": "2026-11-25T03:00:00.123Z", "@version": "1", "message": "order placed",
                            "logger_name": "c.e.Shop", "level": "INFO", "traceId": TRACE_ID, "spanId": SPAN_ID})
    correlation = _spring(tmp_path, "plain")["logging"]["pattern"]["correlation"]
    plain_line = ("2026-11-25T03:00:00.123Z  INFO 4242 --- [shop-api] [nio-8080-exec-1] "
                  + correlation.replace("%X{traceId:-}", TRACE_ID).replace("%X{spanId:-}", SPAN_ID)
                  + "c.e.Shop : order placed")
    # Spring Boot's own default correlation pattern, for apps that keep it: [traceId-spanId]
    boot_default = f"2026-11-25T03:00:00.123Z ERROR 4242 --- [shop-api] [main] [{TRACE_ID}-{SPAN_ID}] c.e.Shop : x"
    no_trace = "2026-11-25T03:00:00.123Z  INFO 4242 --- [shop-api] [main] [traceId= spanId=] c.e.Shop : started"
    stack_line = "\tat com.example.Shop.place(Shop.java:42)"
    regex = _matcher_regex()
    assert js_match(regex, [json_line, plain_line, boot_default, no_trace, stack_line]) == [
        TRACE_ID, TRACE_ID, TRACE_ID, None, None]


def test_a_regex_javascript_rejects_fails_loudly() -> None:
    """Python accepts `(?P<name>...)`; JavaScript does not: the check must notice, not pass silently."""
    with pytest.raises(subprocess.CalledProcessError):
        js_match(r"(?P<id>[0-9a-f]{32})", ["x"])
