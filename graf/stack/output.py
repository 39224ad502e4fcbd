"""Writing a rendered stack folder: all files or none, and removing only what graf itself wrote there.

`.graf-files` in the folder lists each file graf wrote with the SHA-256 of what it wrote. A file graf
wrote last time and no longer renders is removed only when its path stays inside the folder (checked
after resolving symlinks) and its content is still exactly what graf wrote; anything else in the
folder (`.env`, certificates, a file someone edited) is left alone, whatever the list says.

Files that hold credentials are written 0600; the others get the mode an ordinary write would give
(0666 less the umask). Every file is first written beside its target, then all are renamed into
place: a folder that cannot be written is an error before any file changes.
"""

from __future__ import annotations

import contextlib
import hashlib
import os
import tempfile
from collections.abc import Collection, Mapping
from dataclasses import dataclass, field
from pathlib import Path, PurePosixPath

from graf.errors import StackError, UsageError

MANIFEST = ".graf-files"
PRIVATE_MODE = 0o600
_MANIFEST_LIMIT = 1024 * 1024  # a manifest graf wrote is a few hundred bytes
_SHOWN = 120


@dataclass
class Outcome:
    removed: list[str] = field(default_factory=list)
    kept: list[tuple[str, str]] = field(default_factory=list)  # (path as listed, why it was not removed)


def digest(text: str) -> str:
    return hashlib.sha256(text.encode("utf-8")).hexdigest()


def shown(path: str) -> str:
    """A path from the manifest as printed: bounded, control characters escaped."""
    text = repr(path)[1:-1]
    return text if len(text) <= _SHOWN else text[:_SHOWN] + "…"


def _umask() -> int:
    current = os.umask(0)
    os.umask(current)
    return current


def _inside(root: Path, relative: str) -> Path | None:
    """`root / relative` when `relative` is a plain relative path that stays inside `root` once every
    symlink is resolved; None otherwise (absolute, `..`, a symlink leading out)."""
    pure = PurePosixPath(relative)
    if not relative or "\x00" in relative or pure.is_absolute() or ".." in pure.parts or "\\" in relative:
        return None
    target = root / pure
    try:
        resolved_parent = target.parent.resolve()
    except (OSError, RuntimeError):
        return None
    if resolved_parent != root and root not in resolved_parent.parents:
        return None
    return target


def read_manifest(out: Path) -> dict[str, str | None]:
    """Path -> SHA-256 graf recorded (None for a line of graf 0.1's format, which had no hash)."""
    manifest = out / MANIFEST
    if manifest.is_symlink() or not manifest.is_file():
        return {}
    with manifest.open("rb") as handle:
        text = handle.read(_MANIFEST_LIMIT).decode("utf-8", errors="replace")
    listed: dict[str, str | None] = {}
    for line in text.splitlines():
        sha, sep, path = line.partition("  ")
        if sep and len(sha) == 64 and all(c in "0123456789abcdef" for c in sha):
            listed[path] = sha
        elif line.strip():
            listed[line.strip()] = None
    return listed


def _folder(out: Path) -> Path:
    if out.exists() and not out.is_dir():
        raise UsageError(str(out), "is a file, not a folder", "give --out a folder (graf creates it if missing)")
    try:
        out.mkdir(parents=True, exist_ok=True)
    except (FileExistsError, NotADirectoryError):
        raise UsageError(str(out), "a part of this path is a file, not a folder") from None
    except OSError as exc:
        raise StackError(str(out), f"cannot create the folder: {exc.strerror or exc}") from None
    return out.resolve()


def write_output(out: Path, files: Mapping[str, str], private: Collection[str] = ()) -> Outcome:
    """Write `files` (relative path -> text) into `out`, then remove the stale files graf wrote before.

    Raises UsageError (exit 2) when `out` is a file, StackError (exit 1) when it cannot be written;
    in both cases no file in the folder has changed.
    """
    root = _folder(out)
    targets: dict[str, Path] = {}
    for relative in sorted(files):
        target = _inside(root, relative)
        if target is None:
            raise StackError(str(root / relative), "leads out of the output folder (a symlink?); nothing written")
        if target.is_dir() and not target.is_symlink():
            raise StackError(str(target), "is a folder where graf writes a file; nothing written")
        targets[relative] = target
    if (root / MANIFEST).is_dir() and not (root / MANIFEST).is_symlink():
        raise StackError(str(root / MANIFEST), "is a folder where graf keeps its list of files; nothing written")
    before = read_manifest(root)
    public = 0o666 & ~_umask()
    contents = {targets[r]: (files[r], PRIVATE_MODE if r in private else public) for r in targets}
    contents[root / MANIFEST] = ("".join(f"{digest(files[r])}  {r}\n" for r in sorted(files)), public)
    _write_all(root, contents)
    return _remove_stale(root, before, set(files))


def _write_all(root: Path, contents: Mapping[Path, tuple[str, int]]) -> None:
    """Stage every file as a temp file beside its target, then rename them all; on any failure remove
    what was staged (and folders made for it) and raise StackError."""
    made: list[Path] = []
    staged: list[tuple[Path, Path]] = []
    where = root
    try:
        for target, (text, mode) in contents.items():
            where = target.parent
            for parent in reversed([target.parent, *target.parent.parents]):
                if parent != root and root in parent.parents and not parent.exists():
                    parent.mkdir()
                    made.append(parent)
            fd, name = tempfile.mkstemp(prefix=f".{target.name}.", dir=target.parent)
            staged.append((Path(name), target))
            os.fchmod(fd, mode)
            with os.fdopen(fd, "w", encoding="utf-8") as handle:
                handle.write(text)
    except OSError as exc:
        _undo(staged, made)
        raise StackError(str(where), f"cannot write: {exc.strerror or exc}; nothing written") from None
    except BaseException:
        _undo(staged, made)
        raise
    for done, (temp, target) in enumerate(staged):
        try:
            os.replace(temp, target)
        except OSError as exc:  # checked beforehand; only a change made meanwhile gets here
            _undo(staged[done:], [])
            raise StackError(str(target), f"cannot replace: {exc.strerror or exc}") from None


def _undo(staged: list[tuple[Path, Path]], made: list[Path]) -> None:
    for temp, _ in staged:
        temp.unlink(missing_ok=True)
    for folder in reversed(made):
        with contextlib.suppress(OSError):
            folder.rmdir()


def _remove_stale(root: Path, before: Mapping[str, str | None], now: set[str]) -> Outcome:
    outcome = Outcome()
    for relative, sha in sorted(before.items()):
        if relative in now or relative == MANIFEST:
            continue
        target = _inside(root, relative)
        if target is None:
            outcome.kept.append((relative, "not inside the output folder"))
            continue
        if not target.exists() and not target.is_symlink():
            continue
        if target.is_symlink() or not target.is_file():
            outcome.kept.append((relative, "not a file graf wrote"))
            continue
        if sha is None:
            outcome.kept.append((relative, "listed by an older graf without a checksum; remove it yourself if unused"))
            continue
        try:
            with target.open("rb") as handle:
                current = hashlib.file_digest(handle, "sha256").hexdigest()
        except OSError as exc:
            outcome.kept.append((relative, f"cannot read it: {exc.strerror or exc}"))
            continue
        if current != sha:
            outcome.kept.append((relative, "changed since graf wrote it"))
            continue
        target.unlink()
        outcome.removed.append(relative)
    return outcome
