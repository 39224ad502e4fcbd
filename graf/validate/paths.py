"""JSON paths inside a body -> the path a reviewer can follow.

`("panels", 3, "panels", 1, "targets", 0, "expr")` in a dashboard becomes
`row "CPU" (id 3) › panel "Heap used" (id 4) › targets[A].expr`: panels and rows by title and
id, targets and alert queries by refId, template variables and annotations by name. The parts
after that are joined by `graf.errors.format_path`, the formatter every graf message uses.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from graf.errors import format_path


def describe(kind: str, body: Any, parts: Sequence[str | int]) -> list[str]:
    """Human segments for `parts` (to be joined with PATH_SEPARATOR)."""
    parts = list(parts)
    if kind == "dashboard":
        from graf.validate import v2

        return v2.describe(body, parts) if v2.is_v2(body) else _dashboard(body, parts)
    if kind == "alert-rule" and parts[:1] == ["data"] and len(parts) > 1 and isinstance(parts[1], int):
        return [format_path([f"data[{_ref_id(body.get('data'), parts[1])}]", *parts[2:]])]
    return [format_path(parts)] if parts else []


def panel_label(panel: Any, index: int) -> str:
    """`panel "Heap used" (id 4)`, `row "CPU" (id 3)`; an untitled one by its id or position."""
    if not isinstance(panel, dict):
        return f"panels[{index}]"
    what = "row" if panel.get("type") == "row" else "panel"
    title = panel.get("title")
    pid = panel.get("id")
    named = f'{what} "{title}"' if isinstance(title, str) and title else f"{what} panels[{index}]"
    return f"{named} (id {pid})" if isinstance(pid, int) and not isinstance(pid, bool) else named


def target_label(targets: Any, index: int) -> str:
    return f"targets[{_ref_id(targets, index)}]"


def _dashboard(body: Any, parts: list[str | int]) -> list[str]:
    segments: list[str] = []
    node = body
    i = 0
    while i + 1 < len(parts) and parts[i] == "panels" and isinstance(parts[i + 1], int):
        panels = node.get("panels") if isinstance(node, dict) else None
        index = parts[i + 1]
        if not isinstance(panels, list) or not isinstance(index, int) or index >= len(panels):
            break
        node = panels[index]
        segments.append(panel_label(node, index))
        i += 2
    rest = parts[i:]
    if not rest:
        return segments
    if segments and rest[0] == "targets" and len(rest) > 1 and isinstance(rest[1], int):
        targets = node.get("targets") if isinstance(node, dict) else None
        return [*segments, format_path([target_label(targets, rest[1]), *rest[2:]])]
    if not segments and len(rest) > 2 and rest[0] in ("templating", "annotations") and rest[1] == "list" \
            and isinstance(rest[2], int):
        items = (body.get(rest[0]) or {}).get("list")
        what = "variable" if rest[0] == "templating" else "annotation"
        return [f'{what} "{_name(items, rest[2])}"', *([format_path(rest[3:])] if rest[3:] else [])]
    return [*segments, format_path(rest)]


def _ref_id(items: Any, index: int) -> str:
    if isinstance(items, list) and 0 <= index < len(items) and isinstance(items[index], dict):
        ref = items[index].get("refId")
        if isinstance(ref, str) and ref:
            return ref
    return str(index)


def _name(items: Any, index: int) -> str:
    if isinstance(items, list) and 0 <= index < len(items) and isinstance(items[index], dict):
        name = items[index].get("name")
        if isinstance(name, str):
            return name
    return f"#{index}"
