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
from graf.validate.dashboard import DashboardIndex, PanelAt
from graf.validate.findings import Finding
from graf.validate.rules._base import dashboard_index, finding
from graf.validate.variables import (
    LEGACY_BUILTINS,
    NEVER_INTERPOLATED,
    collect_strings,
    is_user_variable,
    names,
    names_anywhere,
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

    repeats = [(at, repeat) for at in idx.panels if isinstance(repeat := at.panel.get("repeat"), str) and repeat]
    if _all_defined_and_used(body, idx, defined, repeats):
        return  # what follows would find nothing

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
    for at, repeat in repeats:
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


def _all_defined_and_used(body: dict[str, Any], idx: DashboardIndex, defined: dict[str, int],
                          repeats: list[tuple[PanelAt, str]]) -> bool:
    """True when G401, G402, G404 and G405 surely find nothing, told without reading every string (the walk
    below costs a Node Exporter Full 1.2 ms): every name the dashboard's text could reference is defined
    (`names_anywhere`, more names than are used), and every variable that needs a use has one in a place
    that is surely read (`_surely_used`, fewer names than are used). False leaves it to the walk."""
    if any(repeat not in defined for _, repeat in repeats):
        return False
    anywhere = names_anywhere(body)
    if anywhere is None or "__all_variables" in anywhere:
        return False
    if any(is_user_variable(name) and name not in defined and name not in LEGACY_BUILTINS for name in anywhere):
        return False
    variables = dict(idx.variables)
    needs_use = {name for name, i in defined.items()
                 if not (isinstance(kind := variables[i].get("type"), str) and kind in _IMPLICIT)}
    return _surely_used(needs_use - {repeat for _, repeat in repeats}, body, idx)


def _surely_used(wanted: set[str], body: dict[str, Any], idx: DashboardIndex) -> bool:
    """Whether each of `wanted` is referenced where the walk surely reads it: a variable's query or datasource
    (not its own name), or a query or datasource of a panel (in `panels`, or a row's there) or of its targets.
    Read until all are found (in a Node Exporter Full, the first panel's): the walk goes only into plain dicts
    and lists, and so does this; each text is read with REFERENCE on its own."""
    missing = set(wanted)
    for text, own in _surely_read(body, idx):
        if not missing:
            return True
        if type(text) is str and ("$" in text or "[[" in text):
            missing -= set(names(text, builtins=True)) - {own}
    return not missing


def _surely_read(body: dict[str, Any], idx: DashboardIndex) -> Iterator[tuple[Any, Any]]:
    """(text, the name it does not count as a use of) for each variable's query and datasource uid, then each
    panel's datasource uid and its targets' queries and datasource uids (not all of them strings)."""
    for _, variable in idx.variables:
        query = variable.get("query")
        own = variable.get("name")
        yield (query.get("query") if type(query) is dict else query), own
        yield _uid(variable.get("datasource")), own
    for panel in _plain_list(body.get("panels")):
        if type(panel) is dict:
            yield from _texts_of(panel)
            for child in _plain_list(panel.get("panels")):
                if type(child) is dict:
                    yield from _texts_of(child)


def _texts_of(panel: dict[str, Any]) -> Iterator[tuple[Any, None]]:
    yield _uid(panel.get("datasource")), None
    for target in _plain_list(panel.get("targets")):
        if type(target) is dict:
            yield target.get("expr"), None
            yield _uid(target.get("datasource")), None


def _plain_list(value: Any) -> list[Any]:
    return value if type(value) is list else []


def _uid(ref: Any) -> Any:
    return ref.get("uid") if type(ref) is dict else ref


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
