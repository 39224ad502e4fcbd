"""JSON that a user hands graf (validate, diff, `dashboards.files`), read within bounds.

Python's json module trusts its input: a file 100,000 levels deep raises RecursionError, a
100,000-digit number a ValueError (or minutes of CPU before Python 3.11), /dev/zero fills the
memory, NaN and duplicate keys pass silently. Here the size is capped before parsing, depth and
number length are checked on the raw bytes (cheaply: an upper bound first, exactly only when
that bound is exceeded), NaN/Infinity, numbers beyond a float and duplicate keys are errors, and every failure is one
`BadJSON` line naming the file (and line:column where there is one).

A fine file is read with orjson (`_parse_fast`, half the CPU); anything orjson reads differently or
refuses goes to the json module's path (`_parse_plain`), which words every error.
"""

from __future__ import annotations

import codecs
import json
import math
import os
import re
from itertools import accumulate
from pathlib import Path
from typing import Any

import orjson

from graf.errors import GrafError

MAX_BYTES = 16 * 1024 * 1024  # the largest community dashboards are under 1 MB; parsed JSON can take 30x its size
MAX_DEPTH = 100  # real dashboards nest about 12 levels deep
MAX_DIGITS = 1000  # digits in one number

_BRACKETS = {ord("["): 1, ord("{"): 1, ord("]"): -1, ord("}"): -1}
_NOT_BRACKETS = bytes(b for b in range(256) if b not in _BRACKETS)
# Every digit as 0 and E as e, so that one search finds any long number or 3-digit exponent.
_DIGITS_AS_ZERO = bytes(ord("0") if 48 <= b <= 57 else ord("e") if b == ord("E") else b for b in range(256))
_LONG_NUMBER = b"0" * (MAX_DIGITS + 1)
# As mapped by _DIGITS_AS_ZERO, with "+" deleted (e+308 -> e000): a float beyond range has a 3-digit exponent or
# 210 digits in a row (with 209 and an exponent up to 99 it is under 10**209 * 10**99 = 10**308).
_HUGE_FLOAT = (b"0" * 210, b"e000")
_STRING = re.compile(rb'"[^"\\]*(?:\\.[^"\\]*)*"')


class BadJSON(GrafError):
    """A JSON file graf was given cannot be used: too big, too deep, not JSON, or ambiguous."""


def read_json(path: Path, *, max_bytes: int = MAX_BYTES) -> Any:
    """Parse the JSON file at `path` (any readable file: a pipe or /dev/stdin too) within the bounds."""
    return parse_json(read_bounded(path, max_bytes=max_bytes), str(path))


def read_bounded(path: Path, *, max_bytes: int = MAX_BYTES) -> bytes:
    """At most `max_bytes` of `path`; more is an error, found without reading the rest."""
    try:
        with path.open("rb") as handle:
            # A regular file is read at its own size: a read of max_bytes allocates the whole 16 MB
            # first (0.3 ms a file). A pipe, /dev/zero or a file that grew meanwhile reads on.
            size = os.fstat(handle.fileno()).st_size
            raw = handle.read(min(size, max_bytes) + 1)
            if len(raw) > size:
                raw += handle.read(max_bytes + 1 - len(raw))
    except OSError as exc:
        raise BadJSON(str(path), f"cannot read: {exc.strerror or type(exc).__name__}") from None
    if len(raw) > max_bytes:
        raise BadJSON(str(path), f"larger than {max_bytes // (1024 * 1024)} MB: not a dashboard graf reads")
    return raw


def parse_json(raw: bytes, where: str) -> Any:
    """`raw` as JSON, or BadJSON naming `where` (with line:column for a syntax error)."""
    data = _parse_fast(raw)
    return _parse_plain(raw, where) if data is _UNSURE else data


_UNSURE = object()
# Any integer of 19 digits or more (orjson makes one beyond 64 bits a float) and any number past MAX_DIGITS has a run
# of 19 digits; so do some strings, which then merely take the plain path.
_DIGIT_RUN = b"0" * 19
# orjson's two-space indent puts each item of an array or object on a line of its own, two spaces per enclosing
# array or object: an item inside MAX_DEPTH of them (an array or object there is one level too deep) is this deep.
_INDENT_TOO_DEEP = b"\n" + b"  " * MAX_DEPTH
_COLON_ESCAPE = re.compile(rb"\\u003[aA]")  # not any \u003: Go's encoder writes < and > as \u003c, \u003e


def _parse_fast(raw: bytes) -> Any:
    """`raw` read by orjson when that is surely what `_parse_plain` returns, else `_UNSURE`.

    orjson refuses NaN, Infinity, numbers beyond a float, lone surrogates, bad UTF-8 and more than 1,024
    levels; whatever it refuses is left to the plain path, which words the error (or, for a lone
    surrogate, reads it). What it takes differently is ruled out here, on the bytes and on the result:
    - long integers (a float from orjson) and numbers of over MAX_DIGITS digits: a run of 19 digits;
    - depth: written out with an indent, nothing is indented as deep as an item inside MAX_DEPTH levels;
    - duplicate keys (orjson keeps the last): outside strings a `:` only ends a key, and inside them
      each `:` stays one `:` (no `\\u003a` escape, checked), so the parsed value written out has as
      many colons as the file exactly when no member was dropped, and fewer when one was.
    A file that is the value's own text (`_is_written`: as orjson, Grafana or graf write it; or
    `_is_written_escaped`: as json.dumps writes it) needs none of these but the depth: it is compared with
    the text instead.
    """
    try:
        data = orjson.loads(memoryview(raw)[len(codecs.BOM_UTF8):] if raw.startswith(codecs.BOM_UTF8) else raw)
        written = orjson.dumps(data, option=orjson.OPT_INDENT_2)
    except (orjson.JSONDecodeError, orjson.JSONEncodeError):
        return _UNSURE
    if _INDENT_TOO_DEEP in written:
        return _UNSURE
    if _is_written(raw, written) or _is_written_escaped(raw, written):
        return data
    if has_digit_run(raw) or (b"\\u003" in raw and _COLON_ESCAPE.search(raw)):
        return _UNSURE
    if written.count(b":") != raw.count(b":"):
        return _UNSURE
    return data


def has_digit_run(raw: bytes) -> bool:
    """Whether `raw` holds 19 digits in a row: where orjson may read a number other than the json module does
    (an integer past 64 bits becomes a float), or only text in a string."""
    return _DIGIT_RUN in raw.translate(_DIGITS_AS_ZERO)


def _is_written(raw: bytes, written: bytes) -> bool:
    """True when `raw` is `written` (orjson's own text of the value: no duplicate key, no long number, no
    escaped colon) followed only by whitespace, as a Grafana export or graf's own output is (two-space
    indent, UTF-8 unescaped). Any other difference (floats, spacing, escapes, a BOM) leaves it to the proofs,
    but for one: `_is_written_escaped`."""
    return raw.startswith(written) and not raw[len(written):].strip(b" \t\r\n")


def _is_written_escaped(raw: bytes, written: bytes) -> bool:
    """`_is_written` for a file whose non-ASCII characters are `\\u` escapes (json.dumps' default, as scripts
    and grafanalib's users write dashboards): `raw` with each `\\uxxxx` of a character past ASCII (lower-case
    hex, no surrogate) written as that character in UTF-8 is `written`.

    The substitution also meets a `\\u` that is no escape: the `\\` of an escaped backslash then `u` and
    four hex digits, whose run of backslashes has even length. Substituted, it leaves an odd run of backslashes
    followed by a non-ASCII character, which JSON never holds; so if the result is `written`, every
    substitution undid a real escape, and `raw` reads as `written` does. A file whose text already differs
    before its first escape (another indent, a compact file) is not tried."""
    if written.isascii():
        return False
    first = raw.find(b"\\u", 0, 4096)
    same_until = first if first >= 0 else 4096
    if raw[:same_until] != written[:same_until]:
        return False
    parts = _SPLIT_AT_ESCAPES(raw)  # text, hex digits, text, ...
    for i in range(1, len(parts), 2):
        code = int(parts[i], 16)
        parts[i] = chr(code).encode() if code >= 0x80 and not 0xD800 <= code <= 0xDFFF else b"\\u" + parts[i]
    return _is_written(b"".join(parts), written)


_SPLIT_AT_ESCAPES = re.compile(rb"\\u([0-9a-f]{4})").split


def _parse_plain(raw: bytes, where: str) -> Any:
    """`parse_json` with the json module: slower, and the one that words every error."""
    try:
        text = raw.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        raise BadJSON(where, f"not UTF-8 text (byte {exc.start})") from None
    suspicious_float = _check_shape(raw, where)
    # parse_float halves the parser's speed: only a file that may hold a float beyond range gets it.
    try:
        return json.loads(text, object_pairs_hook=_unique_keys, parse_constant=_no_constant,
                          parse_float=_finite if suspicious_float else None)
    except json.JSONDecodeError as exc:
        raise BadJSON(f"{where}:{exc.lineno}:{exc.colno}", f"invalid JSON: {exc.msg}") from None
    except _Rejected as exc:
        raise BadJSON(where, str(exc)) from None
    except RecursionError:  # the depth check makes this unreachable; kept as a last line of defence
        raise BadJSON(where, f"nested deeper than {MAX_DEPTH} levels") from None
    except ValueError as exc:  # Python's own limit on digits in an int
        raise BadJSON(where, f"unusable number: {str(exc)[:120]}") from None


class _Rejected(ValueError):
    pass


def _unique_keys(pairs: list[tuple[str, Any]]) -> dict[str, Any]:
    out = dict(pairs)
    if len(out) != len(pairs):
        seen: set[str] = set()
        duplicate = next(key for key, _ in pairs if key in seen or seen.add(key))  # type: ignore[func-returns-value]
        raise _Rejected(f"duplicate key {_short(duplicate)} in one object (which one counts is ambiguous)")
    return out


def _no_constant(name: str) -> Any:
    raise _Rejected(f"{name} is not valid JSON (Grafana cannot store it)")


def _finite(text: str) -> float:
    value = float(text)
    if not math.isfinite(value):  # 1e999: Python makes it inf, which JSON cannot hold
        raise _Rejected(f"the number {text[:40]} is too large for a float")
    return value


def _check_shape(raw: bytes, where: str) -> bool:
    """Depth and number length, counted on the bytes: brackets and digits inside strings count too
    at first (an upper bound, fast); only a file over a limit is counted again without its strings.
    True when the file may hold a float beyond range (210 digits in a row, or a 3-digit exponent)."""
    # "+" deleted: one search finds e400 and e+400. It may join digits ("1+1" in a string): an upper
    # bound still, as the first count is; the exact count below keeps them apart.
    digits = raw.translate(_DIGITS_AS_ZERO, b"+")
    if not _shallow(raw) or _LONG_NUMBER in digits:
        bare = _STRING.sub(b'""', raw)
        if _depth(bare) > MAX_DEPTH:
            raise BadJSON(where, f"nested deeper than {MAX_DEPTH} levels")
        if _LONG_NUMBER in bare.translate(_DIGITS_AS_ZERO):
            raise BadJSON(where, f"a number longer than {MAX_DIGITS} digits")
    return any(pattern in digits for pattern in _HUGE_FLOAT)


def _shallow(raw: bytes) -> bool:
    """True when `raw` surely nests no deeper than MAX_DEPTH: its brackets alone, innermost pairs
    removed pass by pass (each pass takes at least one level, at most two), empty within
    MAX_DEPTH // 2 passes. False may be wrong (a lone bracket in a string): `_depth` decides then."""
    brackets = raw.translate(None, _NOT_BRACKETS)
    for _ in range(MAX_DEPTH // 2):
        if not brackets:
            return True
        shorter = brackets.replace(b"[]", b"").replace(b"{}", b"")
        if len(shorter) == len(brackets):
            return False
        brackets = shorter
    return not brackets


def _depth(raw: bytes) -> int:
    return max(accumulate(map(_BRACKETS.__getitem__, raw.translate(None, _NOT_BRACKETS))), default=0)


def _short(key: str) -> str:
    return repr(key if len(key) <= 60 else key[:57] + "...")
