"""PromQL checks: parse with promql-parser (Prometheus' grammar, in Rust) after substitution."""

from __future__ import annotations

import re
from collections.abc import Callable, Sequence
from functools import lru_cache
from typing import Any

import promql_parser

from graf.validate import verdicts
from graf.validate.variables import DURATION_BUILTINS, NUMBER_BUILTINS, REFERENCE, Samples, substitute

# Grafana's Prometheus variable-query functions (not PromQL themselves).
_LABEL_VALUES = re.compile(r"^\s*label_values\s*\((?P<inner>.*),\s*(?P<label>[\w.]+)\s*\)\s*$", re.S)
_QUERY_RESULT = re.compile(r"^\s*query_result\s*\((?P<inner>.*)\)\s*$", re.S)
_OTHER_FUNCTIONS = re.compile(r"^\s*(label_values|label_names|metrics)\s*\(", re.S)


def check(expr: str, values: Samples = ()) -> str | None:
    """None when `expr` parses for some substitution of its variables; else the parser's message."""
    return checker(values).check(expr)


class Checker:
    """`check` and `unfiltered` for one set of samples: what depends on the samples alone (the lookup
    table, the start of each verdict key) is made once, not once per query. With `keep_parts` (a
    checker that lives as long as one dashboard) it also keeps what parts of its queries became."""

    __slots__ = ("_check_prefix", "_inside", "_lookup", "_outside", "_unfiltered_prefixes", "values")

    def __init__(self, values: Samples = (), *, keep_parts: bool = False) -> None:
        self.values = values
        self._lookup = dict(values)
        # What a verdict key holds before the query (a repr holds no NUL, so the query after the
        # last NUL is unambiguous).
        self._check_prefix = f"check\0{values!r}\0"
        self._unfiltered_prefixes: dict[str, str] = {}
        # What parts of queries became (see _between_quotes): outside literals per fallback, and inside.
        self._outside: dict[str, dict[str, str]] | None = {"x": {}, "1": {}} if keep_parts else None
        self._inside: dict[str, str] | None = {} if keep_parts else None

    def check(self, expr: str) -> str | None:
        """`check(expr, self.values)`."""
        if not verdicts.enabled():
            return self.verdict(expr)
        digest = verdicts.text_key(self._check_prefix + expr)
        known = verdicts.lookup(digest)
        if known is verdicts.MISSING:
            known = self.verdict(expr)
            verdicts.remember(digest, known)
        return known  # type: ignore[no-any-return]

    def verdict(self, expr: str) -> str | None:
        """`check` without the verdict cache."""
        return self.parsed(expr)[0]

    def parsed(self, expr: str) -> tuple[str | None, str | None]:
        """(`verdict`, the text that parsed: None when neither did)."""
        values, lookup, outside, inside = self.values, self._lookup, self._outside, self._inside
        if outside is None or inside is None:
            outside, inside = {"x": {}, "1": {}}, {}
        first = _prepare(expr, values, lookup, "x", outside["x"], inside)
        error = _error(first)
        if error is None:
            return None, first
        second = _prepare(expr, values, lookup, "1", outside["1"], inside)
        if second != first and _error(second) is None:
            return None, second
        return error, None

    def unfiltered(self, expr: str, label: str) -> tuple[str, ...]:
        """`unfiltered(expr, self.values, label)`."""
        if not verdicts.enabled():
            return _unfiltered(expr, self.values, label)
        prefix = self._unfiltered_prefixes.get(label)
        if prefix is None:
            prefix = self._unfiltered_prefixes[label] = f"unfiltered\0{self.values!r}\0{label!r}\0"
        digest = verdicts.text_key(prefix + expr)
        known = verdicts.lookup(digest)
        if known is verdicts.MISSING:
            known = _unfiltered(expr, self.values, label)
            verdicts.remember(digest, known)
        return known  # type: ignore[no-any-return]


@lru_cache(maxsize=256)
def checker(values: Samples) -> Checker:
    """The checker of `check(expr, values)` and `unfiltered(expr, values, label)` (it keeps no parts:
    it serves every dashboard with these samples)."""
    return Checker(values)


Verdict = tuple[str | None, tuple[str, ...]]  # (check's message, unfiltered's names)


def dashboard_verdicts(exprs: Sequence[str], values: Samples, label: str | None) -> dict[str, Verdict]:
    """`check` of each of one dashboard's queries and, with `label`, `unfiltered` of each that parses.

    With the verdict cache on, the verdicts of all of them are one entry, keyed by all the queries:
    a dashboard costs one key, not one per query (the cold run of a Node Exporter Full hashes one
    text instead of 276), and an unchanged one is answered by one lookup. A query edited or added
    misses the entry: the dashboard's queries are checked again (the in-process caches still hold
    every text parsed in this run)."""
    distinct = tuple(dict.fromkeys(exprs))
    if not distinct:
        return {}
    digest = _dashboard_key(distinct, values, label) if verdicts.enabled() else None
    if digest is not None:
        known = verdicts.lookup(digest)
        if _are_verdicts(known, len(distinct)):
            return dict(zip(distinct, zip(*known, strict=True), strict=True))
    # Checker(values, keep_parts=True).parsed(expr) of each query, written out in the loop: one Python
    # frame less per query, and the parts kept in locals.
    lookup, outside_x, outside_1, inside = _parts_of(values)
    prepare = _prepare
    error_of: Callable[[str], str | None] = _error_keeping_tree if label else _error
    errors: list[str | None] = []
    missing: list[tuple[str, ...]] = []
    for expr in distinct:
        first = prepare(expr, values, lookup, "x", outside_x, inside)
        text: str | None = first
        error = error_of(first)
        if error is not None:
            second = prepare(expr, values, lookup, "1", outside_1, inside)
            if second != text and error_of(second) is None:
                error, text = None, second
            else:
                text = None
        errors.append(error)
        if not label or text is None:
            missing.append(())
            continue
        names = _unfiltered_in(text, label)
        missing.append(_unfiltered(expr, values, label) if names is None else names)
    if digest is not None:
        verdicts.remember(digest, (tuple(errors), tuple(missing)))
    return dict(zip(distinct, zip(errors, missing, strict=True), strict=True))


def _dashboard_key(distinct: tuple[str, ...], values: Samples, label: str | None) -> str:
    """The verdict key of a dashboard's queries: the queries joined by NUL after a prefix of reprs (which
    hold no NUL) and their count, unambiguous when no query holds a NUL; else the repr of them all (which
    starts with `(`, as no such prefix does). The join is hashed in less than half the time of the repr."""
    joined = "\0".join(distinct)
    if joined.count("\0") != len(distinct) - 1:
        return verdicts.key("dashboard queries", values, label, distinct)
    return verdicts.text_key(f"dashboard queries\0{values!r}\0{label!r}\0{len(distinct)}\0{joined}")


def _parts_of(values: Samples) -> tuple[dict[str, str], dict[str, str], dict[str, str], dict[str, str]]:
    """The samples as a dict, and what parts of queries prepared with them became (fallback "x", "1",
    literals; see `_between_quotes`), shared by the dashboards with these samples (dashboards made from
    one template repeat their parts). Bounded: started afresh when they grow large."""
    parts = _PARTS.get(values)
    if parts is None or len(parts[1]) + len(parts[2]) + len(parts[3]) > _PARTS_LIMIT:
        if len(_PARTS) >= 16:
            _PARTS.clear()
        parts = _PARTS[values] = (dict(values), {}, {}, {})
    return parts


_PARTS: dict[Samples, tuple[dict[str, str], dict[str, str], dict[str, str], dict[str, str]]] = {}
_PARTS_LIMIT = 20000


def _are_verdicts(known: Any, count: int) -> bool:
    """Whether a remembered value has the shape `dashboard_verdicts` writes (a shard is checked, not trusted)."""
    if not (isinstance(known, tuple) and len(known) == 2):
        return False
    errors, missing = known
    return (isinstance(errors, tuple) and isinstance(missing, tuple) and len(errors) == len(missing) == count
            and all(e is None or isinstance(e, str) for e in errors)
            and all(isinstance(m, tuple) and all(isinstance(n, str) for n in m) for m in missing))


# A string literal, with what precedes it: regex matchers (=~, !~) keep their text, since the
# parser compiles them; any other string becomes "x" (or stays "" when empty) without changing whether
# the query parses: only whether a literal is empty matters (a selector needs a matcher that does not
# match the empty string: `{job="node"}` parses, `{job=""}` and `{job!="node"}` do not).
_STRING = re.compile(r'(=~|!~)?(\s*)("(?:[^"\\]|\\.)*"|\'(?:[^\'\\]|\\.)*\'|`[^`]*`)')


@lru_cache(maxsize=16384)
def normal_form(expr: str) -> str:
    """`expr` with each non-empty non-regex string literal written "x": the cache key of `check`, so queries
    that differ only in label values (`environment="dev"` / `"prod"`) are parsed once."""
    if '"' not in expr and "'" not in expr and "`" not in expr:
        return expr
    return _STRING.sub(lambda m: m.group(0) if m.group(1) or "$" in m.group(3) else m.group(2) + _blank(m.group(3)),
                       expr)


def _blank(literal: str) -> str:
    """A literal (quotes included) in the normal form: "" when it is empty, else "x"."""
    return '""' if len(literal) == 2 else '"x"'


@lru_cache(maxsize=16384)
def _error(text: str) -> str | None:
    """Cached by the text parsed: dashboards per environment (and panels copied between dashboards)
    repeat queries, and the normal form makes queries that differ in label values one. The tree is
    dropped at once (keeping it, as `_parsed` does, costs a Node Exporter Full 0.3 ms)."""
    return _parse(text)[1]


def _error_keeping_tree(text: str) -> str | None:
    """`_error`, with the tree kept by `_parsed` for the G503 check that follows."""
    return _parsed(text)[1]


# One scan finds both what `normal_form` empties and what `substitute` replaces: a literal that is one
# `$name` (group 1), any other double-quoted literal (group 2), or a variable reference (REFERENCE's
# alternatives, groups 3-8). Each alternative starts with a plain character, so the regex engine
# jumps from one `"`, `$` or `[` to the next instead of trying every position.
_TOKEN = re.compile(r'"(\$\w+)"|"((?:[^"\\]|\\.)*)"|\$(\w+)|\[\[(\w+?)(?::(\w+))?\]\]'
                    r"|\$\{(\w+)(?:\.([^:^}]+))?(?::([^}]+))?\}")
# A `${...}` with a quote inside may reach across a literal's edge: the plain two passes decide then.
_BRACED_QUOTE = re.compile(r'\$\{[^}]*"')


def prepared(expr: str, values: Samples = (), fallback: str = "x") -> str:
    """`substitute(normal_form(expr), values, fallback=fallback)`, the text `check` parses, in one scan
    of `expr` (tests/validate/test_fast_queries.py holds it to that definition)."""
    return _prepare(expr, values, _lookup(values), fallback, {}, {})


def _prepare(expr: str, values: Samples, lookup: dict[str, str], fallback: str, outside: dict[str, str],
             inside: dict[str, str]) -> str:
    """`prepared`, given the samples also as a dict (`lookup`, made once per dashboard by `Checker`) and
    what parts of queries prepared with these samples (and `fallback`) became (see `_between_quotes`)."""
    if "'" not in expr and "`" not in expr and "\\" not in expr and "[[" not in expr and "${" not in expr:
        # the common query, told by five scans (the checks below make seven of it)
        parts = expr.split('"')
        if len(parts) % 2:
            return _between_quotes(parts, lookup, fallback, outside, inside)
    if "$" not in expr and "[[" not in expr and '"' not in expr and "'" not in expr and "`" not in expr:
        return expr
    if "'" in expr and "`" not in expr and "\\" not in expr and "[[" not in expr and "${" not in expr:
        parts = _QUOTED_SPLIT(expr)
        if not any('"' in part or "'" in part for part in parts[::2]):
            return _between_any_quotes(parts, lookup, fallback, outside, inside)
    if "'" in expr or "`" in expr or ("${" in expr and _BRACED_QUOTE.search(expr)):
        # normal_form writes every emptied literal with double quotes, so a '…' or `…` one can pair
        # with a stray quote and move the literals `substitute` sees; a `${…}` holding a quote may
        # reach across a literal's edge. Both rare: the plain passes decide them.
        return substitute(normal_form(expr), values, fallback=fallback)
    if "\\" not in expr and "[[" not in expr and "${" not in expr:
        parts = expr.split('"')
        if len(parts) % 2:
            return _between_quotes(parts, lookup, fallback, outside, inside)

    def replace(match: re.Match[str]) -> str:
        which = match.lastindex
        if which == 1:  # "$name": a variable inside a literal is any text
            return '"x"'
        if which == 2:
            literal = match.group(0)
            if "$" in literal:
                return _REFERENCE_SUB("x", literal)
            start = match.start()
            if start and expr[start - 1] == "=":  # `="…"` or `!="…"`: blanked
                return _blank(literal)
            if _after_regex_operator(expr, start):
                return _REFERENCE_SUB("x", literal) if "[[" in literal else literal
            return _blank(literal)
        name = match.group(3) or match.group(4) or match.group(6)
        if name in DURATION_BUILTINS or _wants_duration(expr, match.start()):
            return "5m"
        if name in NUMBER_BUILTINS:
            return "60"
        return lookup.get(name) or fallback

    return _TOKEN.sub(replace, expr)


_REFERENCE_SUB = REFERENCE.sub


def _between_quotes(parts: list[str], lookup: dict[str, str], fallback: str, outside: dict[str, str],
                    inside: dict[str, str]) -> str:
    """`prepared` of a query split at its double quotes, when it has no backslash, `'`, `` ` ``, `[[` or
    `${` and its quotes pair up: then the odd parts are its literals (the scan of _TOKEN would find
    exactly those), and a reference outside them sees its own part only, since a quote before it is
    neither `[`, `:` nor part of `offset`. Most queries take this path: no regex callback per literal.

    A part holding a `$` is the same text in many queries of a dashboard (`"$node"`, `[$__rate_interval])`):
    `outside` (for this `fallback`) and `inside` (literals) keep what each became."""
    return '"'.join(_filled(parts, lookup, fallback, outside, inside, quote=""))


# A literal in either quotes holding neither quote: the split of a query whose literals all are such
# (no quote is left between them) pairs its quotes as normal_form and substitute do.
_QUOTED_SPLIT = re.compile(r"(\"[^\"']*\"|'[^\"']*')").split


def _between_any_quotes(parts: list[str], lookup: dict[str, str], fallback: str, outside: dict[str, str],
                        inside: dict[str, str]) -> str:
    """`_between_quotes` of a query with `'…'` literals too (Node Exporter Full's `mode!='idle'`), split by
    `_QUOTED_SPLIT` into the text between literals (even parts) and the literals with their quotes (odd):
    a regex or `$` literal keeps its quotes as normal_form does, any other is written `"x"` or `""`."""
    return "".join(_filled(parts, lookup, fallback, outside, inside, quote='"'))


def _filled(parts: list[str], lookup: dict[str, str], fallback: str, outside: dict[str, str], inside: dict[str, str],
            quote: str) -> list[str]:
    """`parts` (literals at odd places, written with `quote` around them or without) made what `prepared` makes
    of them, in place: literals first, while the parts between them are as written."""
    empty, blanked = quote * 2, quote + "x" + quote
    for i in range(1, len(parts), 2):
        literal = parts[i]
        if "$" in literal:  # a variable inside a literal is any text
            done = inside.get(literal)
            if done is None:
                done = inside[literal] = _DOLLAR_SUB("x", literal)
            parts[i] = done
        elif not ("~" in (before := parts[i - 1]) and before.rstrip().endswith(("=~", "!~"))):
            parts[i] = blanked if len(literal) > len(empty) else empty  # a regex is kept: the parser compiles it
    for i in range(0, len(parts), 2):
        if "$" in (part := parts[i]):
            done = outside.get(part)
            if done is None:
                done = outside[part] = _outside(part, lookup, fallback)
            parts[i] = done
    return parts


_DOLLAR = re.compile(r"\$(\w+)")
_DOLLAR_SUB = _DOLLAR.sub


def _outside(text: str, lookup: dict[str, str], fallback: str) -> str:
    """A part of the query between two literals with its `$name` references substituted."""
    def replace(match: re.Match[str]) -> str:
        name = match.group(1)
        if name in DURATION_BUILTINS or _wants_duration(text, match.start()):
            return "5m"
        if name in NUMBER_BUILTINS:
            return "60"
        return lookup.get(name) or fallback

    return _DOLLAR_SUB(replace, text)


@lru_cache(maxsize=256)
def _lookup(values: Samples) -> dict[str, str]:
    return dict(values)


def _after_regex_operator(expr: str, start: int) -> bool:
    """Whether the literal at `start` follows `=~` or `!~` (whitespace between): normal_form keeps it."""
    i = start - 1
    while i >= 0 and expr[i].isspace():
        i -= 1
    return i >= 1 and expr[i] == "~" and expr[i - 1] in "=!"


def _wants_duration(expr: str, start: int) -> bool:
    """Whether the text before `start` ends (whitespace aside) in `[`, `:` or `offset`, as in substitute."""
    i = start - 1
    while i >= 0 and expr[i].isspace():
        i -= 1
    return i >= 0 and (expr[i] in "[:" or expr.endswith("offset", 0, i + 1))


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
    """`_parse`, a few recent ones kept: G501 (`check`) and G503 (`unfiltered`) read the same substituted
    query one after the other, and parse it once."""
    return _parse(text)


def _parse(text: str) -> tuple[Any, str | None]:
    """(tree, None) or (None, the parser's message)."""
    try:
        return promql_parser.parse(text), None
    except ValueError as exc:
        return None, str(exc) or "does not parse"


def unfiltered(expr: str, values: Samples, label: str) -> tuple[str, ...]:
    """Metric names of the selectors in `expr` that have no matcher on `label` ("" for a selector
    without a metric name; empty when the query does not parse: G501 reports that)."""
    return checker(values).unfiltered(expr, label)


@lru_cache(maxsize=16384)
def _unfiltered(expr: str, values: Samples, label: str) -> tuple[str, ...]:
    tree = None
    for fallback in ("x", "1"):
        tree = _parsed(substitute(expr, values, fallback=fallback))[0]
        if tree is not None:
            break
    return () if tree is None else _missing(tree, label, frozenset()) or ()


def _unfiltered_in(prepared_text: str, label: str) -> tuple[str, ...] | None:
    """`unfiltered` read from the tree `check` parsed (the normal form, substituted), so a rendered query
    is parsed once for G501 and G503, not twice: that text parses exactly when the query substituted
    does (what the normal form keeps), with the same selectors, metric names and matcher names, unless
    a name is itself a literal (Prometheus 3 quotes names: `{"my.metric", "a.b"="c"}`, which the normal
    form writes `"x"` or leaves `""`, and a quoted metric name is a `__name__` matcher). None when a
    matcher has one of those names: the caller parses the query substituted instead."""
    tree = _parsed(prepared_text)[0]
    return None if tree is None else _missing(tree, label, _NAMES_FROM_LITERALS)


_NAMES_FROM_LITERALS = frozenset({"x", "", "__name__"})


def _missing(tree: Any, label: str, suspect: frozenset[str]) -> tuple[str, ...] | None:
    """Metric names of the selectors of `tree` without a matcher on `label` (see `unfiltered`); None when
    a matcher's name is in `suspect`."""
    missing: list[str] = []
    seen_suspect = False

    def visit(node: object) -> None:
        nonlocal seen_suspect
        if isinstance(node, promql_parser.VectorSelector):
            names = [m.name for m in node.matchers.matchers]
            if suspect and not suspect.isdisjoint(names):
                seen_suspect = True
            elif label not in names:
                missing.append(node.name or "")  # "": a selector by __name__ matchers alone

    promql_parser.walk(tree, visit, None)
    return None if seen_suspect else tuple(dict.fromkeys(missing))
