"""JSON read with orjson (the fast path of graf.jsoninput) gives what the json module's path gives: the same
value, types and key order included, for every file orjson is trusted with, and every other file left to the
plain path, so errors read as before. Hypothesis: JSON-ish bytes (repeated keys, escapes, numbers at the
edges, NaN, a BOM, bad UTF-8, whitespace JSON does not allow) and the real dashboards mutated; and an
example pinned for each place where orjson and the json module differ."""

from __future__ import annotations

import json
import os
import re
from functools import cache
from typing import Any

import orjson
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from graf import jsoninput
from graf.jsoninput import MAX_DEPTH, BadJSON, parse_json
from tests.reference import REFERENCE

FUZZ = settings(max_examples=int(os.environ.get("GRAF_FUZZ_EXAMPLES", "200")), deadline=None,
                suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large])
BOM = b"\xef\xbb\xbf"


def strict(value: Any) -> Any:
    """`value` with what `==` overlooks spelled out: types (1 vs 1.0 vs True), -0.0, key order."""
    if isinstance(value, dict):
        return ("dict", [(key, strict(item)) for key, item in value.items()])
    if isinstance(value, list):
        return ("list", [strict(item) for item in value])
    if isinstance(value, float):
        return ("float", value.hex())
    return (type(value).__name__, value)


def plain(raw: bytes) -> tuple[str, Any]:
    """("ok", value) or ("error", the one line) from the json module's path alone."""
    try:
        return "ok", strict(jsoninput._parse_plain(raw, "x.json"))
    except BadJSON as exc:
        return "error", exc.one_line()


def agrees(raw: bytes) -> bool:
    """`parse_json` answers as the plain path does; True when the fast path gave the answer."""
    try:
        answer: tuple[str, Any] = "ok", strict(parse_json(raw, "x.json"))
    except BadJSON as exc:
        answer = "error", exc.one_line()
    assert answer == plain(raw), raw[:300]
    fast = jsoninput._parse_fast(raw)
    if fast is jsoninput._UNSURE:
        return False
    assert ("ok", strict(fast)) == answer
    return True


def unsure(raw: bytes) -> bool:
    """True when the fast path leaves `raw` to the plain path (and both still agree)."""
    return not agrees(raw)


# --- where orjson and the json module differ: each is left to the plain path ---------------------------------

@pytest.mark.parametrize("raw", [
    b'{"n": 18446744073709551616}',  # beyond 64 bits: orjson gives a float
    b'{"n": -9223372036854775809}',
    b'{"n": 9223372036854775808}',
    b'{"n": 18446744073709551615}',  # 2**64 - 1: orjson gives an int, but 19 digits are not counted on
    b'{"n": 0.' + b"0" * 1200 + b"1}",  # orjson reads 0.0; the plain path refuses over 1000 digits
    b'{"n": 1e400}', b'{"n": -1e400}', b'{"n": 1.7976931348623159e308}',  # inf: orjson refuses
    b'{"n": ' + b"1" * 290 + b"e20}",  # inf from a 2-digit exponent
    b'{"n": NaN}', b'{"n": -Infinity}',
    b'"\\ud800"', b'"\\udc00"', b'["\\ud83d", "\\ude00"]',  # lone surrogates: orjson refuses, json reads them
    b'"\xed\xa0\x80"', b'"\xc0\xaf"', b'"\xff"', b"\xff\xfe{}",  # not UTF-8
    BOM + BOM + b"{}",  # the plain path takes one BOM, not two
    b"\x0c{}", b"\x0b{}", b"\xc2\xa0{}", b"{}\x00", b"", b" ",  # not JSON whitespace, or nothing
    b'"\x01"', b'"\t"', b'"\\x"', b"01", b"1.", b".5", b"+1", b"[1,]", b'{"a":1,}', b"{} {}",
    b'{"a": 1, "a": 2}',  # duplicate keys: orjson keeps the last
    b'{"a": {"b": 1}, "a": 2}', b'[{"x": [{"a": 1, "b": {"c": ":"}, "a": 1}]}]',
    b'{"a": 1, "a": "\\u003a"}', b'{"a": 1, "a": "\\u003A"}',  # a colon from an escape would hide the duplicate
    b'{"key\\u003a": 1}',
])
def test_what_orjson_reads_differently_goes_to_the_plain_path(raw: bytes) -> None:
    assert unsure(raw)


def test_a_long_integer_keeps_its_value_and_type() -> None:
    assert parse_json(b'{"n": 18446744073709551616}', "x.json") == {"n": 2**64}
    assert type(parse_json(b"-9223372036854775809", "x.json")) is int


def test_a_lone_surrogate_is_read_as_the_json_module_reads_it() -> None:
    assert parse_json(b'["\\ud800"]', "x.json") == ["\ud800"]


@pytest.mark.parametrize(("raw", "message"), [
    (b'{"a": 1, "a": "\\u003a"}', "duplicate key 'a'"),
    (b'{"n": 0.' + b"0" * 1200 + b"1}", "a number longer than 1000 digits"),
    (b'{"n": 1.7976931348623159e308}', "the number 1.7976931348623159e308 is too large for a float"),
    (b"[" * (MAX_DEPTH + 1) + b"]" * (MAX_DEPTH + 1), f"nested deeper than {MAX_DEPTH} levels"),
    (BOM + BOM + b"{}", "invalid JSON: Unexpected UTF-8 BOM"),
    (b'"\xed\xa0\x80"', "not UTF-8 text (byte 1)"),
])
def test_errors_read_as_the_plain_path_words_them(raw: bytes, message: str) -> None:
    with pytest.raises(BadJSON) as caught:
        parse_json(raw, "x.json")
    assert message in caught.value.one_line()


# A file that is orjson's own text of its value skips the proofs (`_is_written`): only whitespace may follow.
@pytest.mark.parametrize(("raw", "written"), [
    (b"1.0" + b"0" * 1000 + b"1", b"1.0"),  # starts with orjson's text of 1.0: the plain path refuses it
    (b"1.0" + b"0" * 30, b"1.0"), (b"12345678901234567" + b"0" * 5, b"12345678901234567"),  # beyond 64 bits
    (b'"a"\n\x0c', b'"a"'), (b'"a" x', b'"a"'),  # not JSON
])
def test_a_text_that_only_starts_as_orjson_writes_it_is_proved(raw: bytes, written: bytes) -> None:
    assert not jsoninput._is_written(raw, written)
    agrees(raw)


@pytest.mark.parametrize("tail", [b"", b"\n", b" \t\r\n"])
def test_orjson_text_of_a_dashboard_skips_the_proofs(tail: bytes, monkeypatch: pytest.MonkeyPatch) -> None:
    value = {"title": "Disk \u2013 read", "panels": [{"id": 1, "expr": "a:b", "n": 2**63, "x": 0.5}], "e": {}}
    raw = orjson.dumps(value, option=orjson.OPT_INDENT_2) + tail
    assert raw == json.dumps(value, indent=2, ensure_ascii=False).encode() + tail  # graf's and Grafana's text
    assert agrees(raw)
    with monkeypatch.context() as patched:
        patched.setattr(jsoninput, "_DIGITS_AS_ZERO", b"")  # a proof run would raise (no 256-byte table)
        assert strict(jsoninput._parse_fast(raw)) == strict(value)


@pytest.mark.parametrize("text", ["Disk \u2013 read \u20ac", "\u00e9t\u00e9", "\U0001f600", "a\x7fb", "\u2013\u00e9"])
@pytest.mark.parametrize("indent", [2, 4])
def test_json_dumps_text_skips_the_proofs_only_when_it_is_orjson_text_escaped(
        text: str, indent: int, monkeypatch: pytest.MonkeyPatch) -> None:
    """json.dumps' default text (indent 2, non-ASCII as \\u escapes) of a value with characters past ASCII is
    compared with orjson's text once the escapes are undone; an astral character (a surrogate pair), DEL (which
    json.dumps escapes and orjson does not) or another indent goes to the proofs, and reads the same."""
    value = {"title": text, "panels": [{"id": 1, "expr": "rate(a:b[5m])", "legend": f"{text}: {{{{x}}}}"}]}
    raw = json.dumps(value, indent=indent).encode() + b"\n"
    assert agrees(raw)
    skips = indent == 2 and all(0x80 <= ord(c) <= 0xFFFF for c in text if ord(c) > 0x7E)
    written = orjson.dumps(json.loads(raw), option=orjson.OPT_INDENT_2)
    assert jsoninput._is_written_escaped(raw, written) is skips
    with monkeypatch.context() as patched:
        patched.setattr(jsoninput, "_DIGITS_AS_ZERO", b"")  # a proof run raises ValueError (no 256-byte table)
        if skips:
            assert strict(jsoninput._parse_fast(raw)) == strict(value)
        else:
            with pytest.raises(ValueError):
                jsoninput._parse_fast(raw)


@pytest.mark.parametrize("raw", [
    b'{\n  "a": "\\\\u2013"\n}',  # a backslash and "u2013": ASCII in orjson's text too, so not compared escaped
    b'{\n  "a": "\\u2013",\n  "b": "\\\\u2014"\n}',  # the same next to a real escape: "\\" then "u2014" is no escape
    b'{\n  "a": "\\u2013",\n  "a": "\\u2013"\n}',  # a duplicate: orjson's text has one member
    b'{\n  "a": "\\u2013",\n  "n": 18446744073709551616\n}',  # orjson's text has a float there
    b'{\n  "a": "\\u2013\\u003a"\n}',  # an escaped colon
    b'{\n  "a": "\\u20AC"\n}',  # upper-case hex
    b'{\n  "a": "\\u2013",\n  "b": 1.50\n}',  # a float written otherwise
])
def test_a_text_escaped_otherwise_than_orjson_text_goes_to_the_proofs(raw: bytes) -> None:
    assert not jsoninput._is_written_escaped(raw, orjson.dumps(orjson.loads(raw), option=orjson.OPT_INDENT_2))
    agrees(raw)


@FUZZ
@given(st.lists(st.text(st.sampled_from(["\\", "u", "2", "0", "1", "3", "e", "9", "\u2013", "\u00e9", '"', "a"]),
                        max_size=12), min_size=1, max_size=4),
       st.lists(st.tuples(st.integers(0, 10**6), st.sampled_from([b"\\", b"\\u2013", b"\\u00e9", b"u", b'"'])),
                max_size=2))
def test_backslashes_next_to_escapes(texts: list[str], edits: list[tuple[int, bytes]]) -> None:
    """Escaped backslashes before `u` and hex digits, real escapes, and bytes put in anywhere: whatever the
    fast path reads, it reads as the plain path does."""
    raw = json.dumps({"a": texts, "t": "\u2013"}, indent=2).encode()
    for at, insert in edits:
        at %= len(raw) + 1
        raw = raw[:at] + insert + raw[at:]
    agrees(raw)


def test_a_text_escaped_as_orjson_text_is_read_without_the_proofs() -> None:
    raw = b'{\n  "a": "\\u2013",\n  "b": 1.5\n}'
    assert jsoninput._is_written_escaped(raw, orjson.dumps(orjson.loads(raw), option=orjson.OPT_INDENT_2))
    assert agrees(raw)


# --- what the fast path reads itself ------------------------------------------------------------------------

@pytest.mark.parametrize("raw", [
    b'{"a": 1, "b": [1.5, -0.0, -0, 0e0, 1E2, 5e-324, 1e-400, 2.4e-324, true, false, null]}',
    b'{"n": 999999999999999999, "m": -999999999999999999, "max": 1.7976931348623158e308}',  # 18 digits
    b'{"expr": "rate(x[5m]) \\u003e 0 \\u0026\\u0026 y \\u003c 1", "a:b": "c:d", "": ""}',  # Go's escapes
    b'{"s": "\\ud83d\\ude00 \\" \\\\ \\/ \\b\\f\\n\\r\\t \\u00e9 \\u00E9 \xc3\xa9 \x7f \xe2\x80\xa8"}',
    BOM + b'{"a": 1}',
    b' \t\r\n{"a" : [ ] , "b":{ }}\n',
    b'{"b": 1, "a": 2, "c": {"z": 1, "y": 2}}',  # key order kept
    b'"top"', b"12", b"null",
    b"[" * MAX_DEPTH + b"]" * MAX_DEPTH,  # the deepest the limit takes
    b"[" * (MAX_DEPTH - 2) + b'{"a": {}}' + b"]" * (MAX_DEPTH - 2),  # so is this (a scalar one level in is not)
])
def test_fine_json_is_read_by_the_fast_path(raw: bytes) -> None:
    assert agrees(raw)


def test_a_bracket_past_the_depth_limit_is_caught_by_the_written_indent() -> None:
    for inner in (b"1", b"{}", b"[]", b'{"a": 1}', b'""'):
        for depth in (MAX_DEPTH, MAX_DEPTH + 1):
            raw = b"[" * depth + inner + b"]" * depth
            assert jsoninput._parse_fast(raw) is jsoninput._UNSURE, (depth, inner)
            agrees(raw)
    assert agrees(b"[" * (MAX_DEPTH - 1) + b"1" + b"]" * (MAX_DEPTH - 1))


def test_every_reference_dashboard_takes_the_fast_path() -> None:
    for raw in _needs_dashboards():
        assert agrees(raw)
        assert agrees(json.dumps(json.loads(raw), indent=2).encode())
        assert agrees(json.dumps(json.loads(raw), separators=(",", ":")).encode())


# --- hypothesis: generated JSON-ish bytes -------------------------------------------------------------------

_CHARS = [*':"\\/\b\f\n\r\t\x00\x01\x1f\x7f aZ09é€\u2028\ufeff\U0001f600', "\ud800", "\udc00"]
_SHORT = {'"': '\\"', "\\": "\\\\", "/": "\\/", "\b": "\\b", "\f": "\\f", "\n": "\\n", "\r": "\\r", "\t": "\\t"}


def _char(c: str, how: str) -> bytes:
    if how == "short" and c in _SHORT:
        return _SHORT[c].encode()
    if how in ("u", "U") or (how != "break" and (c in '"\\' or c < " " or "\ud800" <= c <= "\udfff")):
        code = ord(c)
        units = [code] if code < 0x10000 else [0xD800 + ((code - 0x10000) >> 10), 0xDC00 + ((code - 0x10000) & 0x3FF)]
        text = "".join(f"\\u{unit:04x}" for unit in units)
        return (text.upper().replace("\\U", "\\u") if how == "U" else text).encode()
    return c.encode("utf-8", "surrogatepass")  # "break": a quote or backslash ends the string, a surrogate the UTF-8


_HOW = ["raw"] * 12 + ["short"] * 3 + ["u", "U"] * 2 + ["break"]  # mostly strings JSON takes
strings = st.lists(st.tuples(st.sampled_from(_CHARS) | st.characters(), st.sampled_from(_HOW)),
                   max_size=6).map(lambda cs: b'"' + b"".join(_char(c, how) for c, how in cs) + b'"')
keys = st.sampled_from([b'"a"', b'"b"', b'"a:b"', b'"id"', b'"\\u0061"']) | strings
_EDGE_INTEGERS = (0, -0, 2**63 - 1, 2**63, -(2**63), -(2**63) - 1, 2**64 - 1, 2**64, 10**18, 10**19)
_EDGE_NUMBERS = [str(n) for n in _EDGE_INTEGERS] + [
    "-0", "-0.0", "0e0", "1E2", "1e+2", "1e-2", "5e-324", "2.4e-324", "1e-400", "1.7976931348623157e308",
    "1.7976931348623158e308", "1.7976931348623159e308", "1e308", "1e309", "1e400", "-1E+400", "9" * 290 + "e20",
    "9" * 400 + ".5", "0." + "0" * 1001 + "1", "7" * 1001, "NaN", "Infinity", "-Infinity", "01", "1.", ".5", "+1", "-"]
numbers = st.one_of(
    st.sampled_from(_EDGE_NUMBERS),
    st.integers().map(str),
    st.floats(allow_nan=False, allow_infinity=False).map(repr),
    st.builds(lambda whole, frac, e, exp: f"{whole}{'.' + frac if frac else ''}{e}{exp}",
              st.integers(0, 10**25), st.sampled_from(["", "5", "000001", "9" * 20]),
              st.sampled_from(["", "e", "E", "e+", "e-", "E-"]),
              st.integers(0, 400).map(str)).map(lambda t: t if not t.endswith(("e", "E", "+", "-")) else t + "0"),
).map(str.encode)
spaces = st.sampled_from([b"", b" ", b"\n  ", b"\t", b"\r\n"] * 4 + [b"\x0c", b"\xc2\xa0"])  # the last two: not JSON
scalars = numbers | strings | st.sampled_from([b"true", b"false", b"null"])


def _array(items: list[tuple[bytes, bytes]]) -> bytes:
    return b"[" + b",".join(space + item for item, space in items) + b"]"


def _object(members: list[tuple[bytes, bytes, bytes]]) -> bytes:
    return b"{" + b",".join(key + space + b":" + space + value for key, value, space in members) + b"}"


values = st.recursive(scalars, lambda inner: st.one_of(
    st.lists(st.tuples(inner, spaces), max_size=4).map(_array),
    st.lists(st.tuples(keys, inner, spaces), max_size=5).map(_object)), max_leaves=25)


@FUZZ
@given(values, spaces, st.sampled_from([b"", b"", BOM, BOM + BOM]), st.integers(0, 3))
def test_generated_json(document: bytes, space: bytes, prefix: bytes, nesting: int) -> None:
    agrees(prefix + space + b"[" * (nesting * 33) + document + b"]" * (nesting * 33) + space)


@FUZZ
@given(values, st.lists(st.tuples(st.integers(0, 10**6), st.integers(0, 3), st.binary(max_size=3)), max_size=3))
def test_generated_json_mutated(document: bytes, edits: list[tuple[int, int, bytes]]) -> None:
    for at, cut, insert in edits:
        at %= len(document) + 1
        document = document[:at] + insert + document[at + cut:]
    agrees(document)


fine_values = st.recursive(
    st.none() | st.booleans() | st.integers(-(10**17), 10**17) | st.floats(allow_nan=False, allow_infinity=False)
    | st.text(st.characters(blacklist_categories=["Cs", "Nd"]) | st.sampled_from(":\"\\0"), max_size=10),
    lambda inner: st.lists(inner, max_size=4) | st.dictionaries(st.text(max_size=4), inner, max_size=4),
    max_leaves=30)


@FUZZ
@given(fine_values, st.sampled_from([None, 2]), st.booleans())
def test_json_the_json_module_writes_is_read_by_the_fast_path(value: Any, indent: int | None, ascii: bool) -> None:
    """No duplicate, no escaped colon, no run of 19 digits (a float's repr may have one): nothing for the plain path."""
    raw = json.dumps(value, indent=indent, ensure_ascii=ascii).encode()
    if jsoninput._DIGIT_RUN not in raw.translate(jsoninput._DIGITS_AS_ZERO):
        assert agrees(raw), raw[:300]


# --- hypothesis: the real dashboards mutated ----------------------------------------------------------------

@cache
def _dashboards() -> tuple[bytes, ...]:
    folder = REFERENCE / "dashboards"
    return tuple(p.read_bytes() for p in sorted(folder.glob("*.json"))) if folder.is_dir() else ()


def _needs_dashboards() -> tuple[bytes, ...]:
    found = _dashboards()
    if not found:
        pytest.skip(f"reference dashboards not found at {REFERENCE}/dashboards (a clone without ../shared)")
    return found


_SNIPPETS = [b'"title": "again", ', b'"id": 1, ', b'"type": "x:y", ', b'"uid": "\\u003a", ', b'"a\\u003Ab": 1, ',
             b"\\u003a", b"\\u003e", BOM, b"\xff", b"\xed\xa0\x80", b"NaN", b"1e400", b"18446744073709551616",
             b"-0.0", b"[" * 60, b"]", b"{", b"}", b",", b":", b'"', b"\\", b"\x0c", b"\\ud800", b"0" * 20]


@FUZZ
@given(st.integers(0, 100), st.lists(st.tuples(st.booleans(), st.integers(0, 10**7), st.integers(0, 4),
                                              st.sampled_from(_SNIPPETS) | st.binary(max_size=2)),
                                    min_size=1, max_size=3))
def test_mutated_dashboards(which: int, edits: list[tuple[bool, int, int, bytes]]) -> None:
    """Edits at any byte, or right after an object's `{` (where a key the object has becomes a duplicate)."""
    found = _needs_dashboards()
    raw = found[which % len(found)]
    for after_brace, at, cut, insert in edits:
        if after_brace:
            braces = [match.end() for match in re.finditer(rb"\{", raw)]
            at, cut = braces[at % len(braces)], 0
        else:
            at %= len(raw) + 1
        raw = raw[:at] + insert + raw[at + cut:]
    agrees(raw)


def _with_duplicate(value: Any, target: int, member: int, replacement: bytes | None, seen: list[int]) -> bytes:
    """`value` written as JSON, with the `target`-th object (in writing order) given a second copy of one of
    its members, the same value or `replacement`, right after the first."""
    if isinstance(value, list):
        return b"[" + b",".join(_with_duplicate(item, target, member, replacement, seen) for item in value) + b"]"
    if not isinstance(value, dict):
        return json.dumps(value, ensure_ascii=False).encode()
    here = len(seen)
    seen.append(here)
    parts = []
    for index, (key, item) in enumerate(value.items()):
        written = _with_duplicate(item, target, member, replacement, seen)
        parts.append(json.dumps(key, ensure_ascii=False).encode() + b": " + written)
        if here == target and index == member % len(value):
            parts.append(json.dumps(key, ensure_ascii=False).encode() + b":" + (replacement or written))
    return b"{" + b",".join(parts) + b"}"


@FUZZ
@given(st.integers(0, 100), st.integers(0, 10**6), st.integers(0, 100),
       st.sampled_from([None, b"1", b'""', b'"a:b"', b'"\\u003a"', b"{}", b'{"x": ":"}', b"[]"]))
def test_a_duplicate_anywhere_in_a_dashboard_is_found(which: int, target: int, member: int,
                                                     replacement: bytes | None) -> None:
    found = _needs_dashboards()
    data = json.loads(found[which % len(found)])
    objects = [index for index, size in enumerate(_object_sizes(data)) if size]
    raw = _with_duplicate(data, objects[target % len(objects)], member, replacement, [])
    assert unsure(raw)
    with pytest.raises(BadJSON, match="duplicate key"):
        parse_json(raw, "x.json")


def _object_sizes(value: Any) -> list[int]:
    """Members of each object, in the order `_with_duplicate` counts them."""
    out: list[int] = []

    def walk(item: Any) -> None:
        if isinstance(item, dict):
            out.append(len(item))
            for child in item.values():
                walk(child)
        elif isinstance(item, list):
            for child in item:
                walk(child)

    walk(value)
    return out
