"""Template variable references, the way Grafana's template service finds them.

`$var`, `${var}`, `${var:format}`, `${var.field}` and the legacy `[[var]]` / `[[var:format]]`.
Names starting with `__` are Grafana's built-ins (`$__rate_interval`, `${__from}`,
`${__value.raw}`, …); `$1` and friends are regex back-references, not variables.
"""

from __future__ import annotations

import bisect
import re
from collections.abc import Callable, Iterable, Iterator
from typing import Any

import orjson

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
    texts: list[str] = []
    collect_strings(value, texts.append)
    names_in(texts, into)


def collect_strings(value: Any, add: Callable[[str], object]) -> None:
    """Pass to `add` every string of `value` that `used_names` reads: all of them except below a key
    in NEVER_INTERPOLATED (of an `options` object, its direct strings)."""
    kind = type(value)
    if kind is dict:
        _dict_strings(value, add)
    elif kind is list:
        _list_strings(value, add)
    elif kind is str:
        add(value)


# Two functions, one per container type, and no test of the strings: this walk visits every value
# of a dashboard (6,500 in Node Exporter Full), so each test saved per value counts. The builtins and
# the key set are bound as defaults: a local is read faster than a global or builtin (5% of the walk).
def _dict_strings(value: dict[str, Any], add: Callable[[str], object], _skip: frozenset[str] = NEVER_INTERPOLATED,
                  _type: type[type] = type, _str: type = str, _dict: type = dict, _list: type = list) -> None:
    for key, item in value.items():
        kind = _type(item)
        if kind is _str:
            add(item)
        elif kind is _dict:
            if key not in _skip:
                if item:
                    _dict_strings(item, add)
            elif key == "options":
                for text in item.values():
                    if _type(text) is _str:
                        add(text)
        elif kind is _list and item and key not in _skip:
            _list_strings(item, add)


def _list_strings(value: list[Any], add: Callable[[str], object],
                  _type: type[type] = type, _str: type = str, _dict: type = dict, _list: type = list) -> None:
    for item in value:
        kind = _type(item)
        if kind is _str:
            add(item)
        elif kind is _dict:
            if item:
                _dict_strings(item, add)
        elif kind is _list and item:
            _list_strings(item, add)


def names_anywhere(value: Any) -> set[str] | None:
    """Every name a reference in any string of `value` could have (more than `used_names` finds: keys and
    the values below NEVER_INTERPOLATED count too), from its JSON text at C speed; None when that text
    cannot tell (`value` is not JSON, or holds `[[` or a name next to a non-ASCII character).

    A name follows `$`, `${` or `[[` and is the whole run of word characters there. orjson writes a
    string's `$` and word characters as they are and escapes only `"`, `\\` and control characters
    (none a word character), so each name of each string is a run after a `$` in the text: an ASCII
    run in the bytes is that same run in the string, since what ends it ends it there too."""
    try:
        text = orjson.dumps(value)
    except (TypeError, ValueError):  # orjson.JSONEncodeError is a TypeError
        return None
    if _DOUBLE_BRACKET(text):
        return None
    found = set(_DOLLAR_RUNS(text))
    if not b"".join(found).isascii():
        return None
    return {name.decode("ascii") for name in found}


_DOUBLE_BRACKET = re.compile(rb"\[\[").search  # the regex engine's prefix search: faster here than bytes.find
_DOLLAR_RUNS = re.compile(rb"\$\{?([\w\x80-\xff]+)").findall


def names_in(texts: list[str], into: set[str]) -> None:
    """Add the names referenced in `texts` to `into`, as `_add_names` of each text would.

    One regex pass over the texts joined by NUL instead of one call per text. A match that holds no
    NUL lies within one text and is the match found in that text alone (the pattern has no anchors
    and nothing else in it can read a NUL); only the `.field` and `:format` parts of a `${...}` can
    run on across one, and then each text is read on its own. Without `[[` anywhere the pattern
    starts with a literal `$`, which the regex engine finds at C speed."""
    joined = "\x00".join(texts)
    if "$" not in joined:
        if "[[" not in joined:
            return
    elif "[[" not in joined:
        dollars = set(_DOLLAR_FINDALL(joined))
        if not any("\x00" in g[2] or "\x00" in g[3] for g in dollars):
            into.update(g[0] or g[1] for g in dollars)
            return
    found = set(_FINDALL(joined))
    if not any("\x00" in g[4] or "\x00" in g[5] for g in found):
        into.update(g[0] or g[1] or g[3] for g in found)
        return
    for text in texts:
        if "$" in text or "[[" in text:
            _add_names(text, into)


def _add_names(text: str, into: set[str]) -> None:
    """`into.update(names(text, builtins=True))` without a generator per string."""
    for dollar, brackets, _, braced, _, _ in _FINDALL(text):
        into.add(dollar or brackets or braced)


_FINDALL = REFERENCE.findall
# REFERENCE without its `[[...]]` alternative: the same matches in a text that holds no `[[`.
_DOLLAR_FINDALL = re.compile(r"\$(?:(\w+)|\{(\w+)(?:\.([^:^}]+))?(?::([^}]+))?\})").findall


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
