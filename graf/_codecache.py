"""Methods that attrs and dataclasses generate, compiled once per machine and kept (the CLI only).

attrs and dataclasses write each class's methods (`__init__`, `__eq__`, `__repr__`, ...) as source text
and compile it when the class is defined. grafanalib.core defines about a hundred attrs classes at import
(compiling their methods is more than half of the ~90 ms that import costs every `graf build`), and graf's
own modules about thirty dataclasses (another ~20 ms). The same text compiled by the same interpreter with
the same flags is the same code object, so, like Python's own __pycache__, the CLI keeps those code objects
in marshal files keyed by (source text, file name, mode), one per generator:

    $XDG_CACHE_HOME/graf/code/<attrs|dataclasses>-<bytecode magic>-O<optimize level>-<generator file>.marshal

(~/.cache when XDG_CACHE_HOME is unset; never in the project). The hook is the name the generator calls:
`compile` in attr._make's globals while grafanalib.core is imported (`import_grafanalib`), `exec` in
dataclasses' globals from `install()` (a command about to run) to the end of the process. Either shadows
the built-in for that one module only, and compiles what it does not know with that module's own future
flags, as the built-in called from there would. A file is rewritten when a run compiled something new;
one that cannot be read or holds anything but code objects is ignored, one that cannot be written costs
speed only. `enable()` is called by the CLI; GRAF_CODE_CACHE=0 turns it off. The library never caches.
"""

from __future__ import annotations
import __future__

import builtins
import contextlib
import marshal
import os
import sys
from collections.abc import Iterator
from contextlib import contextmanager
from importlib.util import MAGIC_NUMBER, find_spec
from pathlib import Path
from types import CodeType, ModuleType
from typing import Any, cast

VARIABLE = "GRAF_CODE_CACHE"
MAX_ENTRIES = 4096  # past this (many versions or team classes seen), a file keeps only what its last run used

Key = tuple[str, str, str]  # source text, file name, mode

_enabled = False
_stores: list[Store] = []  # the ones installed until `finish()`


def enable() -> None:
    global _enabled
    _enabled = os.environ.get(VARIABLE, "").strip() != "0"


def enabled() -> bool:
    return _enabled


def import_grafanalib() -> None:
    """Import grafanalib.core now, through the cache when it is enabled (else grafanalib is imported where
    it is first used, as usual)."""
    if not _enabled or "grafanalib.core" in sys.modules:
        return
    import attr._make as generator

    try:
        file = path("attrs", generator)
    except RuntimeError:  # no home directory to find a cache directory in: compile as usual
        return
    with cached_compiles(generator, file):
        import grafanalib.core  # noqa: F401


@contextmanager
def grafanalib_when_imported() -> Iterator[None]:
    """Within the block, the first import of grafanalib.core (by a team's module, or graf's adapter for one) goes
    through the cache as `import_grafanalib` would; a render whose modules write dashboards as dicts then imports
    no grafanalib at all (~30 ms). Nothing is done where the cache is off or grafanalib.core is imported."""
    if not _enabled or "grafanalib.core" in sys.modules:
        yield
        return
    finder = _GrafanalibFinder()
    sys.meta_path.insert(0, finder)
    try:
        yield
    finally:
        if finder in sys.meta_path:
            sys.meta_path.remove(finder)


class _GrafanalibFinder:
    """A meta path finder for grafanalib.core alone: asked for it, it leaves `sys.meta_path` and gives the spec the
    import system would find, with a loader that runs the module as `import_grafanalib` does (then puts the real
    loader back on the module and its spec, as a plain import leaves them)."""

    def find_spec(self, name: str, path: Any = None, target: Any = None) -> Any:
        if name != "grafanalib.core":
            return None
        if self in sys.meta_path:
            sys.meta_path.remove(self)
        from importlib.machinery import PathFinder

        spec = PathFinder.find_spec(name, path, target)
        if spec is not None and spec.loader is not None and hasattr(spec.loader, "exec_module"):
            spec.loader = cast(Any, _ThroughTheCache(spec.loader))
        return spec


class _ThroughTheCache:
    """A module loader that runs the module with attrs' `compile` going through the cache."""

    def __init__(self, loader: Any) -> None:
        self.loader = loader

    def __getattr__(self, name: str) -> Any:
        return getattr(self.loader, name)

    def create_module(self, spec: Any) -> Any:
        return self.loader.create_module(spec)

    def exec_module(self, module: ModuleType) -> None:
        import attr._make as generator

        try:
            file = path("attrs", generator)
        except RuntimeError:  # no home directory to find a cache directory in: compile as usual
            file = None
        try:
            if file is None:
                self.loader.exec_module(module)
            else:
                with cached_compiles(generator, file):
                    self.loader.exec_module(module)
        finally:
            module.__loader__ = self.loader
            if module.__spec__ is not None:
                module.__spec__.loader = self.loader


def install() -> None:
    """From now to `finish()`, the methods of every new dataclass come through the cache (when it is enabled)."""
    import dataclasses

    if not _enabled or "exec" in vars(dataclasses):
        return
    try:
        file = path("dataclasses", dataclasses)
    except RuntimeError:  # no home directory to find a cache directory in
        return
    store = Store(file, _future_flags(dataclasses))
    dataclasses.exec = store.exec_in(dataclasses)  # type: ignore[attr-defined]
    _stores.append(store)


def finish() -> None:
    """Uninstall, write what the installed stores learnt, and turn the cache off (the CLI's run is over)."""
    global _enabled
    _enabled = False
    if _stores:
        import dataclasses

        vars(dataclasses).pop("exec", None)
    while _stores:
        _stores.pop().save()


def folder() -> Path:
    """Where the cache files are (RuntimeError where there is no home directory to find it from)."""
    base = os.environ.get("XDG_CACHE_HOME", "").strip()
    root = Path(base) if base and Path(base).is_absolute() else Path.home() / ".cache"
    return root / "graf" / "code"


def installed(module: str) -> str:
    """A digest of an installed module's files (names, sizes, modification times), found without importing it."""
    spec = find_spec(module)
    if spec is None:
        return "absent"
    places = list(spec.submodule_search_locations or [])
    files = sorted(p for place in places for p in Path(place).iterdir() if p.is_file())
    if not places and spec.origin:
        files = [Path(spec.origin)]
    import hashlib  # here, not at the top: `graf --help` imports this module and never needs it

    stamp = hashlib.sha256()
    for file in files:
        info = file.stat()
        stamp.update(f"{file.name}\0{info.st_size}\0{info.st_mtime_ns}\0".encode())
    return stamp.hexdigest()[:12]


def path(generator: str, module: ModuleType) -> Path:
    try:
        stat = os.stat(module.__file__ or "")
        installed = f"{stat.st_size:x}.{stat.st_mtime_ns:x}"
    except OSError:
        installed = "unknown"
    return folder() / f"{generator}-{MAGIC_NUMBER.hex()}-O{sys.flags.optimize}-{installed}.marshal"


class Store:
    """The code objects of one file: what it held, and what this run compiled anew."""

    def __init__(self, file: Path, flags: int) -> None:
        self.file, self.flags = file, flags
        self.known = _read(file)
        self.learnt: dict[Key, CodeType] = {}
        self.used: set[Key] = set()

    def code(self, source: str, filename: str, mode: str) -> CodeType:
        key = (source, filename, mode)
        self.used.add(key)
        code = self.known.get(key)
        if code is None:
            code = builtins.compile(source, filename, mode, self.flags, True)
            self.known[key] = self.learnt[key] = code
        return code

    def compile_in(self, module: ModuleType) -> Any:
        """A stand-in for the built-in `compile` as `module` calls it."""
        def compile(source: Any, filename: Any, mode: str, flags: int = 0, dont_inherit: bool = False,
                    optimize: int = -1) -> Any:
            if flags or dont_inherit or optimize != -1 or type(source) is not str or type(filename) is not str:
                return builtins.compile(source, filename, mode, flags | (0 if dont_inherit else self.flags), True,
                                        optimize)
            return self.code(source, filename, mode)

        return compile

    def exec_in(self, module: ModuleType) -> Any:
        """A stand-in for the built-in `exec` as `module` calls it: `exec(text, globals, locals)`."""
        def exec(source: Any, globals: dict[str, Any] | None = None, locals: Any = None) -> None:
            if type(source) is str:
                source = self.code(source, "<string>", "exec")
            builtins.exec(source, vars(module) if globals is None else globals, locals)

        return exec

    def save(self) -> None:
        if not self.learnt:
            return
        keep = self.known if len(self.known) <= MAX_ENTRIES else {k: self.known[k] for k in self.used}
        _write(self.file, keep)


@contextmanager
def cached_compiles(module: ModuleType, file: Path) -> Iterator[None]:
    """While the block runs, `compile(...)` called in `module` takes what `file` knows; then `file` keeps
    what it knew and what the block compiled anew."""
    if "compile" in vars(module):  # the module has its own `compile`: leave it alone
        yield
        return
    store = Store(file, _future_flags(module))
    module.compile = store.compile_in(module)  # type: ignore[attr-defined]
    try:
        yield
    finally:
        del module.compile  # type: ignore[attr-defined]
    store.save()


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
    write_marshal(file, codes)


def keep_newest(folder: Path, pattern: str, count: int) -> None:
    """Of the files in `folder` matching `pattern`, the `count` most recently written kept, the others removed
    (one that cannot go costs disk only)."""
    found = []
    with contextlib.suppress(OSError):  # a folder that cannot be listed
        for file in folder.glob(pattern):
            with contextlib.suppress(OSError):  # gone meanwhile
                found.append((file.stat().st_mtime_ns, file))
    for _, file in sorted(found, reverse=True)[count:]:
        with contextlib.suppress(OSError):
            file.unlink(missing_ok=True)


def write_marshal(file: Path, value: Any) -> bool:
    """`value` marshalled into `file` by atomic rename; False when the cache directory cannot take it (a
    read-only or full cache directory costs speed only)."""
    import tempfile

    temporary = None
    try:
        file.parent.mkdir(parents=True, exist_ok=True)
        handle, temporary = tempfile.mkstemp(dir=file.parent, prefix=".part-")
        with os.fdopen(handle, "wb") as out:
            marshal.dump(value, out)
        os.replace(temporary, file)
    except OSError:
        if temporary is not None:
            Path(temporary).unlink(missing_ok=True)
        return False
    return True
