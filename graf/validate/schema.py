"""graf's own JSON Schemas (`schemas/<kind>.schema.json`), each compiled once per process.

`validator(kind)` builds the jsonschema validator on first use and keeps it; `errors(kind, body)`
answers valid / invalid through a compiled fast path and asks jsonschema for the errors only when
the body is invalid, so the common case — a valid body — costs one pass of plain Python instead
of one jsonschema descent per node. The fast path starts as closures (graf.validate.compiled,
built in about a millisecond) and, from the GENERATE_AFTER-th body of a kind on, is the schema
written out as Python source (graf.validate.codegen: 10-20 ms to compile, twice as fast per
body): `graf build` of a dozen dashboards never pays that compile, `graf validate` of many pays it once.
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
    folder = resources.files("graf.validate").joinpath("schemas")
    text = folder.joinpath(f"{kind}.schema.json").read_text(encoding="utf-8")
    return json.loads(text)


@cache
def validator(kind: str) -> jsonschema.protocols.Validator:
    import jsonschema

    return jsonschema.Draft202012Validator(schema(kind))


GENERATE_AFTER = 16


@cache
def fast_check(kind: str) -> Callable[[Any], bool]:
    return _Tiered(schema(kind))


class _Tiered:
    """The closures for the first GENERATE_AFTER - 1 bodies, then the generated function."""

    def __init__(self, root: dict[str, Any]) -> None:
        from graf.validate.compiled import compile_schema

        self.root = root
        self.left = GENERATE_AFTER
        self.check: Callable[[Any], bool] = compile_schema(root)
        if self.left <= 0:
            self.generate()

    def generate(self) -> None:
        from graf.validate import codegen

        self.check = codegen.compile_schema(self.root)

    def __call__(self, body: Any) -> bool:
        self.left -= 1
        if self.left == 0:
            self.generate()
        return self.check(body)


def errors(kind: str, body: Any) -> Iterator[tuple[tuple[str | int, ...], str]]:
    """(JSON path, message) for every schema error of `body`; nothing for kinds without a schema."""
    if kind not in SCHEMA_KINDS or fast_check(kind)(body):
        return
    for error in validator(kind).iter_errors(body):
        yield tuple(error.absolute_path), describe_schema_error(error, "json")

