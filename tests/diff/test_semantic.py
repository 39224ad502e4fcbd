"""The pure diff on small hand-made inputs: matching rules, lists, words, resource sets."""

from __future__ import annotations

from typing import Any

from graf.diff.model import Change
from graf.diff.semantic import diff_resource, diff_sets
from graf.diff.text import sentence, sign
from graf.diff.tree import diff_values
from graf.diff.words import word_diff
from graf.resources import Resource


def dash(*panels: dict[str, Any], variables: tuple[dict[str, Any], ...] = (), **extra: Any) -> Resource:
    body = {"uid": "d", "title": "D", "panels": list(panels), **extra}
    if variables:
        body["templating"] = {"list": list(variables)}
    return Resource("dashboard", "d", body)


def p(pid: int | None, title: str, x: int = 0, y: int = 0, w: int = 12, h: int = 8, **extra: Any) -> dict[str, Any]:
    out = {"type": "timeseries", "title": title, "gridPos": {"x": x, "y": y, "w": w, "h": h}, **extra}
    if pid is not None:
        out["id"] = pid
    return out


def lines(old: Resource, new: Resource) -> list[str]:
    return [f"{sign(c)} {sentence(c)}" for c in diff_resource(old, new)]


def test_panels_renumbered_are_matched_by_title() -> None:
    old = dash(p(1, "Heap"), p(2, "GC", y=8))
    new = dash(p(1, "Threads", y=16), p(2, "Heap"), p(3, "GC", y=8))
    assert lines(old, new) == [
        '~ panel "Heap" › id: 1 → 2',
        '~ panel "GC" › id: 2 → 3',
        '+ panel "Threads" added: timeseries at (0,16) 12×8',
    ]


def test_many_renumbered_panels_are_one_line() -> None:
    old = dash(p(1, "A"), p(2, "B", y=8), p(3, "C", y=16))
    new = dash(p(1, "New"), p(2, "A"), p(3, "B", y=8), p(4, "C", y=16))
    assert lines(old, new) == [
        '~ 3 panels got new ids: panel "A" 1 → 2, panel "B" 2 → 3, panel "C" 3 → 4',
        '+ panel "New" added: timeseries at (0,0) 12×8',
    ]


def test_renamed_panel_is_matched_by_id() -> None:
    assert lines(dash(p(7, "Heap")), dash(p(7, "Heap used"))) == ['~ panel "Heap" renamed to "Heap used"']


def test_duplicate_and_missing_titles_are_named_by_id_or_position() -> None:
    old = dash(p(1, "Up"), p(2, "Up", x=12), p(3, ""), p(None, "", y=8))
    new = dash(p(1, "Up"), p(2, "Up", x=12, description="b"), p(3, "", description="c"),
               p(None, "", y=8, description="d"))
    assert lines(old, new) == [
        '+ panel #3 › description added: "c"',
        '+ panel "Up" #2 › description added: "b"',
        '+ panel at (0,8) › description added: "d"',
    ]


def test_targets_are_matched_by_ref_id_and_reorder_is_one_line() -> None:
    a, b = {"refId": "A", "expr": "up"}, {"refId": "B", "expr": "down"}
    old = dash(p(1, "X", targets=[a, b]))
    new = dash(p(1, "X", targets=[{**b, "expr": "down2"}, a]))
    assert lines(old, new) == [
        '~ panel "X" › targets reordered: A, B → B, A',
        '~ panel "X" › targets[B].expr: "down" → "down2"',
    ]


def test_overrides_are_matched_by_matcher() -> None:
    def override(name: str, color: str) -> dict[str, Any]:
        return {"matcher": {"id": "byName", "options": name},
                "properties": [{"id": "color", "value": {"fixedColor": color}}]}

    old = {"overrides": [override("heap", "red"), override("gc", "blue")]}
    new = {"overrides": [override("gc", "blue"), override("heap", "green")]}
    changes = diff_values(old, new)
    assert [c.where for c in changes] == ["overrides", "overrides[byName=heap].properties[color].value.fixedColor"]


def test_scalar_lists_short_are_one_line_long_are_aligned() -> None:
    assert [sentence(c) for c in diff_values({"tags": ["a", "b"]}, {"tags": ["a", "c"]})] == \
        ['tags: ["a", "b"] → ["a", "c"]']
    old = [f"item-number-{i}" for i in range(10)]
    new = [*old[:3], "inserted-item", *old[3:]]
    assert [sentence(c) for c in diff_values(old, new)] == ['[3] added: "inserted-item"']


def test_changed_type_and_added_removed_keys() -> None:
    changes = diff_values({"a": 1, "b": {"c": True}, "odd key": 1},
                          {"a": "1", "b": {"d": {"e": None, "f": 2.0}}, "odd key": 2})
    assert [f"{sign(c)} {sentence(c)}" for c in changes] == [
        '~ a: 1 → "1"',
        '- b.c removed: true',
        '+ b.d added: {"f": 2}',
        '~ ["odd key"]: 1 → 2',
    ]


def test_null_is_absent_and_whole_floats_are_ints_as_in_canonical() -> None:
    assert diff_values({"a": None, "x": 1.0, "l": [{"k": None}]}, {"x": 1, "l": [{}]}) == []


def test_variable_renamed_when_alike_even_with_others_added() -> None:
    q = {"type": "query", "query": "label_values(up, instance)"}
    old = dash(variables=({"name": "instance", **q}, {"name": "job", "type": "query", "query": "label_values(job)"}))
    new = dash(variables=({"name": "host", **q}, {"name": "job", "type": "query", "query": "label_values(job)"},
                          {"name": "level", "type": "custom", "query": "info,error"}))
    assert lines(old, new) == [
        '~ variable "instance" renamed to "host"',
        '+ variable "level" added: custom: info,error',
    ]


def test_variables_reordered_is_one_line() -> None:
    a, b = {"name": "a", "type": "query"}, {"name": "b", "type": "query"}
    assert lines(dash(variables=(a, b)), dash(variables=(b, a))) == ["~ variables reordered: a, b → b, a"]


def test_word_diff_segments_and_too_different_strings() -> None:
    assert word_diff("rate(x[5m])", "rate(x[1m])") == (("=", "rate(x["), ("-", "5m"), ("+", "1m"), ("=", "])"))
    assert word_diff("completely different words here", "nothing in common at all") is None
    change = diff_values({"expr": "a" * 50}, {"expr": "b" * 50})[0]
    assert change.words is None and sentence(change).startswith('expr: "aaa')


def test_folder_move_and_non_dashboard_kinds() -> None:
    old = Resource("datasource", "loki", {"uid": "loki", "jsonData": {"maxLines": 1000}}, folder=None)
    new = Resource("datasource", "loki", {"uid": "loki", "jsonData": {"maxLines": 5000}, "version": 3})
    assert [sentence(c) for c in diff_resource(old, new)] == ["jsonData.maxLines: 1000 → 5000"]
    moved = diff_resource(Resource("dashboard", "d", {"uid": "d"}, folder="a"),
                          Resource("dashboard", "d", {"uid": "d"}, folder="b"))
    assert moved == (Change("changed", path="folderUid", old="a", new="b"),)


def test_diff_sets_orders_by_env_then_kind_and_counts() -> None:
    folder = Resource("folder", "f", {"uid": "f", "title": "F"})
    old = {"dev": [folder, dash(p(1, "X"))], "prod": [Resource("datasource", "gone", {"uid": "gone"})]}
    new = {"dev": [folder, dash(p(1, "Y")), Resource("dashboard", "new", {"uid": "new", "title": "New",
                                                                           "panels": [p(1, "Z")]})]}
    result = diff_sets(old, new, old_label="a", new_label="b")
    assert [(r.env, r.name, r.status, r.summary) for r in result.resources] == [
        ("dev", "dashboard/d", "changed", ""),
        ("dev", "dashboard/new", "added", "1 panel"),
        ("prod", "datasource/gone", "removed", ""),
    ]
    assert result.unchanged == 1
    assert result.summary() == "1 changed, 1 added, 1 removed, 1 unchanged"


def test_identical_sets_give_an_empty_diff() -> None:
    same = {"dev": [dash(p(1, "X"))]}
    result = diff_sets(same, same)
    assert result.empty and result.unchanged == 1
