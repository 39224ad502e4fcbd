"""Writing `graf export`'s files: every path checked to stay inside the output folder, all files or none.

Paths hold server data (uids), so each is resolved and must land inside `folder`. Every file is first
written beside its target as a temp file; only when all of them are written are they renamed into
place. A failure (the folder is a file, a read-only folder, a full disk) is one GrafError naming the
path, and removes the temp files and the folders this run created: nothing half-written.
Files that may hold credentials are 0600; the others get the mode an ordinary write would (umask).
"""

from __future__ import annotations

import contextlib
import os
import tempfile
from collections.abc import Iterable, Mapping
from pathlib import Path

from graf.errors import GrafError


def inside(root: Path, relative: str) -> Path:
    """`root / relative`, resolved, or a GrafError when it would land outside `root`."""
    target = (root / relative).resolve()
    if Path(relative).is_absolute() or not target.is_relative_to(root):
        raise GrafError(str(root), f"refusing to write {relative[:120]!r}: the path leaves the export folder")
    return target


def write_export(folder: Path, files: Mapping[str, str], private: Iterable[str] = ()) -> list[Path]:
    """Write `files` (relative path -> text) below `folder`; the paths in `private` with mode 0600."""
    secret = set(private)
    try:
        root = folder.resolve()
    except OSError as exc:
        raise GrafError(str(folder), f"cannot write: {exc.strerror or exc}") from None
    targets = {relative: inside(root, relative) for relative in sorted(files)}
    made: list[Path] = []
    staged: list[tuple[str, Path]] = []
    try:
        for relative, target in targets.items():
            _make_parents(target.parent, made)
            fd, temp = tempfile.mkstemp(prefix=f".{target.name}.", dir=target.parent)
            staged.append((temp, target))
            with os.fdopen(fd, "w", encoding="utf-8") as handle:
                handle.write(files[relative])
            os.chmod(temp, 0o600 if relative in secret else 0o666 & ~_umask())
        for temp, target in staged:
            os.replace(temp, target)
    except OSError as exc:
        _undo(staged, made)
        where = exc.filename if isinstance(exc.filename, str) else str(folder)
        raise GrafError(where, f"cannot write the export: {exc.strerror or exc}",
                        "choose another --out folder; nothing was written") from None
    except BaseException:
        _undo(staged, made)
        raise
    return list(targets.values())


def _make_parents(path: Path, made: list[Path]) -> None:
    """mkdir -p that records the folders it created, outermost first."""
    missing = []
    while not path.exists():
        missing.append(path)
        if path.parent == path:
            break
        path = path.parent
    for new in reversed(missing):
        new.mkdir()
        made.append(new)


def _undo(staged: list[tuple[str, Path]], made: list[Path]) -> None:
    for temp, _ in staged:
        Path(temp).unlink(missing_ok=True)
    for folder in reversed(made):
        with contextlib.suppress(OSError):  # not empty: something else put a file there meanwhile
            folder.rmdir()


def _umask() -> int:
    current = os.umask(0)
    os.umask(current)
    return current
