"""`graf diff` on the command line: sources, formats, exit codes 0 / 3 / 1 / 2."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from click.testing import CliRunner

from graf.cli import cli, main
from tests.diff.conftest import dashboard, git, write_json

QUERY_LINE = ('    ~ panel "Heap" › targets[A].expr: '
              'sum(jvm_memory_used_bytes{area="[-heap-]{+nonheap+}"})')


def run(*args: str) -> tuple[int, str, str]:
    result = CliRunner().invoke(cli, list(args), catch_exceptions=False)
    return result.exit_code, result.stdout, result.stderr


def test_two_identical_files_exit_0(tmp_path: Path) -> None:
    a = write_json(tmp_path / "a.json", dashboard())
    b = write_json(tmp_path / "b.json", {**dashboard(), "version": 12, "id": 4})
    code, out, _ = run("diff", str(a), str(b))
    assert code == 0
    assert out.endswith("no differences (1 unchanged)\n")


def test_two_files_that_differ_exit_3(tmp_path: Path) -> None:
    a = write_json(tmp_path / "a.json", dashboard())
    b = write_json(tmp_path / "b.json", dashboard(expr='sum(jvm_memory_used_bytes{area="nonheap"})', x=12))
    code, out, _ = run("diff", str(a), str(b))
    assert code == 3
    assert out.splitlines()[1:] == [
        '~ dashboard/jvm "JVM"',
        '    ~ panel "Heap" moved from (0,0) to (12,0)',
        QUERY_LINE,
        "1 changed",
    ]


def test_formats(tmp_path: Path) -> None:
    a = write_json(tmp_path / "a.json", dashboard())
    b = write_json(tmp_path / "b.json", dashboard(x=6))
    code, out, _ = run("diff", "--format", "markdown", str(a), str(b))
    assert code == 3
    assert out.startswith("<!-- graf-diff -->\n")
    assert '- <code>panel "Heap"</code> moved from (0,0) to (6,0)' in out
    code, out, _ = run("diff", "-f", "json", str(a), str(b))
    assert code == 3
    change = json.loads(out)["resources"][0]["changes"][0]
    assert (change["op"], change["old"], change["new"]) == ("moved", [0, 0], [6, 0])


def test_colour_only_when_a_terminal_or_forced(tmp_path: Path) -> None:
    a = write_json(tmp_path / "a.json", dashboard())
    b = write_json(tmp_path / "b.json", dashboard(x=6))
    assert "\x1b[" not in run("diff", str(a), str(b))[1]  # CliRunner's stdout is not a terminal
    assert "\x1b[" in run("diff", "--color", str(a), str(b))[1]


@pytest.mark.parametrize(("args", "message"), [
    ((), "nothing to compare"),
    (("--head", "HEAD"), "--head: needs --base"),
])
def test_bad_usage_exits_2(args: tuple[str, ...], message: str, capsys: pytest.CaptureFixture[str]) -> None:
    with pytest.raises(SystemExit) as exit_info:
        main(["diff", *args])
    assert exit_info.value.code == 2
    assert message in capsys.readouterr().err


def test_bad_usage_with_paths_exits_2(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    a = write_json(tmp_path / "a.json", dashboard())
    for args, message in ((["diff", str(a)], "expected two paths (OLD NEW), got 1"),
                          (["diff", str(a), str(a), "--base", "main"], "not both")):
        with pytest.raises(SystemExit) as exit_info:
            main(args)
        assert exit_info.value.code == 2
        assert message in capsys.readouterr().err
    with pytest.raises(SystemExit) as exit_info:
        main(["diff", str(a), str(tmp_path / "missing.json")])
    assert exit_info.value.code == 2
    assert "does not exist" in capsys.readouterr().err


def test_unreadable_input_exits_1_with_one_line(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    a = write_json(tmp_path / "a.json", dashboard())
    bad = tmp_path / "b.json"
    bad.write_text("{", encoding="utf-8")
    with pytest.raises(SystemExit) as exit_info:
        main(["diff", str(a), str(bad)])
    assert exit_info.value.code == 1
    err = capsys.readouterr().err
    assert err.startswith(f"error: {bad}:1:2: invalid JSON") and "Traceback" not in err


def test_base_against_working_tree(project: Path) -> None:
    code, out, _ = run("--config", str(project), "diff", "--base", "HEAD~1")
    assert code == 3
    lines = out.splitlines()
    assert lines[0].startswith("graf diff: HEAD~1 (") and lines[0].endswith(") → working tree")
    assert lines[1:] == ['~ dashboard/jvm "JVM" (dev)', '    ~ panel "Heap" moved from (0,0) to (12,0)',
                         QUERY_LINE, "1 changed, 4 unchanged"]


def test_base_and_head_revisions(project: Path) -> None:
    code, out, _ = run("--config", str(project), "diff", "--base", "HEAD~1", "--head", "HEAD", "-f", "json")
    assert code == 3
    data = json.loads(out)
    assert data["new"].startswith("HEAD (")
    assert [c["op"] for c in data["resources"][0]["changes"]] == ["moved", "changed"]


def test_base_equal_to_working_tree_exits_0(project: Path) -> None:
    code, out, _ = run("--config", str(project), "diff", "--base", "HEAD")
    assert code == 0
    assert out.endswith("no differences (5 unchanged)\n")


def test_base_without_the_project_says_so(project: Path) -> None:
    root = project.parent
    git(root, "checkout", "--quiet", "--orphan", "empty")
    git(root, "rm", "-r", "--quiet", "--cached", ".")
    git(root, "commit", "--quiet", "--allow-empty", "-m", "nothing yet")
    git(root, "checkout", "--quiet", "--force", "main")
    code, out, _ = run("--config", str(project), "diff", "--base", "empty")
    assert code == 3
    lines = out.splitlines()
    assert lines[1] == "note: empty has no graf.yaml: everything shows as added or removed"
    assert lines[-1] == "5 added"


def test_uncommitted_edits_count_when_head_is_not_given(project: Path) -> None:
    write_json(project.parent / "dashboards" / "jvm.json",
               {**dashboard(expr='sum(jvm_memory_used_bytes{area="nonheap"})', x=12), "title": "JVM memory"})
    code, out, _ = run("--config", str(project), "diff", "--base", "HEAD")
    assert code == 3
    assert '    ~ title: "JVM" → "JVM memory"' in out.splitlines()


def test_base_with_env_filter(project: Path, capsys: pytest.CaptureFixture[str]) -> None:
    code, out, _ = run("--config", str(project), "diff", "--base", "HEAD~1", "--env", "dev")
    assert code == 3 and "(dev)" in out
    with pytest.raises(SystemExit) as exit_info:
        main(["--config", str(project), "diff", "--base", "HEAD~1", "--env", "prod"])
    assert exit_info.value.code == 2
    assert "unknown environment 'prod'" in capsys.readouterr().err


def test_env_alone_compares_live_grafana_with_the_code(example_project: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """The wiring of `--env`: live (old, `Target.live`) vs code (new, `Target.desired`, what plan compares)."""
    from graf.resources import Resource
    from graf.target import Target

    calls: list[tuple[str, str | None]] = []
    live_body = {"uid": "shop-prod-jvm", "title": "JVM", "panels": [
        {"id": 1, "type": "timeseries", "title": "Heap", "gridPos": {"x": 0, "y": 0, "w": 12, "h": 8}}]}
    code_body = {**live_body, "panels": [{**live_body["panels"][0], "gridPos": {"x": 12, "y": 0, "w": 12, "h": 8}}]}

    def live(target: Target) -> list[Resource]:
        calls.append((target.env.name, target.url))
        return [Resource("dashboard", "shop-prod-jvm", live_body),
                Resource("dashboard", "made-in-ui", {"uid": "made-in-ui", "title": "UI"})]

    def desired(target: Target, only: object = ()) -> list[Resource]:
        return [Resource("dashboard", "shop-prod-jvm", code_body)]

    monkeypatch.setattr(Target, "live", live)
    monkeypatch.setattr(Target, "desired", desired)

    code, out, _ = run("--config", str(example_project), "diff", "--env", "prod", "--url", "http://127.0.0.1:1")
    assert code == 3
    assert calls == [("prod", "http://127.0.0.1:1")]
    assert out.splitlines() == [
        "graf diff: live Grafana (prod) → code",
        '- dashboard/made-in-ui "UI" (prod) removed: 0 panels',
        '~ dashboard/shop-prod-jvm "JVM" (prod)',
        '    ~ panel "Heap" moved from (0,0) to (12,0)',
        "1 changed, 1 removed",
    ]
