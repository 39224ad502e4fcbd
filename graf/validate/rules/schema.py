"""G001: the body matches graf's JSON Schema for its kind."""

from __future__ import annotations

from collections.abc import Iterator

from graf.resources import Resource
from graf.validate import schema
from graf.validate.context import ValidationContext
from graf.validate.findings import Finding
from graf.validate.rules._base import finding


def matches_schema(resource: Resource, ctx: ValidationContext) -> Iterator[Finding]:
    for parts, message in schema.errors(resource.kind, resource.body):
        yield finding(ctx, resource, parts, "G001", message)
