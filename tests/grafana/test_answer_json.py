"""Grafana's answers are read by orjson where that gives exactly what json.loads gives, else by json.loads."""

from __future__ import annotations

import json
from types import SimpleNamespace
from typing import Any

import pytest
from hypothesis import given
from hypothesis import strategies as st

from graf.grafana import answers
from tests.reference import REFERENCE, reference_dashboards, reference_json


def outcome(read: Any, data: bytes) -> str:
    """What a reader gives, by repr (tells 1 from 1.0 and shows key order), or the kind of error it raises."""
    try:
        return repr(read(data))
    except ValueError:
        return "ValueError"
    except RecursionError:
        return "RecursionError"


@pytest.mark.parametrize("data", [
    b'{"a":1,"a":2,"b":3}', b"1e400", b"[1e400]", b"-0", b"-0.0", b"\xef\xbb\xbf{}", b'"\\ud800"',
    b'"\\ud83d\\ude00"', b'"a\tb"', b"18446744073709551615", b"18446744073709551616", b"-9223372036854775809",
    b"9223372036854775807", b"[123456789012345678, 1234567890123456789]", b" [1] ", b"NaN", b"[Infinity]",
    b"[1,]", b'"\xff"', b"1.0", b"0.1", b"1E5", b"[" * 2000 + b"]" * 2000, b'"\\u0000"', b'{"":1}', b'"\x7f"',
    b"  ", b'"\xed\xa0\x80"', b"0.1234567890123456789", b'{"id":"12345678901234567890"}', b"[1, 2] x",
])
def test_edges(data: bytes) -> None:
    assert outcome(answers.loads, data) == outcome(json.loads, data)


texts = st.text(alphabet='{}[]:,"\\ -+.0123456789eEtruefalsnNIfinityu\ud800\x00\t\xff', max_size=30)


@given(texts)
def test_json_like_text(text: str) -> None:
    data = text.encode("utf-8", "surrogatepass")
    assert outcome(answers.loads, data) == outcome(json.loads, data)


values = st.recursive(
    st.none() | st.booleans() | st.integers() | st.floats(allow_nan=False) | st.text(max_size=8),
    lambda inner: st.lists(inner, max_size=4) | st.dictionaries(st.text(max_size=4), inner, max_size=4),
    max_leaves=25)


@given(values, st.booleans())
def test_written_json(value: Any, ascii_only: bool) -> None:
    data = json.dumps(value, ensure_ascii=ascii_only).encode("utf-8", "surrogatepass")
    assert outcome(answers.loads, data) == outcome(json.loads, data)


@pytest.mark.parametrize("name", reference_dashboards() if REFERENCE.is_dir() else ["node-exporter-full.json"])
def test_reference_dashboards(name: str) -> None:
    data = json.dumps({"dashboard": reference_json(f"dashboards/{name}"), "meta": {"version": 3}}).encode()
    assert outcome(answers.loads, data) == outcome(json.loads, data)


def test_orjson_reads_an_ordinary_answer(monkeypatch: pytest.MonkeyPatch) -> None:
    """The fast reader is used: an answer orjson can read does not go through json.loads."""
    data = b'{"dashboard":{"uid":"a","panels":[{"id":1,"gridPos":{"x":0}}]},"meta":{"version":2}}'
    calls = []

    def spy(raw: bytes) -> Any:
        calls.append(raw)
        return json.loads(raw)

    monkeypatch.setattr(answers, "json", SimpleNamespace(loads=spy))
    assert answers.loads(data) == json.loads(data)
    assert answers.loads(b"[18446744073709551616]") == [18446744073709551616]
    assert calls == [b"[18446744073709551616]"]
