"""`graf build --out DIR` never removes what graf did not write, and a target it cannot write is one
line and a non-zero exit with nothing half-written."""

from __future__ import annotations

import os
from pathlib import Path

import pytest

from graf.errors import GrafError, UsageError
from graf.files import MARKER, write_tree
from tests.safety.test_hostile_json import run_main


def _snapshot(root: Path) -> dict[str, bytes]:
    return {str(p.relative_to(root)): p.read_bytes() for p in sorted(root.rglob("*")) if p.is_file()}


def test_build_into_the_project_folder_is_refused_and_deletes_nothing(
        example_project: Path, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch) -> None:
    project = example_project.parent
    (project / "notes.md").write_text("my notes\n")
    (project / ".git").mkdir()
    (project / ".git" / "HEAD").write_text("ref: refs/heads/main\n")
    before = _snapshot(project)
    monkeypatch.chdir(project)
    code, out, err = run_main(["build", "--out", "."], capsys)
    assert code == 2 and out == ""
    assert err.count("\n") == 1 and err.startswith(f"error: {project}: holds ")
    assert "graf build replaces its folder as a whole" in err
    assert _snapshot(project) == before
    assert not [p for p in project.parent.iterdir() if p.name.startswith(f".{project.name}.")]  # no temp folder


def test_a_folder_with_a_file_graf_did_not_write_is_refused(example_project: Path, tmp_path: Path,
                                                            capsys: pytest.CaptureFixture[str]) -> None:
    out = tmp_path / "out"
    assert run_main(["-c", str(example_project), "build", "--out", str(out)], capsys)[0] == 0
    (out / "prod" / "dashboard" / "mine.json").write_text("{}\n")  # a user's file inside graf's tree
    before = _snapshot(out)
    code, _, err = run_main(["-c", str(example_project), "build", "--out", str(out)], capsys)
    assert code == 2 and "holds 'prod/dashboard/mine.json'" in err
    assert _snapshot(out) == before


def test_a_folder_of_an_unknown_sub_folder_is_refused(tmp_path: Path) -> None:
    out = tmp_path / "out"
    write_tree(out, {"prod/folder/a.json": "{}\n"})
    (out / "keep").mkdir()
    with pytest.raises(UsageError, match="holds 'keep/'"):
        write_tree(out, {"prod/folder/a.json": "{}\n"})
    assert (out / "keep").is_dir()


def test_graf_own_tree_and_an_empty_folder_are_replaced(tmp_path: Path) -> None:
    out = tmp_path / "out"
    out.mkdir()
    write_tree(out, {"prod/folder/a.json": "{}\n", "dev/folder/b.json": "{}\n"})
    write_tree(out, {"prod/folder/c.json": "{}\n"})
    assert _snapshot(out) == {"prod/folder/c.json": b"{}\n", MARKER: (out / MARKER).read_bytes()}
    assert (out / MARKER).read_text().splitlines()[1:] == ["prod/folder/c.json"]


def test_a_sibling_old_folder_of_the_user_is_left_alone(tmp_path: Path) -> None:
    out = tmp_path / "build"
    (tmp_path / ".build.old").mkdir()
    (tmp_path / ".build.old" / "precious").write_text("x")
    write_tree(out, {"prod/folder/a.json": "{}\n"})
    write_tree(out, {"prod/folder/a.json": "{}\n"})
    assert (tmp_path / ".build.old" / "precious").read_text() == "x"
    assert sorted(p.name for p in tmp_path.iterdir()) == [".build.old", "build"]


def test_a_uid_that_leaves_the_tree_is_refused_before_anything_is_written(tmp_path: Path) -> None:
    out = tmp_path / "build"
    for name in ("prod/dashboard/../../../escape.json", "/etc/x.json", "prod/dashboard/a\\..\\b.json"):
        with pytest.raises(GrafError, match="not a safe file name"):
            write_tree(out, {name: "{}\n"})
    assert list(tmp_path.iterdir()) == []


def test_build_onto_a_file_is_one_line(example_project: Path, tmp_path: Path,
                                       capsys: pytest.CaptureFixture[str]) -> None:
    target = tmp_path / "a-file"
    target.write_text("keep\n")
    with pytest.raises(UsageError, match="is not a folder"):
        write_tree(target, {"prod/folder/a.json": "{}\n"})
    code, _, err = run_main(["-c", str(example_project), "build", "--out", str(target)], capsys)
    assert code == 2 and err == f"error: {target}: is not a folder: graf build writes a folder there " \
                               "(give --out a new folder, or one graf build wrote)\n"
    assert target.read_text() == "keep\n"


def test_build_under_a_file_is_one_line_and_writes_nothing(example_project: Path, tmp_path: Path,
                                                           capsys: pytest.CaptureFixture[str]) -> None:
    """Works as root too: no permission bit stops root, but a file cannot hold a folder."""
    blocker = tmp_path / "a-file"
    blocker.write_text("keep\n")
    before = sorted(p.name for p in tmp_path.iterdir())
    code, out, err = run_main(["-c", str(example_project), "build", "--out", str(blocker / "sub" / "out")], capsys)
    assert (code, out) == (1, "")
    assert err.count("\n") == 1 and err.startswith(f"error: {blocker / 'sub' / 'out'}: cannot write: ")
    assert sorted(p.name for p in tmp_path.iterdir()) == before and blocker.read_text() == "keep\n"


@pytest.mark.skipif(not Path("/proc/self").is_dir(), reason="needs Linux /proc")
def test_build_into_a_folder_no_one_may_create_files_in(example_project: Path,
                                                        capsys: pytest.CaptureFixture[str]) -> None:
    """/proc refuses new entries even to root: the unwritable folder a root test can really use."""
    code, _, err = run_main(["-c", str(example_project), "build", "--out", "/proc/graf-build-test"], capsys)
    assert code == 1 and err.startswith("error: /proc/graf-build-test: cannot write: ")
    assert err.count("\n") == 1


@pytest.mark.skipif(os.geteuid() == 0, reason="root ignores permission bits (the /proc test covers root)")
def test_build_into_a_read_only_parent(example_project: Path, tmp_path: Path,
                                       capsys: pytest.CaptureFixture[str]) -> None:
    parent = tmp_path / "ro"
    parent.mkdir()
    parent.chmod(0o500)
    try:
        code, _, err = run_main(["-c", str(example_project), "build", "--out", str(parent / "out")], capsys)
    finally:
        parent.chmod(0o700)
    assert code == 1 and "cannot write: Permission denied" in err
    assert list(parent.iterdir()) == []
