"""write_tree leaves a tree that already holds exactly what it would write as it is (a rebuild of the same
project touches nothing), and replaces it as a whole at any difference: a file changed, missing, added or
turned into a symlink."""

from __future__ import annotations

import os
from pathlib import Path

import pytest

from graf.errors import UsageError
from graf.files import MARKER, write_tree

FILES = {"dev/dashboard/a.json": "{\n  \"é\": 1\n}\n", "dev/folder/f.json": "{}\n", "prod/dashboard/a.json": "[]\n"}


def _state(out: Path) -> dict[str, tuple[int, int, bytes]]:
    """Every file under `out`: inode, modification time and bytes."""
    return {str(p.relative_to(out)): (p.stat().st_ino, p.stat().st_mtime_ns, p.read_bytes())
            for p in sorted(out.rglob("*")) if p.is_file()}


def test_the_same_tree_again_touches_nothing(tmp_path: Path) -> None:
    out = tmp_path / "build"
    write_tree(out, FILES)
    before = _state(out)
    write_tree(out, FILES)
    assert _state(out) == before
    assert sorted(p.name for p in tmp_path.iterdir()) == ["build"]  # no staging or retired folder left


@pytest.mark.parametrize("change", ["edited", "missing", "symlink", "other files"])
def test_any_difference_replaces_the_tree(tmp_path: Path, change: str) -> None:
    out = tmp_path / "build"
    write_tree(out, FILES)
    target = out / "dev" / "folder" / "f.json"
    files = dict(FILES)
    if change == "edited":
        target.write_text("{ }\n", encoding="utf-8")
    elif change == "missing":
        target.unlink()
    elif change == "symlink":
        (tmp_path / "elsewhere.json").write_text("{}\n", encoding="utf-8")
        target.unlink()
        os.symlink(tmp_path / "elsewhere.json", target)
    else:
        files["prod/folder/g.json"] = "{}\n"
    before = _state(out)
    write_tree(out, files)
    after = _state(out)
    assert {k: v[2] for k, v in after.items() if k != MARKER} == {k: v.encode() for k, v in files.items()}
    assert not target.is_symlink()
    assert all(after[k][0] != before[k][0] for k in before.keys() & after.keys())  # every file is a new one


def test_a_foreign_file_is_still_refused(tmp_path: Path) -> None:
    out = tmp_path / "build"
    write_tree(out, FILES)
    (out / "notes.txt").write_text("mine", encoding="utf-8")
    with pytest.raises(UsageError, match=r"notes\.txt"):
        write_tree(out, FILES)
