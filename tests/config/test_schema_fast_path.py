"""graf.yaml's schema check skips jsonschema when the compiled fast path says "valid": both must agree.

On the example graf.yaml and on every variant of it with one value (or one key) replaced by a wrong one."""

from __future__ import annotations

import copy
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import jsonschema
import yaml

from graf.config.schema import ROOT
from graf.validate.compiled import compile_schema

EXAMPLE = Path(__file__).resolve().parents[2] / "graf.yaml"
WRONG: list[Any] = [None, -1, 0, 0.5, "", "x" * 300, [], [1, 1], {}, {"unknown": 1}, True, "not a duration"]


def _paths(value: Any, path: tuple[Any, ...] = ()) -> Iterator[tuple[Any, ...]]:
    yield path
    if isinstance(value, dict):
        for key, child in value.items():
            yield from _paths(child, (*path, key))
    elif isinstance(value, list):
        for i, child in enumerate(value):
            yield from _paths(child, (*path, i))


def _replaced(raw: Any, path: tuple[Any, ...], new: Any) -> Any:
    out = copy.deepcopy(raw)
    node = out
    for part in path[:-1]:
        node = node[part]
    node[path[-1]] = new
    return out


def test_the_fast_path_agrees_with_jsonschema_on_the_example_and_its_variants() -> None:
    raw = yaml.safe_load(EXAMPLE.read_text(encoding="utf-8"))
    fast, slow = compile_schema(ROOT), jsonschema.Draft202012Validator(ROOT)
    assert fast(raw) and slow.is_valid(raw)
    variants = [_replaced(raw, path, wrong) for path in _paths(raw) if path for wrong in WRONG]
    variants += [{**raw, "unknown_key": 1}, {k: v for k, v in raw.items() if k != "version"}]
    disagreements = [v for v in variants if fast(v) != slow.is_valid(v)]
    assert not disagreements, f"{len(disagreements)} of {len(variants)} variants judged differently"
    assert sum(not slow.is_valid(v) for v in variants) > len(variants) // 2  # the variants do go wrong
