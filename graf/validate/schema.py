"""graf's own JSON Schemas (`schemas/<kind>.schema.json`), each compiled once per process.

`validator(kind)` builds the jsonschema validator on first use and keeps it; `check(kind, body)`
answers valid / invalid through a compiled fast path (graf.validate.compiled) and asks
jsonschema for the errors only when the body is invalid, so the common case — a valid body —
costs one pass of plain Python instead of one jsonschema descent per node.
"""

from __future__ import annotations

import json
from collections.abc import Callable, Iterator
from functools import cache
from importlib import resources
from typing import TYPE_CHECKING, Any

from graf.wording import expected_type, structural_problem, type_of

if TYPE_CHECKING:
    import jsonschema

SCHEMA_KINDS = ("dashboard", "datasource", "alert-rule", "folder", "dashboard-v2")


@cache
def schema(kind: str) -> dict[str, Any]:
    text = resources.files("graf.validate").joinpath("schemas", f"{kind}.schema.json").read_text(encoding="utf-8")
    return json.loads(text)


@cache
def validator(kind: str) -> jsonschema.protocols.Validator:
    import jsonschema

    return jsonschema.Draft202012Validator(schema(kind))


@cache
def fast_check(kind: str) -> Callable[[Any], bool]:
    from graf.validate.compiled import compile_schema

    return compile_schema(schema(kind))


def errors(kind: str, body: Any) -> Iterator[tuple[tuple[str | int, ...], str]]:
    """(JSON path, message) for every schema error of `body`; nothing for kinds without a schema."""
    if kind not in SCHEMA_KINDS or fast_check(kind)(body):
        return
    for error in validator(kind).iter_errors(body):
        yield tuple(error.absolute_path), describe(error)


def describe(error: jsonschema.ValidationError) -> str:
    kind, expected, value = error.validator, error.validator_value, error.instance
    structural = structural_problem(error)
    if structural is not None:
        return structural
    if kind == "type":
        return f"expected {expected_type(expected, 'json')}, got {type_of(value, 'json')}"
    if kind == "enum":
        return f"expected one of {', '.join(json.dumps(e) for e in expected)}, got {json.dumps(value)}"
    if kind == "const":
        return f"expected {json.dumps(expected)}, got {json.dumps(value)}"
    if kind == "anyOf" and error.context:
        return "expected a {type, uid} object, a string or null" if "uid" in json.dumps(expected) \
            else describe(min(error.context, key=lambda e: len(e.absolute_path)))
    if kind in ("minimum", "maximum"):
        return f"{value!r} is out of range ({kind} {expected})"
    if kind in ("minItems", "minLength"):
        return "must not be empty"
    if kind == "maxLength":
        return f"longer than {expected} characters"
    if kind == "not" and isinstance(expected, dict) and "const" in expected:
        return f"must not be {json.dumps(expected['const'])} here"
    return error.message


