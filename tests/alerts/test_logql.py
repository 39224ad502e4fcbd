"""Loki cannot run here (no Docker): the log rule's LogQL is checked for structure instead."""

from __future__ import annotations

import re

import pytest

from graf.units import parse_duration
from tests.alerts.conftest import rules
from tests.alerts.evaluate import query

MATCHER = re.compile(r'\s*([A-Za-z_][A-Za-z0-9_]*)\s*(=~|!~|!=|=)\s*"((?:[^"\\]|\\.)*)"\s*')
METRIC_QUERY = re.compile(
    r"^sum by \((?P<by>[^)]*)\) \(rate\((?P<selector>\{[^{}]*\})\[(?P<range>[^\]]+)\]\)\) \* 60$")


def matchers(selector: str) -> list[tuple[str, str, str]]:
    body = selector[1:-1]
    out, pos = [], 0
    while pos < len(body):
        match = MATCHER.match(body, pos)
        assert match, f"bad matcher at {body[pos:]!r}"
        out.append((match[1], match[2], match[3].encode().decode("unicode_escape")))
        pos = match.end()
        if pos < len(body):
            assert body[pos] == ",", body
            pos += 1
    return out


def balanced(text: str) -> bool:
    depth, quoted = 0, False
    for i, char in enumerate(text):
        if char == '"' and (i == 0 or text[i - 1] != "\\"):
            quoted = not quoted
        elif not quoted and char in "({[":
            depth += 1
        elif not quoted and char in ")}]":
            depth -= 1
            if depth < 0:
                return False
    return depth == 0 and not quoted


@pytest.mark.parametrize("env", ["dev", "prod"])
def test_log_rule_selects_this_environments_app_error_lines(example, env):
    rule = rules(example, env)["log_errors"]
    expr = query(rule)
    assert balanced(expr)
    parsed = METRIC_QUERY.match(expr)
    assert parsed, expr
    assert [s.strip() for s in parsed["by"].split(",")] == [example.labels.service, example.labels.host]
    assert parse_duration(parsed["range"]) == 300
    found = matchers(parsed["selector"])
    by_label = {label: (op, value) for label, op, value in found}
    assert len(by_label) == len(found)
    assert by_label[example.labels.environment] == ("=", example.environment(env).label)
    assert by_label["job"] == ("=", example.jobs.logs)
    # Loki needs at least one matcher that cannot match the empty string.
    assert any(op == "=" and value for op, value in by_label.values())
    op, pattern = by_label[example.labels.level]
    assert op == "=~"
    level = re.compile(pattern)  # RE2 and Python agree on this subset; Loki anchors the match
    for hit in ("error", "ERROR", "Error", "fatal", "FATAL", "critical"):
        assert level.fullmatch(hit), hit
    for miss in ("info", "WARN", "debug", "errors", "trace"):
        assert not level.fullmatch(miss), miss
    assert rule["data"][0]["model"]["queryType"] == "instant"


def test_log_rule_follows_the_label_names_of_graf_yaml(variant):
    project = variant(lambda raw: raw["labels"].update(level="severity_text", service="app"))
    found = dict((label, value) for label, _, value in matchers(METRIC_QUERY.match(
        query(rules(project, "prod")["log_errors"]))["selector"]))
    assert "severity_text" in found and "level" not in found
