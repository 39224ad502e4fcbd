"""Dashboard-aware diff: panels, rows, variables and annotations matched by identity.

Panels (including those nested in collapsed rows) are flattened and matched by id and title,
so a panel moved on the grid is one `moved` line and a renamed one is one `renamed` line,
whatever their position in the JSON arrays. Variables and annotations are matched by name;
one renamed keeps its history. When many panels shift down or up together (a panel was
inserted above them) that is one `shifted` line, and many panels getting new ids (numbered
in order, after an insert) one `renumbered` line, not one line per panel.
"""

from __future__ import annotations

import math
from collections import Counter, defaultdict
from collections.abc import Callable, Hashable, Sequence
from dataclasses import dataclass
from typing import Any

from graf.diff.model import Change
from graf.diff.tree import diff_values
from graf.resources import JSON

# This many panels moved by the same vertical offset (and nothing else) are summarised in one line.
SHIFT_GROUP = 3
# Fields of a variable the UI rewrites on use; ignored when deciding whether it was only renamed.
_VARIABLE_STATE = ("name", "label", "current", "options")
# Named lists of the dashboard body, shown as `<noun> "<name>"`.
_NAMED_LISTS = (("templating", "variable"), ("annotations", "annotation"))


@dataclass(frozen=True)
class _Panel:
    id: int | None
    title: str
    type: str
    pos: tuple[int, int] | None  # (x, y)
    size: tuple[int, int] | None  # (w, h)
    row: str | None  # title of the row it sits in (collapsed or not)
    raw: JSON  # the panel as written; `body()` is what is compared field by field

    @property
    def is_row(self) -> bool:
        return self.type == "row"

    def body(self) -> JSON:
        """Everything but the title, the grid position and (for a row) its nested panels."""
        skip = ("title", "gridPos", "panels") if self.is_row else ("title", "gridPos")
        body = {k: v for k, v in self.raw.items() if k not in skip}
        grid = self.raw.get("gridPos")
        if isinstance(grid, dict) and grid.keys() - {"x", "y", "w", "h"}:
            body["gridPos"] = {k: v for k, v in grid.items() if k not in ("x", "y", "w", "h")}  # e.g. `static`
        return body


def diff_dashboard(old: JSON, new: JSON) -> list[Change]:
    """Changes between two dashboard bodies (top-level volatile fields already removed),
    dashboard-level fields first, then in layout order."""
    old_rest, new_rest = dict(old), dict(new)
    old_panels = _flatten(_pop_panels(old_rest))
    new_panels = _flatten(_pop_panels(new_rest))
    named: list[Change] = []
    for section, noun in _NAMED_LISTS:
        old_items = _pop_list(old_rest, section)
        new_items = _pop_list(new_rest, section)
        named.extend(_diff_named(old_items, new_items, noun, f"{section}.list"))
    return [*diff_values(old_rest, new_rest), *named, *_diff_panels(old_panels, new_panels)]


def dashboard_summary(body: JSON) -> str:
    """What an added or removed dashboard holds: `14 panels in 3 rows, 2 variables`."""
    panels = _flatten(body.get("panels"))
    rows = sum(p.is_row for p in panels)
    variables = len(_list_of(body.get("templating")))
    parts = [_plural(len(panels) - rows, "panel") + (f" in {_plural(rows, 'row')}" if rows else "")]
    if variables:
        parts.append(_plural(variables, "variable"))
    return ", ".join(parts)


# ---------------------------------------------------------------------------- panels and rows


def _pop_panels(body: JSON) -> Any:
    """Take `panels` out of the body when it is a list; any other value stays for the plain diff."""
    return body.pop("panels") if isinstance(body.get("panels"), list) else None


def _dicts(value: Any) -> list[JSON]:
    return [item for item in value if isinstance(item, dict)] if isinstance(value, list) else []


def _flatten(panels: Any) -> list[_Panel]:
    """Every panel in layout order (top to bottom, left to right), nested ones right after their row."""
    top = _dicts(panels)
    # Rows first among equals, then title and id: membership must not depend on the array's order.
    ordered = sorted(range(len(top)), key=lambda i: (*_yx(top[i]), top[i].get("type") != "row",
                                                     str(top[i].get("title") or ""), str(top[i].get("id")), i))
    out: list[_Panel] = []
    row: str | None = None
    for i in ordered:
        raw = top[i]
        if raw.get("type") == "row":
            row = str(raw.get("title") or "")
            out.append(_panel(raw, None))
            out.extend(_panel(p, row) for p in _dicts(raw.get("panels")))
        else:
            out.append(_panel(raw, row))
    return out


def _yx(raw: JSON) -> tuple[int, int]:
    grid = raw.get("gridPos")
    if not isinstance(grid, dict):
        grid = {}
    return (_int(grid.get("y")), _int(grid.get("x")))


def _panel(raw: JSON, row: str | None) -> _Panel:
    grid = raw.get("gridPos")
    pos = size = None
    if isinstance(grid, dict):
        pos = (_int(grid.get("x")), _int(grid.get("y")))
        size = (_int(grid.get("w")), _int(grid.get("h")))
    panel_id = raw.get("id")
    return _Panel(
        id=panel_id if type(panel_id) is int else None,
        title=str(raw.get("title") or ""),
        type=str(raw.get("type") or ""),
        pos=pos, size=size, row=row, raw=raw,
    )


def _diff_panels(old: list[_Panel], new: list[_Panel]) -> list[Change]:
    pairs: list[tuple[_Panel | None, _Panel | None]] = []
    for is_row in (True, False):
        pairs += _match_panels([p for p in old if p.is_row == is_row], [p for p in new if p.is_row == is_row])
    new_order = {id(p): i for i, p in enumerate(new)}
    old_order = {id(p): i for i, p in enumerate(old)}
    pairs.sort(key=lambda pair: (0, new_order[id(pair[1])]) if pair[1] else (1, old_order[id(pair[0])]))
    old_names, new_names = _namer(old), _namer(new)

    changes: list[Change] = []
    for before, after in pairs:
        if after is None:
            assert before is not None
            changes.append(Change("removed", old_names(before), old=before.title, note=_placement(before)))
        elif before is None:
            changes.append(Change("added", new_names(after), new=after.title, note=_placement(after)))
        else:
            changes.extend(_diff_panel(before, after, old_names(before), new_names(after)))
    return _summarise_renumbering(_summarise_shifts(changes))


def _match_panels(old: list[_Panel], new: list[_Panel]) -> list[tuple[_Panel | None, _Panel | None]]:
    """Pair panels by (id and title), then by a title unique on both sides, then by id, then by
    type and position (for panels with neither id nor title)."""
    passes: tuple[Callable[[_Panel], Hashable | None], ...] = (
        lambda p: (p.id, p.title) if p.id is not None else None,
        lambda p: p.title or None,
        lambda p: p.id,
        lambda p: (p.type, p.pos) if p.pos is not None else None,
    )
    left_old, left_new = list(old), list(new)
    pairs: list[tuple[_Panel | None, _Panel | None]] = []
    for identity in passes:
        by_old = _unique_by(left_old, identity)
        by_new = _unique_by(left_new, identity)
        matched = [(by_old[k], by_new[k]) for k in by_new if k in by_old]
        pairs.extend(matched)
        taken = {id(p) for pair in matched for p in pair}
        left_old = [p for p in left_old if id(p) not in taken]
        left_new = [p for p in left_new if id(p) not in taken]
    pairs.extend((p, None) for p in left_old)
    pairs.extend((None, p) for p in left_new)
    return pairs


def _unique_by(panels: list[_Panel], identity: Callable[[_Panel], Hashable | None]) -> dict[Hashable, _Panel]:
    groups: dict[Hashable, list[_Panel]] = defaultdict(list)
    for panel in panels:
        key = identity(panel)
        if key is not None:
            groups[key].append(panel)
    return {k: ps[0] for k, ps in groups.items() if len(ps) == 1}


def _diff_panel(before: _Panel, after: _Panel, old_name: str, new_name: str) -> list[Change]:
    changes: list[Change] = []
    if before.title != after.title:
        changes.append(Change("renamed", old_name, old=before.title, new=after.title))
    if before.pos != after.pos or before.row != after.row:
        rows = "" if before.row == after.row else f"{_row_name(before.row)} → {_row_name(after.row)}"
        changes.append(Change("moved", new_name, old=before.pos, new=after.pos, note=rows))
    if before.size != after.size:
        changes.append(Change("resized", new_name, old=before.size, new=after.size))
    if before.raw != after.raw:
        changes.extend(diff_values(before.body(), after.body(), "", new_name))
    return changes


def _namer(panels: list[_Panel]) -> Callable[[_Panel], str]:
    """How a panel is named on one side: `panel "Heap used"`, `row "CPU"`, `panel #7` when untitled,
    `panel "Uptime" #7` when the title is not unique."""
    titles = Counter((p.is_row, p.title) for p in panels)

    def name(panel: _Panel) -> str:
        noun = "row" if panel.is_row else "panel"
        if panel.title and (titles[(panel.is_row, panel.title)] == 1 or panel.id is None):
            return f'{noun} "{panel.title}"'
        if panel.title:
            return f'{noun} "{panel.title}" #{panel.id}'
        if panel.id is not None:
            return f"{noun} #{panel.id}"
        return f"{noun} at {_xy(panel.pos)}"

    return name


def _placement(panel: _Panel) -> str:
    """`timeseries at (0,8) 12×8 in row "JVM"`: where an added or removed panel sits."""
    text = panel.type or "panel"
    if panel.pos is not None:
        text += f" at {_xy(panel.pos)}"
    if panel.size is not None:
        text += f" {panel.size[0]}×{panel.size[1]}"
    if panel.row is not None:
        text += f" in {_row_name(panel.row)}"
    return text


def _summarise_shifts(changes: list[Change]) -> list[Change]:
    """Replace SHIFT_GROUP or more plain vertical moves by the same offset with one `shifted` line."""
    by_offset: dict[int, list[int]] = defaultdict(list)
    for i, change in enumerate(changes):
        if change.op == "moved" and not change.note and change.old and change.new \
                and change.old[0] == change.new[0] and change.old[1] != change.new[1]:
            by_offset[change.new[1] - change.old[1]].append(i)
    summary: dict[int, Change] = {}
    dropped: set[int] = set()
    for offset, indexes in by_offset.items():
        if len(indexes) >= SHIFT_GROUP:
            subjects = tuple(changes[i].subject for i in indexes)
            summary[indexes[0]] = Change("shifted", f"{len(indexes)} panels", old=subjects, new=offset)
            dropped.update(indexes[1:])
    return [summary.get(i, c) for i, c in enumerate(changes) if i not in dropped]


def _summarise_renumbering(changes: list[Change]) -> list[Change]:
    """Replace SHIFT_GROUP or more `id: a → b` lines of panels (ids renumbered after an insert) with one line."""
    indexes = [i for i, c in enumerate(changes) if c.op == "changed" and c.path == "id" and c.subject]
    if len(indexes) < SHIFT_GROUP:
        return changes
    pairs = tuple((changes[i].subject, changes[i].old, changes[i].new) for i in indexes)
    summary = Change("renumbered", f"{len(indexes)} panels", old=pairs)
    first, dropped = indexes[0], set(indexes[1:])
    return [summary if i == first else c for i, c in enumerate(changes) if i not in dropped]


def _row_name(row: str | None) -> str:
    return "top level" if row is None else f'row "{row}"'


def _xy(pos: tuple[int, int] | None) -> str:
    return "(?)" if pos is None else f"({pos[0]},{pos[1]})"


# ---------------------------------------------------------------------------- variables, annotations


def _pop_list(body: JSON, section: str) -> list[Any]:
    """Take `<section>.list` out of the body (the rest of the section stays for the plain diff)."""
    value = body.get(section)
    if not isinstance(value, dict) or "list" not in value:
        return []
    rest = {k: v for k, v in value.items() if k != "list"}
    if rest:
        body[section] = rest
    else:
        del body[section]
    return value["list"] if isinstance(value["list"], list) else [value["list"]]


def _diff_named(old: list[Any], new: list[Any], noun: str, path: str) -> list[Change]:
    """Items matched by `name`; one removed and one added that are alike are a rename."""
    old_names, new_names = _names(old), _names(new)
    if old_names is None or new_names is None:
        return diff_values(old, new, path)  # unnamed or duplicate names: position by position
    old_by, new_by = dict(zip(old_names, old, strict=True)), dict(zip(new_names, new, strict=True))
    renamed = _renames([n for n in old_names if n not in new_by], [n for n in new_names if n not in old_by],
                       old_by, new_by)
    back = {new: old for old, new in renamed.items()}

    changes: list[Change] = []
    order_old = [renamed.get(n, n) for n in old_names if n in new_by or n in renamed]
    order_new = [n for n in new_names if n in old_by or n in back]
    if order_old != order_new:
        kept = [n for n in old_names if n in new_by or n in renamed]
        changes.append(Change("reordered", f"{noun}s", old=kept, new=order_new))
    for name, item in new_by.items():
        subject = f'{noun} "{name}"'
        before_name = back.get(name, name)
        if before_name in old_by:
            before = old_by[before_name]
            if before_name != name:
                changes.append(Change("renamed", f'{noun} "{before_name}"', old=before_name, new=name))
            changes.extend(diff_values(_without(before, "name"), _without(item, "name"), "", subject))
        else:
            changes.append(Change("added", subject, new=name, note=_variable_note(item)))
    changes.extend(Change("removed", f'{noun} "{n}"', old=n, note=_variable_note(old_by[n]))
                   for n in old_names if n not in new_by and n not in renamed)
    return changes


def _names(items: Sequence[Any]) -> list[str] | None:
    names = [item.get("name") for item in items if isinstance(item, dict)]
    if len(names) != len(items) or not all(isinstance(n, str) and n for n in names) or len(set(names)) != len(names):
        return None
    return names  # type: ignore[return-value]


def _renames(gone: list[str], came: list[str], old_by: dict[str, JSON], new_by: dict[str, JSON]) -> dict[str, str]:
    """old name -> new name for removed/added pairs that are the same item renamed."""
    renamed: dict[str, str] = {}
    for new_name in came:
        for old_name in gone:
            if old_name not in renamed and _alike(old_by[old_name], new_by[new_name]):
                renamed[old_name] = new_name
                break
    left_gone = [n for n in gone if n not in renamed]
    left_came = [n for n in came if n not in renamed.values()]
    if len(left_gone) == 1 and len(left_came) == 1 \
            and old_by[left_gone[0]].get("type") == new_by[left_came[0]].get("type"):
        renamed[left_gone[0]] = left_came[0]
    return renamed


def _alike(old: JSON, new: JSON) -> bool:
    return {k: v for k, v in old.items() if k not in _VARIABLE_STATE and v is not None} == \
        {k: v for k, v in new.items() if k not in _VARIABLE_STATE and v is not None}


def _variable_note(item: JSON) -> str:
    kind = str(item.get("type") or "")
    query = item.get("query")
    if isinstance(query, dict):
        query = query.get("query") or query.get("expr")
    if isinstance(query, str) and query:
        short = query if len(query) <= 60 else query[:59] + "…"
        return f"{kind}: {short}" if kind else short
    return kind


def _without(item: JSON, key: str) -> JSON:
    return {k: v for k, v in item.items() if k != key}


def _list_of(section: Any) -> list[Any]:
    value = section.get("list") if isinstance(section, dict) else None
    return value if isinstance(value, list) else []


def _int(value: Any) -> int:
    if type(value) is int:
        return value
    return int(value) if isinstance(value, float) and math.isfinite(value) else 0


def _plural(n: int, word: str) -> str:
    return f"{n} {word}{'' if n == 1 else 's'}"
