"""`graf stack render|agent` on disk: only graf's own files are ever removed, credentials are 0600,
a bad output folder is one line and no change (issue 12)."""

from __future__ import annotations

import dataclasses
import hashlib
import os
import stat
import subprocess
import sys
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

import pytest
from click.testing import CliRunner, Result

from graf import cli as cli_module
from graf.config import load_project
from graf.errors import ConfigError
from graf.stack.addresses import every_interface
from graf.stack.output import MANIFEST, read_manifest
from graf.stack.server import render_server
from tests.stack.helpers import NODE_HASH, secure_nodes, write_project


def _invoke(config: Path, *args: str) -> Result:
    return CliRunner().invoke(cli_module.cli, ["--config", str(config), *args], catch_exceptions=False,
                              standalone_mode=False)


def _graf(*args: str, cwd: Path) -> subprocess.CompletedProcess[str]:
    return subprocess.run([sys.executable, "-m", "graf", *args], cwd=cwd, capture_output=True, text=True,
                          timeout=60, env=dict(os.environ))


def _snapshot(folder: Path) -> dict[str, tuple[bytes, int]]:
    return {str(p.relative_to(folder)): (p.read_bytes(), stat.S_IMODE(p.stat().st_mode))
            for p in sorted(folder.rglob("*")) if p.is_file()}


@contextmanager
def _umask(mask: int) -> Iterator[None]:
    old = os.umask(mask)
    try:
        yield
    finally:
        os.umask(old)


def _sha(data: bytes) -> str:
    return hashlib.sha256(data).hexdigest()


def test_a_forged_manifest_removes_nothing_outside_or_unwritten(tmp_path: Path) -> None:
    config = write_project(tmp_path)
    out = tmp_path / "stack-out" / "server"
    assert _invoke(config, "stack", "render", "--out", str(out)).exit_code == 0
    victims = {tmp_path / "victim.txt": b"outside, relative", tmp_path / "abs-victim.txt": b"outside, absolute",
               tmp_path / "linked" / "target.txt": b"behind a symlink"}
    for path, data in victims.items():
        path.parent.mkdir(exist_ok=True)
        path.write_bytes(data)
    (out / "escape").symlink_to(tmp_path / "linked")
    (out / ".env").write_text("GRAFANA_ADMIN_PASSWORD=mine\n")
    lines = [f"{_sha(b'outside, relative')}  ../../victim.txt",
             f"{_sha(b'outside, absolute')}  {tmp_path / 'abs-victim.txt'}",
             f"{_sha(b'behind a symlink')}  escape/target.txt",
             f"{'0' * 64}  .env",  # a checksum that is not the file's
             ".env.example"]  # graf 0.1's format: no checksum
    (out / MANIFEST).write_text("\n".join(lines) + "\n")
    result = _invoke(config, "stack", "render", "--out", str(out))
    assert result.exit_code == 0
    for path, data in victims.items():
        assert path.read_bytes() == data
    assert (out / ".env").read_text() == "GRAFANA_ADMIN_PASSWORD=mine\n"
    assert "removed" not in result.output
    assert "warning: ../../victim.txt: kept, not inside the output folder" in result.stderr
    assert "warning: escape/target.txt: kept, not inside the output folder" in result.stderr
    assert "warning: .env: kept, changed since graf wrote it" in result.stderr
    # The new list names only what graf just wrote, each with its checksum.
    listed = read_manifest(out)
    assert set(listed) == set(render_server(load_project(config)).files)
    assert all(listed[name] == _sha((out / name).read_bytes()) for name in listed)


def test_stale_files_go_only_while_unchanged(tmp_path: Path) -> None:
    config = write_project(tmp_path)
    out = tmp_path / "agent"
    args = ("stack", "agent", "--env", "prod", "--host", "prod-app-1", "--out", str(out))
    assert _invoke(config, *args).exit_code == 0
    (out / "alloy" / "alloy.default").write_text("# tuned by hand\n")
    result = _invoke(config, *args, "--shipper", "promtail")
    assert "removed 1 stale" in result.output
    assert not (out / "alloy" / "config.alloy").exists()
    assert (out / "alloy" / "alloy.default").read_text() == "# tuned by hand\n"
    assert "warning: alloy/alloy.default: kept, changed since graf wrote it" in result.stderr


def test_credentials_are_0600_the_rest_follows_the_umask(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("NODE_EXPORTER_PASSWORD_HASH", NODE_HASH)
    config = write_project(tmp_path, secure_nodes)
    out = tmp_path / "agent"
    args = ("stack", "agent", "--env", "prod", "--host", "prod-app-1", "--out", str(out))
    with _umask(0o022):
        assert _invoke(config, *args).exit_code == 0
    modes = {name: mode for name, (_, mode) in _snapshot(out).items()}
    assert modes.pop("node_exporter/web-config.yml") == 0o600
    assert set(modes.values()) == {0o644}
    (out / "node_exporter" / "web-config.yml").chmod(0o644)  # as graf 0.1 left it: replaced, not kept
    with _umask(0o027):
        assert _invoke(config, *args).exit_code == 0
    modes = {name: mode for name, (_, mode) in _snapshot(out).items()}
    assert modes.pop("node_exporter/web-config.yml") == 0o600
    assert set(modes.values()) == {0o640}


def test_render_into_a_file_is_one_line_exit_2(tmp_path: Path) -> None:
    write_project(tmp_path)
    (tmp_path / "taken").write_text("not a folder")
    result = _graf("stack", "render", "--out", "taken", cwd=tmp_path)
    assert result.returncode == 2
    assert result.stderr.strip().splitlines() == ["error: taken: is a file, not a folder "
                                                  "(give --out a folder (graf creates it if missing))"]
    assert (tmp_path / "taken").read_text() == "not a folder"
    below = _graf("stack", "render", "--out", "taken/server", cwd=tmp_path)
    assert below.returncode == 2
    assert below.stderr == "error: taken/server: a part of this path is a file, not a folder\n"


def test_a_blocked_subfolder_changes_nothing(tmp_path: Path) -> None:
    """All or nothing, as any user (root included): tempo/ is a file, so tempo/tempo.yaml cannot be
    written; docker-compose.yml and the rest stay as they were."""
    config = write_project(tmp_path)
    out = tmp_path / "server"
    assert _invoke(config, "stack", "render", "--out", str(out)).exit_code == 0
    (out / "docker-compose.yml").write_text("# old\n")
    for child in (out / "tempo").iterdir():
        child.unlink()
    (out / "tempo").rmdir()
    (out / "tempo").write_text("in the way")
    before = _snapshot(out)
    result = _graf("stack", "render", "--out", str(out), cwd=tmp_path)
    assert result.returncode == 1
    assert result.stderr == f"error: {out / 'tempo'}: cannot write: Not a directory; nothing written\n"
    assert _snapshot(out) == before
    assert sorted(p.name for p in out.iterdir()) == sorted(["docker-compose.yml", ".env.example", ".gitignore",
                                                            MANIFEST, "loki", "prometheus", "tempo"])


@pytest.mark.skipif(os.geteuid() == 0, reason="root writes through any folder mode")
def test_an_unwritable_folder_changes_nothing(tmp_path: Path) -> None:
    config = write_project(tmp_path)
    out = tmp_path / "server"
    assert _invoke(config, "stack", "render", "--out", str(out)).exit_code == 0
    (out / "docker-compose.yml").write_text("# old\n")
    before = _snapshot(out)
    (out / "tempo").chmod(0o500)  # one subfolder read-only: the others could be written
    try:
        result = _graf("stack", "render", "--out", str(out), cwd=tmp_path)
        after = _snapshot(out)
        leftovers = [p.name for p in out.rglob(".*.*") if p.name != ".env.example"]
    finally:
        (out / "tempo").chmod(0o755)
    assert result.returncode == 1
    assert result.stderr.strip().splitlines() == [
        f"error: {out / 'tempo'}: cannot write: Permission denied; nothing written"]
    assert after == before and leftovers == []
    (out).chmod(0o500)
    try:
        whole = _graf("stack", "render", "--out", str(out), cwd=tmp_path)
    finally:
        out.chmod(0o755)
    assert whole.returncode == 1 and len(whole.stderr.strip().splitlines()) == 1
    assert _snapshot(out) == before


@pytest.mark.parametrize("address", ["0.0.0.0", "::", "::0", "0:0:0:0:0:0:0:0", "[::]", "::ffff:0.0.0.0",
                                     "0000:0000::0000", "*", "::%eth0"])
def test_every_spelling_of_every_interface_is_refused(tmp_path: Path, address: str) -> None:
    assert every_interface(address)
    config = write_project(tmp_path, lambda d: d["stack"]["server"].update(address=address))
    result = _graf("stack", "render", cwd=tmp_path)
    assert result.returncode == 2
    assert result.stderr.startswith("error: graf.yaml: stack.server.address: ")
    assert "would publish on every interface" in result.stderr
    assert not (tmp_path / "stack-out").exists()
    grafana = write_project(tmp_path, lambda d: d["stack"].update(grafana_address=address))
    assert _graf("stack", "render", cwd=tmp_path).returncode == 2 and grafana == config


@pytest.mark.parametrize("address", ["10.0.0.10", "127.0.0.1", "::1", "fd00::10", "monitoring.internal"])
def test_specific_addresses_are_accepted(address: str) -> None:
    assert not every_interface(address)
    assert every_interface("")  # docker publishes `:3000:3000` on every interface (the schema refuses it first)


def test_a_project_built_in_code_is_checked_at_render(tmp_path: Path) -> None:
    project = load_project(write_project(tmp_path))
    open_stack = dataclasses.replace(project.stack, grafana_address="0:0:0:0:0:0:0:0")
    with pytest.raises(ConfigError, match=r"stack\.ports\.grafana: '0:0:0:0:0:0:0:0' would publish on every"):
        render_server(dataclasses.replace(project, stack=open_stack))
