"""Plain-text renderers over a Plan, an ApplyResult and an Export: the CLI picks and prints them."""

from __future__ import annotations

from graf.grafana.apply import ApplyResult
from graf.grafana.plan import SYMBOLS, Plan, PlannedChange


def change_line(change: PlannedChange) -> str:
    return f"{SYMBOLS[change.action]} {change.action:<9} {change.name}  {change.title!r}: {change.reason}"


def plan_lines(plan: Plan, *, verbose: bool = False) -> list[str]:
    """One line per resource that needs attention (every resource with `verbose`)."""
    return [change_line(c) for c in plan.changes if verbose or c.action != "unchanged"]


def plan_summary(env: str, plan: Plan) -> str:
    return f"plan {env}: {plan.summary()}"


def sync_summary(env: str, plan: Plan, result: ApplyResult) -> str:
    counts = plan.counts()
    parts = [f"{len(result.applied)} applied"]
    if result.failed:
        parts.append(f"{len(result.failed)} failed")
    for action in ("unchanged", "conflict", "skipped", "orphan", "unread"):
        if counts[action]:
            parts.append(f"{counts[action]} {action}")
    return f"sync {env}: {', '.join(parts)}"
