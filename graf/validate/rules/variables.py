"""Template variables: G401 variable-undefined, G402 variable-unused, G403 variable-duplicate,
G404 import-placeholder, G405 repeat-undefined.

Uses are found in every string of the dashboard (queries, titles, links, datasource uids,
other variables' queries: chained variables count) and in `repeat`. A variable's own stored
selection (`current`, `options`) is not a use. Built-ins (`$__rate_interval`, `${__from}`, …)
need no definition. An export's `__inputs` (`${DS_PROMETHEUS}`) define names for a standalone
file; in a rendered dashboard they are an error, since only the UI's import replaces them.
"""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

from graf.resources import Resource
from graf.validate.context import ValidationContext
from graf.validate.findings import Finding
from graf.validate.rules._base import dashboard_index, finding
from graf.validate.variables import (
    LEGACY_BUILTINS,
    NEVER_INTERPOLATED,
    collect_strings,
    is_user_variable,
    names,
    names_in,
    strings,
    used_names,
)
from graf.wording import closest

# Keys of the dashboard that are not part of what Grafana renders.
_NOT_RENDERED = frozenset({"templating", "__inputs", "__requires", "__elements"})
# Variable types that act on every query without being referenced.
_IMPLICIT = frozenset({"adhoc", "groupby", "system"})
_MAX_LOCATIONS = 5


def variables_defined_and_used(resource: Resource, ctx: ValidationContext) -> Iterator[Finding]:
    if resource.kind != "dashboard":
        return
    body = resource.body
    idx = dashboard_index(ctx, resource)
    defined: dict[str, int] = {}
    for i, variable in idx.variables:
        name = variable.get("name")
        if not isinstance(name, str) or not name:
            continue
        if name in defined:
            yield finding(ctx, resource, ("templating", "list", i, "name"), "G403",
                          f"variable {name!r} is defined twice (also templating.list[{defined[name]}])")
        else:
            defined[name] = i

    raw: set[str] = set()
    texts: list[str] = []
    for key, value in body.items():
        if key not in _NOT_RENDERED:
            collect_strings(value, texts.append)
    names_in(texts, raw)
    for _, variable in idx.variables:
        refs: set[str] = set()
        used_names({k: v for k, v in variable.items() if k not in NEVER_INTERPOLATED}, refs)
        refs.discard(str(variable.get("name")))
        raw |= refs
    used = {name for name in raw if is_user_variable(name)}
    for at in idx.panels:
        repeat = at.panel.get("repeat")
        if isinstance(repeat, str) and repeat:
            used.add(repeat)
            if repeat not in defined:
                yield finding(ctx, resource, (*at.parts, "repeat"), "G405",
                              f"repeats by variable {repeat!r}, which is not defined: Grafana shows it once")

    inputs = _inputs(body)
    for name in sorted(used - defined.keys() - LEGACY_BUILTINS):
        if name in inputs and ctx.is_standalone:
            continue
        locations = list(_locations(body, name))
        for n, (parts, _) in enumerate(locations[:_MAX_LOCATIONS]):
            more = len(locations) - _MAX_LOCATIONS if n == _MAX_LOCATIONS - 1 else 0
            also = f" (and {more} more place{'s' if more > 1 else ''})" if more > 0 else ""
            if name in inputs:
                yield finding(ctx, resource, parts, "G404",
                              f"${{{name}}} is an __inputs placeholder; Grafana's API does not replace it (only the "
                              "UI's import does): use a datasource ref or a datasource variable" + also)
            else:
                yield finding(ctx, resource, parts, "G401", f"uses variable ${name}, which is not defined"
                              + _did_you_mean(name, defined) + also)

    if "__all_variables" in raw or _links_include_variables(body):
        return  # every variable is passed on to another dashboard: "unused" cannot be proven
    variables = dict(idx.variables)
    for name, i in defined.items():
        kind = variables[i].get("type")
        if name not in used and not (isinstance(kind, str) and kind in _IMPLICIT):
            yield finding(ctx, resource, ("templating", "list", i), "G402",
                          f"variable {name!r} is defined but no query, title, link or other variable uses it")


def _inputs(body: dict[str, Any]) -> set[str]:
    items = body.get("__inputs")
    return {i["name"] for i in items if isinstance(i, dict) and isinstance(i.get("name"), str)} \
        if isinstance(items, list) else set()


def _locations(body: dict[str, Any], name: str) -> Iterator[tuple[tuple[str | int, ...], str]]:
    """The JSON paths of strings that reference `name` (the slow pass, only for undefined names)."""
    found = []
    for parts, text in strings(body, skip=NEVER_INTERPOLATED | {"__inputs", "__requires", "__elements"}):
        if name in names(text):
            found.append((parts, text))
    return iter(sorted(found, key=lambda item: [str(p).zfill(6) if isinstance(p, int) else p for p in item[0]]))


def _links_include_variables(body: dict[str, Any]) -> bool:
    links = body.get("links")
    return isinstance(links, list) and any(isinstance(link, dict) and link.get("includeVars") for link in links)


def _did_you_mean(name: str, defined: dict[str, int]) -> str:
    match = closest(name, defined)
    return f" (did you mean ${match}?)" if match else ""
