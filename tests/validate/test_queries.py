"""The query helpers on their own: variable references, substitution, PromQL and LogQL checks."""

from __future__ import annotations

import pytest
from hypothesis import given
from hypothesis import strategies as st

from graf.validate import logql, promql
from graf.validate.paths import describe
from graf.validate.variables import names, samples, substitute


def test_every_reference_syntax_is_found() -> None:
    text = "$a ${b} ${c:csv} ${d.field} [[f]] [[g:raw]] $1 $__interval ${__from:date} US$ 5"
    assert list(names(text)) == ["a", "b", "c", "d", "f", "g"]
    assert "__interval" in set(names(text, builtins=True))


@pytest.mark.parametrize(("expr", "expected"), [
    ('rate(x{a="$v", b=~"${w:regex}"}[$__rate_interval])', 'rate(x{a="x", b=~"x"}[5m])'),
    ("rate(x[$window]) offset $shift", "rate(x[5m]) offset 5m"),
    ("max_over_time(x[1h:$__interval])", "max_over_time(x[1h:5m])"),
    ("x / ${__range_s}", "x / 60"),
    ("topk($n, x)", "topk(5, x)"),
    ("sum by ($label) (x)", "sum by (x) (x)"),
    ('x{a="quote \\" $v"}', 'x{a="quote \\" x"}'),
])
def test_substitution_keeps_the_query_shape(expr: str, expected: str) -> None:
    values = samples([{"name": "n", "type": "custom", "current": {"value": "5"}},
                      {"name": "label", "type": "custom", "current": {"value": ["$__all"]}}])
    assert substitute(expr, values) == expected


@pytest.mark.parametrize(("query", "error"), [
    ("label_values(node_uname_info, job)", None),
    ('label_values(node_uname_info{job="$job"}, nodename)', None),
    ("label_values(instance)", None),
    ("label_names()", None),
    ("metrics(jvm_.*)", None),
    ('query_result(topk(5, sum by (uri) (rate(http_server_requests_seconds_count{app="$app"}[5m]))))', None),
    ('label_values(node_uname_info{job="$job", nodename)', "present"),
    ("query_result(sum(rate(x[5m]))", "present"),
])
def test_grafana_variable_queries(query: str, error: str | None) -> None:
    result = promql.check_variable_query(query, ())
    assert (result is not None) == (error is not None), result


@pytest.mark.parametrize("expr", [
    'sum by (level) (count_over_time({app="shop", level=~"ERROR|WARN"} |= "timeout" [5m]))',
    '{app="shop"} | json | line_format "{{.level}} {{.message}}" | label_format lvl="{{.level}}"',
    '{app="shop", env!=""} |~ `\\{"traceId":"[0-9a-f]+"\\}`',
    'rate({app=~"shop.+"}[1m])',
    "",
])
def test_valid_logql(expr: str) -> None:
    assert logql.check(expr) is None


@pytest.mark.parametrize(("expr", "message"), [
    ('sum(count_over_time({app="x"}[5m])))', "unbalanced ')' at character 36"),
    ('{app="x} |= "y"', "unterminated string starting at character 15"),
    ('{app="x"] |= "y"', "unbalanced ']' at character 9"),
    ('{app=""}', 'stream selector {app=""} only has matchers that match empty values; '
                 "Loki needs one = or =~ matcher that does not"),
    ('{app!="x"}', 'stream selector {app!="x"} only has matchers that match empty values; '
                   "Loki needs one = or =~ matcher that does not"),
])
def test_invalid_logql(expr: str, message: str) -> None:
    assert logql.check(expr) == message


def test_paths_name_alert_queries_by_ref_id_and_fall_back_to_indexes() -> None:
    rule = {"data": [{"refId": "A"}, {"refId": "B"}]}
    assert describe("alert-rule", rule, ("data", 1, "model", "expression")) == ["data[B].model.expression"]
    assert describe("datasource", {}, ("jsonData", "derivedFields", 0, "datasourceUid")) == [
        "jsonData.derivedFields[0].datasourceUid"]
    body = {"panels": [{"type": "text", "gridPos": {}}], "annotations": {"list": [{"name": "Deploys"}]}}
    assert describe("dashboard", body, ("panels", 0, "gridPos", "h")) == ["panel panels[0]", "gridPos.h"]
    assert describe("dashboard", body, ("annotations", "list", 0, "expr")) == ['annotation "Deploys"', "expr"]
    assert describe("dashboard", body, ("panels", 5, "id")) == ["panels[5].id"]


def test_normal_form_blanks_label_values_but_keeps_regexes() -> None:
    expr = 'sum(rate(x{env="prod", pod=~"shop-.*", dc!~"(", v="$var", e=""}[5m]))'
    assert promql.normal_form(expr) == 'sum(rate(x{env="x", pod=~"shop-.*", dc!~"(", v="$var", e=""}[5m]))'
    assert promql.normal_form('x{env="dev"}') == promql.normal_form('x{env="prod"}')
    assert promql.check('x{dc!~"("}') == "illegal regex for ("
    assert promql.check('x{dc="("}') is None


@pytest.mark.parametrize("expr", [
    'sum by (le) (rate(http_server_requests_seconds_bucket{uri!~"/actuator.*", status=~"5.."}[5m]))',
    "histogram_quantile(0.99, sum by (le) (rate(x[5m]))) > 1.5",
    'label_replace(up, "host", "$1", "instance", "(.*):.*")',
    'sum(rate(x[5m]) by (a)',
    'x{a="b" +',
    "foo(x)",
    # a selector needs a matcher that does not match "": whether a value is empty decides it
    '{job="node"}', '{job=""}', '{job!="node"}', '{job!=""}', 'up{job=""}', "{job='node'}", '{__name__="up"}',
    'sum(rate({job="node", instance!=""}[5m]))',
])
def test_the_normal_form_never_changes_the_verdict(expr: str) -> None:
    assert promql.check(expr) == _parser_verdict(expr)


def _parser_verdict(expr: str) -> str | None:
    import promql_parser

    try:
        promql_parser.parse(expr)
    except ValueError as exc:
        return str(exc)
    return None


_SELECTOR_PIECES = st.sampled_from(['job', 'up', '__name__', '=', '!=', '=~', '!~', '""', '"node"', "''", "'a'",
                                    '".+"', '".*"', '{', '}', ',', ' ', 'sum(', ')', '[5m]', 'rate('])


@given(st.lists(_SELECTOR_PIECES, max_size=12).map("".join))
def test_the_normal_form_never_changes_the_verdict_of_selectors(expr: str) -> None:
    """Without variables, `check` is the parser's own verdict, however the label values are blanked."""
    assert promql.check(expr) == _parser_verdict(expr)
