"""Renderers over a Plan, an ApplyResult and an Export: text lines (coloured on a terminal) and JSON documents.

The CLI picks one and prints it; library code never prints. The JSON shapes are documented in the
README ("Machine-readable output") and are stable: new keys may be added, none removed.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

import click

from graf.grafana.apply import ApplyResult, Outcome
from graf.grafana.export import Export
from graf.grafana.plan import SYMBOLS, WRITES, Plan, PlannedChange

# Terminal colours per action, as `graf diff` colours its lines: green adds, yellow changes, red deletes and
# conflicts, dim what needs nothing.
COLOURS: Mapping[str, str] = {"create": "green", "adopt": "cyan", "update": "yellow", "delete": "red",
                              "conflict": "red", "skipped": "bright_black", "orphan": "magenta",
                              "unchanged": "bright_black", "unread": "red"}


def change_line(change: PlannedChange, *, colour: bool = False) -> str:
    text = f"{SYMBOLS[change.action]} {change.action:<9} {change.name}  {change.title!r}: {change.reason}"
    return click.style(text, fg=COLOURS.get(change.action)) if colour else text


def plan_lines(plan: Plan, *, verbose: bool = False, colour: bool = False) -> list[str]:
    """One line per resource that needs attention (every resource with `verbose`)."""
    return [change_line(c, colour=colour) for c in plan.changes if verbose or c.action != "unchanged"]


def plan_summary(env: str, plan: Plan) -> str:
    return f"plan {env}: {plan.summary()}"


def outcome_line(outcome: Outcome, *, colour: bool = False) -> str:
    text = outcome.line
    if not colour:
        return text
    if outcome.status == "applied":
        return click.style(text, fg=COLOURS.get(outcome.change.action))
    return click.style(text, fg="red", bold=True)


def sync_summary(env: str, plan: Plan, result: ApplyResult) -> str:
    counts = plan.counts()
    parts = [f"{len(result.applied)} applied"]
    if result.failed:
        parts.append(f"{len(result.failed)} failed")
    for action in ("unchanged", "conflict", "skipped", "orphan", "unread"):
        if counts[action]:
            parts.append(f"{counts[action]} {action}")
    return f"sync {env}: {', '.join(parts)}"


# ------------------------------------------------------------------ JSON documents


def change_json(change: PlannedChange) -> dict[str, Any]:
    live = change.live
    return {"kind": change.kind, "uid": change.uid, "title": change.title, "action": change.action,
            "reason": change.reason, "write": change.action in WRITES,
            "updated_by": live.meta.updated_by if live is not None else None,
            "updated": live.meta.updated if live is not None else None}


def plan_json(env: str, plan: Plan) -> dict[str, Any]:
    """`graf plan --format json`: every resource's decision and the counts per action."""
    return {"env": env, "pending": plan.pending, "counts": dict(sorted(plan.counts().items())),
            "changes": [change_json(c) for c in plan.changes]}


def sync_json(env: str, plan: Plan, result: ApplyResult) -> dict[str, Any]:
    """`graf sync --format json`: the plan it carried out and one outcome per write."""
    return {**plan_json(env, plan),
            "outcomes": [{"kind": o.change.kind, "uid": o.change.uid, "action": o.change.action,
                          "status": o.status, "error": o.error or None} for o in result.outcomes],
            "applied": len(result.applied), "failed": len(result.failed)}


def export_json(env: str, export: Export, folder: str, files: list[str]) -> dict[str, Any]:
    """`graf export --format json`: the files written, the drift from the code, what graf does not manage, and
    one line per resource that could not be exported (e.g. a uid that is not a safe file name)."""
    return {"env": env, "folder": folder, "files": sorted(files),
            "drift": [{"kind": d.kind, "uid": d.uid, "title": d.title, "by": d.by,
                       "edited_outside_graf": d.edited_outside_graf} for d in export.drift],
            "unmanaged": list(export.unmanaged), "errors": list(export.errors)}
