"""graf.yaml's document kept by its text (graf.config.yamlcache): a text read before gives the same document
without PyYAML; any other text, a document holding more than plain values, a broken or foreign cache file, an
unwritable cache folder, the cache off: read by PyYAML, the same document either way."""

from __future__ import annotations

import marshal
import os
import subprocess
import sys
from pathlib import Path
from typing import Any

import pytest

from graf import _codecache
from graf.config import yamlcache, yamlfile
from tests.safety.test_json_fast_path import strict

TEXT = """\
version: 1
name: shop
environments:
  prod:
    grafana: {url: "http://127.0.0.1:3000", token: "${GRAFANA_TOKEN}"}
    folder: {uid: shop-prod, title: "Shop (prod)"}
    ratio: 0.5
    enabled: yes
    empty: ~
    list: [1, 2.0, "3", true, null]
base: &base {a: 1}
copy: *base
"""


def _read(tmp_path: Path, text: str) -> Any:
    path = tmp_path / "graf.yaml"
    path.write_text(text, encoding="utf-8")
    return yamlfile.read_yaml(path)


def _reads_counted(monkeypatch: pytest.MonkeyPatch) -> list[str]:
    counted: list[str] = []
    real = yamlfile._read_document

    def counting(text: str, path: Path) -> Any:
        counted.append(text)
        return real(text, path)

    monkeypatch.setattr(yamlfile, "_read_document", counting)
    return counted


def test_a_text_read_before_gives_the_same_document_without_pyyaml(code_cache: Path, tmp_path: Path,
                                                                     monkeypatch: pytest.MonkeyPatch) -> None:
    reads = _reads_counted(monkeypatch)
    first = _read(tmp_path, TEXT)
    again = _read(tmp_path, TEXT)
    assert reads == [TEXT]
    assert strict(again) == strict(first)  # types too: 2.0 stays a float, yes a bool, ~ None
    assert again["copy"] is again["base"]  # an alias is still one object
    assert len(list(code_cache.glob("yaml-*.marshal"))) == 1
    assert _read(tmp_path, TEXT + "other: 1\n")["other"] == 1  # another text: read by PyYAML
    assert len(reads) == 2


def test_a_document_of_more_than_plain_values_is_read_every_time(code_cache: Path, tmp_path: Path,
                                                                 monkeypatch: pytest.MonkeyPatch) -> None:
    reads = _reads_counted(monkeypatch)
    text = "version: 1\nreleased: 2026-12-01\n"
    assert str(_read(tmp_path, text)["released"]) == "2026-12-01"
    assert str(_read(tmp_path, text)["released"]) == "2026-12-01"
    assert len(reads) == 2
    assert not list(code_cache.glob("yaml-*.marshal"))


@pytest.mark.parametrize("content", [
    b"", b"\x00garbage", marshal.dumps({"a": {1, 2}}), marshal.dumps({1: "a"}),
    marshal.dumps(compile("1", "x", "eval")), marshal.dumps({"version": [b"bytes"]}),
])
def test_a_broken_or_foreign_cache_file_is_ignored(code_cache: Path, tmp_path: Path, content: bytes,
                                                   monkeypatch: pytest.MonkeyPatch) -> None:
    first = _read(tmp_path, TEXT)
    [file] = code_cache.glob("yaml-*.marshal")
    file.write_bytes(content)
    reads = _reads_counted(monkeypatch)
    assert strict(_read(tmp_path, TEXT)) == strict(first)
    assert reads == [TEXT]


def test_an_unwritable_cache_folder_costs_speed_only(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    blocker = tmp_path / "not-a-folder"
    blocker.write_text("a file where the cache folder would be", encoding="utf-8")
    monkeypatch.setenv("XDG_CACHE_HOME", str(blocker))
    _codecache.enable()
    try:
        reads = _reads_counted(monkeypatch)
        assert _read(tmp_path, TEXT) == _read(tmp_path, TEXT)
        assert len(reads) == 2
    finally:
        _codecache.finish()


def test_off_in_the_library_and_with_the_code_cache_off(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("XDG_CACHE_HOME", str(tmp_path / "cache"))
    _read(tmp_path, TEXT)  # the library: never enabled
    monkeypatch.setenv("GRAF_CODE_CACHE", "0")
    _codecache.enable()
    try:
        _read(tmp_path, TEXT)
    finally:
        _codecache.finish()
    assert not (tmp_path / "cache").exists()


def test_the_oldest_files_go_past_the_limit(code_cache: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(yamlcache, "MAX_FILES", 3)
    for i in range(5):
        _read(tmp_path, f"version: 1\nn: {i}\n")
        os.utime(next(iter(sorted(code_cache.glob("yaml-*.marshal"), key=lambda f: f.stat().st_mtime_ns))),
                 ns=(i, i))  # the first written is the oldest, whatever the clock's resolution
    assert len(list(code_cache.glob("yaml-*.marshal"))) == 3


def test_a_new_reader_or_pyyaml_is_another_generation(monkeypatch: pytest.MonkeyPatch) -> None:
    first = yamlcache._generation()
    yamlcache._generation.cache_clear()
    monkeypatch.setattr(_codecache, "installed", lambda module: "another-build")
    try:
        assert yamlcache._generation() != first
    finally:
        yamlcache._generation.cache_clear()


def test_the_cli_reads_a_known_graf_yaml_without_importing_pyyaml(tmp_path: Path) -> None:
    """A whole `graf validate` twice: the second imports no yaml module and says the same."""
    project = tmp_path / "project"
    (project / "dashboards").mkdir(parents=True)
    (project / "graf.yaml").write_text(
        "version: 1\nname: shop\ndashboards: {builtin: []}\n"
        "environments:\n  prod:\n    grafana: {url: \"http://127.0.0.1:9\"}\n    folder: {uid: shop, title: Shop}\n",
        encoding="utf-8")
    probe = ("import sys, runpy\nsys.argv = ['graf', 'validate']\n"
             "try:\n    runpy.run_module('graf', run_name='__main__')\n"
             "except SystemExit as exit:\n    code = exit.code\n"
             "print('YAML-IMPORTED' if 'yaml' in sys.modules else 'NO-YAML', file=sys.stderr)\nsys.exit(code)\n")
    env = {**os.environ, "XDG_CACHE_HOME": str(tmp_path / "cache")}
    env.pop("GRAF_CODE_CACHE", None)
    runs = [subprocess.run([sys.executable, "-c", probe], cwd=project, env=env, capture_output=True, text=True,
                           timeout=120) for _ in range(2)]
    assert [run.returncode for run in runs] == [0, 0], runs[0].stderr
    assert runs[0].stdout == runs[1].stdout
    assert "YAML-IMPORTED" in runs[0].stderr
    assert "NO-YAML" in runs[1].stderr
