"""Template variable references, the way Grafana's template service finds them.

`$var`, `${var}`, `${var:format}`, `${var.field}` and the legacy `[[var]]` / `[[var:format]]`.
Names starting with `__` are Grafana's built-ins (`$__rate_interval`, `${__from}`,
`${__value.raw}`, …); `$1` and friends are regex back-references, not variables.
"""

from __future__ import annotations

import bisect
import re
from collections.abc import Iterable, Iterator
from typing import Any

# The same alternatives as Grafana's `variableRegex` (public/app/features/variables/utils.ts).
REFERENCE = re.compile(r"\$(\w+)|\[\[(\w+?)(?::(\w+))?\]\]|\$\{(\w+)(?:\.([^:^}]+))?(?::([^}]+))?\}")

# Old names Grafana still resolves for some datasources (InfluxDB/Graphite era): used without a
# definition they are not undefined; a dashboard may still define a variable of that name.
LEGACY_BUILTINS = frozenset({"timeFilter", "interval"})

# Built-ins that stand for a duration (substituted as `5m`) or a number (substituted as `60`).
DURATION_BUILTINS = frozenset({"__interval", "__rate_interval", "__range", "__auto", "interval"})
NUMBER_BUILTINS = frozenset({"__interval_ms", "__rate_interval_ms", "__range_s", "__range_ms", "__from", "__to"})


def names(text: str, *, builtins: bool = False) -> Iterator[str]:
    """Variable names referenced in `text`; built-ins and back-references only when `builtins`."""
    if "$" not in text and "[[" not in text:
        return iter(())
    found = (g[0] or g[1] or g[3] for g in REFERENCE.findall(text))
    return found if builtins else (n for n in found if is_user_variable(n))


def is_user_variable(name: str) -> bool:
    return not (name.startswith("__") or name[0].isdigit())


# Keys whose values never hold a variable reference Grafana would replace, skipped for speed:
# layout, field styling (plugin `custom` options, threshold steps, colours), and a variable's
# stored selection and options. Of a panel's `options` object only the strings directly in it
# are read (a text panel's `content`, a dashboard list's `query`); legend and tooltip settings
# below it hold none.
NEVER_INTERPOLATED = frozenset({"gridPos", "custom", "thresholds", "color", "current", "options"})


def used_names(value: Any, into: set[str]) -> None:
    """Add every name referenced anywhere in `value`, built-ins included, to `into` (the fast pass:
    no paths; filter with `is_user_variable`)."""
    if type(value) is dict:
        for key, item in value.items():
            kind = type(item)
            if kind is str:
                if "$" in item or "[[" in item:
                    _add_names(item, into)
            elif kind is dict and key == "options":
                for text in item.values():
                    if type(text) is str and ("$" in text or "[[" in text):
                        _add_names(text, into)
            elif (kind is dict or kind is list) and key not in NEVER_INTERPOLATED:
                used_names(item, into)
    elif type(value) is list:
        for item in value:
            kind = type(item)
            if kind is str:
                if "$" in item or "[[" in item:
                    _add_names(item, into)
            elif kind is dict or kind is list:
                used_names(item, into)
    elif type(value) is str and ("$" in value or "[[" in value):
        _add_names(value, into)


def _add_names(text: str, into: set[str]) -> None:
    """`into.update(names(text, builtins=True))` without a generator per string."""
    for dollar, brackets, _, braced, _, _ in _FINDALL(text):
        into.add(dollar or brackets or braced)


_FINDALL = REFERENCE.findall


def strings(value: Any, skip: frozenset[str] = frozenset()) -> Iterator[tuple[tuple[str | int, ...], str]]:
    """Every string inside `value` with its JSON path, not descending into keys in `skip`
    (of a panel's `options` object, only its direct strings, as in `used_names`)."""
    stack: list[tuple[tuple[str | int, ...], Any]] = [((), value)]
    while stack:
        parts, node = stack.pop()
        if isinstance(node, str):
            yield parts, node
        elif isinstance(node, dict):
            for k, v in node.items():
                if k == "options" and isinstance(v, dict):
                    stack.extend(((*parts, k, k2), v2) for k2, v2 in v.items() if isinstance(v2, str))
                elif k not in skip:
                    stack.append(((*parts, k), v))
        elif isinstance(node, list):
            stack.extend(((*parts, i), v) for i, v in enumerate(node))


Samples = tuple[tuple[str, str], ...]


def samples(variables: Iterable[Any]) -> Samples:
    """(name, value to substitute) per variable: hashable, so query checks can be cached per dashboard."""
    out = []
    for variable in variables:
        if isinstance(variable, dict) and isinstance(variable.get("name"), str):
            out.append((variable["name"], _sample(variable)))
    return tuple(sorted(out))


def substitute(expr: str, values: Samples = (), *, fallback: str = "x") -> str:
    """`expr` with every variable replaced by a value that keeps the query's shape.

    Inside a string literal any text will do; after `[`, `:` (subquery) or `offset` a duration
    is needed; elsewhere the variable's sample (its current value when that is a plain number,
    identifier or duration), else `fallback` (an identifier, or `1` on a second try).
    """
    if "$" not in expr and "[[" not in expr:
        return expr
    literals = [m.span() for m in _LITERAL.finditer(expr)] if any(q in expr for q in "\"'`") else []
    lookup = dict(values)
    out: list[str] = []
    last = 0
    for match in REFERENCE.finditer(expr):
        start = match.start()
        name = match.group(1) or match.group(2) or match.group(4)
        out.append(expr[last:start])
        last = match.end()
        if literals and _inside(literals, start):
            out.append("x")
            continue
        before = expr[:start].rstrip()
        if name in DURATION_BUILTINS or before.endswith(("[", ":")) or before.endswith("offset"):
            out.append("5m")
        elif name in NUMBER_BUILTINS:
            out.append("60")
        else:
            out.append(lookup.get(name) or fallback)
    out.append(expr[last:])
    return "".join(out)


_LITERAL = re.compile(r'"(?:[^"\\]|\\.)*"|\'(?:[^\'\\]|\\.)*\'|`[^`]*`')
_PLAIN = re.compile(r"^(?:[A-Za-z_:][\w:]*|\d+(?:\.\d+)?|\d+[smhdwy])$")


def _inside(spans: list[tuple[int, int]], position: int) -> bool:
    index = bisect.bisect_right(spans, (position, 1 << 62)) - 1
    return index >= 0 and spans[index][0] <= position < spans[index][1]


def _sample(variable: dict[str, Any]) -> str:
    if variable.get("type") == "interval":
        return "5m"
    current = variable.get("current")
    value = current.get("value") if isinstance(current, dict) else None
    if isinstance(value, list):
        value = value[0] if value else None
    if isinstance(value, str) and _PLAIN.match(value):
        return value
    return ""
