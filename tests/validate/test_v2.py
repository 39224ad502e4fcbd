"""Schema v2 dashboard files in `graf validate`: the v2 JSON Schema, the rules that apply, human paths."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import jsonschema
import pytest

from graf.resources import Resource
from graf.validate import schema, validate
from graf.validate.findings import Finding
from tests.validate.test_cli import run, write
from tests.validate.v2samples import builtin, handwritten

KIND = "dashboard-v2"


def findings(body: dict[str, Any]) -> list[Finding]:
    return validate([Resource("dashboard", body["metadata"]["name"], body, source="file.json")])


def errors_of(body: dict[str, Any]) -> list[tuple[tuple[str | int, ...], str]]:
    assert schema.fast_check(KIND)(body) == (not list(schema.validator(KIND).iter_errors(body)))
    return list(schema.errors(KIND, body))


def test_the_v2_schema_is_valid_draft_2020_12_and_names_its_source() -> None:
    jsonschema.Draft202012Validator.check_schema(schema.schema(KIND))
    assert "apps/dashboard/kinds/v2/dashboard_spec.cue" in schema.schema(KIND)["description"]


def test_the_root_keys_are_grafanas_v2_spec_fields() -> None:
    """13§3.4: the typed v2 spec's root fields (plus `preferences`, which the CUE file added since)."""
    from tests.grafana_server.schema_v2 import V2_ROOT

    keys = set(schema.schema(KIND)["$defs"]["DashboardSpec"]["properties"])
    assert keys == {*V2_ROOT, "preferences"}


@pytest.mark.parametrize("uid", sorted(builtin()))
def test_accepts_what_grafana_13_stores_for_each_built_in_dashboard(uid: str) -> None:
    body = builtin()[uid]
    assert errors_of(body) == []
    assert findings(body) == []


def test_accepts_a_hand_written_dashboard_with_tabs_rows_and_an_auto_grid() -> None:
    assert errors_of(handwritten()) == []
    assert findings(handwritten()) == []


def test_rejects_an_unknown_root_key_of_the_spec() -> None:
    body = handwritten()
    body["spec"]["graf"] = {"hash": "x"}
    assert errors_of(body) == [(("spec",), "unknown key 'graf'")]
    assert [f.one_line() for f in findings(body)] == ["error: G001 file.json: unknown key 'graf'"]


def test_rejects_a_panel_element_without_kind() -> None:
    body = handwritten()
    del body["spec"]["elements"]["panel-1"]["kind"]
    assert [f.path for f in findings(body) if f.rule == "G001"] == ['file.json › element "panel-1" (title "Heap")']
    assert "kind" in errors_of(body)[0][1]


@pytest.mark.parametrize(("where", "value"), [
    (("layout", "kind"), "FlexLayout"),
    (("layout", "spec", "tabs", 0, "kind"), "Tab"),
    (("layout", "spec", "tabs", 1, "spec", "layout", "spec", "columnWidthMode"), "huge"),
    (("variables", 0, "kind"), "SelectVariable"),
    (("annotations", 0, "kind"), "Annotation"),
    (("cursorSync", ), 1),
    (("timeSettings", "weekStart"), "tuesday"),
    (("elements", "panel-1", "spec", "data", "spec", "queries", 0, "spec", "query", "kind"), "Query"),
    (("elements", "panel-1", "spec", "gridPos"), {"x": 0}),
])
def test_rejects_what_the_typed_spec_does_not_allow(where: tuple[str | int, ...], value: Any) -> None:
    body = handwritten()
    node: Any = body["spec"]
    for part in where[:-1]:
        node = node[part]
    node[where[-1]] = value
    assert errors_of(body), f"{where} = {value!r} was accepted"


def test_plugin_options_and_query_bodies_stay_open() -> None:
    body = handwritten()
    panel = body["spec"]["elements"]["panel-1"]["spec"]
    panel["vizConfig"]["spec"]["options"]["anything"] = {"plugin": ["specific"]}
    panel["data"]["spec"]["queries"][0]["spec"]["query"]["spec"]["legendFormat"] = "{{area}}"
    assert errors_of(body) == []


def test_a_layout_item_naming_a_missing_element_is_g206() -> None:
    body = handwritten()
    del body["spec"]["elements"]["panel-2"]
    assert [f.one_line() for f in findings(body)] == [
        'error: G206 file.json › layout › tab "JVM" › row "GC" › items[0].element.name: layout item refers to '
        "element 'panel-2', which is not in spec.elements (panel-1, panel-3, panel-4)"]


def test_schema_errors_inside_the_layout_name_the_tabs_and_rows() -> None:
    body = handwritten()
    item = body["spec"]["layout"]["spec"]["tabs"][0]["spec"]["layout"]["spec"]["rows"][1]["spec"]["layout"]
    item["spec"]["items"][0]["spec"]["x"] = "left"
    assert [f.one_line() for f in findings(body)] == [
        'error: G001 file.json › layout › tab "JVM" › row "GC" › items[0].x: expected an integer, got a string']


def test_promql_and_logql_are_checked_per_element_query_with_human_paths() -> None:
    body = handwritten()
    queries = body["spec"]["elements"]
    queries["panel-1"]["spec"]["data"]["spec"]["queries"][0]["spec"]["query"]["spec"]["expr"] = "sum(rate(x[5m])"
    queries["panel-3"]["spec"]["data"]["spec"]["queries"][0]["spec"]["query"]["spec"]["expr"] = '{} |= "x"'
    got = [(f.rule, f.path) for f in findings(body)]
    assert got == [("G501", 'file.json › element "panel-1" (title "Heap") › queries[A].expr'),
                   ("G502", 'file.json › element "panel-3" (title "Errors") › queries[A].expr')]


def test_identity_rules_read_the_uid_from_metadata_name() -> None:
    body = handwritten()
    body["metadata"]["name"] = "shop prod/jvm"
    body["spec"]["title"] = " "
    body["spec"]["elements"]["panel-1"]["spec"]["title"] = ""
    got = sorted((f.rule, f.path) for f in findings(body))
    assert got == [("G101", "file.json › metadata.name"), ("G102", "file.json › title"),
                   ("G104", 'file.json › element "panel-1" › title')]
    twice = [Resource("dashboard", "shop-prod-jvm-v2", handwritten(), source=f"{n}.json") for n in "ab"]
    assert [f.rule for f in validate(twice)] == ["G103", "G103"]


def test_cli_validates_a_v2_file_and_checks_its_datasources_against_an_environment(
        example_project: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    body = handwritten()
    query = body["spec"]["elements"]["panel-1"]["spec"]["data"]["spec"]["queries"][0]["spec"]["query"]
    query["datasource"]["name"] = "mimir"
    file = write(tmp_path / "v2.json", body)
    assert run(["validate", str(file)], capsys)[:2] == (0, "")  # on its own: nothing to hold the uid against
    code, out, err = run(["--config", str(example_project), "validate", "--env", "prod", str(file)], capsys)
    assert (code, err) == (1, "1 resource: 1 error, 0 warnings\n")
    assert out.splitlines() == [
        f'error: G301 prod:{file} › element "panel-1" (title "Heap") › queries[A].query.datasource.name: datasource '
        "uid 'mimir' is not one of the rendered datasources (loki, prometheus, tempo)"]
    query["datasource"]["name"] = "loki"
    write(file, body)
    _, out, _ = run(["--config", str(example_project), "validate", "--env", "prod", str(file)], capsys)
    assert "G303" in out and "group 'prometheus', but datasource 'loki' is 'loki'" in out


def test_cli_reports_a_broken_v2_file_in_json(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    body = handwritten()
    body["spec"]["layout"] = {"kind": "GridLayout", "spec": {"items": [{"kind": "GridLayoutItem", "spec": {
        "x": 0, "y": 0, "width": 12, "height": 8, "element": {"kind": "ElementReference", "name": "nope"}}}]}}
    file = write(tmp_path / "v2.json", body)
    code, out, _ = run(["validate", "--format", "json", str(file)], capsys)
    assert code == 1
    assert [(f["rule"], f["name"]) for f in json.loads(out)["findings"]] == [("G206", "element-missing")]
