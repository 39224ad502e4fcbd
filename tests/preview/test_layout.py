"""Where panels go, what they are and how their numbers read: the pure parts of the preview."""

from __future__ import annotations

import math

import pytest

from graf.preview.layout import layout
from graf.preview.panels import format_value, kind, threshold_colour, unit


def test_boxes_follow_grid_positions_in_layout_order() -> None:
    boxes = layout({"panels": [
        {"id": 3, "type": "stat", "title": "B", "gridPos": {"x": 12, "y": 1, "w": 12, "h": 4}},
        {"id": 1, "type": "row", "title": "R", "gridPos": {"x": 0, "y": 0, "w": 24, "h": 1}, "panels": []},
        {"id": 2, "type": "timeseries", "title": "A", "gridPos": {"x": 0, "y": 1, "w": 12, "h": 8}},
    ]})
    assert [(b.title, b.x, b.y, b.w, b.h, b.row) for b in boxes] == [
        ("R", 0, 0, 24, 1, ""), ("A", 0, 1, 12, 8, "R"), ("B", 12, 1, 12, 4, "R")]
    assert [b.key for b in boxes] == ["p1", "p2", "p3"]


def test_collapsed_row_hides_its_panels_and_counts_them() -> None:
    boxes = layout({"panels": [
        {"id": 1, "type": "row", "title": "Folded", "collapsed": True, "gridPos": {"x": 0, "y": 0, "w": 24, "h": 1},
         "panels": [{"id": 2, "type": "stat", "title": "inside", "gridPos": {"x": 0, "y": 1, "w": 4, "h": 4}}]},
        {"id": 3, "type": "row", "title": "Open", "gridPos": {"x": 0, "y": 1, "w": 24, "h": 1}, "panels": []},
    ]})
    assert [(b.title, b.collapsed, b.hidden_panels) for b in boxes] == [("Folded", True, 1), ("Open", False, 0)]


def test_repeats_missing_and_impossible_positions_are_marked_not_dropped() -> None:
    boxes = layout({"panels": [
        {"type": "timeseries", "title": "per host", "repeat": "instance", "gridPos": {"x": 0, "y": 0, "w": 8, "h": 6}},
        {"type": "stat", "title": "nowhere"},
        {"type": "stat", "title": "too wide", "gridPos": {"x": 20, "y": 9, "w": 10, "h": "x"}},
    ]})
    by_title = {b.title: b for b in boxes}
    assert by_title["per host"].repeat == "instance"
    assert (by_title["nowhere"].w, by_title["nowhere"].h, by_title["nowhere"].fixed) == (12, 8, ("no gridPos",))
    wide = by_title["too wide"]
    assert (wide.x, wide.w, wide.h) == (14, 10, 8)
    assert wide.fixed and "outside the 24 columns" in wide.fixed[0]
    assert by_title["nowhere"].key.startswith("i")  # no id: keyed by position


@pytest.mark.parametrize(("written", "shown"), [("graph", "timeseries"), ("singlestat", "stat"),
                                                ("table-old", "table"), ("stat", "stat")])
def test_legacy_types_are_shown_as_what_grafana_migrates_them_to(written: str, shown: str) -> None:
    found = kind({"type": written})
    assert (found.shown, found.written, found.migrated) == (shown, written, written != shown)


def test_unit_comes_from_field_config_or_a_legacy_axis() -> None:
    assert unit({"fieldConfig": {"defaults": {"unit": "bytes"}}}) == "bytes"
    assert unit({"type": "graph", "yaxes": [{"format": "ms"}, {"format": "short"}]}) == "ms"
    assert unit({"type": "singlestat", "format": "percent"}) == "percent"
    assert unit({}) == ""


@pytest.mark.parametrize(("value", "unit_name", "text"), [
    (0.4216, "percentunit", "42.2%"), (97.0, "percent", "97%"), (3 * 1024**3, "bytes", "3 GiB"),
    (512.0, "bytes", "512 B"), (0.25, "s", "250 ms"), (90.0, "s", "1.5 min"), (1500.0, "ms", "1.5 s"),
    (1234.0, "reqps", "1.23k req/s"), (3.0, "short", "3"), (2.5, "none", "2.5"), (7.0, "celsius", "7°C"),
    (math.nan, "s", "NaN"), (5.0, "widgets", "5 widgets"),
])
def test_values_read_as_grafana_prints_them(value: float, unit_name: str, text: str) -> None:
    assert format_value(value, unit_name) == text


def test_threshold_colour_is_the_highest_step_reached() -> None:
    panel = {"fieldConfig": {"defaults": {"thresholds": {"mode": "absolute", "steps": [
        {"color": "green", "value": None}, {"color": "orange", "value": 0.7}, {"color": "red", "value": 0.9}]}}}}
    assert threshold_colour(panel, 0.1) == "#73BF69"
    assert threshold_colour(panel, 0.7) == "#FF9830"
    assert threshold_colour(panel, 0.95) == "#F2495C"
    assert threshold_colour({}, 5) == "#73BF69"  # no thresholds: Grafana's base green
