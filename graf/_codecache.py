"""The methods attrs generates for grafanalib's classes, compiled once per machine and kept (the CLI only).

attrs writes each class's methods (`__init__`, `__eq__`, `__repr__`, ...) as source text and compiles
it when the class is defined. grafanalib.core defines about a hundred classes at import, and that
compiling is more than half of the ~90 ms its import costs every `graf build`. The same text compiled by
the same interpreter with the same flags is the same code object, so, like Python's own __pycache__,
the CLI keeps those code objects in one marshal file keyed by (source text, file name, mode):

    $XDG_CACHE_HOME/graf/code/grafanalib-<bytecode magic>-<optimize level>-<installed files>.marshal

(~/.cache when XDG_CACHE_HOME is unset; never in the project). Only the import of grafanalib.core goes
through it: while it runs, the name `compile` in attr._make's globals (the module that compiles the
generated text) is this cache's function, which compiles with attr._make's own future flags what it
does not know. A text not in the file is compiled as usual and the file rewritten with what this run
used; a file that cannot be read or holds anything but code objects is ignored, one that cannot be
written costs speed only. `enable()` is called by the CLI; GRAF_CODE_CACHE=0 turns it off.
"""

from __future__ import annotations
import __future__

import builtins
import marshal
import os
import sys
from collections.abc import Iterator
from contextlib import contextmanager
from importlib.util import MAGIC_NUMBER
from pathlib import Path
from types import CodeType, ModuleType
from typing import Any

VARIABLE = "GRAF_CODE_CACHE"

_enabled = False

Key = tuple[str, str, str]  # source text, file name, mode


def enable() -> None:
    global _enabled
    _enabled = os.environ.get(VARIABLE, "").strip() != "0"


def disable() -> None:
    global _enabled
    _enabled = False


def import_grafanalib() -> None:
    """Import grafanalib.core now, through the cache when it is enabled (else grafanalib is imported where
    it is first used, as usual)."""
    if not _enabled or "grafanalib.core" in sys.modules:
        return
    import attr._make as generator

    with cached_compiles(generator, path()):
        import grafanalib.core  # noqa: F401


def path() -> Path:
    import attr._make as generator

    base = os.environ.get("XDG_CACHE_HOME", "").strip()
    root = Path(base) if base and Path(base).is_absolute() else Path.home() / ".cache"
    installed = []
    for module in (generator.__file__, _module_file("grafanalib")):
        try:
            stat = os.stat(module or "")
            installed.append(f"{stat.st_size:x}.{stat.st_mtime_ns:x}")
        except OSError:
            installed.append("unknown")
    return root / "graf" / "code" / (f"grafanalib-{MAGIC_NUMBER.hex()}-O{sys.flags.optimize}-"
                                     f"{'-'.join(installed)}.marshal")


def _module_file(package: str) -> str | None:
    from importlib.util import find_spec

    spec = find_spec(f"{package}.core")
    return spec.origin if spec else None


@contextmanager
def cached_compiles(module: ModuleType, file: Path) -> Iterator[None]:
    """While the block runs, `compile(...)` called in `module` takes what `file` knows; then `file` keeps
    exactly the code this block used."""
    if "compile" in vars(module):  # the module has its own `compile`: leave it alone
        yield
        return
    known = _read(file)
    used: dict[Key, CodeType] = {}
    inherited = _future_flags(module)

    def compile(source: Any, filename: Any, mode: str, flags: int = 0, dont_inherit: bool = False,
                optimize: int = -1) -> Any:
        if flags or dont_inherit or optimize != -1 or type(source) is not str or type(filename) is not str:
            return builtins.compile(source, filename, mode, flags | (0 if dont_inherit else inherited), True,
                                    optimize)
        key = (source, filename, mode)
        code = known.get(key)
        if code is None:
            code = builtins.compile(source, filename, mode, inherited, True)
        used[key] = code
        return code

    module.compile = compile  # type: ignore[attr-defined]
    try:
        yield
    finally:
        del module.compile  # type: ignore[attr-defined]
    if used.keys() != known.keys():
        _write(file, used)


def _future_flags(module: ModuleType) -> int:
    """The compiler flags of the `from __future__ import ...` statements of `module` (what the built-in
    compile() would inherit when called from there)."""
    flags = 0
    for name in __future__.all_feature_names:
        feature = getattr(__future__, name)
        flag: int = feature.compiler_flag
        if vars(module).get(name) is feature:
            flags |= flag
    return flags


def _read(file: Path) -> dict[Key, CodeType]:
    try:
        loaded = marshal.loads(file.read_bytes())
    except (OSError, EOFError, ValueError, TypeError):
        return {}
    if not isinstance(loaded, dict):
        return {}
    return {k: v for k, v in loaded.items()
            if isinstance(v, CodeType) and isinstance(k, tuple) and len(k) == 3 and all(type(p) is str for p in k)}


def _write(file: Path, codes: dict[Key, CodeType]) -> None:
    import tempfile

    temporary = None
    try:
        file.parent.mkdir(parents=True, exist_ok=True)
        handle, temporary = tempfile.mkstemp(dir=file.parent, prefix=".part-")
        with os.fdopen(handle, "wb") as out:
            marshal.dump(codes, out)
        os.replace(temporary, file)
    except OSError:
        if temporary is not None:  # a read-only or full cache directory costs speed only
            Path(temporary).unlink(missing_ok=True)
