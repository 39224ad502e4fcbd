"""The rules that make sense for a schema v2 dashboard file (graf.validate.v2): G001 against the v2
schema, G101/G102/G103 on its uid (`metadata.name`) and title, G104 untitled panels, G206 layout
items naming a missing element, G301/G303 query datasources (with --env), G501/G502 queries.

The classic rules walk `panels` and `templating`, which a v2 file has not; `graf.validate` runs
these instead for a v2 file.
"""

from __future__ import annotations

from collections.abc import Iterator

from graf.resources import Resource
from graf.uids import MAX_UID, invalid_characters
from graf.validate import schema, v2
from graf.validate.context import BUILTIN_DATASOURCE_TYPES, BUILTIN_DATASOURCES, ValidationContext, uid_space
from graf.validate.findings import Finding
from graf.validate.rules._base import finding
from graf.validate.rules.datasources import _unknown
from graf.validate.rules.queries import _check
from graf.validate.variables import samples

_NAME = ("metadata", "name")
# v2 variable kind -> the classic `type` graf's variable sampling understands.
_CLASSIC_TYPE = {"QueryVariable": "query", "CustomVariable": "custom", "DatasourceVariable": "datasource",
                 "IntervalVariable": "interval", "ConstantVariable": "constant", "TextVariable": "textbox",
                 "AdhocVariable": "adhoc", "GroupByVariable": "groupby", "SwitchVariable": "switch"}


def matches_schema(resource: Resource, ctx: ValidationContext) -> Iterator[Finding]:
    for parts, message in schema.errors("dashboard-v2", resource.body):
        yield finding(ctx, resource, parts, "G001", message)


def identity(resource: Resource, ctx: ValidationContext) -> Iterator[Finding]:
    uid = v2.uid_of(resource.body)
    if uid and len(uid) > MAX_UID:
        yield finding(ctx, resource, _NAME, "G101", f"uid {uid!r} is {len(uid)} characters; Grafana allows at most "
                                                    f"{MAX_UID}")
    bad = invalid_characters(uid) if uid else []
    if bad:
        yield finding(ctx, resource, _NAME, "G101", f"uid {uid!r} contains {' '.join(repr(c) for c in bad)}; only "
                                                    "letters, digits, '-' and '_' are allowed")
    title = v2.spec_of(resource.body).get("title")
    if isinstance(title, str) and not title.strip():
        yield finding(ctx, resource, ("spec", "title"), "G102", "dashboard title is empty")
    if uid and ctx.uid_counts[(uid_space(resource.kind), resource.uid)] > 1:
        others = [r for r in ctx.resources if r is not resource and r.uid == resource.uid
                  and uid_space(r.kind) == uid_space(resource.kind)]
        named = ", ".join(f"{r.kind} {r.title!r}" + (f" ({r.source})" if r.source else "") for r in others)
        yield finding(ctx, resource, _NAME, "G103", f"uid {uid!r} is also used by {named}")
    for name, element in v2.elements(resource.body).items():
        spec = element.get("spec")
        title = spec.get("title") if isinstance(spec, dict) else None
        if element.get("kind") == "Panel" and any(True for _ in v2.queries(element)) \
                and not (isinstance(title, str) and title.strip()):
            yield finding(ctx, resource, ("spec", "elements", name, "spec", "title"), "G104",
                          "panel shows queries but has no title: readers and diffs cannot tell it apart")


def layout_references(resource: Resource, ctx: ValidationContext) -> Iterator[Finding]:
    known = v2.elements(resource.body)
    for placed in v2.placements(resource.body):
        if placed.name not in known:
            names = ", ".join(sorted(known)) or "none"
            yield finding(ctx, resource, (*placed.parts, "spec", "element", "name"), "G206",
                          f"layout item refers to element {placed.name!r}, which is not in spec.elements ({names})")


def queries(resource: Resource, ctx: ValidationContext) -> Iterator[Finding]:
    spec = v2.spec_of(resource.body)
    variables = [{**v.get("spec", {}), "type": _CLASSIC_TYPE.get(str(v.get("kind")), "custom")}
                 for v in spec.get("variables") or () if isinstance(v, dict) and isinstance(v.get("spec"), dict)]
    values = samples(variables)
    datasources = ctx.datasources or {}
    for name, element in v2.elements(resource.body).items():
        for parts, query in v2.queries(element):
            data = query.get("query")
            if not isinstance(data, dict):
                continue
            at = ("spec", "elements", name, *parts, "query")
            group = data.get("group") if isinstance(data.get("group"), str) else None
            ref = data.get("datasource")
            uid = ref.get("name") if isinstance(ref, dict) else None
            if not ctx.is_standalone and isinstance(uid, str) and uid:
                yield from _datasource(resource, ctx, at, uid, group)
            language = group or (str(datasources[uid].get("type")) if isinstance(uid, str) and uid in datasources
                                 else None)
            body = data.get("spec")
            found = _check(resource, ctx, (*at, "spec", "expr"), body.get("expr"), language, values) \
                if isinstance(body, dict) else None
            if found is not None:
                yield found


def _datasource(resource: Resource, ctx: ValidationContext, at: tuple[str | int, ...], uid: str,
                group: str | None) -> Iterator[Finding]:
    if uid in BUILTIN_DATASOURCES or group in BUILTIN_DATASOURCE_TYPES or "$" in uid:
        return
    datasources = ctx.datasources or {}
    if uid not in datasources:
        yield finding(ctx, resource, (*at, "datasource", "name"), "G301", _unknown(uid, ctx))
    elif group and group != datasources[uid].get("type"):
        yield finding(ctx, resource, (*at, "group"), "G303",
                      f"group {group!r}, but datasource {uid!r} is {datasources[uid].get('type')!r}")




RULES = (matches_schema, identity, layout_references, queries)
