"""From the app's log file to Loki's streams (issue 18): Spring writes the file the agent tails, rotated;
the agent splits records, reads `level` and the line's own time, for JSON and plain lines alike.

No Alloy or Promtail runs here: the rendered pipeline (multiline first line, the JSON expressions,
the plain-line regex, the timestamp format) is applied to real-shaped lines with Python's `re`, whose
syntax for these expressions is the same as Go's RE2.
"""

from __future__ import annotations

import json
import re
from datetime import datetime
from fnmatch import fnmatchcase
from pathlib import Path
from typing import Any

import pytest
import yaml

from graf.errors import ConfigError
from graf.stack.agent import render_agent
from tests.stack.helpers import project

TRACE = "4bf92f3577b34da6a3ce929d0e0e4736"
# What Go's RFC3339Nano layout parses: whole or fractional seconds, `Z` or a numeric offset.
RFC3339 = re.compile(r"^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}(\.\d{1,9})?(Z|[+-]\d{2}:\d{2})$")
# One file holding both formats: Spring's logstash JSON, and plain lines (as Spring writes with the
# rendered dateformat, the Spring Boot 3 default) with a stack trace.
LINES = [
    '{"@timestamp":"2026-11-25T03:00:00.123456789Z","@version":"1","message":"started","logger_name":"c.e.App",'
    f'"thread_name":"main","level":"INFO","level_value":20000,"traceId":"{TRACE}"}}',
    f"2026-11-25T04:00:01.456+01:00 ERROR 4242 --- [shop-api] [main] c.e.App : [traceId={TRACE} "
    "spanId=00f067aa0ba902b7] boom",
    "java.lang.IllegalStateException: boom",
    "\tat com.example.App.main(App.java:10)",
    "Caused by: java.io.IOException: 2026-11-25T03:00:00 is not a record start",
    '{"@timestamp":"2026-11-25T03:00:02+00:00","level":"WARN","message":"slow"}',
    "2026-11-25T03:00:03.001Z  INFO 4242 --- [shop-api] [main] c.e.App : ok",
]
EXPECTED = [("INFO", "2026-11-25T03:00:00.123456789Z"), ("ERROR", "2026-11-25T04:00:01.456+01:00"),
            ("WARN", "2026-11-25T03:00:02+00:00"), ("INFO", "2026-11-25T03:00:03.001Z")]


def _alloy_pipeline(text: str) -> dict[str, Any]:
    def string(pattern: str) -> str:
        return json.loads(re.search(pattern, text).group(1))

    expressions = dict(re.findall(r'"([^"]+)" = ("(?:[^"\\]|\\.)*")',
                                  re.search(r"stage\.json \{\s+expressions = \{(.*)\}", text).group(1)))
    return {"firstline": string(r"firstline\s+= (\".*\")"),
            "json": {k: json.loads(v) for k, v in expressions.items()},
            "regex": string(r"expression = (\".*\")"),
            "timestamp": {"source": string(r'source\s+= (".*")'), "format": string(r'format\s+= (".*")'),
                          "action_on_failure": string(r'action_on_failure = (".*")')},
            "labels": re.findall(r'stage\.labels \{\s+values = \{"(\w+)" = ""\}', text)}


def _promtail_pipeline(text: str) -> dict[str, Any]:
    stages = yaml.safe_load(text)["scrape_configs"][0]["pipeline_stages"]
    by_name = {name: body for stage in stages for name, body in stage.items()}
    assert list(by_name) == ["multiline", "json", "regex", "timestamp", "labels"]
    return {"firstline": by_name["multiline"]["firstline"], "json": by_name["json"]["expressions"],
            "regex": by_name["regex"]["expression"], "timestamp": by_name["timestamp"],
            "labels": list(by_name["labels"])}


def _run(pipeline: dict[str, Any], lines: list[str]) -> list[dict[str, str]]:
    """The records and the values the agent extracts from each, as the rendered stages say."""
    records: list[list[str]] = []
    for line in lines:
        if re.match(pipeline["firstline"], line) or not records:
            records.append([line])
        else:
            records[-1].append(line)
    out = []
    for record in ("\n".join(r) for r in records):
        extracted: dict[str, str] = {}
        try:
            parsed = json.loads(record)
        except ValueError:
            parsed = None
        if isinstance(parsed, dict):
            for name, path in pipeline["json"].items():
                key = json.loads(path) if path.startswith('"') else path  # a quoted JMESPath identifier
                if key in parsed:
                    extracted[name] = str(parsed[key])
        match = re.search(pipeline["regex"], record)
        if match:
            extracted.update({k: v for k, v in match.groupdict().items() if v is not None})
        out.append({"record": record, **extracted})
    return out


@pytest.mark.parametrize("shipper", ["alloy", "promtail"])
@pytest.mark.parametrize("log_format", ["json", "plain"])
def test_records_level_and_own_time_for_both_formats(tmp_path: Path, shipper: str, log_format: str) -> None:
    p = project(tmp_path, lambda d: d["apps"]["shop-api"].update(log_format=log_format))
    files = render_agent(p, "prod", "prod-app-1", shipper)  # type: ignore[arg-type]
    text = files["alloy/config.alloy"] if shipper == "alloy" else files["promtail/config.yml"]
    pipeline = _alloy_pipeline(text) if shipper == "alloy" else _promtail_pipeline(text)
    records = _run(pipeline, LINES)
    assert [(r.get("level"), r.get(pipeline["timestamp"]["source"])) for r in records] == EXPECTED
    assert records[1]["record"].endswith("is not a record start")  # the stack trace stays with its line
    assert pipeline["labels"] == ["level"]
    assert pipeline["timestamp"]["format"] == "RFC3339Nano"
    assert pipeline["timestamp"]["action_on_failure"] == "skip"  # an unparsable time keeps the read time
    for _, when in EXPECTED:
        assert RFC3339.match(when) and datetime.fromisoformat(when).tzinfo is not None


def test_spring_writes_the_file_the_agent_tails_and_rotates_it(tmp_path: Path) -> None:
    for log_format in ("json", "plain"):
        p = project(tmp_path, lambda d, f=log_format: d["apps"]["shop-api"].update(log_format=f))
        files = render_agent(p, "prod", "prod-app-1")
        spring = yaml.safe_load(files["spring/shop-api/application.yml"])["logging"]
        name = spring["file"]["name"]
        assert name == "/var/log/shop-api/shop-api.log"
        tailed = re.findall(r'"__path__" = "([^"]+)"', files["alloy/config.alloy"])
        assert any(fnmatchcase(name, glob) for glob in tailed)
        promtail = yaml.safe_load(render_agent(p, "prod", "prod-app-1", "promtail")["promtail/config.yml"])
        assert any(fnmatchcase(name, c["labels"]["__path__"]) for c in promtail["scrape_configs"][0]["static_configs"])
        assert spring["logback"]["rollingpolicy"] == {"max-file-size": "10MB", "max-history": 7,
                                                      "total-size-cap": "1GB"}
        # Logback's default archive name (<file>.<date>.<n>.gz) is not tailed again.
        assert not any(fnmatchcase(f"{name}.2026-11-25.0.gz", glob) for glob in tailed)
        if log_format == "plain":
            assert spring["pattern"]["dateformat"] == "yyyy-MM-dd'T'HH:mm:ss.SSSXXX"
            sample = "2026-11-25T04:00:01.456+01:00"  # what that pattern writes: the agent's RFC3339 reads it
            assert RFC3339.match(sample)
        else:
            assert spring["structured"] == {"format": {"file": "logstash"}}


def test_a_glob_that_would_ship_the_archives_is_refused(tmp_path: Path) -> None:
    p = project(tmp_path, lambda d: d["apps"]["shop-api"].update(log_files=["/var/log/shop-api/*"]))
    with pytest.raises(ConfigError, match=r"apps\.shop-api\.log_files: a glob also matches Spring's rotated archives"):
        render_agent(p, "prod", "prod-app-1")
    p = project(tmp_path, lambda d: d["apps"]["shop-api"].update(log_files=["logs/[ab].log"]))
    with pytest.raises(ConfigError, match=r"apps\.shop-api\.log_files: no absolute path Spring could write"):
        render_agent(p, "prod", "prod-app-1")
