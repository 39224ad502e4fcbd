"""`graf validate`: graf's own JSON Schemas plus lint rules, over rendered resources or loose files.

    resources ──▶ for each rule in RULES: rule(resource, ctx) ──▶ [Finding(path, rule, severity, message)]

`validate(resources, ctx)` runs every rule on every resource, drops the codes a resource
silences (a dashboard module's `SILENCE = {"G402": "why"}`), and returns the findings sorted
by resource then path. `validate_rendered` does it per environment of a project. Library code
decides nothing about failing: the CLI (and `graf build`) turn errors into an exit code.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence

from graf.config import Project
from graf.resources import Resource
from graf.validate.context import ValidationContext
from graf.validate.findings import CODES, Code, Finding, Severity, errors, strict

__all__ = ["CODES", "Code", "Finding", "Severity", "ValidationContext", "errors", "strict", "validate",
           "validate_rendered"]


def validate(resources: Sequence[Resource], ctx: ValidationContext | None = None,
             rules: Iterable[object] | None = None) -> list[Finding]:
    """Every finding of every rule on `resources` (standalone context unless one is given)."""
    from graf.validate.rules import RULES

    ctx = ctx or ValidationContext.standalone(resources)
    chosen = tuple(rules) if rules is not None else RULES
    findings: list[Finding] = []
    for resource in resources:
        silenced = resource.silenced
        found: list[Finding] = []
        for code in sorted(silenced - CODES.keys()):
            found.append(Finding(ctx.path(resource), "G003", "error",
                                 f"silences {code!r}, which is not a graf validate code"))
        for rule in chosen:
            found.extend(f for f in rule(resource, ctx) if f.rule not in silenced)  # type: ignore[operator]
        findings.extend(sorted(found, key=lambda f: (f.path, f.rule)))
    return findings


def validate_rendered(project: Project, rendered: Mapping[str, Sequence[Resource]]) -> list[Finding]:
    """Findings for each environment's rendered resources, checked against that environment."""
    findings: list[Finding] = []
    for env_name, resources in rendered.items():
        env = project.environment(env_name)
        ctx = ValidationContext.rendered(env_name, resources, alert_interval=env.alerts.interval)
        findings.extend(validate(resources, ctx))
    return findings
