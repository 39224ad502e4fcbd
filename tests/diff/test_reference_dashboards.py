"""Table-driven: one edit to a real dashboard -> exactly the expected lines (none for noise)."""

from __future__ import annotations

import copy
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from typing import Any

import pytest

from graf.diff.semantic import diff_resource
from graf.diff.text import sentence, sign
from graf.resources import Resource
from tests.reference import reference_json

Edit = Callable[[dict[str, Any]], None]


def lines(old: dict[str, Any], new: dict[str, Any]) -> list[str]:
    changes = diff_resource(Resource("dashboard", "d", old), Resource("dashboard", "d", new))
    return [f"{sign(c)} {sentence(c)}" for c in changes]


def all_panels(panels: list[dict[str, Any]]) -> Iterator[dict[str, Any]]:
    for panel in panels:
        yield panel
        yield from panel.get("panels", []) if panel.get("type") == "row" else []


def panel(body: dict[str, Any], title: str) -> dict[str, Any]:
    found = [p for p in all_panels(body["panels"]) if p.get("title") == title]
    assert len(found) == 1, f"{title!r} appears {len(found)} times"
    return found[0]


def variable(body: dict[str, Any], name: str) -> dict[str, Any]:
    return next(v for v in body["templating"]["list"] if v["name"] == name)


def sort_keys_reversed(value: Any) -> Any:
    if isinstance(value, dict):
        return {k: sort_keys_reversed(value[k]) for k in sorted(value, reverse=True)}
    if isinstance(value, list):
        return [sort_keys_reversed(v) for v in value]
    return value


# ---------------------------------------------------------------------------- edits


def change_query(title: str, ref: str, old: str, new: str) -> Edit:
    def edit(body: dict[str, Any]) -> None:
        target = next(t for t in panel(body, title)["targets"] if t["refId"] == ref)
        assert old in target["expr"]
        target["expr"] = target["expr"].replace(old, new, 1)
    return edit


def move(title: str, x: int, y: int) -> Edit:
    def edit(body: dict[str, Any]) -> None:
        panel(body, title)["gridPos"].update(x=x, y=y)
    return edit


def resize(title: str, w: int, h: int) -> Edit:
    def edit(body: dict[str, Any]) -> None:
        panel(body, title)["gridPos"].update(w=w, h=h)
    return edit


def rename_panel(title: str, new: str) -> Edit:
    def edit(body: dict[str, Any]) -> None:
        panel(body, title)["title"] = new
    return edit


def rename_variable(name: str, new: str) -> Edit:
    def edit(body: dict[str, Any]) -> None:
        variable(body, name)["name"] = new
    return edit


def change_variable_query(name: str, query: str) -> Edit:
    def edit(body: dict[str, Any]) -> None:
        variable(body, name)["query"]["query"] = query
    return edit


def reorder_keys(body: dict[str, Any]) -> None:
    reordered = sort_keys_reversed(body)
    body.clear()
    body.update(reordered)


def reorder_panels(body: dict[str, Any]) -> None:
    body["panels"].reverse()
    for row in body["panels"]:
        row.get("panels", []).reverse()


def bump_volatile(body: dict[str, Any]) -> None:
    body["version"] = (body.get("version") or 0) + 7
    body["id"] = 4242
    body["iteration"] = 1764000000000


def move_into_collapsed_row(title: str, row: str) -> Edit:
    """Take a panel out of wherever it is and put it, same gridPos, into a collapsed row."""
    def edit(body: dict[str, Any]) -> None:
        panel(body, row)["panels"].append(_take(body, title))
    return edit


def add_panel_on_top(body: dict[str, Any]) -> None:
    for p in body["panels"]:
        p["gridPos"]["y"] += 3
    body["panels"].insert(0, {"id": 9001, "type": "text", "title": "Read me",
                              "gridPos": {"x": 0, "y": 0, "w": 24, "h": 3}})


def remove_panel(title: str) -> Edit:
    def edit(body: dict[str, Any]) -> None:
        _take(body, title)
    return edit


def _take(body: dict[str, Any], title: str) -> dict[str, Any]:
    """The panel titled `title`, taken out of the dashboard or the row holding it."""
    taken = panel(body, title)
    for p in body["panels"]:
        if taken in p.get("panels", []):
            p["panels"].remove(taken)
    if taken in body["panels"]:
        body["panels"].remove(taken)
    return taken


@dataclass(frozen=True)
class Case:
    name: str
    dashboard: str
    edits: tuple[Edit, ...]
    expected: tuple[str, ...]


SB3 = "spring-boot-3.x-statistics.json"
NODE = "node-exporter-full.json"
JVM = "jvm-micrometer.json"

CASES = [
    Case("one query changed (word diff)", SB3,
         (change_query("Process Open Files", "A", 'instance="$instance"', 'host="$instance"'),),
         ('~ panel "Process Open Files" › targets[A].expr: process_files_open_files{application="$application", '
          '[-instance-]{+host+}="$instance", namespace="$Namespace"}',)),
    Case("query in a panel nested in a collapsed row", NODE,
         (change_query("Memory Pages In / Out", "A", "$__rate_interval", "5m"),),
         ('~ panel "Memory Pages In / Out" › targets[A].expr: '
          'rate(node_vmstat_pgpgin{instance="$node",job="$job"}[[-$__rate_interval-]{+5m+}])',)),
    Case("one panel moved", NODE, (move("CPU Busy", 21, 3),),
         ('~ panel "CPU Busy" moved from (3,1) to (21,3)',)),
    Case("one panel moved below the next row", NODE, (move("CPU Busy", 12, 8),),
         ('~ panel "CPU Busy" moved from (3,1) to (12,8) (row "Quick CPU / Mem / Disk" → '
          'row "Basic CPU / Mem / Net / Disk")',)),
    Case("one panel resized", SB3, (resize("Uptime", 12, 3),),
         ('~ panel "Uptime" resized from 6×3 to 12×3',)),
    Case("panel moved into a collapsed row", SB3, (move_into_collapsed_row("Start time", "HTTP Statistics"),),
         ('~ panel "Start time" moved from row "Basic Statistics" to row "HTTP Statistics"',)),
    Case("panel renamed", JVM, (rename_panel("Heap used", "Heap in use"),),
         ('~ panel "Heap used" renamed to "Heap in use"',)),
    Case("panel removed", SB3, (remove_panel("Load Average"),),
         ('- panel "Load Average" removed: timeseries at (12,7) 12×7 in row "Basic Statistics"',)),
    Case("panel added on top shifts the rest in one line", JVM, (add_panel_on_top,),
         ('+ panel "Read me" added: text at (0,0) 24×3',
          '~ 38 panels moved down by 3: row "Quick Facts", panel "Uptime", panel "Start time", …')),
    Case("variable renamed", SB3, (rename_variable("instance", "host"),),
         ('~ variable "instance" renamed to "host"',)),
    Case("variable query changed", JVM, (change_variable_query("application", "label_values(jvm_info, application)"),),
         ('~ variable "application" › query.query: "label_values(application)" → '
          '"label_values(jvm_info, application)"',)),
    Case("query changed, panel moved and variable renamed together", SB3,
         (change_query("Heap Used", "A", 'area="heap"', 'area="nonheap"'), move("CPU Usage", 0, 12),
          rename_variable("hikaricp", "pool")),
         ('~ variable "hikaricp" renamed to "pool"',
          '~ panel "Heap Used" › targets[A].expr: sum(jvm_memory_used_bytes{application="$application", '
          'instance="$instance", area="[-heap-]{+nonheap+}", namespace="$Namespace"})*100/'
          'sum(jvm_memory_max_bytes{application="$application",instance="$instance", area="heap", '
          'namespace="$Namespace"})',
          '~ panel "CPU Usage" moved from (0,7) to (0,12)')),
    *(Case(f"keys reordered ({d})", d, (reorder_keys,), ()) for d in (SB3, NODE, JVM)),
    *(Case(f"panels reordered in the JSON ({d})", d, (reorder_panels,), ()) for d in (SB3, NODE, JVM)),
    *(Case(f"version, id and iteration bumped ({d})", d, (bump_volatile,), ()) for d in (SB3, NODE, JVM)),
    Case("all noise at once", NODE, (reorder_keys, reorder_panels, bump_volatile), ()),
]


@pytest.mark.parametrize("case", CASES, ids=[c.name for c in CASES])
def test_one_edit_gives_exactly_the_expected_lines(case: Case) -> None:
    old = reference_json(f"dashboards/{case.dashboard}")
    new = copy.deepcopy(old)
    for edit in case.edits:
        edit(new)
    assert lines(old, new) == list(case.expected)


def test_every_reference_dashboard_equals_itself_after_noise() -> None:
    from tests.reference import reference_dashboards

    for name in reference_dashboards():
        old = reference_json(f"dashboards/{name}")
        old = old.get("dashboard", old)
        new = copy.deepcopy(old)
        for edit in (reorder_keys, reorder_panels, bump_volatile):
            edit(new)
        assert lines(old, new) == [], name
