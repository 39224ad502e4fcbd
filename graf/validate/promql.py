"""PromQL checks: parse with promql-parser (Prometheus' grammar, in Rust) after substitution."""

from __future__ import annotations

import re
from functools import lru_cache

from graf.validate.variables import Samples, substitute

# Grafana's Prometheus variable-query functions (not PromQL themselves).
_LABEL_VALUES = re.compile(r"^\s*label_values\s*\((?P<inner>.*),\s*(?P<label>[\w.]+)\s*\)\s*$", re.S)
_QUERY_RESULT = re.compile(r"^\s*query_result\s*\((?P<inner>.*)\)\s*$", re.S)
_OTHER_FUNCTIONS = re.compile(r"^\s*(label_values|label_names|metrics)\s*\(", re.S)


@lru_cache(maxsize=16384)
def check(expr: str, values: Samples = ()) -> str | None:
    """None when `expr` parses for some substitution of its variables; else the parser's message.
    Cached: dashboards per environment (and panels copied between dashboards) repeat queries."""
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
    import promql_parser

    try:
        promql_parser.parse(expr)
    except ValueError as exc:
        return str(exc) or "does not parse"
    return None
