"""The query fast path gives what the plain definitions give: `promql.prepared` is
`substitute(normal_form(expr))` (split at the double quotes or in one regex scan), `check` keeps the
plain verdict (parse the normal form with its variables substituted, again with `1` for them when
that fails), and `dashboard_verdicts` (a dashboard's queries at once: parts of queries kept, G503 read
from G501's tree, one verdict-cache entry) gives each query's plain `check` and `_unfiltered`.

Run on every query of every reference dashboard and on generated queries made of the pieces
that matter (literals of every quote, regex operators, each reference syntax, `[`, `:`, `offset`)."""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from typing import Any

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from graf.validate import promql, verdicts
from graf.validate.dashboard import index, targets
from graf.validate.variables import Samples, samples, substitute
from tests.reference import REFERENCE, reference_dashboards, reference_json


def assert_prepared_as_defined(expr: str, values: Samples) -> None:
    """`promql.prepared` is its definition, `substitute(normal_form(expr))`, with either fallback."""
    for fallback in ("x", "1"):
        assert promql.prepared(expr, values, fallback) == substitute(promql.normal_form(expr), values,
                                                                     fallback=fallback), expr


def plain_check(expr: str, values: Samples) -> str | None:
    """promql.check as first written: two plain passes, then the parser."""
    normal = promql.normal_form(expr)
    first = substitute(normal, values)
    error = promql.parse_error(first)
    if error is None:
        return None
    second = substitute(normal, values, fallback="1")
    if second != first and promql.parse_error(second) is None:
        return None
    return error


def _queries(body: dict[str, Any]) -> tuple[list[str], Samples]:
    body = body["dashboard"] if isinstance(body.get("dashboard"), dict) else body
    idx = index(body)
    exprs = [t["expr"] for at in idx.panels for _, t in targets(at) if isinstance(t.get("expr"), str)]
    exprs += [v["query"] for _, v in idx.variables if isinstance(v.get("query"), str)]
    return exprs, samples(v for _, v in idx.variables)


def test_parts_are_shared_only_by_dashboards_with_the_same_samples() -> None:
    """The same part (` * $v`) in dashboards whose $v differs: each is prepared with its own sample."""
    for value, error in (("2", False), ("(", True), ("2", False), ("(", True)):
        exprs = [f'x{{a="{value}"}} * $v']
        verdict = promql.dashboard_verdicts(exprs, (("v", value),), None)
        assert verdict == plain_verdicts(exprs, (("v", value),), None)
        assert (verdict[exprs[0]][0] is not None) == error, value
    many = [((f"v{i}", "2"),) for i in range(40)]  # more sample sets than are kept: the oldest go
    for values in many:
        assert promql.dashboard_verdicts(["x * $v"], values, None) == plain_verdicts(["x * $v"], values, None)


@pytest.mark.parametrize("name", reference_dashboards() if REFERENCE.is_dir() else ["node-exporter-full.json"])
def test_reference_queries(name: str) -> None:
    exprs, values = _queries(reference_json(f"dashboards/{name}"))
    assert exprs, "a reference dashboard without queries tests nothing"
    for expr in exprs:
        assert_prepared_as_defined(expr, values)
        assert promql.check(expr, values) == plain_check(expr, values), expr


_PIECES = st.sampled_from([
    'x{a="b"}', "rate(", ")", "[", "]", ":", " offset ", "offset", " ", "\n", "\t", "=~", "!~", "=", "!=", "~",
    '"', "'", "`", "\\", '\\"', '"$v"', '"$1"', '"$', '$"', '"[[v]]"', '"a\\"b"', "'q'", "`r`", '"${v:regex}"',
    '"${v"', "}",
    "$v", "$w", "$1", "$__interval", "$__rate_interval", "${__range_s}", "${v}", "${v:csv}", "${v.f}", "[[v]]",
    "[[v:raw]]", "$offset", "${", "[[", "5m", "sum by (le) ", "{", ",", "(.*)", "\u00a0", "\u2003", "\\\n",
])
# Without ' and ` every query takes the one-scan path (with them, the plain passes decide).
_DOUBLE_QUOTED = _PIECES.filter(lambda piece: "'" not in piece and "`" not in piece)
# The last: two variables of one name (G403), where the later sample counts.
_VALUES = st.sampled_from([(), (("v", "5"), ("w", "")), (("v", "node"), ("w", "5m")), (("v", "a"), ("v", "b"))])


@given(st.one_of(st.lists(_PIECES, max_size=14), st.lists(_DOUBLE_QUOTED, max_size=14)).map("".join), _VALUES)
def test_prepared_is_the_normal_form_substituted(expr: str, values: Samples) -> None:
    assert_prepared_as_defined(expr, values)


# The queries promql._between_quotes takes: double quotes only, no backslash, `[[` or `${`.
_SPLIT_PIECES = st.sampled_from([
    'x{a="b"}', 'x{a=""}', 'x{a!=""}', 'x{a=~""}', 'x{a!~"("}', 'x{a=~ "("}', 'x{a = "b"}', '="', '"', '""', '"b"',
    '"$v"', '"$1"', '"a $v b"', '"$"', "$", "$v", "$w", "$1", "$__interval", "$__range_s", "$__rate_interval",
    "$offset", "rate(", ")", "[", "]", ":", " offset ", "offset", "off", "set", " ", "\n", "=~", "!~", "=", "!=",
    "~", "{", "}", ",", "5m", "sum by (le) ", "\u00a0", "\u2003",
])


@settings(max_examples=500)
@given(st.lists(_SPLIT_PIECES, max_size=14).map("".join), _VALUES)
def test_split_at_quotes_is_the_normal_form_substituted(expr: str, values: Samples) -> None:
    assert_prepared_as_defined(expr, values)


# The queries promql._between_any_quotes takes: single and double quotes, no backslash, `` ` ``, `[[` or `${`.
_ANY_QUOTE_PIECES = st.sampled_from([
    "x{a='b'}", "x{a=''}", "x{a!=''}", "x{a=~''}", "x{a!~'('}", "x{a=~ '('}", "x{a = 'b'}", "='", "'", "''", "'b'",
    "'$v'", "'a $v b'", "'\"'", "\"'\"", "'$\"", 'x{a="b"}', '"', '""', '"$v"', "$v", "$w", "$1", "$__interval",
    "rate(", ")", "[", "]", ":", " offset ", "offset", " ", "=~", "!~", "=", "!=", "~", "{", "}", ",", "5m",
])


@settings(max_examples=500)
@given(st.lists(_ANY_QUOTE_PIECES, max_size=14).map("".join), _VALUES)
def test_split_at_any_quotes_is_the_normal_form_substituted(expr: str, values: Samples) -> None:
    assert_prepared_as_defined(expr, values)


@pytest.mark.parametrize("expr", [
    'x{a=""}', 'x{a!=""}', 'x{a="b"}', 'x{a=~""}', 'x{a!~ "(" }', 'x{a="$v"}', 'x{a="p-$v-$1"}', '"b"=~"c"',
    'rate(x{a="b"}[$v]) offset $v', 'x offset\u00a0$v', 'x:$v', '"off"set $v', 'sum($v) by (le)', '"$w"$v"',
])
def test_split_at_quotes_examples(expr: str) -> None:
    values = (("v", "5"), ("w", ""))
    assert_prepared_as_defined(expr, values)


def plain_verdicts(exprs: list[str], values: Samples, label: str | None) -> dict[str, promql.Verdict]:
    """promql.dashboard_verdicts query by query: check, then unfiltered of a query that parses."""
    out: dict[str, promql.Verdict] = {}
    for expr in exprs:
        error = plain_check(expr, values)
        out[expr] = error, (promql._unfiltered(expr, values, label) if label and not error else ())
    return out


@contextmanager
def verdict_cache() -> Iterator[None]:
    """The verdict cache on, in the test's own cache folder (tests/conftest.py), off again after."""
    verdicts.enable()
    try:
        yield
    finally:
        verdicts.disable()


@settings(max_examples=60, deadline=None)
@given(st.lists(st.lists(st.one_of(_PIECES, _SPLIT_PIECES), max_size=8).map("".join), max_size=8), _VALUES,
       st.sampled_from([None, "env", "a"]))
def test_dashboard_verdicts_are_the_plain_ones(exprs: list[str], values: Samples, label: str | None) -> None:
    """Repeated queries (and parts of queries, which the dashboard's checker keeps) included; with the
    cache off, then on (cold: learnt; warm: looked up)."""
    plain = plain_verdicts(exprs, values, label)
    assert promql.dashboard_verdicts(exprs, values, label) == plain
    with verdict_cache():
        assert promql.dashboard_verdicts(exprs, values, label) == plain
        assert promql.dashboard_verdicts(exprs, values, label) == plain


@pytest.mark.parametrize("expr", [
    'up{environment="dev"}', 'up{job="a"} / on(x) down', '{"my.metric", a="b"}', '{"environment"="dev"}',
    'x{x="1"}', '{__name__="up"}', '{__name__=~"up|down", environment=~"$v"}', 'rate(x{"a.b"="c"}[5m])',
    'sum(x{environment=""}) + y{environment!="a"}', "x{environment='dev'} + y{job=`a`}", 'x{""="a"}',
    'label_replace(x{environment="1"}, "dst", "$1", "src", "(.*)") + {"y"}', 'topk($w, x{a="b"})',
])
def test_unfiltered_read_from_the_checked_tree(expr: str) -> None:
    """G503's names from the tree G501 parsed are those of the query substituted and parsed again (quoted
    names, which the normal form rewrites, send it to the plain path)."""
    values = (("v", "5"), ("w", ""))
    for label in ("environment", "a", "x"):
        assert promql.dashboard_verdicts([expr], values, label) == plain_verdicts([expr], values, label), label


def test_a_part_prepared_with_one_fallback_is_not_reused_with_the_other() -> None:
    """`topk($w, …)` parses only with `1` for an empty $w: the second try must not reuse the first's part."""
    exprs = ['x{a="b"} + topk($w, y)', 'z{a="b"} + topk($w, y)', 'topk($w, y{c="d"})']
    values = (("w", ""),)
    assert promql.dashboard_verdicts(exprs, values, None) == plain_verdicts(exprs, values, None) == \
        dict.fromkeys(exprs, (None, ()))


@pytest.mark.parametrize("name", reference_dashboards() if REFERENCE.is_dir() else ["node-exporter-full.json"])
def test_reference_dashboard_verdicts(name: str) -> None:
    exprs, values = _queries(reference_json(f"dashboards/{name}"))
    for label in (None, "environment"):
        plain = plain_verdicts(exprs, values, label)
        with verdict_cache():
            assert promql.dashboard_verdicts(exprs, values, label) == plain  # cold
            verdicts.save()
        with verdict_cache():
            assert promql.dashboard_verdicts(exprs, values, label) == plain  # read back from the shard


def test_dashboard_keys_of_queries_holding_a_nul_differ() -> None:
    """Joined by NUL, `a<NUL>b`, `c` and `a`, `b<NUL>c` would be one text: their keys are made otherwise."""
    keys = {promql._dashboard_key(distinct, (), None) for distinct in
            [("a\0b", "c"), ("a", "b\0c"), ("a", "b", "c"), ("a\0b\0c",)]}
    keys |= {promql._dashboard_key(("a", "b"), values, label)
             for values in [(), (("v", "1"),)] for label in [None, "e"]}
    assert len(keys) == 8


def test_a_remembered_entry_of_another_shape_is_not_trusted() -> None:
    exprs, values = ['x{a="b"}', "sum(rate(x[5m])", 'x{a="b"}'], (("v", "1"),)
    plain = plain_verdicts(exprs, values, "env")
    with verdict_cache():
        assert promql.dashboard_verdicts(exprs, values, "env") == plain
        (digest,) = verdicts._learnt
        for wrong in [None, "x", (), ((None, None, None), ((), (), ())), ((None, 1), ((), ())),
                      ((None, None), (("x",), (1,))), ((None,), ((),)), ((None, None), ((), "x"))]:
            verdicts.remember(digest, wrong)
            assert promql.dashboard_verdicts(exprs, values, "env") == plain
        verdicts.remember(digest, (("made up", None), (("m",), ())))
        assert promql.dashboard_verdicts(exprs, values, "env")['x{a="b"}'] == ("made up", ("m",)), \
            "the entry of the right shape is the one read"


@given(st.lists(_PIECES, max_size=10).map("".join), _VALUES)
def test_check_keeps_the_plain_verdict(expr: str, values: Samples) -> None:
    assert promql.check(expr, values) == plain_check(expr, values)


@given(st.text(alphabet='x$v{}[]:"=~! \\\n\u00a0offset_1(', max_size=30), _VALUES)
def test_prepared_on_any_text(expr: str, values: Samples) -> None:
    assert promql.prepared(expr, values) == substitute(promql.normal_form(expr), values)
