"""LogQL stream selector checks, without a LogQL parser (none is packaged for Python).

Loki rejects a query whose braces do not balance, which has no stream selector, or whose
selector has no matcher (`{}`), or only matchers that match the empty string. Strings ("…",
`…`) are skipped, so `line_format "{{.msg}}"` is not mistaken for a selector.
"""

from __future__ import annotations

import re

_MATCHER = re.compile(r'^\s*([A-Za-z_][A-Za-z0-9_]*)\s*(=~|!~|!=|=)\s*("(?:[^"\\]|\\.)*"|`[^`]*`)\s*$', re.S)
_OPEN = {"(": ")", "[": "]", "{": "}"}
_CLOSE = {v: k for k, v in _OPEN.items()}


def check(expr: str) -> str | None:
    """None when the stream selectors of `expr` are well formed; else what is wrong."""
    problem, _ = _scan(expr)
    return problem


def stream_labels(expr: str) -> list[set[str]]:
    """The label names each stream selector of `expr` matches on (empty when it is malformed)."""
    problem, selectors = _scan(expr)
    if problem:
        return []
    return [{m.group(1) for m in map(_MATCHER.match, _split(s)) if m} for s in selectors]


def _scan(expr: str) -> tuple[str | None, list[str]]:
    if not expr.strip():
        return None, []
    stack: list[tuple[str, int]] = []
    selectors: list[str] = []
    i = 0
    n = len(expr)
    while i < n:
        ch = expr[i]
        if ch in "\"`":
            end = _string_end(expr, i)
            if end < 0:
                return f"unterminated string starting at character {i + 1}", []
            i = end + 1
            continue
        if ch in _OPEN:
            stack.append((ch, i))
        elif ch in _CLOSE:
            if not stack or stack[-1][0] != _CLOSE[ch]:
                return f"unbalanced {ch!r} at character {i + 1}", []
            opener, start = stack.pop()
            if opener == "{":
                selectors.append(expr[start + 1 : i])
        i += 1
    if stack:
        opener, start = stack[-1]
        return f"unclosed {opener!r} at character {start + 1}", []
    if not selectors:
        return "no stream selector: a LogQL query starts from {label=\"value\"}", []
    for selector in selectors:
        problem = _selector_problem(selector)
        if problem:
            return problem, []
    return None, selectors


def _selector_problem(selector: str) -> str | None:
    matchers = _split(selector)
    if not matchers:
        return "stream selector {} has no matcher"
    for text in matchers:
        if not _MATCHER.match(text):
            return f"not a label matcher: {text.strip()!r} (expected label=\"value\", !=, =~ or !~)"
    if not any(_not_empty(_MATCHER.match(text)) for text in matchers):
        return ("stream selector {" + selector.strip() + "} only has matchers that match empty values; "
                "Loki needs one = or =~ matcher that does not")
    return None


def _not_empty(match: re.Match[str] | None) -> bool:
    if match is None:
        return False
    op, value = match.group(2), match.group(3)[1:-1]
    if op == "=":
        return value != ""
    if op == "=~":
        try:
            return re.fullmatch(value.replace("\\\\", "\\"), "") is None
        except re.error:
            return True  # RE2 syntax Python does not know; Loki will judge it
    return False


def _split(selector: str) -> list[str]:
    parts, current, i = [], [], 0
    while i < len(selector):
        ch = selector[i]
        if ch in "\"`":
            end = _string_end(selector, i)
            current.append(selector[i : end + 1])
            i = end + 1
            continue
        if ch == ",":
            parts.append("".join(current))
            current = []
        else:
            current.append(ch)
        i += 1
    parts.append("".join(current))
    return [p for p in parts if p.strip()]


def _string_end(text: str, start: int) -> int:
    quote = text[start]
    i = start + 1
    while i < len(text):
        if text[i] == "\\" and quote == '"':
            i += 2
            continue
        if text[i] == quote:
            return i
        i += 1
    return -1
