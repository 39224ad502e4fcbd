"""The semantic diff of two resource sets: pure, no I/O.

Both sides are `{env: [Resource]}` (what `render_all` returns and what a build folder holds).
Resources are matched by (env, kind, uid) and compared in canonical form, so key order and
server-owned fields (`version`, `id`, `iteration`, ...) never make a difference.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence

from graf.diff.dashboard import dashboard_summary, diff_dashboard
from graf.diff.dashboard_v2 import diff_dashboard_v2, summary_v2
from graf.diff.model import Change, Diff, ResourceDiff
from graf.diff.tree import diff_values
from graf.gcpause import gc_paused
from graf.resources import JSON, KIND_ORDER, VOLATILE, Resource
from graf.validate.v2 import is_v2

ResourceSets = Mapping[str, Sequence[Resource]]


def diff_sets(old: ResourceSets, new: ResourceSets, *, old_label: str = "old", new_label: str = "new",
              unchanged: int = 0, notes: Iterable[str] = ()) -> Diff:
    """Every resource that differs between `old` and `new`; `unchanged` adds resources compared elsewhere."""
    envs = [*new, *(e for e in old if e not in new)]
    found: list[ResourceDiff] = []
    same = unchanged
    with gc_paused():
        for env in envs:
            diffs, equal = diff_resources(old.get(env, ()), new.get(env, ()), env=env)
            found.extend(diffs)
            same += equal
    return Diff(old_label, new_label, tuple(found), same, tuple(notes))


def diff_resources(old: Iterable[Resource], new: Iterable[Resource], *,
                   env: str = "") -> tuple[list[ResourceDiff], int]:
    """The differing resources of one environment, in apply order, and how many were equal."""
    old_by = {r.key: r for r in old}
    new_by = {r.key: r for r in new}
    keys = sorted(old_by.keys() | new_by.keys(), key=_order)
    found: list[ResourceDiff] = []
    for key in keys:
        before, after = old_by.get(key), new_by.get(key)
        if before is None:
            assert after is not None
            found.append(ResourceDiff(env, after.kind, after.uid, after.title, "added", summary=_summary(after)))
        elif after is None:
            found.append(ResourceDiff(env, before.kind, before.uid, before.title, "removed", summary=_summary(before)))
        else:
            changes = diff_resource(before, after)
            if changes:
                found.append(ResourceDiff(env, after.kind, after.uid, after.title, "changed", changes))
    return found, len(keys) - len(found)


def diff_resource(old: Resource, new: Resource) -> tuple[Change, ...]:
    """The changes from one version of a resource to another (same kind), canonical form compared.

    Only the top level is normalised here; `diff_values` normalises the parts that differ as it
    goes, which is what keeps large dashboards fast.
    """
    before, after = _without_volatile(old), _without_volatile(new)
    changes: list[Change] = []
    if old.folder and new.folder and old.folder != new.folder:
        changes.append(Change("changed", path="folderUid", old=old.folder, new=new.folder))
    if before == after:
        return tuple(changes)
    if new.kind == "dashboard" and (is_v2(before) or is_v2(after)):
        changes.extend(_diff_v2(before, after))
    elif new.kind == "dashboard":
        changes.extend(diff_dashboard(before, after))
    else:
        changes.extend(diff_values(before, after))
    return tuple(changes)


def _order(key: tuple[str, str]) -> tuple[int, str, str]:
    kind, uid = key
    return (KIND_ORDER.index(kind) if kind in KIND_ORDER else len(KIND_ORDER), kind, uid)  # type: ignore[arg-type]


def _without_volatile(resource: Resource) -> JSON:
    volatile = VOLATILE.get(resource.kind, {})
    return {k: v for k, v in resource.body.items() if k not in volatile and v is not None}


def _diff_v2(before: JSON, after: JSON) -> list[Change]:
    if is_v2(before) and is_v2(after):
        return diff_dashboard_v2(before, after)
    # graf does not convert between the two models (13§3.1: either way is lossy), so says only that they differ.
    old, new = (str(b["apiVersion"]) if is_v2(b) else "classic JSON" for b in (before, after))
    return [Change("changed", path="schema", old=old, new=new)]


def _summary(resource: Resource) -> str:
    if resource.kind != "dashboard":
        return ""
    return summary_v2(resource.body) if is_v2(resource.body) else dashboard_summary(resource.body)
