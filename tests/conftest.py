from __future__ import annotations

import os
import shutil
from collections.abc import Iterator
from pathlib import Path

import pytest
from hypothesis import settings

# The machine is shared and slow at times: a property is judged by its examples, not their timing.
settings.register_profile("graf", deadline=None)
settings.load_profile("graf")

ROOT = Path(__file__).resolve().parents[1]
EXAMPLE = ROOT / "graf.yaml"


@pytest.fixture(autouse=True)
def _clean_environment(monkeypatch: pytest.MonkeyPatch, tmp_path_factory: pytest.TempPathFactory) -> None:
    """No GRAF_* or GRAFANA_* variable of the developer's shell leaks into a test; the user cache directory
    (graf validate's verdicts) is a fresh one per test, never the developer's."""
    for name in list(os.environ):
        if name.startswith(("GRAF_", "GRAFANA_")) and name != "GRAF_REFERENCE":
            monkeypatch.delenv(name)
    monkeypatch.setenv("XDG_CACHE_HOME", str(tmp_path_factory.mktemp("cache")))


@pytest.fixture
def code_cache(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Iterator[Path]:
    """The CLI's caches on (graf._codecache: compiled code, team modules, graf.yaml's document), in a folder of
    this test's; yields that folder."""
    from graf import _codecache

    monkeypatch.setenv("XDG_CACHE_HOME", str(tmp_path / "cache"))
    _codecache.enable()
    try:
        yield tmp_path / "cache" / "graf" / "code"
    finally:
        _codecache.finish()


@pytest.fixture
def example_project(tmp_path: Path) -> Iterator[Path]:
    """A copy of the example graf.yaml in a temp folder; yields the file's path."""
    target = tmp_path / "graf.yaml"
    shutil.copy(EXAMPLE, target)
    yield target
