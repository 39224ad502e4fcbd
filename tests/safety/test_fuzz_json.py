"""Fuzz `graf validate FILE` and `graf diff OLD NEW` with dashboard JSON: random bytes, real community
dashboards mutated (bytes and structure), deep nesting. The invariant: exit 0/1 for validate
(findings) and 0/3 for diff (differences), or one bounded `error:` line with exit 1/2; never a
traceback, never an exception out of graf's entry point."""

from __future__ import annotations

import contextlib
import io
import json
import os
import tempfile
from functools import cache
from pathlib import Path
from typing import Any

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from graf.cli import main
from tests.reference import REFERENCE

MAX_ERROR_LINE = 500
MAX_FINDING_LINE = 4000  # a finding may quote a (mutated) query from the dashboard
# 80 examples each keeps these under 20 s; GRAF_FUZZ_EXAMPLES=1000 for a longer hunt.
FUZZ = settings(max_examples=int(os.environ.get("GRAF_FUZZ_EXAMPLES", "80")),
                suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large])


@cache
def _dashboards() -> tuple[bytes, ...]:
    """The reference dashboards small enough to validate many times over (all but node-exporter-full)."""
    folder = REFERENCE / "dashboards"
    if not folder.is_dir():
        return ()
    return tuple(p.read_bytes() for p in sorted(folder.glob("*.json")) if p.stat().st_size < 100_000)


def _needs_dashboards() -> tuple[bytes, ...]:
    found = _dashboards()
    if not found:
        pytest.skip(f"reference dashboards not found at {REFERENCE}/dashboards (a clone without ../shared)")
    return found


def _run(args: list[str]) -> tuple[int, str, str]:
    out, err = io.StringIO(), io.StringIO()
    with contextlib.redirect_stdout(out), contextlib.redirect_stderr(err):
        try:
            main(args)
        except SystemExit as exc:
            code = exc.code
        else:
            raise AssertionError("graf's main returned without an exit code")
    return int(code or 0) if not isinstance(code, str) else 1, out.getvalue(), err.getvalue()


def _check(raw: bytes) -> None:
    with tempfile.TemporaryDirectory(prefix="graf-fuzz-") as tmp:
        path = Path(tmp) / "fuzzed.json"
        path.write_bytes(raw)
        good = Path(tmp) / "good.json"
        good.write_text(json.dumps({"uid": "good", "title": "Good", "schemaVersion": 39, "panels": []}))

        code, out, err = _run(["validate", "-j", "1", str(path)])
        assert "Traceback" not in out + err
        assert code in (0, 1), (code, out, err)
        assert all(len(line) <= MAX_FINDING_LINE for line in out.splitlines())
        assert len(err.splitlines()) == 1 and err.split(":")[0].endswith(("resource", "resources")), err

        for args in ([str(good), str(path)], [str(path), str(good)]):
            code, out, err = _run(["diff", "--no-color", *args])
            assert "Traceback" not in out + err
            if code in (0, 3):
                assert err == "", err
            else:
                assert code in (1, 2), (code, err)
                assert out == "" and err.startswith("error: ") and err.count("\n") == 1, err
                assert len(err) <= MAX_ERROR_LINE, err


@FUZZ
@given(st.binary(max_size=4096))
def test_random_bytes(raw: bytes) -> None:
    _check(raw)


@FUZZ
@given(st.data())
def test_real_dashboards_with_bytes_mutated(data: st.DataObject) -> None:
    raw = bytearray(data.draw(st.sampled_from(_needs_dashboards())))
    for _ in range(data.draw(st.integers(1, 8))):
        at = data.draw(st.integers(0, len(raw)))
        action = data.draw(st.sampled_from(["flip", "insert", "delete", "truncate"]))
        if action == "flip" and at < len(raw):
            raw[at] = data.draw(st.sampled_from(b'{}[]",:0-eE.\\ntfNaI\xff\x00'))
        elif action == "insert":
            raw[at:at] = data.draw(st.sampled_from([b"[", b"{", b"NaN", b"Infinity", b'"', b"9" * 2000, b"\xc3"]))
        elif action == "delete":
            del raw[at:at + data.draw(st.integers(1, 50))]
        elif action == "truncate":
            del raw[at:]
    _check(bytes(raw))


JSON_VALUES = st.recursive(
    st.none() | st.booleans() | st.integers() | st.floats(allow_nan=False, allow_infinity=False)
    | st.text(max_size=30) | st.sampled_from(["$var", "${ds}", "rate(x[5m])", "{{a}}", "", "[[", "}}"]),
    lambda children: st.lists(children, max_size=4) | st.dictionaries(st.text(max_size=10), children, max_size=4),
    max_leaves=20,
)


def _paths(node: Any, prefix: tuple[Any, ...] = ()) -> list[tuple[Any, ...]]:
    out = [prefix]
    if isinstance(node, dict):
        for key, value in node.items():
            out.extend(_paths(value, (*prefix, key)))
    elif isinstance(node, list):
        for index, value in enumerate(node):
            out.extend(_paths(value, (*prefix, index)))
    return out


@FUZZ
@given(st.data())
def test_real_dashboards_with_a_subtree_replaced(data: st.DataObject) -> None:
    body = json.loads(data.draw(st.sampled_from(_needs_dashboards())))
    for _ in range(data.draw(st.integers(1, 3))):
        paths = _paths(body)
        path = data.draw(st.sampled_from(paths[1:] or paths))
        value = data.draw(JSON_VALUES)
        if not path:
            body = value
            continue
        parent = body
        for step in path[:-1]:
            parent = parent[step]
        parent[path[-1]] = value
    _check(json.dumps(body).encode())


@FUZZ
@given(st.integers(1, 20_000), st.sampled_from(["[", '{"a":', '{"panels":[']), st.booleans())
def test_deep_nesting(depth: int, opener: str, closed: bool) -> None:
    closer = {"[": "]", '{"a":': "}", '{"panels":[': "]}"}[opener]
    raw = opener * depth + ("1" + closer * depth if closed else "")
    _check(raw.encode())


@pytest.mark.parametrize("panel", [
    {"type": "graph", "gridPos": True},  # found by this fuzz: AttributeError in graf diff
    {"type": "graph", "gridPos": [1, 2]},
    {"type": "row", "panels": "abc", "gridPos": {"x": "a", "y": None}},
    {"type": "row", "panels": True, "gridPos": {"x": 1.5, "y": -0.0}},
])
def test_panels_of_odd_shapes_found_by_fuzzing(panel: dict[str, Any]) -> None:
    _check(json.dumps({"uid": "odd", "title": "Odd", "panels": [panel, {"type": "stat", "title": "x"}]}).encode())


@pytest.mark.parametrize("panels", [True, "abc", {"a": 1}, 3])
def test_panels_that_are_not_a_list_found_by_fuzzing(panels: Any) -> None:
    """`panels: true` made graf diff iterate a bool (TypeError)."""
    _check(json.dumps({"uid": "odd", "title": "Odd", "panels": panels}).encode())
