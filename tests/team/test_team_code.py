"""The CLI's store of team modules' code (graf._teamcode): the loader's own code objects, one file per folder in
the user's cache, read again where a source changed; what a module does or fails with is unchanged."""

from __future__ import annotations

import importlib.util
import os
from pathlib import Path

import pytest

from graf import _codecache, _teamcode, team
from graf.errors import RenderError


def _module(root: Path, name: str, body: str) -> Path:
    (root / "team").mkdir(exist_ok=True)
    file = root / "team" / f"{name}.py"
    file.write_text(body, encoding="utf-8")
    return Path("team") / f"{name}.py"


def _load(root: Path, path: Path) -> object:
    with team.one_render():
        module = team.load(root, path, kind="dashboard module", key="dashboards.modules")
        return team.call(module, "dashboard", None, str(path), root)


def test_the_loaders_own_code(tmp_path: Path) -> None:
    path = _module(tmp_path, "a", "X = [1, 2]\n\ndef dashboard(ctx):\n    return {'x': X}\n")
    spec = importlib.util.spec_from_file_location("graf_test_code.a", tmp_path / path)
    assert spec is not None and spec.loader is not None
    store = _teamcode.store_for(tmp_path / "team", tmp_path / "cache")
    assert store.code(spec) == spec.loader.get_code(spec.name)  # type: ignore[attr-defined]
    store.save()
    again = _teamcode.store_for(tmp_path / "team", tmp_path / "cache")
    assert again.known and again.code(spec) == spec.loader.get_code(spec.name)  # type: ignore[attr-defined]
    assert not again.changed


def test_kept_per_folder_and_read_again_when_the_source_changes(tmp_path: Path, code_cache: Path) -> None:
    path = _module(tmp_path, "b", "def dashboard(ctx):\n    return {'v': 1}\n")
    assert _load(tmp_path, path) == {"v": 1}
    files = list(code_cache.glob("team-*.marshal"))
    assert len(files) == 1
    kept = files[0].read_bytes()
    assert _load(tmp_path, path) == {"v": 1}
    assert files[0].read_bytes() == kept  # nothing new: not written again
    _module(tmp_path, "b", "def dashboard(ctx):\n    return {'v': 22}\n")  # another size
    assert _load(tmp_path, path) == {"v": 22}
    stat = os.stat(tmp_path / path)
    _module(tmp_path, "b", "def dashboard(ctx):\n    return {'v': 33}\n")  # same size, another time
    os.utime(tmp_path / path, ns=(stat.st_atime_ns, stat.st_mtime_ns + 1_000_000))
    assert _load(tmp_path, path) == {"v": 33}


def test_a_broken_store_is_ignored_and_written_anew(tmp_path: Path, code_cache: Path) -> None:
    path = _module(tmp_path, "c", "def dashboard(ctx):\n    return {'c': True}\n")
    assert _load(tmp_path, path) == {"c": True}
    (file,) = code_cache.glob("team-*.marshal")
    file.write_bytes(b"not marshal data")
    assert _load(tmp_path, path) == {"c": True}
    assert _teamcode._read(file)


def test_not_kept_outside_the_cli(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("XDG_CACHE_HOME", str(tmp_path / "cache"))
    path = _module(tmp_path, "d", "def dashboard(ctx):\n    return {'d': 1}\n")
    assert _load(tmp_path, path) == {"d": 1}
    assert not (tmp_path / "cache").exists()


@pytest.mark.parametrize("body", ["def dashboard(ctx):\n    return {'x': 1\n", "import no_such_module_here\n",
                                  "def dashboard(ctx):\n    return {}['missing']\n"])
def test_failures_read_the_same(tmp_path: Path, code_cache: Path, body: str) -> None:
    path = _module(tmp_path, "e", body)
    with pytest.raises(RenderError) as stored:
        _load(tmp_path, path)
    _codecache.finish()
    with pytest.raises(RenderError) as plain:
        _load(tmp_path, path)
    assert str(stored.value) == str(plain.value)


def test_the_oldest_folders_files_go(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(_teamcode, "MAX_STORES", 3)
    cache = tmp_path / "cache"
    cache.mkdir()
    for i in range(5):
        old = cache / f"team-old{i}.marshal"
        old.write_bytes(b"")
        os.utime(old, ns=(1_000_000_000 * (i + 1), 1_000_000_000 * (i + 1)))
    other = cache / "attrs-x.marshal"
    other.write_bytes(b"")
    path = _module(tmp_path, "f", "def dashboard(ctx):\n    return {}\n")
    spec = importlib.util.spec_from_file_location("graf_test_code.f", tmp_path / path)
    assert spec is not None
    store = _teamcode.store_for(tmp_path / "team", cache)
    store.code(spec)
    store.save()
    left = sorted(p.name for p in cache.glob("*.marshal"))
    assert left == sorted(["attrs-x.marshal", store.file.name, "team-old3.marshal", "team-old4.marshal"])
