"""The diff as JSON for tools: the same data the other formats show, values whole."""

from __future__ import annotations

import json
from typing import Any

from graf.diff.model import MISSING, Change, Diff, ResourceDiff
from graf.diff.text import sentence


def render_json(diff: Diff) -> str:
    """Stable, indented JSON ending in a newline."""
    counts = diff.counts()
    data = {
        "old": diff.old_label,
        "new": diff.new_label,
        "summary": {s: counts[s] for s in ("changed", "added", "removed")} | {"unchanged": diff.unchanged},
        "notes": list(diff.notes),
        "resources": [_resource(r) for r in diff.resources],
    }
    return json.dumps(data, indent=2, ensure_ascii=False) + "\n"


def _resource(resource: ResourceDiff) -> dict[str, Any]:
    out: dict[str, Any] = {
        "env": resource.env, "kind": resource.kind, "uid": resource.uid,
        "title": resource.title, "status": resource.status,
    }
    if resource.summary:
        out["summary"] = resource.summary
    out["changes"] = [_change(c) for c in resource.changes]
    return out


def _change(change: Change) -> dict[str, Any]:
    out: dict[str, Any] = {"op": change.op, "where": change.where, "subject": change.subject, "path": change.path}
    if change.old is not MISSING:
        out["old"] = _plain(change.old)
    if change.new is not MISSING:
        out["new"] = _plain(change.new)
    if change.words is not None:
        out["words"] = [list(segment) for segment in change.words]
    if change.note:
        out["note"] = change.note
    out["text"] = sentence(change)
    return out


def _plain(value: Any) -> Any:
    return list(value) if isinstance(value, tuple) else value
