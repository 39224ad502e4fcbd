"""Terminal, markdown and JSON renderings of the same Diff, checked as exact text."""

from __future__ import annotations

import json

from graf.diff.jsonformat import render_json
from graf.diff.markdown import MARKER, render_markdown
from graf.diff.model import Change, Diff, ResourceDiff
from graf.diff.terminal import render_terminal
from graf.diff.words import word_diff

QUERY_OLD = 'sum(rate(http_server_requests_seconds_count{status=~"5.."}[5m]))'
QUERY_NEW = 'sum(rate(http_server_requests_seconds_count{status=~"5.."}[1m]))'

DIFF = Diff(
    "origin/main (1a2b3c4d)", "working tree",
    (
        ResourceDiff("prod", "dashboard", "shop-prod-jvm", "JVM", "changed", (
            Change("changed", 'panel "Errors <5xx>"', "targets[A].expr", QUERY_OLD, QUERY_NEW,
                   word_diff(QUERY_OLD, QUERY_NEW)),
            Change("moved", 'panel "Heap used"', old=(0, 8), new=(12, 8)),
            Change("added", 'panel "Threads"', new="Threads", note="timeseries at (0,16) 12×8"),
            Change("changed", "", "refresh", "30s", "1m"),
        )),
        ResourceDiff("prod", "dashboard", "shop-prod-logs", "Logs", "added", summary="3 panels"),
        ResourceDiff("prod", "datasource", "tempo", "Tempo", "removed"),
    ),
    unchanged=7,
)


def test_terminal_plain() -> None:
    assert render_terminal(DIFF) == (
        "graf diff: origin/main (1a2b3c4d) → working tree\n"
        '~ dashboard/shop-prod-jvm "JVM" (prod)\n'
        '    ~ panel "Errors <5xx>" › targets[A].expr: '
        'sum(rate(http_server_requests_seconds_count{status=~"5.."}[[-5m-]{+1m+}]))\n'
        '    ~ panel "Heap used" moved from (0,8) to (12,8)\n'
        '    + panel "Threads" added: timeseries at (0,16) 12×8\n'
        '    ~ refresh: "30s" → "1m"\n'
        '+ dashboard/shop-prod-logs "Logs" (prod) added: 3 panels\n'
        '- datasource/tempo "Tempo" (prod) removed\n'
        "1 changed, 1 added, 1 removed, 7 unchanged\n"
    )


def test_terminal_colour_only_when_asked() -> None:
    plain, coloured = render_terminal(DIFF), render_terminal(DIFF, colour=True)
    assert "\x1b[" not in plain
    assert "\x1b[31m\x1b[9m5m\x1b[0m\x1b[32m\x1b[4m1m\x1b[0m" in coloured  # red struck 5m, green underlined 1m
    assert "[-" not in coloured


def test_terminal_no_differences() -> None:
    assert render_terminal(Diff("a", "b", (), unchanged=4)) == "graf diff: a → b\nno differences (4 unchanged)\n"


def test_markdown_sections() -> None:
    text = render_markdown(DIFF)
    assert text.startswith(MARKER + "\n### graf diff: <code>origin/main (1a2b3c4d)</code> → <code>working tree</code>")
    assert "**1 changed, 1 added, 1 removed, 7 unchanged**" in text
    assert ('<details><summary>✏️ <b>dashboard/shop-prod-jvm "JVM" (prod)</b>: 4 changes</summary>\n\n'
            '- <code>panel "Errors &lt;5xx&gt;" › targets&#91;A&#93;.expr</code>: '
            '<code>sum(rate(http&#95;server&#95;requests&#95;seconds&#95;count{status=&#126;"5.."}'
            '&#91;<del>5m</del><ins>1m</ins>&#93;))</code>\n'
            '- <code>panel "Heap used"</code> moved from (0,8) to (12,8)\n'
            '- <code>panel "Threads"</code> added: timeseries at (0,16) 12×8\n'
            '- <code>refresh</code>: <del><code>"30s"</code></del> → <ins><code>"1m"</code></ins>\n'
            '\n</details>\n') in text
    assert '➕ <b>dashboard/shop-prod-logs "Logs" (prod)</b> added: 3 panels\n' in text
    assert '➖ <b>datasource/tempo "Tempo" (prod)</b> removed\n' in text


def test_markdown_escapes_what_github_would_render_inside_code() -> None:
    change = Change("changed", 'panel "$instance *load*"', "targets[A].expr", "a", "b")
    text = render_markdown(Diff("a", "b", (ResourceDiff("", "dashboard", "d", "D", "changed", (change,)),)))
    assert "<code>panel \"&#36;instance &#42;load&#42;\" › targets&#91;A&#93;.expr</code>" in text
    assert "$" not in text and "*load*" not in text


def test_markdown_is_cut_to_the_comment_limit() -> None:
    many = Diff("a", "b", tuple(
        ResourceDiff("dev", "dashboard", f"d{i}", f"D{i}", "changed",
                     tuple(Change("changed", f'panel "P{j}"', "description", "x" * 30, "y" * 30) for j in range(50)))
        for i in range(40)))
    text = render_markdown(many, limit=20_000)
    shown = text.count("<details>")
    assert 0 < shown < 40 and len(text) <= 20_000
    assert f"…and {40 - shown} more resources not shown" in text


def test_markdown_no_differences() -> None:
    assert render_markdown(Diff("a", "b", (), unchanged=2)).endswith(
        "No differences in the rendered resources (2 unchanged).\n")


def test_json_carries_whole_values_and_words() -> None:
    data = json.loads(render_json(DIFF))
    assert data["summary"] == {"changed": 1, "added": 1, "removed": 1, "unchanged": 7}
    first = data["resources"][0]
    assert (first["env"], first["kind"], first["uid"], first["status"]) == ("prod", "dashboard", "shop-prod-jvm",
                                                                           "changed")
    query = first["changes"][0]
    assert query["where"] == 'panel "Errors <5xx>" › targets[A].expr'
    assert (query["old"], query["new"]) == (QUERY_OLD, QUERY_NEW)
    assert ["-", "5m"] in query["words"] and ["+", "1m"] in query["words"]
    moved = first["changes"][1]
    assert (moved["op"], moved["old"], moved["new"]) == ("moved", [0, 8], [12, 8])
    assert "old" not in first["changes"][2]  # added: no old value at all, not null
    assert data["resources"][1]["summary"] == "3 panels"
