"""The code objects of a folder of team modules, kept in one file (the CLI only): one read per render.

Python keeps each module's code in its own `__pycache__` file: loading 500 dashboard modules opens, reads and
checks 500 of them (~40 us each), and compiles every module from source each run where the team's folder is
read-only (a CI checkout) or PYTHONDONTWRITEBYTECODE is set. While the CLI renders, `graf.team` asks this store
instead, one file per folder in the user's cache directory (never in the project):

    $XDG_CACHE_HOME/graf/code/team-<bytecode magic>-O<optimize level>-<folder digest>.marshal

It holds, per module file, the size and modification time (in nanoseconds) of the source it was compiled from,
and the marshalled code: what the import system's loader gives for that source (its own __pycache__ file, or
compiled as it compiles). A source whose size or time differs is read again. A file that cannot be read or holds
anything else is ignored, one that cannot be written costs speed only. Writing one removes the least recently
written ones past `MAX_STORES` (a folder whose file went is read from its __pycache__ once, and kept again).
"""

from __future__ import annotations

import hashlib
import marshal
import os
import sys
from importlib.machinery import ModuleSpec
from importlib.util import MAGIC_NUMBER
from pathlib import Path
from types import CodeType
from typing import Any

Entry = tuple[int, int, bytes]  # source size, source mtime_ns, marshalled code
MAX_STORES = 32  # past this many folders' files (temporary projects of tests and benches), the oldest go


class TeamCode:
    """The code of one folder's modules: what the file held, and what this render read anew."""

    def __init__(self, file: Path) -> None:
        self.file = file
        self.known = _read(file)
        self.changed = False

    def code(self, spec: ModuleSpec) -> CodeType:
        """The code object of the module `spec` names (a source file), as its loader's `get_code` gives it."""
        origin = spec.origin or ""
        stat = os.stat(origin)
        entry = self.known.get(origin)
        if entry is not None and entry[0] == stat.st_size and entry[1] == stat.st_mtime_ns:
            code = marshal.loads(entry[2])
            if isinstance(code, CodeType):
                return code
        assert spec.loader is not None
        code = spec.loader.get_code(spec.name)  # type: ignore[attr-defined]
        if not isinstance(code, CodeType):
            raise ImportError(f"no code for {spec.name}", name=spec.name)
        self.known[origin] = (stat.st_size, stat.st_mtime_ns, marshal.dumps(code))
        self.changed = True
        return code

    def save(self) -> None:
        if self.changed:
            _write(self.file, self.known)
            self.changed = False


def store_for(folder: Path, cache: Path) -> TeamCode:
    """The store of the team modules in `folder` (resolved), its file in the cache folder `cache`."""
    digest = hashlib.sha256(str(folder).encode()).hexdigest()[:16]
    return TeamCode(cache / f"team-{MAGIC_NUMBER.hex()}-O{sys.flags.optimize}-{digest}.marshal")


def _read(file: Path) -> dict[str, Entry]:
    try:
        loaded: Any = marshal.loads(file.read_bytes())
    except (OSError, EOFError, ValueError, TypeError):
        return {}
    if not isinstance(loaded, dict):
        return {}
    return {k: v for k, v in loaded.items()
            if type(k) is str and type(v) is tuple and len(v) == 3 and type(v[0]) is int and type(v[1]) is int
            and type(v[2]) is bytes}


def _write(file: Path, known: dict[str, Entry]) -> None:
    from graf._codecache import keep_newest, write_marshal

    if write_marshal(file, known):
        keep_newest(file.parent, "team-*.marshal", MAX_STORES)
