"""Python source for values: JSON-like literals and calls, formatted to a line width.

`Code` is a piece of source written as is (`ctx.env.label`); `Call` is a call with positional and
keyword arguments whose values may themselves be literals, `Code` or `Call`s. `source(value)`
puts a value on one line when it fits, otherwise one element per line with a trailing comma, the
way a formatter such as black would; strings longer than a line are split into implicitly
concatenated pieces, so no generated line is longer than `width` plus its indentation.
"""

from __future__ import annotations

import json
import math
import re
from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any

WIDTH = 100
INDENT = "    "
_PIECE = 80  # characters of a long string per line


@dataclass(frozen=True)
class Code:
    """Source text used as is."""

    text: str


@dataclass(frozen=True)
class FString:
    """An f-string's body: text with `{{`/`}}` escapes and `{expression}`s (written without `"` or `\\`)."""

    body: str


@dataclass(frozen=True)
class Call:
    """`name(*args, **kwargs)`; keyword arguments keep their order."""

    name: str
    args: tuple[Any, ...] = ()
    kwargs: tuple[tuple[str, Any], ...] = field(default=())


def string(text: str) -> str:
    """A Python string literal: double-quoted, or single-quoted when that saves escaping `"`."""
    double = json.dumps(text, ensure_ascii=False)  # JSON's escapes are Python's too
    if '"' in text and "'" not in text:
        return "'" + double[1:-1].replace('\\"', '"') + "'"
    return double


def source(value: Any, level: int = 0, column: int | None = None, width: int = WIDTH, *, item: bool = False) -> str:
    """`value` as Python source at indentation `level`, starting at `column` (default: the indentation)."""
    flat = _flat(value)
    start = len(INDENT) * level if column is None else column
    if flat is not None and start + len(flat) <= width:
        return flat
    pad = INDENT * (level + 1)
    inner = len(pad)
    end = INDENT * level
    if isinstance(value, str):
        pieces = _pieces(value)
        if len(pieces) == 1:
            return pieces[0]
        if item:  # an element of a call or list: the comma after it ends the concatenation
            return f"\n{end}".join(pieces)
        return "(\n" + "".join(f"{pad}{p}\n" for p in pieces) + f"{end})"
    if isinstance(value, Mapping):
        items = [f"{pad}{string(str(k))}: {source(v, level + 1, inner + len(string(str(k))) + 2, width)},\n"
                 for k, v in value.items()]
        return "{\n" + "".join(items) + end + "}"
    if isinstance(value, (list, tuple)):
        items = [f"{pad}{source(v, level + 1, None, width, item=True)},\n" for v in value]
        if isinstance(value, tuple):
            return "(\n" + "".join(items) + end + ")"
        return "[\n" + "".join(items) + end + "]"
    if isinstance(value, FString):
        pieces = _fpieces(value.body)
        if len(pieces) == 1:
            return pieces[0]
        if item:
            return f"\n{end}".join(pieces)
        return "(\n" + "".join(f"{pad}{p}\n" for p in pieces) + f"{end})"
    if isinstance(value, Call):
        args = [f"{pad}{source(v, level + 1, None, width, item=True)},\n" for v in value.args]
        args += [f"{pad}{k}={source(v, level + 1, inner + len(k) + 1, width)},\n" for k, v in value.kwargs]
        return f"{value.name}(\n" + "".join(args) + end + ")"
    if isinstance(value, Code):
        return value.text
    raise TypeError(f"no source for {type(value).__name__}")


def _flat(value: Any) -> str | None:
    """One-line source, or None when a part cannot be on one line (a multi-line string)."""
    if value is None or isinstance(value, bool):
        return repr(value)
    if isinstance(value, int):
        return repr(value)
    if isinstance(value, float):
        if math.isnan(value) or math.isinf(value):
            return f'float("{value}")'
        return repr(value)
    if isinstance(value, str):
        return string(value)
    if isinstance(value, Code):
        return value.text
    if isinstance(value, FString):
        return _fliteral(value.body)
    if isinstance(value, Mapping):
        parts = [_pair(k, v) for k, v in value.items()]
        return None if None in parts else "{" + ", ".join(p for p in parts if p) + "}"
    if isinstance(value, (list, tuple)):
        parts = [_flat(v) for v in value]
        if any(p is None for p in parts):
            return None
        body = ", ".join(p for p in parts if p is not None)
        if isinstance(value, tuple):
            return "(" + body + ("," if len(parts) == 1 else "") + ")"
        return "[" + body + "]"
    if isinstance(value, Call):
        args = [_flat(v) for v in value.args]
        args += [None if (f := _flat(v)) is None else f"{k}={f}" for k, v in value.kwargs]
        return None if any(a is None for a in args) else f"{value.name}(" + ", ".join(a for a in args if a) + ")"
    raise TypeError(f"no source for {type(value).__name__}")


def _pair(key: Any, value: Any) -> str | None:
    flat = _flat(value)
    return None if flat is None else f"{string(str(key))}: {flat}"


def _pieces(text: str) -> list[str]:
    """A long string as literals of at most about `_PIECE` characters, split after spaces or newlines."""
    chunks: list[str] = []
    rest = text
    while len(rest) > _PIECE:
        cut = max(rest.rfind("\n", 0, _PIECE) + 1, rest.rfind(" ", 0, _PIECE) + 1)
        if cut <= _PIECE // 4:  # no space: after punctuation (a PromQL matcher, a path), else anywhere
            cut = max(rest.rfind(ch, 0, _PIECE) + 1 for ch in ",({|&/;")
        if cut <= _PIECE // 4:
            cut = _PIECE
        chunks.append(rest[:cut])
        rest = rest[cut:]
    if rest:
        chunks.append(rest)
    return [string(c) for c in chunks] or [string("")]


def _fliteral(body: str) -> str:
    """One piece of an f-string: `f"..."` when it holds an expression, a plain literal otherwise."""
    if re.search(r"(?<!\{)\{(?!\{)", body.replace("{{", "")):
        return "f" + string(body)
    return string(body.replace("{{", "{").replace("}}", "}"))


def _fpieces(body: str) -> list[str]:
    """An f-string body cut between its tokens (never inside `{expression}` or an escape) into short pieces."""
    tokens = re.findall(r"\{\{|\}\}|\{[^{}]*\}|[^{}]", body)
    pieces: list[str] = []
    current = ""
    for token in tokens:
        current += token
        if len(current) >= _PIECE * 3 // 4 and (token[-1] in " &?" or len(current) >= _PIECE):
            pieces.append(current)
            current = ""
    if current:
        pieces.append(current)
    return [_fliteral(p) for p in pieces]
