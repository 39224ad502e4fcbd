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

from graf.wording import describe_schema_error

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
        yield tuple(error.absolute_path), describe_schema_error(error, "json")

