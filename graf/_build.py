"""`graf build`: every environment's resources as canonical JSON files."""

from __future__ import annotations

from collections import Counter
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from pathlib import Path

from graf._render import render_all
from graf.config import Project
from graf.resources import KIND_ORDER, Resource
from graf.validate.findings import Finding, InvalidResources


@dataclass(frozen=True)
class BuildResult:
    out: Path
    resources: Mapping[str, list[Resource]]
    findings: list[Finding] = field(default_factory=list)  # warnings of graf validate (errors stop the build)

    def summary(self, env: str) -> str:
        counts = Counter(r.kind for r in self.resources[env])
        parts = [f"{counts[k]} {k}{'' if counts[k] == 1 else 's'}" for k in KIND_ORDER if counts[k]]
        return f"{env}: {', '.join(parts)} -> {self.out / env}"


def tree(resources: Mapping[str, list[Resource]]) -> dict[str, str]:
    """`<env>/<kind>/<uid>.json` -> canonical JSON, for every resource."""
    return {f"{env}/{r.kind}/{r.uid}.json": r.canonical_json() for env, rs in resources.items() for r in rs}


def build(project: Project, out: Path, envs: Iterable[str] = ()) -> BuildResult:
    """Render, validate, then replace `out` with the canonical tree.

    Nothing is written if rendering fails or `graf validate` finds an error: InvalidResources
    (a ValidationError) carries the findings, so the command can show them all.
    """
    from graf.files import write_tree
    from graf.validate import errors, validate_rendered

    resources = render_all(project, envs)
    findings = validate_rendered(project, resources)
    failing = errors(findings)
    if failing:
        raise InvalidResources(failing)
    write_tree(out, tree(resources))
    return BuildResult(out, resources, findings)
