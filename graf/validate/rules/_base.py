"""What every rule module shares: making a finding at a JSON path of a resource."""

from __future__ import annotations

from collections.abc import Sequence

from graf.resources import Resource
from graf.validate.context import ValidationContext
from graf.validate.dashboard import DashboardIndex, index
from graf.validate.findings import CODES, Finding, Severity


def finding(ctx: ValidationContext, resource: Resource, parts: Sequence[str | int], code: str, message: str,
            severity: Severity | None = None) -> Finding:
    return Finding(ctx.path(resource, parts), code, severity or CODES[code].severity, message)


def dashboard_index(ctx: ValidationContext, resource: Resource) -> DashboardIndex:
    return ctx.memo("dashboard-index", resource.body, index)
