"""The diff as HTML pictures: each changed dashboard before and after, side by side (pure).

Panels are matched by id, then title (as the semantic diff matches them). On both sides a
changed panel is outlined, a moved or resized one dashed; on the after side an added panel is
marked and a removed one is drawn as a ghost where it was. A panel folded in a collapsed row
marks its row. The semantic lines of the diff follow each picture. Layout only: no data.
"""

from __future__ import annotations

import html
import json
from collections.abc import Mapping, Sequence
from dataclasses import dataclass

from graf.diff.model import Diff, ResourceDiff
from graf.diff.text import PLAIN, resource_heading, sentence
from graf.preview.layout import GAP, ROW_HEIGHT, Box, height, layout
from graf.preview.page import Grid, Mark, grid_html, page, page_size
from graf.resources import JSON, Resource

ResourceSets = Mapping[str, Sequence[Resource]]
SIDE_WIDTH = 720  # px of each side's grid: 30 px a column
_SKIP = ("gridPos", "id", "panels")


@dataclass(frozen=True)
class _Placed:
    """A panel and the box that shows it: its own, or its collapsed row's."""

    panel: JSON
    shown_as: str
    top_level: bool


def render_html(diff: Diff, old: ResourceSets, new: ResourceSets) -> str:
    """One page with every changed resource: dashboards as pictures, all with their lines."""
    sections = [_section(r, old, new) for r in diff.resources]
    meta = f"{html.escape(diff.old_label)} → {html.escape(diff.new_label)} · {html.escape(diff.summary())}"
    notes = "".join(f'<p class="meta">{html.escape(n)}</p>' for n in diff.notes)
    return page("graf diff", meta, notes + ("".join(sections) or "<p>No differences.</p>"))


@dataclass(frozen=True)
class HtmlPage:
    """A page of `dashboard_pages` and the browser window (px) that shows it whole."""

    text: str
    width: int
    height: int


def dashboard_pages(diff: Diff, old: ResourceSets, new: ResourceSets) -> dict[str, HtmlPage]:
    """A page per changed, added or removed dashboard: `{<env>-<uid>.html: page}` (`<uid>.html` without env)."""
    out: dict[str, HtmlPage] = {}
    for resource in diff.resources:
        if resource.kind != "dashboard":
            continue
        label = f"{resource.env}-{resource.uid}" if resource.env else resource.uid
        name = "".join(c if c.isalnum() or c in "-_" else "_" for c in label).lstrip("-") or "dashboard"
        text = page(f"graf diff: {resource.title or resource.uid}",
                    f"{html.escape(diff.old_label)} → {html.escape(diff.new_label)}", _section(resource, old, new))
        rows = max(height(layout(_body(old, resource))), height(layout(_body(new, resource))))
        extra = rows * (ROW_HEIGHT + GAP) + 60 + 22 * len(resource.changes)
        width, tall = page_size((), SIDE_WIDTH * 2 + 16, extra=extra)
        out[f"{name}.html"] = HtmlPage(text, width, tall)
    return out


def _section(resource: ResourceDiff, old: ResourceSets, new: ResourceSets) -> str:
    heading = html.escape(resource_heading(resource))
    status = f"{resource.status}" + (f": {html.escape(resource.summary)}" if resource.summary else "")
    parts = [f'<section class="resource {resource.status}-resource"><h2>{heading} — {status}</h2>']
    if resource.kind == "dashboard":
        before = _body(old, resource)
        after = _body(new, resource)
        old_grid, new_grid = _grids(before, after)
        parts.append('<div class="side-by-side">')
        parts.append(f'<div class="side before"><h2>before</h2>{grid_html(old_grid, SIDE_WIDTH)}</div>')
        parts.append(f'<div class="side after"><h2>after</h2>{grid_html(new_grid, SIDE_WIDTH)}</div>')
        parts.append("</div>")
    lines = "".join(f"<li><code>{html.escape(sentence(c, PLAIN))}</code></li>" for c in resource.changes)
    if lines:
        parts.append(f'<ul class="lines">{lines}</ul>')
    parts.append("</section>")
    return "".join(parts)


def _body(sets: ResourceSets, resource: ResourceDiff) -> JSON:
    for candidate in sets.get(resource.env, ()):
        if candidate.kind == resource.kind and candidate.uid == resource.uid:
            return candidate.body
    return {}


def _grids(before: JSON, after: JSON) -> tuple[Grid, Grid]:
    old_boxes, new_boxes = layout(before), layout(after)
    old_placed, new_placed = _placed(old_boxes), _placed(new_boxes)
    pairs, gone, came = _match(old_placed, new_placed)
    old_marks: dict[str, Mark] = {}
    new_marks: dict[str, Mark] = {}
    for o, n in pairs:
        label = _pair_label(o.panel, n.panel)
        if label:
            css = "changed" if "changed" in label else "moved"
            _mark(old_marks, o.shown_as, Mark(css, label))
            _mark(new_marks, n.shown_as, Mark(css, label))
    for n in came:
        _mark(new_marks, n.shown_as, Mark("added" if n.top_level else "changed", "added" if n.top_level else
                                          "panel added inside"))
    ghosts: list[Box] = []
    by_key = {b.key: b for b in old_boxes}
    for o in gone:
        _mark(old_marks, o.shown_as, Mark("removed" if o.top_level else "changed",
                                          "removed" if o.top_level else "panel removed inside"))
        if o.top_level:
            ghosts.append(by_key[o.shown_as])
    return Grid(old_boxes, marks=old_marks), Grid(new_boxes, marks=new_marks, ghosts=ghosts)


def _mark(marks: dict[str, Mark], key: str, mark: Mark) -> None:
    if key not in marks or marks[key].css == "moved":
        marks[key] = mark


def _placed(boxes: Sequence[Box]) -> list[_Placed]:
    out: list[_Placed] = []
    for box in boxes:
        out.append(_Placed(box.panel, box.key, True))
        if box.collapsed:
            out.extend(_Placed(p, box.key, False) for p in box.panel.get("panels") or () if isinstance(p, dict))
    return out


Pair = tuple[_Placed, _Placed]


def _match(old: list[_Placed], new: list[_Placed]) -> tuple[list[Pair], list[_Placed], list[_Placed]]:
    """Pairs matched by id, then by title; the old ones left (removed) and the new ones left (added)."""
    pairs: list[Pair] = []
    rest_old, rest_new = list(old), list(new)
    for key in (_id, _title):
        index: dict[object, list[_Placed]] = {}
        for placed in rest_new:
            if key(placed) is not None:
                index.setdefault(key(placed), []).append(placed)
        still_old = []
        for placed in rest_old:
            found = index.get(key(placed))
            if found:
                match = found.pop(0)
                pairs.append((placed, match))
                rest_new.remove(match)
            else:
                still_old.append(placed)
        rest_old = still_old
    return pairs, rest_old, rest_new


def _id(placed: _Placed) -> object:
    value = placed.panel.get("id")
    return ("id", value, placed.panel.get("type") == "row") if type(value) is int else None


def _title(placed: _Placed) -> object:
    title = placed.panel.get("title")
    return ("title", title, placed.panel.get("type") == "row") if isinstance(title, str) and title else None


def _pair_label(old: JSON, new: JSON) -> str:
    parts = []
    if _comparable(old) != _comparable(new) or old.get("title") != new.get("title"):
        parts.append("changed")
    grid_old, grid_new = old.get("gridPos") or {}, new.get("gridPos") or {}
    if (grid_old.get("x"), grid_old.get("y")) != (grid_new.get("x"), grid_new.get("y")):
        parts.append("moved")
    if (grid_old.get("w"), grid_old.get("h")) != (grid_new.get("w"), grid_new.get("h")):
        parts.append("resized")
    return " · ".join(parts)


def _comparable(panel: JSON) -> str:
    return json.dumps({k: v for k, v in panel.items() if k not in _SKIP and k != "title"}, sort_keys=True, default=str)
