"""The CLI's cache of generated code (graf._codecache) changes nothing but the time: every method of every
grafanalib (attrs) class and of graf's dataclasses is the same code object, cold (filling the cache) and warm
(reading it), as with the generator compiling it; a broken cache file is ignored and rewritten;
GRAF_CODE_CACHE=0 leaves it alone."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest

from graf import _codecache

# Prints {class.method: digest of its code object, field by field} for every attrs class of grafanalib.core.
_DIGESTS = """
import hashlib, inspect, json, sys, types
from graf import _codecache
FIELDS = ("co_code", "co_names", "co_varnames", "co_freevars", "co_cellvars", "co_flags", "co_filename", "co_name",
          "co_qualname", "co_argcount", "co_posonlyargcount", "co_kwonlyargcount", "co_firstlineno", "co_linetable",
          "co_exceptiontable", "co_stacksize")
def shape(value):
    if isinstance(value, types.CodeType):
        return tuple(repr(getattr(value, f, None)) for f in FIELDS) + tuple(shape(c) for c in value.co_consts)
    return repr(value)
if sys.argv[1] == "cached":
    _codecache.enable()
_codecache.install()
_codecache.import_grafanalib()
import importlib
out = {}
for name in ("grafanalib.core", "graf.config.model", "graf.resources", "graf.context", "graf.validate.findings",
             "graf.stack.sizing"):
    module = importlib.import_module(name)
    for name, cls in sorted(vars(module).items()):
        generated = hasattr(cls, "__attrs_attrs__") or hasattr(cls, "__dataclass_fields__")
        if inspect.isclass(cls) and generated and cls.__module__ == module.__name__:
            for method in ("__init__", "__eq__", "__ne__", "__repr__", "__lt__", "__hash__", "__setattr__",
                           "__delattr__"):
                code = getattr(vars(cls).get(method), "__code__", None)
                if code is not None:
                    out[f"{module.__name__}.{name}.{method}"] = hashlib.sha256(repr(shape(code)).encode()).hexdigest()
_codecache.finish()
print(json.dumps(out))
"""


def _digests(mode: str, cache: Path, **env: str) -> dict[str, str]:
    environ = {**os.environ, "XDG_CACHE_HOME": str(cache), **env}
    out = subprocess.run([sys.executable, "-c", _DIGESTS, mode], env=environ, capture_output=True, text=True,
                         check=True).stdout
    return json.loads(out)


def _cache_files(cache: Path) -> list[Path]:
    return sorted((cache / "graf" / "code").glob("*.marshal"))


def test_cached_code_is_the_generators_own(tmp_path: Path) -> None:
    plain = _digests("plain", tmp_path)
    assert sum(".__init__" in k for k in plain if k.startswith("grafanalib")) > 80  # about a hundred classes
    assert sum(".__init__" in k for k in plain if k.startswith("graf.")) > 20
    assert _cache_files(tmp_path) == []
    assert _digests("cached", tmp_path) == plain  # cold: compiled here, then kept
    kept = _cache_files(tmp_path)
    assert [p.name.split("-")[0] for p in kept] == ["attrs", "dataclasses"]
    assert _digests("cached", tmp_path) == plain  # warm: read from the files
    for file in kept:
        file.write_bytes(b"not marshal data")
    assert _digests("cached", tmp_path) == plain  # broken: ignored, and written anew
    assert all(len(_codecache._read(file)) > 50 for file in kept)


def test_turned_off(tmp_path: Path) -> None:
    plain = _digests("plain", tmp_path)
    assert _digests("cached", tmp_path, GRAF_CODE_CACHE="0") == plain
    assert _cache_files(tmp_path) == []


def test_future_flags_follow_the_module() -> None:
    import __future__

    import attr._make

    assert _codecache._future_flags(attr._make) & __future__.annotations.compiler_flag
    assert _codecache._future_flags(json) == 0


def test_cache_only_serves_its_own_key(tmp_path: Path) -> None:
    """A code object is served for exactly the text, file name and mode it was compiled from."""
    import types

    module = types.ModuleType("generated")
    file = tmp_path / "c.marshal"
    with _codecache.cached_compiles(module, file):
        first = module.compile("x = 1", "<a>", "exec")  # type: ignore[attr-defined]
    assert not hasattr(module, "compile")
    with _codecache.cached_compiles(module, file):
        again = module.compile("x = 1", "<a>", "exec")  # type: ignore[attr-defined]
        other = module.compile("x = 2", "<a>", "exec")  # type: ignore[attr-defined]
        elsewhere = module.compile("x = 1", "<b>", "exec")  # type: ignore[attr-defined]
    assert again == first and other != first and elsewhere.co_filename == "<b>"
    namespace: dict[str, int] = {}
    exec(other, namespace)
    assert namespace["x"] == 2
    assert set(_codecache._read(file)) == {("x = 1", "<a>", "exec"), ("x = 2", "<a>", "exec"),
                                           ("x = 1", "<b>", "exec")}


@pytest.mark.parametrize("argument", ["dont_inherit", "optimize"])
def test_unusual_calls_pass_through(tmp_path: Path, argument: str) -> None:
    import types

    module = types.ModuleType("generated")
    file = tmp_path / "c.marshal"
    with _codecache.cached_compiles(module, file):
        code = module.compile("assert False", "<a>", "exec", **{argument: True if argument == "dont_inherit" else 2})
    assert isinstance(code, types.CodeType)
    assert _codecache._read(file) == {}


def test_a_full_file_keeps_what_its_last_run_used(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    import types

    module = types.ModuleType("generated")
    file = tmp_path / "c.marshal"
    with _codecache.cached_compiles(module, file):
        for i in range(3):
            module.compile(f"x = {i}", "<a>", "exec")  # type: ignore[attr-defined]
    monkeypatch.setattr(_codecache, "MAX_ENTRIES", 2)
    with _codecache.cached_compiles(module, file):
        module.compile("x = 0", "<a>", "exec")  # type: ignore[attr-defined]
        module.compile("x = 9", "<a>", "exec")  # type: ignore[attr-defined]
    assert set(_codecache._read(file)) == {("x = 0", "<a>", "exec"), ("x = 9", "<a>", "exec")}


def test_without_a_home_directory_nothing_is_cached(tmp_path: Path) -> None:
    environ = {k: v for k, v in os.environ.items() if k not in ("HOME", "XDG_CACHE_HOME")}
    code = ("import pwd, sys\n"
            "pwd.getpwuid = lambda uid: (_ for _ in ()).throw(KeyError(uid))\n"
            "from graf import _codecache\n"
            "_codecache.enable(); _codecache.install(); _codecache.import_grafanalib()\n"
            "import dataclasses, grafanalib.core\n"
            "assert 'exec' not in vars(dataclasses)\n"
            "_codecache.finish()\n")
    subprocess.run([sys.executable, "-c", code], env=environ, cwd=tmp_path, check=True)
