"""`graf diff --format html`: each changed dashboard before and after, panels marked as they changed."""

from __future__ import annotations

import html
from pathlib import Path
from typing import Any

import pytest
from click.testing import CliRunner

from graf.cli import cli, main
from graf.diff import diff_sets
from graf.diff.html import dashboard_pages, render_html
from graf.preview.browser import dump_dom, find_browser
from graf.resources import Resource
from tests.diff.conftest import dashboard, write_json
from tests.preview.dom import PanelSeen, panels


def _panel(pid: int, title: str, x: int, y: int, expr: str = "up", **extra: Any) -> dict[str, Any]:
    return {"id": pid, "type": "timeseries", "title": title, "gridPos": {"x": x, "y": y, "w": 12, "h": 8},
            "targets": [{"refId": "A", "expr": expr}], **extra}


def _sets(panel_list: list[dict[str, Any]]) -> dict[str, list[Resource]]:
    body = {"uid": "d", "title": "D", "schemaVersion": 39, "panels": panel_list}
    return {"prod": [Resource("dashboard", "d", body, folder="f")]}


OLD = _sets([
    _panel(1, "Moved and changed", 0, 0), _panel(2, "Same", 12, 0), _panel(3, "Removed", 0, 8),
    {"id": 10, "type": "row", "title": "Folded", "collapsed": True, "gridPos": {"x": 0, "y": 16, "w": 24, "h": 1},
     "panels": [_panel(11, "Inside", 0, 17)]},
])
NEW = _sets([
    _panel(1, "Moved and changed", 12, 8, expr="up == 1"), _panel(2, "Same", 12, 0), _panel(4, "Added", 0, 0),
    {"id": 10, "type": "row", "title": "Folded", "collapsed": True, "gridPos": {"x": 0, "y": 16, "w": 24, "h": 1},
     "panels": [_panel(11, "Inside", 0, 17, expr="up > 0")]},
])


def _sides(page: str) -> tuple[dict[str, PanelSeen], dict[str, PanelSeen], list[PanelSeen]]:
    before_html, after_html = page.split('<div class="side after">')
    before = {p.title: p for p in panels(before_html)}
    after_all = panels(after_html)
    return before, {p.title: p for p in after_all if "ghost" not in p.classes}, \
        [p for p in after_all if "ghost" in p.classes]


def test_changed_moved_added_removed_and_folded_panels_are_marked() -> None:
    result = diff_sets(OLD, NEW, old_label="base", new_label="head")
    page = render_html(result, OLD, NEW)
    before, after, ghosts = _sides(page)
    assert "changed" in before["Moved and changed"].classes and "changed" in after["Moved and changed"].classes
    assert "changed · moved" in after["Moved and changed"].all_text
    assert (before["Moved and changed"].grid()[:2], after["Moved and changed"].grid()[:2]) == ((0, 0), (12, 8))
    assert not {"changed", "moved", "added", "removed"} & (before["Same"].classes | after["Same"].classes)
    assert "added" in after["Added"].classes and "Added" not in before
    assert "removed" in before["Removed"].classes and "Removed" not in after
    assert [g.title for g in ghosts] == ["Removed"] and ghosts[0].grid() == (0, 8, 12, 8)
    assert "changed" in after["Folded"].classes  # a change inside a collapsed row marks the row
    # the semantic lines under the picture
    text = html.unescape(page)
    assert 'panel "Moved and changed" moved from (0,0) to (12,8)' in text
    assert 'panel "Inside" › targets[A].expr' in text


def test_one_page_per_changed_dashboard_sized_to_show_it_whole() -> None:
    result = diff_sets(OLD, NEW)
    pages = dashboard_pages(result, OLD, NEW)
    assert list(pages) == ["prod-d.html"]
    one = pages["prod-d.html"]
    assert one.width > 1440 and one.height > 17 * 38
    assert one.text == dashboard_pages(result, OLD, NEW)["prod-d.html"].text  # deterministic


def run(*args: str) -> tuple[int, str, str]:
    result = CliRunner().invoke(cli, list(args), catch_exceptions=False)
    return result.exit_code, result.stdout, result.stderr


def test_cli_html_between_revisions(project: Path) -> None:
    code, out, _ = run("--config", str(project), "diff", "--base", "HEAD~1", "--format", "html")
    assert code == 3
    assert out.startswith("<!doctype html>")
    before, after, _ = _sides(out)
    assert before["Heap"].grid()[:2] == (0, 0) and after["Heap"].grid()[:2] == (12, 0)
    assert "changed · moved" in after["Heap"].all_text


@pytest.mark.parametrize(("args", "message"), [
    (("--out", "x"), "only with --format html"),
    (("--format", "html", "--png"), "needs --out"),
    (("--format", "html", "--env", "dev"), "give OLD NEW or --base"),
])
def test_html_usage_errors_exit_2(tmp_path: Path, args: tuple[str, ...], message: str,
                                  capsys: pytest.CaptureFixture[str]) -> None:
    a = write_json(tmp_path / "a.json", dashboard())
    b = write_json(tmp_path / "b.json", dashboard(x=6))
    paths = () if "--env" in args else (str(a), str(b))
    with pytest.raises(SystemExit) as exit_info:
        main(["diff", *args, *paths])
    assert exit_info.value.code == 2
    assert message in capsys.readouterr().err


@pytest.mark.skipif(find_browser() is None, reason="no headless chromium installed (CI installs it)")
def test_pictures_in_a_browser_show_the_move(tmp_path: Path) -> None:
    a = write_json(tmp_path / "a.json", dashboard())
    b = write_json(tmp_path / "b.json", dashboard(expr="up", x=12))
    out = tmp_path / "pictures"
    code, stdout, _ = run("diff", str(a), str(b), "--format", "html", "--out", str(out), "--png")
    assert code == 3
    assert sorted(p.name for p in out.iterdir()) == ["index.html", "jvm.html", "jvm.png"]
    assert stdout.splitlines() == [str(out / "index.html"), str(out / "jvm.html"), str(out / "jvm.png")]
    page = out / "jvm.html"
    before, after, _ = _sides(dump_dom(page, width=1500, height=600))
    # measured by the browser: the panel is drawn where each side's gridPos puts it
    assert before["Heap"].measured() == (0, 0, 12, 8) and after["Heap"].measured() == (12, 0, 12, 8)
    assert int(after["Heap"].attrs["data-title-px"]) > 10
    assert page.with_suffix(".png").stat().st_size > 5000
