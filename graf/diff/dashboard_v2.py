"""Semantic diff of two schema v2 dashboards (resource objects, graf.validate.v2).

Elements are matched by name (`panel-3`), so an edited panel is its field changes (queries by
refId, long expressions word-diffed, as in the classic diff) and never a rewrite of a list. The
layout is compared as where each element sits (the tabs and rows around it and its grid cell, or
its place in an auto grid): one line per element moved, added to or removed from the layout, and
one per tab or row added or removed. Variables and annotations are matched by name.
"""

from __future__ import annotations

from typing import Any

from graf.diff.dashboard import _diff_named
from graf.diff.model import Change
from graf.diff.tree import diff_values
from graf.resources import JSON
from graf.validate import v2

_PLACED_KEYS = ("elements", "layout", "variables", "annotations")
_FOLDER = "grafana.app/folder"


def diff_dashboard_v2(old: JSON, new: JSON) -> list[Change]:
    """Changes between two v2 resource objects: dashboard fields, variables, annotations, then elements
    and their places in layout order."""
    before, after = v2.spec_of(old), v2.spec_of(new)
    changes: list[Change] = []
    if old.get("apiVersion") != new.get("apiVersion"):
        changes.append(Change("changed", path="apiVersion", old=old.get("apiVersion"), new=new.get("apiVersion")))
    old_folder, new_folder = _folder(old), _folder(new)
    if old_folder != new_folder:
        changes.append(Change("changed", path="folderUid", old=old_folder, new=new_folder))
    changes += diff_values({k: v for k, v in before.items() if k not in _PLACED_KEYS},
                           {k: v for k, v in after.items() if k not in _PLACED_KEYS})
    for key, noun in (("variables", "variable"), ("annotations", "annotation")):
        changes += _diff_named(_named(before.get(key)), _named(after.get(key)), noun, key)
    changes += _diff_elements(old, new)
    return changes


def summary_v2(body: JSON) -> str:
    """What an added or removed v2 dashboard holds: `4 elements in 2 tabs, 3 rows, 1 variable`."""
    containers = {" › ".join(p.where[:i + 1]): p.where[i] for p in v2.placements(body) for i in range(len(p.where))}
    inside = [_plural(n, noun) for noun in ("tab", "row")
              if (n := sum(label.startswith(f"{noun} ") for label in containers.values()))]
    parts = [_plural(len(v2.elements(body)), "element") + (f" in {', '.join(inside)}" if inside else "")]
    variables = len(_named(v2.spec_of(body).get("variables")))
    if variables:
        parts.append(_plural(variables, "variable"))
    return ", ".join(parts)


def _diff_elements(old: JSON, new: JSON) -> list[Change]:
    old_elements, new_elements = v2.elements(old), v2.elements(new)
    old_places, new_places = _places(old), _places(new)
    order = [*dict.fromkeys([*new_places, *new_elements, *(n for n in old_places if n not in new_places),
                             *old_elements])]
    changes: list[Change] = []
    for name in order:
        before, after = old_elements.get(name), new_elements.get(name)
        subject = v2.element_label(name, after if after is not None else before)
        was, now = old_places.get(name), new_places.get(name)
        if before is None and after is not None:
            changes.append(Change("added", subject, new=name, note=_where(now) if now else "not in the layout"))
            continue
        if after is None and before is not None:
            changes.append(Change("removed", subject, old=name, note=_where(was) if was else "not in the layout"))
            continue
        if before is not None and after is not None:
            old_title, new_title = _title(before), _title(after)
            if old_title != new_title:
                changes.append(Change("renamed", v2.element_label(name, before), old=old_title, new=new_title))
            changes += diff_values(_view(before), _view(after), "", subject)
        changes += _diff_place(subject, was, now)
    changes += _diff_containers(old_places, new_places)
    return changes


def _diff_place(subject: str, was: v2.Placed | None, now: v2.Placed | None) -> list[Change]:
    if was is None and now is None:
        return []
    if was is None:
        assert now is not None
        return [Change("added", subject, "layout", new=_where(now))]
    if now is None:
        return [Change("removed", subject, "layout", old=_where(was))]
    changes: list[Change] = []
    moved_between = was.where != now.where
    if was.grid is not None and now.grid is not None:
        if was.grid[:2] != now.grid[:2] or moved_between:
            note = f"{_container(was)} → {_container(now)}" if moved_between else ""
            changes.append(Change("moved", subject, old=was.grid[:2], new=now.grid[:2], note=note))
        if was.grid[2:] != now.grid[2:]:
            changes.append(Change("resized", subject, old=was.grid[2:], new=now.grid[2:]))
    elif moved_between or was.index != now.index or (was.grid is None) != (now.grid is None):
        changes.append(Change("moved", subject, note=f"{_where(was)} → {_where(now)}"))
    return changes


def _diff_containers(old: dict[str, v2.Placed], new: dict[str, v2.Placed]) -> list[Change]:
    """A tab or row that holds elements on one side only (an empty one has nothing to show)."""
    def containers(places: dict[str, v2.Placed]) -> list[str]:
        return list(dict.fromkeys(" › ".join(p.where[:i + 1]) for p in places.values() for i in range(len(p.where))))

    before, after = containers(old), containers(new)
    return [*(Change("added", label) for label in after if label not in before),
            *(Change("removed", label) for label in before if label not in after)]


def _places(body: JSON) -> dict[str, v2.Placed]:
    """Element name -> its first place in the layout (an element placed twice is compared by its first)."""
    out: dict[str, v2.Placed] = {}
    for placed in v2.placements(body):
        out.setdefault(placed.name, placed)
    return out


def _where(placed: v2.Placed) -> str:
    """`tab "JVM" › row "GC" at (0,8) 24×8`, `tab "Logs" item 2` (auto grid)."""
    if placed.grid is not None:
        x, y, w, h = placed.grid
        return f"{_container(placed)} at ({x},{y}) {w}×{h}"
    return f"{_container(placed)} item {placed.index + 1}"


def _container(placed: v2.Placed) -> str:
    return " › ".join(placed.where) or "top level"


def _view(element: JSON) -> JSON:
    """An element as compared: queries by refId (datasource, group and query body flattened, as a classic
    target reads), the visualization's type/options/fieldConfig at the top; the title is a rename."""
    spec = _dict(element.get("spec"))
    view: JSON = {k: v for k, v in spec.items() if k not in ("title", "data", "vizConfig")}
    if element.get("kind") != "Panel":
        view["kind"] = element.get("kind")
    data = _dict(_dict(spec.get("data")).get("spec"))
    queries = []
    for _, query in v2.queries(element):
        inner = _dict(query.get("query"))
        queries.append({"refId": query.get("refId"), "hidden": query.get("hidden") or None,
                        "datasource": _dict(inner.get("datasource")).get("name"), "group": inner.get("group"),
                        **_dict(inner.get("spec"))})
    if queries:
        view["queries"] = queries
    for key in ("transformations", "queryOptions"):
        if data.get(key):
            view[key] = data[key]
    viz = _dict(spec.get("vizConfig"))
    if viz:
        view["type"] = viz.get("group")
        view["pluginVersion"] = viz.get("version")
        view.update(_dict(viz.get("spec")))
    return view


def _named(items: Any) -> list[JSON]:
    """Variables / annotations as `{name, kind, ...spec}` for the by-name diff."""
    out = []
    for item in items if isinstance(items, list) else []:
        if isinstance(item, dict) and isinstance(item.get("spec"), dict):
            out.append({**item["spec"], "kind": item.get("kind")})
    return out


def _folder(body: JSON) -> Any:
    return _dict(_dict(body.get("metadata")).get("annotations")).get(_FOLDER)


def _title(element: JSON) -> str:
    return str(_dict(element.get("spec")).get("title") or "")


def _dict(value: Any) -> dict[str, Any]:
    return value if isinstance(value, dict) else {}


def _plural(n: int, word: str) -> str:
    return f"{n} {word}{'' if n == 1 else 's'}"
