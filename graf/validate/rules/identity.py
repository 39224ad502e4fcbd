"""Names and uids: G101 uid-invalid, G102 title-empty, G103 uid-duplicate, G104 panel-title-empty,
G105 environment-clash."""

from __future__ import annotations

from collections.abc import Iterator

from graf.resources import Resource
from graf.uids import MAX_UID, invalid_characters
from graf.validate.context import ValidationContext, uid_space
from graf.validate.findings import Finding
from graf.validate.rules._base import dashboard_index, finding

_TITLE_KEY = {"dashboard": "title", "folder": "title", "alert-rule": "title", "datasource": "name",
              "contact-point": "name"}


def uid_is_valid(resource: Resource, ctx: ValidationContext) -> Iterator[Finding]:
    uid = resource.body.get("uid", resource.uid)
    if not isinstance(uid, str) or not uid:
        return
    if len(uid) > MAX_UID:
        yield finding(ctx, resource, ("uid",), "G101",
                      f"uid {uid!r} is {len(uid)} characters; Grafana allows at most {MAX_UID}")
    bad = invalid_characters(uid)
    if bad:
        yield finding(ctx, resource, ("uid",), "G101",
                      f"uid {uid!r} contains {' '.join(repr(c) for c in bad)}; only letters, digits, '-' and '_' "
                      "are allowed")


def has_title(resource: Resource, ctx: ValidationContext) -> Iterator[Finding]:
    key = _TITLE_KEY.get(resource.kind)
    value = resource.body.get(key) if key else None
    if isinstance(value, str) and not value.strip():
        yield finding(ctx, resource, (key,), "G102", f"{resource.kind} {key} is empty")


def uid_is_unique(resource: Resource, ctx: ValidationContext) -> Iterator[Finding]:
    if ctx.uid_counts[(uid_space(resource.kind), resource.uid)] < 2 or not resource.uid:
        return
    others = [r for r in ctx.resources if r is not resource and r.uid == resource.uid
              and uid_space(r.kind) == uid_space(resource.kind)]
    named = ", ".join(f"{r.kind} {r.title!r}" + (f" ({r.source})" if r.source else "") for r in others)
    yield finding(ctx, resource, ("uid",), "G103", f"uid {resource.uid!r} is also used by {named}")


def panels_have_titles(resource: Resource, ctx: ValidationContext) -> Iterator[Finding]:
    if resource.kind != "dashboard":
        return
    for at in dashboard_index(ctx, resource).panels:
        title = at.panel.get("title")
        if not at.is_row and at.panel.get("targets") and not (isinstance(title, str) and title.strip()):
            yield finding(ctx, resource, (*at.parts, "title"), "G104",
                          "panel shows queries but has no title: readers and diffs cannot tell it apart")


def same_across_environments(resource: Resource, ctx: ValidationContext) -> Iterator[Finding]:
    """Environments that sync to one Grafana may share a resource (a datasource, the contact point)
    only if they render it identically; otherwise each sync overwrites the other's."""
    other = ctx.shared.get((uid_space(resource.kind), resource.uid))
    if other is None:
        return
    env, url, theirs = other
    if theirs.kind != resource.kind or theirs.canonical() != resource.canonical():
        what = f"{theirs.kind} {resource.uid!r}" + ("" if theirs.kind == resource.kind else f" (as a {theirs.kind})")
        yield finding(ctx, resource, ("uid",), "G105",
                      f"environment {env!r} renders {what} differently and syncs to the same Grafana ({url}): "
                      "each sync would overwrite the other; give each environment its own uid or make them equal")
