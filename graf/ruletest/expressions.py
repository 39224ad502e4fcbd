"""Grafana's server-side expressions over instant results: reduce, math, threshold.

Each follows Grafana's source (grafana/grafana, pkg/expr); the file is named at each function.
graf's rules query instant vectors, so every input here is a list of `Number`s (labels and a
value, None for Grafana's null); a time-series input (a range query) is not supported and says so.
"""

from __future__ import annotations

import math
import re
from collections.abc import Callable, Mapping
from dataclasses import dataclass, replace

from graf.resources import JSON

Labels = tuple[tuple[str, str], ...]


@dataclass(frozen=True)
class Number:
    labels: Labels
    value: float | None


class ExpressionError(ValueError):
    """The expression model cannot be executed (Grafana fails the evaluation: state Error)."""


Values = list[Number]


# ---------------------------------------------------------------------------- reduce


def _is_non_number(v: float | None) -> bool:
    return v is None or math.isnan(v) or math.isinf(v)


def reduce(model: JSON, inputs: Values) -> Values:
    """pkg/expr/commands.go ReduceCommand.Execute with pkg/expr/mathexp/reduce.go's mappers.

    An instant input is already reduced, so the reducer itself is a no-op on it ("Reduce operation
    is not needed"); only the mode acts: dropNN drops null, NaN and ±Inf values (DropNonNumber.
    MapInput), replaceNN puts `replaceWithValue` in their place (ReplaceNonNumberWithValue).
    Without a mode the value passes as it is, NaN included.
    """
    reducer = str(model.get("reducer", ""))
    if reducer.lower() not in ("sum", "mean", "min", "max", "count", "last"):
        raise ExpressionError(f"reduction {reducer} not implemented")
    settings = model.get("settings") or {}
    if not isinstance(settings, dict):
        raise ExpressionError("field settings must be an object")
    mode = settings.get("mode") or ""
    replacement = settings.get("replaceWithValue")
    if mode not in ("", "dropNN", "replaceNN"):
        raise ExpressionError(f"reducer mode '{mode}' is not supported. Supported only: [dropNN,replaceNN]")
    if mode == "replaceNN" and (isinstance(replacement, bool) or not isinstance(replacement, (int, float))):
        raise ExpressionError("setting replaceWithValue must be a number when mode is 'replaceNN'")
    out = []
    for number in inputs:
        value = number.value
        if mode == "dropNN" and _is_non_number(value):
            continue
        if mode == "replaceNN" and _is_non_number(value):
            value = float(replacement)  # type: ignore[arg-type]  # checked above
        out.append(replace(number, value=value))
    return out


def reduce_series(reducer: str, values: list[float | None], mode: str = "", replacement: float = 0.0) -> float | None:
    """The reducers of pkg/expr/mathexp/reduce.go over one series' points (used for a range input).

    Sum/mean/min/max give NaN as soon as one point is null or NaN; mean of nothing is NaN (0/0),
    min/max/last of nothing NaN, sum of nothing 0, count counts every point. dropNN removes
    non-numbers first and turns a NaN result into null; replaceNN replaces both.
    """
    if mode == "dropNN":
        values = [v for v in values if not _is_non_number(v)]
    elif mode == "replaceNN":
        values = [replacement if _is_non_number(v) else v for v in values]
    nan = math.nan
    result: float | None
    name = reducer.lower()
    if name == "count":
        result = float(len(values))
    elif name == "last":
        result = values[-1] if values else nan
    elif any(v is None or math.isnan(v) for v in values):
        result = nan
    elif name == "sum":
        result = float(sum(v for v in values if v is not None))
    elif name == "mean":
        total = float(sum(v for v in values if v is not None))
        result = total / len(values) if values else nan
    elif name in ("min", "max"):
        numbers = [v for v in values if v is not None]
        result = (min(numbers) if name == "min" else max(numbers)) if numbers else nan
    else:
        raise ExpressionError(f"reduction {reducer} not implemented")
    if result is not None and math.isnan(result):
        if mode == "dropNN":
            return None
        if mode == "replaceNN":
            return replacement
    return result


# ---------------------------------------------------------------------------- threshold

_PREDICATES: Mapping[str, tuple[int, Callable[[float, list[float]], bool]]] = {
    "gt": (1, lambda f, p: f > p[0]),
    "lt": (1, lambda f, p: f < p[0]),
    "eq": (1, lambda f, p: f == p[0]),
    "ne": (1, lambda f, p: f != p[0]),
    "gte": (1, lambda f, p: f >= p[0]),
    "lte": (1, lambda f, p: f <= p[0]),
    "within_range": (2, lambda f, p: p[0] < f < p[1]),
    "outside_range": (2, lambda f, p: f < p[0] or f > p[1]),
    "within_range_included": (2, lambda f, p: p[0] <= f <= p[1]),
    "outside_range_included": (2, lambda f, p: f <= p[0] or f >= p[1]),
}


def threshold(model: JSON, inputs: Values) -> Values:
    """pkg/expr/threshold.go ThresholdCommand: 1 where the predicate holds, 0 where not, null stays null.

    Exactly one condition; its evaluator's type picks the predicate (gt, lt, eq, ne, gte, lte,
    within_range and outside_range exclusive, the *_included variants inclusive). NaN compares
    false everywhere (Go's float comparisons), so `ne` is the one NaN satisfies.
    """
    conditions = model.get("conditions")
    if not isinstance(conditions, list) or len(conditions) != 1:
        raise ExpressionError("threshold expression requires exactly one condition")
    evaluator = (conditions[0] or {}).get("evaluator") or {}
    kind = str(evaluator.get("type"))
    params = [float(p) for p in evaluator.get("params") or []]
    if kind not in _PREDICATES:
        raise ExpressionError(f"expected threshold function to be one of [{', '.join(_PREDICATES)}], got {kind}")
    need, predicate = _PREDICATES[kind]
    if len(params) < need:
        raise ExpressionError(f"incorrect number of arguments for threshold function '{kind}': "
                              f"got {len(params)} but need {need}")
    if (conditions[0] or {}).get("unloadEvaluator") is not None:
        raise ExpressionError("threshold with a recovery threshold (hysteresis) is not supported by graf test")
    return [replace(n, value=None if n.value is None else float(predicate(n.value, params))) for n in inputs]


# ---------------------------------------------------------------------------- math

_TOKEN = re.compile(r"\s*(?:(\d+\.?\d*(?:[eE][-+]?\d+)?|\.\d+(?:[eE][-+]?\d+)?)"
                    r"|\$\{([^}]+)\}|\$([A-Za-z_][A-Za-z0-9_]*)"
                    r"|([A-Za-z_][A-Za-z0-9_]*)|(\*\*|&&|\|\||==|!=|>=|<=|[-+*/%<>!()]))")
# Binary operators by precedence, lowest first (pkg/expr/mathexp/parse/lex.go, parse.go).
_LEVELS = (("||",), ("&&",), ("==", "!=", ">", "<", ">=", "<="), ("+", "-"), ("*", "/", "%"), ("**",))
_FUNCS: Mapping[str, Callable[[float], float]] = {
    "abs": abs, "ceil": lambda v: float(math.ceil(v)) if math.isfinite(v) else v,
    "floor": lambda v: float(math.floor(v)) if math.isfinite(v) else v,
    "round": lambda v: float(math.floor(v + 0.5) if v >= 0 else -math.floor(-v + 0.5)) if math.isfinite(v) else v,
    "log": lambda v: math.log(v) if v > 0 else (-math.inf if v == 0 else math.nan),
    "is_nan": lambda v: float(math.isnan(v)), "is_inf": lambda v: float(math.isinf(v)),
    "is_number": lambda v: float(math.isfinite(v)),
}
Node = tuple  # ("num", float) | ("var", name) | ("un", op, node) | ("bin", op, l, r) | ("fn", name, node)


def _tokens(text: str) -> list[str]:
    out, pos = [], 0
    while pos < len(text.rstrip()):
        match = _TOKEN.match(text, pos)
        if not match or match.end() == pos:
            raise ExpressionError(f"cannot parse math expression at {text[pos:]!r}")
        number, braced, var, name, op = match.groups()
        out.append(number if number is not None else "$" + (braced or var) if (braced or var) else name or op)
        pos = match.end()
    return out


def parse_math(text: str) -> Node:
    tokens = _tokens(text)
    node, rest = _parse_level(tokens, 0)
    if rest:
        raise ExpressionError(f"unexpected {rest[0]!r} in math expression {text!r}")
    return node


def _parse_level(tokens: list[str], level: int) -> tuple[Node, list[str]]:
    if level == len(_LEVELS):
        return _parse_unary(tokens)
    left, tokens = _parse_level(tokens, level + 1)
    while tokens and tokens[0] in _LEVELS[level]:
        op = tokens[0]
        right, tokens = _parse_level(tokens[1:], level + 1)
        left = ("bin", op, left, right)
    return left, tokens


def _parse_unary(tokens: list[str]) -> tuple[Node, list[str]]:
    if not tokens:
        raise ExpressionError("math expression ends early")
    head, rest = tokens[0], tokens[1:]
    if head in ("-", "!"):
        node, rest = _parse_unary(rest)
        return ("un", head, node), rest
    if head == "(":
        node, rest = _parse_level(rest, 0)
        if not rest or rest[0] != ")":
            raise ExpressionError("missing ) in math expression")
        return node, rest[1:]
    if head.startswith("$"):
        return ("var", head[1:]), rest
    if head in _FUNCS or head == "is_null":
        if not rest or rest[0] != "(":
            raise ExpressionError(f"{head} needs (...)")
        node, rest = _parse_level(rest[1:], 0)
        if not rest or rest[0] != ")":
            raise ExpressionError("missing ) in math expression")
        return ("fn", head, node), rest[1:]
    try:
        return ("num", float(head)), rest
    except ValueError:
        raise ExpressionError(f"unknown name {head!r} in math expression") from None


def _binary(op: str, a: float, b: float) -> float:
    try:
        if op == "+":
            return a + b
        if op == "-":
            return a - b
        if op == "*":
            return a * b
        if op == "/":
            return a / b if b != 0 else (math.nan if a == 0 or math.isnan(a) else math.copysign(math.inf, a) * (
                math.copysign(1, b)))
        if op == "%":
            return math.fmod(a, b) if b != 0 else math.nan
        if op == "**":
            return math.pow(a, b)
    except (OverflowError, ValueError):
        return math.nan
    comparisons = {"==": a == b, "!=": a != b, ">": a > b, "<": a < b, ">=": a >= b, "<=": a <= b,
                   "&&": bool(a) and bool(b), "||": bool(a) or bool(b)}
    return float(comparisons[op])


def _union(left: Values, right: Values) -> list[tuple[Labels, float | None, float | None]]:
    """pkg/expr/mathexp/exp.go union: pair items whose labels are equal or one a subset of the other
    (the result keeps the larger set); with no pair at all, a lone item on each side still pairs."""
    pairs = []
    for a in left:
        for b in right:
            la, lb = set(a.labels), set(b.labels)
            if la == lb or la <= lb or lb <= la:
                pairs.append((a.labels if len(la) >= len(lb) else b.labels, a.value, b.value))
    if not pairs and len(left) == 1 and len(right) == 1:
        pairs.append((left[0].labels, left[0].value, right[0].value))
    return pairs


def math_expression(model: JSON, variables: Mapping[str, Values]) -> Values:
    """pkg/expr/mathexp/exp.go: the expression over each labelled item; null in gives null out."""
    text = model.get("expression")
    if not isinstance(text, str) or not text.strip():
        raise ExpressionError("math expression is expected to be a string")
    return _walk(parse_math(text), variables)


def _walk(node: Node, variables: Mapping[str, Values]) -> Values:
    kind = node[0]
    if kind == "num":
        return [Number((), node[1])]
    if kind == "var":
        if node[1] not in variables:
            raise ExpressionError(f"unknown variable ${node[1]}")
        return list(variables[node[1]])
    if kind == "un":
        inner = _walk(node[2], variables)
        fn: Callable[[float], float] = (lambda v: -v) if node[1] == "-" else (lambda v: float(not v))
        return [replace(n, value=None if n.value is None else fn(n.value)) for n in inner]
    if kind == "fn":
        inner = _walk(node[2], variables)
        if node[1] == "is_null":
            return [replace(n, value=float(n.value is None)) for n in inner]
        func = _FUNCS[node[1]]
        return [replace(n, value=None if n.value is None else func(n.value)) for n in inner]
    left, right = _walk(node[2], variables), _walk(node[3], variables)
    return [Number(labels, None if a is None or b is None else _binary(node[1], a, b))
            for labels, a, b in _union(left, right)]
