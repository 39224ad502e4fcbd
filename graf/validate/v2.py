"""Schema v2 dashboard files (what Grafana 13 stores for a UI save, what `graf export` keeps):
recognising one, walking its elements, layout and queries, and naming a JSON path inside it.

A v2 file is the resource object `{"apiVersion": "dashboard.grafana.app/v2…", "kind": "Dashboard",
"metadata": {"name": UID, …}, "spec": {…}}`. Panels live in `spec.elements` by name; the layout
(grid, rows, tabs, auto grid, nested) places them by `ElementReference`.
"""

from __future__ import annotations

from collections.abc import Iterator, Sequence
from dataclasses import dataclass
from typing import Any

from graf.errors import format_path
from graf.resources import JSON

Parts = tuple[str | int, ...]
API_PREFIX = "dashboard.grafana.app/v2"
_CONTAINERS = {"RowsLayout": ("rows", "row"), "TabsLayout": ("tabs", "tab")}


def is_v2(body: Any) -> bool:
    """A dashboard resource object at a schema v2 version (v2alpha1, v2beta1, v2…)."""
    return isinstance(body, dict) and body.get("kind") == "Dashboard" \
        and isinstance(body.get("apiVersion"), str) and body["apiVersion"].startswith(API_PREFIX)


def uid_of(body: JSON) -> str:
    name = _dict(body.get("metadata")).get("name")
    return name if isinstance(name, str) else ""


def spec_of(body: JSON) -> JSON:
    return _dict(body.get("spec"))


def elements(body: JSON) -> dict[str, JSON]:
    return {name: e for name, e in _dict(spec_of(body).get("elements")).items() if isinstance(e, dict)}


@dataclass(frozen=True)
class Placed:
    """Where the layout puts one element: the containers it sits in and its place there."""

    name: str  # the ElementReference's name
    parts: Parts  # JSON path of the item (from the resource root)
    where: tuple[str, ...]  # ('tab "Overview"', 'row "CPU"'); empty at the top
    grid: tuple[int, int, int, int] | None  # (x, y, width, height) in a GridLayout
    index: int  # position among its layout's items (an AutoGridLayout orders, it does not place)


def placements(body: JSON) -> list[Placed]:
    """Every layout item that references an element, in layout order."""
    out: list[Placed] = []
    _walk(_dict(spec_of(body).get("layout")), ("spec", "layout"), (), out)
    return out


def _walk(layout: JSON, parts: Parts, where: tuple[str, ...], out: list[Placed]) -> None:
    kind, spec = layout.get("kind"), _dict(layout.get("spec"))
    if kind in ("GridLayout", "AutoGridLayout"):
        for i, item in enumerate(_list(spec.get("items"))):
            s = _dict(_dict(item).get("spec"))
            name = _dict(s.get("element")).get("name")
            if not isinstance(name, str):
                continue
            grid = None
            if kind == "GridLayout":
                grid = (_int(s.get("x")), _int(s.get("y")), _int(s.get("width")), _int(s.get("height")))
            out.append(Placed(name, (*parts, "spec", "items", i), where, grid, i))
    elif kind in _CONTAINERS:
        key, noun = _CONTAINERS[kind]
        for i, child in enumerate(_list(spec.get(key))):
            s = _dict(_dict(child).get("spec"))
            title = s.get("title")
            label = f'{noun} "{title}"' if isinstance(title, str) and title else f"{noun} {i + 1}"
            inner = where if s.get("hideHeader") else (*where, label)
            _walk(_dict(s.get("layout")), (*parts, "spec", key, i, "spec", "layout"), inner, out)


def queries(element: JSON) -> Iterator[tuple[Parts, JSON]]:
    """(parts from the element, PanelQuery spec) of a Panel element."""
    data = _dict(_dict(element.get("spec")).get("data"))
    for i, query in enumerate(_list(_dict(data.get("spec")).get("queries"))):
        spec = _dict(_dict(query).get("spec"))
        if spec:
            yield ("spec", "data", "spec", "queries", i, "spec"), spec


def element_label(name: str, element: Any) -> str:
    """`element "panel-1" (title "Heap")`."""
    title = _dict(_dict(element).get("spec")).get("title")
    return f'element "{name}" (title "{title}")' if isinstance(title, str) and title else f'element "{name}"'


def describe(body: Any, parts: Sequence[str | int]) -> list[str]:
    """Human segments for a JSON path inside a v2 resource object."""
    parts = list(parts)
    spec = spec_of(body) if isinstance(body, dict) else {}
    if parts[:1] == ["metadata"]:
        return [format_path(parts)]
    if parts[:1] != ["spec"]:
        return [format_path(parts)] if parts else []
    rest = parts[1:]
    if len(rest) >= 2 and rest[0] == "elements" and isinstance(rest[1], str):
        element = _dict(spec.get("elements")).get(rest[1])
        return [element_label(rest[1], element), *_element_rest(element, rest[2:])]
    if len(rest) >= 2 and rest[0] in ("variables", "annotations") and isinstance(rest[1], int):
        items = _list(spec.get(rest[0]))
        item = _dict(items[rest[1]]) if rest[1] < len(items) else {}
        name = _dict(item.get("spec")).get("name")
        noun = "variable" if rest[0] == "variables" else "annotation"
        label = f'{noun} "{name}"' if isinstance(name, str) else f"{noun} #{rest[1]}"
        tail = rest[3:] if rest[2:3] == ["spec"] else rest[2:]
        return [label, *([format_path(tail)] if tail else [])]
    if rest[:1] == ["layout"]:
        return _layout(_dict(spec.get("layout")), rest[1:])
    return [format_path(rest)] if rest else []


def _layout(layout: JSON, rest: list[str | int]) -> list[str]:
    """`layout › tab "Logs" › row "GC" › items[0].element.name`: tabs and rows by title, `spec` left out."""
    segments = ["layout"]
    node, i = layout, 0
    while i < len(rest):
        part = rest[i]
        if part == "spec":
            i += 1
        elif part in ("tabs", "rows") and i + 1 < len(rest) and isinstance(index := rest[i + 1], int):
            children = _list(_dict(node.get("spec")).get(part))
            child = _dict(children[index]) if 0 <= index < len(children) else {}
            title = _dict(child.get("spec")).get("title")
            noun = part[:-1]
            segments.append(f'{noun} "{title}"' if isinstance(title, str) and title else f"{noun} {index + 1}")
            node, i = child, i + 2
            if rest[i:i + 2] == ["spec", "layout"]:
                node, i = _dict(_dict(child.get("spec")).get("layout")), i + 2
        else:
            break
    tail = [p for p in rest[i:] if p != "spec"]
    return [*segments, *([format_path(tail)] if tail else [])]


def _element_rest(element: Any, rest: list[str | int]) -> list[str]:
    """`queries[A].expr` for `spec.data.spec.queries[0].spec.query.spec.expr`."""
    if not rest:
        return []
    head = ["spec", "data", "spec", "queries"]
    if rest[:4] == head and len(rest) > 4 and isinstance(rest[4], int):
        index = rest[4]
        found = dict((p[4], q) for p, q in queries(_dict(element)))
        ref = _dict(found.get(index)).get("refId")
        label = f"queries[{ref if isinstance(ref, str) and ref else index}]"
        tail = rest[5:]
        if tail[:1] == ["spec"]:
            tail = tail[1:]
        if tail[:2] == ["query", "spec"]:
            tail = tail[2:]
        return [format_path([label, *tail])]
    if rest[:1] == ["spec"]:
        rest = rest[1:]
    return [format_path(rest)] if rest else []


def _list(value: Any) -> list[Any]:
    return value if isinstance(value, list) else []


def _dict(value: Any) -> dict[str, Any]:
    return value if isinstance(value, dict) else {}


def _int(value: Any) -> int:
    return value if type(value) is int else int(value) if isinstance(value, float) else 0
