"""`graf diff` of schema v2 dashboard files: elements by name, one line per layout move, word-diffed queries."""

from __future__ import annotations

import copy
import json
from pathlib import Path
from typing import Any

from graf.diff.semantic import diff_resource
from graf.diff.text import sentence
from graf.resources import Resource
from tests.diff.conftest import dashboard, write_json
from tests.diff.test_cli import run
from tests.validate.v2samples import builtin, handwritten


def lines(old: dict[str, Any], new: dict[str, Any]) -> list[str]:
    return [sentence(c) for c in diff_resource(Resource("dashboard", "d", old), Resource("dashboard", "d", new))]


def query(body: dict[str, Any], name: str) -> dict[str, Any]:
    return body["spec"]["elements"][name]["spec"]["data"]["spec"]["queries"][0]["spec"]["query"]["spec"]


def tabs(body: dict[str, Any]) -> list[dict[str, Any]]:
    return body["spec"]["layout"]["spec"]["tabs"]


def rows(body: dict[str, Any]) -> list[dict[str, Any]]:
    return tabs(body)[0]["spec"]["layout"]["spec"]["rows"]


def test_equal_dashboards_and_server_metadata_make_no_lines() -> None:
    old, new = handwritten(), handwritten()
    new["metadata"].update(resourceVersion="42", generation=3)
    new["metadata"]["annotations"]["grafana.app/updatedBy"] = "user:alice"
    assert lines(old, new) == []
    for uid, body in builtin().items():
        assert lines(body, copy.deepcopy(body)) == [], uid


def test_a_query_edit_is_one_word_diffed_line_of_that_element() -> None:
    old, new = handwritten(), handwritten()
    query(new, "panel-1")["expr"] = query(new, "panel-1")["expr"].replace("by (area)", "by (id)")
    assert lines(old, new) == ['element "panel-1" (title "Heap") › queries[A].expr: sum by ([-area-]{+id+}) '
                               '(jvm_memory_used_bytes{application="$app", environment="prod"})']


def test_layout_changes_are_one_line_per_item() -> None:
    old, new = handwritten(), handwritten()
    item = rows(new)[1]["spec"]["layout"]["spec"]["items"].pop()  # panel-2: from row GC to row Memory
    item["spec"]["y"] = 8
    rows(new)[0]["spec"]["layout"]["spec"]["items"].append(item)
    rows(new)[0]["spec"]["layout"]["spec"]["items"][0]["spec"]["width"] = 24  # panel-1 wider
    tabs(new)[1]["spec"]["layout"]["spec"]["items"].reverse()  # the auto grid reordered
    assert lines(old, new) == [
        'element "panel-1" (title "Heap") resized from 12×8 to 24×8',
        'element "panel-2" (title "GC pauses") moved from (0,0) to (0,8) '
        '(tab "JVM" › row "GC" → tab "JVM" › row "Memory")',
        'element "panel-4" (title "Uptime") moved from tab "Logs" item 2 to tab "Logs" item 1',
        'element "panel-3" (title "Errors") moved from tab "Logs" item 1 to tab "Logs" item 2',
        'tab "JVM" › row "GC" removed',
    ]


def test_elements_are_matched_by_name_added_removed_and_renamed() -> None:
    old, new = handwritten(), handwritten()
    elements = new["spec"]["elements"]
    elements["panel-9"] = copy.deepcopy(elements["panel-1"])
    elements["panel-9"]["spec"]["title"] = "Non-heap"
    tabs(new)[1]["spec"]["layout"]["spec"]["items"].append(
        {"kind": "AutoGridLayoutItem", "spec": {"element": {"kind": "ElementReference", "name": "panel-9"}}})
    del elements["panel-3"]
    tabs(new)[1]["spec"]["layout"]["spec"]["items"].pop(0)
    elements["panel-2"]["spec"]["title"] = "GC pause time"
    new["spec"]["variables"][0]["spec"]["label"] = "App"
    new["metadata"]["annotations"]["grafana.app/folder"] = "ops"
    assert lines(old, new) == [
        'folderUid: "shop" → "ops"',
        'variable "app" › label: "Application" → "App"',
        'element "panel-2" (title "GC pauses") renamed to "GC pause time"',
        'element "panel-4" (title "Uptime") moved from tab "Logs" item 2 to tab "Logs" item 1',
        'element "panel-9" (title "Non-heap") added: tab "Logs" item 2',
        'element "panel-3" (title "Errors") removed: tab "Logs" item 1',
    ]


def test_a_classic_file_against_a_v2_one_says_the_model_differs() -> None:
    assert lines(dashboard(), handwritten()) == ['schema: "classic JSON" → "dashboard.grafana.app/v2"']


def test_cli_diffs_two_v2_files_in_every_format(tmp_path: Path) -> None:
    old, new = handwritten(), handwritten()
    query(new, "panel-3")["expr"] = query(new, "panel-3")["expr"].replace("ERROR", "WARN")
    a, b = write_json(tmp_path / "a.json", old), write_json(tmp_path / "b.json", new)
    code, out, _ = run("diff", str(a), str(b))
    assert code == 3
    assert out.splitlines()[1:] == [
        '~ dashboard/shop-prod-jvm-v2 "Shop JVM (v2)"',
        '    ~ element "panel-3" (title "Errors") › queries[A].expr: {service_name="$app", environment="prod"} '
        '|= "[-ERROR-]{+WARN+}"',
        "1 changed",
    ]
    code, out, _ = run("diff", "--format", "markdown", str(a), str(b))
    assert code == 3 and "<code>element \"panel-3\" (title \"Errors\") › queries&#91;A&#93;.expr</code>" in out
    code, out, _ = run("diff", "--format", "json", str(a), str(b))
    change = json.loads(out)["resources"][0]["changes"][0]
    assert (change["op"], change["subject"], change["path"]) == ("changed", 'element "panel-3" (title "Errors")',
                                                                "queries[A].expr")
    assert run("diff", str(a), str(a))[0] == 0
