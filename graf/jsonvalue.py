"""Is a value that foreign code returned plain JSON? One check before graf serialises or walks it.

JSON here means what `json.dumps` writes and every reader takes back: dicts with string keys,
lists, strings (encodable as UTF-8), finite floats, integers within 64 bits, booleans, None. No
tuples, sets or objects, no cycles, at most `MAX_DEPTH` levels and `MAX_NODES` values. The walk is
iterative, so a deep or self-referencing value gives one error, never a RecursionError.
"""

from __future__ import annotations

import math
from typing import Any

from graf.errors import PATH_SEPARATOR, RenderError, format_path

MAX_DEPTH = 64
MAX_NODES = 1_000_000
_INT_LIMIT = 2**63
_MAX_KEY, _MAX_PATH = 40, 160  # characters of one key, of a whole key path, in a message


def check_json(value: Any, where: str) -> None:
    """Raise RenderError naming `where` and the key path of the first value that is not plain JSON."""
    try:
        if _plain(value, 0) <= MAX_NODES:
            return
    except (_NotPlain, UnicodeEncodeError):
        pass
    _walk(value, where)


def is_plain(value: Any) -> bool:
    """Whether `value` is plain JSON of exactly the built-in types within the limits (what `check_json` takes
    at once, without a message for what it does not)."""
    try:
        return _plain(value, 0) <= MAX_NODES
    except (_NotPlain, UnicodeEncodeError):
        return False


class _NotPlain(Exception):
    """Raised by `_plain` at anything it does not take at once; `_walk` then decides and says why."""


_SCALARS = frozenset({type(None), bool, float})


def _plain(item: Any, depth: int) -> int:
    """The number of values in `item` when it is plain JSON of exactly the built-in types within the limits;
    raises _NotPlain otherwise (also for what `_walk` accepts, e.g. subclasses: only `_walk` judges those).
    A value this takes, `_walk` takes too; it makes no path tuples or parent sets, so it is several times
    faster on the common case, a fine value."""
    kind = type(item)
    if kind is str:
        if not item.isascii():
            item.encode("utf-8")  # a lone surrogate raises UnicodeEncodeError, i.e. not plain
        return 1
    if kind is int:
        if -_INT_LIMIT < item < _INT_LIMIT:
            return 1
        raise _NotPlain
    if kind in _SCALARS:
        if kind is float and not math.isfinite(item):
            raise _NotPlain
        return 1
    if depth >= MAX_DEPTH:
        raise _NotPlain  # also where a cycle ends up
    if kind is dict:
        nodes = 1
        for key, child in item.items():
            if type(key) is not str:
                raise _NotPlain
            # an ASCII string, a bool or an int within 64 bits, the commonest values, counted here: a call per leaf
            # costs more
            leaf = type(child)
            nodes += 1 if ((leaf is str and child.isascii()) or leaf is bool
                           or (leaf is int and -_INT_LIMIT < child < _INT_LIMIT)) else _plain(child, depth + 1)
        return nodes
    if kind is list:
        return 1 + sum(1 if type(child) is str and child.isascii() else _plain(child, depth + 1) for child in item)
    raise _NotPlain


def _walk(value: Any, where: str) -> None:
    stack: list[tuple[Any, tuple[str | int, ...], frozenset[int]]] = [(value, (), frozenset())]
    nodes = 0
    while stack:
        item, path, parents = stack.pop()
        nodes += 1
        if nodes > MAX_NODES:
            raise RenderError(where, f"more than {MAX_NODES:,} values: too large for a resource")
        problem = _scalar_problem(item)
        if problem is None:
            continue
        if problem:
            raise RenderError(_at(where, path), problem)
        if id(item) in parents:
            raise RenderError(_at(where, path), "refers to itself (a cycle): not JSON")
        if len(path) >= MAX_DEPTH:
            raise RenderError(_at(where, path), f"nested deeper than {MAX_DEPTH} levels")
        inner = parents | {id(item)}
        if isinstance(item, dict):
            for key, child in item.items():
                if not isinstance(key, str):
                    raise RenderError(_at(where, path), f"a key is {type(key).__name__}; JSON keys are strings")
                stack.append((child, (*path, key), inner))
        else:
            stack.extend((child, (*path, i), inner) for i, child in enumerate(item))


def _scalar_problem(item: Any) -> str | None:
    """None for a fine scalar, "" for a dict or list (to be walked), else what is wrong."""
    if item is None or isinstance(item, bool):
        return None
    if isinstance(item, (dict, list)):
        return ""
    if isinstance(item, str):
        try:
            item.encode("utf-8")
        except UnicodeEncodeError:
            return "string is not valid Unicode (a lone surrogate)"
        return None
    if isinstance(item, int):
        return None if -_INT_LIMIT < item < _INT_LIMIT else "integer out of the 64-bit range"
    if isinstance(item, float):
        return None if math.isfinite(item) else f"{item!r} is not a JSON number"
    return f"{type(item).__name__} is not a JSON value (use dict, list, str, number, bool or None)"


def _at(where: str, path: tuple[str | int, ...]) -> str:
    """`where › a.b[2]`, each key and the whole path clipped so the line stays short."""
    if not path:
        return where
    shown = format_path([p if isinstance(p, int) or len(p) <= _MAX_KEY else p[:_MAX_KEY] + "…" for p in path])
    if len(shown) > _MAX_PATH:
        shown = "…" + shown[-_MAX_PATH:]
    return f"{where}{PATH_SEPARATOR}{shown}"
