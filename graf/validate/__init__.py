"""`graf validate`: graf's own JSON Schemas plus lint rules, over rendered resources or loose files.

    resources ──▶ for each rule in RULES: rule(resource, ctx) ──▶ [Finding(path, rule, severity, message)]

`validate(resources, ctx)` runs every rule on every resource, drops the codes a resource
silences (a dashboard module's `SILENCE = {"G402": "why"}`), and returns the findings sorted
by resource then path. `validate_rendered` does it per environment of a project. Library code
decides nothing about failing: the CLI (and `graf build`) turn errors into an exit code.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Mapping, Sequence

from graf.config import Project
from graf.resources import Resource
from graf.validate.context import ValidationContext
from graf.validate.findings import CODES, Code, Finding, Severity, errors, strict

Rule = Callable[[Resource, ValidationContext], Iterable[Finding]]

__all__ = ["CODES", "Code", "Finding", "Severity", "ValidationContext", "errors", "strict", "validate",
           "validate_rendered"]


def validate(resources: Sequence[Resource], ctx: ValidationContext | None = None,
             rules: Iterable[Rule] | None = None, *, jobs: int = 1) -> list[Finding]:
    """Every finding of every rule on `resources` (standalone context unless one is given).

    With `jobs` > 1 and many resources, slices of them are checked in forked worker processes
    (they inherit the resources, nothing is pickled but the findings); the result is the same,
    in the same order.
    """
    from graf.validate.rules import RULES

    ctx = ctx or ValidationContext.standalone(resources)
    chosen = tuple(rules) if rules is not None else RULES
    if jobs > 1 and len(resources) >= PARALLEL_FROM:
        import multiprocessing  # only where it forks: its import costs every graf build ~7 ms

        if "fork" in multiprocessing.get_all_start_methods():
            return _in_workers(resources, ctx, chosen, jobs)
    return _validate(resources, ctx, chosen)


PARALLEL_FROM = 64  # below this, starting workers costs more than it saves

_shared: tuple[Sequence[Resource], ValidationContext, tuple[Rule, ...]] | None = None


def _in_workers(resources: Sequence[Resource], ctx: ValidationContext, rules: tuple[Rule, ...],
                jobs: int) -> list[Finding]:
    import multiprocessing
    from concurrent.futures import ProcessPoolExecutor

    global _shared
    size = max(1, len(resources) // (jobs * 4))
    bounds = [(start, min(start + size, len(resources))) for start in range(0, len(resources), size)]
    _shared = (resources, ctx, rules)  # handed to the forked workers, which inherit it
    try:
        with ProcessPoolExecutor(jobs, mp_context=multiprocessing.get_context("fork")) as pool:
            return [f for chunk in pool.map(_validate_slice, bounds) for f in chunk]
    finally:
        _shared = None


def _validate_slice(bounds: tuple[int, int]) -> list[Finding]:
    assert _shared is not None, "only called in a worker forked by _in_workers"
    from graf.validate import verdicts

    resources, ctx, rules = _shared
    found = _validate(resources[bounds[0]:bounds[1]], ctx, rules)
    verdicts.save()  # what this worker learnt (the parent never sees its caches)
    return found


def _validate(resources: Sequence[Resource], ctx: ValidationContext, rules: tuple[Rule, ...]) -> list[Finding]:
    from graf.validate import v2
    from graf.validate.rules import RULES
    from graf.validate.rules.v2 import RULES as V2_RULES

    findings: list[Finding] = []
    for resource in resources:
        silenced = resource.silenced
        # A v2 file has no panels or templating for the classic rules to walk; its own rules run instead.
        run = V2_RULES if rules is RULES and resource.kind == "dashboard" and v2.is_v2(resource.body) else rules
        found: list[Finding] = []
        for code in sorted(silenced - CODES.keys()):
            found.append(Finding(ctx.path(resource), "G003", "error",
                                 f"silences {code!r}, which is not a graf validate code"))
        for rule in run:
            found.extend(f for f in rule(resource, ctx) if f.rule not in silenced)
        findings.extend(sorted(found, key=lambda f: (f.path, f.rule)))
    return findings


def validate_rendered(project: Project, rendered: Mapping[str, Sequence[Resource]], *,
                      jobs: int = 1, files: Sequence[Resource] = ()) -> list[Finding]:
    """Findings for each environment's rendered resources, checked against that environment (and
    against the environments before it that sync to the same Grafana).

    With `files`, only those dashboards are checked, each against every environment given: will
    this export work there?"""
    from graf.validate.context import uid_space

    findings: list[Finding] = []
    by_grafana: dict[str, dict[tuple[str, str], tuple[str, str, Resource]]] = {}
    for env_name, resources in rendered.items():
        env = project.environment(env_name)
        url = env.grafana.url.rstrip("/")
        seen = by_grafana.setdefault(url, {})
        ctx = ValidationContext.rendered(env_name, resources, alert_interval=env.alerts.interval,
                                         environment_label=project.labels.environment, shared=dict(seen))
        if files:
            findings.extend(validate(files, ctx.with_files(files), jobs=jobs))
        else:
            findings.extend(validate(resources, ctx, jobs=jobs))
        for resource in resources:
            seen.setdefault((uid_space(resource.kind), resource.uid), (env_name, url, resource))
    return findings
