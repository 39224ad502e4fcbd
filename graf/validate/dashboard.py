"""One walk over a dashboard, shared by every rule: panels (rows nest them when collapsed),
targets, template variables and where each datasource reference sits."""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass
from functools import cached_property
from typing import Any

from graf.resources import JSON

Parts = tuple[str | int, ...]


@dataclass(frozen=True)
class PanelAt:
    panel: JSON
    parts: Parts  # ("panels", 3) or, inside a collapsed row, ("panels", 3, "panels", 1)
    row: JSON | None  # the row holding it in its `panels` (a collapsed row)

    @property
    def is_row(self) -> bool:
        return self.panel.get("type") == "row"


@dataclass(frozen=True)
class DashboardIndex:
    panels: tuple[PanelAt, ...]
    variables: tuple[tuple[int, JSON], ...]  # (index in templating.list, variable)
    annotations: tuple[tuple[int, JSON], ...]

    @cached_property
    def variable_names(self) -> dict[str, JSON]:
        return {str(v.get("name")): v for _, v in self.variables}


def index(body: JSON) -> DashboardIndex:
    panels: list[PanelAt] = []
    for i, panel in enumerate(_list(body.get("panels"))):
        if not isinstance(panel, dict):
            continue
        panels.append(PanelAt(panel, ("panels", i), None))
        for j, child in enumerate(_list(panel.get("panels"))):
            if isinstance(child, dict):
                panels.append(PanelAt(child, ("panels", i, "panels", j), panel))
    return DashboardIndex(
        tuple(panels),
        tuple((i, v) for i, v in enumerate(_list(_dict(body.get("templating")).get("list"))) if isinstance(v, dict)),
        tuple((i, a) for i, a in enumerate(_list(_dict(body.get("annotations")).get("list"))) if isinstance(a, dict)),
    )


def targets(at: PanelAt) -> Iterator[tuple[Parts, JSON]]:
    for i, target in enumerate(_list(at.panel.get("targets"))):
        if isinstance(target, dict):
            yield (*at.parts, "targets", i), target


def datasource_refs(body: JSON, idx: DashboardIndex) -> Iterator[tuple[Parts, Any]]:
    """Every `datasource` field of panels, targets, variables and annotations, with its parts."""
    for at in idx.panels:
        panel = at.panel
        if "datasource" in panel:
            yield (*at.parts, "datasource"), panel["datasource"]
        found = panel.get("targets")
        if isinstance(found, list):  # `targets(at)`, with a path made only for a target that has a datasource
            for i, target in enumerate(found):
                if isinstance(target, dict) and "datasource" in target:
                    yield (*at.parts, "targets", i, "datasource"), target["datasource"]
    for i, variable in idx.variables:
        if "datasource" in variable:
            yield ("templating", "list", i, "datasource"), variable["datasource"]
    for i, annotation in idx.annotations:
        if "datasource" in annotation:
            yield ("annotations", "list", i, "datasource"), annotation["datasource"]


def _list(value: Any) -> list[Any]:
    return value if isinstance(value, list) else []


def _dict(value: Any) -> dict[str, Any]:
    return value if isinstance(value, dict) else {}
