"""The generated fast path (graf.validate.codegen) answers as jsonschema does: on graf.yaml's schema and
its variants, on schema v2 dashboards and broken copies of them, on small schemas that use each keyword
(recursive $refs, if/then/else, whole floats as integers, bools that are not numbers), and in
graf.validate.schema, where it takes over from the closures after GENERATE_AFTER bodies."""

from __future__ import annotations

import copy
import json
from collections.abc import Iterable, Iterator
from typing import Any

import jsonschema
import pytest
import yaml
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from graf.config.schema import ROOT
from graf.validate import codegen, compiled, schema
from tests.config.test_schema_fast_path import EXAMPLE, WRONG, _paths, _replaced
from tests.validate.v2samples import builtin, handwritten


def _agree(root: dict[str, Any], values: Iterable[Any]) -> int:
    """Assert the generated check, the closures and jsonschema agree on every value; count the invalid."""
    generated, closures = codegen.compile_schema(root), compiled.compile_schema(root)
    validator = jsonschema.Draft202012Validator(root)
    invalid = 0
    for value in values:
        expected = validator.is_valid(value)
        assert generated(value) == expected == closures(value), json.dumps(value)[:400]
        invalid += not expected
    return invalid


def test_graf_yaml_schema_and_its_variants() -> None:
    raw = yaml.safe_load(EXAMPLE.read_text(encoding="utf-8"))
    variants = [_replaced(raw, path, wrong) for path in _paths(raw) if path for wrong in WRONG]
    variants += [{**raw, "unknown_key": 1}, {k: v for k, v in raw.items() if k != "version"}]
    assert _agree(ROOT, [raw, *variants]) > len(variants) // 2


def _v2_variants(body: dict[str, Any]) -> Iterator[Any]:
    """Every value replaced by two wrong ones, taken in turn from a list of every JSON type."""
    wrong: list[Any] = [None, 0, 1.5, "", "x", [], {}, True]
    for n, where in enumerate(list(_paths(body))[1:]):
        for value in (wrong[n % len(wrong)], wrong[(n + 3) % len(wrong)]):
            yield _replaced(body, where, value)


def test_v2_dashboards_and_every_field_replaced() -> None:
    bodies = [*builtin().values(), handwritten()]
    assert _agree(schema.schema("dashboard-v2"), bodies) == 0
    count = sum(1 for _ in _v2_variants(handwritten()))
    assert _agree(schema.schema("dashboard-v2"), _v2_variants(handwritten())) > count // 4


VALUES = st.recursive(
    st.one_of(st.none(), st.booleans(), st.integers(-3, 12), st.sampled_from([0.0, 1.0, 2.5, -1.0]),
              st.sampled_from(["", "a", "row", "node", "x1", "ab", "abc", "-"])),
    lambda inner: st.one_of(st.lists(inner, max_size=3),
                            st.dictionaries(st.sampled_from(["a", "b", "c", "kind", "children", "n"]), inner,
                                            max_size=3)),
    max_leaves=10)

# Each keyword graf's compilers implement, in the places the generated code treats differently:
# at the top, behind an inlined $ref, inside a property, in an anyOf branch, a `not` and an `if`.
SCHEMAS: list[dict[str, Any]] = [
    {"$defs": {"Tree": {"type": "object", "required": ["n"], "additionalProperties": False,
                        "properties": {"n": {"type": "integer", "minimum": 0, "maximum": 9},
                                       "children": {"type": "array", "items": {"$ref": "#/$defs/Tree"}}}}},
     "$ref": "#/$defs/Tree"},
    {"type": "object", "properties": {"kind": {"type": "string", "minLength": 1}},
     "if": {"properties": {"kind": {"const": "row"}}},
     "then": {"properties": {"a": {"type": "array", "minItems": 1, "uniqueItems": True}}},
     "else": {"properties": {"a": {"not": {"const": "row"}}, "b": {"enum": [0, 1, "a", None, 2.5, [1]]}}}},
    {"anyOf": [{"type": "object", "required": ["a"], "properties": {"a": {"type": ["integer", "null"]}}},
               {"type": ["string", "boolean"], "maxLength": 2},
               {"type": "array", "items": {"anyOf": [{"const": 1.0}, {"type": "number", "exclusiveMinimum": 2}]}}]},
    {"type": ["object", "array", "string", "number"], "minProperties": 1, "propertyNames": {"pattern": "^[ab]"},
     "additionalProperties": {"type": "integer"}, "properties": {"a": {"type": "string"}},
     "items": {"not": {"type": "object"}}, "pattern": "^a", "minLength": 2, "minimum": -1},
    {"$defs": {"Root": {"$ref": "#/$defs/Kinds"}, "Kinds": {"$ref": "#/$defs/Schema5"},
               "Schema5": {"required": ["kind"]}},
     "properties": {"a": {"properties": {"b": {"properties": {"c": {"properties": {"a": {"properties": {
        "b": {"$ref": "#/$defs/Root"}}}}}}}}}},
     "required": ["kind"], "anyOf": [{"required": ["a"]}, {"required": ["c"]}]},
    # a required property is read without an `in` test: its KeyError is the invalid answer of the
    # function reading it, and of no other (an anyOf or a `not` of a function that raised it)
    {"anyOf": [{"required": ["a"], "properties": {"a": {"type": "string", "minLength": 2}}},
               {"required": ["b"], "properties": {"b": {"type": "integer", "minimum": 1}}}],
     "not": {"type": "object", "required": ["c"], "properties": {"c": {"type": "string", "maxLength": 1}}}},
    # ... except a required property with no test of its own, or one that need not read it
    {"type": "object", "required": ["a", "b", "c"],
     "properties": {"a": {}, "b": {"description": "any"}, "c": {"anyOf": [True, {"type": "string"}]}}},
]


@pytest.mark.parametrize("root", SCHEMAS, ids=range(len(SCHEMAS)))
@settings(max_examples=300, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(value=VALUES)
def test_each_keyword_agrees_with_jsonschema(root: dict[str, Any], value: Any) -> None:
    _agree(root, [value])


def test_deep_schemas_become_functions_of_their_own() -> None:
    """Past _MAX_INDENT a subschema is called, not inlined: Python limits nested blocks."""
    root: dict[str, Any] = {"type": "integer"}
    for _ in range(60):
        root = {"type": "array", "items": root}
    value: Any = 1
    for _ in range(60):
        value = [value]
    assert _agree(root, [value, [[[]]], [[["x"]]]]) == 1 and _agree(root, [copy.deepcopy(value)]) == 0
    broken = value
    for _ in range(59):
        broken = broken[0]
    broken[0] = "x"
    assert _agree(root, [value]) == 1


def test_the_schema_module_switches_to_the_generated_check(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(schema, "GENERATE_AFTER", 3)
    tiered = schema._Tiered(schema.schema("folder"))
    first = tiered.check
    bodies: list[Any] = [{"title": "a", "uid": "b"}, {"title": 1, "uid": "b"}, {"title": "a", "uid": "c"}, {}]
    assert [tiered(body) for body in bodies] == [True, False, True, False]
    assert tiered.check is not first and tiered.check.__name__.startswith("_f")
    monkeypatch.setattr(schema, "GENERATE_AFTER", 0)
    assert schema._Tiered(schema.schema("folder")).check.__name__.startswith("_f")


def test_refs_used_many_times_are_called_not_copied() -> None:
    """Ten levels of a definition used twice by the next: inlined, that would be 2**10 copies."""
    defs: dict[str, Any] = {"D0": {"type": "integer"}}
    for n in range(1, 11):
        defs[f"D{n}"] = {"type": "object", "properties": {"a": {"$ref": f"#/$defs/D{n - 1}"},
                                                          "b": {"$ref": f"#/$defs/D{n - 1}"}}}
    root = {"$defs": defs, "$ref": "#/$defs/D10"}
    writer = codegen._Writer(root)
    writer.compile()
    assert sum(len(function) for function in writer.functions) < 500
    value: Any = 1
    for _ in range(10):
        value = {"a": value, "b": value}
    assert _agree(root, [value, {"a": {"b": "x"}}, {"a": {"a": {"a": 1.5}}}]) == 2


def test_required_properties_without_an_in_test() -> None:
    """The two schemas above on the values that tell each shortcut apart from jsonschema."""
    values: list[Any] = [{}, {"a": "ab"}, {"a": "a"}, {"b": 2}, {"b": 0}, {"a": "ab", "c": "x"},
                         {"a": "ab", "c": "xy"}, {"c": "xy"}, {"a": 1, "b": 2}, {"a": 1, "c": 3},
                         {"b": None, "c": None}, {"a": None, "b": None, "c": 1}, {"a": 1, "b": 2, "c": "x"}]
    assert _agree(SCHEMAS[5], values) == 9
    assert _agree(SCHEMAS[6], values) == 11
