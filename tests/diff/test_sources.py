"""Reading the two sides: build folders, single files, exports, git revisions."""

from __future__ import annotations

from pathlib import Path

import pytest

from graf._build import build
from graf.config import load_project
from graf.diff.semantic import diff_sets
from graf.diff.sources import load_pair, load_path, render_revision
from graf.errors import GrafError, UsageError
from tests.diff.conftest import dashboard, git, write_json


def test_build_folder_layout_by_env_and_kind(project: Path, tmp_path: Path) -> None:
    build(load_project(project), tmp_path / "out")
    sets = load_path(tmp_path / "out")
    assert sorted((r.kind, r.uid) for r in sets["dev"]) == [
        ("dashboard", "jvm"), ("datasource", "loki"), ("datasource", "prometheus"), ("datasource", "tempo"),
        ("folder", "t-dev")]
    single_env = load_path(tmp_path / "out" / "dev")
    assert sorted(r.uid for r in single_env[""]) == sorted(r.uid for r in sets["dev"])


def test_identical_files_are_counted_not_parsed(project: Path, tmp_path: Path) -> None:
    build(load_project(project), tmp_path / "a")
    build(load_project(project), tmp_path / "b")
    write_json(tmp_path / "b" / "dev" / "dashboard" / "jvm.json", dashboard(title="Heap used", x=12))
    pair = load_pair(tmp_path / "a", tmp_path / "b")
    assert pair.unchanged == 4
    assert [r.uid for r in pair.old["dev"]] == ["jvm"] and [r.uid for r in pair.new["dev"]] == ["jvm"]
    result = diff_sets(pair.old, pair.new, unchanged=pair.unchanged)
    assert [(c.op, c.where) for c in result.resources[0].changes] == [
        ("renamed", "panel \"Heap\""), ("changed", "panel \"Heap used\" › targets[A].expr")]
    assert result.summary() == "1 changed, 4 unchanged"


def test_two_files_are_compared_whatever_their_uids(tmp_path: Path) -> None:
    old = write_json(tmp_path / "old.json", {**dashboard(), "uid": "abc", "version": 3})
    new = write_json(tmp_path / "new.json", {"dashboard": {**dashboard(), "uid": "xyz", "version": 9},
                                             "meta": {"slug": "jvm"}})  # an API/UI export
    pair = load_pair(old, new)
    result = diff_sets(pair.old, pair.new)
    assert [(c.where, c.old, c.new) for c in result.resources[0].changes] == [("uid", "abc", "xyz")]


def test_folder_of_exported_json_files(tmp_path: Path) -> None:
    write_json(tmp_path / "exports" / "one.json", dashboard())
    write_json(tmp_path / "exports" / "ds.json", {"uid": "loki", "type": "loki", "access": "proxy"})
    sets = load_path(tmp_path / "exports")
    assert sorted((r.kind, r.uid) for r in sets[""]) == [("dashboard", "jvm"), ("datasource", "loki")]


def test_bad_inputs_name_the_file(tmp_path: Path) -> None:
    bad = tmp_path / "bad.json"
    bad.write_text('{"uid": "x",\n  oops}', encoding="utf-8")
    with pytest.raises(GrafError, match=r"bad\.json:2:3: invalid JSON"):
        load_path(bad)
    (tmp_path / "empty").mkdir()
    with pytest.raises(UsageError, match="no resources found"):
        load_path(tmp_path / "empty")
    write_json(tmp_path / "dup" / "a.json", dashboard())
    write_json(tmp_path / "dup" / "b.json", dashboard())
    with pytest.raises(UsageError, match="dashboard/jvm: found twice"):
        load_path(tmp_path / "dup")


def test_render_revision_uses_a_temporary_worktree(project: Path) -> None:
    root = project.parent
    first = render_revision(project, "HEAD~1").resources
    second = render_revision(project, "main").resources
    jvm_first = next(r for r in first["dev"] if r.uid == "jvm")
    jvm_second = next(r for r in second["dev"] if r.uid == "jvm")
    assert jvm_first.body["panels"][0]["gridPos"]["x"] == 0
    assert jvm_second.body["panels"][0]["gridPos"]["x"] == 12
    assert len(git(root, "worktree", "list").splitlines()) == 1  # the temporary worktrees are gone
    assert render_revision(project, "HEAD", envs=["prod"]).resources == {}
    head = render_revision(project, "HEAD")
    assert head.label == f"HEAD ({git(root, 'rev-parse', 'HEAD')[:8]})" and head.note == ""


def test_render_revision_errors(project: Path) -> None:
    with pytest.raises(UsageError, match="unknown git revision"):
        render_revision(project, "no-such-branch")
    # a revision before the project had graf.yaml renders nothing
    root = project.parent
    git(root, "checkout", "--quiet", "--orphan", "empty")
    git(root, "rm", "-r", "--quiet", "--cached", ".")
    git(root, "commit", "--quiet", "--allow-empty", "-m", "nothing yet")
    git(root, "checkout", "--quiet", "--force", "main")
    empty = render_revision(project, "empty")
    assert empty.resources == {}
    assert empty.note == "empty has no graf.yaml: everything shows as added or removed"


def test_render_revision_with_its_own_graf_code(project: Path) -> None:
    """A revision that has a `graf` package at its top (graf's own repository) is rendered by that code."""
    root = project.parent
    (root / "graf").mkdir()
    (root / "graf" / "__init__.py").write_text("", encoding="utf-8")
    (root / "graf" / "cli.py").write_text(
        "import json, pathlib, sys\n"
        "def main(argv):\n"
        "    out = pathlib.Path(argv[argv.index('--out') + 1]) / 'dev' / 'dashboard'\n"
        "    out.mkdir(parents=True)\n"
        "    (out / 'mark.json').write_text(json.dumps({'uid': 'mark', 'title': 'rendered by the revision'}))\n",
        encoding="utf-8")
    git(root, "add", ".")
    git(root, "commit", "--quiet", "-m", "vendored graf")
    sets = render_revision(project, "HEAD").resources
    assert [(r.uid, r.title) for r in sets["dev"]] == [("mark", "rendered by the revision")]


def test_render_revision_reports_a_failing_build(project: Path) -> None:
    root = project.parent
    project.write_text(project.read_text(encoding="utf-8") + "bogus_key: 1\n", encoding="utf-8")
    git(root, "commit", "--quiet", "-am", "broken config")
    with pytest.raises(GrafError, match=r"HEAD:graf\.yaml: graf build failed at this revision: .*bogus_key"):
        render_revision(project, "HEAD")
