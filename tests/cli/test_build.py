"""`graf build`: both environments, byte-identical reruns, atomic replacement, one-line errors."""

from __future__ import annotations

import contextlib
import os
import signal
import subprocess
import sys
import textwrap
import time
from pathlib import Path

from click.testing import CliRunner

from graf.cli import cli
from graf.files import MARKER, write_tree


def _tree(root: Path) -> dict[str, bytes]:
    return {str(p.relative_to(root)): p.read_bytes() for p in sorted(root.rglob("*"))
            if p.is_file() and p.name != MARKER}


def test_build_writes_every_environment(example_project: Path) -> None:
    result = CliRunner().invoke(cli, ["--config", str(example_project), "build"])
    assert result.exit_code == 0, result.output
    out = example_project.parent / "build"
    files = _tree(out)
    for env in ("dev", "prod"):
        assert f"{env}/folder/shop-{env}.json" in files
        for ds in ("prometheus", "loki", "tempo"):
            assert f"{env}/datasource/{ds}.json" in files
    lines = result.output.strip().splitlines()
    assert lines[0].startswith("dev: 1 folder, 3 datasources")
    assert lines[-1].startswith("prod: 1 folder, 3 datasources")
    assert all(text.endswith(b"}\n") for text in files.values())


def test_second_build_is_byte_identical(example_project: Path, tmp_path: Path) -> None:
    runner = CliRunner()
    out = tmp_path / "out"
    assert runner.invoke(cli, ["-c", str(example_project), "build", "--out", str(out)]).exit_code == 0
    first = _tree(out)
    assert runner.invoke(cli, ["-c", str(example_project), "build", "--out", str(out)]).exit_code == 0
    assert _tree(out) == first


def test_build_of_one_environment_replaces_the_tree(example_project: Path, tmp_path: Path) -> None:
    out = tmp_path / "out"
    result = CliRunner().invoke(cli, ["-c", str(example_project), "build", "--env", "prod", "--out", str(out)])
    assert result.exit_code == 0, result.output
    assert {p.name for p in out.iterdir()} == {"prod", MARKER}


def test_failed_write_leaves_previous_tree_and_no_temp_folder(tmp_path: Path, monkeypatch) -> None:
    out = tmp_path / "build"
    write_tree(out, {"prod/folder/a.json": "{}\n"})
    calls = {"n": 0}
    real = Path.write_text

    def failing_write(self: Path, *args, **kwargs):
        calls["n"] += 1
        if calls["n"] == 3:
            raise KeyboardInterrupt
        return real(self, *args, **kwargs)

    monkeypatch.setattr(Path, "write_text", failing_write)
    with contextlib.suppress(KeyboardInterrupt):
        write_tree(out, {f"prod/dashboard/{i}.json": "{}\n" for i in range(10)})
    monkeypatch.undo()
    assert _tree(out) == {"prod/folder/a.json": b"{}\n"}
    assert sorted(p.name for p in tmp_path.iterdir()) == ["build"]


def test_killed_build_leaves_previous_tree_intact(tmp_path: Path) -> None:
    """SIGKILL half-way through writing a new tree: the old one is still there, whole."""
    out = tmp_path / "build"
    write_tree(out, {"prod/folder/old.json": "{\"old\": true}\n"})
    script = textwrap.dedent(f"""
        import time
        from pathlib import Path
        from graf.files import MARKER, write_tree
        real = Path.write_text
        def slow(self, *a, **k):
            time.sleep(0.02)
            return real(self, *a, **k)
        Path.write_text = slow
        print("writing", flush=True)
        write_tree(Path({str(out)!r}), {{f"prod/dashboard/{{i}}.json": "{{}}\\n" for i in range(1000)}})
    """)
    process = subprocess.Popen([sys.executable, "-c", script], stdout=subprocess.PIPE)
    assert process.stdout is not None
    assert process.stdout.readline() == b"writing\n"
    time.sleep(0.5)
    os.kill(process.pid, signal.SIGKILL)
    process.wait()
    assert _tree(out) == {"prod/folder/old.json": b"{\"old\": true}\n"}


def test_write_file_gives_an_ordinary_file_mode(tmp_path: Path) -> None:
    from graf.files import write_file

    old = os.umask(0o022)
    try:
        write_file(tmp_path / "new.yml", "a: 1\n")
    finally:
        os.umask(old)
    assert (tmp_path / "new.yml").stat().st_mode & 0o777 == 0o644
    (tmp_path / "new.yml").chmod(0o640)
    write_file(tmp_path / "new.yml", "a: 2\n")
    assert (tmp_path / "new.yml").stat().st_mode & 0o777 == 0o640
    assert (tmp_path / "new.yml").read_text() == "a: 2\n"
