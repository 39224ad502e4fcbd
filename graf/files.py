"""Writing output: a whole tree replaced at once, or single files replaced atomically."""

from __future__ import annotations

import os
import shutil
import stat
import tempfile
from collections.abc import Iterator, Mapping
from pathlib import Path, PurePosixPath

from graf.errors import GrafError, UsageError

# Written into every tree write_tree makes, listing its files: the proof that a folder is graf's to replace.
MARKER = ".graf-build"
_MARKER_HEADER = "# Written by graf build, which replaces this folder only while it holds nothing but these files.\n"
_MARKER_MAX_BYTES = 16 * 1024 * 1024


def write_tree(out: Path, files: Mapping[str, str]) -> None:
    """Replace the folder `out` with exactly `files` (relative path -> text), all or nothing.

    The new tree is written to a sibling temp folder, then swapped in with two renames; an
    interrupted run leaves the previous tree (or, between the renames, its `.old-*` copy) intact.
    An existing `out` is replaced only when it holds nothing but what graf wrote there (the
    MARKER file lists it) or nothing at all: anything else is a UsageError and nothing changes.
    """
    out = out.resolve()
    for relative in files:
        _check_relative(relative)
    refuse_foreign(out)
    marker = _MARKER_HEADER + "".join(f"{name}\n" for name in sorted(files))
    if _holds_exactly(out, {**files, MARKER: marker}):
        return  # a rebuild of the same tree: nothing to replace (and the files keep their times)
    try:
        out.parent.mkdir(parents=True, exist_ok=True)
        staging = Path(tempfile.mkdtemp(prefix=f".{out.name}.new-", dir=out.parent))
        os.chmod(staging, 0o777 & ~_umask())  # mkdtemp makes 0700; the tree is no secret
    except OSError as exc:
        raise GrafError(str(out), f"cannot write: {_reason(exc)}") from None
    try:
        made = {staging}
        for relative, text in sorted(files.items()):
            target = staging / relative
            if target.parent not in made:
                target.parent.mkdir(parents=True, exist_ok=True)
                made.add(target.parent)
            target.write_text(text, encoding="utf-8")
        (staging / MARKER).write_text(marker, encoding="utf-8")
        _swap(staging, out)
    except OSError as exc:
        shutil.rmtree(staging, ignore_errors=True)
        raise GrafError(str(out), f"cannot write: {_reason(exc)}") from None
    except BaseException:
        shutil.rmtree(staging, ignore_errors=True)
        raise


def _holds_exactly(out: Path, files: Mapping[str, str]) -> bool:
    """Is `out`, a folder refuse_foreign let through, already `files` (marker included), byte for byte, as
    regular files? Then every entry under it is one of them or a folder on their paths (refuse_foreign checked
    the rest against the marker, which is one of them)."""
    if os.linesep != "\n" or not out.is_dir():
        return False
    nofollow = getattr(os, "O_NOFOLLOW", 0)
    for relative, text in files.items():
        try:
            handle = os.open(out / relative, os.O_RDONLY | nofollow)
        except OSError:
            return False
        with os.fdopen(handle, "rb") as file:
            found, wanted = os.fstat(file.fileno()), text.encode("utf-8")
            if not stat.S_ISREG(found.st_mode) or found.st_size != len(wanted) or file.read() != wanted:
                return False
    return True


def _swap(staging: Path, out: Path) -> None:
    if not out.exists():
        os.replace(staging, out)
        return
    # A fresh name, so no folder of the user's (say `.build.old`) is ever in the way or removed.
    retired = Path(tempfile.mkdtemp(prefix=f".{out.name}.old-", dir=out.parent))
    os.replace(out, retired)
    try:
        os.replace(staging, out)
    except BaseException:
        os.replace(retired, out)
        raise
    shutil.rmtree(retired, ignore_errors=True)


def refuse_foreign(out: Path) -> None:
    """UsageError unless `out` is absent, an empty folder, or holds only files its MARKER lists."""
    if not out.exists() and not out.is_symlink():
        return
    if not out.is_dir() or out.is_symlink():
        raise UsageError(str(out), "is not a folder: graf build writes a folder there",
                         "give --out a new folder, or one graf build wrote")
    listed = _listed(out)
    try:
        foreign = next(_foreign(out, listed), None)
    except OSError as exc:
        raise UsageError(str(out), f"cannot look inside: {_reason(exc)}") from None
    if foreign is not None:
        what = "has no .graf-build marker" if listed is None else "is not one graf build wrote there"
        raise UsageError(str(out), f"holds {foreign!r}, which {what}; graf build replaces its folder as a whole",
                         "give --out a new or empty folder (an older graf's build/: remove it once yourself)")


def _listed(out: Path) -> frozenset[str] | None:
    marker = out / MARKER
    if not marker.is_file() or marker.is_symlink():
        return None
    try:
        with marker.open("rb") as handle:
            text = handle.read(_MARKER_MAX_BYTES).decode("utf-8", errors="replace")
    except OSError:
        return None
    return frozenset(line for line in text.splitlines() if line and not line.startswith("#")) | {MARKER}


def _foreign(out: Path, listed: frozenset[str] | None) -> Iterator[str]:
    """Entries under `out` (relative, `/`-separated) that are not graf's, walking no further than needed."""
    listed = listed or frozenset()
    folders = {str(PurePosixPath(name).parent) for name in listed} | {
        str(parent) for name in listed for parent in PurePosixPath(name).parents}

    def fail(exc: OSError) -> None:
        raise exc

    for root, dirs, names in os.walk(out, onerror=fail):
        base = Path(root).relative_to(out).as_posix()
        for name in dirs:
            relative = name if base == "." else f"{base}/{name}"
            if relative not in folders or (Path(root) / name).is_symlink():
                yield relative + "/"
        for name in names:
            relative = name if base == "." else f"{base}/{name}"
            if relative not in listed:
                yield relative


def _check_relative(relative: str) -> None:
    """A name from rendered data (a uid) must stay inside the tree: no `..`, no absolute path."""
    parts = PurePosixPath(relative).parts
    if not parts or PurePosixPath(relative).is_absolute() or ".." in parts or "\\" in relative or "\0" in relative:
        raise GrafError(repr(relative)[:200], "not a safe file name inside the output folder (check the uid)")


def _reason(exc: OSError) -> str:
    return exc.strerror or type(exc).__name__


def write_file(path: Path, text: str) -> None:
    """Replace one file atomically (temp file in the same folder, then rename)."""
    path.parent.mkdir(parents=True, exist_ok=True)
    fd, temp = tempfile.mkstemp(prefix=f".{path.name}.", dir=path.parent)
    try:
        with os.fdopen(fd, "w", encoding="utf-8") as handle:
            handle.write(text)
        # mkstemp makes 0600 files; give the file the mode an ordinary write would (containers read them).
        os.chmod(temp, path.stat().st_mode & 0o777 if path.exists() else 0o666 & ~_umask())
        os.replace(temp, path)
    except BaseException:
        Path(temp).unlink(missing_ok=True)
        raise


def _umask() -> int:
    current = os.umask(0)
    os.umask(current)
    return current
