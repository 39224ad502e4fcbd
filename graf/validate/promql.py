"""PromQL checks: parse with promql-parser (Prometheus' grammar, in Rust) after substitution."""

from __future__ import annotations

import re
from functools import lru_cache
from typing import Any

from graf.validate import verdicts
from graf.validate.variables import Samples, substitute

# Grafana's Prometheus variable-query functions (not PromQL themselves).
_LABEL_VALUES = re.compile(r"^\s*label_values\s*\((?P<inner>.*),\s*(?P<label>[\w.]+)\s*\)\s*$", re.S)
_QUERY_RESULT = re.compile(r"^\s*query_result\s*\((?P<inner>.*)\)\s*$", re.S)
_OTHER_FUNCTIONS = re.compile(r"^\s*(label_values|label_names|metrics)\s*\(", re.S)


def check(expr: str, values: Samples = ()) -> str | None:
    """None when `expr` parses for some substitution of its variables; else the parser's message."""
    if not verdicts.enabled():
        return _check(normal_form(expr), values)
    digest = verdicts.key("check", expr, values)
    known = verdicts.lookup(digest)
    if known is verdicts.MISSING:
        known = _check(normal_form(expr), values)
        verdicts.remember(digest, known)
    return known  # type: ignore[no-any-return]


# A string literal, with what precedes it: regex matchers (=~, !~) keep their text, since the
# parser compiles them; any other string can be emptied without changing whether the query parses.
_STRING = re.compile(r'(=~|!~)?(\s*)("(?:[^"\\]|\\.)*"|\'(?:[^\'\\]|\\.)*\'|`[^`]*`)')


@lru_cache(maxsize=16384)
def normal_form(expr: str) -> str:
    """`expr` with its non-regex string literals emptied: the cache key of `check`, so queries that
    differ only in label values (`environment="dev"` / `"prod"`) are parsed once."""
    if '"' not in expr and "'" not in expr and "`" not in expr:
        return expr
    return _STRING.sub(lambda m: m.group(0) if m.group(1) or "$" in m.group(3) else m.group(2) + '""', expr)


@lru_cache(maxsize=16384)
def _check(expr: str, values: Samples) -> str | None:
    """Cached: dashboards per environment (and panels copied between dashboards) repeat queries."""
    first = substitute(expr, values)
    error = parse_error(first)
    if error is None:
        return None
    second = substitute(expr, values, fallback="1")
    if second != first and parse_error(second) is None:
        return None
    return error


def check_variable_query(query: str, values: Samples = ()) -> str | None:
    """Grafana's `label_values(selector, label)` / `query_result(expr)`: the PromQL inside must parse."""
    match = _LABEL_VALUES.match(query) or _QUERY_RESULT.match(query)
    if match:
        return check(match.group("inner"), values)
    if _OTHER_FUNCTIONS.match(query) or not query.strip():
        return None
    return check(query, values)


def parse_error(expr: str) -> str | None:
    """promql-parser's message for `expr`, None when it parses."""
    return _parsed(expr)[1]


@lru_cache(maxsize=64)
def _parsed(text: str) -> tuple[Any, str | None]:
    """(tree, None) or (None, the parser's message). A few recent ones are kept: G501 (`check`) and G503
    (`unfiltered`) read the same substituted query one after the other, and parse it once."""
    import promql_parser

    try:
        return promql_parser.parse(text), None
    except ValueError as exc:
        return None, str(exc) or "does not parse"


def unfiltered(expr: str, values: Samples, label: str) -> tuple[str, ...]:
    """Metric names of the selectors in `expr` that have no matcher on `label` ("" for a selector
    without a metric name; empty when the query does not parse: G501 reports that)."""
    if not verdicts.enabled():
        return _unfiltered(expr, values, label)
    digest = verdicts.key("unfiltered", expr, values, label)
    known = verdicts.lookup(digest)
    if known is verdicts.MISSING:
        known = _unfiltered(expr, values, label)
        verdicts.remember(digest, known)
    return known  # type: ignore[no-any-return]


@lru_cache(maxsize=16384)
def _unfiltered(expr: str, values: Samples, label: str) -> tuple[str, ...]:
    import promql_parser

    tree = None
    for fallback in ("x", "1"):
        tree = _parsed(substitute(expr, values, fallback=fallback))[0]
        if tree is not None:
            break
    missing: list[str] = []

    def visit(node: object) -> None:
        if isinstance(node, promql_parser.VectorSelector) and \
                not any(m.name == label for m in node.matchers.matchers):
            missing.append(node.name or "")  # "": a selector by __name__ matchers alone

    if tree is not None:
        promql_parser.walk(tree, visit, None)
    return tuple(dict.fromkeys(missing))
